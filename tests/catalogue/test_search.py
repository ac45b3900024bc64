"""Full-text search in the static catalogue, in real Chromium (opened from disk): words
only in a handout's text, the start of a word, one typo, accents, the clinic's synonyms,
ranking (title above body) and the matching sentence under the card."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from clinic_handouts.catalogue.folding import fold
from clinic_handouts.catalogue.search import folded_synonyms
from tests.conftest import CONFIG, handout
from tests.helpers.browser import axe_violations, visible_cards
from tests.helpers.project_files import built_project

SYNONYMS = '\n[search]\nsynonyms = { BP = "blood pressure", "flu jab" = "flu shot" }\n'


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search")
    files = {
        "handouts/en/pressure.md": handout(
            "Checking your blood pressure at home",
            body="Sit still for five minutes. Put the cuff on your bare arm. Write down "
            "the number.\n",
        ),
        "handouts/en/flu.md": handout(
            "Your flu shot", body="The flu shot is safe. Your arm may be sore for a day.\n"
        ),
        "handouts/en/ketamine.md": handout(
            "Your ketamine treatment day", body="A visit takes two hours. Bring a friend.\n"
        ),
        "handouts/en/bladder.md": handout(
            "Going to the toilet often",
            body="A weak bladder is common. Talk to us about ketamine if you take it.\n",
        ),
        "handouts/es/cafe.md": handout(
            "Menos cafeína", body="La cafeína de la tarde le quita el sueño.\n"
        ),
    }
    return built_project(root, files, CONFIG + SYNONYMS)


def search_for(page: Page, text: str) -> list[str]:
    page.get_by_label("Search", exact=True).fill(text)
    return visible_cards(page)


def test_body_words_prefixes_typos_accents_synonyms(library: Path, page: Page) -> None:
    page.goto((library / "build/index.html").as_uri())
    # "cuff" is only in the text of the blood pressure handout, not its title or topics.
    assert search_for(page, "cuff") == ["handout-pressure"]
    match = page.locator("#handout-pressure .match")
    expect(match).to_be_visible()
    expect(match).to_contain_text("Put the cuff on your bare arm.")
    assert search_for(page, "cuf") == ["handout-pressure"]  # the start of a word
    assert search_for(page, "bladdr") == ["handout-bladder"]  # one typo
    assert search_for(page, "cafeina") == ["handout-cafe"]  # no accent typed
    assert search_for(page, "BP") == ["handout-pressure"]  # the clinic's synonym
    assert search_for(page, "flu jab") == ["handout-flu"]
    # Title above body: both mention ketamine, the one titled so comes first.
    assert search_for(page, "keta") == ["handout-ketamine", "handout-bladder"]
    expect(page.locator("#handout-ketamine .match")).to_be_hidden()  # title only
    expect(page.locator("#handout-bladder .match")).to_contain_text("ketamine if you take it")
    # Every word typed must be found: "arm" alone is in two handouts, "sore arm" in one,
    # and "blood pressure" (with the synonym) is not the flu handout's.
    assert sorted(search_for(page, "arm")) == ["handout-flu", "handout-pressure"]
    assert search_for(page, "sore arm") == ["handout-flu"]
    assert search_for(page, "BP arm") == ["handout-pressure"]
    assert search_for(page, "zebra") == []
    expect(page.locator("#none-match")).to_be_visible()
    assert len(search_for(page, "")) == 5  # all back
    page.get_by_label("Search", exact=True).fill("cuff")
    assert axe_violations(page) == []


def test_synonyms_are_folded_both_ways() -> None:
    assert fold("Cafeína ÉTÉ") == "cafeina ete"
    table = folded_synonyms({"BP": "Blood  Pressure", "same": "SAME"})
    assert table == {"bp": ["blood pressure"], "blood pressure": ["bp"]}


def test_a_bad_synonyms_table_is_a_config_problem(tmp_path: Path) -> None:
    from clinic_handouts.errors import ConfigError
    from clinic_handouts.project.config import load_config

    (tmp_path / "handouts.toml").write_text(CONFIG + "\n[search]\nsynonyms = { BP = 3 }\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    (problem,) = caught.value.problems
    assert problem.format().startswith("handouts.toml:13: error: config: search.synonyms:")
