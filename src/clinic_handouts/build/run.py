"""The build of a loaded project: plan one job per handout and edition, render each job
to a verified PDF on every core, write it atomically, and record what was made.

Order matters: config, crisis data, theme and every source were loaded and checked
(project/load.py) before anything is written, so a mistake never leaves half a build. A
handout with errors is not built and its previous PDF is left as it was; the other
handouts still build. Planning is build/plan.py.

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

import datetime as dt
import functools
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from clinic_handouts.addresses import allowed_roots
from clinic_handouts.build.atomic import remove_stale_temporaries
from clinic_handouts.build.lock import BuildLock
from clinic_handouts.build.manifest import (
    Manifest,
    OutputRecord,
    load_manifest,
    remove_output,
    save_manifest,
)
from clinic_handouts.build.plan import (
    BuildOptions,
    BuildReport,
    Progress,
    output_key,
    plan_jobs,
    stamping_blocked,
)
from clinic_handouts.build.pool import Crashed, RenderPool, default_jobs
from clinic_handouts.build.warm_start import WORKER_MODULES
from clinic_handouts.build.worker import Job, JobResult, new_renderer, render_job
from clinic_handouts.catalogue.entries import update_catalogue
from clinic_handouts.checks.cache import load_check_cache
from clinic_handouts.errors import Problem, error
from clinic_handouts.printing.outputs import write_print_outputs
from clinic_handouts.project.editions import VARIANTS, variants_for
from clinic_handouts.project.load import Project
from clinic_handouts.project.selection import select_for_build


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
    project: Project,
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
    _check(stop)
    report = BuildReport(problems=list(project.problems))
    if stamping_blocked(report.problems):
        report.seconds = time.perf_counter() - started
        return report  # nothing is written, not even build/
    config = project.config
    build_dir = config.build_dir
    # Usage and config errors are raised here, before the lock is taken.
    selection = select_for_build(project, options.only, options.langs)
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
        # --- for printing: rack packs, print-shop files (printing/outputs.py)
        report.problems.extend(write_print_outputs(project, report, options))
    report.seconds = time.perf_counter() - started
    return report
