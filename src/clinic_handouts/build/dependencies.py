"""What each output was made from, recorded as it was read, and whether it is unchanged.

A handout's picture, a picture inside that picture (an SVG showing ``dot.png``), a font
file a stylesheet loads, the system fonts its letters are drawn with: the renderer's
fetcher notes every file it reads, with the SHA-256 of the bytes it read, and the worker
adds the font files the laid-out pages use (render/pdf.py). The manifest keeps them per
output (build/manifest.py), and an output is current only while every one of them is
unchanged. Nothing is guessed from the HTML: what was read is what counts.

Names are portable: ``project:images/dot.png`` and ``theme:styles/print.css`` are
relative to the project and the bundled theme, so a project moved or copied keeps its
outputs current; a system font is ``font:/usr/share/fonts/...``.

Looking costs little: each file's status (device, inode, size, mtime, ctime) is recorded
with its hash, and while the status is the same the file is the one that was read
(replacing a file gives a new inode and ctime, writing into it a new ctime; see
build/manifest.py). Only when the status differs is the file hashed again. A font is
judged by its status alone: fonts are large, and a font installed, updated or replaced
by the system's package manager gets a new inode.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT, THEME, FONT = "project", "theme", "font"

Signature = tuple[int, ...]


def signature(status: os.stat_result) -> Signature:
    """What identifies one version of a file without reading it (see the module docstring)."""
    return (
        status.st_dev,
        status.st_ino,
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
    )


@dataclass(frozen=True)
class Dependency:
    """One file a render read, as it was read: the SHA-256 of its bytes and its status then.
    A ``Probe`` tells whether the file is still the same on the next build."""

    digest: str  # SHA-256 of the bytes read; "" for a font (judged by its status)
    status: Signature  # signature() of the file when it was read


def from_files(read: tuple[tuple[str, str, os.stat_result], ...]) -> dict[str, Dependency]:
    """The fetcher's record (render/pdf.py: name, SHA-256, status of each file read)."""
    return {name: Dependency(hashed, signature(status)) for name, hashed, status in read}


def font_dependency(path: Path) -> tuple[str, Dependency] | None:
    try:
        return f"{FONT}:{path}", Dependency("", signature(path.stat()))
    except OSError:
        return None


def encode(name: str, dependency: Dependency) -> list[Any]:
    """One file read, as the manifest lists it: ``[name, [digest, status]]``."""
    return [name, [dependency.digest, list(dependency.status)]]


def decode(raw: object) -> tuple[str, Dependency] | None:
    """What ``encode`` wrote, every type checked; None for anything else."""
    if not (isinstance(raw, list) and len(raw) == 2 and isinstance(raw[0], str)):
        return None
    value = raw[1]
    if not (isinstance(value, list) and len(value) == 2):
        return None
    hashed, status = value
    if not isinstance(hashed, str) or not isinstance(status, list):
        return None
    if not all(type(item) is int for item in status):  # True is not a number here
        return None
    return raw[0], Dependency(hashed, tuple(status))


@dataclass
class Probe:
    """Answers "is this dependency unchanged?" for one build, looking at each file once."""

    project: Path
    theme: Path
    _seen: dict[tuple[str, Dependency], bool] = field(default_factory=dict)

    def path_of(self, name: str) -> Path | None:
        kind, _, rest = name.partition(":")
        if kind == PROJECT:
            return self.project / rest
        if kind == THEME:
            return self.theme / rest
        if kind == FONT:
            return Path(rest)
        return None

    def unchanged(self, name: str, dependency: Dependency) -> bool:
        key = (name, dependency)
        if key not in self._seen:
            self._seen[key] = self._look(name, dependency)
        return self._seen[key]

    def all_unchanged(self, dependencies: dict[str, Dependency]) -> bool:
        return all(self.unchanged(name, dep) for name, dep in dependencies.items())

    def _look(self, name: str, dependency: Dependency) -> bool:
        path = self.path_of(name)
        if path is None:
            return False
        try:
            status = path.stat()
        except OSError:
            return False  # gone: whatever read it must be made again
        if signature(status) == dependency.status:
            return True
        if not dependency.digest or not stat.S_ISREG(status.st_mode):
            return False  # a font (judged by status) or no longer a file
        try:
            with path.open("rb") as handle:
                return hashlib.file_digest(handle, "sha256").hexdigest() == dependency.digest
        except OSError:
            return False
