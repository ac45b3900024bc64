"""The per-handout report of ``handouts check --report``: one row per handout with its
reading figures, word count, pages, review dates and problems, as a text table for the
screen and as ``build/handouts-report.csv`` for a spreadsheet (sort by next review, filter
by problem).

Reading figures come from text/readability.py, pages from the PDF already in build/ (a handout
that has not been built says so). A file that could not be read as a handout still gets
a row with its problems: a handout missing from the rack must not be missing here too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from clinic_handouts.build.atomic import write_atomic
from clinic_handouts.checks.run import CheckResult
from clinic_handouts.errors import Counted, Problem
from clinic_handouts.project import paths
from clinic_handouts.text import readability as metrics

REPORT_NAME = "handouts-report.csv"
NOT_BUILT = "not built"
NOT_SCORED = "not scored"  # in the grade column: no validated formula, or too short


@dataclass(frozen=True)
class ReportRow(Counted):
    """One handout's row in ``handouts check --report``, on the screen and in the CSV file.
    A file that could not be read as a handout gets one too, with only its problems."""

    file: str  # relative to the project: handouts/en/x.md
    id: str
    lang: str
    readability: metrics.Readability | None  # None: the file could not be read as a handout
    pages: int | None  # None: no PDF in build/ yet
    reviewed_on: dt.date | None
    next_review: dt.date | None
    problems: tuple[Problem, ...]

    def problems_text(self) -> str:
        if not self.problems:
            return "none"
        counts = Counter(p.code for p in self.problems)
        codes = ", ".join(f"{code} ×{n}" if n > 1 else code for code, n in sorted(counts.items()))
        parts = []
        if self.errors:
            parts.append(f"{self.errors} error{'s' if self.errors != 1 else ''}")
        if self.warnings:
            parts.append(f"{self.warnings} warning{'s' if self.warnings != 1 else ''}")
        return f"{', '.join(parts)}: {codes}"


def pdf_pages(path: Path) -> int | None:
    """The page count of a built PDF, or None when there is none (or it is unreadable)."""
    if not path.is_file():
        return None
    from pypdf import PdfReader  # only the report needs a PDF reader
    from pypdf.errors import PyPdfError

    try:
        return len(PdfReader(path).pages)
    except (PyPdfError, OSError, ValueError):
        return None


def rows(result: CheckResult) -> list[ReportRow]:
    config = result.project.config
    by_file: dict[str, list[Problem]] = {}
    for problem in result.problems:
        by_file.setdefault(problem.path, []).append(problem)
    table = [
        ReportRow(
            file=h.rel,
            id=h.id,
            lang=h.lang,
            readability=metrics.measure(h),
            pages=pdf_pages(config.build_dir / paths.output_key(h.lang, h.slug)),
            reviewed_on=h.reviewed_on,
            next_review=h.next_review,
            problems=tuple(by_file.get(h.rel, ())),
        )
        for h in result.handouts
    ]
    loaded = {h.rel for h in result.project.handouts}
    for path, problems in by_file.items():
        if path.startswith("handouts/") and path.endswith(".md") and path not in loaded:
            rel = PurePosixPath(path)
            table.append(
                ReportRow(path, rel.stem, rel.parent.name, None, None, None, None, tuple(problems))
            )
    return sorted(table, key=lambda row: (row.id, row.lang, row.file))


def _cells(row: ReportRow) -> list[str]:
    reading = row.readability.describe() if row.readability else "unreadable: see problems"
    words = str(row.readability.words) if row.readability else "-"
    pages = NOT_BUILT if row.pages is None else str(row.pages)
    return [
        row.id,
        row.lang,
        reading,
        words,
        pages,
        str(row.reviewed_on or "-"),
        str(row.next_review or "-"),
        row.problems_text(),
    ]


HEADERS = ["handout", "lang", "reading level", "words", "pages", "reviewed", "next review"]


def format_table(table: Sequence[ReportRow]) -> str:
    """A plain-text table, one handout per line, columns aligned."""
    header = [*HEADERS, "problems"]
    lines = [header, *(_cells(row) for row in table)]
    widths = [max(len(line[k]) for line in lines) for k in range(len(header) - 1)]
    out = []
    for k, line in enumerate(lines):
        out.append(
            "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=False)) + "  " + line[-1]
        )
        if k == 0:
            out.append("  ".join("-" * w for w in widths) + "  " + "-" * len("problems"))
    return "\n".join(text.rstrip() for text in out)


def csv_bytes(table: Sequence[ReportRow]) -> bytes:
    """The report as CSV, with a byte-order mark so spreadsheets read the accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    formulas = ["SMOG", "Flesch-Kincaid", "INFLESZ", "Fernandez-Huerta"]
    writer.writerow(
        [
            *["file", "id", "language", "grade", *formulas, "words", "pages"],
            *["reviewed", "next review", "errors", "warnings", "problems"],
        ]
    )
    for row in table:
        figures = row.readability
        scores = {s.formula: f"{s.value:.1f}" for s in figures.scores} if figures else {}
        grade = ""  # the file could not be read as a handout: no figures at all
        if figures:
            grade = NOT_SCORED if figures.grade is None else f"{figures.grade:.1f}"
        writer.writerow(
            [
                *[row.file, row.id, row.lang, grade, *(scores.get(f, "") for f in formulas)],
                figures.words if figures else "",
                NOT_BUILT if row.pages is None else row.pages,
                *[row.reviewed_on or "", row.next_review or "", row.errors, row.warnings],
                "; ".join(
                    f"line {p.line}: {p.severity}: {p.code}: {p.message}" for p in row.problems
                ),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def write_report(table: Sequence[ReportRow], build_dir: Path) -> Path:
    target = build_dir / REPORT_NAME
    write_atomic(target, csv_bytes(table))
    return target


def report_for(result: CheckResult) -> tuple[str, str]:
    """``handouts check --report``: write build/handouts-report.csv; the table as text and
    the line saying where the file went."""
    table = rows(result)
    written = write_report(table, result.project.config.build_dir)
    where = written.relative_to(result.project.config.root)
    return format_table(table), f"Report written to {where}."
