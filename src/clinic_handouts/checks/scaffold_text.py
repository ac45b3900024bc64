"""The tool's own placeholders, which must never reach paper:

- ``placeholder-text`` (error): a text that ``handouts init`` or ``handouts new`` wrote for
  the writer to replace ("Your Clinic Name", "(555) 010-0100", "The first step." ...; the
  list is ``data/scaffold/placeholders.toml``), in the title, summary, reviewed_by or text.
  (checks/wording.py finds the placeholders people type: TODO, [insert ...].)
- ``example-handout`` (warning): the example handout of ``handouts init``, still marked
  ``example: true``. It is built so the writer can see what a handout looks like, but is
  not listed in the catalogue; its example texts are not reported while it is marked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clinic_handouts.errors import Problem, error, warning
from clinic_handouts.project.scaffold import placeholder_patterns
from clinic_handouts.project.sources import Handout
from clinic_handouts.text.markdown import BodyHtml

if TYPE_CHECKING:
    from clinic_handouts.checks import CheckContext


def check(handout: Handout, markup: BodyHtml, context: CheckContext) -> list[Problem]:
    if handout.example:
        return [
            warning(
                handout.rel,
                handout.line_of("example"),
                "example-handout",
                "this is the example handout that 'handouts init' wrote: it is built so you "
                "can see what a handout looks like, but it is not listed in the catalogue. "
                "To make it a real handout, change its text and delete the line "
                "'example: true'; to get rid of it, delete the file",
            )
        ]
    texts = [
        (handout.title, handout.line_of("title")),
        (handout.summary, handout.line_of("summary")),
        (handout.reviewed_by, handout.line_of("reviewed_by")),
        (handout.body, handout.body_line),
    ]
    problems = []
    for text, first_line in texts:
        for phrase, pattern in placeholder_patterns():
            for match in pattern.finditer(text):
                line = first_line + text.count("\n", 0, match.start())
                problems.append(
                    error(
                        handout.rel,
                        line,
                        "placeholder-text",
                        f"'{phrase}' is a placeholder that 'handouts init' or 'handouts new' "
                        "wrote for you to replace; write your own text here before the "
                        "handout is printed",
                    )
                )
    return problems
