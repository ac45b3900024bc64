"""Planning a build: check every chosen handout and make one ``Job`` per edition that is not
current, holding everything a render needs as plain, picklable data (so it can run in this
process or in a worker). The cheap work (parsing, checks, templating) happens here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup as SafeHtml

from clinic_handouts.addresses import bundled_theme_dir
from clinic_handouts.build import fingerprint
from clinic_handouts.build.atomic import write_atomic
from clinic_handouts.build.dependencies import Probe
from clinic_handouts.build.manifest import Manifest, OutputRecord
from clinic_handouts.build.pool import RenderLimits
from clinic_handouts.build.worker import Job, Output
from clinic_handouts.checks import CheckContext
from clinic_handouts.checks.cache import FRESH, CheckCache
from clinic_handouts.checks.run import iter_checked
from clinic_handouts.errors import Problem
from clinic_handouts.project import paths, reserved
from clinic_handouts.project.editions import Variant, variants_for
from clinic_handouts.project.load import Project, blocks_every_handout
from clinic_handouts.project.selection import Selection, select_for_build
from clinic_handouts.project.sources import Handout
from clinic_handouts.render.html import Page, make_environment, render_html
from clinic_handouts.render.stamp import Stamp

# Called with (outputs settled so far, outputs in this build) as the build goes.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    """What one build is asked to do: ``handouts build``'s flags, as cli.py reads them. The
    preview server's rebuilds and build/deliverable.py (for email and print) give only
    the date and the handouts they need."""

    today: dt.date
    only: tuple[str, ...] = ()
    write_html: bool = False
    force: bool = False  # render every output, current or not
    jobs: int = 0  # render processes; 0: one per core, 1: in this process
    langs: tuple[str, ...] = ()  # build only handouts in these languages
    paper: str | None = None  # "letter" or "a4": overrides [print] paper for this build
    # Time and memory one PDF may take; every render runs in a worker process under them.
    limits: RenderLimits = field(default_factory=RenderLimits)
    print_shop: bool = False  # also write build/print-shop/ (printing/print_shop.py)


@dataclass
class BuildReport:
    """What a build did: its problems, each output built or found up to date, the PDFs
    removed and each handout's reading grade. ``build`` returns it; build/summary.py
    prints it, and the catalogue is made from its outputs."""

    problems: list[Problem] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)  # built and up to date
    seconds: float = 0.0
    removed: list[Path] = field(default_factory=list)  # outputs of handouts that are gone
    reading_grades: dict[str, float | None] = field(default_factory=dict)  # by handout file

    @property
    def built(self) -> list[Output]:
        return [o for o in self.outputs if o.built]

    @property
    def up_to_date(self) -> list[Output]:
        return [o for o in self.outputs if not o.built]

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    @property
    def failed_files(self) -> list[str]:
        """Handout files with errors: not built, previous outputs kept."""
        return sorted(
            {p.path for p in self.problems if p.is_error and p.path.startswith("handouts/")}
        )


def stamp_for(page: Page) -> Stamp:
    contacts = tuple(c for r in page.crisis.resources for c in r.contacts)
    return Stamp(every_page=(page.disclaimer, page.crisis.footer), in_body=contacts)


def stamping_blocked(problems: Sequence[Problem]) -> bool:
    """Nothing may be stamped with crisis data nobody has confirmed, or with the
    placeholder clinic name and phone: errors in handouts.toml print on every page."""
    return any(blocks_every_handout(p) for p in problems)


def output_key(handout: Handout, variant: Variant) -> str:
    """Where an output goes, inside build/: ``en/sleep.pdf``."""
    return paths.output_key(handout.lang, handout.slug, variant.suffix)


def pdf_identifier(key: str) -> bytes:
    """The PDF's permanent ID: the same for every version of one output, never random."""
    return hashlib.md5(f"clinic-handouts:{key}".encode(), usedforsecurity=False).digest()


def up_to_date(handout: Handout, variant: Variant, pdf: Path, entry: OutputRecord) -> Output:
    """An output left as it was, with the SHA-256 its bytes were just checked against."""
    return Output(handout, variant, pdf, entry.pages, entry.size, built=False, sha256=entry.sha256)


