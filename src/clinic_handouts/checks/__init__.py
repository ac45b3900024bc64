"""Content checks: what must not reach a waiting-room rack.

Each family is a module with one function, ``check(handout, markup, context)``, that
returns Problems with lines in the handout's source file. ``FAMILIES`` lists them in the
order they run; the build and ``handouts check`` both call ``check_handout``.

Checks that compare handouts with each other (a translation against its source) cannot
run one handout at a time: each such module has ``check_project(handouts, context)``,
listed in ``PROJECT_FAMILIES``, and the build and ``handouts check`` call
``check_project`` once with every handout in the project.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clinic_handouts.checks import (
    crisis_contacts,
    crisis_language,
    governance,
    readability,
    resources,
    structure,
    translations,
    wording,
)
from clinic_handouts.config import ProjectConfig
from clinic_handouts.crisis import CrisisDirectory
from clinic_handouts.errors import Problem
from clinic_handouts.markup import Markup
from clinic_handouts.sources import Handout


@dataclass(frozen=True)
class CheckContext:
    config: ProjectConfig
    crisis: CrisisDirectory
    today: dt.date


Family = Callable[[Handout, Markup, CheckContext], list[Problem]]
ProjectFamily = Callable[[Sequence[Handout], CheckContext], list[Problem]]

FAMILIES: tuple[Family, ...] = (
    crisis_contacts.check,
    crisis_language.check,
    governance.check,
    resources.check,
    readability.check,
    structure.check,
    wording.check,
)
PROJECT_FAMILIES: tuple[ProjectFamily, ...] = (translations.check_project,)


def check_handout(handout: Handout, markup: Markup, context: CheckContext) -> list[Problem]:
    problems = list(markup.problems)
    if any(p.code == "too-complex" for p in problems):
        # The body was refused unparsed (markup.py): it cannot be built, and text checks
        # on such a shape would only be slow and say nothing useful.
        return sorted(problems)
    for family in FAMILIES:
        problems.extend(family(handout, markup, context))
    return sorted(problems)


def check_project(handouts: Sequence[Handout], context: CheckContext) -> list[Problem]:
    """Problems found by comparing handouts; each is located in one handout's file."""
    problems: list[Problem] = []
    for family in PROJECT_FAMILIES:
        problems.extend(family(handouts, context))
    return sorted(problems)
