"""The stamp must be seen, not only be in the PDF's text, and cannot be imitated
(issue 19, items 3 and 8; issue 14).

A picture taller than the page used to run over the footer: the crisis line and the
disclaimer were printed black on black, and the text check passed because their words
were still there. Here the picture is laid out inside the page, checked as a reader gets
it (the text of every page, where the picture lies, the colour of the footer's pixels),
and a theme that lets something cover the margins is refused by the layout check
(``pdf.verify_stamp_uncovered``), not only by the CSS that normally prevents it. A
handout may not use the theme's class and id names (``reserved.py``), so it cannot print
a crisis box or page numbers of its own that look like the real ones.
"""

from __future__ import annotations

import base64
import io
import subprocess
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest
from pdfplumber.page import Page
from pdfplumber.pdf import PDF
from PIL import Image

from clinic_handouts.addresses import bundled_theme_dir
from tests.conftest import CLI, CRISIS_LINE_EN, ProjectFactory, handout, pdf_pages, stamped

IMAGE_RULE = "img { max-width: 100%; max-height: 85vh; object-fit: contain; }"


def tall_black_png() -> bytes:
    """The issue's picture: 700 x 2000 pixels, all black, a few hundred bytes."""
    buffer = io.BytesIO()
    Image.new("L", (700, 2000), 0).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def tall_picture_project(make_project: ProjectFactory, how: str, **extra: str | bytes) -> Path:
    png = tall_black_png()
    pictures = {
        "data": f"![A black bar](data:image/png;base64,{base64.b64encode(png).decode()})",
        "file": "![A black bar](tall.png)",
        "attributes": '<img src="tall.png" width="700" height="2000" alt="A black bar">',
    }
    body = f"Before the picture.\n\n{pictures[how]}\n\nAfter the picture.\n"
    files: dict[str, str | bytes] = {
        "handouts/en/tall.md": handout(title="Tall picture", body=body),
        "handouts/en/tall.png": png,
        **extra,
    }
    return make_project(files)


def footer_top_pt(pdf: PDF, page: Page) -> float:
    """Where the footer starts on this page: the top of its crisis line."""
    words = page.search(CRISIS_LINE_EN.split(".")[0], regex=False)
    assert words, f"no crisis line on page {page.page_number} of {len(pdf.pages)}"
    return float(min(w["top"] for w in words))


@pytest.mark.parametrize("how", ["data", "file", "attributes"])
def test_a_picture_taller_than_the_page_stays_above_the_footer(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path, how: str
) -> None:
    root = tall_picture_project(make_project, how)
    result = cli("build", "--project", root, "-j", "1")
    assert result.exit_code == 0, result.output

    for name in ("tall.pdf", "tall.large-print.pdf"):
        pdf_path = root / "build/en" / name
        for number, text in enumerate(pdf_pages(pdf_path), start=1):
            assert stamped(text), (name, number)
        with pdfplumber.open(pdf_path) as pdf:
            pictures = 0
            for page in pdf.pages:
                footer = footer_top_pt(pdf, page)
                for image in page.images:
                    if image["height"] < 100:  # the header's logo, if any
                        continue
                    pictures += 1
                    assert image["bottom"] < footer, (name, page.page_number, image)
                    assert image["top"] > 40, (name, page.page_number, image)
            assert pictures == 1, name

        # As a person sees it: the footer's band of the page is paper, not picture.
        prefix = tmp_path / f"{how}-{name}"
        subprocess.run(["pdftoppm", "-png", "-r", "30", pdf_path, prefix], check=True)
        for picture in sorted(tmp_path.glob(f"{prefix.name}-*.png")):
            with Image.open(picture) as page_image:
                grey = page_image.convert("L")
                width, height = grey.size
                footer_band = grey.crop((0, int(height * 0.90), width, height))
                histogram = footer_band.histogram()
                dark = sum(histogram[:60]) / sum(histogram)
                assert dark < 0.05, (picture.name, dark)  # text only, never a black block


def print_css_with(change: Callable[[str], str]) -> str:
    original = (bundled_theme_dir() / "styles/print.css").read_text(encoding="utf-8")
    changed = change(original)
    assert changed != original
    return changed


BROKEN_THEMES = {
    # The theme forgets to keep pictures inside the page.
    "no-image-limit": lambda css: css.replace(IMAGE_RULE, "img { max-width: 100%; }"),
    # A theme rule moves the body down over the footer.
    "moved-body": lambda css: css + "\n.handout-body { position: relative; top: 9in; }\n",
    # A fixed box is printed on every page, in the bottom margin.
    "fixed-box": lambda css: (
        css + "\n.summary { position: fixed; bottom: -1in; background: #000; }\n"
    ),
}


@pytest.mark.parametrize("theme", sorted(BROKEN_THEMES))
def test_a_theme_that_lets_the_body_cover_the_stamp_is_refused(
    make_project: ProjectFactory, cli: CLI, theme: str
) -> None:
    assert IMAGE_RULE in (bundled_theme_dir() / "styles/print.css").read_text(encoding="utf-8")
    css = print_css_with(BROKEN_THEMES[theme])
    root = tall_picture_project(make_project, "data", **{"styles/print.css": css})
    if theme == "fixed-box":
        text = handout(title="Tall picture", body="Short.\n", summary="A summary.")
        (root / "handouts/en/tall.md").write_text(text, encoding="utf-8")
    result = cli("build", "--project", root, "-j", "1")

    assert result.exit_code == 1, result.output
    assert "handouts/en/tall.md: error: stamp-covered: tall.pdf not written: on page " in (
        result.output
    )
    assert "where the disclaimer and crisis line are printed" in result.output
    assert not (root / "build/en/tall.pdf").exists()


