"""The last touches to a tagged PDF's structure, made just before its bytes are written.

WeasyPrint's PDF/UA output tags the body well: headings, lists, tables whose data cells
point at their header cells, figures with their alternative text. Two things it leaves
to us, done here on the PDF objects it is about to write (its ``finisher`` hook):

- The stamp in the page margins (running header and footer) is marked content that no
  element of the structure tree owns. Page furniture must be marked ``/Artifact`` so that
  assistive technology skips it on purpose: its marks are rewritten as artifacts, and
  the structure elements nobody can reach are emptied. The crisis box and the
  disclaimer are in the tagged body as well, so a screen reader still reads them once.
- Header cells get a ``/Scope`` (``/Column``, or ``/Row`` for a header that starts a
  body row), so a reader knows which way a header applies without following
  ``/Headers``.

- Text whose glyphs do not map one by one, in order, onto its characters gets its real
  text as ``/ActualText``. A PDF maps each glyph to text once (ToUnicode), but in
  Devanagari and its sister scripts one cluster of characters is drawn with glyphs in
  another order (the vowel sign ि is drawn before the consonant it follows), and one
  glyph serves several clusters: WeasyPrint's map then loses or moves letters
  (``चाहए`` for ``चाहिए``), and copying, searching and reading aloud get wrong words.
  Each such line of text is wrapped in ``/Span <</ActualText (its text)>> BDC ... EMC``,
  which PDF readers use instead of the glyphs' own mapping.

Nothing here imports WeasyPrint: it works on pydyf objects (WeasyPrint's PDF writer) and
on the boxes WeasyPrint's page streams remember for tagging. Nothing random or
time-based is added, so equal input still gives equal bytes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import pydyf
from fontTools.unicodedata import script  # type: ignore[import-untyped]

NULL = b"null"


def _number(reference: object) -> int | None:
    """The object number of an indirect reference (b'12 0 R'), else None."""
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return int(reference.split()[0])
    return None


def _get(pdf: Any, reference: object) -> Any:
    number = _number(reference)
    return pdf.objects[number] if number is not None else None


def _kids(pdf: Any, element: Any) -> Iterator[Any]:
    """Structure elements directly below ``element`` (MCIDs and OBJRs skipped)."""
    for item in element.get("K", ()):
        kid = _get(pdf, item)
        if isinstance(kid, pydyf.Dictionary) and kid.get("Type") == "/StructElem":
            yield kid


def _reachable(pdf: Any, root: Any) -> set[int]:
    seen: set[int] = set()
    stack = [root]
    while stack:
        element = stack.pop()
        if element.number in seen:
            continue
        seen.add(element.number)
        stack.extend(_kids(pdf, element))
    return seen


def _mark_margins_as_artifacts(pdf: Any, tree: Any, reachable: set[int]) -> None:
    """Re-mark content owned by no element of the tree as /Artifact."""
    nums = _get(pdf, tree["ParentTree"])["Nums"]
    pages = [_get(pdf, ref) for ref in pdf.page_references]
    for index, page in enumerate(pages):
        # Nums holds (page index, [element per MCID]) pairs first, then annotations.
        if 2 * index + 1 >= len(nums) or nums[2 * index] != index:
            break
        owners = nums[2 * index + 1]
        orphans: set[int] = set()
        for mcid, reference in enumerate(owners):
            number = _number(reference)
            if number is not None and number not in reachable:
                orphans.add(mcid)
                owners[mcid] = NULL
                pdf.objects[number]["K"] = pydyf.Array()
        if orphans:
            stream = _get(pdf, page["Contents"])
            stream.stream = _rewrite_marks(stream.stream, orphans)


def _rewrite_marks(operations: list[Any], orphans: set[int]) -> list[Any]:
    """``/Span <</MCID n>> BDC`` -> ``/Artifact BMC`` for every MCID in ``orphans``."""
    out: list[Any] = []
    position = 0
    while position < len(operations):
        item = operations[position]
        if (
            isinstance(item, str)
            and item.startswith("/")
            and position + 2 < len(operations)
            and isinstance(operations[position + 1], pydyf.Dictionary)
            and operations[position + 1].get("MCID") in orphans
            and operations[position + 2] == b"BDC"
        ):
            out += ["/Artifact", b"BMC"]
            position += 3
            continue
        out.append(item)
        position += 1
    return out


def _set_header_scopes(pdf: Any, root: Any) -> None:
    """Give every TH a /Scope: Column in a header row, Row when it starts a body row."""
    stack = [(root, "")]
    while stack:
        element, section = stack.pop()
        kind = element.get("S")
        if kind in ("/THead", "/TBody", "/TFoot"):
            section = kind
        if kind == "/TR":
            cells = list(_kids(pdf, element))
            all_headers = all(cell.get("S") == "/TH" for cell in cells)
            for cell in cells:
                if cell.get("S") != "/TH":
                    continue
                column = section == "/THead" or all_headers
                attributes = cell.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
                attributes["Scope"] = "/Column" if column else "/Row"
        stack.extend((kid, section) for kid in _kids(pdf, element))


# Scripts whose shaping reorders or splits a cluster's glyphs (pre-base vowel signs,
# reph, split vowels): Devanagari and the other Brahmic scripts, and their neighbours.
# Right-to-left scripts are left out on purpose: PDF readers (poppler) reverse an
# ActualText string on a right-to-left line, which would spell it backwards.
REORDERING_SCRIPTS = frozenset(
    {"Deva", "Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym", "Sinh"}
    | {"Khmr", "Mymr", "Tibt", "Bali", "Java"}
)


def needs_actual_text(text: str) -> bool:
    """Whether ``text`` may be drawn with glyphs that do not map back to it one by one,
    in order: it holds a combining sign (a vowel sign, a virama) of a script whose
    shaping reorders glyphs."""
    return any(
        unicodedata.category(char) in ("Mn", "Mc") and script(char) in REORDERING_SCRIPTS
        for char in text
    )


def _text_boxes(box: Any) -> Iterator[Any]:
    text = getattr(box, "text", None)
    if isinstance(text, str):
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


Point = tuple[float, float]


def _point(x: float, y: float) -> Point:
    return round(x, 2), round(y, 2)


def _actual_texts(page: Any) -> dict[Point, str]:
    """Where each text box of the page that needs ``/ActualText`` starts its line (the
    origin WeasyPrint gives its text matrix: x, and y at the baseline) -> its text.

    WeasyPrint forgets which box each marked sequence holds before the finisher runs,
    but the text matrix of each box is its own start, in the page's CSS pixels."""
    found: dict[Point, str] = {}
    for box in _text_boxes(page._page_box):
        if needs_actual_text(box.text) and box.text.strip():
            found[_point(box.position_x, box.position_y + box.baseline)] = box.text
    return found


