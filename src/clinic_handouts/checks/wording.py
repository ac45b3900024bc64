"""Words a reviewer would stop at:

- ``placeholder-text`` (error): TODO, TBD, FIXME, XXX, "lorem ipsum" or a bracketed
  "[insert ...]" left in the text; a patient must never read a note meant for staff.
- ``all-caps`` (warning): three or more words in a row in capital letters, in any script
  that has capitals (Latin, Cyrillic, Greek, Armenian...: Unicode's case properties, not
  a list of letters). Capitals are harder to read (no word shapes), and read as shouting;
  use bold for emphasis. Single words (AYUDA, HOME, MRI) are fine, and a one-letter word
  between capital words (LLAME A SU MÉDICO, ЗВОНИТЕ В СКОРУЮ) neither counts nor breaks
  the run. Scripts without capitals (Chinese, Arabic, Hindi...) never have any.
- ``no-you`` (warning, English): a handout that never says "you" or "your" speaks about
  patients, not to them (AHRQ PEMAT: address the reader as "you"). Spanish addresses the
  reader through verb forms ("Llame al 988") that a word list cannot judge, so Spanish
  handouts are not checked. Handouts under metrics.MIN_WORDS words are not judged.

Title, summary and every printed line of the body are read, table cells and headings
included; link addresses, image paths and markup are not.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from clinic_handouts.errors import Problem, error, warning
from clinic_handouts.project.sources import Handout
from clinic_handouts.text import prose
from clinic_handouts.text import readability as metrics
from clinic_handouts.text.markdown import BodyHtml

if TYPE_CHECKING:
    from clinic_handouts.checks import CheckContext

CAPS_RUN_WORDS = 3
_PLACEHOLDER_RE = re.compile(
    r"\bTODO\b(?!\s+[A-ZÁÉÍÓÚÑ]{2})"  # not Spanish "TODO LO QUE..." (that is all-caps)
    r"|\b(?:TBD|TBA|FIXME)\b|\bX{3,}\b"
    r"|(?i:lorem\s+ipsum)"
    r"|(?i:\[\s*(?:insert|insertar|add|agregar|enter|placeholder|name|nombre|phone"
    r"|tel[eé]fono|date|fecha|clinic|cl[ií]nica)\b[^\]]*\])"
)
# A word as the caps check reads it: letters (with the marks that follow them) and inner
# apostrophes. Digits glue to it ("CD4") so that a code is not taken for a word.
_WORD_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f'’])+")
_YOU_RE = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b", re.IGNORECASE)


def _is_capital_word(word: str) -> bool:
    """Two or more letters, all capitals (``str.isupper`` reads Unicode's case of every
    script that has one), no digit."""
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and word.isupper() and not any(ch.isdigit() for ch in word)


def _is_capital_letter(word: str) -> bool:
    return len(word) == 1 and word.isupper()


def caps_runs(text: str) -> list[str]:
    """Runs of ``CAPS_RUN_WORDS`` or more capital words in a row, separated by spaces only
    (a one-letter capital word may stand between two of them)."""
    text = unicodedata.normalize("NFC", text)
    runs: list[str] = []
    run: list[re.Match[str]] = []  # capital words, and one-letter words between them
    words = 0

    def close() -> None:
        nonlocal run, words
        while run and not _is_capital_word(run[-1].group(0)):
            run.pop()  # a run ends on a capital word, not on "A"
        if words >= CAPS_RUN_WORDS:
            runs.append(text[run[0].start() : run[-1].end()])
        run, words = [], 0

    for match in _WORD_RE.finditer(text):
        word = match.group(0)
        joined = bool(run) and not text[run[-1].end() : match.start()].strip()
        if not joined:
            close()
        if _is_capital_word(word):
            run.append(match)
            words += 1
        elif run and _is_capital_letter(word) and _is_capital_word(run[-1].group(0)):
            run.append(match)
        else:
            close()
    close()
    return runs


def _lines(handout: Handout, doc: prose.Document) -> list[prose.Line]:
    lines = [(handout.line_of("title"), handout.title)]
    if handout.summary:
        lines.append((handout.line_of("summary"), handout.summary))
    return lines + doc.visible


def check(handout: Handout, markup: BodyHtml, context: CheckContext) -> list[Problem]:
    doc = prose.parse(handout.body, handout.body_line, handout.lang)
    problems: list[Problem] = []
    lines = _lines(handout, doc)
    for number, text in lines:
        for match in _PLACEHOLDER_RE.finditer(text):
            problems.append(
                error(
                    handout.rel,
                    number,
                    "placeholder-text",
                    f"'{match.group(0)}' looks like a note or placeholder left in the text; "
                    "finish or remove it before the handout is printed",
                )
            )
        for run in caps_runs(text):
            problems.append(
                warning(
                    handout.rel,
                    number,
                    "all-caps",
                    f"'{run}' is in capital letters, which are harder to read; "
                    "write it in normal case and make it **bold** if it needs to stand out",
                )
            )
    lang = metrics.primary_lang(handout.lang)
    words = metrics.word_count((s.text for s in doc.sentences), handout.lang)
    addressed = any(_YOU_RE.search(text) for _, text in lines)
    if lang == "en" and words >= metrics.MIN_WORDS and not addressed:
        first = doc.visible[0][0] if doc.visible else handout.body_line
        problems.append(
            warning(
                handout.rel,
                first,
                "no-you",
                "the handout never says 'you' or 'your'; speak to the reader "
                "('You may feel tired' rather than 'Patients may feel tired') and tell "
                "them what to do",
            )
        )
    return problems
