"""Progress: a bar on a terminal, nothing when the output goes to a file or a log."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from tests.conftest import EPOCH, ProjectFactory, handout


def test_progress_bar_on_a_terminal_and_a_summary_at_the_end(
    make_project: ProjectFactory,
) -> None:
    root = make_project(
        {
            "handouts/en/a.md": handout("A", large_print="false"),
            "handouts/en/b.md": handout("B", large_print="false"),
        }
    )
    terminal, stderr = pty.openpty()
    running = subprocess.Popen(
        [sys.executable, "-m", "clinic_handouts", "build", "--project", str(root)],
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    os.close(stderr)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the build closed the terminal: it is done
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    out, _ = running.communicate(timeout=120)
    assert running.returncode == 0
    bar = shown.decode()
    assert "Building" in bar and "100%" in bar
    assert out.startswith("Built 2 PDFs (2 pages, ")
    assert ", 0 up to date, 0 failed, in " in out
    assert "Building" not in out


def test_no_progress_bar_when_output_is_not_a_terminal(make_project: ProjectFactory) -> None:
    root = make_project({"handouts/en/a.md": handout("A", large_print="false")})
    done = subprocess.run(
        [sys.executable, "-m", "clinic_handouts", "build", "--project", str(root), "-j", "1"],
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert done.stderr == ""  # a log gets no bar and no stray control characters
    assert done.stdout.startswith("Built 1 PDF (1 page, ")
