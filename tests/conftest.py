"""Shared test helpers: a project factory, a fixed build date, PDF readers, a CLI runner."""

from __future__ import annotations

import datetime as dt
import http.server
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from clinic_handouts.cli import main
from tests.helpers.project_files import write_project
from tests.helpers.repo_project import copy_repo_project

PNG = bytes.fromhex(  # a 1x1 transparent PNG (whole: the build decodes every picture)
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)
# A fixed build date inside the bundled crisis data's freshness window.
TODAY = dt.date(2026, 11, 21)
EPOCH = str(int(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC).timestamp()))

DISCLAIMER_EN = "Test disclaimer: this sheet does not replace your care team."
DISCLAIMER_ES = "Aviso de prueba: esta hoja no reemplaza a su equipo de atención."
CRISIS_LINE_EN = "In crisis? Call or text 988. Emergency: 911."

CONFIG = f"""\
[clinic]
name = "Test Clinic"
phone = "555-0100"

[crisis]
region = "US"

[disclaimer]
en = "{DISCLAIMER_EN}"
es = "{DISCLAIMER_ES}"
"""


def handout(
    title: str = "A test handout",
    body: str = "You can rest.\n",
    reviewed_on: str = "2026-10-01",
    **meta: str,
) -> str:
    """Handout text: front matter (title, reviewed_on, then ``meta``) and a body."""
    lines = ["---", f"title: {title}", f"reviewed_on: {reviewed_on}"]
    lines += [f"{key}: {value}" for key, value in meta.items()]
    lines += ["---", "", ""]
    return "\n".join(lines) + textwrap.dedent(body)  # the body starts on line 6 (no meta)


ProjectFactory = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectFactory:
    """Build a project from {relative path: text}; handouts.toml defaults to CONFIG."""

    def factory(files: dict[str, str | bytes] | None = None, config: str = CONFIG) -> Path:
        return write_project(tmp_path / "project", files or {}, config)

    return factory


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """A copy of this repository's own clinic project (config, handouts, theme)."""
    return copy_repo_project(tmp_path)


CLI = Callable[..., Result]  # the ``cli`` fixture's type


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[CLI]:
    """Run ``handouts ARGS`` in-process with the fixed build date."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)

    def invoke(*args: str | Path) -> Result:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    yield invoke


def built(cli: CLI, root: Path, *args: str, code: int = 0) -> str:
    """``handouts build --project ROOT ARGS`` ends with exit code ``code``: its output."""
    result = cli("build", "--project", root, *args)
    assert result.exit_code == code, result.output
    return result.output


def pdf_pages(path: Path) -> list[str]:
    """Text of each page as a reader's PDF tool extracts it, whitespace folded."""
    return [" ".join((sheet.extract_text() or "").split()) for sheet in PdfReader(path).pages]


def folded(text: str) -> str:
    return " ".join(text.split())


def stamped(text: str) -> bool:
    """Whether a page's text shows CONFIG's English stamp: its disclaimer and the US
    crisis line the footer prints beside it."""
    return DISCLAIMER_EN in text and CRISIS_LINE_EN in text


HttpServer = tuple[str, list[str]]


@pytest.fixture
def http_server() -> Iterator[HttpServer]:
    """A real local HTTP server: (base URL, paths requested). Tests assert it got nothing.

    It answers every request with a PNG, so a fetch that slipped through would succeed
    and show up here rather than fail quietly.
    """
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll interval, so shutting the server down does not add half a second.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


# One Chromium for every browser test of the session (catalogue and desk).
from tests.helpers.browser import browser, page  # noqa: E402, F401

# One CUPS scheduler and test printer for every print test of the session (printing and desk).
from tests.helpers.cups import cups  # noqa: E402, F401
