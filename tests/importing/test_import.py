"""`handouts import`: Word files made with Word's own structures, imported, checked and
built; the PDF's text and the HTML's nested lists are what a person gets. Refused files
(.doc, PDF, damaged, password-protected) and existing handouts: a message, exit code 2,
nothing written.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import Result
from docx.table import Table
from PIL import Image

from tests.conftest import CLI, ProjectFactory, built, handout, pdf_pages
from tests.helpers.pdf_text import not_printed
from tests.helpers.project_files import picture as png
from tests.helpers.wordfiles import WordFile

BODY_LINE = 11  # an imported handout's body starts here (front matter and its notes)


def merge_cells(table: Table) -> None:
    table.cell(0, 0).merge(table.cell(0, 1))  # across: "When" and "Where"
    table.cell(1, 2).merge(table.cell(2, 2))  # down: the last column's two cells


def dizzy_sheet() -> WordFile:
    word = WordFile()
    word.title("Feeling dizzy after treatment")
    word.paragraph(
        "You may feel ", ("bold", "dizzy"), " for an hour. This is ", ("italic", "common"), "."
    )
    word.heading("Before you leave", 1)
    word.styled_item("Sit quietly until the room stops moving.", "List Bullet")
    word.styled_item("Ask a nurse if you need help.", "List Bullet 2")
    word.styled_item("Drink a glass of water.", "List Bullet")
    word.heading("At home", 2)
    word.styled_item("Rest for the day.", "List Number")
    word.styled_item("Eat a light meal.", "List Number")
    word.styled_item("Soup or toast is fine.", "List Number 2")
    word.paragraph("Things to avoid:")
    word.toolbar_item("Driving today.", 0)
    word.toolbar_item("Not even a short trip.", 1)
    word.toolbar_item("Alcohol.", 0)
    word.table(
        [["When", "Where", "Call"], ["Day", "Clinic", "555-0100"], ["Night", "Help line", "x"]],
        merge_cells,
    )
    word.picture(png("blue"), "A nurse helps a patient stand up")
    word.link("More help: ", "the 988 Lifeline", "https://988lifeline.org")
    return word


def import_(cli: CLI, root: Path, *args: str | Path) -> Result:
    return cli("import", "--project", root, *args)


def fill_review(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("reviewed_on: YYYY-MM-DD", "reviewed_on: 2026-10-01"), "utf-8")


class Lists(HTMLParser):
    """Each list item's words with the tags of the lists it sits in, outermost first."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.items: dict[str, tuple[str, ...]] = {}
        self._words: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("ul", "ol"):
            self.stack.append(tag)
        if tag == "li":
            self._words = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and data.strip() and not self._words:
            self._words.append(data.strip())
            self.items[data.strip()] = tuple(self.stack)


def test_a_word_sheet_imports_checks_and_builds(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path
) -> None:
    root = make_project()
    source = dizzy_sheet().save(tmp_path / "Dizzy sheet.docx")
    result = import_(cli, root, source)
    assert result.exit_code == 0, result.output
    rel = "handouts/en/feeling-dizzy-after-treatment.md"
    assert f"Wrote {rel} and 1 picture from Dizzy sheet.docx." in result.stdout
    assert "Note: table 1 had merged cells" in result.stdout
    # Checked like `handouts check`: the only error is the review still to be done.
    assert f"{rel}:7: error: front-matter: reviewed_on: not filled in yet" in result.stdout
    assert "Imported 1 handout: 1 error(s)" in result.stdout

    text = (root / rel).read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "Feeling dizzy after treatment"\n')
    assert "\nreviewed_on: YYYY-MM-DD\n" in text
    body = text.split("\n---\n\n", 1)[1]
    assert body == (
        "You may feel **dizzy** for an hour. This is *common*.\n\n"
        "## Before you leave\n\n"
        "- Sit quietly until the room stops moving.\n"
        "    - Ask a nurse if you need help.\n"
        "- Drink a glass of water.\n\n"
        "### At home\n\n"
        "1. Rest for the day.\n"
        "2. Eat a light meal.\n"
        "    1. Soup or toast is fine.\n\n"
        "Things to avoid:\n\n"
        "- Driving today.\n"
        "    - Not even a short trip.\n"
        "- Alcohol.\n\n"
        "<!-- Imported from Word: this table had merged cells. Each merged cell's text is "
        "in its first cell; check the table reads right. -->\n\n"
        "| When<br>Where |  | Call |\n"
        "|---|---|---|\n"
        "| Day | Clinic | 555-0100<br>x |\n"
        "| Night | Help line |  |\n\n"
        "![A nurse helps a patient stand up](images/feeling-dizzy-after-treatment-1.png)\n\n"
        "More help: [the 988 Lifeline](https://988lifeline.org)\n"
    )
    with Image.open(root / "handouts/en/images/feeling-dizzy-after-treatment-1.png") as picture:
        assert picture.size == (40, 20)

    fill_review(root / rel)
    built(cli, root, "--html")
    pdf = root / "build/en/feeling-dizzy-after-treatment.pdf"
    words = (
        "Feeling dizzy after treatment",
        "You may feel dizzy for an hour.",
        "Before you leave",
        "Ask a nurse if you need help.",
        "Soup or toast is fine.",
        "Help line",
        "More help: the 988 Lifeline",
    )
    assert not_printed(pdf, words) == []
    lists = Lists()
    lists.feed((root / "build/en/feeling-dizzy-after-treatment.html").read_text("utf-8"))
    assert lists.items["Sit quietly until the room stops moving."] == ("ul",)
    assert lists.items["Ask a nurse if you need help."] == ("ul", "ul")
    assert lists.items["Eat a light meal."] == ("ol",)
    assert lists.items["Soup or toast is fine."] == ("ol", "ol")
    assert lists.items["Not even a short trip."] == ("ul", "ul")
    assert lists.items["Alcohol."] == ("ul",)


