"""The catalogue and the preview in a real browser: Debian's Chromium, headless, driven by
Playwright, with axe-core (from npm, tests/package.json) checking accessibility.

One browser for the whole session; one small library built once for this module. Waits
are for something a person would see (a text, a reload), never for a length of time.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from clinic_handouts.catalogue.page import render_catalogue
from clinic_handouts.project.theme import bundled_theme
from tests.conftest import CONFIG, ProjectFactory, handout
from tests.helpers.browser import axe_violations, visible_cards
from tests.helpers.catalogue import english_settings, multilingual_entries
from tests.helpers.project_files import built_project
from tests.helpers.servers import running


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three handouts, one of them also in Spanish, built once."""
    root = tmp_path_factory.mktemp("library")
    files = {
        "handouts/en/sleep.md": handout(
            "Sleep better", summary="Small steps for better nights.", tags="[sleep]"
        ),
        "handouts/es/sleep.md": handout(
            "Dormir mejor", summary="Pasos pequeños para dormir.", tags="[sleep]"
        ),
        "handouts/en/panic.md": handout(
            "Panic attacks", summary="Slow breathing helps.", tags="[anxiety]"
        ),
        "handouts/en/ketamine.md": handout(
            "Your ketamine treatment day",
            summary="A visit takes two hours.",
            tags="[ketamine, treatment]",
        ),
    }
    return built_project(root, files, CONFIG)


def test_search_and_filters_from_disk_with_the_keyboard(library: Path, page: Page) -> None:
    page.goto((library / "build/index.html").as_uri())
    assert visible_cards(page) == ["handout-panic", "handout-sleep", "handout-ketamine"]
    expect(page.locator("#count")).to_have_text("3 handouts.")

    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    expect(page.locator(".skip")).to_be_in_viewport()  # the skip link shows when focused
    page.keyboard.press("Tab")
    search = page.get_by_label("Search", exact=True)
    expect(search).to_be_focused()
    outline = search.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline not in ("", "none")  # focus is visible

    page.keyboard.type("ketam")
    assert visible_cards(page) == ["handout-ketamine"]
    expect(page.locator("#count")).to_have_text("Showing 1 of 3 handouts.")
    search.fill("pasos pequenos")  # no accents typed: still found
    assert visible_cards(page) == ["handout-sleep"]
    search.fill("")

    page.get_by_label("Language").select_option("es")
    assert visible_cards(page) == ["handout-sleep"]
    rows = page.locator("#handout-sleep .edition")
    expect(rows.nth(0)).to_be_hidden()  # English row
    expect(rows.nth(1)).to_be_visible()
    expect(rows.nth(1).get_by_role("link").first).to_have_attribute("href", "es/sleep.pdf")

    page.get_by_label("Language").select_option("")
    page.get_by_label("Topic").select_option("anxiety")
    assert visible_cards(page) == ["handout-panic"]
    page.get_by_label("Review status").select_option("overdue")
    assert visible_cards(page) == []
    expect(page.locator("#none-match")).to_be_visible()
    page.get_by_role("button", name="Clear search and filters").click()
    expect(page.locator("#count")).to_have_text("3 handouts.")

    assert axe_violations(page) == []


def test_served_catalogue_links_open_the_pdfs(library: Path, page: Page) -> None:
    with running(library) as server:
        page.goto(server.url)
        links = page.locator(".files a[href$='.pdf']")
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
        assert sorted(hrefs) == [
            "en/ketamine.large-print.pdf",
            "en/ketamine.pdf",
            "en/panic.large-print.pdf",
            "en/panic.pdf",
            "en/sleep.large-print.pdf",
            "en/sleep.pdf",
            "es/sleep.large-print.pdf",
            "es/sleep.pdf",
        ]
        for href in hrefs:
            response = page.request.get(server.url + href)
            assert response.status == 200, href
            assert response.headers["content-type"] == "application/pdf"
            assert response.body() == (library / "build" / href).read_bytes()
        widths = page.eval_on_selector_all(
            "img.thumb", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)"
        )
        assert len(widths) == 3 and all(w > 0 for w in widths)  # thumbnails load
        assert axe_violations(page) == []


