"""The render pool with real worker processes: a worker that dies is blamed for its own
job only, workers are replaced after a bounded number of documents, and workers never
outlive the build that started them.

The jobs here are tiny functions instead of PDFs, so these tests look at the pool alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from clinic_handouts.build.pool import MAX_DOCUMENTS_PER_WORKER, Crashed, RenderLimits, RenderPool
from tests.helpers.repo_project import REPO


def make_renderer() -> str:
    return "renderer"


def shout(renderer: str, job: str) -> str:
    """A job: dies for "crash...", otherwise answers after a moment."""
    if job.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.02)
    return f"{renderer}:{job.upper()}"


def worker_pid(renderer: str, job: int) -> int:
    time.sleep(0.005)  # long enough that every worker gets started and takes jobs
    return os.getpid()


def run(jobs: list[str], workers: int = 2) -> dict[str, str | Crashed]:
    pool: RenderPool[str, str] = RenderPool(workers, make_renderer, shout, capacity=len(jobs))
    with pool:
        for key, job in enumerate(jobs):
            pool.submit(key, job)
        return {jobs[key]: result for key, result in pool.results()}


def test_a_dead_worker_is_blamed_for_its_own_job_and_the_others_finish() -> None:
    jobs = ["a", "b", "c", "crash", "d", "e", "f", "g"]
    results = run(jobs)
    assert isinstance(results.pop("crash"), Crashed)
    assert results == {job: f"renderer:{job.upper()}" for job in jobs if job != "crash"}


def test_every_job_crashing_ends_with_every_job_reported() -> None:
    jobs = [f"crash{n}" for n in range(6)] + ["fine"]
    results = run(jobs)
    assert set(results) == set(jobs)
    assert all(isinstance(results[job], Crashed) for job in jobs if job != "fine")


def test_in_process_pool_for_one_job_at_a_time() -> None:
    assert run(["x", "y"], workers=1) == {"x": "renderer:X", "y": "renderer:Y"}


def test_workers_are_replaced_after_a_bounded_number_of_documents() -> None:
    count = 2 * MAX_DOCUMENTS_PER_WORKER + 10
    pool: RenderPool[int, int] = RenderPool(2, make_renderer, worker_pid, capacity=count)
    with pool:
        for key in range(count):
            pool.submit(key, key)
        pids = [pid for _, pid in pool.results()]
    assert len(pids) == count
    assert len(set(pids)) >= 3  # two workers could not have done them all
    assert max(pids.count(pid) for pid in set(pids)) <= 2 * MAX_DOCUMENTS_PER_WORKER


def test_workers_exit_when_the_build_process_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "orphan.py"
    script.write_text(
        textwrap.dedent(
            """\
            import os, sys, time
            from clinic_handouts.build.pool import RenderPool
            from tests.build.test_pool import make_renderer, worker_pid

            if __name__ == "__main__":
                pool = RenderPool(2, make_renderer, worker_pid, capacity=1)
                pool.submit(0, 0)
                print(next(iter(pool.results()))[1], flush=True)
                time.sleep(60)
            """
        )
    )
    child = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    worker = int(child.stdout.readline())
    os.kill(worker, 0)  # alive and waiting for more work
    child.kill()
    child.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError(f"worker {worker} outlived its build")


def hog_or_hang(renderer: str, job: str) -> str:
    """A job: "hang" never ends, "hog" keeps taking memory (400 MB, touched page by page
    so it is resident), anything else answers at once."""
    if job == "hang":
        time.sleep(3600)
    if job == "hog":
        hoard = [bytearray(1_000_000) for _ in range(400)]
        time.sleep(3600)
        return str(len(hoard))
    return job.upper()


def test_a_job_over_its_limits_is_stopped_and_named_and_the_others_finish() -> None:
    jobs = ["a", "hang", "b", "hog", "c", "d"]
    limits = RenderLimits(seconds=1.0, memory_bytes=200_000_000)
    pool: RenderPool[str, str] = RenderPool(
        2, make_renderer, hog_or_hang, capacity=len(jobs), limits=limits
    )
    started = time.monotonic()
    with pool:
        for key, job in enumerate(jobs):
            pool.submit(key, job)
        results = {jobs[key]: result for key, result in pool.results()}
    assert time.monotonic() - started < 30
    hang, hog = results.pop("hang"), results.pop("hog")
    assert isinstance(hang, Crashed) and hang.kind == "timeout", hang
    assert isinstance(hog, Crashed) and hog.kind == "memory", hog
    assert "more than 1 seconds" in hang.message and "more than 200 MB" in hog.message
    assert results == {"a": "A", "b": "B", "c": "C", "d": "D"}


def test_with_limits_even_one_worker_is_a_process_that_can_be_stopped() -> None:
    limits = RenderLimits(seconds=1.0)
    pool: RenderPool[str, str] = RenderPool(1, make_renderer, hog_or_hang, 2, limits=limits)
    with pool:
        pool.submit(0, "hang")
        pool.submit(1, "x")
        results = dict(pool.results())
    assert isinstance(results[0], Crashed) and results[0].kind == "timeout"
    assert results[1] == "X"


def test_closing_kills_a_stuck_worker_after_the_grace() -> None:
    """After Ctrl-C the build closes its pool: a job that never ends must not hold it."""
    limits = RenderLimits(seconds=600, grace=0.5)
    pool: RenderPool[str, str] = RenderPool(2, make_renderer, hog_or_hang, 2, limits=limits)
    pool.submit(0, "hang")
    pool.submit(1, "x")
    time.sleep(1.0)  # the workers are up and on their jobs
    closing = threading.Thread(target=pool.close, daemon=True)  # a hang fails, not hangs
    closing.start()
    closing.join(timeout=5)
    assert not closing.is_alive()
