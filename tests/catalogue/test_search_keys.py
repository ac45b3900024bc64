"""Search as a person types it, one key at a time, in real Chromium (opened from disk): the
list a key leaves is the list a fresh page shows for the same words, whatever came before;
a key moves few cards (moving all of them made a key take 400 ms at 1,000 handouts); the
matching sentence is the first one where a matched word stands whole."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from clinic_handouts.catalogue.page import CatalogueEntry, render_catalogue
from clinic_handouts.project.theme import bundled_theme
from tests.helpers.catalogue import card_entry, english_settings

WORDS = [
    "blood",
    "pressure",
    "bladder",
    "better",
    "breathe",
    "cuff",
    "cough",
    "cold",
    "calm",
    "call",
    "arm",
    "rest",
    "sleep",
    "walk",
    "water",
    "food",
    "take",
    "your",
    "you",
    "can",
    "with",
    "if",
    "pain",
    "fever",
    "flu",
    "shot",
    "safe",
    "heart",
]
BEST = 50  # catalogue.js: the best 50 matches go to the top, each with its sentence
# The words typed one key at a time, then other searches and a clear, in the order a busy
# person might try them: the top of the list changes nearly every time.
KEYS = "blood pressure cuff"
SEARCHES = ["cough", "bl", "", "calm", "b", "bladder", "zebra", "c", "blood pressure"]


def entry(handout_id: str, title: str, sentences: tuple[str, ...]) -> CatalogueEntry:
    return card_entry(handout_id, "en", title, sentences=sentences, large_print=True)


def library(n: int) -> list[CatalogueEntry]:
    """``n`` handouts whose titles and sentences mix a few words, so most searches match
    many of them with different scores."""
    rng = random.Random(18)
    return [
        entry(
            f"h{k:03d}",
            f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {k}",
            tuple(
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9))).capitalize() + "."
                for _ in range(rng.randint(3, 12))
            ),
        )
        for k in range(n)
    ]


@pytest.fixture(scope="module")
def big_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("keys") / "index.html"
    html = render_catalogue(bundled_theme(), english_settings(), library(300))
    index.write_text(html, encoding="utf-8")
    return index


STATE = """cards => cards.map(c => {
  const match = c.querySelector('.match');
  return [c.id, c.hidden, match.hidden ? '' : match.querySelector('.match-text').textContent];
})"""


def state(page: Page) -> list[list[object]]:
    """Every card in the list's order: its id, whether it is hidden, its sentence shown."""
    found: list[list[object]] = page.eval_on_selector_all(".cards > .card", STATE)
    return found


def test_every_key_leaves_the_list_a_fresh_page_shows(
    big_page: Path, page: Page, browser: Browser
) -> None:
    page.goto(big_page.as_uri())
    catalogue = [card_id for card_id, _hidden, _match in state(page)]
    search = page.get_by_label("Search", exact=True)
    typed = [KEYS[: k + 1] for k in range(len(KEYS))]
    fresh = browser.new_page()
    for words in typed + SEARCHES:
        search.fill(words)
        now = state(page)
        fresh.goto(big_page.as_uri())  # loaded again: nothing searched before
        fresh.get_by_label("Search", exact=True).fill(words)
        assert now == state(fresh), words
        # Past the best matches, the catalogue's own order.
        rest = [card_id for card_id, _hidden, _match in now[BEST:]]
        assert rest == [card_id for card_id in catalogue if card_id in rest], words
        if words.strip():
            assert sum(1 for _id, _hidden, match in now if match) <= BEST
    fresh.close()
    search.fill("")
    assert [card_id for card_id, _hidden, _match in state(page)] == catalogue
    assert all(not hidden and not match for _id, hidden, match in state(page))


COUNT_MOVES = """(text) => {
  const list = document.querySelector('.cards');
  const observer = new MutationObserver(() => {});
  observer.observe(list, {childList: true});
  const input = document.getElementById('search');
  input.value = text;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  // A card moved is taken out and put back; one only leaving or joining the list is not.
  const records = observer.takeRecords();
  observer.disconnect();
  const out = new Set(records.flatMap(r => [...r.removedNodes]));
  return new Set(records.flatMap(r => [...r.addedNodes].filter(n => out.has(n)))).size;
}"""


def test_a_key_moves_only_the_cards_that_change_place(big_page: Path, page: Page) -> None:
    """A card leaving the best matches goes back to its place, a card joining them goes to
    its rank: at most twice the number of best matches per key, never the whole list."""
    page.goto(big_page.as_uri())
    moves = [page.evaluate(COUNT_MOVES, KEYS[: k + 1]) for k in range(len(KEYS))]
    moves += [page.evaluate(COUNT_MOVES, words) for words in SEARCHES]
    assert max(moves) <= 2 * BEST, moves
    assert page.evaluate(COUNT_MOVES, "blood pressure") == 0  # the same words again


def test_the_matching_sentence_is_where_a_word_stands_whole(tmp_path: Path, page: Page) -> None:
    """ "arm" inside "farm", or after a letter outside the Basic Multilingual Plane, is not
    the word "arm"; accents are folded as in the search."""
    entries = [
        entry(
            "arm",
            "Checking at home",
            ("Sit on the farm.", "Read \U00010330arm first.", "Put the cuff on your arm."),
        ),
        entry("meds", "Thuốc", ("Hỏi bác sĩ.", "Đổi thuốc khi cần.")),
    ]
    index = tmp_path / "index.html"
    index.write_text(render_catalogue(bundled_theme(), english_settings(), entries), "utf-8")
    page.goto(index.as_uri())
    search = page.get_by_label("Search", exact=True)
    search.fill("arm")
    expect(page.locator("#handout-arm .match-text")).to_have_text("Put the cuff on your arm.")
    search.fill("doi")
    expect(page.locator("#handout-meds .match-text")).to_have_text("Đổi thuốc khi cần.")
    search.fill("")
    expect(page.locator("#handout-meds .match")).to_be_hidden()
