"""``handouts check``: every content check the build runs, without rendering anything.

``iter_checked`` runs every check on the chosen handouts, one at a time; the build and
``handouts check`` both go through it, so they can never disagree about a handout.
``handouts check`` writes nothing.

A file whose front matter has errors is checked too (a stand-in, project/sources.py): its
body gets every check that does not read the front matter (not the review dates), so a
writer fixes everything in one round; it is never built. With ``--only`` everything
reported is about the chosen files (project/selection.py), and the count says how many.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from clinic_handouts.checks import CheckContext, Findings, check_handout
from clinic_handouts.checks import check_project as check_across
from clinic_handouts.checks.cache import FRESH, Checker
from clinic_handouts.checks.translation_review import check_languages
from clinic_handouts.errors import Counted, Problem
from clinic_handouts.project import reserved
from clinic_handouts.project.load import Project
from clinic_handouts.project.selection import Selection, choose
from clinic_handouts.project.sources import Handout
from clinic_handouts.text.markdown import BodyHtml

# What checks/governance.py says about review dates: a stand-in has none to judge.
_REVIEW_CODES = ("review-in-future", "review-overdue", "review-due-soon")


@dataclass(frozen=True)
class CheckOptions:
    """What ``handouts check`` is asked: the date to judge review dates by, and the handouts
    named with ``--only`` (none: every handout)."""

    today: dt.date
    only: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckResult(Counted):
    """What ``handouts check`` found (``check_project``): every problem, and the handouts
    checked. cli.py prints it; checks/report.py makes the report's rows from it."""

    project: Project
    handouts: tuple[Handout, ...]  # the handouts that were checked (loaded ones)
    problems: tuple[Problem, ...]  # sorted, compiler-style
    files: int = -1  # how many handout files were checked, loaded or not; -1: len(handouts)

    def exit_code(self, strict: bool) -> int:
        """1 when there is an error (or, when strict, any problem at all), else 0."""
        return 1 if self.errors or (strict and self.warnings) else 0


@dataclass(frozen=True)
class CheckedHandout:
    """One handout after every check: its converted body and all its problems."""

    handout: Handout
    markup: BodyHtml
    problems: list[Problem]  # its own, and those found by comparing it with others
    reading_grade: float | None

    @property
    def failed(self) -> bool:
        # A stand-in's front-matter errors are the project's problems, not in this list:
        # it fails whatever its body says, so it is never built.
        return not self.handout.loaded or any(p.is_error for p in self.problems)


def check_one(
    handout: Handout, context: CheckContext, checker: Checker = FRESH
) -> tuple[BodyHtml, Findings]:
    """One handout's Markdown converted, and every per-handout check's findings."""
    converted = checker.convert(handout.body, handout.rel, handout.body_line, context.reserved)
    if not handout.loaded:
        return converted, _body_findings(handout, converted, context)
    return converted, check_handout(handout, converted, context, checker.text)


def _body_findings(handout: Handout, converted: BodyHtml, context: CheckContext) -> Findings:
    """A stand-in's body checks: every check but the review dates, which did not load
    (its front-matter errors say so already)."""
    found = check_handout(handout, converted, context)
    kept = tuple(p for p in found.problems if p.code not in _REVIEW_CODES)
    return Findings(kept, found.reading_grade)


def iter_checked(
    project: Project,
    chosen: Sequence[Handout],
    context: CheckContext,
    checker: Checker = FRESH,
) -> Iterator[CheckedHandout]:
    """Every check on the chosen handouts, one handout at a time (so the build can render
    while later handouts are still being checked). Checks across handouts (translations)
    run first: they need every handout, not a render."""
    files = {h.rel for h in chosen}
    across: dict[str, list[Problem]] = {}
    for problem in check_across(project.handouts, context):
        if problem.path in files:
            across.setdefault(problem.path, []).append(problem)
    for handout in chosen:
        converted, found = check_one(handout, context, checker)
        problems = across.get(handout.rel, []) + list(found.problems)
        yield CheckedHandout(handout, converted, problems, found.reading_grade)


def problems_of(checked: Iterable[CheckedHandout]) -> list[Problem]:
    """Every problem of these checked handouts, for a caller that renders nothing
    (``handouts check``, ``handouts import``): they check through ``iter_checked``, as the
    build does, so they cannot disagree with it."""
    return [p for handout in checked for p in handout.problems]


def check_project(project: Project, options: CheckOptions) -> CheckResult:
    """Check every chosen handout of a loaded project; nothing is written."""
    chosen: Selection = choose(project, options.only)
    context = CheckContext(
        config=project.config,
        crisis=project.crisis,
        today=options.today,
        reserved=reserved.for_theme(project.theme),
    )
    problems = chosen.about(project.problems) + problems_of(
        iter_checked(project, chosen.checked, context)
    )
    # The languages these handouts print in, not every language of the project.
    problems += check_languages(project.config, chosen.handouts, project.crisis)
    return CheckResult(project, tuple(chosen.handouts), tuple(sorted(problems)), chosen.count)


def summary(result: CheckResult, strict: bool) -> str:
    """The last line of the text output: counts and what to do next."""
    count = result.files if result.files >= 0 else len(result.handouts)
    checked = f"Checked {count} handout{'s' if count != 1 else ''}"
    if not result.problems:
        return f"{checked}: no problems."
    parts = [
        f"{checked}: {_plural(result.errors, 'error')}, {_plural(result.warnings, 'warning')}."
    ]
    if result.errors:
        parts.append(
            "A handout with errors is not built: fix the lines above, then run "
            "'handouts check' again."
        )
    elif strict:
        parts.append("--strict treats warnings as errors.")
    else:
        parts.append("Warnings do not stop the build; the clinical reviewer may want to see them.")
    return " ".join(parts)


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'s' if number != 1 else ''}"
