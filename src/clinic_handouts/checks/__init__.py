"""Content checks: what must not reach a waiting-room rack.

Each family is a module with one function, ``check(handout, markup, context)``, that
returns Problems with lines in the handout's source file. ``FAMILIES`` lists them in the
order they run; the build and ``handouts check`` both call ``check_handout``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from clinic_handouts.checks import (
    crisis_contacts,
    governance,
    readability,
    resources,
    structure,
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

FAMILIES: tuple[Family, ...] = (
    crisis_contacts.check,
    governance.check,
    resources.check,
    readability.check,
    structure.check,
    wording.check,
)


def check_handout(handout: Handout, markup: Markup, context: CheckContext) -> list[Problem]:
    problems = list(markup.problems)
    for family in FAMILIES:
        problems.extend(family(handout, markup, context))
    return sorted(problems)
