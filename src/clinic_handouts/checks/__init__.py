"""Content checks: what must not reach a waiting-room rack.

Each family is a module with one function, ``check(handout, markup, context)``, that
returns Problems with lines in the handout's source file. The build and ``handouts check``
both call ``check_handout``, which runs every family.

Most families read nothing but the handout's text, handouts.toml and the crisis data
(``TEXT_FAMILIES``): their findings can be kept between builds under a hash of exactly
those (checks/cache.py), which is what makes a build with nothing to do fast. The others
(``LIVE_FAMILIES``) look at today's date or at other files on disk, and run every time,
as do the checks that guard a patient's safety (``SAFETY_FAMILIES``), so that nothing
kept in build/ can ever hide what they find.

Checks that compare handouts with each other (a translation against its source) cannot
run one handout at a time: each such module has ``check_project(handouts, context)``,
listed in ``PROJECT_FAMILIES``, and the build and ``handouts check`` call
``check_project`` once with every handout in the project.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from clinic_handouts.addresses import allowed_roots
from clinic_handouts.checks import (
    crisis_contacts,
    crisis_language,
    governance,
    other_region,
    pasted,
    readability,
    resources,
    scaffold_text,
    structure,
    translations,
    wording,
)
from clinic_handouts.errors import Problem
from clinic_handouts.project.config import ProjectConfig
from clinic_handouts.project.crisis import CrisisDirectory
from clinic_handouts.project.reserved import ReservedNames, bundled
from clinic_handouts.project.sources import Handout
from clinic_handouts.text import readability as metrics
from clinic_handouts.text.markdown import BodyHtml


@dataclass(frozen=True)
class CheckContext:
    """What every check reads besides the handout: the project's config, its crisis data,
    the date the checks judge by and the names the theme reserves. ``handouts check``,
    the build and ``handouts import`` each make one per run."""

    config: ProjectConfig
    crisis: CrisisDirectory
    today: dt.date
    # The class and id names a handout may not use: the project theme's
    # (reserved.for_theme); the bundled theme's when not given.
    reserved: ReservedNames = field(default_factory=bundled)

    @functools.cached_property
    def roots(self) -> tuple[Path, ...]:
        """The folders a handout may load from (addresses.allowed_roots), resolved once
        per run rather than once per handout."""
        return allowed_roots(self.config.root)


Family = Callable[[Handout, BodyHtml, CheckContext], list[Problem]]
ProjectFamily = Callable[[Sequence[Handout], CheckContext], list[Problem]]

# Their findings depend only on the handout's text, the config and the crisis data.
TEXT_FAMILIES: tuple[Family, ...] = (
    other_region.check,
    pasted.check,
    readability.check,
    scaffold_text.check,
    structure.check,
    wording.check,
)
# They read today's date (governance), other files (resources) or where this tool is
# installed (crisis_language names the bundled file to copy).
LIVE_FAMILIES: tuple[Family, ...] = (
    crisis_language.check,
    governance.check,
    resources.check,
)
# Text checks that guard a patient's safety are never taken from the cache, whatever
# it says (a forged build/.check-cache.json must not hide an outdated crisis number):
# they run on every build, and they are cheap.
SAFETY_FAMILIES: tuple[Family, ...] = (crisis_contacts.check,)
PROJECT_FAMILIES: tuple[ProjectFamily, ...] = (translations.check_project,)


@dataclass(frozen=True)
class Findings:
    """What checking one handout found, and its reading grade (the catalogue shows it)."""

    problems: tuple[Problem, ...]
    reading_grade: float | None


TextCheck = Callable[[Handout, BodyHtml, "CheckContext"], Findings]


def text_findings(handout: Handout, markup: BodyHtml, context: CheckContext) -> Findings:
    """Every text family's problems, worked out now (checks/cache.py may remember them)."""
    problems = [p for family in TEXT_FAMILIES for p in family(handout, markup, context)]
    # readability.check measured the handout already: this reads the measurement back.
    return Findings(tuple(problems), metrics.measure(handout).grade)


def check_handout(
    handout: Handout, markup: BodyHtml, context: CheckContext, text: TextCheck = text_findings
) -> Findings:
    """Every per-handout check. ``text`` runs the text families, or remembers them."""
    problems = list(markup.problems)
    if any(p.code == "too-complex" for p in problems):
        # The body was refused unparsed (text/markdown.py): it cannot be built, and text checks
        # on such a shape would only be slow and say nothing useful.
        return Findings(tuple(sorted(problems)), None)
    for family in SAFETY_FAMILIES + LIVE_FAMILIES:
        problems.extend(family(handout, markup, context))
    found = text(handout, markup, context)
    return Findings(tuple(sorted(problems + list(found.problems))), found.reading_grade)


def check_project(handouts: Sequence[Handout], context: CheckContext) -> list[Problem]:
    """Problems found by comparing handouts; each is located in one handout's file."""
    problems: list[Problem] = []
    for family in PROJECT_FAMILIES:
        problems.extend(family(handouts, context))
    return sorted(problems)
