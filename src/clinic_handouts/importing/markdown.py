"""The HTML mammoth makes from a Word file, as handout Markdown.

mammoth's HTML is small and regular: paragraphs, headings, ``strong``/``em``, links,
images, ``ul``/``ol`` (nested inside ``li``), tables with ``colspan``/``rowspan``, ``br``,
``sup``/``sub``/``s``. This converter handles exactly that, for the Markdown dialect
text/markdown.py reads (Python-Markdown with tables and sane lists), which is where
general converters go wrong: a nested list must be indented by 4 spaces, or Python-
Markdown flattens it; a table cannot merge cells, so a merged cell's text goes into its
first cell, the cells it covered stay empty, and the writer is told (a note in the import
report and an HTML comment above the table, which is never printed).

The title: the first paragraph in Word's Title style, else the first Heading 1. It is
taken out of the body (the template prints it), and when Heading 1s remain they move one
level down (``#`` becomes ``##``), because the title is the page's level 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from clinic_handouts.importing.html_tree import Element, parse

TITLE_CLASS = "docx-title"  # docx.py maps Word's Title style to <h1 class="docx-title">
_SPACE_RE = re.compile(r"[ \t\r\n\f]+")
# Characters Markdown would read as markup inside text; escaped with a backslash.
_INLINE_SPECIAL_RE = re.compile(r"([\\`*_\[\]{}])")
# What Markdown reads as a block at the start of a line: a heading, quote, list item.
_BLOCK_START_RE = re.compile(r"^(#|>|[-+*][ \t]|\d+\.[ \t]|!!!)")
_ENTITY_LIKE_RE = re.compile(r"&(?=#?\w+;)")
_HEADINGS = {f"h{n}": n for n in range(1, 7)}


# An image's address after import, or None when it could not be imported (then the
# reason, for the comment left in its place).
ImageSource = Callable[[str], tuple[str | None, str]]


@dataclass(frozen=True)
class Converted:
    """A Word file's HTML as a handout: its title, its body and what the writer must
    check."""

    title: str | None  # None when the document has no title or Heading 1
    body: str  # Markdown, ending in a newline ("" when empty)
    notes: tuple[str, ...]  # for the import report: "table 1 had merged cells; ..."


def escape(text: str) -> str:
    text = _INLINE_SPECIAL_RE.sub(r"\\\1", text)
    text = _ENTITY_LIKE_RE.sub("&amp;", text)
    return text.replace("<", "&lt;")


@dataclass
class _Writer:
    images: ImageSource
    notes: list[str] = field(default_factory=list)
    shift: int = 0  # heading levels to move down (the title is level 1)
    tables: int = 0

    # --- inline -----------------------------------------------------------------------

    def inline(self, nodes: list[Element | str], in_cell: bool = False) -> str:
        return "".join(self._inline_one(node, in_cell) for node in nodes)

    def _inline_one(self, node: Element | str, in_cell: bool) -> str:
        if isinstance(node, str):
            text = escape(_SPACE_RE.sub(" ", node))
            return text.replace("|", "\\|") if in_cell else text
        tag = node.tag
        if tag in ("strong", "b"):
            return _wrap(self.inline(node.children, in_cell), "**")
        if tag in ("em", "i"):
            return _wrap(self.inline(node.children, in_cell), "*")
        if tag in ("sup", "sub", "s"):
            inner = self.inline(node.children, in_cell)
            return f"<{tag}>{inner}</{tag}>" if inner.strip() else inner
        if tag == "br":
            return "<br>"
        if tag == "img":
            return self._image(node)
        if tag == "a":
            inner = self.inline(node.children, in_cell)
            href = node.attrs.get("href", "").strip()
            # Links within the Word file (a table of contents, footnotes) point at
            # bookmarks the handout does not have: their words are kept.
            if not href or href.startswith("#") or not inner.strip():
                return inner
            if re.search(r"[\s()<>]", href):
                href = f"<{href.replace('>', '%3E')}>"
            return f"[{inner}]({href})"
        return self.inline(node.children, in_cell)

    def _image(self, node: Element) -> str:
        src, reason = self.images(node.attrs.get("src", ""))
        alt = " ".join(node.attrs.get("alt", "").split())
        if src is None:
            return f"<!-- {reason} -->"
        alt = alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
        return f"![{alt}]({src})"

    # --- blocks -----------------------------------------------------------------------

    def blocks(self, nodes: list[Element | str]) -> list[str]:
        out: list[str] = []
        loose: list[Element | str] = []  # inline content outside any paragraph

        def flush() -> None:
            if loose:
                out.append(self.paragraph(loose))
                loose.clear()

        for node in nodes:
            if isinstance(node, Element) and node.tag in (
                *_HEADINGS,
                "p",
                "ul",
                "ol",
                "table",
                "div",
                "blockquote",
            ):
                flush()
                block = self.block(node)
                if block.strip():
                    out.append(block)
            else:
                loose.append(node)
        flush()
        return [block for block in out if block.strip()]

    def block(self, node: Element) -> str:
        if node.tag in _HEADINGS:
            level = min(6, _HEADINGS[node.tag] + self.shift)
            text = self.inline(node.children).strip()
            return f"{'#' * level} {text}" if text else ""
        if node.tag in ("ul", "ol"):
            return "\n".join(self.list_lines(node, 0))
        if node.tag == "table":
            return self.table(node)
        if node.tag in ("div", "blockquote"):
            return "\n\n".join(self.blocks(node.children))
        return self.paragraph(node.children)

    def paragraph(self, nodes: list[Element | str]) -> str:
        text = self.inline(nodes).strip()
        text = re.sub(r" *<br> *", "<br>", text)
        if match := _BLOCK_START_RE.match(text):
            # Text that starts like a heading, quote or list item stays text, as in Word.
            if match.group(1)[0].isdigit():
                return re.sub(r"^(\d+)\.", r"\1\\.", text)
            return "\\" + text
        return text

    def list_lines(self, node: Element, depth: int) -> list[str]:
        indent = " " * 4 * depth  # Python-Markdown nests a list by 4 spaces, no fewer
        lines: list[str] = []
        number = 0
        for item in node.children:
            if not isinstance(item, Element) or item.tag != "li":
                continue
            number += 1
            marker = f"{number}." if node.tag == "ol" else "-"
            inline: list[Element | str] = []
            nested: list[Element] = []
            for child in item.children:
                if isinstance(child, Element) and child.tag in ("ul", "ol"):
                    nested.append(child)
                elif isinstance(child, Element) and child.tag == "p":
                    inline.extend([*child.children, Element("br", {})])
                else:
                    inline.append(child)
            text = self.inline(inline).strip()
            text = re.sub(r"(?: *<br> *)+$", "", text)
            text = re.sub(r" *<br> *", "<br>", text)
            lines.append(f"{indent}{marker} {text}".rstrip())
            for child in nested:
                lines.extend(self.list_lines(child, depth + 1))
        return lines

    def table(self, node: Element) -> str:
        self.tables += 1
        rows = _walk(node, ("tr",), stop=("table",))
        grid: list[list[str | None]] = []
        merged = False
        for r, row in enumerate(rows):
            while len(grid) <= r:
                grid.append([])
            c = 0
            for cell in row.children:
                if not isinstance(cell, Element) or cell.tag not in ("td", "th"):
                    continue
                while c < len(grid[r]) and grid[r][c] is not None:
                    c += 1
                colspan = _span(cell.attrs.get("colspan"))
                rowspan = _span(cell.attrs.get("rowspan"))
                merged = merged or colspan > 1 or rowspan > 1
                text = self.cell(cell)
                for dr in range(rowspan):
                    while len(grid) <= r + dr:
                        grid.append([])
                    target = grid[r + dr]
                    while len(target) < c + colspan:
                        target.append(None)
                    for dc in range(colspan):
                        target[c + dc] = text if (dr, dc) == (0, 0) else ""
                c += colspan
        if not grid:
            return ""
        width = max(len(row) for row in grid)
        cells = [[cell or "" for cell in row] + [""] * (width - len(row)) for row in grid]
        lines = ["| " + " | ".join(row) + " |" for row in cells]
        lines.insert(1, "|" + "|".join(["---"] * width) + "|")
        if merged:
            self.notes.append(
                f"table {self.tables} had merged cells; a Markdown table cannot merge "
                "cells, so each merged cell's text is in its first cell and the cells it "
                "covered are empty: check that the table still reads right"
            )
            lines.insert(
                0,
                "<!-- Imported from Word: this table had merged cells. Each merged cell's "
                "text is in its first cell; check the table reads right. -->\n",
            )
        return "\n".join(lines)

    def cell(self, cell: Element) -> str:
        parts: list[str] = []
        for child in cell.children:
            if isinstance(child, Element) and child.tag in ("ul", "ol"):
                items = [li for li in child.children if isinstance(li, Element)]
                parts.extend("• " + self.inline(li.children, in_cell=True) for li in items)
            elif isinstance(child, Element) and child.tag == "p":
                parts.append(self.inline(child.children, in_cell=True))
            else:
                parts.append(self.inline([child], in_cell=True))
        text = "<br>".join(" ".join(p.split()) for p in parts if p.strip())
        return text


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def _walk(node: Element, want: tuple[str, ...], stop: tuple[str, ...]) -> list[Element]:
    """Descendants named ``want`` in document order, not looking inside ``stop`` ones."""
    found: list[Element] = []
    for child in node.children:
        if not isinstance(child, Element):
            continue
        if child.tag in want:
            found.append(child)
        elif child.tag not in stop:
            found.extend(_walk(child, want, stop))
    return found


def _wrap(inner: str, mark: str) -> str:
    """``**x**`` with the spaces Word leaves inside bold runs moved outside the marks."""
    if not inner.strip():
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{mark}{inner.strip()}{mark}{trail}"


def _take_title(root: Element) -> tuple[str | None, int]:
    """Remove the title heading from the document; its text, and how far to move the
    remaining headings down."""
    headings = [c for c in root.children if isinstance(c, Element) and c.tag == "h1"]
    styled = [h for h in headings if TITLE_CLASS in h.classes]
    title = None
    if styled or headings:
        chosen = (styled or headings)[0]
        title = chosen.text or None
        root.children.remove(chosen)
    remaining = any(isinstance(c, Element) and c.tag == "h1" for c in root.children)
    return title, 1 if remaining else 0


def find_title(markup: str) -> str | None:
    """The document's title (None when it has none), before anything is converted."""
    return _take_title(parse(markup))[0]


def to_markdown(markup: str, images: ImageSource) -> Converted:
    """mammoth's HTML as a handout body, its title (None when the document has none)."""
    root = parse(markup)
    title, shift = _take_title(root)
    writer = _Writer(images, shift=shift)
    body = "\n\n".join(writer.blocks(root.children))
    return Converted(title, body + "\n" if body else "", tuple(writer.notes))
