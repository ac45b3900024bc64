"""The ``handouts`` command line: parse flags, call one function, report.

Each command is a few lines: it turns flags into options, calls the core (which never
imports click), prints problems compiler-style and exits 0 (success), 1 (content or build
problems) or 2 (usage or config errors). A user mistake never shows a traceback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from clinic_handouts.build import BuildOptions, BuildReport, Progress, build
from clinic_handouts.clock import build_date
from clinic_handouts.errors import HandoutError, Problem

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
        click.echo(
            "Stopped before the end. The PDFs finished so far are saved; the others were "
            "left as they were. Run the same command again to finish.",
            err=True,
        )
        raise SystemExit(130) from None
    raise SystemExit(code)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """Ctrl-C and SIGTERM (a shutdown, ``kill``) ask the build to stop cleanly.

    The handler only sets a flag that the build checks at safe points: an exception
    thrown into the middle of the render pool's bookkeeping could leave it locked. The
    PDFs in progress finish and what was made is kept; a second signal stops at once.
    """
    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.getsignal(sig) or signal.SIG_DFL for sig in signals}

    def request(signum: int, frame: object) -> None:
        stop.set()
        for sig in signals:
            signal.signal(sig, previous[sig])

    for sig in signals:
        signal.signal(sig, request)
    try:
        yield stop
    finally:
        for sig in signals:
            signal.signal(sig, previous[sig])


@contextlib.contextmanager
def progress_bar() -> Iterator[Progress | None]:
    """A progress bar on stderr when it is a terminal; nothing at all otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    with contextlib.ExitStack() as stack:
        bars: list[Any] = []

        def update(done: int, total: int) -> None:
            if not bars:
                bars.append(
                    stack.enter_context(
                        click.progressbar(length=total, label="Building", file=sys.stderr)
                    )
                )
            bar = bars[0]
            bar.length = total
            bar.update(done - bar.pos)

        yield update


def summarize(report: BuildReport, root: Path) -> str:
    built = len(report.built)
    pages = sum(o.pages for o in report.built)
    size = sum(o.size for o in report.built)
    made = f" ({pages} pages, {size / 1024:.0f} KB)" if built else ""
    parts = [
        f"Built {built} PDF{'s' if built != 1 else ''}{made}, {len(report.up_to_date)} up "
        f"to date, {len(report.failed_files)} failed, in {report.seconds:.1f} s"
    ]
    if report.removed:
        parts.append(
            f"Removed {len(report.removed)} PDF{'s' if len(report.removed) != 1 else ''} "
            "of handouts that no longer exist"
        )
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
@click.option(
    "--force",
    is_flag=True,
    help="Make every PDF again, even those that are up to date.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    show_default="the number of cores",
    help="How many PDFs to make at once.",
)
def build_command(
    project: Path, only: tuple[str, ...], write_html: bool, force: bool, jobs: int | None
) -> None:
    """Build every handout into build/<lang>/<slug>.pdf.

    Checks run first, on every handout: a handout with errors is not built and its
    previous PDF is kept; warnings are printed and the handout is built. Only PDFs whose
    sources, images, theme, settings or crisis data changed are made again (--force
    makes them all). Set SOURCE_DATE_EPOCH to build as of another date (for example, to
    reproduce an old build exactly).

    Exit codes: 0 all built, 1 content problems, 2 usage or handouts.toml problems
    (or another build of the project is running), 130 stopped with Ctrl-C.
    """

    def action() -> int:
        options = BuildOptions(
            today=build_date(os.environ),
            only=only,
            write_html=write_html,
            force=force,
            jobs=jobs or 0,
        )
        with stop_on_signals() as stop, progress_bar() as progress:
            report = build(project, options, progress, stop)
        print_problems(report.problems)
        click.echo(summarize(report, project))
        return 0 if report.ok else 1

    run(action)


def entry(argv: list[str] | None = None) -> Any:  # pragma: no cover - console helper
    return main.main(args=argv if argv is not None else sys.argv[1:])
