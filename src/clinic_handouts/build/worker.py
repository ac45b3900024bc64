"""One PDF to make, and what a render worker does with it.

A ``Job`` holds everything a render needs as plain, picklable data (the HTML is already
made), so ``render_job`` runs in this process or in a worker. Workers load this module
and the renderer (build/warm_start.py), not the whole build with its checks and catalogue, so
they are ready sooner when a build needs them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_handouts.build.atomic import OutputError, write_atomic
from clinic_handouts.build.dependencies import (
    Dependency,
    font_dependency,
    from_files,
    signature,
)
from clinic_handouts.errors import Problem, error
from clinic_handouts.project.editions import Variant
from clinic_handouts.project.sources import Handout
from clinic_handouts.render.stamp import Stamp

if TYPE_CHECKING:
    from clinic_handouts.render.pdf import Renderer


@dataclass(frozen=True)
class Job:
    """One PDF to make: a handout in one variant, with its HTML already rendered."""

    handout: Handout
    variant: Variant
    html: str
    base_url: str
    stamp: Stamp
    pdf_path: Path
    write_html: bool
    fingerprint: str = ""  # of everything the PDF is made from (see build/fingerprint.py)
    pdf_id: bytes = b"clinic-handouts"  # the PDF's permanent identifier
    # Where the catalogue's page-1 picture of this PDF goes, when this is the edition the
    # catalogue shows: made here, on the worker's core, not one by one after the build.
    thumbnail: Path | None = None


@dataclass(frozen=True)
class Output:
    """One PDF of a build, made now or found up to date and left as it was: what the
    manifest records about it, what the summary counts and what the catalogue links to."""

    handout: Handout
    variant: Variant
    pdf: Path
    pages: int
    size: int
    built: bool = True  # False: it was up to date and left as it was
    sha256: str = ""  # of the bytes written, or (up to date) of the bytes checked
    # manifest.signature() of the file written, taken right after the rename
    status: tuple[int, ...] = ()
    thumbnail: bool = False  # the job's page-1 picture was made from those bytes
    # Every file the render read, and the fonts it drew with (build/dependencies.py)
    dependencies: dict[str, Dependency] = field(default_factory=dict)


@dataclass(frozen=True)
class JobResult:
    """What ``render_job`` gives back for one job: the output written, or the problem that
    stopped it (one of the two, never both). The build turns it into a manifest entry or
    a problem."""

    job: Job
    output: Output | None
    problem: Problem | None


def _line_of(handout: Handout, url: str) -> int:
    """The source line that mentions a URL (or the last part of its path)."""
    for needle in (url, url.rsplit("/", 1)[-1]):
        for offset, text in enumerate(handout.body.split("\n")):
            if needle and needle in text:
                return handout.body_line + offset
    return 0


def _shown(url: str) -> str:
    """An address as a message shows it: a data: address can be a megabyte long."""
    return url if len(url) <= 80 else url[:60] + "…"


def recorded(
    files: tuple[tuple[str, str, os.stat_result], ...], fonts: tuple[Path, ...]
) -> dict[str, Dependency]:
    """What a PDF was made from: the files the fetcher read and the fonts it drew with."""
    found = from_files(files)
    for font in fonts:
        entry = font_dependency(font)
        if entry is not None:
            found[entry[0]] = entry[1]
    return found


def new_renderer(roots: tuple[Path, ...]) -> Renderer:
    """A renderer for this process (imports WeasyPrint: see the module docstring)."""
    from clinic_handouts.render.pdf import Renderer

    return Renderer(roots)


def render_job(renderer: Renderer, job: Job) -> JobResult:
    """Render, verify and atomically write one job's PDF (and HTML when asked)."""
    from weasyprint.urls import FatalURLFetchingError

    from clinic_handouts.render.pdf import BlockedResource, NotPrinted

    handout = job.handout
    try:
        if job.variant.imposed:  # the tri-fold: panels first, then placed on the sheet
            from clinic_handouts.printing.trifold import render_trifold

            data, pages, fonts, files = render_trifold(
                renderer, job.html, job.base_url, job.stamp, job.pdf_id
            )
        else:
            data, pages, fonts, files = renderer.render_pdf(
                job.html, base_url=job.base_url, stamp=job.stamp, identifier=job.pdf_id
            )
    except BlockedResource as exc:
        return JobResult(
            job,
            None,
            error(
                handout.rel,
                _line_of(handout, exc.url),
                exc.code,
                f"{_shown(exc.url)}: {exc.reason}",
            ),
        )
    except FatalURLFetchingError as exc:
        # A BaseException: uncaught, it would end the whole build (or kill serve's
        # watcher). The fetcher turns what it knows into BlockedResource; this is the
        # rest, such as a file that vanished while the PDF was being made.
        return JobResult(
            job,
            None,
            error(
                handout.rel,
                0,
                "render-failed",
                f"{job.pdf_path.name} not written: a file it needs could not be read "
                f"({_shown(str(exc))}). Check the pictures and links of this handout, "
                "then build again",
            ),
        )
    except NotPrinted as exc:  # a stamp not shown, a glyph no font can draw
        return JobResult(
            job,
            None,
            error(
                handout.rel,
                0,
                exc.code,
                f"{job.pdf_path.name} not written: {exc}. {exc.advice}",
            ),
        )
    try:
        if job.write_html:
            write_atomic(job.pdf_path.with_suffix(".html"), job.html.encode("utf-8"))
        written = write_atomic(job.pdf_path, data)
    except OutputError as exc:
        # A full disk is a problem of this output, not the end of the build: the build
        # still records what it made, and prints its summary.
        cause = exc.problems[0]
        return JobResult(
            job, None, error(handout.rel, 0, cause.code, f"{cause.path}: {cause.message}")
        )
    thumbnail = False
    if job.thumbnail is not None:
        from clinic_handouts.render.thumbnails import write_thumbnail

        # On a full disk the PDF is still whole: its card shows without a picture.
        with contextlib.suppress(OutputError):
            thumbnail = write_thumbnail(data, job.thumbnail)
    output = Output(
        handout,
        job.variant,
        job.pdf_path,
        pages,
        len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        status=signature(written),
        thumbnail=thumbnail,
        dependencies=recorded(files, fonts),
    )
    return JobResult(job, output, None)
