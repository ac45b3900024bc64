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

Nothing here imports WeasyPrint: it works on pydyf objects (WeasyPrint's PDF writer).
Nothing random or time-based is added, so equal input still gives equal bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pydyf

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


def finish_structure(document: object, pdf: Any) -> None:
    """WeasyPrint ``finisher``: artifacts for the margins, scopes for header cells."""
    tree = _get(pdf, pdf.catalog.get("StructTreeRoot"))
    if tree is None:
        return  # an untagged PDF: nothing to finish
    root = _get(pdf, tree["K"][0])
    reachable = _reachable(pdf, root)
    _mark_margins_as_artifacts(pdf, tree, reachable)
    _set_header_scopes(pdf, root)
