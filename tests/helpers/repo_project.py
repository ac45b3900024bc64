"""This repository's own clinic project (handouts.toml, handouts, styles, templates),
copied into a scratch folder for a test or a benchmark to build and change."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def copy_repo_project(folder: Path) -> Path:
    """``folder/clinic``: a fresh copy of the repository's project (the original stays as is)."""
    root = folder / "clinic"
    root.mkdir()
    shutil.copy(REPO / "handouts.toml", root)
    for part in ("handouts", "styles", "templates"):
        shutil.copytree(REPO / part, root / part)
    return root
