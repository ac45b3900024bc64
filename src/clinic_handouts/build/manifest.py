"""The build manifest, ``build/.manifest.json``: what each output PDF was made from.

One entry per output (keyed by its path inside build/, like ``en/sleep.pdf``): the
handout file and variant it belongs to, the fingerprint of the inputs the PDF on disk
was made from, whether the last attempt to build it succeeded, and its page count and
size (so an up-to-date output can be reported without opening it).

The manifest is a cache, never a source of truth: a missing, unreadable or foreign
manifest means "nothing is known to be current" and the build simply remakes every
PDF. It is written atomically, so an interrupted build leaves the previous manifest or
the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from clinic_handouts.build.atomic import write_atomic

MANIFEST_NAME = ".manifest.json"
FORMAT = 1


@dataclass(frozen=True)
class OutputRecord:
    source: str  # the handout file, relative to the project: handouts/en/sleep.md
    handout: str  # the handout's id
    lang: str
    variant: str  # Variant.name
    fingerprint: str  # of the inputs the PDF on disk was made from
    ok: bool  # False: the last build of this output failed; the PDF on disk is older
    pages: int
    size: int
    built_on: str  # the build date (YYYY-MM-DD) of the build that made the PDF


@dataclass
class Manifest:
    entries: dict[str, OutputRecord] = field(default_factory=dict)

    def is_current(self, key: str, fingerprint: str, build_dir: Path) -> bool:
        """True when the PDF at ``key`` exists, is the one recorded, and matches."""
        entry = self.entries.get(key)
        if entry is None or not entry.ok or entry.fingerprint != fingerprint:
            return False
        try:
            # A PDF replaced or truncated by hand is remade; the size is a cheap check.
            return (build_dir / key).stat().st_size == entry.size
        except OSError:
            return False

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


def _entry(raw: Any) -> OutputRecord | None:
    try:
        entry = OutputRecord(**raw)
    except TypeError:
        return None
    types = {"pages": int, "size": int, "ok": bool}
    for name, value in asdict(entry).items():
        if not isinstance(value, types.get(name, str)):
            return None
    return entry


def _safe_key(key: object) -> bool:
    """A PDF path inside build/: a hand-edited manifest must not point anywhere else."""
    if not isinstance(key, str) or "\\" in key:
        return False
    path = PurePosixPath(key)
    return not path.is_absolute() and ".." not in path.parts and path.suffix == ".pdf"


def load_manifest(build_dir: Path) -> Manifest:
    """The manifest in ``build_dir``; an empty one when it is missing or unreadable."""
    try:
        data = json.loads((build_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return Manifest()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return Manifest()
    outputs = data.get("outputs")
    if not isinstance(outputs, dict):
        return Manifest()
    entries = {}
    for key, raw in outputs.items():
        entry = _entry(raw) if isinstance(raw, dict) else None
        if entry is not None and _safe_key(key):
            entries[key] = entry
    return Manifest(entries)


def save_manifest(build_dir: Path, manifest: Manifest) -> None:
    data = {
        "format": FORMAT,
        "outputs": {key: asdict(manifest.entries[key]) for key in sorted(manifest.entries)},
    }
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
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
