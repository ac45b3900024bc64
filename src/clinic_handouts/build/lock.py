"""One build at a time per project: an exclusive lock on ``build/.lock``.

The lock is ``fcntl.flock`` on a file that stays in build/. The operating system releases
it when the holder exits in any way (even killed), so a crashed build never leaves a
stale lock behind and nobody ever has to delete the file by hand.

Taking the lock is the build's first write: a build folder on a read-only or full disk
is refused here with a message saying what to do, before anything else is attempted.

A second build started while one is running stops at once, before writing anything,
with exit code 2 and a message naming the other process. It does not wait: the running
build is already making the same PDFs, and a command that silently hangs until another
one finishes looks broken to the person who started it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import socket
from pathlib import Path
from types import TracebackType

from clinic_handouts.build.atomic import OutputError, write_problem
from clinic_handouts.errors import HandoutError, error

LOCK_NAME = ".lock"


class BuildLocked(HandoutError):
    """Another build of the same project holds the lock."""

    exit_code = 2


class BuildLock:
    """``with BuildLock(build_dir):`` holds the project's build lock, or raises BuildLocked."""

    def __init__(self, build_dir: Path) -> None:
        self.path = build_dir / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> BuildLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # O_CLOEXEC: no program this build starts may keep the lock alive after it ends.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            # A read-only or full disk, or a build folder that is not ours: say what to do
            # (the build has written nothing yet).
            raise OutputError(
                [write_problem(self.path.parent, exc, "nothing was built", "in this folder")]
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 500).decode("utf-8", "replace").strip()
            os.close(fd)
            raise BuildLocked(
                [
                    error(
                        "build",
                        0,
                        "build-locked",
                        f"another build of this project is running ({holder or 'starting'}). "
                        "Wait for it to finish, then run 'handouts build' again",
                    )
                ]
            ) from None
        except BaseException:
            os.close(fd)
            raise
        started = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
        holder = f"process {os.getpid()} on {socket.gethostname()}, started {started}"
        with contextlib.suppress(OSError):  # only a courtesy to a second build: a full
            os.ftruncate(fd, 0)  # disk must not stop this one here
            os.pwrite(fd, holder.encode(), 0)
        self._fd = fd
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing releases the lock
            self._fd = None
