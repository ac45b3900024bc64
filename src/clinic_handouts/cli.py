"""The ``handouts`` command line: parse flags, call one function, report.

Each command is a few lines: it turns flags into options, calls the core (which never
imports click), prints problems compiler-style and exits 0 (success), 1 (content or build
problems) or 2 (usage or config errors). A user mistake never shows a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import click

from clinic_handouts.build.warm_start import start_renderer_early
from clinic_handouts.errors import HandoutError, Problem
from clinic_handouts.project.clock import build_date
from clinic_handouts.project.config import PAPER_SIZES

if TYPE_CHECKING:
    from clinic_handouts.build.plan import Progress
    from clinic_handouts.desk.store import Store
    from clinic_handouts.project.load import Project

# What only one command needs (the report's PDF reader, the email checks) is imported
# inside that command, so `handouts build` does not pay for it at every start. The build
# itself is imported only after the renderer has started loading (build/warm_start.py).

INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C

project_option = click.option(
    "--project",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default="the current folder",
    help="The clinic project folder (holds handouts.toml).",
)


def listen_options(port: int, host_help: str) -> Callable[[Callable[..., None]], Any]:
    """--port and --host of a command that serves pages (serve, desk): the same port range
    and the same default address, this computer only."""

    def decorate(command: Callable[..., None]) -> Any:
        host = click.option("--host", default="127.0.0.1", show_default=True, help=host_help)
        ports = click.IntRange(0, 65535)
        where = "The port to serve on (0: any free port)."
        return click.option("--port", type=ports, default=port, show_default=True, help=where)(
            host(command)
        )

    return decorate


class HandedOut(Protocol):
    """What ``handouts email`` and ``handouts print`` say when they are done."""

    @property
    def warnings(self) -> Sequence[Problem]: ...

    @property
    def text(self) -> str: ...


def hand_out(root: Path, check: Callable[[], None], send: Callable[..., HandedOut]) -> int:
    """email and print: what was typed is checked before the project is read (a typing
    mistake is said first); then the project is loaded once and the hand-out sent, with
    the build date, the environment and where progress lines go."""
    check()
    today = build_date(os.environ)
    result = send(
        load(root, today),
        today=today,
        environ=os.environ,
        progress=lambda line: click.echo(line, err=True),
    )
    print_problems(result.warnings)
    click.echo(result.text)
    return 0


def load(root: Path, today: dt.date) -> Project:
    """The project, loaded once per command here and passed to the command's function,
    which passes it on (to the build, for email and print): nothing loads it again."""
    from clinic_handouts.project.load import load_project

    return load_project(root, today)


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
        # Ctrl-C or SIGTERM: every PDF is written whole or not at all (build/atomic.py), so
        # say so and exit like an interrupted shell command does.
        click.echo(
            "\nStopped before the end. PDFs already written are complete; the others were "
            "left as they were. Run the same command again to finish.",
            err=True,
        )
        raise SystemExit(INTERRUPTED) from None
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
    metavar="ID|FILE",
    help="Build only this handout: its id (all its languages) or its file, like "
    "handouts/en/sleep.md (also one whose front matter has errors). Repeatable.",
)
@click.option(
    "--lang",
    "langs",
    multiple=True,
    metavar="LANG",
    help="Build only the handouts in this language (like es). Repeatable.",
)
@click.option(
    "--html",
    "write_html",
    is_flag=True,
    help="Also write the print HTML beside each PDF, for checking styles.",
)
@click.option(
    "--paper",
    type=click.Choice(PAPER_SIZES, case_sensitive=False),
    default=None,
    help="Paper size for this build only; overrides [print] paper in handouts.toml.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Make every PDF again, even those that are up to date.",
)
@click.option(
    "--print-shop",
    "print_shop",
    is_flag=True,
    help="Also write build/print-shop/: copies with bleed and crop marks for a print shop.",
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
    project: Path,
    only: tuple[str, ...],
    langs: tuple[str, ...],
    write_html: bool,
    paper: str | None,
    force: bool,
    print_shop: bool,
    jobs: int | None,
) -> None:
    """Build every handout into build/<lang>/<slug>.pdf (and .large-print.pdf).

    Checks run first, on every handout: a handout with errors is not built and its
    previous PDF is kept; warnings are printed and the handout is built. Only PDFs whose
    sources, images, theme, settings or crisis data changed are made again (--force
    makes them all). Set SOURCE_DATE_EPOCH to build as of another date (for example, to
    reproduce an old build exactly).

    Exit codes: 0 all built, 1 content problems, 2 usage or handouts.toml problems
    (or another build of the project is running), 130 stopped with Ctrl-C.
    """

    def action() -> int:
        # First, before the rest of the tool loads: it runs alongside on another core.
        start_renderer_early(project, jobs or 0, force)
        from clinic_handouts.build.plan import BuildOptions
        from clinic_handouts.build.run import build
        from clinic_handouts.build.summary import summarize

        today = build_date(os.environ)
        loaded = load(project, today)
        options = BuildOptions(
            today=today,
            only=only,
            write_html=write_html,
            langs=langs,
            paper=paper.lower() if paper else None,
            force=force,
            jobs=jobs or 0,
            print_shop=print_shop,
        )
        with stop_on_signals() as stop, progress_bar() as progress:
            report = build(loaded, options, progress, stop)
        print_problems(report.problems)
        click.echo(summarize(report, project))
        return 0 if report.ok else 1

    run(action)


def echo_json(problems: Sequence[Problem]) -> None:
    """Only JSON goes to stdout, so other programs can read it."""
    click.echo(json.dumps([p.as_json() for p in sorted(problems)], indent=2))


@main.command("check")
@project_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per problem, then a summary. json: a list of problems on stdout.",
)
@click.option("--strict", is_flag=True, help="Exit with 1 on warnings too, not only errors.")
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="ID|FILE",
    help="Check only this handout: its id (all its languages) or its file, like "
    "handouts/en/sleep.md (also one whose front matter has errors). Repeatable.",
)
@click.option(
    "--report",
    "with_report",
    is_flag=True,
    help="Also show a table of every handout (reading level, words, pages, review "
    "dates, problems) and write it to build/handouts-report.csv.",
)
def check_command(
    project: Path, output_format: str, strict: bool, only: tuple[str, ...], with_report: bool
) -> None:
    """Check every handout without building: crisis contacts, review dates, reading
    level, images and links, wording. The build runs the same checks first.

    Exit codes: 0 no errors, 1 errors (or warnings, with --strict), 2 usage or
    handouts.toml problems.
    """
    as_json = output_format == "json"

    def action() -> int:
        from clinic_handouts.checks.run import CheckOptions, check_project, summary

        options = CheckOptions(today=build_date(os.environ), only=only)
        try:
            result = check_project(load(project, options.today), options)
        except HandoutError as exc:
            if not as_json:
                raise
            echo_json(exc.problems)
            return exc.exit_code
        if as_json:
            echo_json(result.problems)
        else:
            for problem in result.problems:
                click.echo(problem.format())
        if with_report:
            from clinic_handouts.checks.report import report_for

            table, written = report_for(result)
            if not as_json:  # stdout holds only JSON then
                click.echo("\n" + table + "\n")
            click.echo(written, err=as_json)
        click.echo(summary(result, strict), err=as_json)
        return result.exit_code(strict)

    run(action)


@main.command("email")
@project_option
@click.argument("handout_id", metavar="ID")
@click.option(
    "--to",
    "to",
    multiple=True,
    required=True,
    metavar="ADDRESS",
    help="The patient's email address (exactly one).",
)
@click.option("--lang", metavar="LANG", help="The handout's language (default: the project's).")
@click.option("--large-print", is_flag=True, help="Send the large-print edition.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
@click.option(
    "--eml",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the message as a draft .eml file for your mail program; send nothing. "
    "A file name alone goes into ~/handout-drafts/; never inside the project folder.",
)
@click.option(
    "--confirm-address",
    is_flag=True,
    help="You checked with the patient an address whose part after the @ has letters "
    "other than plain a-z (look-alike letters send to a stranger).",
)
def email_command(
    project: Path,
    handout_id: str,
    to: tuple[str, ...],
    lang: str | None,
    large_print: bool,
    dry_run: bool,
    eml: Path | None,
    confirm_address: bool,
) -> None:
    """Email the handout ID to one patient as a PDF, with a short note in its language.

    Builds the handout first if needed, and refuses one with errors, an overdue review
    or stale crisis data. The mail server is set in [email] in handouts.toml; its
    password comes only from the environment variable HANDOUTS_SMTP_PASSWORD.

    Exit codes: 0 sent (or shown, or drafted), 1 not sent, 2 usage or handouts.toml problems.
    """

    def action() -> int:
        from clinic_handouts.mail.deliver import EmailRequest, check_request, email_handout

        request = EmailRequest(handout_id, to, lang, large_print, dry_run, eml, confirm_address)
        return hand_out(
            project,
            lambda: check_request(request, project, os.environ),
            functools.partial(email_handout, request=request),
        )

    run(action)


@main.command("print")
@project_option
@click.argument("handout_ids", metavar="ID...", nargs=-1)
@click.option(
    "--printer",
    "printer",
    required=True,
    metavar="NAME",
    help="The printer, as named in [printers.NAME] in handouts.toml.",
)
@click.option(
    "--copies",
    type=click.IntRange(1, 99),
    default=1,
    show_default=True,
    help="How many copies of each document (collated).",
)
@click.option("--lang", metavar="LANG", help="The handouts' language (default: the project's).")
@click.option("--large-print", is_flag=True, help="Print the large-print edition.")
@click.option("--trifold", is_flag=True, help="Print the tri-fold brochure edition.")
@click.option(
    "--one-sided", is_flag=True, help="Print on one side of the paper only, for this command."
)
@click.option("--rack", metavar="NAME", help="Print the restock pack of racks/NAME.toml.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
def print_command(
    project: Path,
    handout_ids: tuple[str, ...],
    printer: str,
    copies: int,
    lang: str | None,
    large_print: bool,
    trifold: bool,
    one_sided: bool,
    rack: str | None,
    dry_run: bool,
) -> None:
    """Print handouts (or a rack's restock pack) on a printer set up in handouts.toml.

    Builds what is not current first, and refuses a handout with errors, an overdue
    review or stale crisis data, as 'handouts email' does. Each document is one job,
    double-sided unless --one-sided or the printer's double_sided = false. A paused or
    rejecting printer is refused before anything is sent.

    Exit codes: 0 sent (or shown), 1 not printed, 2 usage or handouts.toml problems.
    """

    def action() -> int:
        from clinic_handouts.printing.send import PrintRequest, check_request, print_handouts

        request = PrintRequest(
            handout_ids, printer, copies, lang, large_print, trifold, one_sided, dry_run, rack
        )
        return hand_out(
            project,
            lambda: check_request(request),
            functools.partial(print_handouts, request=request),
        )

    run(action)


@main.command("serve")
@project_option
@listen_options(
    port=8000,
    host_help="The address to serve on. Only this computer can open 127.0.0.1; any other "
    "address lets other computers on the network see drafts.",
)
def serve_command(project: Path, port: int, host: str) -> None:
    """Preview the handouts in your browser while you write.

    Builds everything, then serves the catalogue, an HTML preview of each handout and
    its PDFs at http://127.0.0.1:8000/. When you save a file in handouts/, templates/
    or styles/, what changed is rebuilt and the page reloads; a mistake is shown on the
    page, and the last good PDF stays available. Stop with Ctrl+C.
    """
    from clinic_handouts.serve import server as serve

    run(lambda: serve.run(project, host=host, port=port, log=click.echo))


@main.command("desk")
@project_option
@listen_options(port=8080, host_help="The address to serve on.")
@click.option(
    "--certfile", type=click.Path(dir_okay=False, path_type=Path), help="TLS certificate."
)
@click.option("--keyfile", type=click.Path(dir_okay=False, path_type=Path), help="TLS key.")
@click.option(
    "--behind-tls-proxy",
    "proxy",
    is_flag=True,
    help="A TLS proxy (HTTPS) is in front of the desk: needed for another --host without TLS.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="A host name staff reach the desk by (the TLS proxy's or certificate's); "
    "repeat for more. Any other name is refused.",
)
def desk_command(
    project: Path,
    host: str,
    port: int,
    certfile: Path | None,
    keyfile: Path | None,
    proxy: bool,
    allowed_hosts: tuple[str, ...],
) -> None:
    """The front desk in a browser: staff sign in to find, email and print handouts.

    Serves on 127.0.0.1 (this computer only) unless --host says otherwise; another
    address needs --certfile and --keyfile, or --behind-tls-proxy. Add staff first
    with 'handouts users add NAME --role front-desk'.
    """
    from clinic_handouts.desk.run import run as run_desk

    run(lambda: run_desk(project, host, port, certfile, keyfile, proxy, click.echo, allowed_hosts))


def _ask_password() -> tuple[str, str]:
    """The new password typed twice on a terminal, or one line of standard input (a
    script gives it once); desk/users.py checks it."""
    if sys.stdin.isatty():
        first = click.prompt("Password", hide_input=True)
        return str(first), str(click.prompt("Password again", hide_input=True))
    line = sys.stdin.readline().rstrip("\r\n")
    return line, line


@main.group("users")
def users_group() -> None:
    """Staff accounts of the front desk (handouts desk), stored in desk.sqlite."""


UserAction = Callable[..., str]


def _users_command(verb: str) -> Callable[[UserAction], click.Command]:
    """``handouts users VERB NAME``: the action gets the desk's store and the user's
    name, and returns the line to print; a refusal of the account rules (desk/users.py)
    is shown as click's own usage error: "Usage: ...", "Error: <message>", exit 2."""

    def decorate(act: UserAction) -> click.Command:
        @functools.wraps(act)  # the docstring is the help; the options act declared stay
        def command(project: Path, name: str, **options: Any) -> None:
            from clinic_handouts.desk.store import Store
            from clinic_handouts.errors import UsageError

            def action() -> int:
                try:
                    click.echo(act(Store(project), name, **options))
                except UsageError as refused:
                    message = "; ".join(problem.message for problem in refused.problems)
                    raise click.UsageError(message) from None
                return 0

            run(action)

        return users_group.command(verb)(project_option(click.argument("name")(command)))

    return decorate


@_users_command("add")
@click.option("--role", type=click.Choice(["front-desk", "admin"]), required=True)
def users_add(store: Store, name: str, role: str) -> str:
    """Add a staff member. The password is asked twice (or read from standard input)."""
    from clinic_handouts.desk.users import add_user

    return add_user(store, name, role, _ask_password)


@_users_command("remove")
def users_remove(store: Store, name: str) -> str:
    """Remove a staff member and end their sessions."""
    from clinic_handouts.desk.users import remove_user

    return remove_user(store, name)


@_users_command("passwd")
def users_passwd(store: Store, name: str) -> str:
    """Set a new password (and end that user's sessions)."""
    from clinic_handouts.desk.users import change_password

    return change_password(store, name, _ask_password)


@main.command("records")
@project_option
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="From this day on.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
def records_command(project: Path, since: Any, fmt: str) -> None:
    """The education record: every handout the desk printed or emailed, as CSV or JSON."""
    from clinic_handouts.desk.records import export_records
    from clinic_handouts.desk.store import Store

    def action() -> int:
        # The rows as stored, straight to stdout: click.echo would strip terminal escapes.
        export_records(Store(project), since.date() if since else None, fmt, sys.stdout)
        return 0

    run(action)


@main.command("new")
@project_option
@click.argument("slug")
@click.option("--lang", "lang", metavar="CODE", help="Language folder (default: the project's).")
@click.option("--title", "title", help="The handout's title (default: made from SLUG).")
def new_command(project: Path, slug: str, lang: str | None, title: str | None) -> None:
    """Start a new handout: handouts/<lang>/SLUG.md with its front matter.

    SLUG is the file name: lowercase words joined by hyphens, like panic-attacks.
    reviewed_on is left for the clinical reviewer; the handout is not built until it is
    filled in. An existing file is never replaced.
    """
    from clinic_handouts.project.config import load_config
    from clinic_handouts.project.scaffold import new_handout

    def action() -> int:
        # handouts.toml only: a new file needs no other handout read.
        made = new_handout(load_config(project.resolve()), slug, lang, title)
        click.echo(f"Wrote {made.rel}.")
        for note in made.notes:
            click.echo(note)
        click.echo(
            "Next: write the text, preview it with 'handouts serve', then ask the "
            "clinical reviewer to check it and fill in reviewed_on."
        )
        return 0

    run(action)


@main.command("import")
@project_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--lang", "lang", metavar="CODE", help="Language folder (default: the project's).")
def import_command(project: Path, files: tuple[Path, ...], lang: str | None) -> None:
    """Turn Word files (.docx) into handouts: handouts/<lang>/<slug>.md for each.

    The title, headings, bold and italic, lists, tables, links and pictures (with their
    descriptions) come across; pictures go into handouts/<lang>/images/. reviewed_on is
    left for the clinical reviewer, so nothing is built until it is filled in. Then every
    check runs on the new handouts and their problems are printed, like 'handouts check'.

    Nothing is written if any file cannot be imported (a .doc, a PDF, a damaged or
    password-protected file) or would replace an existing file.

    Exit codes: 0 imported (problems found in the new handouts are printed for you to
    fix), 2 nothing imported: a file was refused, or usage or handouts.toml problems.
    """
    from clinic_handouts.importing.run import ImportOptions, import_files, said

    def action() -> int:
        options = ImportOptions(lang, build_date(os.environ))
        report = import_files(load(project, options.today), files, options)
        for line in said(report):
            click.echo(line)
        return 0

    run(action)


@main.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
def init_command(directory: Path) -> None:
    """Create a new clinic project in DIRECTORY, ready to build.

    Writes handouts.toml (with notes on every setting), one example handout, empty
    templates/ and styles/ folders for your own look, and a .gitignore. Existing files
    are never replaced.
    """
    from clinic_handouts.project.scaffold import init_project

    def action() -> int:
        written = init_project(directory, build_date(os.environ))
        click.echo(f"Created a clinic project in {directory}:")
        for rel in written:
            click.echo(f"  {rel}")
        click.echo(
            "\nNext steps:\n"
            f"  1. Open {directory / 'handouts.toml'} and put in your clinic's name, phone,\n"
            "     region and disclaimer (the values marked placeholder). Nothing is built\n"
            "     while the example name or phone is there.\n"
            f"  2. cd {directory}\n"
            "  3. handouts build           builds build/en/*.pdf and the catalogue,\n"
            "                              build/index.html (open it in a browser)\n"
            "  4. handouts serve           preview while you write: http://127.0.0.1:8000/\n"
            "  5. handouts new my-handout  start your first handout"
        )
        return 0

    run(action)


def entry(argv: list[str] | None = None) -> Any:  # pragma: no cover - console helper
    return main.main(args=argv if argv is not None else sys.argv[1:])
