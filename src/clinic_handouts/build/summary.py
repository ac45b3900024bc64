"""What ``handouts build`` says when it ends: one paragraph of what was made, what was up
to date, what failed and what to do next (the problems themselves are printed before it).
"""

from __future__ import annotations

from pathlib import Path

from clinic_handouts.build.plan import BuildReport


def _shown_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def summarize(report: BuildReport, root: Path) -> str:
    """The closing paragraph; paths are shown relative to the project folder ``root``."""
    built = len(report.built)
    pages = sum(o.pages for o in report.built)
    size = sum(o.size for o in report.built)
    made = f" ({pages} page{'s' if pages != 1 else ''}, {size / 1024:.0f} KB)" if built else ""
    parts = [
        f"Built {built} PDF{'s' if built != 1 else ''}{made}, {len(report.up_to_date)} up "
        f"to date, {len(report.failed_files)} failed, in {report.seconds:.1f} s"
    ]
    if report.removed:
        parts.append(
            f"Removed {len(report.removed)} PDF{'s' if len(report.removed) != 1 else ''} "
            "of handouts that no longer exist"
        )
    if report.outputs:
        largest = max(report.outputs, key=lambda o: (o.size, str(o.pdf)))
        parts.append(f"Largest: {_shown_path(largest.pdf, root)} ({largest.size / 1024:.0f} KB)")
    if report.failed_files:
        parts.append(
            f"{len(report.failed_files)} not built: fix the errors above and run "
            "'handouts build' again (their previous PDFs were left as they were)"
        )
    errors = sum(p.is_error for p in report.problems)
    warnings = len(report.problems) - errors
    if errors or warnings:
        parts.append(f"{errors} error(s), {warnings} warning(s)")
    return ". ".join(parts) + "."
