"""The front desk under load: 20 staff at once, searching, previewing and printing.

    .venv/bin/python -m benchmarks.desk_load                 # 20 staff for 60 s
    .venv/bin/python -m benchmarks.desk_load --seconds 10    # a quick run

Makes a small library (``--handouts``, default 12, both editions) in a temporary folder
and builds it; starts the CUPS scheduler and IPP Everywhere test printer the printing
tests use (tests/helpers/cups.py: dbus and Avahi too when they are not running and we are
root), with the project's ``[printers.front]`` pointing at it; starts the desk in its own
process on 127.0.0.1 (the app ``handouts desk`` serves, under uvicorn, with the build date
fixed like the tests'); then ``--staff`` threads, each signed in as its own account with
its own session, loop for ``--seconds``:

- **search**: the catalogue page (``GET /``): the cards and the search index the browser
  searches in (search itself runs in the browser, so this is what it costs the server);
- **preview**: one handout's PDF (``GET /files/en/<id>.pdf``);
- **print**: the handout's Print form, one copy to the test printer
  (``POST /handout/en/<id>/print``), answered once CUPS has taken the job.

It prints requests per second and p50/p95/max latency per kind, checks that the printer's
queue received exactly one job per print that said "Sent", stops everything it started,
and exits 1 if any request failed (a status other than 200, a page without the expected
words, a connection error) or a job is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from tests.conftest import CONFIG, TODAY, handout
from tests.helpers.cups import Cups, free_port, started, stop, wait_for_port
from tests.helpers.repo_project import REPO

import clinic_handouts
from clinic_handouts.build.plan import BuildOptions
from clinic_handouts.build.run import build
from clinic_handouts.desk.store import Store
from clinic_handouts.project.load import load_project

PASSWORD = "a long desk password"
KINDS = ("search", "preview", "print")
SIGNIN_COOKIE = "desk_signin"
SESSION_COOKIE = "desk_session"
TOPICS = ("blood pressure", "sleep", "asthma", "diabetes", "back pain", "flu shot", "stress")


def make_library(folder: Path, cups: Cups, handouts: int) -> Path:
    """A project of ``handouts`` short English handouts, each with a word of its own in its
    body, and the test printer as ``front``."""
    root = folder / "clinic"
    for k in range(handouts):
        topic = TOPICS[k % len(TOPICS)]
        body = (
            f"## What to know\n\nThis sheet is about {topic}. Keyword{k} is only here.\n"
            "Take your medicine with food. Call us if you feel worse.\n\n"
            "## What to do\n\n- Rest when you can.\n- Drink water.\n- Walk a little each day.\n"
        )
        path = root / "handouts" / "en" / f"sheet-{k}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(handout(f"{topic.capitalize()}, sheet {k}", body=body), encoding="utf-8")
    (root / "handouts.toml").write_text(CONFIG + cups.config(), encoding="utf-8")
    return root


def serve(root: str, port: str) -> None:
    """The desk's own process (run by ``start_desk``): what ``handouts desk`` serves, on
    127.0.0.1, with the tests' build date so the library's review dates stay current."""
    import uvicorn

    from clinic_handouts.desk.app import Desk, build_app

    desk = Desk(Path(root), "127.0.0.1", int(port), tls=False, today=lambda: TODAY)
    uvicorn.run(
        build_app(desk), host="127.0.0.1", port=int(port), log_level="warning", server_header=False
    )


@contextlib.contextmanager
def start_desk(root: Path, log: Path) -> Iterator[int]:
    """Run the desk in a child process until the block ends; yield its port."""
    port = free_port()
    paths = [str(Path(clinic_handouts.__file__).resolve().parents[1]), str(REPO)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    code = "import sys; from benchmarks.desk_load import serve; serve(sys.argv[1], sys.argv[2])"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", code, str(root), str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=REPO,
        )
        try:
            wait_for_port(port, process, "the desk", log, seconds=60)
            yield port
        finally:
            stop(process)


class Staff:
    """One staff member's browser: a kept-alive connection and a session of their own."""

    def __init__(self, port: int, name: str) -> None:
        self.port = port
        self.name = name
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.csrf = ""

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        for header in response.headers.get_all("set-cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return response.status, data

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def sign_in(self, handout_path: str) -> None:
        self.request("GET", "/signin")
        form = {"csrf": self.cookies[SIGNIN_COOKIE], "username": self.name, "password": PASSWORD}
        status, _ = self.request("POST", "/signin", form)
        if status != 303 or SESSION_COOKIE not in self.cookies:
            raise RuntimeError(f"{self.name} could not sign in (HTTP {status})")
        self.cookies.pop(SIGNIN_COOKIE, None)
        _status, page = self.request("GET", handout_path)
        self.csrf = page.decode().split('name="csrf" value="')[1].split('"')[0]


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, failure: str | None) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if failure:
                self.failures.append(f"{kind}: {failure}")


