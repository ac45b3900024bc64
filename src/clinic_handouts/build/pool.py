"""Run render jobs on every core: long-lived renderer processes, one at least even for -j 1
so that a stuck render can always be stopped.

Each worker process makes one renderer when it starts (WeasyPrint's font setup is done
once, not once per PDF) and renders many documents with it. Workers are forked from a
server process that has already imported the renderer, so a new worker is ready in
milliseconds; the build's own process never imports WeasyPrint unless it renders
itself (-j 1), which keeps a build with nothing to do fast.

Memory stays flat because workers do not live forever: after ``workers x
MAX_DOCUMENTS_PER_WORKER`` documents the pool lets its workers finish and starts fresh
ones. (Python's own ``max_tasks_per_child`` would do this per worker, but up to at least
Python 3.14 it can hang when a retiring worker is not replaced: CPython issue 115634.)
Jobs wait in this process and are handed out a few at a time, so a generation of workers
is never given more than its share and a crash never strands a long queue.

Faults, and what becomes of them:

- A worker that dies while rendering (killed, out of memory, a crash in a library)
  becomes a ``Crashed`` result for the job it was rendering; the pool starts new workers
  and every other job still runs. Workers record the job they are on in shared memory,
  which is how the culprit is told from the jobs that were merely stopped with it.
- Ctrl-C is for the build's own process: workers ignore it and finish the document they
  are on (each write is atomic), queued jobs are dropped, and the finished results can
  still be collected with ``finished()``.
- A worker whose build process has gone away (killed outright) exits by itself.
- Every document renders under ``RenderLimits``: a watchdog thread in this process kills
  a worker that has been on one document longer than ``seconds`` or whose resident memory
  passed ``memory_bytes`` (a picture can make WeasyPrint draw for hours and grow without
  end). Its job becomes a ``Crashed`` result of kind ``"timeout"`` or ``"memory"``;
  the other jobs run on in fresh workers. With limits, even one worker is a separate
  process: a render in this process could not be stopped.
- After Ctrl-C, the documents in progress get ``RenderLimits.grace`` seconds to finish;
  a worker still busy after that is killed (its PDF was never started on disk: every
  write is atomic), so a stuck render never holds the build, or the build lock, open.

The one module-level variable, ``_worker``, is the state of a worker process (its
renderer and current job); the build's own process never sets it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

# multiprocessing and concurrent.futures are imported where a worker is first needed:
# loading them costs about 30 ms, and a build with nothing to do starts no worker.
if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future, ProcessPoolExecutor

J = TypeVar("J")  # a job: picklable
R = TypeVar("R")  # a job's result: picklable

# A worker's memory grows slowly as it renders (font and style caches): about 2 MB per
# 100 four-page documents, from about 80 MB. Replacing workers after this many documents
# each keeps a 1,000-handout build as flat as a 100-handout one, and a 200-handout
# build in one generation (each change of generation idles a core for part of a render
# and starts renderers with cold caches).
MAX_DOCUMENTS_PER_WORKER = 500
# Restarts after which no worker was found to blame (workers killed from outside, or the
# machine out of memory), after which the jobs left are given up.
MAX_RESTARTS = 3

# What a worker records about a job in shared memory (a process id means "rendering it").
_IDLE = 0
_DONE = -1
_STOPPED = -2  # the worker was told to stop (SIGTERM) while on the job: not its fault


@dataclass(frozen=True)
class Crashed:
    """A job whose worker process stopped abruptly while rendering it.

    ``kind``: ``"crash"`` (it died), ``"timeout"`` or ``"memory"`` (the watchdog killed
    it for going over a limit of ``RenderLimits``)."""

    message: str
    kind: str = "crash"


@dataclass(frozen=True)
class RenderLimits:
    """What one document may take in a worker: a collaborator, so tests pass small ones."""

    # A four-page handout renders in about a second; large print and pictures in a few.
    # Two minutes leaves room for a slow, busy computer and stops a hang in time.
    seconds: float = 120.0
    # A worker uses 80-150 MB; decoding the largest picture images.py allows adds ~200 MB.
    memory_bytes: int = 1_500_000_000
    # After Ctrl-C or SIGTERM, how long documents in progress may take to finish.
    grace: float = 3.0
    # How often the watchdog looks (the precision of both limits).
    every: float = 0.05


CRASH_MESSAGE = (
    "the renderer stopped abruptly while making this PDF (the computer may have run out "
    "of memory, or the renderer failed on this document)"
)
TIMEOUT_MESSAGE = (
    "not made: the renderer took more than {seconds:g} seconds on this PDF and was stopped. "
    "Something in it is too complex to draw (often a picture): simplify or remove it"
)
MEMORY_MESSAGE = (
    "not made: the renderer needed more than {megabytes:,} MB of memory for this PDF and "
    "was stopped. Something in it is too large to draw (often a picture): make it smaller "
    "or remove it"
)
GAVE_UP_MESSAGE = (
    "not made: the renderer processes kept stopping during this build (the computer may "
    "be out of memory)"
)


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass
class _WorkerState:
    renderer: Any
    slots: Any  # the shared array of job states
    started: Any  # the shared array of when each job was started (time.monotonic())
    current: int | None = None


_worker: _WorkerState | None = None


def _on_sigterm(signum: int, frame: object) -> None:
    state = _worker
    if state is not None and state.current is not None:
        state.slots[state.current] = _STOPPED
    os._exit(128 + signum)


def _watch_parent(parent: int) -> None:
    """Exit when the build's process is gone; otherwise an orphan waits forever."""
    while True:
        time.sleep(0.5)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass  # exists, owned by someone else (cannot happen for our parent, but harmless)


