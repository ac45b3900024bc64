"""Reading level: ``reading-level`` (warning above the target grade, error above the
maximum) and ``long-sentence`` (warning, a sentence over the limit of its language: 25
words; 40 characters in Chinese and Japanese; 35 syllables in Vietnamese; see
text/lengths.py).

The figures come from text/readability.py (the same ones the report and the catalogue show); this
module compares them with ``[readability]`` in handouts.toml and says what to change. A
language with no validated reading formula is "not scored" and never gets ``reading-level``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clinic_handouts.errors import Problem, error, warning
from clinic_handouts.project.sources import Handout
from clinic_handouts.text import lengths, prose
from clinic_handouts.text import readability as metrics
from clinic_handouts.text.markdown import BodyHtml

if TYPE_CHECKING:
    from clinic_handouts.checks import CheckContext

LONG_SENTENCE_WORDS = lengths.WORDS.sentence
QUOTE_CHARS = 60


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """The start of a sentence, cut at a space (a word), so a message can quote it. Text
    with no space in it (Chinese, Japanese) is cut at the limit."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:，、；：") + "…"


def _level_problem(
    handout: Handout, figures: metrics.Readability, limit: float, hard: bool
) -> Problem:
    assert figures.grade is not None
    which = "maximum" if hard else "target"
    if figures.formula == "INFLESZ":
        score = figures.scores[0].value
        measured = (
            f"INFLESZ {score:.1f} ('{figures.note}', about grade {figures.grade:.1f}) is below "
            f"the {which} of {metrics.inflesz_for_grade(limit):.0f} (grade {limit:g})"
        )
    else:
        measured = f"reading grade {figures.grade:.1f} is above the {which} of grade {limit:g}"
    scores = ", ".join(map(str, figures.scores))
    quoted = "; ".join(
        f'line {f.sentence.line}: "{shorten(f.sentence.text)}"' for f in figures.hardest
    )
    message = (
        f"{measured} ({scores}; {figures.words} words of prose). Hardest sentences: {quoted}. "
        "Use shorter sentences and everyday words (explain a medical word the first time)"
    )
    line = figures.hardest[0].sentence.line if figures.hardest else handout.body_line
    make = error if hard else warning
    return make(handout.rel, line, "reading-level", message)


def check(handout: Handout, markup: BodyHtml, context: CheckContext) -> list[Problem]:
    doc = prose.parse(handout.body, handout.body_line, handout.lang)
    limit = lengths.limits(handout.lang)
    problems = []
    for sentence in doc.sentences:
        size = lengths.length([sentence.text], handout.lang)
        if size > limit.sentence:
            problems.append(
                warning(
                    handout.rel,
                    sentence.line,
                    "long-sentence",
                    f"this sentence has {size} {limit.unit} (more than {limit.sentence}): "
                    f'"{shorten(sentence.text)}". Split it into shorter sentences, one idea '
                    "each",
                )
            )
    # The same figures the report and the catalogue show (measured once per build).
    figures = metrics.measure(handout)
    config = context.config
    if figures.grade is not None:
        grade = round(figures.grade, 1)  # compare what the message shows
        if grade > config.max_grade:
            problems.append(_level_problem(handout, figures, config.max_grade, hard=True))
        elif grade > config.target_grade:
            problems.append(_level_problem(handout, figures, config.target_grade, hard=False))
    return problems
