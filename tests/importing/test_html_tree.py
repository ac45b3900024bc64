"""The one HTML reader (importing/html_tree.py): the importer walks its tree, and the
tests read the catalogue with it, so what it makes of a page is checked here directly."""

from __future__ import annotations

from clinic_handouts.importing.html_tree import parse


def test_void_elements_hold_nothing_and_an_end_tag_closes_what_is_left_open() -> None:
    page = parse(
        '<div id="a"><p class="x y">one<br>two<img src="p.png" alt=""><input name=q>'
        '</div><p class="y">three <b>bold</p>'
    )
    first = page.by_id("a")
    (paragraph,) = first.find_all("p")
    assert [getattr(c, "tag", c) for c in paragraph.children] == [
        "one",
        "br",
        "two",
        "img",
        "input",
    ]
    assert first.text == "onetwo"
    # The second <p> is the document's, not the div's: </div> closed the <p> inside it.
    assert [p.text for p in page.find_all("p", cls="y")] == ["onetwo", "three bold"]
    assert page.find_all("img")[0].attrs == {"src": "p.png", "alt": ""}


def test_text_is_what_a_reader_sees() -> None:
    page = parse(
        "<p>Call\n\t 988 &amp; <em>ask</em>\u00a0for help</p>"
        "<script>var secret = 1;</script><style>p { color: red }</style>"
    )
    assert page.text == "Call 988 & ask for help"
