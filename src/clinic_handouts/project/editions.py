"""Output variants: the editions each handout is printed in.

A variant names its output file and the extra stylesheet it adds to the theme. The
standard edition exists for every handout; the large-print edition
(``<slug>.large-print.pdf``, styles/large-print.css) exists for every handout whose
front matter does not say ``large_print: false``. The tri-fold brochure
(``<slug>.trifold.pdf``, styles/trifold.css, templates/trifold.html) exists for every
handout whose front matter says ``trifold: true``; its panels are placed on the sheet
after rendering (printing/trifold.py). New editions are added here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from clinic_handouts.project.sources import Handout


@dataclass(frozen=True)
class Variant:
    """One edition a handout can be printed in (``VARIANTS``): its output file, stylesheet
    and template. The build makes one PDF for each edition ``variants_for`` gives a
    handout."""

    name: str  # "standard"
    suffix: str  # added before .pdf: "" or ".large-print"
    stylesheet: str | None  # extra file in styles/, applied after print.css
    stack_tables: bool = False  # restack tables of 4+ columns as labelled lists
    template: str = "handout.html"  # the theme template that lays the edition out
    imposed: bool = False  # rendered as panels, then placed on sheets (printing/trifold.py)


STANDARD = Variant(name="standard", suffix="", stylesheet=None)
LARGE_PRINT = Variant(
    name="large-print", suffix=".large-print", stylesheet="large-print.css", stack_tables=True
)
TRIFOLD = Variant(
    name="trifold",
    suffix=".trifold",
    stylesheet="trifold.css",
    stack_tables=True,
    template="trifold.html",
    imposed=True,
)
VARIANTS: tuple[Variant, ...] = (STANDARD, LARGE_PRINT, TRIFOLD)


def variants_for(handout: Handout) -> tuple[Variant, ...]:
    """The editions built for this handout (it may opt out of large print, and in to the
    tri-fold)."""
    return tuple(
        v
        for v in VARIANTS
        if (v is not LARGE_PRINT or handout.large_print) and (v is not TRIFOLD or handout.trifold)
    )
