"""Page-1 thumbnails of built PDFs, for the catalogue. The only importer of pypdfium2.

pypdfium2 (PDFium in a wheel) renders in-process: no extra system package, no program
started per PDF, and the same pixels on every machine. A thumbnail is a small palette PNG;
the catalogue decides when one needs remaking (only when its PDF's bytes changed).
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
from PIL import Image

from clinic_handouts.build.atomic import write_atomic

WIDTH_PX = 240  # shown at 120 CSS pixels: sharp on high-density screens


def write_thumbnail(pdf: Path | bytes, target: Path) -> bool:
    """Render page 1 of ``pdf`` (a file, or the bytes a render worker just wrote) to
    ``target`` (PNG), written atomically.

    False when the file cannot be read as a PDF (say, damaged by hand after the build):
    the catalogue then shows the card without a picture rather than failing the build.
    """
    try:
        document = pypdfium2.PdfDocument(pdf)
    except (pypdfium2.PdfiumError, OSError):
        return False
    try:
        if len(document) == 0:
            return False
        page = document[0]
        width, _height = page.get_size()
        image = page.render(scale=WIDTH_PX / width).to_pil()
        page.close()
    finally:
        document.close()
    # 64 colours keep text crisp at a quarter of the size of a full-colour PNG. The fast
    # octree method, without PNG's slow "optimize" pass, takes about 4 ms a picture
    # instead of 13 (a cold build of 200 handouts makes 200 of them) and gives files
    # smaller than median cut's, with no difference to see at this size.
    small = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG")
    write_atomic(target, buffer.getvalue())
    return True
