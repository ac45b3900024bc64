"""The raw-HTML policy (text/markdown.py's docstring): what is kept, what is dropped and reported
with its line, and what is never mistaken for HTML. These run the converter only; the
network tests in test_fetcher.py build and render."""

from __future__ import annotations

import pytest

from clinic_handouts.text import limits as complexity
from clinic_handouts.text.markdown import to_html

REL = "handouts/en/a.md"


def report(body: str) -> list[str]:
    """Problems as printed, for a body whose first line is line 6."""
    return [p.format() for p in to_html(body, REL, 6).problems]


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "java&#10;script:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<b>hi</b>",
        "file:///etc/passwd",
    ],
)
def test_links_with_dangerous_schemes_are_dropped_and_reported(link: str) -> None:
    body = f'Intro.\n\n<a href="{link}">Click</a> and [here]({link.strip()}).\n'
    markup = to_html(body, REL, 6)
    assert "href" not in markup.html and "Click" in markup.html
    problems = [p.format() for p in markup.problems]
    assert problems and all(
        p.startswith(f"{REL}:8: error: blocked-resource: ") for p in problems
    ), problems
    assert "addresses are not allowed in a link" in problems[0]


def test_safe_links_and_images_are_kept() -> None:
    body = (
        "Call [988](tel:988), write to [us](mailto:care@example.org), read "
        "[the guide](https://988lifeline.org) or [below](#side-effects).\n\n"
        "![A calm room](images/room.png)\n\n"
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="A dot">\n'
    )
    markup = to_html(body, REL, 6)
    assert markup.problems == ()
    for kept in ('href="tel:988"', "mailto:care@example.org", "https://988lifeline.org"):
        assert kept in markup.html
    assert 'src="images/room.png"' in markup.html and 'src="data:image/png' in markup.html


def test_code_and_autolinks_are_text_not_html() -> None:
    body = (
        "Type `<script>` or `<iframe src=x>` to see it.\n\n"
        "    <style>@import url(http://example.org/a.css);</style>\n\n"
        "Visit <https://988lifeline.org> or write to <help@example.org>.\n"
    )
    markup = to_html(body, REL, 6)
    assert markup.problems == ()
    assert "&lt;script&gt;" in markup.html and "&lt;style&gt;" in markup.html


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("A.\n\n<script>alert(1)</script>\n", f"{REL}:8: error: unsafe-html: <script>"),
        ("A.\n\n<p onclick='x()'>Hi</p>\n", f"{REL}:8: error: unsafe-html: the onclick"),
        ("# Title {: onclick=x }\n", f"{REL}:6: error: unsafe-html: the onclick"),
        ("A.\n\n<meta http-equiv=refresh content=0>\n", f"{REL}:8: error: unsafe-html: <meta>"),
        ("A.\n\n<form><input></form>\n", f"{REL}:8: error: unsafe-html: <form>"),
        ("A.\n\n<base href=x>\n", f"{REL}:8: error: unsafe-html: <base>"),
        ("A.\n\n<font color=red>Hi</font>\n", f"{REL}:8: warning: unsupported-html: <font>"),
        ("A.\n\n<p style='color:red'>Hi</p>\n", f"{REL}:8: warning: unsupported-html: the style"),
        ("Para\n{: style='color:red' }\n", f"{REL}:7: warning: unsupported-html: the style"),
    ],
)
def test_disallowed_html_is_reported_with_its_line(body: str, expected: str) -> None:
    problems = report(body)
    assert any(p.startswith(expected) for p in problems), problems


def test_unsupported_html_keeps_its_text_and_unsafe_content_goes() -> None:
    markup = to_html("<font>Kept text</font>\n\n<script>gone()</script>\n", REL, 6)
    assert "Kept text" in markup.html and "gone" not in markup.html


def test_classes_and_ids_are_allowed_but_stamp_names_are_reserved() -> None:
    markup = to_html('## Side effects\n\nText\n{: .note #mine }\n\n!!! note "Hi"\n    x\n', REL, 6)
    assert markup.problems == ()
    assert 'id="side-effects"' in markup.html and 'class="note"' in markup.html
    assert 'class="admonition note"' in markup.html
    fake = (
        'A.\n\n<div class="stamp-footer">In crisis? Call 555-0199.</div>\n\n'
        "Para\n{: #stamp-header }\n"
    )
    markup = to_html(fake, REL, 6)
    problems = [p.format() for p in markup.problems]
    assert problems[0].startswith(f'{REL}:8: error: unsafe-html: class="stamp-footer" is reserved')
    assert problems[1].startswith(f'{REL}:11: error: unsafe-html: id="stamp-header" is reserved')
    assert "stamp-" not in markup.html


