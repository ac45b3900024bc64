"""A real CUPS scheduler and a real IPP Everywhere printer, for the printing tests, the
desk's print tests and the desk's load benchmark (one copy, shared by all three).

``started()`` is a context manager that needs no pytest: the benchmark uses it as it is.
The session fixture ``cups`` (registered in tests/conftest.py) wraps it. The system
message bus and Avahi (which ippeveprinter needs) are started when they are not running
and we are root, and stopped at the end if we started them; ``ippeveprinter`` (CUPS' own
IPP Everywhere test printer, keeping each job's file) listens on a free port; a private
``cupsd`` with its own configuration folder and port (so a system CUPS is never touched)
gets a queue made with ``lpadmin -m everywhere`` that forwards to it. Jobs are read back
with ``ipptool`` (get-jobs.test here) and the printed files from the printer's spool
folder.

When the CUPS programs are missing or cannot start here, ``started()`` raises
``Unavailable`` with the reason (the error text), and the tests that need them are
skipped with it, never faked. ``make test`` installs them (tools/system-packages.sh test:
cups, cups-ipp-utils, avahi-daemon, dbus).
"""

from __future__ import annotations

import contextlib
import grp
import os
import plistlib
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
GET_JOBS = HERE / "get-jobs.test"
QUEUE = "front-desk"
PROGRAMS = ("cupsd", "lpadmin", "cupsenable", "cupsdisable", "ippeveprinter", "ipptool")
SBIN = ("/usr/sbin", "/usr/bin", "/sbin", "/bin")


class Unavailable(Exception):
    """The CUPS programs are missing or would not start here; the text says why."""


