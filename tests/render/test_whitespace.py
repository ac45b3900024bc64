"""render/whitespace.py: the white space that ends a block's text is removed before the
layout, and nothing else changes."""

from __future__ import annotations

import re

from weasyprint import HTML

from clinic_handouts.render.whitespace import trim_space_before_blocks

# The shape of the crisis box's first service, in English: an inline name, then text
# whose last line fits only without the template's line break before the nested list.
ITEM = (
    "<li><strong>The 988 Lifeline.</strong> Call 988. When someone answers, say the name"
    " of your language in English. They will connect you with an interpreter. Free, open"
    " day and night, every day.\n    <ul><li>More than 240 languages.</li></ul>\n  </li>"
)


def lines_at(html: str, width: int) -> list[str]:
    """The text of each line WeasyPrint lays out for ``html`` in a list ``width`` px wide."""
    page = f"""<html lang="en"><head><style>@page {{ size: 30cm 20cm; margin: 1cm }}
    body {{ font-family: 'DejaVu Sans'; font-size: 13pt; margin: 0 }}</style></head>
    <body><ul style="width: {width}px">{html}</ul></body></html>"""
    lines: list[str] = []

    def walk(box: object) -> None:
        if type(box).__name__ == "LineBox":
            parts = [getattr(b, "text", "") for b in box.descendants()]  # type: ignore[attr-defined]
            lines.append("".join(p for p in parts if isinstance(p, str)).strip())
            return
        for child in getattr(box, "children", ()):
            walk(child)

    walk(HTML(string=page).render().pages[0]._page_box)
    return [line for line in lines if line not in ("", "•", "◦")]


def test_the_last_line_of_a_list_item_keeps_its_words() -> None:
    """At 318 px WeasyPrint 70 alone prints "Free," on a line of its own."""
    html = "<body>" + ITEM
    # The fault itself, still in WeasyPrint: when this fails, WeasyPrint measures the
    # line without its end space, and render/whitespace.py may go.
    assert "Free," in lines_at(ITEM, 318)
    trimmed = trim_space_before_blocks(html)
    assert "every day.<ul>" in trimmed
    lines = lines_at(trimmed[len("<body>") :], 318)
    assert "Free, open day and night, every day." in lines, lines
    assert "Free," not in lines


def test_only_white_space_before_a_block_is_removed() -> None:
    html = (
        "<html><head><title> a </title></head><body>\n<p>Keep <b>this</b> \n</p>\n"
        "<li><b>Name.</b> text <em>end </em>\n</li>"
        "<p>An <a href='#'>inline</a> word\u00a0</p>"
        "<pre>code   \n  </pre><div>x\n<span>y</span> z</div></body></html>"
    )
    out = trim_space_before_blocks(html)
    assert "<title> a </title>" in out  # the head is not touched
    assert "<p>Keep <b>this</b></p>" in out
    assert "text <em>end</em></li>" in out  # through an inline closing tag
    assert "word\u00a0</p>" in out  # a no-break space is text, not white space
    assert "<pre>code   \n  </pre>" in out  # white space in <pre> is kept
    assert "x\n<span>y</span> z</div>" in out  # before an inline tag: kept
    assert re.sub(r"\s+", "", out) == re.sub(r"\s+", "", html)  # same text
