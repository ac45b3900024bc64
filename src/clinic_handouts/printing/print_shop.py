"""Files a print shop accepts: ``handouts build --print-shop`` also writes
``build/print-shop/<lang>/<slug>.pdf`` (and ``<slug>.trifold.pdf``).

Each is the built, verified PDF with its pages made larger around the same content, not
rendered again: the shop gets exactly the pages the build checked for the stamp, still
tagged. On every page:

- TrimBox: the paper as designed (the built page);
- BleedBox: 0.125 in (3 mm) more on every side, the shop's trimming tolerance. The
  handouts have white margins, so the bleed is white paper: nothing needs extending;
- MediaBox (and CropBox): a further slug of 8 mm for the crop marks, eight short hairlines
  at the corners that start outside the bleed (they are never inside the finished
  piece), drawn as artifacts so screen readers skip them.

Pictures under 300 dpi at their printed size are a ``low-resolution-image`` warning naming
the picture (found by its size in pixels among the handout's and the project's images).
A print-shop file is made again only when its PDF changed (``build/print-shop/print-shop.json``).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_handouts.build.atomic import write_atomic
from clinic_handouts.errors import Problem, warning
from clinic_handouts.project import paths
from clinic_handouts.project.config import CONFIG_NAME, locate

if TYPE_CHECKING:
    from clinic_handouts.build.worker import Output
    from clinic_handouts.project.load import Project

MM = 72 / 25.4
BLEED = 0.125 * 72  # 9 pt: 0.125 in, the shops' 3 mm
MARK_GAP = BLEED  # marks start outside the bleed
MARK_LENGTH = 6 * MM
SLUG = BLEED + MARK_LENGTH + 2 * MM  # paper around the bleed that holds the marks
MIN_DPI = 300
EDITIONS = ("standard", "trifold")  # the editions a shop prints
SIDECAR = "print-shop.json"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff", ".bmp")


def _crop_marks(left: float, bottom: float, right: float, top: float) -> bytes:
    lines = []
    for x, out_x in ((left, -1), (right, 1)):
        for y, out_y in ((bottom, -1), (top, 1)):
            start, end = MARK_GAP, MARK_GAP + MARK_LENGTH
            lines.append(f"{x + out_x * start:.3f} {y:.3f} m {x + out_x * end:.3f} {y:.3f} l")
            lines.append(f"{x:.3f} {y + out_y * start:.3f} m {x:.3f} {y + out_y * end:.3f} l")
    body = "\n".join(lines)
    # Registration black on every separation, so the marks show on each printing plate.
    return f"/Artifact BMC q 0.25 w 1 1 1 1 K\n{body}\nS Q EMC\n".encode()


def with_bleed(pdf: bytes) -> bytes:
    """The PDF with TrimBox, BleedBox and crop marks on every page (see the docstring)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject, RectangleObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))

    def stream(data: bytes) -> object:
        obj = DecodedStreamObject()
        obj.set_data(data)
        return writer._add_object(obj)

    for page in writer.pages:
        box = page.mediabox
        left, bottom, right, top = (
            float(box.left),
            float(box.bottom),
            float(box.right),
            float(box.top),
        )
        page.trimbox = RectangleObject((left, bottom, right, top))
        page.bleedbox = RectangleObject((left - BLEED, bottom - BLEED, right + BLEED, top + BLEED))
        outer = RectangleObject((left - SLUG, bottom - SLUG, right + SLUG, top + SLUG))
        page.mediabox = outer
        page.cropbox = outer
        contents = page.get("/Contents")
        existing = list(contents) if isinstance(contents, ArrayObject) else [contents]
        # The page's own drawing is wrapped in q/Q, so whatever state it leaves behind
        # cannot change how the marks are drawn.
        page[NameObject("/Contents")] = ArrayObject(
            [
                stream(b"q\n"),
                *(c for c in existing if c is not None),
                stream(b"\nQ\n"),
                stream(_crop_marks(left, bottom, right, top)),
            ]
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def low_resolution(pdf: bytes) -> list[tuple[int, int, float]]:
    """(width px, height px, dpi) of every picture printed at under ``MIN_DPI``."""
    import pypdfium2 as pdfium

    found: list[tuple[int, int, float]] = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            for obj in page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=8):
                meta = obj.get_metadata()
                dpi = min(meta.horizontal_dpi, meta.vertical_dpi)
                if 0 < dpi < MIN_DPI - 0.5:
                    found.append((meta.width, meta.height, dpi))
    finally:
        document.close()
    return found


