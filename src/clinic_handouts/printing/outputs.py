"""The build's one call into printing/: what a build writes for printing, after the
handouts' own PDFs and the catalogue.

- every build: each rack's restock pack, ``build/racks/<name>.pdf`` (printing/racks.py);
  when a pack was written or removed, the catalogue (which lists them) is written again;
- ``handouts build --print-shop``: the print-shop copies with bleed and crop marks,
  ``build/print-shop/<lang>/<slug>.pdf`` (printing/print_shop.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clinic_handouts.catalogue.entries import update_catalogue
from clinic_handouts.errors import Problem
from clinic_handouts.printing.racks import write_rack_packs

if TYPE_CHECKING:
    from clinic_handouts.build.plan import BuildOptions, BuildReport
    from clinic_handouts.project.load import Project


def write_print_outputs(
    project: Project, report: BuildReport, options: BuildOptions
) -> list[Problem]:
    """Write the rack packs (and the print-shop files when asked); the problems found."""
    problems, changed = write_rack_packs(project, report, options.today)
    if changed:  # the catalogue, written just before, lists the packs: bring it up to date
        update_catalogue(
            project.config, project.theme, report.outputs, report.reading_grades, options.today
        )
    if options.print_shop:
        from clinic_handouts.printing.print_shop import write_print_shop

        problems.extend(write_print_shop(project, report.outputs))
    return problems
