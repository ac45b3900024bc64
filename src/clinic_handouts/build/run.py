"""The build: load and check everything, plan one job per handout and variant, then render
each job to a verified PDF and write it atomically.

Order matters: config, crisis data, theme and every source are loaded and checked before
anything is written, so a mistake never leaves half a build. A handout with errors is
not built and its previous PDF is left as it was; the other handouts still build.

``plan`` does the cheap work (parsing, checks, templating) in this process and returns
``Job`` objects that hold everything a render needs as plain, picklable data, so
``render_job`` can run in this process or in a worker.

``build`` is the orchestrator. Under the project's build lock it reads the manifest,
plans, and hands each stale job to the render pool as soon as it is planned (rendering
starts while later handouts are still being checked). An output whose fingerprint
matches the manifest is reported as up to date and not rendered. Every handout is
checked every time, but what its text checks found is reused from checks/cache.py while
the text, config and crisis data are unchanged. At the end, whatever happened (even
Ctrl-C), it records what was made in the manifest, removes the outputs of handouts and
variants that no longer exist, and leaves no temporary file behind. This process never
imports WeasyPrint unless it renders itself (-j 1): loading it takes longer than a build
with nothing to do.

Render workers are separate processes that import the main module of the program that
called ``build``, so a script calling it must guard its own work with ``if __name__ ==
"__main__":``, as with any use of multiprocessing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup as SafeHtml

from clinic_handouts.addresses import allowed_roots
from clinic_handouts.build import fingerprint
from clinic_handouts.build.atomic import remove_stale_temporaries, write_atomic
from clinic_handouts.build.lock import BuildLock
from clinic_handouts.build.manifest import (
    Manifest,
    OutputRecord,
    load_manifest,
    remove_output,
    save_manifest,
)
from clinic_handouts.build.pool import Crashed, RenderPool, default_jobs
from clinic_handouts.build.warm_start import WORKER_MODULES, start_renderer_early
from clinic_handouts.build.worker import Job, JobResult, Output, new_renderer, render_job
from clinic_handouts.catalogue.entries import update_catalogue
from clinic_handouts.checks import CheckContext, Findings, check_handout, check_project
from clinic_handouts.checks.cache import FRESH, CheckCache, Checker, load_check_cache
from clinic_handouts.errors import Problem, UsageError, error
from clinic_handouts.project import paths
from clinic_handouts.project.config import ProjectConfig, load_config, suggest
from clinic_handouts.project.crisis import CrisisDirectory, load_crisis
from clinic_handouts.project.editions import VARIANTS, Variant, variants_for
from clinic_handouts.project.sources import Handout, load_handouts
from clinic_handouts.project.theme import Theme, load_theme
from clinic_handouts.project.words import Strings, load_languages
from clinic_handouts.render.html import Page, make_environment, render_html
from clinic_handouts.render.stamp import Stamp
from clinic_handouts.text import markdown as markup_mod

# Called with (outputs settled so far, outputs in this build) as the build goes.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    today: dt.date
    only: tuple[str, ...] = ()
    write_html: bool = False
    force: bool = False  # render every output, current or not
    jobs: int = 0  # render processes; 0: one per core, 1: in this process
    langs: tuple[str, ...] = ()  # build only handouts in these languages
    paper: str | None = None  # "letter" or "a4": overrides [print] paper for this build


@dataclass(frozen=True)
class Project:
    """Everything loaded once per command: the inputs every handout shares."""

    config: ProjectConfig
    crisis: CrisisDirectory
    theme: Theme
    handouts: tuple[Handout, ...]
    problems: tuple[Problem, ...]


@dataclass
class BuildReport:
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


def load_project(root: Path, today: dt.date) -> Project:
    """Config errors raise ConfigError; content problems are returned for reporting."""
    config = load_config(root.resolve())
    crisis = load_crisis(config)
    theme = load_theme(config)
    handouts, problems = load_handouts(config)
    stale = crisis.staleness(today, config.crisis.max_age_days)
    if stale:
        problems.append(stale)
    return Project(config, crisis, theme, tuple(handouts), tuple(problems))


def select(handouts: Sequence[Handout], only: Sequence[str]) -> list[Handout]:
    if not only:
        return list(handouts)
    known = {h.id for h in handouts}
    unknown = [item for item in only if item not in known]
    if unknown:
        raise UsageError(
            [
                error(
                    "",
                    0,
                    "usage",
                    f"no handout with id '{item}'"
                    f"{suggest(item, known)}. 'handouts check' lists them all",
                )
                for item in unknown
            ]
        )
    return [h for h in handouts if h.id in only]


def select_languages(
    chosen: Sequence[Handout], langs: Sequence[str], every: Sequence[Handout], only: Sequence[str]
) -> list[Handout]:
    """The chosen handouts in ``langs``; a usage error for a language with no handouts,
    or an ``--only`` handout with no version in them."""
    if not langs:
        return list(chosen)
    existing = sorted({h.lang for h in every})
    wrong = [
        error(
            "",
            0,
            "usage",
            f"no handouts in language '{lang}'{suggest(lang, existing)}; the project has "
            f"handouts in {', '.join(existing) or 'no language yet'}",
        )
        for lang in langs
        if lang not in existing
    ]
    picked = [h for h in chosen if h.lang in langs]
    wrong += [
        error(
            "",
            0,
            "usage",
            f"handout '{item}' has no version in {', '.join(langs)}; "
            "leave out --lang to build it in every language it has",
        )
        for item in dict.fromkeys(only)
        if not any(h.id == item for h in picked)
    ]
    if wrong:
        raise UsageError(wrong)
    return picked


def languages_used(handouts: Sequence[Handout], crisis: CrisisDirectory) -> dict[str, list[str]]:
    """Language -> the handout files printed in it (their own words, or their crisis box)."""
    used: dict[str, list[str]] = {}
    for handout in handouts:
        used.setdefault(handout.lang, []).append(handout.rel)
        crisis_lang = crisis.for_lang(handout.lang).lang
        if crisis_lang != handout.lang:
            used.setdefault(crisis_lang, []).append(handout.rel)
    return used


def chosen_handouts(project: Project, options: BuildOptions) -> list[Handout]:
    """The handouts this build is about: ``--only`` and ``--lang`` applied."""
    chosen = select(project.handouts, options.only)
    return select_languages(chosen, options.langs, project.handouts, options.only)


@dataclass(frozen=True)
class CheckedHandout:
    """One handout after every check: its converted body and all its problems."""

    handout: Handout
    markup: markup_mod.BodyHtml
    problems: list[Problem]  # its own, and those found by comparing it with others
    reading_grade: float | None

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.problems)


def check_one(
    handout: Handout, context: CheckContext, checker: Checker = FRESH
) -> tuple[markup_mod.BodyHtml, Findings]:
    """One handout's Markdown converted, and every per-handout check's findings."""
    converted = checker.convert(handout.body, handout.rel, handout.body_line)
    return converted, check_handout(handout, converted, context, checker.text)


def iter_checked(
    project: Project,
    chosen: Sequence[Handout],
    context: CheckContext,
    checker: Checker = FRESH,
) -> Iterator[CheckedHandout]:
    """Every check on the chosen handouts, one handout at a time (so the build can render
    while later handouts are still being checked). Checks across handouts (translations)
    run first: they need every handout, not a render."""
    files = {h.rel for h in chosen}
    across: dict[str, list[Problem]] = {}
    for problem in check_project(project.handouts, context):
        if problem.path in files:
            across.setdefault(problem.path, []).append(problem)
    for handout in chosen:
        converted, found = check_one(handout, context, checker)
        problems = across.get(handout.rel, []) + list(found.problems)
        yield CheckedHandout(handout, converted, problems, found.reading_grade)


def check_chosen(
    project: Project,
    chosen: Sequence[Handout],
    context: CheckContext,
    checker: Checker = FRESH,
) -> list[Problem]:
    """Every problem of the chosen handouts. The build and ``handouts check`` both go
    through ``iter_checked``, so they cannot disagree."""
    return [
        p for checked in iter_checked(project, chosen, context, checker) for p in checked.problems
    ]


@dataclass(frozen=True)
class Selection:
    """What one build is about: the handouts (``--only`` and ``--lang`` applied) and the
    words of every language they print in."""

    handouts: list[Handout]
    strings: dict[str, Strings]


def select_for_build(project: Project, options: BuildOptions) -> Selection:
    """Usage errors (an unknown id or language) and config errors (a missing words file)
    are raised here, before a build takes its lock or writes anything."""
    chosen = chosen_handouts(project, options)
    strings = load_languages(languages_used(chosen, project.crisis), project.config.root)
    return Selection(chosen, strings)


def stamp_for(page: Page) -> Stamp:
    contacts = tuple(c for r in page.crisis.resources for c in r.contacts)
    return Stamp(every_page=(page.disclaimer, page.crisis.footer), in_body=contacts)


def stamping_blocked(problems: Sequence[Problem]) -> bool:
    """Nothing may be stamped with crisis data nobody has confirmed."""
    return any(p.code == "crisis-data-stale" for p in problems)


def output_key(handout: Handout, variant: Variant) -> str:
    """Where an output goes, inside build/: ``en/sleep.pdf``."""
    return paths.output_key(handout.lang, handout.slug, variant.suffix)


def pdf_identifier(key: str) -> bytes:
    """The PDF's permanent ID: the same for every version of one output, never random."""
    return hashlib.md5(f"clinic-handouts:{key}".encode(), usedforsecurity=False).digest()


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
    selection = selection or select_for_build(project, options)
    strings = selection.strings
    context = CheckContext(config=config, crisis=project.crisis, today=options.today)
    env = make_environment(project.theme)
    checker = cache.checker() if cache is not None else FRESH
    shared = fingerprint.shared_digest(config, project.theme, project.crisis, options.today)
    for checked in iter_checked(project, selection.handouts, context, checker):
        handout, converted = checked.handout, checked.markup
        report.problems.extend(checked.problems)
        report.reading_grades[handout.rel] = checked.reading_grade
        variants = variants_for(handout)
        if checked.failed:
            settled(len(variants))
            continue
        crisis = project.crisis.for_lang(handout.lang)
        files = fingerprint.referenced_files(converted.html, handout.source, config.root)
        for variant in variants:
            key = output_key(handout, variant)
            pdf_path = config.build_dir / key
            print_fingerprint = fingerprint.output_fingerprint(
                shared, handout, files, strings[handout.lang], variant, strings[crisis.lang]
            )
            current = (
                manifest is not None
                and not options.force
                and manifest.is_current(key, print_fingerprint, config.build_dir)
            )
            if current and not options.write_html:
                assert manifest is not None
                entry = manifest.entries[key]
                report.outputs.append(
                    Output(handout, variant, pdf_path, entry.pages, entry.size, built=False)
                )
                settled(1)
                continue
            page = Page(
                handout=handout,
                body=SafeHtml(converted.html),
                crisis=crisis,
                strings=strings[handout.lang],
                crisis_strings=strings[crisis.lang],
                disclaimer=config.disclaimer[handout.lang],
                build_date=options.today,
                variant=variant,
            )
            html = render_html(env, project.theme, config, page)
            if current:  # only the HTML was asked for: the PDF stays as it is
                assert manifest is not None
                entry = manifest.entries[key]
                write_atomic(pdf_path.with_suffix(".html"), html.encode("utf-8"))
                report.outputs.append(
                    Output(handout, variant, pdf_path, entry.pages, entry.size, built=False)
                )
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