def plan_jobs(
    project: Project,
    options: BuildOptions,
    report: BuildReport,
    manifest: Manifest | None = None,
    cache: CheckCache | None = None,
    settled: Callable[[int], None] = lambda count: None,
    selection: Selection | None = None,
) -> Iterator[Job]:
    """Check every chosen handout and yield a job for each output that is not current.

    Problems and up-to-date outputs go into ``report``; ``settled(n)`` is called for
    outputs finished without a job (up to date, or not built because of errors). Without
    a manifest, or with ``options.force``, nothing is current. Writes nothing but the
    HTML of up-to-date outputs when ``options.write_html`` asks for it.
    """
    config = project.config
    if options.paper:
        config = dataclasses.replace(config, paper=options.paper)
    if stamping_blocked(report.problems):
        return  # nothing may be stamped with unconfirmed crisis data
    selection = selection or select_for_build(project, options.only, options.langs)
    strings = selection.strings
    context = CheckContext(
        config=config,
        crisis=project.crisis,
        today=options.today,
        reserved=reserved.for_theme(project.theme),
    )
    env = make_environment(project.theme)
    checker = cache.checker() if cache is not None else FRESH
    shared = fingerprint.shared_digest(config, project.theme, project.crisis, options.today)
    probe = Probe(config.root.resolve(), bundled_theme_dir().resolve())  # each file once
    build_dir = config.build_dir
    notices = (
        tuple(strings[lang] for lang in config.listed_languages) if config.language_notice else ()
    )
    # Files whose front matter has errors are checked too (never built: checked.failed).
    for checked in iter_checked(project, selection.checked, context, checker):
        handout, converted = checked.handout, checked.markup
        report.problems.extend(checked.problems)
        report.reading_grades[handout.rel] = checked.reading_grade
        variants = variants_for(handout)
        if checked.failed:
            settled(len(variants))
            continue
        crisis = project.crisis.for_lang(handout.lang)
        for variant in variants:
            key = output_key(handout, variant)
            pdf_path = build_dir / key
            print_fingerprint = fingerprint.output_fingerprint(
                shared,
                handout,
                strings[handout.lang],
                variant,
                strings[crisis.lang],
                notices,
            )
            current = (
                manifest is not None
                and not options.force
                and manifest.is_current(key, print_fingerprint, build_dir, probe)
            )
            if current and not options.write_html:
                assert manifest is not None
                entry = manifest.entries[key]
                report.outputs.append(up_to_date(handout, variant, pdf_path, entry))
                settled(1)
                continue
            page = Page(
                handout=handout,
                body=SafeHtml(converted.html),
                crisis=crisis,
                strings=strings[handout.lang],
                crisis_strings=strings[crisis.lang],
                notices=notices,
                disclaimer=config.disclaimer[handout.lang],
                build_date=options.today,
                variant=variant,
            )
            html = render_html(env, project.theme, config, page)
            if current:  # only the HTML was asked for: the PDF stays as it is
                assert manifest is not None
                entry = manifest.entries[key]
                write_atomic(pdf_path.with_suffix(".html"), html.encode("utf-8"))
                report.outputs.append(up_to_date(handout, variant, pdf_path, entry))
                settled(1)
                continue
            yield Job(
                handout=handout,
                variant=variant,
                html=html,
                base_url=handout.source.parent.as_uri() + "/",
                stamp=stamp_for(page),
                pdf_path=pdf_path,
                write_html=options.write_html,
                fingerprint=print_fingerprint,
                pdf_id=pdf_identifier(key),
                thumbnail=(  # the catalogue shows the first edition
                    config.build_dir / paths.thumbnail_key(handout.lang, handout.slug)
                    if variant == variants[0]
                    else None
                ),
            )


def plan(
    project: Project, options: BuildOptions, manifest: Manifest | None = None
) -> tuple[list[Job], BuildReport]:
    """Check every chosen handout and render the HTML of each job; write nothing
    (but the HTML of up-to-date outputs, when ``options.write_html`` asks for it)."""
    report = BuildReport(problems=list(project.problems))
    jobs = list(plan_jobs(project, options, report, manifest))
    return jobs, report
