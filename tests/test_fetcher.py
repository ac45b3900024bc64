"""No network, no files from outside the project: every blocked URL is an error naming the
handout and the URL, and a real local HTTP server proves no request was made."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import ProjectFactory, handout

CLI = Callable[..., Result]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[str]]]:
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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()


def test_http_image_is_blocked_and_never_requested(
    make_project: ProjectFactory, cli: CLI, http_server: tuple[str, list[str]]
) -> None:
    url, requests = http_server
    body = f"Intro.\n\n![A chart]({url}/chart.png)\n"
    root = make_project({"handouts/en/a.md": handout(body=body), "handouts/en/ok.md": handout()})
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert f"handouts/en/a.md:8: error: blocked-resource: {url}/chart.png: network" in (
        result.output
    )
    assert requests == []
    assert (root / "build/en/ok.pdf").exists() and not (root / "build/en/a.pdf").exists()


def test_local_image_inside_project_is_embedded(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project(
        {
            "handouts/en/a.md": handout(body="![A dot](images/dot.png)\n"),
            "handouts/en/images/dot.png": PNG,
        }
    )
    result = cli("build", "--project", root)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "file-url", "symlink"])
def test_files_outside_the_project_are_blocked(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path, kind: str
) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    refs = {
        "dotdot": "../../../secret.png",
        "absolute": str(secret),
        "file-url": secret.as_uri(),
        "symlink": "link.png",
    }
    root = make_project({"handouts/en/a.md": handout(body=f"![Secret]({refs[kind]})\n")})
    if kind == "symlink":
        (root / "handouts/en/link.png").symlink_to(secret)
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert "handouts/en/a.md:6: error: blocked-resource:" in result.output
    assert "outside the project folder" in result.output or "'file:' addresses" in result.output
    assert not (root / "build/en/a.pdf").exists()


def test_missing_local_image_is_an_error(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/a.md": handout(body="![Gone](images/gone.png)\n")})
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert "handouts/en/a.md:6: error: missing-resource:" in result.output


def test_fetcher_blocks_what_the_checks_cannot_see(
    make_project: ProjectFactory, cli: CLI, http_server: tuple[str, list[str]]
) -> None:
    """Checks find network images in handouts before rendering; a project's own template
    is not a handout, so the fetcher is the last guard."""
    url, requests = http_server
    template = (
        '{% extends "base.html" %}{% block content %}'
        f'<img src="{url}/banner.png" alt="Banner">{{{{ body }}}}{{% endblock %}}'
    )
    root = make_project({"handouts/en/a.md": handout(), "templates/handout.html": template})
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert f"handouts/en/a.md: error: blocked-resource: {url}/banner.png: network" in (
        result.output
    )
    assert requests == []
    assert not (root / "build/en/a.pdf").exists()