def test_word_text_that_looks_like_markdown_stays_text(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path
) -> None:
    word = WordFile()
    word.heading("Doses", 1)
    word.paragraph("1. This line was typed, not a list.")
    word.paragraph("# 2 is the number to press.")
    word.paragraph("Take 2*3 tablets_a day <not more> [ask us] # now")
    root = make_project()
    assert import_(cli, root, word.save(tmp_path / "doses.docx")).exit_code == 0
    fill_review(root / "handouts/en/doses.md")
    assert cli("build", "--project", root).exit_code == 0
    pages = " ".join(pdf_pages(root / "build/en/doses.pdf"))
    assert "1. This line was typed, not a list." in pages
    assert "# 2 is the number to press." in pages
    assert "Take 2*3 tablets_a day <not more> [ask us] # now" in pages


@pytest.mark.parametrize(
    ("title", "file_name", "slug"),
    [
        ("Cómo dormir mejor", "x.docx", "como-dormir-mejor"),
        ("睡眠指南", "sleep guide.docx", "sleep-guide"),
        ("دليل النوم", "نوم.docx", "imported-handout"),
    ],
)
def test_names_come_from_the_title_or_the_file(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path, title: str, file_name: str, slug: str
) -> None:
    word = WordFile()
    word.title(title)
    word.paragraph("Text.")
    root = make_project()
    result = import_(cli, root, word.save(tmp_path / file_name), "--lang", "es")
    assert result.exit_code == 0, result.output
    assert f'title: "{title}"' in (root / f"handouts/es/{slug}.md").read_text("utf-8")


def test_two_files_with_one_title_get_two_names(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path
) -> None:
    word = WordFile()
    word.heading("Sleep", 1)
    first, second = word.save(tmp_path / "a.docx"), word.save(tmp_path / "b.docx")
    root = make_project()
    assert import_(cli, root, first, second).exit_code == 0
    assert (root / "handouts/en/sleep.md").exists()
    assert (root / "handouts/en/sleep-2.md").exists()


# --- refused -------------------------------------------------------------------------


def encrypted_word_file() -> bytes:
    """What Word saves with a password: the old OLE container with an EncryptionInfo
    stream (its directory names are UTF-16) and the encrypted package."""
    header = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
    directory = "EncryptionInfo".encode("utf-16-le") + bytes(64)
    return header + directory + "EncryptedPackage".encode("utf-16-le") + bytes(256)


