"""Catalogue entries and page settings made by hand (no build), for the tests of the
catalogue page in HTML (test_catalogue.py) and in a browser (test_browser.py)."""

from __future__ import annotations

import datetime as dt

from clinic_handouts.catalogue.page import CatalogueEntry, CatalogueSettings, FileEntry
from tests.conftest import TODAY


def multilingual_entries() -> list[CatalogueEntry]:
    """Plain entries in Vietnamese, Arabic (with shadda and hamza) and English."""

    return [
        card_entry("meds", "vi", "Đổi thuốc an toàn", "Hỏi bác sĩ trước khi đổi."),
        card_entry("health", "ar", "الصّحّة النفسيّة", "أسئلة وأجوبة"),
        card_entry("sleep", "en", "Sleep better"),
    ]


def english_settings() -> CatalogueSettings:
    """An English page for the Test Clinic on the tests' build date."""
    return CatalogueSettings(
        clinic_name="Test Clinic",
        ui_lang="en",
        today=TODAY,
        due_soon_days=60,
        brand_color="#1f4e79",
        lang_names={},
    )


def card_entry(
    id_: str,
    lang: str,
    title: str,
    summary: str = "",
    sentences: tuple[str, ...] = (),
    large_print: bool = False,
) -> CatalogueEntry:
    """A catalogue card with one standard PDF, reviewed 2026-10-01."""
    return CatalogueEntry(
        id=id_,
        lang=lang,
        slug=id_,
        source=f"handouts/{lang}/{id_}.md",
        title=title,
        summary=summary,
        tags=(),
        reviewed_on=dt.date(2026, 10, 1),
        next_review=dt.date(2028, 10, 1),
        large_print=large_print,
        reading_grade=None,
        files=(FileEntry("standard", f"{lang}/{id_}.pdf", 1, 40_000, "0" * 64),),
        sentences=sentences,
    )
