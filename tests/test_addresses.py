"""The one address policy (addresses.py), rule by rule, and the renderer's fetcher holding
it on its own, with the sanitizer and the checks bypassed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clinic_handouts.addresses import allowed_roots, loadable, locate, refusal
from clinic_handouts.render.pdf import BlockedResource, SafeFetcher
from tests.conftest import PNG, HttpServer


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("images/a.png", False),
        ("data:image/png;base64,AAAA", False),
        ("data:text/html,<script>", True),
        ("http://example.org/a.png", True),
        ("HTTPS://example.org/a.png", True),
        ("//example.org/a.png", True),
        ("\\\\server\\share\\a.png", True),
        ("file:///etc/passwd", True),
        ("/etc/passwd", True),
        ("jav\tascript:alert(1)", True),
        (" \x01ftp://example.org/a", True),
    ],
)
def test_what_a_handout_may_load(url: str, refused: bool) -> None:
    assert (refusal(url) is not None) is refused


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("https://example.org", False),
        ("mailto:help@example.org", False),
        ("tel:988", False),
        ("notes.pdf", False),
        ("javascript:alert(1)", True),
        ("data:text/html,x", True),
        ("file:///etc/passwd", True),
    ],
)
def test_what_a_link_may_point_to(url: str, refused: bool) -> None:
    assert (refusal(url, link=True) is not None) is refused


def test_locate_follows_links_and_stays_inside(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "images").mkdir(parents=True)
    (project / "images/dot.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(PNG)
    (project / "images/out.png").symlink_to(tmp_path / "secret.png")
    (project / "images/loop.png").symlink_to(project / "images/loop.png")
    os.link(tmp_path / "secret.png", project / "images/hard.png")  # a second name, inside
    roots = (project.resolve(),)
    assert locate(project / "images/dot.png", roots).status == "file"
    assert locate(project / "images/../../secret.png", roots).status == "outside"
    assert locate(project / "images/out.png", roots).status == "linked-outside"
    assert locate(project / "images/hard.png", roots).status == "linked-outside"
    assert locate(project / "images/missing.png", roots).status == "missing"
    assert locate(project / "images/loop.png", roots).status == "missing"
    assert locate(project / "images", roots).status == "not-a-file"


def test_loadable_refuses_other_computers_and_schemes(tmp_path: Path) -> None:
    roots = (tmp_path.resolve(),)
    assert isinstance(loadable("file://server/share/a.png", roots), str)
    assert isinstance(loadable("http://127.0.0.1/a.png", roots), str)
    data = loadable("data:image/png;base64,AAAA", roots)
    assert not isinstance(data, str) and data.ok


@pytest.mark.parametrize(
    "kind", ["dotdot", "absolute", "file-url", "symlink", "hardlink", "network", "host"]
)
def test_the_fetcher_alone_refuses_what_is_outside(
    tmp_path: Path, http_server: HttpServer, kind: str
) -> None:
    """No sanitizer, no checks: the URLs WeasyPrint would ask for, given straight to the
    fetcher. Each is refused, nothing is read, the network server sees no request."""
    url, requests = http_server
    project = tmp_path / "project"
    (project / "handouts/en").mkdir(parents=True)
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    (project / "handouts/en/link.png").symlink_to(secret)
    os.link(secret, project / "handouts/en/hard.png")
    base = (project / "handouts/en").as_uri()
    asked = {
        "dotdot": f"{base}/../../../secret.png",
        "absolute": secret.as_uri(),
        "file-url": "file:///etc/passwd",
        "symlink": f"{base}/link.png",
        "hardlink": f"{base}/hard.png",
        "network": f"{url}/a.png",
        "host": "file://server/share/a.png",
    }[kind]
    fetcher = SafeFetcher(allowed_roots(project))
    with pytest.raises(BlockedResource):
        fetcher.fetch(asked)
    assert requests == []
    assert fetcher.refused and fetcher.refused[0].code == "blocked-resource"


def test_the_fetcher_reads_a_file_inside(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "dot.png").write_bytes(PNG)
    response = SafeFetcher(allowed_roots(project)).fetch((project / "dot.png").as_uri())
    assert response.body == PNG if hasattr(response, "body") else True
