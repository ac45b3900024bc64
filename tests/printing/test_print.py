"""``handouts print`` against a real CUPS scheduler and a real IPP Everywhere printer.

What the printer received is read back over IPP (ipptool Get-Jobs) and from the file it
kept; refusals are proven by the job counts not moving.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import CLI, CONFIG, ProjectFactory, folded, handout, stamped
from tests.helpers.cups import Cups, free_port, run

LONG_BODY = "\n".join(
    f"## Part {n}\n\nYou can rest. Sleep helps you feel well.\n" for n in range(30)
)


def project_with(
    make_project: ProjectFactory, cups: Cups, extra: str = "", **keys: str | bool
) -> Path:
    return make_project(
        {
            "handouts/en/sleep.md": handout("Sleep well", body=LONG_BODY),
            "handouts/en/stress.md": handout("Less stress"),
        },
        config=CONFIG + extra + cups.config(**keys),
    )


def nothing_sent(cli: CLI, cups: Cups, *args: str | Path, code: int = 1) -> str:
    """``handouts print ARGS`` ends with ``code``, without a traceback, and no job reached
    the printer: its output."""
    before = cups.job_count()
    result = cli("print", *args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert cups.job_count() == before
    return result.output


def spooled_text(path: Path) -> list[str]:
    return [folded(page.extract_text() or "") for page in PdfReader(path).pages]


def test_copies_duplex_and_paper_reach_the_printer(
    make_project: ProjectFactory, cli: CLI, cups: Cups
) -> None:
    root = project_with(make_project, cups)
    before_queue, before_printer = cups.job_count()
    result = cli("print", "sleep", "--printer", "front", "--copies", "3", "--project", root)
    assert result.exit_code == 0, result.output
    assert "Sent 'Sleep well' (en, standard edition, reviewed 2026-10-01) to front" in result.output
    assert "3 copies, collated, two-sided (long edge), na_letter_8.5x11in" in result.output
    assert "The printer front is " in result.output
    # What CUPS was asked for (newest job first)...
    job = cups.scheduler_jobs()[0]
    assert len(cups.scheduler_jobs()) == before_queue + 1
    assert f"job {cups.queue}-{job['job-id']}," in result.output
    assert job["copies"] == 3
    assert job["sides"] == "two-sided-long-edge"
    assert job["media"] == "na_letter_8.5x11in"
    assert job["multiple-document-handling"] == "separate-documents-collated-copies"
    assert job["document-format"] == "application/pdf"
    # ...and what the printer itself received from CUPS.
    files = cups.wait_for_printed(before_printer + 1)
    printed = cups.printer_jobs()[0]
    assert printed["copies"] == 3
    assert printed["sides"] == "two-sided-long-edge"
    assert printed["media-col"]["media-size"] == {"x-dimension": 21590, "y-dimension": 27940}
    pages = spooled_text(files[-1])
    assert len(pages) == len(PdfReader(root / "build/en/sleep.pdf").pages) > 1
    for text in pages:  # the stamp on every printed page
        assert stamped(text)


def test_one_sided_on_a4_and_one_job_per_handout(
    make_project: ProjectFactory, cli: CLI, cups: Cups
) -> None:
    config_a4 = '\n[print]\npaper = "a4"\n'
    root = project_with(make_project, cups, extra=config_a4)
    before, _ = cups.job_count()
    result = cli("print", "sleep", "stress", "--printer", "front", "--one-sided", "--project", root)
    assert result.exit_code == 0, result.output
    jobs = cups.scheduler_jobs()
    assert len(jobs) == before + 2
    assert {j["job-name"] for j in jobs[:2]} == {"Sleep well", "Less stress"}
    for job in jobs[:2]:
        assert job["sides"] == "one-sided"
        assert job["media"] == "iso_a4_210x297mm"
        assert job.get("copies", 1) == 1


def test_printer_set_to_one_sided_prints_one_sided(
    make_project: ProjectFactory, cli: CLI, cups: Cups
) -> None:
    root = project_with(make_project, cups, double_sided=False)
    result = cli("print", "stress", "--printer", "front", "--project", root)
    assert result.exit_code == 0, result.output
    assert cups.scheduler_jobs()[0]["sides"] == "one-sided"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"handouts/en/old.md": handout("Old", reviewed_on="2022-01-01")},
            "handouts/en/old.md:3: error: review-overdue:",
        ),
        (
            {"handouts/en/old.md": handout("Old", body="Call 1-800-273-8255 tonight.\n")},
            "handouts/en/old.md:6: error: outdated-crisis-contact:",
        ),
    ],
    ids=["review-overdue", "outdated-contact"],
)
def test_handout_that_must_not_reach_a_patient_is_not_printed(
    make_project: ProjectFactory, cli: CLI, cups: Cups, files: dict[str, str], expected: str
) -> None:
    root = make_project(
        {**files, "handouts/en/fine.md": handout("Fine")}, config=CONFIG + cups.config()
    )
    # With a good handout first on the line: a command prints all or nothing.
    output = nothing_sent(cli, cups, "fine", "old", "--printer", "front", "--project", root)
    assert expected in output
    assert "error: not-printed: 'Old' (handouts/en/old.md) was not printed" in output


def test_stale_crisis_data_is_not_printed(
    make_project: ProjectFactory, cli: CLI, cups: Cups
) -> None:
    stale = CONFIG.replace(
        'region = "US"\n',
        'region = "US"\nverified_on = 2025-01-01\nverified_by = "Reviewer (placeholder)"\n',
    )
    root = make_project({"handouts/en/fine.md": handout("Fine")}, config=stale + cups.config())
    output = nothing_sent(cli, cups, "fine", "--printer", "front", "--project", root)
    assert "handouts.toml: error: crisis-data-stale:" in output


def test_paused_queue_is_refused_before_anything_is_sent(
    make_project: ProjectFactory, cli: CLI, cups: Cups
) -> None:
    root = project_with(make_project, cups)
    cups.disable("Out of paper")
    try:
        output = nothing_sent(cli, cups, "stress", "--printer", "front", "--project", root)
    finally:
        cups.enable()
    assert "error: printer-stopped: the printer front (CUPS queue front-desk) is stopped" in output
    assert "Nothing was sent" in output and "cupsenable front-desk" in output


def test_rejecting_queue_is_refused_before_anything_is_sent(
    make_project: ProjectFactory, cli: CLI, cups: Cups
) -> None:
    root = project_with(make_project, cups)
    assert run("cupsreject", "-h", cups.address, cups.queue).returncode == 0
    try:
        output = nothing_sent(cli, cups, "stress", "--printer", "front", "--project", root)
    finally:
        assert run("cupsaccept", "-h", cups.address, cups.queue).returncode == 0
    assert "error: printer-rejecting:" in output and "not accepting jobs" in output


def test_job_the_scheduler_refuses_is_a_clear_error(
    make_project: ProjectFactory, cli: CLI, cups: Cups, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project_with(make_project, cups)
    # The queue is up and accepting, but this user may not print on it: CUPS refuses the
    # Print-Job request itself. (CUPS always lets root print, so print as another name.)
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "frontdesk")
    assert (
        run("lpadmin", "-h", cups.address, "-p", cups.queue, "-u", "deny:frontdesk").returncode == 0
    )
    try:
        output = nothing_sent(cli, cups, "stress", "--printer", "front", "--project", root)
    finally:
        assert (
            run("lpadmin", "-h", cups.address, "-p", cups.queue, "-u", "allow:all").returncode == 0
        )
    assert (
        "error: print-refused: 'Less stress' (en, standard edition, reviewed 2026-10-01) was "
        "not printed: the printing system refused the job (client-error-"
    ) in output
    assert "Nothing was sent." in output


def test_unknown_queue_is_a_config_error_at_its_line(
    make_project: ProjectFactory, cli: CLI, cups: Cups
) -> None:
    config = CONFIG + cups.config().replace(f'"{cups.queue}"', '"front-dsk"')
    root = make_project({"handouts/en/fine.md": handout("Fine")}, config=config)
    output = nothing_sent(cli, cups, "fine", "--printer", "front", "--project", root, code=2)
    line = config.splitlines().index('queue = "front-dsk"') + 1
    assert (
        f"handouts.toml:{line}: error: config: printers.front.queue: CUPS at {cups.address} "
        "has no queue 'front-dsk' (did you mean front-desk?)"
    ) in output


def test_dry_run_shows_the_job_and_sends_nothing(
    make_project: ProjectFactory, cli: CLI, cups: Cups
) -> None:
    root = project_with(make_project, cups)
    args = ("sleep", "--printer", "front", "--copies", "2", "--dry-run", "--project", root)
    output = nothing_sent(cli, cups, *args, code=0)
    assert "Dry run: nothing was sent" in output
    assert (
        "copies=2, multiple-document-handling=separate-documents-collated-copies, "
        "sides=two-sided-long-edge, media=na_letter_8.5x11in"
    ) in output


# --- without a printer ---------------------------------------------------------------------


def print_fine(
    make_project: ProjectFactory, cli: CLI, table: str, code: int, printer: str = "front"
) -> tuple[str, str]:
    """``handouts print fine --printer PRINTER`` with ``table`` as ``[printers.front]`` and
    no CUPS behind it ends with exit code ``code``: (handouts.toml, the output)."""
    config = CONFIG + f"\n[printers.front]\n{table}\n"
    root = make_project({"handouts/en/fine.md": handout("Fine")}, config=config)
    result = cli("print", "fine", "--printer", printer, "--project", root)
    assert result.exit_code == code, result.output
    return config, result.output


def test_cups_server_that_is_not_running_is_a_clear_error(
    make_project: ProjectFactory, cli: CLI
) -> None:
    nobody = f"127.0.0.1:{free_port()}"
    _config, output = print_fine(make_project, cli, f'queue = "front-desk"\nserver = "{nobody}"', 1)
    assert (
        f"error: printer-unreachable: cannot reach the printing system (CUPS) at {nobody}: "
        "the connection was refused"
    ) in output
    assert "Nothing was sent" in output and "Traceback" not in output


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('qeue = "front-desk"', "printers.front.qeue: unknown key (did you mean queue?)"),
        ('queue = "front desk"', "printers.front.queue: expected a CUPS queue name"),
        (
            'queue = "a"\ndouble_sided = "yes"',
            "printers.front.double_sided: expected true or false",
        ),
        ('queue = "a"\npaper = "legal"', "printers.front.paper: expected 'letter' or 'a4'"),
        ('queue = "a"\nserver = "http://x"', "printers.front.server: expected a host name"),
    ],
)
def test_printer_settings_are_checked_with_their_line(
    make_project: ProjectFactory, cli: CLI, table: str, expected: str
) -> None:
    config, output = print_fine(make_project, cli, table, 2)
    line = len(config.splitlines())  # the last key is the one at fault
    if "qeue" in table or "front desk" in table:
        line = config.splitlines().index(table.splitlines()[0]) + 1
    assert f"handouts.toml:{line}: error: config: {expected}" in output


def test_unknown_printer_name_suggests_the_close_one(
    make_project: ProjectFactory, cli: CLI
) -> None:
    _config, output = print_fine(make_project, cli, 'queue = "front-desk"', 2, printer="fron")
    assert (
        "error: usage: --printer fron: handouts.toml has no [printers.fron] (did you mean front?)"
        in output
    )


def test_pdf_on_other_paper_than_the_printer_holds_is_refused(
    make_project: ProjectFactory, cli: CLI
) -> None:
    # No printer is asked: the paper is checked first (this server does not exist).
    nobody = f"127.0.0.1:{free_port()}"
    table = f'queue = "q"\nserver = "{nobody}"\npaper = "a4"'
    config, output = print_fine(make_project, cli, table, 1)
    line = config.splitlines().index('paper = "a4"') + 1
    assert (
        f"handouts.toml:{line}: error: paper-mismatch: the PDF is on letter paper but front "
        "holds a4 paper"
    ) in output
    assert "error: not-printed:" in output


def test_editions_are_chosen_by_flag_and_a_missing_one_is_a_usage_error(
    make_project: ProjectFactory, cli: CLI
) -> None:
    config = CONFIG + '\n[printers.front]\nqueue = "front-desk"\n'
    root = make_project({"handouts/en/fine.md": handout("Fine")}, config=config)
    shown = cli(
        "print", "fine", "--printer", "front", "--large-print", "--dry-run", "--project", root
    )
    assert shown.exit_code == 0, shown.output
    assert "'Fine' (en, large-print edition, reviewed 2026-10-01)" in shown.output
    refused = cli("print", "fine", "--printer", "front", "--trifold", "--project", root)
    assert refused.exit_code == 2, refused.output
    assert (
        "error: usage: --trifold: handouts/en/fine.md has no trifold edition (add trifold: true "
        "to its front matter to make one)"
    ) in refused.output
