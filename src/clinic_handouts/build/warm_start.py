"""Starting the renderer early: before this process has loaded the rest of the tool.

Loading WeasyPrint takes most of a second. The render workers fork from a server process
that loads it once (build/pool.py); when a build will probably render something, that server
is started first thing, so it loads WeasyPrint on the other core while this process
imports the tool, reads the project and checks the handouts. This module imports
nothing heavy, so ``handouts build`` can call it before anything else.

Whether anything will be rendered is only guessed here, from file dates (fingerprints
decide what is rebuilt): a wrong guess costs a second of one core's time, or that second
later.
"""

from __future__ import annotations

from pathlib import Path

from clinic_handouts.build.manifest import MANIFEST_NAME
from clinic_handouts.build.pool import warm_up
from clinic_handouts.project import paths

# What a worker needs loaded: the renderer, the module its jobs' functions live in, and
# what makes the catalogue's thumbnails.
WORKER_MODULES = (
    "clinic_handouts.render.pdf",
    "clinic_handouts.build.worker",
    "clinic_handouts.render.thumbnails",
)
# Folders whose files a build reads (besides the bundled theme and data).
INPUT_FOLDERS = paths.INPUT_FOLDERS


def probably_stale(root: Path) -> bool:
    """Did anything change since the last build? With no manifest, or a project file
    newer than it, a render is likely."""
    try:
        recorded = (root / "build" / MANIFEST_NAME).stat().st_mtime
        if (root / "handouts.toml").stat().st_mtime >= recorded:
            return True
    except OSError:
        return True
    for name in INPUT_FOLDERS:
        for path in (root / name).rglob("*"):
            try:
                if path.stat().st_mtime >= recorded:
                    return True
            except OSError:
                return True
    return False


def start_renderer_early(root: Path, jobs: int, force: bool) -> None:
    """Start loading the renderer now if this build will probably need it."""
    if force or probably_stale(root):  # every render runs in a worker, even with -j 1
        warm_up(WORKER_MODULES)
