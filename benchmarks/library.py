"""A pretend English library for the catalogue benchmarks (catalogue.py, catalogue_search.py):
the clinic's page settings and one card per numbered handout, so both measure the same page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from clinic_handouts.catalogue.page import CatalogueEntry, CatalogueSettings, FileEntry

TODAY = dt.date(2026, 11, 21)

SETTINGS = CatalogueSettings(
    clinic_name="Benchmark Clinic",
    ui_lang="en",
    today=TODAY,
    due_soon_days=60,
    brand_color="#1f4e79",
    lang_names={"en": "English"},
)


def card(n: int, pdf: FileEntry, **fields: Any) -> CatalogueEntry:
    """The card of handouts/en/handout-N.md with its one standard PDF; ``fields`` are the
    texts, dates and grade each benchmark chooses."""
    return CatalogueEntry(
        id=f"handout-{n}",
        lang="en",
        slug=f"handout-{n}",
        source=f"handouts/en/handout-{n}.md",
        large_print=True,
        files=(pdf,),
        **fields,
    )