def damaged_docx(tmp_path: Path) -> bytes:
    whole = dizzy_sheet().save(tmp_path / "whole.docx").read_bytes()
    return whole[: len(whole) // 2]


def docx_with_broken_text(tmp_path: Path) -> bytes:
    whole = dizzy_sheet().save(tmp_path / "whole.docx")
    out = tmp_path / "broken.docx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[: len(data) // 2] if name == "word/document.xml" else data)
    return out.read_bytes()


REFUSED: dict[str, tuple[Callable[[Path], bytes], str]] = {
    "old.doc": (
        lambda _: bytes.fromhex("d0cf11e0a1b11ae1") + bytes(2000),
        "this is an old Word 97-2003 file (.doc). Open it in Word, choose File > Save As > "
        "Word Document (.docx), and import the .docx",
    ),
    "sheet.pdf": (
        lambda _: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "this is a PDF, not a Word file. Import the Word file it was made from, or start a "
        "new handout ('handouts new') and copy the text into it",
    ),
    "locked.docx": (
        lambda _: encrypted_word_file(),
        "this Word file is protected with a password. Open it in Word, remove the password",
    ),
    "cut-short.docx": (damaged_docx, "the file is damaged and cannot be opened"),
    "broken-text.docx": (docx_with_broken_text, "the file is damaged and cannot be read"),
    "notes.docx": (
        lambda _: b"Just some text saved with the wrong name.\n",
        "this is not a Word document (.docx)",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_files_that_are_not_word_documents_are_refused(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path, name: str
) -> None:
    make, message = REFUSED[name]
    bad = tmp_path / name
    bad.write_bytes(make(tmp_path))
    good = dizzy_sheet().save(tmp_path / "good.docx")
    root = make_project()
    result = import_(cli, root, good, bad)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{bad}: error: import: {message}"), result.stderr
    assert "Traceback" not in result.output
    # All or nothing: the good file waits until the list is fixed.
    assert sorted(p.name for p in (root / "handouts").rglob("*")) == []


def test_an_existing_handout_is_never_replaced(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path
) -> None:
    mine = handout("Sleep", "My own careful text.\n")
    root = make_project({"handouts/en/sleep.md": mine})
    word = WordFile()
    word.heading("Sleep", 1)
    result = import_(cli, root, word.save(tmp_path / "sleep.docx"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"{tmp_path / 'sleep.docx'}: error: import: handouts/en/sleep.md already exists and "
        "is never replaced: rename or move it, or import this file into another language "
        "folder with --lang\n"
    )
    assert (root / "handouts/en/sleep.md").read_text(encoding="utf-8") == mine


def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clinic_handouts.importing import docx as reader

    source = dizzy_sheet().save(tmp_path / "big.docx")
    unpacked = sum(i.file_size for i in zipfile.ZipFile(source).infolist())
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", unpacked - 1)
    result = import_(cli, make_project(), source)
    assert result.exit_code == 2
    assert "error: import: unpacked, this file would take more than" in result.stderr


@dataclass(frozen=True)
class Sheet:
    """A Word file of one heading, its paragraphs, then a picture or a link; what the
    check that runs after the import prints about it."""

    heading: str
    file_name: str
    found: str  # in the import's output
    paragraphs: tuple[str, ...] = ()
    picture_without_description: bool = False
    link: tuple[str, str, str] | None = None  # words before, link text, address
    args: tuple[str, ...] = ()


SHEETS = {
    "a picture without a description": Sheet(
        "Sleep well",
        "sleep.docx",
        f"handouts/en/sleep-well.md:{BODY_LINE}: error: missing-alt-text: the image "
        "images/sleep-well-1.png has no description",
        picture_without_description=True,
    ),
    "an old crisis number is caught on import": Sheet(
        "Staying safe",
        "safe.docx",
        f"handouts/en/staying-safe.md:{BODY_LINE + 2}: error: outdated-crisis-contact: ",
        paragraphs=(
            "You can rest at home today.",
            "In a crisis, call the Lifeline at 1-800-273-8255.",
        ),
    ),
    "a word link that would run code is blocked": Sheet(
        "Links",
        "links.docx",
        f"handouts/en/links.md:{BODY_LINE + 2}: error: blocked-resource: ",
        paragraphs=("You can rest at home today.",),
        link=("See ", "our form", "javascript:alert(1)"),
    ),
    "problems the placeholder would hide are reported": Sheet(
        "Dormir",
        "dormir.docx",
        "handouts/fr/dormir.md:1: error: language: handouts.toml has no disclaimer for 'fr'",
        paragraphs=("Vous pouvez vous reposer.",),
        args=("--lang", "fr"),
    ),
}


@pytest.mark.parametrize("sheet", SHEETS.values(), ids=SHEETS.keys())
def test_the_import_checks_what_it_wrote(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path, sheet: Sheet
) -> None:
    word = WordFile()
    word.heading(sheet.heading, 1)
    for paragraph in sheet.paragraphs:
        word.paragraph(paragraph)
    if sheet.picture_without_description:
        word.picture(png(), None)
    if sheet.link is not None:
        word.link(*sheet.link)
    result = import_(cli, make_project(), word.save(tmp_path / sheet.file_name), *sheet.args)
    assert result.exit_code == 0, result.output
    assert sheet.found in result.stdout
