"""Faults while writing: a full disk, Ctrl-C, and a build killed outright.

Each runs the real command in a subprocess (``python -m clinic_handouts build``), so the
tests hold however the build spreads its work over processes. What must hold: the
previous PDFs are intact, no truncated or temporary file remains, the user sees a clear
message (no traceback), and the next build recovers by itself.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CLI, EPOCH, ProjectFactory, handout, pdf_pages

COUNT = 8  # enough handouts that an interrupt lands with some still to build
# (standard edition only: large print would double the work without testing more)
ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
COMMAND = [sys.executable, "-m", "clinic_handouts", "build", "--project"]


def first_build(make_project: ProjectFactory, cli: CLI) -> tuple[Path, dict[str, bytes]]:
    """A project built once (version 1), then edited to version 2; the old PDF bytes."""
    files = {
        f"handouts/en/h{n}.md": handout(f"Version one {n}", large_print="false")
        for n in range(COUNT)
    }
    root = make_project(files)
    assert cli("build", "--project", root).exit_code == 0
    old = {p.name: p.read_bytes() for p in (root / "build/en").glob("*.pdf")}
    assert len(old) == COUNT
    for n in range(COUNT):
        (root / f"handouts/en/h{n}.md").write_text(handout(f"Version two {n}", large_print="false"))
    return root, old


def assert_whole(root: Path, old: dict[str, bytes]) -> list[str]:
    """Every PDF is the old one or a complete new one; no temporary file is left.
    Returns the names that were rebuilt."""
    folder = root / "build/en"
    assert sorted(p.name for p in folder.iterdir()) == sorted(old), "left-over files"
    rebuilt = []
    for name, before in old.items():
        now = (folder / name).read_bytes()
        if now != before:
            n = name.removeprefix("h").removesuffix(".pdf")
            assert f"Version two {n}" in pdf_pages(folder / name)[0]  # parses: complete
            rebuilt.append(name)
    return rebuilt


def assert_recovers(root: Path) -> None:
    again = subprocess.run(
        [*COMMAND, str(root)], capture_output=True, text=True, env=ENV, timeout=300, check=False
    )
    assert again.returncode == 0, again.stderr
    folder = root / "build/en"
    assert not [p for p in folder.iterdir() if p.suffix != ".pdf"]
    for n in range(COUNT):
        assert f"Version two {n}" in pdf_pages(folder / f"h{n}.pdf")[0]


def limit_file_size() -> None:
    """In the child: files may not grow past 4 KB, as on a full disk. The kernel then
    fails the write with EFBIG instead of killing the process with SIGXFSZ."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_disk_full_is_a_message_and_keeps_previous_pdfs(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root, old = first_build(make_project, cli)
    full = subprocess.run(
        [*COMMAND, str(root)],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
        preexec_fn=limit_file_size,
        check=False,
    )
    assert full.returncode == 1
    assert "Traceback" not in full.stderr
    assert "error: disk-full: cannot write this file, the disk is full: free space and " in (
        full.stderr
    )
    assert f"{root / 'build/en'}/h" in full.stderr  # names the file it could not write
    # Every handout is counted, and the summary says what happened (it used to end at the
    # first file it could not write, with no summary and no catalogue).
    assert full.stdout.startswith(f"Built 0 PDFs, 0 up to date, {COUNT} failed, in "), full.stdout
    assert assert_whole(root, old) == []  # nothing fits in 4 KB: every old PDF is kept
    assert_recovers(root)


def wait_for_a_new_pdf(root: Path, old: dict[str, bytes], build: subprocess.Popen[str]) -> None:
    """Return once the running build has replaced at least one PDF."""
    deadline = time.monotonic() + 300  # a guard, not a speed test
    folder = root / "build/en"
    while time.monotonic() < deadline:
        assert build.poll() is None, "the build ended before it could be interrupted"
        for name, before in old.items():
            path = folder / name
            if path.stat().st_size != len(before) or path.read_bytes() != before:
                return
        time.sleep(0.005)
    pytest.fail("the build wrote no PDF")


def answer_ctrl_c() -> None:
    """In the child: Ctrl-C does what it does in a terminal. A test run started in the
    background by a script ignores SIGINT, and children inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt_mid_build(root: Path, old: dict[str, bytes], how: str) -> tuple[int, str]:
    """Start a build, signal it once it has replaced a PDF; (return code, stderr).

    On a loaded machine the build may finish before the signal lands; then every PDF
    must predate the signal (the build did not carry on after it), and the caller
    tries again.
    """
    # A session of its own, so the signal goes to the build's whole process group, as
    # Ctrl-C in a terminal does (worker processes included).
    build = subprocess.Popen(
        [*COMMAND, str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        start_new_session=True,
        preexec_fn=answer_ctrl_c,
    )
    try:
        wait_for_a_new_pdf(root, old, build)
        signalled_at = time.time_ns()
        os.killpg(build.pid, signal.SIGINT if how == "ctrl-c" else signal.SIGKILL)
        _, stderr = build.communicate(timeout=300)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    if build.returncode == 0:
        latest = max(p.stat().st_mtime_ns for p in (root / "build/en").glob("*.pdf"))
        assert latest <= signalled_at, "the build carried on after the signal"
    return build.returncode, stderr


@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
def test_interrupted_build_leaves_whole_pdfs_and_the_next_build_recovers(
    make_project: ProjectFactory, cli: CLI, how: str
) -> None:
    root, old = first_build(make_project, cli)
    for _attempt in range(5):
        code, stderr = interrupt_mid_build(root, old, how)
        if code != 0:
            break
        # Finished before the signal landed: start again from version one.
        for n in range(COUNT):
            (root / f"handouts/en/h{n}.md").write_text(
                handout(f"Version one {n}", large_print="false")
            )
        assert cli("build", "--project", root).exit_code == 0
        old = {p.name: p.read_bytes() for p in (root / "build/en").glob("*.pdf")}
        for n in range(COUNT):
            (root / f"handouts/en/h{n}.md").write_text(
                handout(f"Version two {n}", large_print="false")
            )
    if how == "ctrl-c":
        assert code == 130, stderr
        assert "Traceback" not in stderr
        assert "Stopped before the end. PDFs already written are complete" in stderr
        rebuilt = assert_whole(root, old)
        assert 1 <= len(rebuilt) < COUNT  # it stopped in the middle
    else:
        assert code == -signal.SIGKILL
        # Killed between writing and renaming, a temporary file may remain: the next
        # build removes it. Every PDF that is there is whole.
        for pdf in (root / "build/en").glob("*.pdf"):
            assert pdf_pages(pdf)
    assert_recovers(root)
