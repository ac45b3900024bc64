"""Files in build/: written so that readers only ever see the old version or the complete
new one, and read back so that a damaged one only ever means "nothing known".

The new content goes to a temporary file in the same folder, is flushed to disk, and
then renamed over the target (rename is atomic on one file system). If anything fails,
the temporary file is removed and the previous good file is untouched. A build killed
between writing and renaming leaves its temporary file behind: ``remove_stale_temporaries``
clears such left-overs at the start and end of the next build.

A write that fails because of the computer, not the tool (the disk is full, the folder
is read-only) is an ``OutputError``: a message saying what to do, not a traceback.

The build's own stores (manifest, check cache, catalogue records) are JSON read with
``read_json``: a missing, truncated, foreign or absurdly nested file reads as ``None``,
which each store takes as "nothing is known", and the next build writes it again.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from clinic_handouts.errors import HandoutError, Problem, error

# "No space left", "quota exceeded", and "file too large" (a file-size limit).
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
# A store larger than this is not one this tool wrote (10,000 handouts make about 40 MB).
MAX_STORE_BYTES = 512 * 1024 * 1024


class OutputError(HandoutError):
    """An output file could not be written; the previous one is left as it was."""


def write_problem(
    target: Path | str, exc: OSError, consequence: str, what: str = "this file"
) -> Problem:
    """What a person should do about a file the computer would not let us write."""
    if exc.errno in _FULL:
        code, cause = "disk-full", "the disk is full: free space and build again"
    elif exc.errno == errno.EROFS:
        code, cause = (
            "output",
            (
                "the disk or folder is read-only: make it writable (or copy the project to a "
                "folder you may write to) and build again"
            ),
        )
    else:
        code, cause = "output", f"{exc.strerror or exc}: check that you may write there"
    return error(str(target), 0, code, f"cannot write {what}, {cause} ({consequence})")


def write_atomic(target: Path, data: bytes, mode: int = 0o644) -> os.stat_result:
    """Write ``data`` to ``target`` atomically; the status of the file written (after the
    rename), so a caller can later tell whether ``target`` is still that very file."""
    try:
        return _write_atomic(target, data, mode)
    except OSError as exc:
        raise OutputError(
            [write_problem(target, exc, "the previous file was left as it was")]
        ) from None


def _write_atomic(target: Path, data: bytes, mode: int) -> os.stat_result:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), mode)  # 0o600 for files that hold personal information
            tmp.replace(target)
            # Of the file just renamed, through its own descriptor: the rename changes its
            # ctime, and no other file can answer for it.
            return os.fstat(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def read_store(path: Path) -> bytes | None:
    """A store's bytes, or ``None`` when it is missing, unreadable or larger than
    ``MAX_STORE_BYTES``."""
    try:
        if path.stat().st_size > MAX_STORE_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def parse_json(raw: bytes) -> Any:
    """JSON bytes as written to a store, or ``None`` when they are not UTF-8 JSON or are
    nested deeper than the parser allows.

    Depth is bounded by the json module itself: every array or object it enters counts
    against the interpreter's recursion limit (1,000), so a 200,000-deep array stops at
    once with RecursionError, which means "unreadable" here. Callers check every value's
    type before using it (never ``str()`` of something that may be a deep list).
    """
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def read_json(path: Path) -> Any:
    """A JSON store in build/, or ``None`` when it is missing, unreadable or not JSON
    (``read_store``, ``parse_json``)."""
    raw = read_store(path)
    return None if raw is None else parse_json(raw)


def remove_stale_temporaries(folder: Path) -> None:
    """Left-overs of a build that was killed between writing and renaming."""
    if folder.is_dir():
        for leftover in folder.rglob(".*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()
