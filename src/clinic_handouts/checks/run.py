"""``handouts check``: every content check the build runs, without rendering anything.

The project is loaded with ``build.load_project`` and checked with ``build.check_chosen``,
the very function the build uses, so the checker and the build can never disagree about a
handout. Nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from clinic_handouts.build.run import Project, check_chosen, load_project, select
from clinic_handouts.checks import CheckContext
from clinic_handouts.errors import Problem
from clinic_handouts.project.sources import Handout


@dataclass(frozen=True)
class CheckOptions:
    today: dt.date
    only: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    project: Project
    handouts: tuple[Handout, ...]  # the handouts that were checked
    problems: tuple[Problem, ...]  # sorted, compiler-style

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    def exit_code(self, strict: bool) -> int:
        """1 when there is an error (or, when strict, any problem at all), else 0."""
        return 1 if self.errors or (strict and self.warnings) else 0


def check_project(root: Path, options: CheckOptions) -> CheckResult:
    """Check every chosen handout; config errors raise ConfigError, as for the build."""
    project = load_project(root, options.today)
    chosen = select(project.handouts, options.only)
    context = CheckContext(config=project.config, crisis=project.crisis, today=options.today)
    problems = list(project.problems) + check_chosen(project, chosen, context)
    return CheckResult(project, tuple(chosen), tuple(sorted(problems)))


def summary(result: CheckResult, strict: bool) -> str:
    """The last line of the text output: counts and what to do next."""
    count = len(result.handouts)
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
