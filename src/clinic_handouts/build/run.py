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
imports WeasyPrint: loading it takes longer than a build with nothing to do.

Every PDF is rendered in a worker process, even with -j 1, under ``options.limits``
(pool.RenderLimits): a render that takes too long or too much memory is stopped and is
a ``render-timeout`` or ``render-memory`` problem naming its handout; the others build.
A render in this process could not be stopped, nor could Ctrl-C end it.

Render workers are separate processes that import the main module of the program that
called ``build``, so a script calling it must guard its own work with ``if __name__ ==
"__main__":``, as with any use of multiprocessing.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_handouts.addresses import allowed_roots
from clinic_handouts.build.manifest import (
    Manifest,
    OutputRecord,
)
from clinic_handouts.build.plan import (
    BuildOptions,
    BuildReport,
    Progress,
    plan_jobs,
    stamping_blocked,
)
from clinic_handouts.build.pool import Crashed, RenderPool, default_jobs
from clinic_handouts.build.state import BuildState
from clinic_handouts.build.warm_start import WORKER_MODULES
from clinic_handouts.build.worker import Job, JobResult, new_renderer, render_job
from clinic_handouts.checks.translation_review import check_languages
from clinic_handouts.errors import Problem, error
from clinic_handouts.printing.outputs import write_print_outputs
from clinic_handouts.project.editions import variants_for
from clinic_handouts.project.load import Project
from clinic_handouts.project.selection import choose, select_for_build

if TYPE_CHECKING:
    from clinic_handouts.render.pdf import Renderer


def crash_problem(job: Job, crash: Crashed) -> Problem:
    edition = "" if job.variant.name == "standard" else f"{job.variant.name} edition: "
    if crash.kind in ("timeout", "memory"):
        code = "render-timeout" if crash.kind == "timeout" else "render-memory"
        return error(
            job.handout.rel,
            0,
            code,
            f"{edition}{crash.message}. Its previous PDF, if any, was kept; the other "
            "handouts were built",
        )
    return error(
        job.handout.rel,
        0,
        "render-crash",
        f"{edition}{crash.message}. Its previous PDF, if any, was kept. Run 'handouts "
        "build' again; if it stops at this handout again, run 'handouts build --only "
        f"{job.handout.id} -j 1' and show what it prints to your IT person",
    )


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
                sha256=output.sha256,
                status=output.status,
                dependencies=output.dependencies,
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
    make_renderer: Callable[[tuple[Path, ...]], Renderer] = new_renderer,
) -> BuildReport:
    """Check everything, render what is not current, and report; see the module docstring.

    Setting ``stop`` (from a signal handler, say) ends the build at its next safe point
    with KeyboardInterrupt: PDFs being rendered get ``options.limits.grace`` seconds to
    finish, then their workers are killed; what was made is recorded.
    ``make_renderer(allowed_roots)`` makes each worker's renderer (a module-level
    function: workers import it by name).
    """
    started = time.perf_counter()
    workers = options.jobs or default_jobs()
    _check(stop)
    report = BuildReport(problems=list(project.problems))
    if stamping_blocked(report.problems):
        report.problems = choose(project, options.only, options.langs).about(report.problems)
        report.seconds = time.perf_counter() - started
        return report  # nothing is written, not even build/
    config = project.config
    build_dir = config.build_dir
    # Usage and config errors are raised here, before the lock is taken.
    selection = select_for_build(project, options.only, options.langs)
    report.problems = selection.about(report.problems)  # --only: only the chosen files
    # The languages these handouts print in, not every language of the project.
    report.problems += check_languages(project.config, selection.handouts, project.crisis)
    total = sum(len(variants_for(h)) for h in selection.checked)
    with BuildState(
        project, force=options.force, partial=bool(options.only or options.langs)
    ) as state:
        manifest = state.manifest
        recorder = _Recorder(report, manifest, build_dir, options.today, total, progress)
        pool: RenderPool[Job, JobResult] = RenderPool(
            workers=workers,
            make_renderer=functools.partial(make_renderer, allowed_roots(config.root)),
            work=render_job,
            capacity=max(total, 1),
            preload=WORKER_MODULES,
            limits=options.limits,
        )

        def settled(count: int) -> None:
            recorder.settle(count)
            _check(stop)

        try:
            with pool:
                for job in plan_jobs(
                    project, options, report, manifest, state.cache, settled, selection
                ):
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
            state.close(report)
        state.write_catalogue(report, options.today)
        # --- for printing: rack packs, print-shop files (printing/outputs.py)
        report.problems.extend(write_print_outputs(project, report, options))
        # Every edition of a handout meets the same refused address: report it once.
        report.problems = sorted(set(report.problems))
    report.seconds = time.perf_counter() - started
    return report
