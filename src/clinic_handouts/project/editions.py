"""Output variants: the editions each handout is printed in.

A variant names its output file and the extra stylesheet it adds to the theme. The
standard edition exists for every handout; the large-print edition
(``<slug>.large-print.pdf``, styles/large-print.css) exists for every handout whose
front matter does not say ``large_print: false``. New editions are added here and
nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from clinic_handouts.project.sources import Handout


@dataclass(frozen=True)
class Variant:
    name: str  # "standard"
    suffix: str  # added before .pdf: "" or ".large-print"
    stylesheet: str | None  # extra file in styles/, applied after print.css
    stack_tables: bool = False  # restack tables of 4+ columns as labelled lists


STANDARD = Variant(name="standard", suffix="", stylesheet=None)
LARGE_PRINT = Variant(
    name="large-print", suffix=".large-print", stylesheet="large-print.css", stack_tables=True
)
VARIANTS: tuple[Variant, ...] = (STANDARD, LARGE_PRINT)


def variants_for(handout: Handout) -> tuple[Variant, ...]:
    """The editions built for this handout (a handout may opt out of large print)."""
    return tuple(v for v in VARIANTS if v is not LARGE_PRINT or handout.large_print)
