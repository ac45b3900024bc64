"""The ``handouts`` command line: parse flags, call one function, report.

Each command is a few lines: it turns flags into options, calls the core (which never
imports click), prints problems compiler-style and exits 0 (success), 1 (content or build
problems) or 2 (usage or config errors). A user mistake never shows a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from clinic_handouts.build import BuildOptions, BuildReport, build
from clinic_handouts.clock import build_date
from clinic_handouts.errors import HandoutError, Problem

INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C

project_option = click.option(
    "--project",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default="the current folder",
    help="The clinic project folder (holds handouts.toml).",
)


def print_problems(problems: Sequence[Problem]) -> None:
    for problem in sorted(problems):
        click.echo(problem.format(), err=True)


def run(action: Callable[[], int]) -> None:
    """Run a command body; user mistakes become messages and exit codes."""
    try:
        code = action()
    except HandoutError as exc:
        print_problems(exc.problems)
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        # Ctrl-C: every PDF is written whole or not at all (atomic.py), so say so and
        # exit like an interrupted shell command does.
        click.echo(
            "\nStopped (Ctrl-C). PDFs already written are complete, the others were left "
            "as they were; run 'handouts build' again to finish.",
            err=True,
        )
        raise SystemExit(INTERRUPTED) from None
    raise SystemExit(code)


def summarize(report: BuildReport, root: Path) -> str:
    built = len(report.outputs)
    pages = sum(o.pages for o in report.outputs)
    size = sum(o.size for o in report.outputs)
    parts = [
        f"Built {built} PDF{'s' if built != 1 else ''} ({pages} pages, "
        f"{size / 1024:.0f} KB) in {report.seconds:.1f} s"
    ]
    if report.failed_files:
        parts.append(
            f"{len(report.failed_files)} not built: fix the errors above and run "
            "'handouts build' again (their previous PDFs were left as they were)"
        )
    errors = sum(p.is_error for p in report.problems)
    warnings = len(report.problems) - errors
    if errors or warnings:
        parts.append(f"{errors} error(s), {warnings} warning(s)")
    return ". ".join(parts) + "."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clinic-handouts")
def main() -> None:
    """Turn a clinic's Markdown handouts into branded, print-ready PDFs.

    Every page carries the clinic's disclaimer and current crisis resources.
    Start in a project folder (one with handouts.toml) and run:

        handouts build
    """


@main.command("build")
@project_option
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="ID",
    help="Build only this handout (by its id; all its languages). Repeatable.",
)
@click.option(
    "--html",
    "write_html",
    is_flag=True,
    help="Also write the print HTML beside each PDF, for checking styles.",
)
def build_command(project: Path, only: tuple[str, ...], write_html: bool) -> None:
    """Build every handout into build/<lang>/<slug>.pdf.

    Checks run first: a handout with errors is not built and its previous PDF is kept;
    warnings are printed and the handout is built. Set SOURCE_DATE_EPOCH to build as
    of another date (for example, to reproduce an old build exactly).

    Exit codes: 0 all built, 1 content problems, 2 usage or handouts.toml problems.
    """

    def action() -> int:
        options = BuildOptions(today=build_date(os.environ), only=only, write_html=write_html)
        report = build(project, options)
        print_problems(report.problems)
        click.echo(summarize(report, project))
        return 0 if report.ok else 1

    run(action)


def entry(argv: list[str] | None = None) -> Any:  # pragma: no cover - console helper
    return main.main(args=argv if argv is not None else sys.argv[1:])
