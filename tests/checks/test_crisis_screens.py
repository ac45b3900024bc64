"""The quick screens in front of the outdated-contact patterns (project/crisis.py:
``needs`` words and ``needs_pattern``) are a speed-up, never a rule: on any text, a
contact's ``find`` gives exactly the matches of its pattern alone."""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from clinic_handouts.project.config import load_config
from clinic_handouts.project.crisis import (
    _ASCII_FOLDS,
    CrisisDirectory,
    load_crisis,
    screen_text,
)
from tests.conftest import CONFIG


def test_the_fold_table_holds_every_letter_a_pattern_matches_to_ascii() -> None:
    """Python's case-insensitive matching, asked about every character there is."""
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    found = {}
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for char in set(re.findall(letter, every, re.IGNORECASE)):
            if not char.isascii():
                found[ord(char)] = letter
    assert found == _ASCII_FOLDS
    assert screen_text("D\u0130AL \u017fUICIDE \u212aIT") == "dial suicide kit"


FRAGMENTS = [
    "988", "press", "PRESS", "Pressing", "d\u0131al", "D\u0130AL", "pre\u017f\u017f", "dial",
    "oprima", "marque", "presione", "el", "3", "three", "THREE", "tres", "lgbtq", "Trevor",
    "depression", "national", "suicide", "su\u0131cide", "prevention", "life", "line",
    "l\u00ednea", "nacional", "de", "prevenci\u00f3n", "del", "suicidio", "1", "800", "273",
    "8255", "talk", "833", "456", "4566", "(", ")", "+", "-", "\u2011", " ", "  ", "\t", "\n",
    ".", ",", "\u00a0", "\u2028", "K", "\u212a", "call", "you",
]  # fmt: skip


def _bundled_crisis() -> CrisisDirectory:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "handouts.toml").write_text(CONFIG, encoding="utf-8")
        return load_crisis(load_config(Path(folder)))


CRISIS = _bundled_crisis()


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(parts=st.lists(st.sampled_from(FRAGMENTS), max_size=24))
@example(parts=["LGBTQ", " ", "PRESSING", "\t", "THREE"])
@example(parts=["988", ",", " ", "D\u0130AL", "\n", "el", " ", "3"])
@example(parts=["national", " ", "su\u0131cide", " ", "prevention", " ", "line"])
def test_the_screens_never_hide_a_match(parts: list[str]) -> None:
    text = "".join(parts)
    for contact in CRISIS.outdated:
        expected = [(m.start(), m.group(0)) for m in contact.pattern.finditer(text)]
        found = [(m.start(), m.group(0)) for m in contact.find(text, screen_text(text))]
        assert found == expected, (contact.what, text)