def staff_loop(staff: Staff, ids: list[str], until: float, tally: Tally, offset: int) -> None:
    """search, preview, print, round and round over the library until ``until``."""
    handouts = itertools.cycle(ids[offset % len(ids) :] + ids[: offset % len(ids)])
    for turn in itertools.count():
        if time.monotonic() >= until:
            return
        handout_id = next(handouts)
        kind = KINDS[turn % len(KINDS)]
        expected: bytes
        if kind == "search":
            method, path, form, expected = "GET", "/", None, b"sheet-"
        elif kind == "preview":
            method, path, form, expected = "GET", f"/files/en/{handout_id}.pdf", None, b"%PDF-"
        else:
            method, path = "POST", f"/handout/en/{handout_id}/print"
            form = {"csrf": staff.csrf, "printer": "front", "copies": "1", "edition": "standard"}
            expected = b"Sent &#39;"
        began = time.perf_counter()
        failure = None
        try:
            status, body = staff.request(method, path, form)
            if status != 200 or expected not in body[:200_000]:
                failure = f"{path}: HTTP {status}: {body[:300]!r}"
        except (OSError, http.client.HTTPException) as exc:
            failure = f"{path}: {exc!r}"
        tally.add(kind, time.perf_counter() - began, failure)


def percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


@dataclass(frozen=True)
class Report:
    lines: list[str]
    failures: list[str]
    counts: dict[str, int]


def measure(cups: Cups, folder: Path, seconds: float, staff: int, handouts: int) -> Report:
    """Build the library, start the desk, run the staff, and report."""
    root = make_library(folder, cups, handouts)
    built = time.perf_counter()
    report = build(load_project(root, TODAY), BuildOptions(today=TODAY))
    if not report.ok:
        problems = "; ".join(f"{p.path}:{p.line}: {p.code}: {p.message}" for p in report.problems)
        raise RuntimeError(f"the library did not build: {problems}")
    built = time.perf_counter() - built
    store = Store(root)
    names = [f"staff{n:02d}" for n in range(1, staff + 1)]
    for name in names:
        store.set_user(name, "front-desk", PASSWORD)
    ids = [f"sheet-{k}" for k in range(handouts)]
    jobs_before = len(cups.scheduler_jobs())
    tally = Tally()
    with start_desk(root, folder / "desk.log") as port:
        people = [Staff(port, name) for name in names]
        for n, person in enumerate(people):
            person.sign_in(f"/handout/en/{ids[n % len(ids)]}")
            # Signing 20 people in one after another takes longer than uvicorn keeps an
            # idle connection (5 s); each starts the loop on a new one, as a browser
            # would after a pause.
            person.close()
        began = time.monotonic()
        until = began + seconds
        threads = [
            threading.Thread(target=staff_loop, args=(person, ids, until, tally, n))
            for n, person in enumerate(people)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        for person in people:
            person.close()
    failures = list(tally.failures)
    printed = len(tally.times["print"]) - sum(1 for f in failures if f.startswith("print:"))
    jobs = len(cups.scheduler_jobs()) - jobs_before  # held, printing or done
    if jobs != printed:
        failures.append(f"print: the queue received {jobs} jobs for {printed} prints said sent")
    lines = [
        f"Desk load: {staff} staff, each signed in with their own session, for {elapsed:.1f} s "
        f"on 127.0.0.1; {handouts} handouts ({2 * handouts} PDFs, built in {built:.1f} s); "
        f"prints to a CUPS queue with an IPP Everywhere test printer ({jobs} jobs received).",
        "",
        "| kind | requests | per second | p50 ms | p95 ms | max ms | failed |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    everything: list[float] = []
    for kind in KINDS:
        times = tally.times[kind]
        everything += times
        failed = sum(1 for f in failures if f.startswith(f"{kind}:"))
        lines.append(row(kind, times, elapsed, failed))
    lines.append(row("all", everything, elapsed, len(failures)))
    counts = {kind: len(tally.times[kind]) for kind in KINDS}
    return Report(lines, failures, counts)


def row(kind: str, times: list[float], elapsed: float, failed: int) -> str:
    if not times:
        return f"| {kind} | 0 | 0 | | | | {failed} |"
    ms = [t * 1000 for t in times]
    return (
        f"| {kind} | {len(times)} | {len(times) / elapsed:.1f} | {percentile(ms, 50):.0f} | "
        f"{percentile(ms, 95):.0f} | {max(ms):.0f} | {failed} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long (default 60)")
    parser.add_argument("--staff", type=int, default=20, help="staff at once (default 20)")
    parser.add_argument("--handouts", type=int, default=12, help="library size (default 12)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="desk-load-"))
    try:
        with started() as cups:
            report = measure(cups, folder, args.seconds, args.staff, args.handouts)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("\n".join(report.lines))
    for failure in report.failures[:20]:
        print(f"FAILED {failure}")
    if report.failures:
        print(f"{len(report.failures)} requests failed.")
        return 1
    print("No request failed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
