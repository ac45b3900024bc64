"""HTML element names that more than one stage reasons about: the sanitizer's allow-list
(``text/markdown.py``) and the block boxes whose trailing space is trimmed before layout
(``render/whitespace.py``). Written once here; no imports, so the render workers load
nothing more for it."""

from __future__ import annotations

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
LISTS = ("ul", "ol", "li", "dl", "dt", "dd")
TABLE_PARTS = ("table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td")