def crash_problem(job: Job, crash: Crashed) -> Problem:
    edition = "" if job.variant.name == "standard" else f"{job.variant.name} edition: "
    return error(
        job.handout.rel,
        0,
        "render-crash",
        f"{edition}{crash.message}. Its previous PDF, if any, was kept. Run 'handouts "
        "build' again; if it stops at this handout again, run 'handouts build --only "
        f"{job.handout.id} -j 1' and show what it prints to your IT person",
    )


def prune(project: Project, manifest: Manifest) -> list[Path]:
    """Remove the outputs of handouts that are gone and of variants that no longer exist.

    A handout that is still there but has errors right now keeps its last good PDF.
    Only files recorded in the manifest are ever removed.
    """
    build_dir = project.config.build_dir
    variants = {v.name for v in VARIANTS}
    loaded = {h.rel for h in project.handouts}
    # A handout that opted out of an edition (large_print: false) loses that edition's PDF.
    expected = {output_key(h, v) for h in project.handouts for v in variants_for(h)}
    removed: list[Path] = []
    for key, entry in sorted(manifest.entries.items()):
        if key in expected:
            continue
        still_there = (project.config.root / entry.source).is_file()
        if entry.variant in variants and still_there and entry.source not in loaded:
            continue  # the handout cannot be read right now: keep its last PDF
        if remove_output(build_dir, key):
            removed.append(build_dir / key)
        del manifest.entries[key]
    return removed


