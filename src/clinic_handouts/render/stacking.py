"""Wide tables restacked for the large-print edition.

At 18 pt a table of four or more columns no longer fits across a page without breaking
words in half. In large print such a table becomes one bordered box per row, one line
per value, each labelled with its column heading ("Morning: 50 mg"), which reads the
same aloud as it does on paper. Narrower tables stay tables. Tables this cannot restack faithfully
(merged cells, a table inside a table, rows of different lengths) are left as tables.

Works on the body HTML after sanitising (nh3 writes regular, lower-case, quoted HTML),
so the cell contents are copied as they are: nothing new is let in.
"""

from __future__ import annotations

import re

MIN_COLUMNS = 4
_TABLE_RE = re.compile(r"<table\b[^>]*>(.*?)</table>", re.S)
_ROW_RE = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL_RE = re.compile(r"<(t[dh])\b[^>]*>(.*?)</t[dh]>", re.S)
_HEAD_RE = re.compile(r"<thead\b[^>]*>(.*?)</thead>", re.S)
_CAPTION_RE = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S)


def _cells(row: str) -> list[tuple[str, str]]:
    return [(tag, content.strip()) for tag, content in _CELL_RE.findall(row)]


def _restack(match: re.Match[str], min_columns: int) -> str:
    inner = match.group(1)
    if "<table" in inner or "colspan" in inner or "rowspan" in inner:
        return match.group(0)
    head = _HEAD_RE.search(inner)
    rows = [_cells(row) for row in _ROW_RE.findall(_HEAD_RE.sub("", inner))]
    if head:
        head_rows = _ROW_RE.findall(head.group(1))
        headers = [content for _, content in _cells(head_rows[0])] if head_rows else []
    elif rows and all(tag == "th" for tag, _ in rows[0]):
        headers = [content for _, content in rows.pop(0)]
    else:
        return match.group(0)
    if len(headers) < min_columns or any(len(row) != len(headers) for row in rows):
        return match.group(0)
    parts = ['<div class="stacked-table">']
    caption = _CAPTION_RE.search(inner)
    if caption:
        parts.append(f'<p class="stacked-caption">{caption.group(1).strip()}</p>')
    for row in rows:
        parts.append('<div class="stacked-row">')
        for label, (_, value) in zip(headers, row, strict=True):
            if value:
                name = f'<span class="stacked-label">{label.rstrip(":")}:</span> ' if label else ""
                parts.append(f"<p>{name}{value}</p>")
        parts.append("</div>")
    parts.append("</div>")
    return "\n".join(parts)


def stack_wide_tables(html: str, min_columns: int = MIN_COLUMNS) -> str:
    """``html`` with every table of ``min_columns`` or more columns restacked."""
    return _TABLE_RE.sub(lambda match: _restack(match, min_columns), html)
