"""The preview server behind ``handouts serve``: the catalogue, an HTML preview of each
handout and its PDFs, rebuilt and reloaded as an author saves.

- Serves on 127.0.0.1 unless another host is asked for (``exposure_warning`` says what
  that means). A request must name this server in its Host header (``host_allowed``):
  a web page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) gets 421
  and nothing else.
- What may be served is an allow-list by folder and by type (``SERVED``): built PDFs
  and thumbnails from ``build/``; stylesheets, pictures and fonts of the bundled theme
  (not its templates); from the project, pictures and fonts (what a preview page
  shows) and the stylesheets of its ``styles/``. Never a draft ``.eml``, a send log, a
  salt, the config, a Markdown source, nor a hidden file (a name starting with '.'),
  never through '..' or a link whose target is outside its folder, hidden, or of
  another type (``servable``).
- Each connection has ``timeout`` seconds to send its request and between reads and
  writes; at most ``max_connections`` are handled at once (one thread each), the others
  wait in a listen queue of ``QUEUE_SIZE``. A client that goes away mid-answer is
  not an error worth a traceback.
- Threads watch what a build reads (watchfiles): handouts/, templates/, styles/,
  crisis/, locales/ and images/, and handouts.toml itself. They rebuild what changed:
  the handouts whose files changed, or everything for any other file (the build is
  incremental, so only the PDFs that file goes into are made again). A
  mistake in a file becomes problems shown on the pages, never a crash; the previous
  good PDF stays in build/ because the build never replaces a PDF with a failed one.
  Whatever a rebuild raises (even a BaseException from WeasyPrint) becomes a problem
  on the page, and the watching goes on.
- ``/`` is the catalogue and ``/preview/<lang>/<slug>.html`` the print HTML of a handout
  as saved now, styled by the print CSS (their pages are made in ``serve/pages.py``); both
  reload when a rebuild ends, polling ``/_/version``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import http.server
import ipaddress
import json
import os
import re
import socket
import stat
import sys
import threading
import time
import traceback
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import watchfiles

from clinic_handouts.addresses import bundled_theme_dir
from clinic_handouts.build.plan import BuildOptions, BuildReport
from clinic_handouts.build.run import build
from clinic_handouts.errors import HandoutError, Problem, UsageError, error
from clinic_handouts.project.clock import build_date
from clinic_handouts.project.config import load_config
from clinic_handouts.project.load import Project, load_project, project_of
from clinic_handouts.project.sources import LANG_RE, SLUG_RE
from clinic_handouts.serve.pages import (
    VERSION_PATH,
    Preview,
    catalogue_document,
    preview_document,
    render_preview,
)

Log = Callable[[str], None]
Clock = Callable[[], dt.date]
Builder = Callable[[Project, BuildOptions], BuildReport]

TIMEOUT = 20.0  # seconds a connection may take to send its request, or stay silent
MAX_CONNECTIONS = 32  # handled at once; a browser opens about 6 per server
QUEUE_SIZE = 128  # connections waiting to be handled


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """What it means to serve on ``host``; None for this computer only."""
    if is_loopback(host):
        return None
    return (
        f"warning: serving on {host}: other computers on the network can open these "
        "handouts, drafts not yet reviewed included. Stop with Ctrl+C and leave out "
        "--host to keep the preview on this computer."
    )


def host_allowed(
    header: str | None, listen_host: str, port: int, names: Collection[str] = ()
) -> bool:
    """Whether a request's Host header names this server: the address it listens on,
    localhost, 127.0.0.1 or [::1], with its port. Serving on every address (0.0.0.0,
    ::) also accepts any IP address and this computer's name. ``names`` are the host
    names the clinic gave for it (a TLS proxy's or certificate's), with any port: a proxy
    forwards the name staff typed, and the port it listens on is not this server's. Any
    other name is a page elsewhere reaching this server through DNS (rebinding), and is
    refused."""
    if not header:
        return False  # HTTP/1.1 requires it, and every browser sends it
    header = header.strip().lower()
    if header.startswith("["):
        name, bracket, rest = header[1:].partition("]")
        if not bracket:
            return False
    else:
        name, colon, given = header.partition(":")
        rest = colon + given
    if name in {given_name.strip().lower() for given_name in names}:
        return rest == "" or rest[1:].isdigit()
    if rest == "":
        if port != 80:
            return False
    elif rest != f":{port}":
        return False
    listen = listen_host.strip("[]").lower()
    if name in ("localhost", listen):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return listen in ("0.0.0.0", "::") and name == socket.gethostname().lower()
    if address.is_loopback or listen in ("0.0.0.0", "::"):
        return True
    try:
        return address == ipaddress.ip_address(listen)
    except ValueError:
        return False


# The allow-list: which types may be served (and as what) from each place.
IMAGES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
FONTS = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf"}
STYLES = {".css": "text/css"}
PDFS = {".pdf": "application/pdf"}
SERVED = {
    "build": PDFS | IMAGES,  # the handouts and the catalogue's thumbnails
    "theme": STYLES | IMAGES | FONTS,  # not its templates
    "project": IMAGES | FONTS,  # what a handout or a project stylesheet shows
    "project styles": STYLES | IMAGES | FONTS,  # only under the project's styles/
}
# An SVG opened on its own is a page of this server: no script, no loads.
_SVG_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


def servable(base: Path, rel: str, types: dict[str, str]) -> tuple[Path, str] | None:
    """The file ``rel`` names inside ``base`` and its content type, or None.

    Judged by the file it leads to, after '..' and links: it must be a regular file
    inside ``base``, with no hidden part (a name starting with '.') and a type in
    ``types``. So a link ``images/x.png`` to ``../send-log.jsonl`` or to
    ``../.hidden/photo.png`` is refused, as is '.git/config' or '.x.pdf.tmp'."""
    if "\x00" in rel or "\\" in rel:
        return None
    parts = [part for part in rel.split("/") if part]
    if not parts:
        return None
    root = base.resolve()
    try:
        resolved = root.joinpath(*parts).resolve(strict=True)
        regular = stat.S_ISREG(resolved.stat().st_mode)
    except (OSError, RuntimeError):
        return None
    if not regular or not resolved.is_relative_to(root):
        return None
    if any(part.startswith(".") for part in resolved.relative_to(root).parts):
        return None
    kind = types.get(resolved.suffix.lower())
    return None if kind is None else (resolved, kind)


# --- the server -------------------------------------------------------------------------


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # 100 browser tabs loading at once must wait in line, not be reset (the default is 5).
    request_queue_size = QUEUE_SIZE
    app: PreviewServer

    def process_request(self, request: Any, client_address: Any) -> None:
        # One thread per connection, but no more than max_connections at once: the rest
        # wait in the listen queue until one ends (at the latest after its timeout).
        while not self.app.slots.acquire(timeout=0.2):
            if self.app.stopping.is_set():
                self.shutdown_request(request)
                return
        self.app.count_handler(+1)
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.app.count_handler(-1)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.app.count_handler(-1)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that closes a tab or stops a download mid-answer is no fault of ours.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class PreviewServer:
    """The catalogue, previews and PDFs of one project, rebuilt as files change."""

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        log: Log = print,
        clock: Clock | None = None,
        *,
        timeout: float = TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
        builder: Builder = build,
    ) -> None:
        self.root = root.resolve()
        self.config = load_config(self.root)  # a missing or broken handouts.toml stops here
        self.host = host
        self.port = port
        self.log = log
        self.clock: Clock = clock or (lambda: build_date(os.environ))
        self.builder = builder
        self.timeout = timeout
        self.slots = threading.BoundedSemaphore(max_connections)
        self.reading: dict[socket.socket, float] = {}  # connection -> request deadline
        self.reading_lock = threading.Lock()
        self.handling = 0  # connections being handled now, each by its own thread
        self.lock = threading.Lock()  # one build or preview render at a time
        self.version = 0
        self.problems: tuple[Problem, ...] = ()
        # The project as the last rebuild loaded it (None: it could not be loaded, for
        # the reasons in load_problems): the preview pages show it, so a save is loaded
        # once, not again for each page that reloads after it.
        self.project: Project | None = None
        self.load_problems: tuple[Problem, ...] = ()
        self.last_good: dict[str, str] = {}
        self.stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._http: _HTTPServer | None = None

    @property
    def port_in_use(self) -> int:
        """The port listened on (the one asked for, or the free one found for port 0)."""
        assert self._http is not None
        return int(self._http.server_address[1])

    @property
    def url(self) -> str:
        port = self.port_in_use
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port}/"

    # -- life cycle

    def start(self) -> None:
        server_class = _HTTPServer6 if ":" in self.host else _HTTPServer
        try:
            self._http = server_class((self.host, self.port), _Handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"port {self.port} is already in use (is 'handouts serve' running in "
                    f"another window?). Stop it, or choose another port: --port {self.port + 1}"
                ) from None
            raise UsageError(
                f"cannot serve on {self.host}:{self.port}: {exc.strerror}. Leave out "
                "--host to serve on this computer only"
            ) from None
        self._http.app = self
        self.rebuild(None)
        self._spawn(self._http.serve_forever)
        self._spawn(self._close_slow_requests)
        folders = [p for p in self._watched_folders() if p.is_dir()]
        ready = [threading.Event() for _ in range(2 if folders else 1)]
        if folders:
            self._spawn(lambda: self._watch(folders, ready[1]))
        # handouts.toml: its folder, not the file, so a save that replaces the file (as
        # many editors do) is seen too; nothing below the project folder is watched here.
        config_name = self.config.config_path.name
        self._spawn(
            lambda: self._watch(
                [self.root], ready[0], recursive=False, wanted=lambda p: p.name == config_name
            )
        )
        for event in ready:  # a save made as soon as this returns is seen
            event.wait(timeout=10)

    def _watched_folders(self) -> tuple[Path, ...]:
        """Folders with files a build reads (crisis data, words files, pictures)."""
        config = self.config
        other = tuple(self.root / name for name in ("crisis", "locales", "images"))
        return (config.handouts_dir, config.templates_dir, config.styles_dir, *other)

    def _spawn(self, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
        for thread in self._threads:
            thread.join(timeout=10)

    def _close_slow_requests(self) -> None:
        """A client sending its request a byte at a time would hold a thread forever (the
        timeout is per read): its connection is closed once its deadline passes."""
        while not self.stopping.wait(min(0.2, self.timeout / 4)):
            now = time.monotonic()
            with self.reading_lock:
                late = [conn for conn, deadline in self.reading.items() if deadline <= now]
                for conn in late:
                    del self.reading[conn]
            for conn in late:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)  # the blocked read returns at once

    def count_handler(self, change: int) -> None:
        """One more (+1) or one fewer (-1) connection being handled; frees its slot."""
        with self.reading_lock:
            self.handling += change
        if change < 0:
            self.slots.release()

    def reading_request(self, connection: socket.socket, done: bool = False) -> None:
        with self.reading_lock:
            if done:
                self.reading.pop(connection, None)
            else:
                self.reading[connection] = time.monotonic() + self.timeout

    def _watch(
        self,
        folders: Sequence[Path],
        ready: threading.Event,
        recursive: bool = True,
        wanted: Callable[[Path], bool] = lambda path: True,
    ) -> None:
        for changes in watchfiles.watch(
            *folders,
            stop_event=self.stopping,
            raise_interrupt=False,
            recursive=recursive,
            # An empty batch every 0.2 s tells us the watch is in place.
            yield_on_timeout=True,
            rust_timeout=200,
        ):
            ready.set()
            # Editors and tools save through temporary files that are gone by now; only a
            # handout's own file matters when it is gone (its card must go too).
            paths = {Path(path) for _change, path in changes if wanted(Path(path))}
            relevant = sorted(p for p in paths if p.exists() or p.suffix == ".md")
            if relevant:
                self.rebuild(relevant)

    # -- building

    def _only_for(self, project: Project, changed: Sequence[Path]) -> tuple[str, ...] | None:
        """Ids to rebuild for these changed files; None for everything."""
        handouts = self.config.handouts_dir.resolve()
        for path in changed:
            inside = path.resolve().is_relative_to(handouts) and path.suffix == ".md"
            if not inside or not path.exists():
                return None  # the theme changed, or a handout went: rebuild all
        wanted = {path.resolve() for path in changed}
        return tuple(sorted({h.id for h in project.handouts if h.source.resolve() in wanted}))

    def rebuild(self, changed: Sequence[Path] | None) -> None:
        """Rebuild after a change (None: everything) and tell the pages to reload."""
        with self.lock:
            today = self.clock()
            touched = {self._rel(p) for p in changed or ()}
            report: BuildReport | None = None
            self.project, self.load_problems = None, ()
            try:
                # Once per save; at start, from the handouts.toml __init__ has just read.
                if changed is None:
                    project = project_of(self.config, today)
                else:
                    project = load_project(self.root, today)
                self.project = project
                only = None if changed is None else self._only_for(project, changed)
                if only == ():
                    # Only broken files changed: nothing to build, their problems to show.
                    found = list(project.problems)
                else:
                    report = self.builder(project, BuildOptions(today=today, only=only or ()))
                    found = report.problems
                    touched |= {o.handout.rel for o in report.outputs}
                if only is None:
                    problems = set(found)
                else:  # problems of files not looked at this time stay as they were
                    kept = {
                        p
                        for p in self.problems
                        if p.path.startswith("handouts") and p.path not in touched
                    }
                    fresh = {
                        p for p in found if p.path in touched or not p.path.startswith("handouts")
                    }
                    problems = kept | fresh
            except HandoutError as exc:
                problems = set(exc.problems)
                if self.project is None:
                    self.load_problems = tuple(exc.problems)
            except BaseException as exc:
                # A bug in the tool, or in a library: WeasyPrint's FatalURLFetchingError is
                # a BaseException. Keep serving and watching, say where the details are;
                # only Ctrl+C during the first build (in the main thread) stops.
                main = threading.current_thread() is threading.main_thread()
                if main and isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                traceback.print_exc()
                problems = {
                    error("", 0, "internal", "the tool failed; the terminal shows the details")
                }
            self.problems = tuple(sorted(problems))
            self.version += 1
        for problem in self.problems:
            self.log(problem.format())
        if report is not None:
            built = len(report.outputs)
            self.log(f"Built {built} PDF{'s' if built != 1 else ''} in {report.seconds:.1f} s.")

    def _rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    # -- pages

    def catalogue_page(self) -> str:
        return catalogue_document(self.config.build_dir, self.problems, self.version)

    def project_file(self, rel: str) -> tuple[Path, str] | None:
        """A file of the project a preview page shows: a picture or font anywhere in the
        project, or a stylesheet of its styles/ (never .md, .toml, .eml, logs...)."""
        styles = self.config.styles_dir.relative_to(self.config.root).as_posix() + "/"
        if rel.startswith(styles):
            inside = rel.removeprefix(styles)
            return servable(self.config.styles_dir, inside, SERVED["project styles"])
        return servable(self.root, rel, SERVED["project"])

    def preview_page(self, lang: str, slug: str) -> str | None:
        rel = f"handouts/{lang}/{slug}.md"
        if servable(self.root, rel, {".md": "text/markdown"}) is None:
            return None  # (looked at, never served: the page is made from it)
        with self.lock:
            try:
                if self.project is None:  # handouts.toml or the crisis data is broken
                    preview = Preview(None, self.load_problems)
                else:
                    preview = render_preview(self.project, rel, self.clock())
            except HandoutError as exc:
                preview = Preview(None, tuple(exc.problems))
            version = self.version
        if preview.html is not None and not preview.draft:
            self.last_good[rel] = preview.html
        pdf = self.config.build_dir / lang / f"{slug}.pdf"
        return preview_document(
            preview,
            rel=rel,
            lang=lang,
            last_good=self.last_good.get(rel),
            pdf_url=f"/{lang}/{slug}.pdf" if pdf.is_file() else None,
            roots=[(self.root, "/_project/"), (bundled_theme_dir(), "/_theme/")],
            version=version,
        )


_PREVIEW_RE = re.compile(r"^/preview/([^/]+)/([^/]+)\.html$")


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "handouts-serve"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the page polls twice a second: request logs would drown the problems

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.app.timeout)  # every read and write
        self.server.app.reading_request(self.connection)

    def parse_request(self) -> bool:
        parsed = super().parse_request()  # reads the headers too
        self.server.app.reading_request(self.connection, done=True)  # the request is in
        return parsed

    def finish(self) -> None:
        self.server.app.reading_request(self.connection, done=True)
        super().finish()

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        app = self.server.app
        if not host_allowed(self.headers.get("Host"), app.host, app.port_in_use):
            self._send(
                421,
                f"Open this preview at {app.url}\n".encode(),
                "text/plain",
                head,
            )
            return
        path = unquote(urlsplit(self.path).path)
        if path in ("/", "/index.html"):
            self._send(200, app.catalogue_page().encode("utf-8"), "text/html", head)
            return
        if path == VERSION_PATH:
            body = json.dumps({"version": app.version}).encode("utf-8")
            self._send(200, body, "application/json", head)
            return
        match = _PREVIEW_RE.match(path)
        if match and LANG_RE.match(match.group(1)) and SLUG_RE.match(match.group(2)):
            page = app.preview_page(match.group(1), match.group(2))
            if page is not None:
                self._send(200, page.encode("utf-8"), "text/html", head)
                return
        elif path.startswith("/_project/"):
            self._file(app.project_file(path.removeprefix("/_project/")), head)
            return
        elif path.startswith("/_theme/"):
            rel = path.removeprefix("/_theme/")
            self._file(servable(bundled_theme_dir(), rel, SERVED["theme"]), head)
            return
        elif not path.startswith(("/preview/", "/_")):
            self._file(servable(app.config.build_dir, path, SERVED["build"]), head)
            return
        self._not_found(head)

    def _file(self, found: tuple[Path, str] | None, head: bool) -> None:
        if found is None:
            self._not_found(head)
            return
        path, kind = found
        try:
            body = path.read_bytes()
        except OSError:  # gone or replaced since it was looked at
            self._not_found(head)
            return
        self._send(200, body, kind, head)

    def _not_found(self, head: bool) -> None:
        body = (
            b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Not found'
            b'</title></head><body><main><h1>Not found</h1><p><a href="/">Go to the '
            b"catalogue</a>.</p></main></body></html>"
        )
        self._send(404, body, "text/html", head)

    def _send(self, status: int, body: bytes, kind: str, head: bool) -> None:
        self.send_response(status)
        if kind.startswith("text/") or kind == "application/json":
            kind += "; charset=utf-8"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if kind == "image/svg+xml":
            self.send_header("Content-Security-Policy", _SVG_POLICY)
        self.end_headers()
        if not head:
            self.wfile.write(body)


def run(root: Path, host: str, port: int, log: Log) -> int:
    """``handouts serve``: serve until Ctrl+C."""
    warning = exposure_warning(host)
    if warning:
        log(warning)
    server = PreviewServer(root, host=host, port=port, log=log)
    server.start()
    log(f"Serving {server.root} at {server.url}")
    log("Edit and save a handout: the page in your browser updates. Stop with Ctrl+C.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
