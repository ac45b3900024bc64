"""handouts serve without a browser: what bytes a real local server gives, and what it
refuses to give. (Reloading and the catalogue in a browser: test_browser.py.)"""

from __future__ import annotations

import contextlib
import io
import os
import re
import socket
import struct
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

from clinic_handouts.build.plan import BuildOptions, BuildReport
from clinic_handouts.build.run import build
from clinic_handouts.errors import UsageError
from clinic_handouts.project.load import Project
from clinic_handouts.serve.server import PreviewServer, exposure_warning, host_allowed
from tests.conftest import CLI, CONFIG, PNG, ProjectFactory, handout
from tests.helpers.servers import fetch, get, running

SECRET = "do-not-serve-this-5f1c"


def test_serves_build_and_theme_files_and_nothing_outside_the_project(
    make_project: ProjectFactory, tmp_path: Path
) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep better")})
    (tmp_path / "outside.txt").write_text(SECRET)
    (root / ".git").mkdir()
    (root / ".git/config").write_text(SECRET)
    (root / "handouts/en/link.txt").symlink_to(tmp_path / "outside.txt")
    with running(root) as server:
        status, body = get(server, "/en/sleep.pdf")
        assert status == 200
        assert body == (root / "build/en/sleep.pdf").read_bytes()
        status, body = get(server, "/_theme/styles/print.css")
        assert status == 200 and b"@page" in body
        status, body = get(server, "/")
        assert status == 200 and b"Sleep better" in body

        for path in (
            "/../outside.txt",
            "/../../outside.txt",
            "/%2e%2e/%2e%2e/outside.txt",
            "/en/..%2f..%2f..%2foutside.txt",
            "/_project/../outside.txt",
            "/_project/%2E%2E/outside.txt",
            "/_project/.git/config",
            "/_project/handouts/en/link.txt",
            "/_project//" + (tmp_path / "outside.txt").as_posix().lstrip("/"),
            "/_theme/../../../../../../../../etc/passwd",
            "/preview/..%2f..%2foutside/x.html",
            "/en/.sleep.pdf.tmp",
        ):
            status, body = get(server, path)
            assert status == 404, path
            assert SECRET.encode() not in body, path


