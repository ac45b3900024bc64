"""``outdated-crisis-contact``: crisis numbers and names that must never be printed again.

The patterns live with the crisis data (``data/crisis/outdated.toml``); this module only
finds them in a handout's title, summary and body and says what to print instead: the
services of the project's own region (a UK handout with the old US number is told about
Samaritans, NHS 111 and 999, never about 988).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clinic_handouts.errors import Problem, error
from clinic_handouts.project.sources import Handout
from clinic_handouts.text.markdown import BodyHtml

if TYPE_CHECKING:
    from clinic_handouts.checks import CheckContext


def check(handout: Handout, markup: BodyHtml, context: CheckContext) -> list[Problem]:
    problems = []
    for text, first_line in handout.printed_texts():
        for offset, contact, found in context.crisis.outdated_in(text):
            line = handout.line_at(text, first_line, offset)
            shown = " ".join(found.split())
            problems.append(
                error(
                    handout.rel,
                    line,
                    "outdated-crisis-contact",
                    f"'{shown}' is {contact.what}; print {context.crisis.instead_of(contact)}",
                )
            )
    return problems
