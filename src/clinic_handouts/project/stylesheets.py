"""The project's own stylesheets may load only files inside the project or the theme.

A clinic can replace ``styles/print.css``; a stylesheet copied from the web may still
``@import`` a font service or point ``url()`` at a network address or at any file on the
computer. Every address in the project's CSS files (``url(...)``, ``@import "..."``) is
checked here, before anything is rendered, and a refused one is a ``ConfigError``
naming the stylesheet and line (exit code 2): the theme applies to every handout, so
nothing can be built with it. ``SafeFetcher`` still refuses the same addresses when a
PDF is made, for anything written in a way this reading does not see.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import tinycss2

from clinic_handouts.addresses import loadable, refusal, scheme_of
from clinic_handouts.errors import ConfigError, Problem, error


def _addresses(nodes: Iterable[Any]) -> Iterator[tuple[str, int]]:
    """(address, line) for every url() and @import in parsed CSS, however deep."""
    for node in nodes:
        kind = getattr(node, "type", "")
        if kind == "url":
            yield node.value, node.source_line
        elif kind == "function" and node.lower_name == "url":
            for arg in node.arguments:
                if arg.type == "string":
                    yield arg.value, arg.source_line
        elif kind == "at-rule" and node.lower_at_keyword == "import":
            for token in node.prelude:
                if token.type == "string":
                    yield token.value, token.source_line
                    break
        for part in ("prelude", "content", "arguments"):
            children = getattr(node, part, None)
            if isinstance(children, list):
                yield from _addresses(children)


def _why_refused(address: str, sheet: Path, roots: tuple[Path, ...]) -> tuple[str, str] | None:
    """(code, reason) if the build would not load this address from this stylesheet."""
    url = urljoin(sheet.resolve().as_uri(), address.strip())
    if scheme_of(url) != "file":
        reason = refusal(address)
        return ("blocked-resource", reason) if reason else None
    found = loadable(url, roots)
    if isinstance(found, str):
        return "blocked-resource", found
    if found.status in ("missing", "not-a-file"):
        return "missing-resource", "no such file; check the name and the folder"
    if not found.ok:
        return (
            "blocked-resource",
            "this file is outside the project folder; copy it into styles/ and refer "
            "to the copy with a relative address",
        )
    return None


def check_stylesheets(sheets: Iterable[Path], project: Path, roots: Sequence[Path]) -> None:
    """Raise ConfigError listing every refused address in these CSS files."""
    problems: list[Problem] = []
    allowed = tuple(root.resolve() for root in roots)
    for sheet in sheets:
        try:
            text = sheet.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            problems.append(error(_rel(sheet, project), 0, "theme", f"cannot read: {exc}"))
            continue
        rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
        for address, line in _addresses(rules):
            refused = _why_refused(address, sheet, allowed)
            if refused:
                code, reason = refused
                problems.append(error(_rel(sheet, project), line, code, f"{address}: {reason}"))
    if problems:
        raise ConfigError(problems)


def _rel(path: Path, project: Path) -> str:
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return path.as_posix()
