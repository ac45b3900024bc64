"""The build: load and check everything, plan one job per handout and variant, then render
each job to a verified PDF and write it atomically.

Order matters: config, crisis data, theme and every source are loaded and checked before
anything is written, so a mistake never leaves half a build. A handout with errors is
not built and its previous PDF is left as it was; the other handouts still build.

``plan`` does the cheap work (parsing, checks, templating) in this process and returns
``Job`` objects that hold everything a render needs as plain, picklable data, so
``render_job`` can run in this process or in a worker.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup as SafeHtml

from clinic_handouts import markup as markup_mod
from clinic_handouts.atomic import remove_stale_temporaries, write_atomic
from clinic_handouts.catalog_update import update_catalogue
from clinic_handouts.checks import CheckContext, check_handout, check_project
from clinic_handouts.config import ProjectConfig, load_config, suggest
from clinic_handouts.crisis import CrisisDirectory, load_crisis
from clinic_handouts.errors import Problem, UsageError, error
from clinic_handouts.i18n import load_languages
from clinic_handouts.pdf import BlockedResource, Renderer, Stamp, StampMissing
from clinic_handouts.render import Page, make_environment, render_html
from clinic_handouts.sources import Handout, load_handouts
from clinic_handouts.theme import Theme, builtin_theme_dir, load_theme
from clinic_handouts.variants import Variant, skipped_variants, variants_for


@dataclass(frozen=True)
class BuildOptions:
    today: dt.date
    only: tuple[str, ...] = ()
    write_html: bool = False
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


@dataclass(frozen=True)
class Output:
    handout: Handout
    variant: Variant
    pdf: Path
    pages: int
    size: int


@dataclass(frozen=True)
class JobResult:
    job: Job
    output: Output | None
    problem: Problem | None


@dataclass
class BuildReport:
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    seconds: float = 0.0

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
                    f"{suggest(item, known)}. 'handouts check --report' lists them all",
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


def stamp_for(page: Page) -> Stamp:
    contacts = tuple(c for r in page.crisis.resources for c in r.contacts)
    return Stamp(every_page=(page.disclaimer, page.crisis.footer), in_body=contacts)


@dataclass(frozen=True)
class Checked:
    """The outcome of checking chosen handouts: what ``handouts check`` prints and what the
    build uses to decide which handouts it may render."""

    problems: list[Problem]
    markup: dict[str, markup_mod.Markup]  # by handout file, for rendering
    failed: frozenset[str]  # handout files with at least one error


def check_chosen(project: Project, chosen: Sequence[Handout], context: CheckContext) -> Checked:
    """Run every check (per handout, and across handouts) on the chosen handouts.

    The build and ``handouts check`` both call this, so they cannot disagree.
    """
    files = {h.rel for h in chosen}
    # Checks across handouts (translations): reported for the chosen handouts only.
    problems = [p for p in check_project(project.handouts, context) if p.path in files]
    converted: dict[str, markup_mod.Markup] = {}
    for handout in chosen:
        converted[handout.rel] = markup_mod.to_html(handout.body, handout.rel, handout.body_line)
        problems.extend(check_handout(handout, converted[handout.rel], context))
    failed = frozenset(p.path for p in problems if p.is_error)
    return Checked(problems=problems, markup=converted, failed=failed)


def plan(project: Project, options: BuildOptions) -> tuple[list[Job], BuildReport]:
    """Check every chosen handout and render the HTML of each job; write nothing."""
    config = project.config
    if options.paper:
        config = dataclasses.replace(config, paper=options.paper)
    report = BuildReport(problems=list(project.problems))
    if any(p.code == "crisis-data-stale" for p in report.problems):
        return [], report  # nothing may be stamped with unconfirmed crisis data
    chosen = select(project.handouts, options.only)
    chosen = select_languages(chosen, options.langs, project.handouts, options.only)
    strings = load_languages(languages_used(chosen, project.crisis), config.root)
    context = CheckContext(config=config, crisis=project.crisis, today=options.today)
    env = make_environment(project.theme)
    checked = check_chosen(project, chosen, context)
    report.problems.extend(checked.problems)
    jobs: list[Job] = []
    for handout in chosen:
        if handout.rel in checked.failed:
            continue
        converted = checked.markup[handout.rel]
        crisis = project.crisis.for_lang(handout.lang)
        for variant in variants_for(handout):
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
            jobs.append(
                Job(
                    handout=handout,
                    variant=variant,
                    html=render_html(env, project.theme, config, page),
                    base_url=handout.source.parent.as_uri() + "/",
                    stamp=stamp_for(page),
                    pdf_path=config.build_dir / f"{handout.output_stem}{variant.suffix}.pdf",
                    write_html=options.write_html,
                )
            )
    return jobs, report


def _line_of(handout: Handout, url: str) -> int:
    """The source line that mentions a URL (or the last part of its path)."""
    for needle in (url, url.rsplit("/", 1)[-1]):
        for offset, text in enumerate(handout.body.split("\n")):
            if needle and needle in text:
                return handout.body_line + offset
    return 0


def render_job(renderer: Renderer, job: Job) -> JobResult:
    """Render, verify and atomically write one job's PDF (and HTML when asked)."""
    handout = job.handout
    try:
        data, pages = renderer.render_pdf(job.html, base_url=job.base_url, stamp=job.stamp)
    except BlockedResource as exc:
        return JobResult(
            job,
            None,
            error(handout.rel, _line_of(handout, exc.url), exc.code, f"{exc.url}: {exc.reason}"),
        )
    except StampMissing as exc:
        return JobResult(
            job,
            None,
            error(
                handout.rel,
                0,
                "stamp-missing",
                f"not written: {exc}. The theme's templates must "
                "keep the stamp; check templates/ in the project",
            ),
        )
    if job.write_html:
        write_atomic(job.pdf_path.with_suffix(".html"), job.html.encode("utf-8"))
    write_atomic(job.pdf_path, data)
    return JobResult(job, Output(handout, job.variant, job.pdf_path, pages, len(data)), None)


def allowed_roots(config: ProjectConfig) -> tuple[Path, ...]:
    return (config.root, builtin_theme_dir())


def build(root: Path, options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    project = load_project(root, options.today)
    jobs, report = plan(project, options)
    if jobs:
        remove_stale_temporaries(project.config.build_dir)
        renderer = Renderer(allowed_roots(project.config))
        for job in jobs:
            result = render_job(renderer, job)
            if result.output:
                report.outputs.append(result.output)
            if result.problem:
                report.problems.append(result.problem)
            for skipped in skipped_variants(job.handout):  # opted out: no stale edition left
                job.pdf_path.with_name(f"{job.handout.slug}{skipped.suffix}.pdf").unlink(
                    missing_ok=True
                )
    # Every edition of a handout meets the same refused address: report it once.
    report.problems = sorted(set(report.problems))
    # --- catalogue: build/index.html from every current output (built or up to date) ----
    # (a refused build that wrote nothing leaves no build/ folder behind)
    if report.outputs or project.config.build_dir.is_dir():
        update_catalogue(project.config, project.theme, report.outputs, options.today)
    report.seconds = time.perf_counter() - started
    return report
