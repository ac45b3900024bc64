"""Problems and errors: what counts as an error, what as a warning, and how they travel.

Error policy (the one place it is written down):

- A mistake in user input (a handout, handouts.toml, crisis data, a theme file) is a
  ``Problem`` with the file and line it comes from. Problems are collected across all
  files and reported together, compiler-style; they never show a traceback.
- ``error`` problems stop the handout they belong to from being built (or, when they
  belong to no single handout, such as stale crisis data, stop the whole build).
  ``warning`` problems are printed and the handout is still built.
- ``ConfigError`` (a bad handouts.toml, unknown language, ...) and ``UsageError`` (bad
  flags) end the command with exit code 2; content and build problems with exit code 1.
- Anything else is a bug in this tool and propagates with its traceback.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.StrEnum):
    """How much a problem counts: an error stops its handout (or the whole build), a warning
    is printed and the handout is still built."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about user input, located as precisely as the input allows.

    ``path`` is relative to the project folder (``handouts/en/x.md``) so messages and
    JSON reports read the same on every machine; ``line`` is 1-based, or 0 when the
    problem belongs to the whole file.
    """

    path: str
    line: int
    code: str
    severity: Severity
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = f"{where}: " if where else ""  # a usage error belongs to no file
        return f"{prefix}{self.severity.value}: {self.code}: {self.message}"

    def as_json(self) -> dict[str, str | int]:
        return {
            "file": self.path,
            "line": self.line,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }


def error(path: str | Path, line: int, code: str, message: str) -> Problem:
    return Problem(str(path), line, code, Severity.ERROR, message)


def warning(path: str | Path, line: int, code: str, message: str) -> Problem:
    return Problem(str(path), line, code, Severity.WARNING, message)


class Counted:
    """Counting for anything that holds ``problems``: how many errors, how many warnings."""

    problems: tuple[Problem, ...]

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


class HandoutError(Exception):
    """A user-facing failure that carries the problems explaining it."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [error("", 0, "error", problems)]
        self.problems = sorted(problems)
        super().__init__("\n".join(p.format() for p in self.problems))

    def __reduce__(self) -> tuple[type[HandoutError], tuple[list[Problem]]]:
        # Keep the problems when the error crosses from a worker process to the parent.
        return (type(self), (self.problems,))


def not_handed_out(
    code: str, what: str, not_done: str, again: str, problems: list[Problem], after: str = ""
) -> HandoutError:
    """A hand-out (``handouts email``, ``handouts print``) refused: one headline saying what
    was not done and what to do, then the problems that stopped it. Both commands word it
    alike, so staff read the same advice whichever way they hand a sheet out."""
    headline = error(
        "",
        0,
        code,
        f"{what} was not {not_done}: fix the problems listed here, then {again} "
        f"('handouts build' shows them too){after}",
    )
    return HandoutError([headline, *problems])


class ConfigError(HandoutError):
    """handouts.toml, the theme or the crisis data is unusable: nothing can be built."""

    exit_code = 2


class UsageError(HandoutError):
    """The command line asks for something that does not exist or cannot be done."""

    exit_code = 2
