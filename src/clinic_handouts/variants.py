"""Output variants: the editions each handout is printed in.

A variant names its output file and the extra stylesheet it adds to the theme. The
standard edition exists for every handout; later editions (large print) are added here
and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    name: str  # "standard"
    suffix: str  # added before .pdf: "" or ".large-print"
    stylesheet: str | None  # extra file in styles/, applied after print.css


STANDARD = Variant(name="standard", suffix="", stylesheet=None)
VARIANTS: tuple[Variant, ...] = (STANDARD,)
