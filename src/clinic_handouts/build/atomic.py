"""Write a file so that readers only ever see the old version or the complete new one.

The new content goes to a temporary file in the same folder, is flushed to disk, and
then renamed over the target (rename is atomic on one file system). If anything fails,
the temporary file is removed and the previous good file is untouched.

A write that fails because of the computer, not the tool (the disk is full, the folder
is read-only) is an ``OutputError``: a message saying what to do, not a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from clinic_handouts.errors import HandoutError, error

# "No space left", "quota exceeded", and "file too large" (a file-size limit).
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class OutputError(HandoutError):
    """An output file could not be written; the previous one is left as it was."""


def write_atomic(target: Path, data: bytes, mode: int = 0o644) -> None:
    try:
        _write_atomic(target, data, mode)
    except OSError as exc:
        if exc.errno in _FULL:
            code, what = "disk-full", "the disk is full: free space and build again"
        else:
            code, what = "output", f"{exc.strerror or exc}: check that you may write there"
        raise OutputError(
            [
                error(
                    str(target),
                    0,
                    code,
                    f"cannot write this file, {what} (the previous file was left as it was)",
                )
            ]
        ) from None


def _write_atomic(target: Path, data: bytes, mode: int) -> None:
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
