"""White space at the end of a block's text, removed before WeasyPrint lays the page out.

CSS drops the collapsible white space at the end of a line, so ``<li><b>Name.</b> text
<ul>`` and ``<li><b>Name.</b> text</ul>`` look the same in a browser. WeasyPrint 70 does
not always agree: when a block's text starts with an inline element (the crisis box's
bold service name) and ends with white space (the template's line break before the
nested list or the closing tag), its last line is measured with that space. If the line
fits only without the space, ``split_first_line`` decides that the line overflows even
though Pango fitted it, and keeps only its first word: the Vietnamese crisis box printed
"Họ sẽ nối / máy / với thông dịch viên" with "máy" alone on a line. Any language, any
width where the last line is that tight, does the same.

The space is removed here, where it can never show: right before a tag that starts or
ends a block (after any inline closing tags), outside ``<pre>``. The text itself is
unchanged, so the stamp check, the text layer and ``--html`` read the same words.
"""

from __future__ import annotations

import re

from clinic_handouts.text.tags import HEADINGS, LISTS, TABLE_PARTS

# Tags that start or end a block box in the theme: the space before them ends a line.
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "div",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        *HEADINGS,
        *LISTS,
        *TABLE_PARTS,
        "header",
        "hr",
        "main",
        "nav",
        "p",
        "section",
        "summary",
    }
)
# A tag or comment (attribute values hold ">" only escaped, as Jinja and the sanitizer
# write them), captured so that splitting keeps it.
_MARKUP = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
# Only the white space CSS collapses; a no-break space is text.
_TRAILING = re.compile(r"[ \t\n\r\f]+$")
# Elements whose white space is kept as it is written.
_VERBATIM = frozenset({"pre", "textarea", "script", "style"})


def _tag(markup: str) -> tuple[bool, str] | None:
    """(is a closing tag, lower-case name) of a tag, None for a comment or doctype."""
    match = _TAG.match(markup)
    return (match.group(1) == "/", match.group(2).lower()) if match else None


def _ends_line(parts: list[str], index: int) -> bool:
    """Whether the markup at ``parts[index]`` (and what follows it) starts or ends a
    block before any more text: inline closing tags with nothing between them are
    looked through, with only white space between them."""
    while index < len(parts):
        tag = _tag(parts[index])
        if tag is None:
            return False
        closing, name = tag
        if name in _BLOCK_TAGS:
            return True
        following = parts[index + 1] if index + 1 < len(parts) else ""
        if not closing or _TRAILING.sub("", following):
            return False  # an inline element starts, or text follows
        index += 2
    return False


def trim_space_before_blocks(html: str) -> str:
    """``html`` without the collapsible white space that ends a block's text."""
    start = html.find("<body")
    if start < 0:
        return html
    parts = _MARKUP.split(html[start:])
    verbatim = 0
    for index in range(1, len(parts), 2):  # odd items are markup, even ones text
        tag = _tag(parts[index])
        if tag is not None and tag[1] in _VERBATIM:
            verbatim += -1 if tag[0] else 1
            continue
        text = parts[index - 1]
        if verbatim <= 0 and text and _ends_line(parts, index):
            parts[index - 1] = _TRAILING.sub("", text)
    return html[:start] + "".join(parts)
