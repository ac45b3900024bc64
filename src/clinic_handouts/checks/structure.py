"""The shape of the text, as a patient-education reviewer judges it:

- ``heading-skip`` (warning): a heading level is skipped (the title is level 1, so the
  first heading in the text is ``##``). Screen readers and the PDF's outline use levels
  to show how the handout is organised.
- ``long-list`` (warning): a list of more than ``MAX_LIST_ITEMS`` items (CDC Clear
  Communication Index: lists of 7 items or fewer).
- ``long-paragraph`` (warning): a paragraph of more than ``LONG_PARAGRAPH_WORDS`` words
  (about eight printed lines): one idea per paragraph, in short sections. Chinese and
  Japanese count characters, Vietnamese syllables (limits in text/lengths.py).

A list written straight under a line of text is ``broken-list`` (checks/pasted.py), with
the other ways pasted lists go wrong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clinic_handouts.errors import Problem, warning
from clinic_handouts.project.sources import Handout
from clinic_handouts.text import lengths, prose
from clinic_handouts.text.markdown import BodyHtml

if TYPE_CHECKING:
    from clinic_handouts.checks import CheckContext

MAX_LIST_ITEMS = 7
LONG_PARAGRAPH_WORDS = lengths.WORDS.paragraph


def _heading_skips(handout: Handout, doc: prose.Document) -> list[Problem]:
    problems = []
    previous = 1  # the title, printed as the level-1 heading
    for heading in doc.headings:
        if heading.level > previous + 1:
            after = "the title" if previous == 1 else f"a level-{previous} heading"
            problems.append(
                warning(
                    handout.rel,
                    heading.line,
                    "heading-skip",
                    f"'{heading.text}' is a level-{heading.level} heading right after "
                    f"{after}; write it with {'#' * (previous + 1)} so screen readers "
                    "and the PDF's outline show the handout's structure",
                )
            )
        previous = heading.level
    return problems


def _long_lists(handout: Handout, doc: prose.Document) -> list[Problem]:
    return [
        warning(
            handout.rel,
            block.line,
            "long-list",
            f"this list has {len(block.items)} items; readers take in about "
            f"{MAX_LIST_ITEMS} at a time. Split it into shorter lists under their own "
            "headings, or keep only the items that matter most",
        )
        for block in doc.lists
        if len(block.items) > MAX_LIST_ITEMS
    ]


def _long_paragraphs(handout: Handout, doc: prose.Document) -> list[Problem]:
    problems = []
    limit = lengths.limits(handout.lang)
    for paragraph in doc.paragraphs:
        if paragraph.kind == "item":
            continue
        size = lengths.length((s.text for s in paragraph.sentences), handout.lang)
        if size > limit.paragraph:
            problems.append(
                warning(
                    handout.rel,
                    paragraph.line,
                    "long-paragraph",
                    f"this paragraph has {size} {limit.unit} (more than {limit.paragraph}); "
                    "give each idea its own short paragraph, or turn steps into a list",
                )
            )
    return problems


def check(handout: Handout, markup: BodyHtml, context: CheckContext) -> list[Problem]:
    doc = prose.parse(handout.body, handout.body_line, handout.lang)
    return _heading_skips(handout, doc) + _long_lists(handout, doc) + _long_paragraphs(handout, doc)
