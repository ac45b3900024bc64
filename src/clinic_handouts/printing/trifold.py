"""The tri-fold brochure edition: six panels rendered as narrow pages, checked, then placed
on the two sides of one landscape sheet in letter-fold order.

templates/trifold.html lays the panels out as pages in this order: back, front, flap,
then the handout's text over the three inside panels (see the template for why). Here:

1. the renderer (render/pdf.py) makes those pages and verifies what it always verifies:
   the stamp's margin boxes fit the paper, nothing covers them, and the crisis box in the
   body lists every crisis contact;
2. each fixed panel (back, front, flap) must have ended on its own page, and the text
   must fit the three inside panels: else ``TrifoldOverflow`` (``trifold-overflow``). Text
   is never made smaller to fit;
3. the panels are placed on two landscape sheets (outside: flap | back | front; inside:
   inside 1 | 2 | 3), the tuck-in panel being the flap's other side, 1/16 in narrower;
4. each sheet side is read back as text and must show the disclaimer and the crisis line
   (``StampMissing`` otherwise), as every page of every PDF must.

The placed sheets are not tagged for screen readers (placing pages drops the structure
tree): the standard edition is the accessible one; this one is for paper.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import NameObject

from clinic_handouts.render.pdf import Rendered, Renderer, StampMissing, normalize
from clinic_handouts.render.stamp import Stamp

# Panel pages, in the order the template makes them, and where each goes:
# (sheet side, position from the left). Positions: 0 left, 1 middle, 2 right.
BACK, FRONT, FLAP, INSIDE = 0, 1, 2, 3
PLACES = {0: (0, 1), 1: (0, 2), 2: (0, 0), 3: (1, 0), 4: (1, 1), 5: (1, 2)}
PANELS = 6
FIXED = {"back": BACK, "front": FRONT, "flap": FLAP}  # id trifold-<name>, its page


class TrifoldOverflow(StampMissing):
    """The content does not fit the six panels of the sheet."""

    code = "trifold-overflow"
    advice = (
        "Text is never made smaller to fit a brochure: shorten the handout (or its title "
        "or summary), or take trifold: true out of its front matter"
    )


def _anchor_pages(reader: PdfReader) -> dict[str, int]:
    """The 0-based page of each element with an id, from the PDF's named destinations."""
    pages: dict[str, int] = {}
    for name, destination in reader.named_destinations.items():
        number = reader.get_destination_page_number(destination)
        if number is not None and number >= 0:
            pages[str(name).lstrip("/")] = number
    return pages


def check_fit(reader: PdfReader) -> None:
    anchors = _anchor_pages(reader)
    words = {
        "back": "the crisis box and review line do not fit the back panel",
        "front": "the title does not fit the front panel",
        "flap": "the summary and the clinic's contact details do not fit the flap panel",
    }
    for name, page in FIXED.items():
        start, end = anchors.get(f"trifold-{name}"), anchors.get(f"trifold-{name}-end")
        if start != page or end != page:
            raise TrifoldOverflow(words[name])
    if anchors.get("trifold-inside") != INSIDE:
        raise TrifoldOverflow("the text does not start on the first inside panel")
    end = max(anchors.get("trifold-inside-end", 0), len(reader.pages) - 1)
    needed = end - INSIDE + 1
    if needed > PANELS - INSIDE:
        raise TrifoldOverflow(
            f"the text needs {needed} panels, and a tri-fold has {PANELS - INSIDE} inside "
            f"(about {100 - 100 * (PANELS - INSIDE) // needed}% too long)"
        )


def impose(reader: PdfReader) -> bytes:
    """Two landscape sheet sides, each panel page placed where its fold puts it."""
    wide = float(reader.pages[BACK].mediabox.width)
    tuck = float(reader.pages[FLAP].mediabox.width)
    tall = float(reader.pages[BACK].mediabox.height)
    widths = {0: (tuck, wide, wide), 1: (wide, wide, tuck)}  # left to right, per side
    writer = PdfWriter()
    sides = [writer.add_blank_page(tuck + 2 * wide, tall) for _ in range(2)]
    for index, page in enumerate(reader.pages):
        side, position = PLACES[index]
        left = sum(widths[side][:position])
        sides[side].merge_transformed_page(page, Transformation().translate(left, 0))
    lang = reader.root_object.get("/Lang")
    if lang is not None:  # the language, for text-to-speech on a screen
        writer._root_object[NameObject("/Lang")] = lang
    if reader.metadata is not None:
        writer.add_metadata({k: v for k, v in reader.metadata.items() if isinstance(v, str)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def verify_sheets(data: bytes, stamp: Stamp) -> None:
    reader = PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages, start=1):
        text = normalize(page.extract_text() or "")
        for required in stamp.every_page:
            if normalize(required) not in text:
                side = "outside" if number == 1 else "inside"
                raise StampMissing(f"the {side} of the sheet does not show {required!r}")


def render_trifold(
    renderer: Renderer, html: str, base_url: str, stamp: Stamp, identifier: bytes
) -> Rendered:
    """The tri-fold's PDF (2 pages, with what its panels were made from); raises
    ``TrifoldOverflow``, ``StampMissing`` or ``BlockedResource`` as ``render_pdf`` does."""
    panels = renderer.render_pdf(
        html, base_url, Stamp(every_page=(), in_body=stamp.in_body), identifier
    )
    reader = PdfReader(io.BytesIO(panels.data))
    check_fit(reader)
    data = impose(reader)
    verify_sheets(data, stamp)
    return Rendered(data, 2, panels.fonts, panels.files)