def test_preview_shows_a_draft_and_the_problems_of_a_broken_file(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep better")})
    assert cli("new", "panic", "--project", root, "--title", "Panic attacks").exit_code == 0
    panic = root / "handouts/en/panic.md"  # the writer replaces the starter text
    head = panic.read_text().split("\n---\n")[0].replace("One or two short sentences", "Help")
    panic.write_text(head + "\n---\n\nYou can breathe slowly.\n")
    (root / "handouts/en/broken.md").write_text("---\ntitle: Broken\n")
    with running(root) as server:
        status, body = get(server, "/preview/en/panic.html")
        page = body.decode()
        assert status == 200
        assert "<h1>Panic attacks</h1>" in page
        assert "Draft." in page and "Not reviewed yet" in page
        assert "handouts/en/panic.md:8: error: front-matter: reviewed_on: not filled in" in page
        assert 'href="/_theme/styles/print.css"' in page  # styled by the print CSS
        assert "Open the PDF" not in page  # a draft has none

        status, body = get(server, "/preview/en/broken.html")
        page = body.decode()
        assert status == 200
        assert "no preview until they are fixed" in page
        assert (
            "handouts/en/broken.md:1: error: front-matter: the front matter is not closed"
        ) in page

        status, body = get(server, "/preview/en/missing.html")
        assert status == 404


def test_another_host_is_served_only_with_a_warning() -> None:
    assert exposure_warning("127.0.0.1") is None
    assert exposure_warning("localhost") is None
    assert exposure_warning("::1") is None
    message = exposure_warning("0.0.0.0")
    assert message is not None
    assert message.startswith("warning: serving on 0.0.0.0: other computers on the network")
    assert "leave out --host" in message


def test_a_port_in_use_is_a_usage_error(make_project: ProjectFactory) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep better")})
    with running(root) as server:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        second = PreviewServer(root, port=port, log=lambda _line: None)
        with pytest.raises(UsageError) as caught:
            second.start()
    assert f"port {port} is already in use" in str(caught.value)
    assert f"--port {port + 1}" in str(caught.value)


def wait_for_rebuild(server: PreviewServer, after: int) -> None:
    deadline = time.monotonic() + 30
    while server.version <= after:
        assert time.monotonic() < deadline, "no rebuild after the change"
        time.sleep(0.05)
    with server.lock:  # the rebuild has finished once its lock is free
        pass


@pytest.mark.parametrize("changed", ["handouts.toml", "locales/en.toml"])
def test_saving_the_config_or_a_words_file_rebuilds_the_pdfs(
    make_project: ProjectFactory, changed: str
) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep better", large_print="false")})
    (root / "locales").mkdir()
    (root / "locales/en.toml").write_text("# our own words\n")
    with running(root) as server:
        version = server.version
        if changed == "handouts.toml":
            config = root / "handouts.toml"
            replaced = root / "handouts.toml.new"  # saved the way many editors save
            replaced.write_text(config.read_text().replace("Test Clinic", "Hillside Clinic"))
            replaced.replace(config)
            expected = "Hillside Clinic"
        else:
            (root / "locales/en.toml").write_text('page_of = "Sheet {page} of {pages}"\n')
            expected = "Sheet 1 of 1"
        wait_for_rebuild(server, version)
        status, body = get(server, "/en/sleep.pdf")
        assert status == 200
        text = " ".join((PdfReader(io.BytesIO(body)).pages[0].extract_text() or "").split())
        assert expected in text


# --- hostile clients (issue 19) ----------------------------------------------------------

PATIENT = "rosa.m@example.org"
BIG = PNG + bytes(8_000_000)  # more than the socket buffers hold: the write must wait


def private_project(make_project: ProjectFactory, cli: CLI) -> Path:
    """A project holding what a clinic keeps beside its handouts: a draft with a patient's
    address (made by the real command outside the project, then moved in by hand, as a
    clinic might), a send log and its salt (0600), the config, and links inside the
    project that lead to them under a picture's name."""
    config = CONFIG + f'\n# {SECRET}\n[email]\nfrom_address = "handouts@clinic.example.org"\n'
    root = make_project(
        {
            "handouts/en/sleep.md": handout(
                "Sleep better", f"![A dot](../../images/dot.png)\n\n<!-- {SECRET} -->\n"
            ),
            "images/dot.png": PNG,
            "styles/extra.css": "p { color: #111; }\n",
        },
        config=config,
    )
    draft = root.parent / "panic.eml"
    result = cli("email", "sleep", "--to", PATIENT, "--eml", draft, "--project", root)
    assert result.exit_code == 0, result.output
    draft.rename(root / "panic.eml")
    assert PATIENT.encode() in (root / "panic.eml").read_bytes()
    for name, text in (("send-log.jsonl", f'{{"to": "{SECRET}"}}\n'), (".send-log-salt", SECRET)):
        (root / name).write_text(text)
        (root / name).chmod(0o600)
    (root / "build/en/panic.eml").write_bytes((root / "panic.eml").read_bytes())
    (root / "images/salt.png").symlink_to(root / ".send-log-salt")
    (root / "images/log.png").symlink_to(root / "send-log.jsonl")
    (root / "images/draft.png").symlink_to(root / "panic.eml")
    (root / ".hidden").mkdir()
    (root / ".hidden/photo.png").write_bytes(PNG + SECRET.encode())
    (root / "images/photo.png").symlink_to(root / ".hidden/photo.png")
    (root / "handouts/en/notes.css").write_text(f"/* {SECRET} */\n")  # not the theme's
    (root / "images/.secret.png").write_bytes(PNG + SECRET.encode())
    os.mkfifo(root / "images/pipe.png")  # reading it would wait for ever
    return root


PRIVATE = (
    "/_project/panic.eml",
    "/_project/send-log.jsonl",
    "/_project/.send-log-salt",
    "/_project/handouts.toml",
    "/_project/handouts/en/sleep.md",
    "/_project/handouts/en/notes.css",
    "/_project/images/salt.png",  # links inside the project, named as pictures
    "/_project/images/log.png",
    "/_project/images/draft.png",
    "/_project/images/photo.png",
    "/_project/.hidden/photo.png",
    "/_project/images/.secret.png",
    "/_project/images/pipe.png",
    "/_project/images",
    "/_project/build/.manifest.json",
    "/_project/build/.check-cache.json",
    "/_project/build/en/panic.eml",
    "/_project/styles/../panic.eml",
    "/_project/styles/%2e%2e/send-log.jsonl",
    "/panic.eml",
    "/en/panic.eml",
    "/.manifest.json",
    "/.check-cache.json",
    "/.lock",
    "/catalogue.json",
    "/../panic.eml",
    "/_theme/templates/base.html",
    "/_theme/../serve.py",
)
ALLOWED = (
    "/",
    "/index.html",
    "/_/version",
    "/preview/en/sleep.html",
    "/en/sleep.pdf",
    "/thumbnails/en/sleep.png",
    "/_theme/styles/print.css",
    "/_theme/styles/logo.svg",
    "/_project/images/dot.png",
    "/_project/styles/extra.css",
)


@pytest.mark.parametrize("host", ["attacker.example", None])
def test_private_files_are_never_served_whatever_the_host(
    make_project: ProjectFactory, cli: CLI, host: str | None
) -> None:
    root = private_project(make_project, cli)
    with running(root) as server:
        for path in PRIVATE:
            status, body = get(server, path, host)
            assert status == (421 if host else 404), path
            assert SECRET.encode() not in body and PATIENT.encode() not in body, path
            assert b"Sleep better" not in body, path


def test_a_request_naming_another_host_gets_nothing_even_the_catalogue(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = private_project(make_project, cli)
    with running(root) as server:
        port = server.port_in_use
        for host in (
            "attacker.example",
            f"attacker.example:{port}",
            f"localhost.attacker.example:{port}",
            f"127.0.0.1.attacker.example:{port}",
            f"127.0.0.1:{port + 1}",
            "127.0.0.1",  # no port: port 80
            f"10.0.0.7:{port}",
            "",
        ):
            for path in ALLOWED:
                status, body = get(server, path, host)
                assert status == 421, (host, path)
                assert b"Sleep better" not in body and b"%PDF" not in body, (host, path)
        # HTTP/1.0 without a Host header at all
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"GET / HTTP/1.0\r\n\r\n")
            answer = read_all(raw)
        assert answer.startswith(b"HTTP/1.0 421 "), answer[:40]
        assert b"Sleep better" not in answer

        for host in (
            f"127.0.0.1:{port}",
            f"localhost:{port}",
            f"LocalHost:{port}",
            f"[::1]:{port}",
        ):
            status, body = get(server, "/", host)
            assert status == 200 and b"Sleep better" in body, host


def test_what_the_preview_needs_is_served(make_project: ProjectFactory, cli: CLI) -> None:
    root = private_project(make_project, cli)
    with running(root) as server:
        for path in ALLOWED:
            status, headers, body = fetch(server, path)
            assert status == 200, path
        status, body = get(server, "/en/sleep.pdf")
        assert body == (root / "build/en/sleep.pdf").read_bytes()
        status, headers, body = fetch(server, "/_project/images/dot.png")
        assert body == PNG and headers["Content-Type"] == "image/png"
        status, body = get(server, "/preview/en/sleep.html")
        page = body.decode()
        assert 'src="../../images/dot.png"' in page and "/_project/handouts/en/" in page
        status, headers, body = fetch(server, "/_theme/styles/logo.svg")
        assert "sandbox" in headers["Content-Security-Policy"]  # an SVG runs no script


def read_all(raw: socket.socket) -> bytes:
    chunks = []
    while chunk := raw.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def wait_idle(server: PreviewServer) -> None:
    """Until every handler thread has ended (each holds a slot while it runs)."""
    deadline = time.monotonic() + 10
    while server.handling:
        assert time.monotonic() < deadline, "a handler never ended"
        time.sleep(0.05)


def test_a_client_that_leaves_mid_answer_leaves_no_traceback(
    make_project: ProjectFactory, capfd: pytest.CaptureFixture[str]
) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep better"), "images/big.png": BIG})
    with running(root) as server:
        capfd.readouterr()
        for _ in range(5):
            with socket.create_connection(("127.0.0.1", server.port_in_use), timeout=10) as raw:
                host = f"127.0.0.1:{server.port_in_use}"
                raw.sendall(
                    f"GET /_project/images/big.png HTTP/1.0\r\nHost: {host}\r\n\r\n".encode()
                )
                assert raw.recv(100).startswith(b"HTTP/1.0 200")
                # Close with a reset, as a browser does when a tab is closed.
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        wait_idle(server)
        assert get(server, "/")[0] == 200  # still serving
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Error" not in err, err


def test_an_idle_or_slow_connection_is_closed_after_the_timeout(
    make_project: ProjectFactory,
) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep better"), "images/big.png": BIG})
    with running(root, timeout=0.5) as server:
        with socket.create_connection(("127.0.0.1", server.port_in_use), timeout=10) as idle:
            started = time.monotonic()
            assert idle.recv(100) == b""  # closed by the server
            assert time.monotonic() - started < 3
        # A request sent one byte at a time never ends: closed at its deadline.
        with socket.create_connection(("127.0.0.1", server.port_in_use), timeout=10) as slow:
            started = time.monotonic()
            slow.sendall(b"GET / HTTP/1.1\r\n")
            closed = False
            while time.monotonic() - started < 5 and not closed:
                try:
                    slow.sendall(b"X")
                except OSError:
                    closed = True
                    break
                slow.settimeout(0.1)
                with contextlib.suppress(TimeoutError):
                    closed = slow.recv(100) == b""
            assert closed, "a request dribbled in a byte at a time was never cut off"
            assert time.monotonic() - started < 3
        # A client that asks for a large file and never reads it: the write gives up.
        with socket.socket() as stalled:
            stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            stalled.connect(("127.0.0.1", server.port_in_use))
            host = f"127.0.0.1:{server.port_in_use}"
            stalled.sendall(
                f"GET /_project/images/big.png HTTP/1.0\r\nHost: {host}\r\n\r\n".encode()
            )
            deadline = time.monotonic() + 5
            while not server.handling:
                assert time.monotonic() < deadline, "the request was never taken"
                time.sleep(0.01)
            started = time.monotonic()
            wait_idle(server)
            assert time.monotonic() - started < 3


def test_idle_connections_hold_at_most_max_connections_threads(
    make_project: ProjectFactory,
) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep better")})
    with running(root, timeout=30, max_connections=4) as server:
        before = threading.active_count()
        idle = [
            socket.create_connection(("127.0.0.1", server.port_in_use), timeout=10)
            for _ in range(40)
        ]
        try:
            time.sleep(0.5)  # time to accept them all, if it would
            assert threading.active_count() - before <= 4
        finally:
            for connection in idle:
                connection.close()
        assert get(server, "/")[0] == 200  # the slots come back when the clients go


def test_a_hundred_parallel_requests_all_succeed(make_project: ProjectFactory) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep better")})
    paths = ["/", "/en/sleep.pdf", "/_/version", "/_theme/styles/print.css"] * 24
    paths += ["/preview/en/sleep.html"] * 4
    with running(root) as server:
        start = threading.Barrier(len(paths))

        def one(path: str) -> int:
            start.wait()
            return get(server, path)[0]

        started = time.monotonic()
        with ThreadPoolExecutor(len(paths)) as pool:
            statuses = list(pool.map(one, paths))
        seconds = time.monotonic() - started
    assert statuses == [200] * len(paths)
    assert seconds < 15, seconds


class FatalFetch(BaseException):
    """What WeasyPrint's FatalURLFetchingError is: not an Exception."""


def test_a_rebuild_that_crashes_is_shown_and_the_watching_goes_on(
    make_project: ProjectFactory, capfd: pytest.CaptureFixture[str]
) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep better")})
    source = root / "handouts/en/sleep.md"

    def builder(project: Project, options: BuildOptions) -> BuildReport:
        if "CRASH" in source.read_text():
            raise FatalFetch('Error fetching "data:image/png;base64"')
        return build(project, options)

    with running(root, builder=builder) as server:
        version = server.version
        source.write_text(handout("Sleep better", "CRASH\n"))
        wait_for_rebuild(server, version)
        status, body = get(server, "/")
        assert status == 200
        assert "error: internal: the tool failed; the terminal shows the details" in body.decode()
        version = server.version
        source.write_text(handout("Sleep much better"))
        wait_for_rebuild(server, version)  # the watcher still runs
        status, body = get(server, "/en/sleep.pdf")
        text = " ".join((PdfReader(io.BytesIO(body)).pages[0].extract_text() or "").split())
        assert "Sleep much better" in text
        # The page's own words, not the inlined search library's comments.
        shown = re.sub(r"<script>.*?</script>", "", get(server, "/")[1].decode(), flags=re.S)
        assert "internal" not in shown
    assert "FatalFetch" in capfd.readouterr().err  # the details, for whoever fixes it


def test_serving_on_every_address_accepts_addresses_and_this_computers_name_only() -> None:
    # (Not run on a real 0.0.0.0 socket: a test must not open the machine to the network.)
    name = socket.gethostname()
    for header in ("192.168.1.20:8000", "[fe80::1]:8000", f"{name}:8000", "localhost:8000"):
        assert host_allowed(header, "0.0.0.0", 8000), header
    for header in ("attacker.example:8000", "192.168.1.20:8001", "192.168.1.20", ""):
        assert not host_allowed(header, "0.0.0.0", 8000), header
    assert host_allowed("192.168.1.20:8000", "192.168.1.20", 8000)
    assert not host_allowed("192.168.1.21:8000", "192.168.1.20", 8000)
    assert host_allowed("example.test", "127.0.0.1", 80) is False
    assert host_allowed("localhost", "127.0.0.1", 80)
