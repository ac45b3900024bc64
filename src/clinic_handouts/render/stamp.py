"""What every PDF must show: the texts on every page and the contacts in the body.

A plain value, apart from ``render/pdf.py`` (which checks rendered pages against it), so the
build can prepare stamps without loading the renderer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stamp:
    """Texts that must appear on every page, and contacts that must appear in the body."""

    every_page: tuple[str, ...]
    in_body: tuple[str, ...]
