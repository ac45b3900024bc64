"""Full-text search in the static catalogue, measured in real Chromium: page size, first
paint, index build and time per keystroke for a library of N handouts (default 1,000).

    .venv/bin/python -m benchmarks.catalogue_search [N] [RUNS] [MORE_WORDS]

Each handout has a title, summary, topics and a body of 60 sentences drawn from a fixed
vocabulary (about 600 words, a typical two-page handout). The query is typed one key at
a time; each key's time is the search, the filter and the page's layout, measured in the
page (input event to forced layout). Each of RUNS runs (default 5) starts a fresh
browser, so every run has a cold first key; the summary gives the median and the worst
over the runs of each number.

MORE_WORDS (default 0) adds that many made-up words to the vocabulary: with 8,000, each
handout has its own words, as real ones do, so each key changes which handouts match
(with the small vocabulary every handout matches every key, and only the order changes).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
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


def made_up_words(count: int) -> list[str]:
    rng = random.Random(3)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(count)]


def library(n: int, more_words: int = 0) -> list[CatalogueEntry]:
    rng = random.Random(7)
    words = WORDS + made_up_words(more_words)
    entries = []
    for k in range(n):
        sentences = tuple(
            " ".join(rng.choice(words) for _ in range(rng.randint(6, 14))).capitalize() + "."
            for _ in range(60)
        )
        entries.append(
            card(
                k,
                FileEntry("standard", f"en/handout-{k}.pdf", 2, 40_000, "0" * 64),
                title=f"{rng.choice(words).title()} and {rng.choice(words)} {k}",
                summary=" ".join(rng.choice(words) for _ in range(10)),
                tags=(rng.choice(words), rng.choice(words)),
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


def measure(page_path: Path) -> dict[str, float]:
    """One run in a fresh browser: first paint, load, and every key of the query, typed
    as soon as the page has loaded (the first key is the slowest: nothing is warm yet)."""
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
    return {
        "paint": paint,
        "loaded": loaded,
        "first": times[0],
        "median": statistics.median(times),
        "worst": max(times),
        "shown": shown,
    }


def main(n: int, runs: int, more_words: int) -> None:
    theme = bundled_theme()
    with tempfile.TemporaryDirectory() as folder:
        page_path = write_catalogue(Path(folder), theme, SETTINGS, library(n, more_words))
        size = page_path.stat().st_size
        results = []
        for run in range(runs):
            try:
                result = measure(page_path)
            except PlaywrightError:
                # Chromium here sometimes aborts at start (it loses D-Bus, which it does not
                # need): one more try, in a fresh browser.
                result = measure(page_path)
            results.append(result)
            print(
                f"run {run + 1}: first paint {result['paint']:.0f} ms, load {result['loaded']:.0f}"
                f" ms; keys: first {result['first']:.1f} ms, median {result['median']:.1f} ms,"
                f" worst {result['worst']:.1f} ms"
            )
    print(
        f"{n} handouts, {len(WORDS) + more_words} words: page {size / 1e6:.2f} MB;"
        f" {results[-1]['shown']:.0f} cards match"
    )

    def summary(key: str) -> str:
        values = [r[key] for r in results]
        return f"median {statistics.median(values):.1f}, worst {max(values):.1f}"

    print(f"over {runs} runs ('{QUERY}', {len(QUERY)} keys, ms):")
    for key, label in (
        ("paint", "first contentful paint"),
        ("loaded", "load event (index built)"),
        ("first", "first key"),
        ("median", "median key"),
        ("worst", "worst key"),
    ):
        print(f"  {label}: {summary(key)}")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 5,
        int(sys.argv[3]) if len(sys.argv) > 3 else 0,
    )