def _pixel_sizes(files: Iterable[Path]) -> dict[tuple[int, int], list[Path]]:
    from PIL import Image

    sizes: dict[tuple[int, int], list[Path]] = {}
    for path in files:
        try:
            with Image.open(path) as image:
                sizes.setdefault(image.size, []).append(path)
        except (OSError, ValueError):
            continue
    return sizes


def _candidates(project: Project, output: Output) -> list[Path]:
    root = project.config.root
    folders = [output.handout.source.parent, root / paths.IMAGES]
    files = [
        p
        for folder in folders
        if folder.is_dir()
        for p in sorted(folder.rglob("*"))
        if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
    ]
    if project.config.clinic.logo:
        files.append(root / project.config.clinic.logo)
    return files


def _image_warnings(project: Project, output: Output, pdf: bytes, key: str) -> list[Problem]:
    small = low_resolution(pdf)
    if not small:
        return []
    root = project.config.root
    sizes = _pixel_sizes(_candidates(project, output))
    handout = output.handout
    problems: list[Problem] = []
    for width, height, dpi in sorted(set(small)):
        names = sizes.get((width, height), [])
        shown = " or ".join(repr(p.relative_to(root).as_posix()) for p in names) or (
            f"a {width}x{height} pixel picture"
        )
        is_logo = bool(names) and all(
            project.config.clinic.logo and p == root / project.config.clinic.logo for p in names
        )
        path, line = (
            (CONFIG_NAME, locate(project.config.source_text, "clinic", "logo"))
            if is_logo
            else (handout.rel, _line_of(handout.body, handout.body_line, names))
        )
        need = round(width * MIN_DPI / dpi)
        problems.append(
            warning(
                path,
                line,
                "low-resolution-image",
                f"{shown} prints at {dpi:.0f} dpi in {paths.BUILD}/{key}; a print shop needs "
                f"{MIN_DPI}. Use a larger copy of the picture (at least {need} pixels wide "
                "at this size); the office-printer PDFs are fine as they are",
            )
        )
    return problems


def _line_of(body: str, first_line: int, names: Sequence[Path]) -> int:
    for offset, text in enumerate(body.split("\n")):
        if any(p.name in text for p in names):
            return first_line + offset
    return 0


def write_print_shop(project: Project, outputs: Iterable[Output]) -> list[Problem]:
    """The print-shop copy of every current standard and tri-fold PDF."""
    build_dir = project.config.build_dir
    sidecar = build_dir / paths.PRINT_SHOP / SIDECAR
    try:
        recorded = json.loads(sidecar.read_text(encoding="utf-8"))
        if not isinstance(recorded, dict):
            recorded = {}
    except (OSError, ValueError):
        recorded = {}
    record: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for output in sorted(outputs, key=lambda o: str(o.pdf)):
        if output.variant.name not in EDITIONS or not output.pdf.is_file():
            continue
        key = paths.print_shop_key(output.pdf.relative_to(build_dir).as_posix())
        data = output.pdf.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        target = build_dir / key
        old = recorded.get(key)
        if isinstance(old, dict) and old.get("source") == digest and target.is_file():
            record[key] = old
        else:
            write_atomic(target, with_bleed(data))
            notes = _image_warnings(project, output, data, key)
            record[key] = {"source": digest, "warnings": [p.as_json() for p in notes]}
        for note in record[key].get("warnings") or []:
            problems.append(warning(note["file"], note["line"], note["code"], note["message"]))
    write_atomic(sidecar, json.dumps(record, indent=2, sort_keys=True).encode())
    return problems
