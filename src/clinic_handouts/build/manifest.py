"""The build manifest, ``build/.manifest.json``: what each output PDF was made from.

One entry per output (keyed by its path inside build/, like ``en/sleep.pdf``): the
handout file and variant it belongs to, the fingerprint of the inputs the PDF on disk
was made from, whether the last attempt to build it succeeded, its page count and size
(so an up-to-date output can be reported without opening it), and the SHA-256 of the
bytes written, with the file's status right after the write.

An output is current only when its fingerprint matches *and* the bytes on disk are the
ones recorded. A build killed after it replaced a PDF but before it saved the manifest
(or stopped by a full disk while saving it) leaves an older entry next to a newer PDF:
its bytes are not the recorded ones, so it is made again, never called up to date.

Checking bytes need not cost a read of every PDF: the status recorded is (device, inode,
size, mtime, ctime) of the file as written, taken through the writer's own descriptor
after the rename. While all five are unchanged the file is the one written: replacing it
makes a new inode and ctime (the build writes a new file and renames it, as does any
copy), and writing into it changes its ctime, which no program can set back (only the
system clock can). Any difference, including a project that was moved or copied, means
the bytes are hashed and compared; when they match, the new status is recorded.

Most outputs read the same stylesheets and fonts, so each file read (with its hash and
status) is written once, in ``files``, and each output lists the numbers of its own: a
build with nothing to do reads and checks each of them once, not once per output.

The manifest is a cache, never a source of truth: a missing, unreadable, foreign or
absurdly nested manifest means "nothing is known to be current" and the build simply
remakes every PDF. It is written atomically, so an interrupted build leaves the previous
manifest or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any

from clinic_handouts.build.atomic import read_json, write_atomic
from clinic_handouts.build.dependencies import (
    Dependency,
    Probe,
    Signature,
    decode,
    encode,
    signature,
)

MANIFEST_NAME = ".manifest.json"
# 2: each output's content hash and file status; 3: its recorded dependencies; 4: those
# dependencies listed once for the whole build (most outputs read the same fonts and
# stylesheets), each output naming its own by number
FORMAT = 4


@dataclass(frozen=True)
class OutputRecord:
    """One output's entry in the manifest: what the PDF on disk was made from, and the
    SHA-256 of the bytes written. The build records one for each PDF it makes;
    ``Manifest.is_current`` reads it on the next build."""

    source: str  # the handout file, relative to the project: handouts/en/sleep.md
    handout: str  # the handout's id
    lang: str
    variant: str  # Variant.name
    fingerprint: str  # of the inputs the PDF on disk was made from
    ok: bool  # False: the last build of this output failed; the PDF on disk is older
    pages: int
    size: int
    built_on: str  # the build date (YYYY-MM-DD) of the build that made the PDF
    sha256: str  # of the PDF's bytes as written
    status: Signature  # signature() of the PDF as written, or as last hashed
    # What the render read, as it read it (build/dependencies.py)
    dependencies: dict[str, Dependency] = field(default_factory=dict)


def file_sha256(path: Path) -> tuple[str, Signature] | None:
    """The SHA-256 of a regular file's bytes and its signature; None if there is none."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            return None
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        return digest, signature(status)


@dataclass
class Manifest:
    """build/.manifest.json as read (``load_manifest``): one ``OutputRecord`` per output,
    keyed by its path inside build/ (``en/sleep.pdf``). The build updates it as outputs
    are made or fail, and ``save_manifest`` writes it back."""

    entries: dict[str, OutputRecord] = field(default_factory=dict)
    # The entries as read from build/: a build with nothing to do leaves them equal, and
    # the manifest is not written again (encoding hundreds of entries is most of its cost).
    saved: dict[str, OutputRecord] | None = None

    def is_current(self, key: str, fingerprint: str, build_dir: Path, probe: Probe) -> bool:
        """True when the PDF at ``key`` holds exactly the bytes recorded for this
        fingerprint (see the module docstring for why a status can stand for them), and
        every file its render read is unchanged."""
        entry = self.entries.get(key)
        if entry is None or not entry.ok or entry.fingerprint != fingerprint:
            return False
        if not probe.all_unchanged(entry.dependencies):
            return False
        path = build_dir / key
        try:
            status = path.lstat()
        except OSError:
            return False
        if not stat.S_ISREG(status.st_mode):
            return False
        if signature(status) == entry.status:
            return True
        found = file_sha256(path)
        if found is None or found[0] != entry.sha256:
            return False  # not the PDF made for this fingerprint: make it again
        self.entries[key] = replace(entry, status=found[1], size=found[1][2])
        return True

    def mark_failed(self, key: str) -> None:
        """The PDF on disk (if any) stays, but must never again count as current."""
        entry = self.entries.get(key)
        if entry is not None:
            self.entries[key] = replace(entry, ok=False)

    def mark_failed_source(self, source: str) -> None:
        """Every output of a handout file that has errors now."""
        for key, entry in self.entries.items():
            if entry.source == source:
                self.entries[key] = replace(entry, ok=False)


