"""Accessible PDFs: the structure tree a screen reader walks, the large-print edition as
measured on its pages, the QR code to the online copy, and the file sizes for email.

One project with a handout that has every kind of content is built once for the module
(standard and large print); each test reads what it needs from those two PDFs.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import textwrap
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from click.testing import CliRunner

from clinic_handouts.cli import main
from tests.conftest import CLI, CONFIG, DISCLAIMER_EN, EPOCH, ProjectFactory, handout, pdf_pages
from tests.helpers.tagged import TaggedPdf, read_tagged

URL_PATTERN = "https://clinic.example.org/handouts/{lang}/{slug}.pdf"
URL = "https://clinic.example.org/handouts/en/visit.pdf"
DOOR_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80">'
    '<rect x="30" y="5" width="60" height="75" fill="#555"/></svg>'
)
BODY = """\
## Before you come

Do not eat for 4 hours before your visit.

1. Take your usual medicine.
2. Bring a list of your medicines.

### What to bring

- Your ID card
- A snack for after

| Time | What happens |
|------|--------------|
| 9:00 | You check in at the front desk |
| 9:30 | A nurse checks your blood pressure |

![The clinic's front door, painted dark grey](door.svg)

## Your week

| Day | Time | Place | Who you see | Bring |
|-----|------|-------|-------------|-------|
| Monday | 9:00 | Room 2 | A nurse | Your ID card |
| Thursday | 14:30 | Room 5 | Your doctor | Your medicine list |

!!! warning "When to call us"
    Call us if you feel sick the next day.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("accessible") / "project"
    (root / "handouts/en").mkdir(parents=True)
    (root / "handouts.toml").write_text(CONFIG + f'\n[online]\nurl = "{URL_PATTERN}"\n')
    (root / "handouts/en/door.svg").write_text(DOOR_SVG)
    (root / "handouts/en/visit.md").write_text(
        handout("Your treatment day", BODY, summary="A visit takes about two hours.")
    )
    result = CliRunner().invoke(
        main, ["build", "--project", str(root)], env={"SOURCE_DATE_EPOCH": EPOCH}
    )
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def standard(built: Path) -> TaggedPdf:
    return read_tagged(built / "build/en/visit.pdf")


def test_structure_tree_has_real_headings_lists_tables_and_figures(standard: TaggedPdf) -> None:
    root = standard.root
    assert [h.text for h in root.find("H1")] == ["Your treatment day"]
    assert [h.text for h in root.find("H2")] == ["Before you come", "Your week", "Get help now"]
    assert [h.text for h in root.find("H3")] == ["What to bring"]
    items = [li.text for li in root.find("LI")]
    assert "1. Take your usual medicine." in items and "• Your ID card" in items
    assert all(kid.tag in ("LI", "L") for lst in root.find("L") for kid in lst.children)

    first, second = root.find("Table")
    headers = first.find("TH")
    assert [th.text for th in headers] == ["Time", "What happens"]
    assert {th.attributes.get("Scope") for th in headers} == {"/Column"}
    cells = first.find("TD")
    assert [td.text for td in cells[:2]] == ["9:00", "You check in at the front desk"]
    assert all(td.attributes.get("Headers") for td in cells)  # each cell names its header
    assert [th.text for th in second.find("TH")][-1] == "Bring"  # stays a table here

    alts = [figure.alt for figure in root.find("Figure")]
    assert "The clinic's front door, painted dark grey" in alts
    assert all(alts), "every figure has alternative text"


def test_document_language_title_marking_and_bookmarks(standard: TaggedPdf) -> None:
    assert standard.lang == "en"
    assert standard.display_doc_title and standard.marked
    assert standard.ua_part == "1"
    # Headings of the body only: the running header and footer never make bookmarks.
    assert standard.bookmarks == [
        "Your treatment day",
        "  Before you come",
        "    What to bring",
        "  Your week",
        "  Get help now",
    ]


def test_stamp_in_margins_is_artifact_and_crisis_box_and_disclaimer_are_tagged(
    standard: TaggedPdf,
) -> None:
    tagged = standard.root.text
    for text in ("988 Suicide & Crisis Lifeline", "Text HOME to 741741", "call 911"):
        assert text in tagged, text
    assert tagged.count(DISCLAIMER_EN) == 1  # read once, from the body
    assert "Page 1 of" not in tagged and "In crisis? Call or text 988" not in tagged
    for number, artifacts in enumerate(standard.artifact_text, start=1):
        squeezed = artifacts.replace(" ", "")
        assert "Incrisis?Callortext988.Emergency:911." in squeezed, number
        assert DISCLAIMER_EN.replace(" ", "") in squeezed, number
        assert f"Page{number}of" in squeezed


def test_fonts_are_embedded_and_subset(standard: TaggedPdf) -> None:
    assert standard.fonts
    for name, embedded in standard.fonts:
        assert embedded, name
        assert name[7:8] == "+" and name[1:7].isupper(), f"{name} is not a subset"


def test_qpdf_finds_no_structural_errors(built: Path) -> None:
    for pdf in sorted((built / "build/en").glob("*.pdf")):
        check = subprocess.run(
            ["qpdf", "--check", str(pdf)], capture_output=True, text=True, check=False
        )
        assert check.returncode == 0, check.stdout + check.stderr


def test_tagged_output_is_reproducible(built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "again"
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns("build"))
    result = CliRunner().invoke(
        main, ["build", "--project", str(copy)], env={"SOURCE_DATE_EPOCH": EPOCH}
    )
    assert result.exit_code == 0, result.output
    for name in ("visit.pdf", "visit.large-print.pdf"):
        assert (copy / "build/en" / name).read_bytes() == (built / "build/en" / name).read_bytes()


# --- large print -------------------------------------------------------------------------


def test_large_print_body_is_18pt_with_1_5_spacing_inside_1in_margins(built: Path) -> None:
    with pdfplumber.open(built / "build/en/visit.large-print.pdf") as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages:
            body = [c for c in page.chars if c.get("mcid") is not None and c["text"].strip()]
            stamp = [c for c in page.chars if c.get("tag") == "Artifact" and c["text"].strip()]
            assert body and stamp
            smallest = min(c["size"] for c in body)
            assert smallest >= 18 - 0.01, f"page {page.page_number}: {smallest:.1f} pt text"
            assert min(c["size"] for c in stamp) >= 14 - 0.01
            baselines = sorted({round(c["bottom"], 1) for c in body})
            gaps = [b - a for a, b in itertools.pairwise(baselines)]
            assert min(gaps) >= 1.5 * 18 - 0.2, f"page {page.page_number}: lines too close"
            for char in page.chars:
                assert char["x0"] >= 72 - 0.5 and char["x1"] <= page.width - 72 + 0.5, char
            assert min(c["top"] for c in body) >= 72
            assert max(c["bottom"] for c in body) <= page.height - 72


def test_large_print_crisis_line_is_18pt_on_every_page(built: Path) -> None:
    with pdfplumber.open(built / "build/en/visit.large-print.pdf") as pdf:
        for page in pdf.pages:
            line = page.search("In crisis? Call or text 988.", regex=False)
            assert line, page.page_number
            chars = [c for c in page.chars if c.get("tag") == "Artifact"]
            sizes = {round(c["size"]) for c in chars if line[0]["top"] - 1 <= c["top"]}
            assert max(sizes) >= 18 and min(s for s in sizes if s >= 18) == 18


def test_large_print_keeps_the_stamp_on_every_page(built: Path) -> None:
    pages = pdf_pages(built / "build/en/visit.large-print.pdf")
    for number, text in enumerate(pages, start=1):
        assert DISCLAIMER_EN in text and "In crisis? Call or text 988." in text, number
        assert f"Page {number} of {len(pages)}" in text


def test_large_print_stacks_wide_tables_and_keeps_narrow_ones(built: Path) -> None:
    tagged = read_tagged(built / "build/en/visit.large-print.pdf")
    tables = tagged.root.find("Table")
    assert len(tables) == 1 and [th.text for th in tables[0].find("TH")] == [
        "Time",
        "What happens",
    ]
    paragraphs = [p.text for p in tagged.root.find("P")]
    for line in ("Day: Monday", "Who you see: A nurse", "Bring: Your medicine list"):
        assert line in paragraphs, line


def test_front_matter_opts_a_handout_out_of_large_print(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project({"handouts/en/chart.md": handout("Chart")})
    assert cli("build", "--project", root).exit_code == 0
    assert (root / "build/en/chart.large-print.pdf").exists()
    # The author opts the handout out: its old large-print edition must not linger.
    (root / "handouts/en/chart.md").write_text(handout("Chart", large_print="false"))
    (root / "handouts/en/bad.md").write_text(handout("Bad", large_print="maybe"))
    result = cli("build", "--project", root)
    assert "handouts/en/bad.md:4: error: front-matter: large_print: expected true or false" in (
        result.output
    )
    assert (root / "build/en/chart.pdf").exists()
    assert not (root / "build/en/chart.large-print.pdf").exists()


# --- QR code and online copy -------------------------------------------------------------


def test_qr_code_leads_to_the_online_copy(built: Path, tmp_path: Path) -> None:
    for name in ("visit.pdf", "visit.large-print.pdf"):
        pdf = built / "build/en" / name
        figures = read_tagged(pdf).root.find("Figure")
        assert any(URL in f.alt and f.alt.startswith("QR code") for f in figures), name
        assert URL.replace("/", "") in " ".join(pdf_pages(pdf)).replace(" ", "").replace("/", "")
        # Read the printed code back from a picture of the page, as a phone would.
        last = len(pdf_pages(pdf))
        picture = tmp_path / name
        subprocess.run(
            ["pdftoppm", "-png", "-r", "100", "-f", str(last), "-l", str(last), pdf, picture],
            check=True,
        )
        (png,) = tmp_path.glob(f"{name}*.png")
        scanned = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=False
        )
        assert scanned.stdout.strip() == URL, scanned.stderr
        png.unlink()


def test_no_qr_code_without_an_online_url(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/a.md": handout()})
    assert cli("build", "--project", root, "--only", "a").exit_code == 0
    figures = read_tagged(root / "build/en/a.pdf").root.find("Figure")
    assert not [f for f in figures if "QR code" in f.alt]
    assert "online" not in " ".join(pdf_pages(root / "build/en/a.pdf"))


def test_online_url_pattern_is_checked(make_project: ProjectFactory, cli: CLI) -> None:
    config = CONFIG + '\n[online]\nurl = "https://clinic.example.org/{language}/{slug}.pdf"\n'
    root = make_project({"handouts/en/a.md": handout()}, config=config)
    result = cli("build", "--project", root)
    assert result.exit_code == 2
    line = config.splitlines().index(config.splitlines()[-1]) + 1
    assert (
        f"handouts.toml:{line}: error: config: online.url: unknown placeholder {{language}}; "
        "use {lang}, {slug}, {id}"
    ) in result.output
    config = CONFIG + '\n[online]\nurl = "https://clinic.example.org/handouts.pdf"\n'
    root = make_project({"handouts/en/a.md": handout()}, config=config)
    assert "online.url: must contain {slug} or {id}" in cli("build", "--project", root).output


# --- paper and size ----------------------------------------------------------------------


def test_paper_option_overrides_the_config(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/a.md": handout()})
    assert cli("build", "--project", root, "--paper", "a4").exit_code == 0
    with pikepdf.open(root / "build/en/a.pdf") as pdf:
        width, height = (float(v) for v in pdf.pages[0].MediaBox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4: 210 x 297 mm
    assert cli("build", "--project", root).exit_code == 0  # the config says letter
    with pikepdf.open(root / "build/en/a.large-print.pdf") as pdf:
        width, height = (float(v) for v in pdf.pages[0].MediaBox[2:])
    assert (round(width), round(height)) == (612, 792)
    result = cli("build", "--project", root, "--paper", "legal")
    assert result.exit_code == 2 and "'legal' is not one of 'letter', 'a4'" in result.output


def test_sample_handouts_fit_an_email(repo_copy: Path, cli: CLI) -> None:
    result = cli("build", "--project", repo_copy)
    assert result.exit_code == 0, result.output
    assert "Largest: build/" in result.output
    pdfs = sorted((repo_copy / "build").glob("*/*.pdf"))
    assert any(p.name.endswith(".large-print.pdf") for p in pdfs)
    for pdf in pdfs:
        pages = len(pdf_pages(pdf))
        budget = 60 * 1024 * max(1, pages / 2)  # 60 KB for a two-page text handout
        assert pdf.stat().st_size < budget, f"{pdf.name}: {pdf.stat().st_size} bytes, {pages} p"


def test_stacking_leaves_tables_it_cannot_restack_faithfully() -> None:
    from clinic_handouts.render.stacking import stack_wide_tables

    merged = textwrap.dedent("""\
        <table><thead><tr><th>A</th><th>B</th><th>C</th><th>D</th></tr></thead>
        <tbody><tr><td colspan="2">1</td><td>3</td><td>4</td></tr></tbody></table>""")
    assert stack_wide_tables(merged) == merged
    ragged = merged.replace('<td colspan="2">1</td>', "<td>1</td>")
    ragged = ragged.replace("<td>4</td>", "")
    assert stack_wide_tables(ragged) == ragged
    wide = merged.replace('<td colspan="2">1</td>', "<td>1</td><td></td>")
    assert stack_wide_tables(wide).count('class="stacked-row"') == 1
    assert '<p><span class="stacked-label">A:</span> 1</p>' in stack_wide_tables(wide)
    assert "B:" not in stack_wide_tables(wide)  # an empty cell prints nothing