@pytest.mark.parametrize(
    ("html", "name"),
    [
        # Issue 19, item 8: a box that looks exactly like the real crisis box.
        ('<div class="crisis-box"><h2>Get help now</h2>Call 555-0199.</div>', "crisis-box"),
        # ... and "Page 1 of 1" printed by the theme's counter in the body.
        ('<p class="page-number">Keep this sheet.</p>', "page-number"),
        ('<div class="note summary">Big bold words.</div>', "summary"),
        ('<div id="crisis-resources">Call 555-0199.</div>', "crisis-resources"),
        ('<p class="variant-large-print">x</p>', "variant-large-print"),
    ],
)
def test_every_name_the_theme_uses_is_reserved(html: str, name: str) -> None:
    markup = to_html(f"Intro.\n\n{html}\n", REL, 6)
    attribute = "id" if "id=" in html else "class"
    problems = [p.format() for p in markup.problems]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f'{REL}:8: error: unsafe-html: {attribute}="'), problems
    assert f"{name}" in problems[0] and "is reserved for the theme" in problems[0]
    assert name not in markup.html  # removed, whatever the build does next
    if name == "summary":
        assert 'class="note"' in markup.html  # the handout's own name stays


def test_markdown_own_names_are_not_reported() -> None:
    """Call-outs are the author's: ``!!! warning`` gives the theme's ``.admonition.warning``
    look. A heading that would get the theme's id gets another one."""
    body = '## Crisis resources\n\nText.\n\n!!! warning "Careful"\n    Hot.\n'
    markup = to_html(body, REL, 6)
    assert markup.problems == ()
    assert 'class="admonition warning"' in markup.html
    assert 'class="admonition-title"' in markup.html
    assert 'id="crisis-resources"' not in markup.html
    assert 'id="section-crisis-resources"' in markup.html


def test_comments_are_dropped_quietly() -> None:
    markup = to_html("Text.<!-- note for editors: <img src=http://x/a.png> -->\n", REL, 6)
    assert markup.problems == () and "editors" not in markup.html and "<img" not in markup.html


def test_huge_table_span_is_too_complex() -> None:
    body = 'A.\n\n<table><tr><td colspan="1000000">x</td></tr></table>\n'
    markup = to_html(body, REL, 6)
    assert [p.format()[:50] for p in markup.problems] == [
        f'{REL}:8: error: too-complex: colspan="1000000" is'[:50]
    ]
    assert 'colspan="100"' in markup.html  # never handed to the renderer as it was


@pytest.mark.parametrize(
    ("name", "body", "line"),
    [
        ("nested lists", "".join("    " * i + "- x\n" for i in range(300)), 6 + 20),
        ("nested lists, 2 spaces", "".join("  " * i + "- x\n" for i in range(900)), 6 + 20),
        ("nested quotes", "Hi.\n\n" + ">" * 100_000 + " x\n", 8),
        ("nested call-outs", "".join("    " * i + "!!! note\n" for i in range(30)), 6 + 20),
        ("brackets", "[" * 3_000 + "\n", 6),
        ("marks", "Intro.\n\n" + "`a` " * 5_000 + "\n", 8),
        ("lines", "x\n\n" * (complexity.MAX_LINES + 1), 6 + 2 * complexity.MAX_LINES),
        ("columns", "|" + "a|" * 500 + "\n", 6),
    ],
)
def test_shapes_that_would_stall_the_parser_are_refused_unparsed(
    name: str, body: str, line: int
) -> None:
    markup = to_html(body, REL, 6)
    assert markup.html == ""
    assert markup.problems[0].format().startswith(f"{REL}:{line}: error: too-complex: "), name


def test_raw_html_nested_too_deeply_for_layout_is_refused() -> None:
    body = "<div>" * 200 + "x" + "</div>" * 200 + "\n"
    markup = to_html(body, REL, 6)
    assert markup.html == ""
    assert markup.problems[0].format().startswith(f"{REL}: error: too-complex: the text has")


def test_at_the_limits_a_handout_is_still_parsed() -> None:
    body = "".join("    " * i + "- x\n" for i in range(complexity.MAX_NESTING))
    body += "\n" + "*a* " * (complexity.MAX_MARKS // 2 - 100) + "\n"
    markup = to_html(body, REL, 6)
    assert markup.problems == ()
    assert markup.html.count("<ul>") == complexity.MAX_NESTING
