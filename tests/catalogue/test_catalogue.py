"""The catalogue page, build/index.html, as staff get it after a build: one card per
handout, links to PDFs that exist, thumbnails, review status. (What a browser does with
the page, search and filters, is in test_browser.py.)"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from clinic_handouts.addresses import bundled_theme_dir
from clinic_handouts.catalogue.folding import fold
from clinic_handouts.catalogue.page import (
    CatalogueEntry,
    FileEntry,
    readable_on,
    render_catalogue,
)
from clinic_handouts.project.theme import bundled_theme
from tests.conftest import CLI, CONFIG, TODAY, ProjectFactory, handout
from tests.helpers.catalogue import card_entry, english_settings, multilingual_entries
from tests.helpers.html_tree import Element, parse

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SLEEP_BODY = (
    "Go to bed at the same time each night. Get up at the same time each day. "
    "Keep your room dark and cool. Put your phone in another room. "
    "Do not drink coffee after lunch. Take a short walk in the day.\n"
)


def epoch(day: dt.date) -> str:
    return str(int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp()))


def catalogue(root: Path) -> Element:
    return parse((root / "build/index.html").read_text(encoding="utf-8"))


def card(page: Element, handout_id: str) -> Element:
    return page.by_id(f"handout-{handout_id}")


def test_one_card_per_handout_with_languages_links_and_thumbnail(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project(
        {
            "handouts/en/sleep.md": handout(
                "Sleep better", SLEEP_BODY, summary="Rest helps.", tags="[sleep, rest]"
            ),
            "handouts/es/sleep.md": handout("Dormir mejor", summary="Descansar ayuda."),
            "handouts/en/panic.md": handout("Panic attacks", tags="[anxiety]", large_print="false"),
        }
    )
    result = cli("build", "--project", root)
    assert result.exit_code == 0, result.output
    page = catalogue(root)
    cards = page.find_all("li", cls="card")
    assert [c.attrs["id"] for c in cards] == ["handout-panic", "handout-sleep"]  # by title

    sleep = card(page, "sleep")
    assert "Sleep better" in sleep.find_all("h3")[0].text
    assert "Rest helps." in sleep.text
    assert "Topics: rest, sleep" in sleep.text
    rows = sleep.find_all("li", cls="edition")
    assert [r.attrs["data-lang"] for r in rows] == ["en", "es"]
    assert "English" in rows[0].find_all("h4")[0].text
    # The language's name in the page's language, its own name beside it (CLDR).
    assert "Spanish (Español): Dormir mejor" in rows[1].find_all("h4")[0].text
    for row, lang in zip(rows, ("en", "es"), strict=True):
        assert "Current" in row.text
        assert "Reviewed October 1, 2026. Next review October 1, 2028." in row.text
        links = row.find_all("a")
        pdfs = [f"{lang}/sleep.pdf", f"{lang}/sleep.large-print.pdf"]
        assert [a.attrs["href"] for a in links] == pdfs
        # The link says what it opens, also out of context (screen reader link lists).
        assert links[0].text.startswith("Standard print: ")
        assert links[1].text.startswith("Large print: ")
        for link, pdf in zip(links, pdfs, strict=True):
            size = (root / "build" / pdf).stat().st_size
            pages = len(PdfReader(root / "build" / pdf).pages)
            plural = "s" if pages != 1 else ""
            # CLDR's plural rules and its unit ("kB", the SI prefix).
            assert f"{link.text} PDF, {pages} page{plural}, {round(size / 1000)} kB" in row.text
    # The grade the checks compute; a text too short to score says so.
    assert re.search(r"Reading grade: \d+\.\d\.", rows[0].text), rows[0].text
    assert "Reading grade: not scored." in rows[1].text
    panic = card(page, "panic")
    assert [a.attrs["href"] for a in panic.find_all("a")] == ["en/panic.pdf"]
    assert "No large print for this handout." in panic.text

    thumbnail = sleep.find_all("img")[0]
    assert thumbnail.attrs["alt"] == ""  # decorative: the title is right beside it
    png = root / "build" / thumbnail.attrs["src"]
    assert png.read_bytes().startswith(PNG_MAGIC)
    # Every link on the page that points at a file points at one that exists.
    for link in page.find_all("a"):
        href = link.attrs["href"]
        if not href.startswith("#"):
            assert (root / "build" / href).is_file(), href
    assert [o.attrs["value"] for o in page.by_id("filter-lang").find_all("option")] == [
        "",
        "en",
        "es",
    ]
    assert [o.attrs["value"] for o in page.by_id("filter-tag").find_all("option")] == [
        "",
        "anxiety",
        "rest",
        "sleep",
    ]


def test_thumbnail_is_remade_only_when_the_pdf_changes(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep better")})
    assert cli("build", "--project", root).exit_code == 0
    png = root / "build/thumbnails/en/sleep.png"
    first = png.stat()
    first_bytes = png.read_bytes()

    assert cli("build", "--project", root).exit_code == 0  # same input, same PDF bytes
    assert png.stat().st_mtime_ns == first.st_mtime_ns  # not written again

    (root / "handouts/en/sleep.md").write_text(
        handout("Sleep better", "## A new heading\n\nMuch more text on page one.\n")
    )
    assert cli("build", "--project", root).exit_code == 0
    assert png.read_bytes() != first_bytes
    # The picture is recorded as showing the PDF now in build/, byte for byte.
    (recorded,) = json.loads((root / "build/catalogue.json").read_text())["entries"]
    pdf = (root / "build/en/sleep.pdf").read_bytes()
    assert recorded["thumbnail_of"] == hashlib.sha256(pdf).hexdigest()
    assert recorded["files"][0]["sha256"] == recorded["thumbnail_of"]


def test_handout_that_failed_keeps_its_card_behind_an_overdue_warning(
    make_project: ProjectFactory, cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(
        {
            "handouts/en/sleep.md": handout("Sleep better", next_review="2026-11-25"),
            "handouts/en/panic.md": handout("Panic attacks"),
        }
    )
    assert cli("build", "--project", root).exit_code == 0
    row = card(catalogue(root), "sleep").find_all("li", cls="edition")[0]
    assert "Review due soon" in row.text
    assert not row.find_all("details")

    # Ten days later the review has passed: the build refuses the handout and keeps
    # its previous PDF; the catalogue still lists that PDF, behind a warning.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(TODAY + dt.timedelta(days=10)))
    result = cli("build", "--project", root, "--only", "sleep")
    assert result.exit_code == 1
    assert "handouts/en/sleep.md:4: error: review-overdue" in result.output
    page = catalogue(root)
    assert card(page, "panic").find_all("a")[0].attrs["href"] == "en/panic.pdf"  # not rebuilt
    row = card(page, "sleep").find_all("li", cls="edition")[0]
    assert "Overdue for review" in row.find_all("span", cls="status")[0].text
    warning = row.find_all("details", cls="overdue")[0]
    assert "Review overdue: show the PDF links" in warning.find_all("summary")[0].text
    assert "the review of this handout was due on November 25, 2026" in warning.text
    links = [a.attrs["href"] for a in warning.find_all("a")]
    assert links == ["en/sleep.pdf", "en/sleep.large-print.pdf"]
    assert len(row.find_all("a")) == 2  # no link outside the warning

    # A deleted handout loses its card and its thumbnail.
    (root / "handouts/en/sleep.md").unlink()
    assert cli("build", "--project", root).exit_code == 0
    page = catalogue(root)
    assert [c.attrs["id"] for c in page.find_all("li", cls="card")] == ["handout-panic"]
    assert not (root / "build/thumbnails/en/sleep.png").exists()
    recorded = json.loads((root / "build/catalogue.json").read_text())
    assert [e["id"] for e in recorded["entries"]] == ["panic"]


def test_page_is_made_from_plain_entries(tmp_path: Path) -> None:
    """No build needed: variants come from the files listed, and the opt-out is said."""
    entry = replace(
        card_entry(
            "meds", "en", "Your <medicines> & you", "Take them with food.", large_print=True
        ),
        tags=("medicine",),
        reviewed_on=dt.date(2026, 1, 5),
        next_review=dt.date(2028, 1, 5),
        reading_grade=5.24,
        files=(
            FileEntry("standard", "en/meds.pdf", 2, 40_000, "0" * 64),
            FileEntry("large-print", "en/meds.large-print.pdf", 3, 1_500_000, "1" * 64),
        ),
    )
    opted_out = CatalogueEntry(
        **{**entry.__dict__, "id": "x", "slug": "x", "title": "Other", "large_print": False}
    )
    settings = replace(english_settings(), lang_names={"en": "English"})
    theme = bundled_theme()
    html = render_catalogue(theme, settings, [entry, opted_out])
    assert "<medicines>" not in html  # escaped
    page = parse(html)
    meds = card(page, "meds")
    assert "Your <medicines> & you" in meds.find_all("h3")[0].text
    links = meds.find_all("a")
    assert [a.attrs["href"] for a in links] == ["en/meds.pdf", "en/meds.large-print.pdf"]
    assert links[1].text.startswith("Large print")
    assert "PDF, 3 pages, 1.5 MB" in meds.text
    assert "Reading grade: 5.2." in meds.text
    assert "No large print" not in meds.text
    assert "No large print for this handout." in card(page, "x").text


def test_header_text_stays_readable_on_any_brand_colour() -> None:
    assert readable_on("#1f4e79") == "#ffffff"
    assert readable_on("#ffe066") == "#111111"
    assert readable_on("#fff") == "#111111"


def test_a_spanish_clinic_gets_a_spanish_catalogue(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project(
        {"handouts/es/sueno.md": handout("Dormir bien", SLEEP_BODY, large_print="false")},
        config=CONFIG + '\n[languages]\ndefault = "es"\n',
    )
    result = cli("build", "--project", root)
    assert result.exit_code == 0, result.output
    page = catalogue(root)
    assert page.find_all("html")[0].attrs["lang"] == "es"
    text = " ".join(page.text.split())
    assert "Biblioteca de hojas informativas" in text
    assert "Actualizada el 21 de noviembre de 2026." in text
    # One handout: CLDR's Spanish plural rule picks the singular (it said "1 hojas.").
    assert page.by_id("count").text.strip() == "1 hoja."
    assert "1 hojas" not in text and "1 páginas" not in text
    assert "Esta hoja no tiene versión en letra grande." in text
    assert "Handout library" not in text and "Reviewed" not in text


def test_every_catalogue_words_file_has_every_key() -> None:
    folder = bundled_theme_dir().parent / "data" / "catalogue"
    english = tomllib.loads((folder / "en.toml").read_text(encoding="utf-8"))
    for path in folder.glob("*.toml"):
        words = tomllib.loads(path.read_text(encoding="utf-8"))
        assert words.keys() == english.keys(), path.name
        for key, text in words.items():  # the same {placeholders} as in English
            assert re.findall(r"{\w+}", text) == re.findall(r"{\w+}", english[key]), key


def test_a_tampered_record_never_lists_or_touches_files_outside_build(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project(
        {
            "handouts/en/sleep.md": handout("Sleep better"),
            "handouts/en/panic.md": handout("Panic attacks"),
        }
    )
    assert cli("build", "--project", root).exit_code == 0
    outside = root / "outside.png"
    outside.write_bytes(PNG_MAGIC)
    sidecar = root / "build/catalogue.json"
    data = json.loads(sidecar.read_text())
    panic = next(e for e in data["entries"] if e["id"] == "panic")
    panic["files"][0]["path"] = "../handouts/en/panic.md"
    panic["thumbnail"] = "../outside.png"
    sidecar.write_text(json.dumps(data))

    # Only sleep is built: panic's card comes from the record, which is now refused.
    assert cli("build", "--project", root, "--only", "sleep").exit_code == 0
    page = catalogue(root)
    assert [c.attrs["id"] for c in page.find_all("li", cls="card")] == ["handout-sleep"]
    assert outside.read_bytes() == PNG_MAGIC
    assert "../" not in (root / "build/index.html").read_text()


def test_search_text_is_folded_for_every_script() -> None:
    assert fold("Đổi thuốc") == "doi thuoc"  # đ is no "d plus an accent" in Unicode
    assert fold("Depresión") == "depresion"
    assert fold("الصّحّة") == fold("الصحة")  # shadda and vowel marks
    assert fold("أمل إسلام آمن مؤمن مسئول") == "امل اسلام امن مومن مسيول"  # hamza forms
    assert fold("کمک") == fold("كمك")  # Farsi and Arabic keyboards
    assert fold("चाहिए") == "चाहिए"  # Hindi vowel signs are letters, not accents
    assert fold("잠을 자기") == "잠을 자기"  # Korean syllables come back whole


def test_cards_name_languages_in_the_page_language_with_direction() -> None:
    theme = bundled_theme()
    page = parse(render_catalogue(theme, english_settings(), multilingual_entries()))
    html = page.find_all("html")[0]
    assert (html.attrs["lang"], html.attrs["dir"]) == ("en", "ltr")
    arabic = card(page, "health")
    assert arabic.attrs["data-dir"] == "rtl"
    title = arabic.find_all("h3")[0]
    assert (title.attrs["lang"], title.attrs["dir"]) == ("ar", "rtl")
    assert "Arabic (العربية)" in arabic.find_all("h4")[0].text
    native = arabic.find_all("span", cls="lang-native")[0]
    assert (native.attrs["lang"], native.attrs["dir"]) == ("ar", "rtl")
    assert "Vietnamese (Tiếng Việt)" in card(page, "meds").find_all("h4")[0].text
    assert card(page, "meds").attrs["data-dir"] == "ltr"
    assert "PDF, 1 page, 40 kB" in card(page, "meds").text  # one page, not "1 pages"
    options = [o.text for o in page.by_id("filter-lang").find_all("option")]
    assert options == ["All languages", "English", "Arabic (العربية)", "Vietnamese (Tiếng Việt)"]
    assert "doi thuoc" in card(page, "meds").attrs["data-search"]
