"""``handouts build --print-shop``: bleed, trim and crop marks, read back with pikepdf and
by looking at the rendered page."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
from PIL import Image
from pypdf import PdfReader

from tests.conftest import CLI, ProjectFactory, folded, handout, stamped

BLEED = 9.0  # 0.125 in, in points


def picture(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def shop_project(make_project: ProjectFactory, pixels: int = 300) -> Path:
    body = 'You can rest.\n\n<img src="photo.png" alt="A calm lake" width="200">\n'
    return make_project(
        {
            "handouts/en/sleep.md": handout("Sleep well", body=body, trifold="true"),
            "handouts/en/photo.png": picture(pixels, pixels * 2 // 3),
        }
    )


def box(page: pikepdf.Page, name: str) -> list[float]:
    return [float(v) for v in page.obj[name]]


def dark(image: Image.Image, x: float, y: float, size: int = 2) -> bool:
    """Any ink in a small square around (x, y) pixels."""
    pixels = [
        image.getpixel((int(x) + dx, int(y) + dy))
        for dx in range(-size, size + 1)
        for dy in range(-size, size + 1)
    ]
    return any(p < 128 for p in pixels)  # type: ignore[operator]


def test_print_shop_files_have_bleed_trim_and_crop_marks_outside_the_trim(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path
) -> None:
    root = shop_project(make_project)
    result = cli("build", "--print-shop", "--project", root)
    assert result.exit_code == 0, result.output
    built = root / "build/en/sleep.pdf"
    shop = root / "build/print-shop/en/sleep.pdf"
    assert (root / "build/print-shop/en/sleep.trifold.pdf").is_file()
    with pikepdf.open(shop) as pdf, pikepdf.open(built) as original:
        assert len(pdf.pages) == len(original.pages)
        assert "/StructTreeRoot" in pdf.Root  # still tagged for screen readers
        for page, source in zip(pdf.pages, original.pages, strict=True):
            trim = box(page, "/TrimBox")
            assert trim == [float(v) for v in source.obj["/MediaBox"]] == [0, 0, 612, 792]
            assert box(page, "/BleedBox") == [-BLEED, -BLEED, 612 + BLEED, 792 + BLEED]
            media = box(page, "/MediaBox")
            assert media[0] < -BLEED - 12 and media[2] > 612 + BLEED + 12  # room for marks
    # The same pages: the stamp the build verified is there, word for word.
    for sheet in PdfReader(shop).pages:
        text = folded(sheet.extract_text() or "")
        assert stamped(text)
    # Look at the printed corner: marks outside the bleed, nothing between trim and bleed.
    subprocess.run(
        ["pdftoppm", "-png", "-r", "144", "-f", "1", "-l", "1", "-gray", shop, tmp_path / "p"],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    scale = 2.0  # 144 dpi
    left, top = media[0], media[3]

    def at(x: float, y: float) -> tuple[float, float]:
        return (x - left) * scale, (top - y) * scale

    for corner_x, corner_y, out_x, out_y in ((0, 0, -1, -1), (612, 792, 1, 1)):
        mark_h = at(corner_x + out_x * (BLEED + 9), corner_y)  # on the trim line, outside
        mark_v = at(corner_x, corner_y + out_y * (BLEED + 9))
        assert dark(image, *mark_h) and dark(image, *mark_v)
        inside_bleed = at(corner_x + out_x * BLEED / 2, corner_y + out_y * BLEED / 2)
        on_trim = at(corner_x + out_x * 3, corner_y)
        assert not dark(image, *inside_bleed) and not dark(image, *on_trim)


def test_a_low_resolution_picture_is_a_warning_naming_it(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = shop_project(make_project, pixels=300)  # 300 px over 200 CSS px (2.08 in)
    result = cli("build", "--print-shop", "--project", root)
    assert result.exit_code == 0, result.output
    assert (
        "handouts/en/sleep.md:9: warning: low-resolution-image: 'handouts/en/photo.png' prints "
        "at 144 dpi in build/print-shop/en/sleep.pdf; a print shop needs 300"
    ) in result.output
    # Reported again while it stays too small, even when nothing is made again.
    again = cli("build", "--print-shop", "--project", root)
    assert "low-resolution-image: 'handouts/en/photo.png'" in again.output


def test_a_sharp_picture_gives_no_warning(make_project: ProjectFactory, cli: CLI) -> None:
    root = shop_project(make_project, pixels=1300)  # at 200 CSS px (2.08 in): 624 dpi
    result = cli("build", "--print-shop", "--project", root)
    assert result.exit_code == 0, result.output
    assert "low-resolution-image" not in result.output


def test_no_print_shop_files_unless_asked(make_project: ProjectFactory, cli: CLI) -> None:
    root = shop_project(make_project)
    assert cli("build", "--project", root).exit_code == 0
    assert not (root / "build/print-shop").exists()