def test_the_refusal_names_the_picture(make_project: ProjectFactory, cli: CLI) -> None:
    css = print_css_with(BROKEN_THEMES["no-image-limit"])
    root = tall_picture_project(make_project, "file", **{"styles/print.css": css})
    result = cli("build", "--project", root, "-j", "1")
    assert result.exit_code == 1, result.output
    assert "the picture 'tall.png' reaches into the page margin" in result.output


def test_a_crisis_box_that_leaves_out_a_contact_is_refused(
    make_project: ProjectFactory, cli: CLI
) -> None:
    """Issue 14: the body's crisis box must list every contact of the crisis data. A
    template that drops the last service (here: 911) still prints the footer, so only
    the check of the body catches it."""
    box = (bundled_theme_dir() / "templates/_crisis_box.html").read_text(encoding="utf-8")
    loop = "{% for resource in crisis.resources %}"
    assert loop in box
    short = box.replace(loop, "{% for resource in crisis.resources[:-1] %}")
    root = make_project({"handouts/en/a.md": handout(), "templates/_crisis_box.html": short})
    result = cli("build", "--project", root, "-j", "1")

    assert result.exit_code == 1, result.output
    assert (
        "handouts/en/a.md: error: stamp-missing: a.pdf not written: the crisis box in the "
        "body does not list "
    ) in result.output
    assert not (root / "build/en/a.pdf").exists()


def test_width_and_height_attributes_are_honoured(make_project: ProjectFactory, cli: CLI) -> None:
    """The issue found them ignored: ``width="48"`` prints the picture 48 px (36 pt)
    wide, its height following its proportions."""
    body = 'A narrow picture:\n\n<img src="tall.png" width="48" alt="A black bar">\n'
    root = make_project(
        {"handouts/en/a.md": handout(body=body), "handouts/en/tall.png": tall_black_png()}
    )
    result = cli("build", "--project", root, "-j", "1")
    assert result.exit_code == 0, result.output
    with pdfplumber.open(root / "build/en/a.pdf") as pdf:
        (image,) = [i for page in pdf.pages for i in page.images]
    assert image["width"] == pytest.approx(36, abs=0.5)
    assert image["height"] == pytest.approx(36 * 2000 / 700, abs=0.5)


def test_a_handout_cannot_imitate_the_theme_of_its_own_project(
    make_project: ProjectFactory, cli: CLI
) -> None:
    """Issue 19, item 8: the reserved names come from the theme in use, the project's own
    templates and styles included, so a class the clinic adds is reserved at once, and
    the build refuses what ``check`` reports."""
    css = print_css_with(lambda text: text + "\n.urgent-banner { border: 3pt solid #000; }\n")
    template = (bundled_theme_dir() / "templates/handout.html").read_text(encoding="utf-8")
    seal = '<p class="clinic-seal">Approved by the clinic</p>\n{% endblock %}'
    template = template.replace("{% endblock %}", seal)
    body = (
        "Intro.\n\n"
        '<div class="crisis-box"><h2>Get help now</h2>Call 555-0199.</div>\n\n'
        '<p class="page-number"></p>\n\n'
        '<div class="urgent-banner">Call 555-0199 now.</div>\n\n'
        '<p class="clinic-seal">Approved</p>\n'
    )
    root = make_project(
        {
            "handouts/en/a.md": handout(body=body),
            "styles/print.css": css,
            "templates/handout.html": template,
        }
    )
    for command in ("check", "build"):
        result = cli(command, "--project", root)
        assert result.exit_code == 1, result.output
        for line, name in ((8, "crisis-box"), (10, "page-number"), (12, "urgent-banner")):
            expected = f'handouts/en/a.md:{line}: error: unsafe-html: class="{name}" is reserved'
            assert expected in result.output, (command, result.output)
        assert 'handouts/en/a.md:14: error: unsafe-html: class="clinic-seal"' in result.output
    assert not (root / "build/en/a.pdf").exists()


def test_a_name_the_theme_starts_using_is_reserved_on_the_next_build(
    make_project: ProjectFactory, cli: CLI
) -> None:
    """The check cache keeps converted Markdown between builds; the theme's names are
    part of its key, so a class the theme adds later is not waved through from it."""
    body = 'Intro.\n\n<div class="urgent-banner">Call 555-0199 now.</div>\n'
    root = make_project({"handouts/en/a.md": handout(body=body)})
    assert cli("build", "--project", root).exit_code == 0
    css = print_css_with(lambda text: text + "\n.urgent-banner { border: 3pt solid #000; }\n")
    (root / "styles").mkdir()
    (root / "styles/print.css").write_text(css, encoding="utf-8")
    result = cli("build", "--project", root)
    assert result.exit_code == 1, result.output
    assert 'handouts/en/a.md:8: error: unsafe-html: class="urgent-banner"' in result.output
