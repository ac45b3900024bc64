"""``handouts check`` as the tests run it, and the problem lines of one code in what it
printed: the exact ``path:line: severity: code: message`` a writer reads."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result

from tests.conftest import CLI


def check(cli: CLI, root: Path, *args: str) -> Result:
    """``handouts check --project ROOT ARGS`` in-process."""
    return cli("check", "--project", root, *args)


def checked(cli: CLI, root: Path, *args: str, code: int = 0) -> str:
    """``handouts check --project ROOT ARGS`` ends with exit code ``code``: what it printed."""
    result = check(cli, root, *args)
    assert result.exit_code == code, result.output
    return result.stdout


def problems(result: Result, code: str) -> list[str]:
    """Every printed problem line with ``code``, in the order printed."""
    return [line for line in result.stdout.splitlines() if f": {code}: " in line]


def only_problem(result: Result, code: str) -> str:
    """The one problem line with ``code`` (fails when there are none or several)."""
    found = problems(result, code)
    assert len(found) == 1, result.output
    return found[0]