_TYPES: dict[str, type] = {"pages": int, "size": int, "ok": bool}
_STRINGS = ("source", "handout", "lang", "variant", "fingerprint", "built_on", "sha256")
_NAMES = frozenset(spec.name for spec in fields(OutputRecord))


def _entry(raw: dict[Any, Any], files: list[tuple[str, Dependency] | None]) -> OutputRecord | None:
    """An entry this tool wrote, or None. Every value's type is checked before any use,
    so a hand-made value (a deeply nested list, say) is never copied or printed."""
    if raw.keys() != _NAMES:
        return None
    if not all(type(raw[name]) is str for name in _STRINGS):
        return None
    if not all(type(raw[name]) is kind for name, kind in _TYPES.items()):
        return None
    status = raw["status"]
    # type() rather than isinstance(): True is not a number here.
    if not isinstance(status, list) or not all(type(item) is int for item in status):
        return None
    numbers = raw["dependencies"]
    if not isinstance(numbers, list):
        return None
    dependencies = {}
    for number in numbers:
        if type(number) is not int or not 0 <= number < len(files):
            return None
        found = files[number]
        if found is None:
            return None
        dependencies[found[0]] = found[1]
    values = {name: raw[name] for name in _STRINGS} | {name: raw[name] for name in _TYPES}
    return OutputRecord(**values, status=tuple(status), dependencies=dependencies)


def _safe_key(key: object) -> bool:
    """A PDF path inside build/: a hand-edited manifest must not point anywhere else."""
    if not isinstance(key, str) or "\\" in key:
        return False
    path = PurePosixPath(key)
    return not path.is_absolute() and ".." not in path.parts and path.suffix == ".pdf"


def load_manifest(build_dir: Path) -> Manifest:
    """The manifest in ``build_dir``; an empty one when it is missing or unreadable."""
    data = read_json(build_dir / MANIFEST_NAME)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return Manifest()
    outputs, listed = data.get("outputs"), data.get("files")
    if not isinstance(outputs, dict) or not isinstance(listed, list):
        return Manifest()
    files = [decode(raw) for raw in listed]
    entries = {}
    for key, raw in outputs.items():
        entry = _entry(raw, files) if isinstance(raw, dict) else None
        if entry is not None and _safe_key(key):
            entries[key] = entry
    return Manifest(entries, saved=dict(entries))


def save_manifest(build_dir: Path, manifest: Manifest) -> None:
    if manifest.saved == manifest.entries and (build_dir / MANIFEST_NAME).is_file():
        return  # nothing new to record
    numbers: dict[tuple[str, Dependency], int] = {}
    outputs = {}
    for key in sorted(manifest.entries):
        entry = manifest.entries[key]
        values = asdict(replace(entry, dependencies={}))
        values["dependencies"] = [
            numbers.setdefault(item, len(numbers)) for item in sorted(entry.dependencies.items())
        ]
        outputs[key] = values
    files = [encode(name, dependency) for name, dependency in numbers]
    data = {"format": FORMAT, "files": files, "outputs": outputs}
    text = json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n"
    write_atomic(build_dir / MANIFEST_NAME, text.encode("utf-8"))


def remove_output(build_dir: Path, key: str) -> bool:
    """Delete an output PDF and the HTML written beside it; True if the PDF existed."""
    pdf = build_dir / key
    with contextlib.suppress(OSError):
        pdf.with_suffix(".html").unlink()
    try:
        pdf.unlink()
    except FileNotFoundError:
        return False
    with contextlib.suppress(OSError):
        pdf.parent.rmdir()  # only when that was the folder's last file
    return True