@dataclass
class _Recorder:
    """Turns job results into report outputs, problems, manifest entries and progress."""

    report: BuildReport
    manifest: Manifest
    build_dir: Path
    today: dt.date
    total: int
    progress: Progress | None
    jobs: list[Job] = field(default_factory=list)
    done: int = 0

    def settle(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)

    def record(self, key: int, result: JobResult | Crashed) -> None:
        job = self.jobs[key]
        out_key = job.pdf_path.relative_to(self.build_dir).as_posix()
        if isinstance(result, Crashed):
            self.manifest.mark_failed(out_key)
            self.report.problems.append(crash_problem(job, result))
        elif result.output is None:
            self.manifest.mark_failed(out_key)
            if result.problem is not None:
                self.report.problems.append(result.problem)
        else:
            output = result.output
            self.manifest.entries[out_key] = OutputRecord(
                source=job.handout.rel,
                handout=job.handout.id,
                lang=job.handout.lang,
                variant=job.variant.name,
                fingerprint=job.fingerprint,
                ok=True,
                pages=output.pages,
                size=output.size,
                built_on=self.today.isoformat(),
            )
            self.report.outputs.append(output)
        self.settle(1)


def _check(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise KeyboardInterrupt


def build(
    root: Path,
    options: BuildOptions,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> BuildReport:
    """Check everything, render what is not current, and report; see the module docstring.

    Setting ``stop`` (from a signal handler, say) ends the build at its next safe point
    with KeyboardInterrupt: PDFs being rendered finish, what was made is recorded.
    """
    started = time.perf_counter()
    workers = options.jobs or default_jobs()
    start_renderer_early(root, workers, options.force)  # `handouts build` did already
    project = load_project(root, options.today)
    _check(stop)
    report = BuildReport(problems=list(project.problems))
    if stamping_blocked(report.problems):
        report.seconds = time.perf_counter() - started
        return report  # nothing is written, not even build/
    config = project.config
    build_dir = config.build_dir
    selection = select_for_build(project, options)  # usage and config errors: no lock yet
    total = sum(len(variants_for(h)) for h in selection.handouts)
    with BuildLock(build_dir):
        remove_stale_temporaries(build_dir)
        manifest = load_manifest(build_dir)
        cache = load_check_cache(build_dir)
        recorder = _Recorder(report, manifest, build_dir, options.today, total, progress)
        pool: RenderPool[Job, JobResult] = RenderPool(
            workers=workers,
            make_renderer=functools.partial(new_renderer, allowed_roots(config.root)),
            work=render_job,
            capacity=max(total, 1),
            preload=WORKER_MODULES,
        )

        def settled(count: int) -> None:
            recorder.settle(count)
            _check(stop)

        try:
            with pool:
                for job in plan_jobs(project, options, report, manifest, cache, settled, selection):
                    recorder.jobs.append(job)
                    pool.submit(len(recorder.jobs) - 1, job)
                    for key, result in pool.collected():  # progress while still planning
                        recorder.record(key, result)
                    _check(stop)
                for key, result in pool.results(stop):
                    recorder.record(key, result)
        finally:
            # Also after Ctrl-C or a bug: keep what was made, and leave no debris.
            for key, finished in pool.finished():
                recorder.record(key, finished)
            for source in report.failed_files:
                manifest.mark_failed_source(source)
            report.removed = prune(project, manifest)
            save_manifest(build_dir, manifest)
            cache.save(build_dir, keep_unused=bool(options.only or options.langs))
            remove_stale_temporaries(build_dir)
        # Every edition of a handout meets the same refused address: report it once.
        report.problems = sorted(set(report.problems))
        # --- catalogue: build/index.html from every current output (built or up to date)
        update_catalogue(
            project.config, project.theme, report.outputs, report.reading_grades, options.today
        )
    report.seconds = time.perf_counter() - started
    return report
