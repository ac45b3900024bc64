"""Converted Markdown kept between builds, so a build with nothing to do converts nothing.

Every build checks every handout, and the checks read the converted body; converting
Markdown is the slowest part of that (tens of milliseconds for a long handout). The
result of ``markup.to_html`` depends only on the body text, its file and first line (for
problem locations), this tool's code and the Markdown and nh3 versions, so it is stored
under a hash of exactly those in ``build/.markup-cache.json`` and reused. The checks
themselves always run.

Like the manifest, the cache is disposable: a missing or unreadable file only means the
Markdown is converted again.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
from pathlib import Path
from typing import Any

from clinic_handouts import markup
from clinic_handouts.atomic import write_atomic
from clinic_handouts.errors import Problem, Severity
from clinic_handouts.fingerprint import package_digest

CACHE_NAME = ".markup-cache.json"
FORMAT = 1


@functools.cache
def _converter_digest() -> str:
    parts = [package_digest()]
    for name in ("markdown", "nh3"):
        try:
            parts.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name} ?")
    return "\0".join(parts)


def _key(body: str, rel: str, first_line: int) -> str:
    text = f"{_converter_digest()}\0{rel}\0{first_line}\0{body}"
    return hashlib.sha256(text.encode()).hexdigest()


def _encode(converted: markup.Markup) -> dict[str, Any]:
    return {
        "html": converted.html,
        "problems": [
            [p.path, p.line, p.code, p.severity.value, p.message] for p in converted.problems
        ],
    }


def _decode(raw: Any) -> markup.Markup | None:
    try:
        problems = tuple(
            Problem(str(path), int(line), str(code), Severity(severity), str(message))
            for path, line, code, severity, message in raw["problems"]
        )
        html = raw["html"]
    except (KeyError, TypeError, ValueError):
        return None
    return markup.Markup(html=html, problems=problems) if isinstance(html, str) else None


class MarkupCache:
    """``convert`` is ``markup.to_html``, remembered across builds."""

    def __init__(self, stored: dict[str, Any] | None = None) -> None:
        self._stored = stored or {}
        self._used: dict[str, Any] = {}
        self._changed = False

    def convert(self, body: str, rel: str, first_line: int) -> markup.Markup:
        key = _key(body, rel, first_line)
        raw = self._stored.get(key)
        if raw is not None:
            found = _decode(raw)
            if found is not None:
                self._used[key] = raw
                return found
        converted = markup.to_html(body, rel, first_line)
        self._used[key] = _encode(converted)
        self._changed = True
        return converted

    def save(self, build_dir: Path, keep_unused: bool = False) -> None:
        """Store what this build used (and, for a partial build, everything else too)."""
        entries = {**self._stored, **self._used} if keep_unused else self._used
        if not self._changed and entries.keys() == self._stored.keys():
            return
        text = json.dumps({"format": FORMAT, "entries": entries}, sort_keys=True)
        write_atomic(build_dir / CACHE_NAME, text.encode("utf-8"))


def load_markup_cache(build_dir: Path) -> MarkupCache:
    try:
        data = json.loads((build_dir / CACHE_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return MarkupCache()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return MarkupCache()
    entries = data.get("entries")
    return MarkupCache(entries if isinstance(entries, dict) else None)
