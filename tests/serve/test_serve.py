"""handouts serve without a browser: what bytes a real local server gives, and what it
refuses to give. (Reloading and the catalogue in a browser: test_browser.py.)"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from pypdf import PdfReader

from clinic_handouts.errors import UsageError
from clinic_handouts.serve.server import PreviewServer, exposure_warning
from tests.conftest import ProjectFactory, handout
from tests.helpers.servers import get, running

CLI = Callable[..., Result]
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