def _init_worker(make_renderer: Callable[[], Any], slots: Any, started: Any, parent: int) -> None:
    global _worker
    # Ctrl-C reaches every process of the terminal's job; only the build decides what to
    # do with it, and lets the document in progress finish.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    _worker = _WorkerState(renderer=make_renderer(), slots=slots, started=started)


def _run_in_worker(work: Callable[[Any, J], R], key: int, job: J) -> R:
    state = _worker
    assert state is not None, "only called in a worker process"
    state.current = key  # before the slot: a SIGTERM in between must find the job
    state.started[key] = time.monotonic()  # the clock is the system's: the watchdog reads it
    state.slots[key] = os.getpid()
    result = work(state.renderer, job)
    state.slots[key] = _DONE
    state.current = None
    return result


def _resident_bytes(pid: int) -> int | None:
    """A process's resident memory, where the system tells (Linux); else None."""
    try:
        statm = Path(f"/proc/{pid}/statm").read_bytes()
        return int(statm.split()[1]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return None


_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class _Watchdog:
    """A thread of the build's process that kills a worker over a limit of its document.

    It only reads the shared arrays the workers write and records which jobs it stopped;
    the pool learns of the kill the way it learns of any crash (a broken executor).
    """

    def __init__(self, slots: Any, started: Any, limits: RenderLimits) -> None:
        self.slots = slots
        self.started = started
        self.limits = limits
        self.killed: dict[int, str] = {}  # job key -> "timeout" or "memory"
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="render-watchdog", daemon=True)
        self._thread.start()

    def reason(self, key: int) -> str | None:
        with self._lock:
            return self.killed.get(key)

    def _run(self) -> None:
        while not self._stop.wait(self.limits.every):
            self.look()

    def look(self) -> None:
        now = time.monotonic()
        for key, pid in enumerate(self.slots[:]):
            if pid <= 0 or self.reason(key) is not None:
                continue
            why = None
            if now - self.started[key] > self.limits.seconds:
                why = "timeout"
            else:
                resident = _resident_bytes(pid)
                if resident is not None and resident > self.limits.memory_bytes:
                    why = "memory"
            if why is not None and self.slots[key] == pid:  # still on that job
                with self._lock:
                    self.killed[key] = why
                kill(pid)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def kill(pid: int) -> None:
    """SIGKILL: a worker stuck inside a library may never run a Python signal handler."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _broken() -> type[Exception]:
    """BrokenProcessPool, once a worker has been started (see the imports)."""
    from concurrent.futures.process import BrokenProcessPool

    return BrokenProcessPool


def _wait(
    running: list[Future[R]], timeout: float | None, first: bool = False
) -> tuple[set[Future[R]], set[Future[R]]]:
    """concurrent.futures.wait: (done, not done) after ``timeout`` seconds, or as soon as
    one is done (``first``)."""
    from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, wait

    done, pending = wait(running, timeout, FIRST_COMPLETED if first else ALL_COMPLETED)
    return done, pending


def _context() -> multiprocessing.context.BaseContext:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # forkserver: workers fork from a process that already imported the renderer (fast,
    # and nothing of this process, such as the build lock, leaks into them). A plain fork
    # cannot recycle workers (max_tasks_per_child) and would copy the lock.
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _prepared_context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    import multiprocessing.context

    context = _context()
    if preload and isinstance(context, multiprocessing.context.ForkServerContext):
        context.set_forkserver_preload(list(preload))
    return context


def warm_up(preload: Sequence[str]) -> None:
    """Start the process workers fork from, loading ``preload``, in the background.

    Loading WeasyPrint takes about a second; started early, it happens while this
    process is still checking handouts instead of after the first job is found. Nothing
    is lost if no job comes: the server exits with this process.
    """
    import multiprocessing.context
    import multiprocessing.forkserver

    if isinstance(_prepared_context(preload), multiprocessing.context.ForkServerContext):
        multiprocessing.forkserver.ensure_running()


@dataclass
class RenderPool(Generic[J, R]):
    """Render jobs as they are submitted; collect ``(key, result or Crashed)`` pairs.

    ``work(renderer, job)`` runs in a worker (it must be a module-level function);
    ``make_renderer()`` runs once per worker (a module-level function or a partial of
    one). Keys are ``0 <= key < capacity``, each used once. With ``workers == 1`` and
    no ``limits``, everything runs in this process, in order, and a crash ends the build.
    """

    workers: int
    make_renderer: Callable[[], Any]
    work: Callable[[Any, J], R]
    capacity: int
    preload: tuple[str, ...] = ()
    limits: RenderLimits | None = None
    _executor: ProcessPoolExecutor | None = None
    _given: int = 0  # jobs given to the current generation of workers
    _slots: Any = None
    _started: Any = None
    _watchdog: _Watchdog | None = None
    _renderer: Any = None
    _backlog: deque[tuple[int, J]] = field(default_factory=deque)
    _futures: dict[Future[R], tuple[int, J]] = field(default_factory=dict)
    _ready: deque[tuple[int, R | Crashed]] = field(default_factory=deque)
    _fruitless_restarts: int = 0

    @property
    def _window(self) -> int:
        # One rendering and one waiting per worker. The executor starts a worker for each
        # job handed out while none is idle, so the first window also starts them all.
        return 2 * self.workers

    @property
    def _generation(self) -> int:
        return self.workers * MAX_DOCUMENTS_PER_WORKER

    # --- submitting ------------------------------------------------------------------

    def submit(self, key: int, job: J) -> None:
        assert 0 <= key < self.capacity, key
        if self.workers <= 1 and self.limits is None:
            if self._renderer is None:
                self._renderer = self.make_renderer()
            self._ready.append((key, self.work(self._renderer, job)))
            return
        if self._fruitless_restarts > MAX_RESTARTS:
            self._ready.append((key, Crashed(GAVE_UP_MESSAGE)))
            return
        self._backlog.append((key, job))
        self._fill()

    def _harvest(self) -> None:
        """Move finished jobs out of the window, so it counts only jobs still running."""
        for future in [f for f in self._futures if f.done()]:
            if isinstance(future.exception(), _broken()):
                continue  # settled by _recover, with the rest of the broken generation
            key, _job = self._futures.pop(future)
            self._ready.append((key, future.result()))  # a bug in work() raises here

    def _fill(self) -> None:
        """Hand waiting jobs to the workers, a few at a time."""
        self._harvest()
        while self._backlog and len(self._futures) < self._window:
            if self._executor is not None and self._given >= self._generation:
                if self._futures:
                    return  # this generation finishes its share first
                self._retire()
            executor = self._executor or self._start()
            key, job = self._backlog.popleft()
            try:
                future = executor.submit(_run_in_worker, self.work, key, job)
            except _broken():  # a worker died since the last look
                self._backlog.appendleft((key, job))
                self._recover()
                continue
            self._futures[future] = (key, job)
            self._given += 1

    def _start(self) -> ProcessPoolExecutor:
        from concurrent.futures import ProcessPoolExecutor

        context = _prepared_context(self.preload)
        if self._slots is None:
            self._slots = context.RawArray("l", self.capacity)
            self._started = context.RawArray("d", self.capacity)
        if self.limits is not None and self._watchdog is None:
            self._watchdog = _Watchdog(self._slots, self._started, self.limits)
        self._executor = ProcessPoolExecutor(
            max_workers=max(self.workers, 1),
            mp_context=context,
            initializer=_init_worker,
            initargs=(self.make_renderer, self._slots, self._started, os.getpid()),
        )
        self._given = 0
        return self._executor

    def _retire(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)  # idle by now: the workers just exit

    # --- collecting --------------------------------------------------------------------

    def collected(self) -> Iterator[tuple[int, R | Crashed]]:
        """The results that are in already, without waiting for more."""
        self._harvest()
        while self._ready:
            yield self._ready.popleft()

    def results(self, stop: threading.Event | None = None) -> Iterator[tuple[int, R | Crashed]]:
        """Every submitted job's result, in the order they finish; blocks until all did.

        When ``stop`` is set, raises KeyboardInterrupt at the next check (a tenth of a
        second at most). A signal handler must only set it: an exception raised at any
        moment can leave a lock of the executor taken, and closing it would then hang.
        """
        while self._ready or self._futures or self._backlog:
            while self._ready:
                yield self._ready.popleft()
            self._fill()
            if not self._futures:
                continue
            if stop is not None and stop.is_set():
                raise KeyboardInterrupt
            done, _ = _wait(list(self._futures), 0.1, first=True)
            if any(isinstance(f.exception(), _broken()) for f in done):
                self._recover()
                continue
            for future in done:
                key, _job = self._futures.pop(future)
                self._ready.append((key, future.result()))  # a bug in work() raises here

    def finished(self) -> Iterator[tuple[int, R]]:
        """After an interruption: the results of jobs that did finish, not yet collected."""
        while self._ready:
            key, result = self._ready.popleft()
            if not isinstance(result, Crashed):
                yield key, result
        for future, (key, _job) in list(self._futures.items()):
            if future.done() and not future.cancelled() and future.exception() is None:
                del self._futures[future]
                yield key, future.result()

    def _recover(self) -> None:
        """The workers broke: blame the job(s) whose worker died, queue the rest again."""
        self._retire()  # a broken executor has already stopped its workers
        _wait(list(self._futures), None)
        again: list[tuple[int, J]] = []
        blamed = 0
        for future, (key, job) in list(self._futures.items()):
            del self._futures[future]
            error = future.exception()
            if error is None:
                self._ready.append((key, future.result()))
            elif not isinstance(error, _broken()):
                raise error  # a bug in work(), not a crash
            elif self._slots[key] > 0:  # a worker was on it and did not stop cleanly
                self._ready.append((key, self._crashed(key)))
                self._slots[key] = _DONE  # its worker is gone: nothing to watch or kill
                blamed += 1
            else:
                self._slots[key] = _IDLE
                again.append((key, job))
        self._backlog.extendleft(reversed(again))
        # Every restart that finds a culprit takes one job out, so those always end;
        # restarts that find none (workers killed from outside) are limited.
        self._fruitless_restarts += blamed == 0
        if self._fruitless_restarts > MAX_RESTARTS:
            while self._backlog:
                key, _job = self._backlog.popleft()
                self._ready.append((key, Crashed(GAVE_UP_MESSAGE)))

    def _crashed(self, key: int) -> Crashed:
        why = self._watchdog.reason(key) if self._watchdog is not None else None
        if why == "timeout" and self.limits is not None:
            return Crashed(TIMEOUT_MESSAGE.format(seconds=self.limits.seconds), "timeout")
        if why == "memory" and self.limits is not None:
            megabytes = self.limits.memory_bytes // 1_000_000
            return Crashed(MEMORY_MESSAGE.format(megabytes=megabytes), "memory")
        return Crashed(CRASH_MESSAGE)

    # --- closing -----------------------------------------------------------------------

    def close(self) -> None:
        """Stop the workers: waiting jobs are dropped, jobs in progress finish first
        (within ``limits.grace`` seconds, after which their workers are killed)."""
        self._backlog.clear()
        executor, self._executor = self._executor, None
        if executor is not None:
            if self.limits is not None:
                for future in self._futures:
                    future.cancel()  # those not handed to a worker yet
                running = [f for f in self._futures if not f.done()]
                _done, stuck = _wait(running, self.limits.grace)
                if stuck:
                    for pid in {pid for pid in self._slots[:] if pid > 0}:
                        kill(pid)
            executor.shutdown(wait=True, cancel_futures=True)
        if self._watchdog is not None:
            self._watchdog.stop()
            self._watchdog = None

    def __enter__(self) -> RenderPool[J, R]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._executor is None:  # no worker was started: none can have broken
            self.close()
            return
        with contextlib.suppress(_broken()):
            self.close()
