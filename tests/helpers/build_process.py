"""``handouts build`` as the real command in a process of its own, as a person runs it:
run to the end, or started in its own process group so a test can signal or kill it
and its workers together."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import EPOCH

ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}


def command(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "clinic_handouts", "build", "--project", str(root), *args]


def build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run to the end (the timeout guards against a hang; speed is for benchmarks/)."""
    return subprocess.run(
        command(root, *args), env=ENV, capture_output=True, text=True, timeout=300, check=False
    )


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    """Started in its own process group, like a build started in a terminal: a signal
    or kill sent to the group reaches its workers too."""
    return subprocess.Popen(
        command(root, *args),
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
