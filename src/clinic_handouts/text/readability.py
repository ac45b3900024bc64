"""Reading figures of a handout: word count, readability scores and the grade compared
with ``[readability]`` in handouts.toml. The one place these numbers are computed, so the
checker, the per-handout report and the catalogue always show the same figures.

Only prose is measured (see text/prose.py): not the front matter, headings, table cells or
the stamp. Texts under ``MIN_WORDS`` words of prose are not scored: the formulas need a
sample of several sentences to mean anything.

English
    SMOG grade = 1.043 * sqrt(polysyllables * 30 / sentences) + 3.1291 (McLaughlin 1969)
    Flesch-Kincaid grade = 0.39 * words/sentence + 11.8 * syllables/word - 15.59
    The handout's grade is the higher of the two: SMOG rises with long words, Flesch-
    Kincaid with long sentences, and a handout should be easy on both counts.

Spanish
    Szigriszt-Pazos = 206.835 - 62.3 * syllables/word - words/sentence, read on the
    INFLESZ scale (Barrio-Cantalejo 2008): under 40 very hard, 40-55 fairly hard,
    55-65 normal, 65-80 fairly easy, over 80 very easy.
    Fernandez-Huerta = 206.84 - 60 * syllables/word - 1.02 * words/sentence, shown too.
    Scores fall as text gets harder, so they are turned into a grade for comparison with
    the same settings as English, through ``INFLESZ_GRADES``: INFLESZ 65 (the start of
    "fairly easy", the level of the end of primary school) is grade 6, and 55 (the start
    of "normal", the published minimum for health information) is grade 8; the grade is
    kept between 1 and 18.

Other languages are counted but not scored: no reading formula has been validated for
them here, and a formula made for English gives numbers that mean nothing in Hindi or
Chinese. The report and the catalogue say "not scored" and ``reading-level`` stays silent.

Words: English and Spanish keep the tokenizer their formulas have always been measured
with (``_TOKEN_RE``: letters with inner apostrophes and hyphens, and a number or address
as one token). Every other language takes its words from ICU's word boundaries in that
language (text/segments.py): a Devanagari word keeps its vowel signs, Chinese and Thai
are split into words by ICU's dictionaries. Numbers and addresses are one token there too.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from clinic_handouts.project.sources import Handout
from clinic_handouts.text import prose, segments, syllables

MIN_WORDS = 30
SCORED_LANGUAGES = ("en", "es")

# (INFLESZ score, grade) anchors; in between and beyond, the grade is interpolated.
INFLESZ_GRADES: tuple[tuple[float, float], ...] = (
    (80.0, 4.0),
    (65.0, 6.0),
    (55.0, 8.0),
    (40.0, 12.0),
)
INFLESZ_BANDS: tuple[tuple[float, str], ...] = (
    (80.0, "very easy"),
    (65.0, "fairly easy"),
    (55.0, "normal"),
    (40.0, "fairly hard"),
    (-math.inf, "very hard"),
)

_TOKEN_RE = re.compile(
    r"(?P<other>(?:https?://|www\.)\S+"  # web addresses, e-mail, numbers: read, not hard
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\w+(?:\.\w+)*\.(?:org|com|gov|net|edu|info|us|ca|uk|au|es|mx)\b"
    r"|\d+(?:[.,:/\-]\d+)*[^\W\d_]{0,2})"
    r"|(?P<word>[^\W\d_]+(?:['’\-][^\W\d_]+)*)"
)

# In languages whose words ICU finds: web addresses, e-mail addresses and numbers, each one
# token. ASCII only, since Chinese or Japanese text runs straight on after an address.
_ADDRESS_RE = re.compile(
    r"(?:https?://|www\.)[!-~]+"
    r"|[A-Za-z0-9.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:org|com|gov|net|edu|info|us|ca|uk|au|es|mx)"
    r"(?![A-Za-z0-9])"
    r"|\d+(?:[.,:/\-]\d+)*"
)


@dataclass(frozen=True)
class SentenceFigures:
    """One sentence's counts (``sentence_figures``), which the reading formulas add up; the
    ``reading-level`` problem quotes the hardest sentences."""

    sentence: prose.Sentence
    words: int
    syllables: int
    polysyllables: int  # words of three or more syllables


@dataclass(frozen=True)
class Score:
    """One reading formula's result, as messages and the report show it: "SMOG 6.4". The
    Spanish formulas give a score (higher is easier), not a grade."""

    formula: str  # "SMOG", "Flesch-Kincaid", "INFLESZ", "Fernandez-Huerta"
    value: float

    def __str__(self) -> str:
        return f"{self.formula} {self.value:.1f}"


@dataclass(frozen=True)
class Readability:
    """The reading figures of one handout."""

    lang: str
    words: int
    sentences: int
    grade: float | None  # compared with target_grade and max_grade; None: not scored
    formula: str  # the formula the grade comes from
    scores: tuple[Score, ...]
    hardest: tuple[SentenceFigures, ...]  # the two that weigh most on the grade
    note: str  # why there is no grade, or the INFLESZ band

    def describe(self) -> str:
        """One line for people: 'grade 6.4 (SMOG 6.4, Flesch-Kincaid 4.9)'."""
        if self.grade is None:
            return self.note
        band = f", {self.note}" if self.note else ""
        return f"grade {self.grade:.1f} ({', '.join(map(str, self.scores))}{band})"


def tokens(text: str, lang: str = "en") -> list[tuple[str, bool]]:
    """(token, is_word) for every word, number or address; only words have syllables."""
    if primary_lang(lang) in SCORED_LANGUAGES:
        return [(m.group(0), m.group("word") is not None) for m in _TOKEN_RE.finditer(text)]
    found: list[tuple[str, bool]] = []
    position = 0
    for match in _ADDRESS_RE.finditer(text):
        found += [(w, True) for w in segments.words(text[position : match.start()], lang)]
        found.append((match.group(0), False))
        position = match.end()
    found += [(w, True) for w in segments.words(text[position:], lang)]
    return found


def sentence_figures(sentence: prose.Sentence, lang: str) -> SentenceFigures:
    words = syllable_total = poly = 0
    scored = primary_lang(lang) in SCORED_LANGUAGES
    for token, is_word in tokens(sentence.text, lang):
        words += 1
        if not scored:
            continue  # no formula reads the syllables
        count = syllables.count(token, primary_lang(lang)) if is_word else 1
        syllable_total += count
        poly += count >= 3
    return SentenceFigures(sentence, words, syllable_total, poly)


def primary_lang(lang: str) -> str:
    return lang.split("-", 1)[0].lower()


def smog(poly: int, sentences: int) -> float:
    return 1.043 * math.sqrt(poly * 30 / sentences) + 3.1291


def flesch_kincaid(words: int, syllable_total: int, sentences: int) -> float:
    return 0.39 * words / sentences + 11.8 * syllable_total / words - 15.59


def szigriszt(words: int, syllable_total: int, sentences: int) -> float:
    return 206.835 - 62.3 * syllable_total / words - words / sentences


def fernandez_huerta(words: int, syllable_total: int, sentences: int) -> float:
    return 206.84 - 60 * syllable_total / words - 1.02 * words / sentences


def _interpolate(x: float, points: Sequence[tuple[float, float]]) -> float:
    """Piecewise-linear through ``points`` (x descending), extended at both ends."""
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        if x >= x2 or (x2, y2) == points[-1]:
            return y1 + (x - x1) * (y2 - y1) / (x2 - x1)
    raise AssertionError("unreachable")


def inflesz_grade(score: float) -> float:
    # Clamped: "grade 23" would claim a precision the scale does not have.
    return min(18.0, max(1.0, _interpolate(score, INFLESZ_GRADES)))


def inflesz_for_grade(grade: float) -> float:
    """The INFLESZ score that corresponds to a grade (for messages)."""
    return _interpolate(-grade, [(-g, score) for score, g in INFLESZ_GRADES])


def inflesz_band(score: float) -> str:
    return next(name for floor, name in INFLESZ_BANDS if score >= floor)


def _hardest(
    figures: Sequence[SentenceFigures], difficulty: Callable[[SentenceFigures], float]
) -> tuple[SentenceFigures, ...]:
    """The two sentences that weigh most on the formula that set the grade, in text order
    when they tie (for SMOG: most long words, then most words)."""
    ranked = sorted(figures, key=lambda f: (-difficulty(f), f.sentence.line))
    return tuple(ranked[:2])


def measure_figures(figures: Sequence[SentenceFigures], lang: str) -> Readability:
    """Readability from the figures of every prose sentence of a handout."""
    lang = primary_lang(lang)
    words = sum(f.words for f in figures)
    count = sum(1 for f in figures if f.words)
    if lang not in SCORED_LANGUAGES:
        note = f"not scored (no validated reading formula for '{lang}')"
        return Readability(lang, words, count, None, "", (), (), note)
    if words < MIN_WORDS:
        note = f"not scored (under {MIN_WORDS} words of prose)"
        return Readability(lang, words, count, None, "", (), (), note)
    syllable_total = sum(f.syllables for f in figures)
    poly = sum(f.polysyllables for f in figures)
    sentences = [f for f in figures if f.words]
    if lang == "es":
        inflesz = szigriszt(words, syllable_total, count)
        scores = (
            Score("INFLESZ", inflesz),
            Score("Fernandez-Huerta", fernandez_huerta(words, syllable_total, count)),
        )
        return Readability(
            lang,
            words,
            count,
            inflesz_grade(inflesz),
            "INFLESZ",
            scores,
            _hardest(sentences, lambda f: -szigriszt(f.words, f.syllables, 1)),
            inflesz_band(inflesz),
        )
    smog_grade = smog(poly, count)
    fk_grade = flesch_kincaid(words, syllable_total, count)
    scores = (Score("SMOG", smog_grade), Score("Flesch-Kincaid", fk_grade))
    formula = "SMOG" if smog_grade >= fk_grade else "Flesch-Kincaid"
    grade = max(smog_grade, fk_grade)
    if formula == "SMOG":
        hardest = _hardest(sentences, lambda f: f.polysyllables + f.words / 1000)
    else:
        hardest = _hardest(sentences, lambda f: flesch_kincaid(f.words, f.syllables, 1))
    return Readability(lang, words, count, grade, formula, scores, hardest, "")


def measure_document(doc: prose.Document, lang: str) -> Readability:
    return measure_figures([sentence_figures(s, lang) for s in doc.sentences], lang)


def measure(handout: Handout) -> Readability:
    """The reading figures of a handout (what the report and the catalogue show)."""
    return _measure(handout.body, handout.body_line, handout.lang)


@functools.lru_cache(maxsize=4096)  # a few hundred bytes each
def _measure(body: str, first_line: int, lang: str) -> Readability:
    # Asked for once per edition by the catalogue and once by the check: measure once.
    return measure_document(prose.parse(body, first_line, lang), lang)


def word_count(texts: Iterable[str], lang: str = "en") -> int:
    return sum(len(tokens(text, lang)) for text in texts)
