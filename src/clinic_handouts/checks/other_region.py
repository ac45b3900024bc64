"""``other-region-contact`` (error): a crisis or emergency number of another country.

A UK handout that tells a reader in crisis to text 988, or a US handout that gives 999 or
116 123, sends them to a number that does not reach help where they are. The numbers of
every region come from the bundled crisis data (project/regions.py); the project's own
region's numbers are never reported. The message names the number, its country and what
to print instead in this region.

A number that is also an outdated contact (988 in "press 3 on 988") is reported once, as
``outdated-crisis-contact`` (checks/crisis_contacts.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clinic_handouts.errors import Problem, error
from clinic_handouts.project.regions import in_country
from clinic_handouts.project.sources import Handout
from clinic_handouts.text.markdown import BodyHtml

if TYPE_CHECKING:
    from clinic_handouts.checks import CheckContext


def _and(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def check(handout: Handout, markup: BodyHtml, context: CheckContext) -> list[Problem]:
    crisis = context.crisis
    if not crisis.foreign:
        return []
    problems = []
    for text, first_line in handout.printed_texts():
        outdated = [(offset, offset + len(found)) for offset, _, found in crisis.outdated_in(text)]
        for offset, number, found in crisis.foreign_in(text):
            end = offset + len(found)
            if any(start < end and offset < stop for start, stop in outdated):
                continue
            line = handout.line_at(text, first_line, offset)
            shown = " ".join(found.split())
            here = in_country(crisis.region_name)
            where = _and(tuple(in_country(c) for c in number.countries))
            if number.emergency:
                what = f"the emergency number in {where}"
                instead = crisis.advice.emergency
            else:
                what = f"a crisis line in {where} ({number.services[0]})"
                instead = f"{crisis.advice.crisis}; in an emergency, {crisis.advice.emergency}"
            problems.append(
                error(
                    handout.rel,
                    line,
                    "other-region-contact",
                    f"'{shown}' is {what}, not in {here}, this project's region. "
                    f"In {here}, print {instead}",
                )
            )
    return problems
