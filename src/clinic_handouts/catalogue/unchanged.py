"""Whether the catalogue on disk is already what this build would write, so a build with
nothing to do does not make it again.

Making the catalogue (``build/index.html``, its records ``build/catalogue.json`` and
the page-1 thumbnails) takes about 0.5 ms a handout: more than everything else a build
with nothing to do does. What it is made from is known before it is made: the tool's
code and the libraries that write the page, the theme's files, the page's settings
(today's date among them, so the review status of every card is today's), the rack
packs, and every current output (its handout as parsed, its file's place, pages, size
and SHA-256) with its handout's reading grade. A hash of all of that is recorded in
``build/.catalogue-inputs.json`` with the status (device, inode, size, mtime, ctime)
of each file written; the next build that computes the same hash and finds every file
with the same status leaves them alone (build/manifest.py explains why the status
stands for the bytes).

Only a catalogue made from this build's outputs alone is recorded: when earlier entries
were kept (a handout with errors keeps its card while its last PDF is valid), whether
they still hold depends on files outside this build, so the next build makes it again.

The record sits in build/, where someone else may write, so it is sealed like the check
cache (checks/cache.py: an HMAC under the build folder's own key): a record that does
not verify is ignored and the catalogue made again. It is removed before the catalogue
is written and written after, so a build stopped in between (or a full disk) leaves
no record, never one describing files that were not written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import importlib.metadata
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinic_handouts.build.atomic import OutputError, read_json, write_atomic
from clinic_handouts.build.dependencies import signature
from clinic_handouts.build.fingerprint import handout_digest, tool_versions

if TYPE_CHECKING:
    from clinic_handouts.build.worker import Output
    from clinic_handouts.catalogue.page import CatalogueSettings, RackPack
    from clinic_handouts.project.theme import Theme

RECORD = ".catalogue-inputs.json"
FORMAT = 1
LIBRARIES = ("babel", "jinja2", "markupsafe")  # they write the page's words and markup


def inputs_digest(
    theme: Theme,
    settings: CatalogueSettings,
    packs: Sequence[RackPack],
    outputs: Iterable[Output],
    grades: Mapping[str, float | None],
    build_dir: Path,
) -> str:
    """A hash of everything the catalogue is made from (see the module docstring)."""
    hasher = hashlib.sha256(b"clinic-handouts catalogue inputs 1")

    def add(name: str, data: str | bytes) -> None:
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        hasher.update(f"\0{name}\0{len(raw)}\0".encode())
        hasher.update(raw)

    for name, version in sorted(tool_versions().items()):
        add(f"version:{name}", version)
    for library in LIBRARIES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            add(f"version:{library}", importlib.metadata.version(library))
    for path in theme.files():
        try:
            add(f"theme:{path}", path.read_bytes())
        except OSError:
            add(f"theme:{path}", "<missing>")
    add("settings", _canonical(settings))
    add("packs", _canonical(list(packs)))
    added: set[str] = set()  # each handout once, however many editions it has
    for output in sorted(outputs, key=lambda o: o.pdf.as_posix()):
        handout = output.handout
        if handout.rel not in added:
            added.add(handout.rel)
            add(f"handout:{handout.rel}", handout_digest(handout))
            add(f"grade:{handout.rel}", repr(grades.get(handout.rel)))
        where = output.pdf.relative_to(build_dir).as_posix()
        add(f"output:{where}", repr((handout.rel, output.variant.name, output.pages)))
        add(f"bytes:{where}", repr((output.size, output.sha256)))
    return hasher.hexdigest()


def _canonical(value: object) -> str:
    """``repr`` with every mapping in key order: a dict built from a set (the settings'
    language names) comes out in another order in each process."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
        inner = ", ".join(f"{name}={_canonical(item)}" for name, item in fields)
        return f"{type(value).__name__}({inner})"
    if isinstance(value, Mapping):
        items = sorted((repr(k), _canonical(v)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_canonical(item) for item in value) + "]"
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(_canonical(item) for item in value)) + "}"
    return repr(value)


def _seal(key: bytes, inputs: str, files: Mapping[str, list[int]]) -> str:
    text = json.dumps([FORMAT, inputs, files], sort_keys=True)
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _status(path: Path) -> list[int] | None:
    try:
        return list(signature(path.lstat()))
    except OSError:
        return None


def still_current(build_dir: Path, key: bytes | None, inputs: str) -> bool:
    """True when the recorded catalogue was made from exactly ``inputs`` and every file
    it wrote is still the one written."""
    if key is None:
        return False
    record = read_json(build_dir / RECORD)
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return False
    files, seal = record.get("files"), record.get("seal")
    if record.get("inputs") != inputs or not isinstance(files, dict) or not files:
        return False
    if not isinstance(seal, str) or not hmac.compare_digest(seal, _seal(key, inputs, files)):
        return False  # not written by a build of this folder
    for name, status in files.items():
        if not isinstance(name, str) or _status(build_dir / name) != status:
            return False
    return True


def forget(build_dir: Path) -> None:
    """Before the catalogue is written: until the new record is, nothing is current."""
    with contextlib.suppress(OSError):  # a read-only folder: nothing is written either
        (build_dir / RECORD).unlink()


def remember(build_dir: Path, key: bytes | None, inputs: str, written: Sequence[str]) -> None:
    """After the catalogue was written: record what it was made from and the files it
    consists of (names inside build/). A full disk only means it is made again."""
    if key is None:
        return
    files: dict[str, list[int]] = {}
    for name in written:
        status = _status(build_dir / name)
        if status is None:
            return  # a file is missing already: record nothing
        files[name] = status
    data: dict[str, Any] = {"format": FORMAT, "inputs": inputs, "files": files}
    data["seal"] = _seal(key, inputs, files)
    with contextlib.suppress(OutputError):
        write_atomic(build_dir / RECORD, json.dumps(data, sort_keys=True).encode("utf-8"))
