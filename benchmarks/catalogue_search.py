"""Full-text search in the static catalogue, measured in real Chromium: page size, first
paint, index build and time per keystroke for a library of N handouts (default 1,000).

    .venv/bin/python -m benchmarks.catalogue_search [N]

Each handout has a title, summary, topics and a body of 60 sentences drawn from a fixed
vocabulary (about 600 words, a typical two-page handout). The query is typed one key at
a time; each key's time is the search, the filter and the page's layout, measured in the
page (input event to forced layout).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.library import SETTINGS, card
from clinic_handouts.catalogue.page import CatalogueEntry, FileEntry, write_catalogue
from clinic_handouts.project.theme import bundled_theme

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
WORDS = [
    "you",
    "can",
    "take",
    "your",
    "medicine",
    "with",
    "food",
    "water",
    "rest",
    "sleep",
    "walk",
    "breathe",
    "slowly",
    "call",
    "us",
    "if",
    "pain",
    "gets",
    "worse",
    "blood",
    "pressure",
    "cuff",
    "arm",
    "sit",
    "still",
    "minutes",
    "doctor",
    "nurse",
    "clinic",
    "visit",
    "bladder",
    "kidney",
    "heart",
    "lungs",
    "skin",
    "fever",
    "cough",
    "cold",
    "flu",
    "shot",
    "safe",
    "sore",
    "day",
    "night",
    "week",
    "month",
    "friend",
    "family",
    "help",
    "talk",
    "feel",
    "better",
    "worry",
    "anxious",
    "calm",
    "eat",
    "drink",
    "coffee",
    "tea",
    "alcohol",
    "smoke",
    "stop",
    "start",
    "plan",
    "goal",
    "check",
    "write",
    "number",
    "morning",
    "evening",
]
QUERY = "blood pressure cuff"


def library(n: int) -> list[CatalogueEntry]:
    rng = random.Random(7)
    entries = []
    for k in range(n):
        sentences = tuple(
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."
            for _ in range(60)
        )
        entries.append(
            card(
                k,
                FileEntry("standard", f"en/handout-{k}.pdf", 2, 40_000, "0" * 64),
                title=f"{rng.choice(WORDS).title()} and {rng.choice(WORDS)} {k}",
                summary=" ".join(rng.choice(WORDS) for _ in range(10)),
                tags=(rng.choice(WORDS), rng.choice(WORDS)),
                reviewed_on=dt.date(2026, 6, 1),
                next_review=dt.date(2027, 6, 1),
                reading_grade=5.5,
                sentences=sentences,
            )
        )
    return entries


MEASURE_KEY = """(text) => {
  const input = document.getElementById('search');
  const started = performance.now();
  input.value = text;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  document.body.offsetHeight;  // force the layout the change caused
  return performance.now() - started;
}"""


def main(n: int) -> None:
    theme = bundled_theme()
    with tempfile.TemporaryDirectory() as folder:
        page_path = write_catalogue(Path(folder), theme, SETTINGS, library(n))
        size = page_path.stat().st_size
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(page_path.as_uri())
            paint = page.evaluate(
                "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1"
            )
            loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            times = [page.evaluate(MEASURE_KEY, QUERY[: k + 1]) for k in range(len(QUERY))]
            shown = page.evaluate("document.querySelectorAll('.card:not([hidden])').length")
            browser.close()
    print(f"{n} handouts: page {size / 1e6:.1f} MB")
    print(f"first contentful paint {paint:.0f} ms; load event (index built) {loaded:.0f} ms")
    print(
        f"per keystroke ('{QUERY}', {len(times)} keys): median {statistics.median(times):.1f} "
        f"ms, worst {max(times):.1f} ms; {shown} cards match at the end"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