def test_prints_a_one_page_list_of_titles(library: Path, page: Page) -> None:
    page.goto((library / "build/index.html").as_uri())
    page.emulate_media(media="print")
    reader = PdfReader(io.BytesIO(page.pdf()))
    assert len(reader.pages) == 1
    text = " ".join((reader.pages[0].extract_text() or "").split())
    for title in ("Sleep better (en, es)", "Panic attacks (en)", "Your ketamine treatment day"):
        assert title in text
    assert "Slow breathing helps." not in text  # titles only


def test_a_review_that_fell_due_after_the_build_is_behind_a_warning(
    library: Path, page: Page
) -> None:
    page.clock.install(time=dt.datetime(2029, 1, 15, 10, 0))
    page.goto((library / "build/index.html").as_uri())
    row = page.locator("#handout-panic .edition").first
    expect(row.locator(".status")).to_have_text("Overdue for review")
    link = row.get_by_role("link").first
    expect(link).to_be_hidden()
    row.get_by_text("Review overdue: show the PDF links").click()
    expect(row.locator(".warning")).to_contain_text(
        "the review of this handout was due on October 1, 2028"
    )
    expect(link).to_be_visible()


def test_preview_reloads_on_save_and_shows_a_broken_file(
    make_project: ProjectFactory, page: Page
) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep better", "First words.\n")})
    source = root / "handouts/en/sleep.md"
    with running(root) as server:
        page.goto(server.url + "preview/en/sleep.html")
        expect(page.locator("main h1")).to_have_text("Sleep better")
        expect(page.get_by_text("First words.")).to_be_visible()
        good_pdf = (root / "build/en/sleep.pdf").read_bytes()

        source.write_text(handout("Sleep better", "Freshly saved words.\n"))
        expect(page.get_by_text("Freshly saved words.")).to_be_visible()  # reloaded
        good_pdf = page.request.get(server.url + "en/sleep.pdf").body()
        assert good_pdf == (root / "build/en/sleep.pdf").read_bytes()

        source.write_text("---\ntitle: Sleep better\nreviewed_on: 2026-13-01\n---\n\nOops.\n")
        problems = page.get_by_role("alert")
        expect(problems).to_contain_text("Fix these problems and save")
        expect(problems).to_contain_text("handouts/en/sleep.md:3: error: front-matter")
        expect(page.get_by_text("Freshly saved words.")).to_be_visible()  # last good preview
        response = page.request.get(server.url + "en/sleep.pdf")
        assert response.status == 200
        assert response.body() == good_pdf  # the previous good PDF stays

        source.write_text(handout("Sleep better", "Fixed again.\n"))
        expect(page.get_by_text("Fixed again.")).to_be_visible()
        expect(page.get_by_role("alert")).to_have_count(0)


def test_search_folds_vietnamese_and_arabic_in_chromium(tmp_path: Path, page: Page) -> None:
    """What a person types without the accent keys, or with or without Arabic vowel marks
    and hamza, finds the handout: catalogue.js folds the query as folding.py folded the
    cards."""
    theme = bundled_theme()
    index = tmp_path / "index.html"
    index.write_text(
        render_catalogue(theme, english_settings(), multilingual_entries()), encoding="utf-8"
    )
    page.goto(index.as_uri())
    expect(page.locator("#count")).to_have_text("3 handouts.")
    search = page.get_by_label("Search", exact=True)
    for query, found in (
        ("doi thuoc", ["handout-meds"]),  # đổi thuốc
        ("ĐỔI", ["handout-meds"]),
        ("الصحة", ["handout-health"]),  # typed without the shadda
        ("الصّحّة النفسيّة", ["handout-health"]),  # with it
        ("اسئلة", ["handout-health"]),  # أسئلة typed without the hamza
        ("vietnamese", ["handout-meds"]),  # the language's name finds it too
        ("العربية", ["handout-health"]),
    ):
        search.fill(query)
        assert visible_cards(page) == found, query
    search.fill("sleep")
    expect(page.locator("#count")).to_have_text("Showing 1 of 3 handouts.")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("#title-health").get_attribute("dir") == "rtl"
    assert page.locator("#title-health").evaluate("e => getComputedStyle(e).direction") == "rtl"
