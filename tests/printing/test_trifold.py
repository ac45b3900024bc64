"""The tri-fold brochure edition, read back by position on the sheet with pdfplumber."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from tests.conftest import CLI, CONFIG, PNG, ProjectFactory, built, folded, handout, stamped
from tests.helpers.cups import Cups
from tests.helpers.html_tree import parse

INCH = 72.0
BODY = """\
## What helps

Go to bed at the same time each night. Keep your room dark and cool.

## What to avoid

Skip coffee after lunch. Put your phone away an hour before bed.
"""
LOGO_CONFIG = CONFIG.replace('phone = "555-0100"', 'phone = "555-0100"\nlogo = "styles/logo.png"')


def trifold_project(
    make_project: ProjectFactory, body: str = BODY, config: str = LOGO_CONFIG
) -> Path:
    return make_project(
        {
            "handouts/en/sleep.md": handout(
                "Sleep well", body=body, trifold="true", summary="Small steps help you sleep."
            ),
            "styles/logo.png": PNG,
        },
        config=config,
    )


def words_in(page: pdfplumber.page.Page, left: float, right: float) -> str:
    """The text of one panel: every character whose middle lies between left and right."""
    chars = [c for c in page.chars if left <= (c["x0"] + c["x1"]) / 2 < right]
    return folded("".join(c["text"] if c["text"].strip() else " " for c in chars))


@pytest.fixture
def trifold_built(make_project: ProjectFactory, cli: CLI) -> Path:
    """The project of ``trifold_project``, built (exit code 0)."""
    root = trifold_project(make_project)
    built(cli, root)
    return root


def panel_text(page: pdfplumber.page.Page, left: float, right: float) -> str:
    cropped = page.crop((left, 0, right, page.height))
    return folded(cropped.extract_text() or "")


def test_letter_trifold_has_six_panels_in_letter_fold_order(trifold_built: Path) -> None:
    root = trifold_built
    path = root / "build/en/sleep.trifold.pdf"
    wide, tuck = (11 + 1 / 16) / 3 * INCH, ((11 + 1 / 16) / 3 - 1 / 16) * INCH
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 2
        outside, inside = pdf.pages
        for page in pdf.pages:  # letter, landscape
            assert (round(page.width), round(page.height)) == (792, 612)
        # Outside: flap (tuck-in) | back | front.
        flap = panel_text(outside, 0, tuck)
        back = panel_text(outside, tuck, tuck + wide)
        front = panel_text(outside, tuck + wide, 792)
        assert front.startswith("Sleep well") and "Test Clinic" in front and "555-0100" in front
        logos = [i for i in outside.images if i["x0"] >= tuck + wide]
        assert len(logos) == 1  # the clinic's logo, on the front panel
        assert back.startswith("Get help now") and "988" in back
        assert "Reviewed October 1, 2026" in back and "Next review" in back
        assert stamped(back)
        assert flap.startswith("Small steps help you sleep.")
        # Inside: the text over three panels, the stamp under the first; the third is
        # the tuck-in panel, 1/16 in narrower.
        first = panel_text(inside, 0, wide)
        assert first.startswith("What helps Go to bed")
        assert stamped(first)
        # Nothing within a quarter inch of a fold, on either side of the sheet.
        for page, folds in ((outside, (tuck, tuck + wide)), (inside, (wide, 2 * wide))):
            for char in page.chars:
                for fold in folds:
                    assert not (fold - 18 < char["x1"] and char["x0"] < fold + 18), char["text"]
        # No text under 12 pt, anywhere.
        sizes = [c["size"] for page in pdf.pages for c in page.chars]
        assert min(sizes) >= 11.95
    # The folds meet: the outside's first fold is behind the inside's second.
    assert round(792 - tuck, 2) == round(2 * wide, 2)
    # The stamp on both sides of the sheet, as a PDF reader extracts it.
    for sheet in PdfReader(path).pages:
        text = folded(sheet.extract_text() or "")
        assert stamped(text)


def test_a4_trifold_is_a4_landscape(make_project: ProjectFactory, cli: CLI) -> None:
    root = trifold_project(make_project, config=LOGO_CONFIG + '\n[print]\npaper = "a4"\n')
    built(cli, root)
    for page in PdfReader(root / "build/en/sleep.trifold.pdf").pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)


def test_content_that_does_not_fit_six_panels_is_refused_not_shrunk(
    make_project: ProjectFactory, cli: CLI
) -> None:
    long_body = "\n".join(
        f"## Step {n}\n\n" + "Take a slow breath and let your shoulders drop. " * 4 + "\n"
        for n in range(16)
    )
    root = trifold_project(make_project, body=long_body)
    output = built(cli, root, code=1)
    assert (
        "handouts/en/sleep.md: error: trifold-overflow: sleep.trifold.pdf not written: the text "
        "needs "
    ) in output
    assert "Text is never made smaller" in output
    assert not (root / "build/en/sleep.trifold.pdf").exists()
    assert (root / "build/en/sleep.pdf").exists()  # the other editions are not held back


def test_title_too_long_for_the_front_panel_is_refused(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project(
        {"handouts/en/sleep.md": handout(" ".join(["Sleeping"] * 40), trifold="true")},
    )
    output = built(cli, root, code=1)
    assert "error: trifold-overflow: sleep.trifold.pdf not written: the title does not fit" in (
        output
    )


def test_a_theme_that_drops_the_stamp_from_a_side_is_refused(
    make_project: ProjectFactory, cli: CLI
) -> None:
    from clinic_handouts.addresses import bundled_theme_dir

    template = (bundled_theme_dir() / "templates/trifold.html").read_text(encoding="utf-8")
    # The stamp only on the outside: the inside panel pages lose their footer.
    css = "@page :nth(4) { @bottom-center { content: none; } }\n"
    root = trifold_project(make_project)
    (root / "templates").mkdir()
    (root / "templates/trifold.html").write_text(
        template.replace("</style>", css + "</style>"), encoding="utf-8"
    )
    output = built(cli, root, code=1)
    assert (
        "handouts/en/sleep.md: error: stamp-missing: sleep.trifold.pdf not written: the inside "
        "of the sheet does not show"
    ) in output


def test_no_trifold_unless_the_handout_opts_in(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep well")})
    assert cli("build", "--project", root).exit_code == 0
    assert not (root / "build/en/sleep.trifold.pdf").exists()


@pytest.mark.usefixtures("cups")
def test_print_trifold_is_two_sided_on_the_short_edge(
    make_project: ProjectFactory, cli: CLI, cups: Cups
) -> None:
    root = trifold_project(make_project, config=LOGO_CONFIG + cups.config())
    result = cli("print", "sleep", "--trifold", "--printer", "front", "--project", root)
    assert result.exit_code == 0, result.output
    assert "trifold edition" in result.output and "two-sided (short edge)" in result.output
    job = cups.scheduler_jobs()[0]
    assert job["sides"] == "two-sided-short-edge" and job["media"] == "na_letter_8.5x11in"


def test_rack_pack_turns_trifolds_onto_portrait_sheets(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = trifold_project(make_project)
    (root / "racks").mkdir()
    (root / "racks/lobby.toml").write_text(
        '[[handout]]\nid = "sleep"\nedition = "trifold"\ncopies = 2\n', encoding="utf-8"
    )
    built(cli, root)
    pages = PdfReader(root / "build/racks/lobby.pdf").pages
    assert len(pages) == 2 + 2 * 2
    # Outside a quarter turn one way, inside the other: long-edge duplex reads right.
    assert [p.rotation for p in pages[2:]] == [90, 270, 90, 270]
    assert "Sleep well" in (pages[2].extract_text() or "")


def test_catalogue_offers_the_trifold_beside_the_other_editions(trifold_built: Path) -> None:
    root = trifold_built
    page = parse((root / "build/index.html").read_text(encoding="utf-8"))
    links = {a.attrs["href"]: a.text for a in page.by_id("handout-sleep").find_all("a")}
    assert list(links) == ["en/sleep.pdf", "en/sleep.large-print.pdf", "en/sleep.trifold.pdf"]
    assert links["en/sleep.trifold.pdf"].startswith("Tri-fold brochure")


def test_a_handout_cannot_use_the_trifold_panel_names(
    make_project: ProjectFactory, cli: CLI
) -> None:
    # An early "end of the text" mark would otherwise hide an overflow from the check.
    body = 'You can rest.\n\n<span id="trifold-inside-end">Rest.</span>\n'
    root = trifold_project(make_project, body=body)
    result = cli("check", "--project", root)
    assert "handouts/en/sleep.md:10: error: unsafe-html:" in result.output
    assert "trifold-inside-end" in result.output
