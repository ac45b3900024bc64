"""The online copy of a handout: its public address and the QR code printed for it.

``[online] url`` in handouts.toml is a pattern such as
``https://clinic.example.org/handouts/{lang}/{slug}.pdf``. When it is set, every handout
prints a QR code and the address beside it, so a sheet found in a rack leads to the
current version. When it is not set, nothing is printed.

The QR code is made here, as SVG, by segno, and goes into the page as a ``data:`` URL:
nothing is fetched, and equal input gives an equal code (no randomness, no dates).
"""

from __future__ import annotations

import string
from dataclasses import dataclass

PLACEHOLDERS = ("lang", "slug", "id")


def check_pattern(pattern: str) -> str | None:
    """A complaint about an ``[online] url`` pattern, or None when it is usable."""
    if not pattern:
        return None
    if not pattern.startswith(("https://", "http://")):
        return "expected an address starting with https://"
    if any(ch.isspace() for ch in pattern):
        return "an address cannot contain spaces"
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(pattern)
            if name is not None
        ]
    except ValueError:
        return "a '{' or '}' is not closed; placeholders look like {slug}"
    allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for name, spec, conversion in fields:
        if name not in PLACEHOLDERS or spec or conversion:
            return f"unknown placeholder {{{name}}}; use {allowed}"
    if not {name for name, _, _ in fields} & {"slug", "id"}:
        return "must contain {slug} or {id}, so that each handout gets its own address"
    return None


def handout_url(pattern: str, lang: str, slug: str, handout_id: str) -> str:
    return pattern.format(lang=lang, slug=slug, id=handout_id)


def qr_data_uri(url: str) -> str:
    """The QR code for ``url`` as an SVG ``data:`` URL (black on white, quiet zone kept)."""
    import segno  # only a project with [online] url needs it, and only when rendering

    code = segno.make(url, error="m", micro=False)
    uri: str = code.svg_data_uri(scale=1, border=4, dark="#000", light="#fff")
    return uri


@dataclass(frozen=True)
class OnlineCopy:
    """What the template prints for the online copy: address, QR code, alternative text."""

    url: str
    qr: str  # data: URL of the SVG
    alt: str


def online_copy(pattern: str, lang: str, slug: str, handout_id: str, alt: str) -> OnlineCopy | None:
    """The online copy for one handout, or None when no ``[online] url`` is configured.

    ``alt`` is the QR code's alternative text, with ``{url}`` where the address goes.
    """
    if not pattern:
        return None
    url = handout_url(pattern, lang, slug, handout_id)
    return OnlineCopy(url=url, qr=qr_data_uri(url), alt=alt.format(url=url))