def program(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=os.pathsep.join(SBIN))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(
    port: int, process: subprocess.Popen[bytes], what: str, log: Path, seconds: float = 20
) -> None:
    """Return once ``process`` listens on ``port``; RuntimeError with its log's end if it
    stops first or takes longer than ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped at once: {log.read_text(errors='replace')[-800:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not open port {port}: {log.read_text(errors='replace')[-800:]}")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C"}
    found = program(args[0]) or args[0]
    return subprocess.run([found, *args[1:]], capture_output=True, text=True, env=env, timeout=60)


@dataclass
class Cups:
    """The private scheduler (``address``) and the printer behind its queue ``QUEUE``."""

    address: str  # 127.0.0.1:PORT of the private cupsd
    printer_uri: str  # ipp://127.0.0.1:PORT/ipp/print of the ippeveprinter
    spool: Path  # where the printer keeps each job's file
    queue: str = QUEUE
    started: list[str] = field(default_factory=list)

    def printer_jobs(self) -> list[dict[str, Any]]:
        """Every job the printer received, newest first, as ipptool reads them."""
        return self._jobs(self.printer_uri)

    def scheduler_jobs(self) -> list[dict[str, Any]]:
        """Every job the CUPS queue holds or held (what ``handouts print`` submitted)."""
        return self._jobs(f"ipp://{self.address}/printers/{self.queue}")

    def _jobs(self, uri: str) -> list[dict[str, Any]]:
        done = run("ipptool", "-X", uri, str(GET_JOBS))
        assert done.returncode == 0, done.stdout + done.stderr
        data = plistlib.loads(done.stdout.encode())
        groups = data["Tests"][0]["ResponseAttributes"]
        jobs = [g for g in groups if "job-id" in g]
        return sorted(jobs, key=lambda job: int(job["job-id"]), reverse=True)

    def settle(self, timeout: float = 90) -> None:
        """Wait until the queue has passed every job on to the printer (or given up)."""
        deadline = time.monotonic() + timeout
        while any(j["job-state"] in (3, 4, 5) for j in self.scheduler_jobs()):
            assert time.monotonic() < deadline, "the queue never finished its jobs"
            time.sleep(0.3)

    def job_count(self) -> tuple[int, int]:
        """(jobs the queue has had, files the printer received), once the queue is idle.

        The printer forgets finished jobs after a while; the files it keeps (-k) stay.
        """
        self.settle()
        return len(self.scheduler_jobs()), len(list(self.spool.glob("*.pdf")))

    def wait_for_printed(self, count: int, timeout: float = 30) -> list[Path]:
        """The printer's files, once it has at least ``count`` of them (oldest first),
        received whole (the queue has finished passing them on)."""
        self.settle(timeout)
        deadline = time.monotonic() + timeout
        while True:
            files = sorted(self.spool.glob("*.pdf"), key=lambda p: int(p.name.split("-", 1)[0]))
            whole = all(p.stat().st_size > 0 for p in files)
            if (len(files) >= count and whole) or time.monotonic() > deadline:
                return files
            time.sleep(0.2)

    def disable(self, reason: str) -> None:
        done = run("cupsdisable", "-h", self.address, "-r", reason, self.queue)
        assert done.returncode == 0, done.stderr

    def enable(self) -> None:
        done = run("cupsenable", "-h", self.address, self.queue)
        assert done.returncode == 0, done.stderr

    def config(self, printer: str = "front", /, **keys: str | bool) -> str:
        """The [printers.<printer>] table for this queue."""
        lines = [f"\n[printers.{printer}]", f'queue = "{self.queue}"']
        lines.append(f'server = "{self.address}"')
        for key, value in keys.items():
            lines.append(
                f"{key} = {str(value).lower() if isinstance(value, bool) else repr(value)}"
            )
        return "\n".join(lines).replace("'", '"') + "\n"


def _running(check: list[str]) -> bool:
    return subprocess.run(check, capture_output=True).returncode == 0


def _start_bus_and_avahi(stack: contextlib.ExitStack) -> None:
    """dbus and avahi-daemon, started (as root) only when not already running."""
    socket_file = Path("/run/dbus/system_bus_socket")
    bus_up = False
    if socket_file.exists():
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(socket_file))
            bus_up = True
    if not bus_up:
        if os.geteuid() != 0:
            raise Unavailable(
                "the system message bus (dbus) is not running and only root may start it"
            )
        daemon = program("dbus-daemon")
        if daemon is None:
            raise Unavailable("dbus-daemon is not installed: run 'make test'")
        Path("/run/dbus").mkdir(parents=True, exist_ok=True)
        # Nothing answers on the socket, so a socket file or pid file left there is stale.
        socket_file.unlink(missing_ok=True)
        Path("/run/dbus/pid").unlink(missing_ok=True)
        done = subprocess.run(
            [daemon, "--system", "--fork", "--print-pid"], capture_output=True, text=True
        )
        if done.returncode != 0:
            raise Unavailable(f"dbus-daemon --system did not start: {done.stderr.strip()}")
        pid = int(done.stdout.split()[0])

        def stop_bus() -> None:
            _stop_pid(pid)
            # What it leaves behind would stop the next start ("pid file exists").
            for leftover in (socket_file, Path("/run/dbus/pid")):
                leftover.unlink(missing_ok=True)

        stack.callback(stop_bus)
    avahi = program("avahi-daemon")
    if avahi is None:
        raise Unavailable("avahi-daemon is not installed: run 'make test'")
    if not _running([avahi, "--check"]):
        if os.geteuid() != 0:
            raise Unavailable("avahi-daemon is not running and only root may start it")
        done = subprocess.run([avahi, "-D"], capture_output=True, text=True)
        if done.returncode != 0:
            raise Unavailable(f"avahi-daemon -D did not start: {done.stderr.strip()}")
        stack.callback(lambda: subprocess.run([avahi, "-k"], capture_output=True))


def _stop_pid(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, 15)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask ``process`` to end; kill it if it has not within 10 s."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _serve(
    stack: contextlib.ExitStack,
    command: list[str],
    port: int,
    log: Path,
    more: Callable[[], str] = lambda: "",
) -> None:
    """Start a server program (stopped when ``stack`` closes), its output in ``log``;
    Unavailable, with ``more`` of why, unless it opens ``port``."""
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    stack.callback(stop, process)
    try:
        wait_for_port(port, process, Path(command[0]).name, log)
    except RuntimeError as exc:
        raise Unavailable(f"{exc}{more()}") from None


# MaxJobs 0: keep every job's record (the default forgets beyond 500), so the load
# benchmark can count what the queue received.
CUPSD_CONF = """\
Listen 127.0.0.1:{port}
LogLevel warn
MaxJobs 0
WebInterface No
Browsing No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow 127.0.0.1
</Location>
<Location /admin>
  Order allow,deny
  Allow 127.0.0.1
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""

