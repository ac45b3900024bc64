"""Write a file so that readers only ever see the old version or the complete new one.

The new content goes to a temporary file in the same folder, is flushed to disk, and
then renamed over the target (rename is atomic on one file system). If anything fails,
the temporary file is removed and the previous good file is untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(target: Path, data: bytes, mode: int = 0o644) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)  # 0o600 for files that hold personal information
        tmp.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def remove_stale_temporaries(folder: Path) -> None:
    """Left-overs of a build that was killed between writing and renaming."""
    if folder.is_dir():
        for leftover in folder.rglob(".*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()
