"""Which files a command opens, as the operating system is asked for them: Python's audit
hook sees every ``open`` (the event ``strace -e openat`` would show), in every thread of
this process, without patching the tool. A test counts how often a command reads
handouts.toml to see how often it loads the project.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

_recordings: list[list[str]] = []
_lock = threading.Lock()
_installed = False


def _hook(event: str, args: tuple[object, ...]) -> None:
    if event != "open" or not _recordings:
        return
    path = args[0]
    if isinstance(path, (str, bytes, os.PathLike)):
        name = os.fsdecode(path)
        with _lock:
            for recording in _recordings:
                recording.append(name)


class Opened:
    """The files opened while the block ran, each as often as it was opened."""

    def __init__(self, names: list[str]) -> None:
        self._names = names

    def count(self, path: Path) -> int:
        """How many times ``path`` was opened (however the tool spelled its name)."""
        wanted = os.path.realpath(path)
        with _lock:
            names = list(self._names)
        return Counter(os.path.realpath(name) for name in names)[wanted]


@contextlib.contextmanager
def files_opened() -> Iterator[Opened]:
    """Record every file this process opens until the block ends."""
    global _installed
    if not _installed:  # an audit hook cannot be removed: add one, once, that idles
        sys.addaudithook(_hook)
        _installed = True
    names: list[str] = []
    with _lock:
        _recordings.append(names)
    try:
        yield Opened(names)
    finally:
        with _lock:
            _recordings.remove(names)