def _origin(operation: object) -> Point | None:
    """The (e, f) of a ``a b c d e f Tm`` operation, else None."""
    if isinstance(operation, bytes) and operation.endswith(b" Tm"):
        numbers = operation.split()
        try:
            return _point(float(numbers[4]), float(numbers[5]))
        except (IndexError, ValueError):
            return None
    return None


def _with_actual_text(operations: list[Any], texts: dict[Point, str]) -> list[Any]:
    """Each ``BT ... ET`` whose text matrix starts at one of ``texts`` wrapped in
    ``/Span <</ActualText (text)>> BDC ... EMC`` (WeasyPrint draws one box per BT/ET)."""
    out: list[Any] = []
    position = 0
    while position < len(operations):
        item = operations[position]
        if item == b"BT":
            end = position + 1
            while end < len(operations) and operations[end] != b"ET":
                end += 1
            origin = next(
                (p for p in map(_origin, operations[position:end]) if p is not None), None
            )
            if origin in texts and end < len(operations):
                actual = pydyf.Dictionary({"ActualText": pydyf.String(texts[origin])})
                out += ["/Span", actual, b"BDC", *operations[position : end + 1], b"EMC"]
                position = end + 1
                continue
        out.append(item)
        position += 1
    return out


def _add_actual_texts(document: Any, pdf: Any) -> None:
    for page, reference in zip(document.pages, pdf.page_references, strict=False):
        texts = _actual_texts(page)
        if texts:
            stream = _get(pdf, _get(pdf, reference)["Contents"])
            stream.stream = _with_actual_text(stream.stream, texts)


def finish_structure(document: object, pdf: Any) -> None:
    """WeasyPrint ``finisher``: the real text of shaped clusters, artifacts for the
    margins, scopes for header cells."""
    _add_actual_texts(document, pdf)
    tree = _get(pdf, pdf.catalog.get("StructTreeRoot"))
    if tree is None:
        return  # an untagged PDF: nothing to finish
    root = _get(pdf, tree["K"][0])
    reachable = _reachable(pdf, root)
    _mark_margins_as_artifacts(pdf, tree, reachable)
    _set_header_scopes(pdf, root)