CUPS_FILES_CONF = """\
ServerRoot {root}/conf
CacheDir {root}/cache
StateDir {root}/state
RequestRoot {root}/requests
TempDir {root}/tmp
DataDir /usr/share/cups
DocumentRoot /usr/share/cups/doc-root
ServerBin /usr/lib/cups
AccessLog {root}/log/access_log
ErrorLog {root}/log/error_log
PageLog {root}/log/page_log
User {user}
Group {group}
"""


def _account() -> tuple[str, str]:
    """Who cupsd runs its filters as: it refuses root, so ``lp`` when we are root."""
    if os.geteuid() == 0:
        return "lp", "lp"
    return pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name


@pytest.fixture(scope="session")
def cups() -> Iterator[Cups]:
    try:
        with started() as running:
            yield running
    except Unavailable as exc:
        pytest.skip(str(exc))


@contextlib.contextmanager
def started() -> Iterator[Cups]:
    """Start the printer and the scheduler (and dbus and Avahi when needed, as root);
    stop everything this started on the way out."""
    missing = [name for name in PROGRAMS if program(name) is None]
    if missing:
        raise Unavailable(
            f"the CUPS programs {', '.join(missing)} are not installed: run 'make test' "
            "(tools/system-packages.sh test installs cups and cups-ipp-utils)"
        )
    # Not under pytest's own temporary folder: that is readable by its owner only, and
    # cupsd runs its filters as another user (lp) who must read the job files.
    root = Path(tempfile.mkdtemp(prefix="handouts-cups-"))
    root.chmod(0o755)
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, root, ignore_errors=True)
        _start_bus_and_avahi(stack)
        spool = root / "printed"
        spool.mkdir()
        printer_port = free_port()
        printer_log = root / "ippeveprinter.log"
        _serve(
            stack,
            [
                program("ippeveprinter") or "ippeveprinter",
                *("-2", "-k", "-d", str(spool), "-p", str(printer_port)),
                *("-f", "application/pdf,image/pwg-raster,image/urf"),
                # "Printing" runs true and ends at once (the PDF received is kept, -k,
                # beside an empty .prn of its output): without it the printer takes
                # seconds a page, as paper would.
                *("-c", shutil.which("true") or "/bin/true"),
                "Test Printer",
            ],
            printer_port,
            printer_log,
        )

        user, group = _account()
        for folder in ("conf", "cache", "state", "requests", "tmp", "log"):
            (root / folder).mkdir()
        (root / "tmp").chmod(0o1777)
        if os.geteuid() == 0:  # filters run as lp and read the job files
            for folder in ("cache", "requests", "tmp"):
                shutil.chown(root / folder, user, group)
        cups_port = free_port()
        (root / "conf" / "cupsd.conf").write_text(CUPSD_CONF.format(port=cups_port))
        (root / "conf" / "cups-files.conf").write_text(
            CUPS_FILES_CONF.format(root=root, user=user, group=group)
        )
        error_log = root / "log" / "error_log"  # cupsd's own, beside what it prints
        _serve(
            stack,
            [
                program("cupsd") or "cupsd",
                *("-f", "-c", str(root / "conf" / "cupsd.conf")),
                *("-s", str(root / "conf" / "cups-files.conf")),
            ],
            cups_port,
            root / "cupsd.log",
            lambda: (
                f" {error_log.read_text(errors='replace')[-800:]}" if error_log.exists() else ""
            ),
        )
        address = f"127.0.0.1:{cups_port}"
        printer_uri = f"ipp://127.0.0.1:{printer_port}/ipp/print"
        done = run(
            "lpadmin", "-h", address, "-p", QUEUE, "-E", "-v", printer_uri, "-m", "everywhere"
        )
        if done.returncode != 0:
            raise Unavailable(f"lpadmin could not make the queue: {done.stderr.strip()}")
        yield Cups(address=address, printer_uri=printer_uri, spool=spool)
