"""Broken and hostile handout files: each is one clear problem naming the file (and line),
in bounded time and memory, without a traceback, and the other handouts still build.

The build runs as a real command in a subprocess, with a time-out only as a guard: a file
that made the build hang (a named pipe did) fails the test instead of stopping the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CLI, EPOCH, ProjectFactory, handout, pdf_pages


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "---\ntitle: Lol\nreviewed_on: 2026-10-01\n" + "\n".join(lines) + "\n---\nBody\n"


GOOD = handout("Good one", "This one builds.\n")
BAD: dict[str, str | bytes] = {
    "empty.md": "",
    "no-front-matter.md": "# Sleep\n\nRest well.\n",
    "latin1.md": handout(body="Caf\u00e9 de olla.\n").encode("latin-1"),
    "nul.md": handout(body="A\x00B\n"),
    "huge.md": handout(body="word " * 2_000_000),  # 10 MB
    "laughs.md": _alias_bomb(),
    "deep-yaml.md": "---\ntitle: T\nreviewed_on: 2026-10-01\ntags: " + "[" * 50_000 + "\n---\n",
    "nested-list.md": handout(body="".join("  " * i + "- x\n" for i in range(900))),
    "nested-quote.md": handout(body=">" * 100_000 + " x\n"),
    "long-line.md": handout(body="[*" * 300_000 + "\n"),
    "unclosed.md": "---\ntitle: T\nreviewed_on: 2026-10-01\nBody without a closing line.\n",
    "crlf-bad.md": "---\r\ntitle: T\r\nreviewed_on: 2026/13/01\r\n---\r\nBody\r\n",
}
EXPECTED = [
    "handouts/en/empty.md:1: error: front-matter: the file is empty",
    "handouts/en/no-front-matter.md:1: error: front-matter: no front matter",
    "handouts/en/latin1.md:6: error: source: the file is not UTF-8 text (byte 0xe9)",
    "handouts/en/nul.md:6: error: source: the file contains a NUL byte",
    "handouts/en/huge.md: error: source: the file is 10,000 KB",
    "handouts/en/laughs.md:4: error: front-matter: YAML anchors and aliases",
    "handouts/en/deep-yaml.md:4: error: front-matter: the front matter is nested too deeply",
    "handouts/en/nested-list.md:26: error: too-complex: lists, quotes or call-out boxes",
    "handouts/en/nested-quote.md:6: error: too-complex: lists, quotes or call-out boxes",
    "handouts/en/long-line.md:6: error: too-complex: the text has more than 8,000",
    "handouts/en/unclosed.md:1: error: front-matter: the front matter is not closed",
    "handouts/en/crlf-bad.md:3: error: front-matter: reviewed_on: expected YYYY-MM-DD",
    "handouts/en/folder.md: error: source: this is a folder, not a handout file",
    "handouts/en/pipe.md: error: source: this is a special file (such as a named pipe)",
    "handouts/en/outside.md: error: blocked-resource: this file is a link to a file outside",
    "handouts/en/loop.md: error: source: this file is a link that leads nowhere",
]


# Runs `handouts build` and, as it exits, writes its peak memory (VmHWM) to PEAK_FILE.
# The kernel's rusage figures would not do: they count the pages the test process shared
# with the child between fork and exec, and a test process grows over a whole run.
_MEASURED = """
import atexit, os, runpy, sys

def peak():
    with open("/proc/self/status") as status, open(os.environ["PEAK_FILE"], "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM:")).split()[1])

atexit.register(peak)
sys.argv[0] = "handouts"
runpy.run_module("clinic_handouts", run_name="__main__", alter_sys=True)
"""


def run_build(root: Path, peak_file: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """The build's result, and the peak memory in MB of the build's own process (where
    every handout file is read and parsed)."""
    result = subprocess.run(
        [sys.executable, "-c", _MEASURED, "build", "--project", str(root)],
        capture_output=True,
        text=True,
        timeout=180,  # a guard against hanging, not a speed test (that is benchmarks/)
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PEAK_FILE": str(peak_file)},
        check=False,
    )
    return result, int(peak_file.read_text()) / 1024


def test_every_bad_file_is_one_clear_problem_and_the_rest_build(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    files: dict[str, str | bytes] = {f"handouts/en/{name}": text for name, text in BAD.items()}
    files["handouts/en/good.md"] = GOOD
    files["handouts/en/bom.md"] = "\ufeff" + handout("With a BOM", "Saved by Notepad.\n")
    files["handouts/en/crlf.md"] = handout("Windows lines", "Line one.\n\nLine two.\n").replace(
        "\n", "\r\n"
    )
    root = make_project(files)
    folder = root / "handouts/en"
    (folder / "folder.md").mkdir()
    os.mkfifo(folder / "pipe.md")
    outside = tmp_path / "elsewhere.md"
    outside.write_text(GOOD)
    (folder / "outside.md").symlink_to(outside)
    (folder / "loop.md").symlink_to(folder / "loop.md")

    result, peak_mb = run_build(root, tmp_path / "peak")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    for expected in EXPECTED:
        assert sum(line.startswith(expected) for line in lines) == 1, (expected, lines)
    assert len(lines) == len(EXPECTED), lines  # one problem per bad file, nothing else
    assert "Built 6 PDFs" in result.stdout and "16 not built" in result.stdout  # 3 x 2 editions
    assert "This one builds." in pdf_pages(root / "build/en/good.pdf")[0]
    assert "Saved by Notepad." in pdf_pages(root / "build/en/bom.pdf")[0]
    crlf = pdf_pages(root / "build/en/crlf.pdf")[0]
    assert "Windows lines" in crlf and "Line one." in crlf and "\r" not in crlf
    # The 10 MB file and the alias bomb (10^9 strings if expanded) stayed small. The
    # bound is loose: a build needs ~150 MB.
    assert peak_mb < 400, peak_mb


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_a_problem(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/a.md": GOOD, "handouts/en/b.md": GOOD})
    (root / "handouts/en/a.md").chmod(0)
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert "handouts/en/a.md: error: source: cannot read the file: Permission denied" in (
        result.output
    )
    assert (root / "build/en/b.pdf").exists()
