"""No network, no files from outside the project: every blocked URL is an error naming the
handout (or stylesheet) and the URL, and a real local HTTP server proves no request was
made. Most attacks are refused while checking, before anything is rendered; the tests
that render prove the fetcher holds on its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from clinic_handouts.addresses import allowed_roots
from clinic_handouts.project.config import load_config
from clinic_handouts.render.pdf import Renderer
from clinic_handouts.render.stamp import Stamp
from clinic_handouts.text.markdown import to_html
from tests.conftest import CLI, PNG, HttpServer, ProjectFactory, handout


def test_http_image_is_blocked_and_never_requested(
    make_project: ProjectFactory, cli: CLI, http_server: HttpServer
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


# Raw HTML that would load from the network. Each body puts the address on line 8
# (the body starts on line 6); {u} is the test server.
LOADERS = {
    "style-import": "One.\n\n<style>@import url({u}/a.css);</style>\n",
    "style-attribute": 'One.\n\n<p style="background: url({u}/a.png)">Hi</p>\n',
    "link-stylesheet": 'One.\n\n<link rel="stylesheet" href="{u}/a.css">\n',
    "link-attachment": 'One.\n\n<link rel="attachment" href="{u}/a.pdf">\n',
    "iframe": 'One.\n\n<iframe src="{u}/page"></iframe>\n',
    "object": 'One.\n\n<object data="{u}/a.svg"></object>\n',
    "embed": 'One.\n\n<embed src="{u}/a.svg">\n',
    "srcset": 'One.\n\n<img src="dot.png" srcset="{u}/a.png 2x" alt="A dot">\n',
    "svg-image": 'One.\n\n<svg><image href="{u}/a.png"/></svg>\n',
    "img-tag": 'One.\n\n<img src="{u}/a.png" alt="A dot">\n',
    "scheme-relative": "One.\n\n![A dot](//127.0.0.1/a.png)\n",
    "video-poster": 'One.\n\n<video poster="{u}/a.png"></video>\n',
}


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_raw_html_that_loads_from_the_network_is_blocked_with_its_line(
    make_project: ProjectFactory, cli: CLI, http_server: HttpServer, kind: str
) -> None:
    url, requests = http_server
    body = LOADERS[kind].format(u=url)
    root = make_project({"handouts/en/a.md": handout(body=body), "handouts/en/ok.md": handout()})
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "blocked-resource" in line]
    assert lines, result.output
    assert lines[0].startswith("handouts/en/a.md:8: error: blocked-resource: ")
    assert "network addresses are never fetched" in lines[0]
    assert "Traceback" not in result.output
    assert requests == []
    assert not (root / "build/en/a.pdf").exists() and (root / "build/en/ok.pdf").exists()


def test_attachment_link_is_refused(make_project: ProjectFactory, cli: CLI) -> None:
    body = 'Notes.\n\n<a rel="attachment" href="notes.txt">Our notes</a>\n'
    root = make_project({"handouts/en/a.md": handout(body=body), "handouts/en/notes.txt": "x"})
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert 'handouts/en/a.md:8: error: unsafe-html: rel="attachment"' in result.output


def test_sanitized_html_loads_nothing_even_when_rendered(
    make_project: ProjectFactory, http_server: HttpServer
) -> None:
    """Defence in depth: render what the sanitizer keeps from every attack at once, as
    if the checks had been skipped. Nothing reaches the server, nothing is embedded."""
    url, requests = http_server
    attacks = "\n\n".join(body.format(u=url) for body in LOADERS.values())
    attacks += f'\n\n<a rel="attachment" href="{url}/b.pdf">x</a> <a rel="attachment" '
    attacks += 'href="notes.txt">y</a>\n'
    root = make_project({"handouts/en/notes.txt": "secret notes", "handouts/en/dot.png": PNG})
    clean = to_html(attacks, "handouts/en/a.md", 6).html
    assert url not in clean.replace(f'href="{url}/b.pdf"', "")  # a link is kept, as text
    html = f"<!DOCTYPE html><html><body><p>Stamp.</p>{clean}</body></html>"
    renderer = Renderer(allowed_roots(load_config(root).root))
    base = (root / "handouts/en").as_uri() + "/"
    data = renderer.render_pdf(html, base_url=base, stamp=Stamp(("Stamp.",), ())).data
    assert requests == []
    assert renderer.fetcher.refused == []
    out = root / "out.pdf"
    out.write_bytes(data)
    reader = PdfReader(out)
    assert "/EmbeddedFiles" not in reader.root_object.get("/Names", {})
    # WeasyPrint puts <a rel=attachment> files in a /FileAttachment annotation.
    kinds = [a.get_object().get("/Subtype") for p in reader.pages for a in p.get("/Annots", [])]
    assert "/FileAttachment" not in kinds and "/Link" in kinds  # the links stay links


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}</svg>'


@pytest.mark.parametrize("kind", ["network", "outside", "data-url"])
def test_svg_image_cannot_load_what_the_handout_cannot(
    make_project: ProjectFactory, cli: CLI, http_server: HttpServer, tmp_path: Path, kind: str
) -> None:
    """An SVG inside the project is drawn by WeasyPrint, which fetches what the SVG
    refers to through the same fetcher. WeasyPrint hides errors raised while drawing
    an SVG; the build still reports them."""
    url, requests = http_server
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    target = {"network": f"{url}/a.png", "outside": secret.as_uri(), "data-url": ""}[kind]
    inner = f'<image href="{target}" width="10" height="10"/>'
    files: dict[str, str | bytes] = {"handouts/en/chart.svg": SVG.format(inner)}
    ref = "chart.svg"
    if kind == "data-url":
        network = SVG.format(f'<image href="{url}/a.png" width="10" height="10"/>')
        ref = "data:image/svg+xml," + network.replace('"', "%22").replace("#", "%23")
    body = f"One.\n\n![A chart]({ref})\n"
    files["handouts/en/a.md"] = handout(body=body)
    root = make_project(files)
    result = cli("build", "--project", root)
    assert result.exit_code == 1, result.output
    assert "handouts/en/a.md:" in result.output and "error: blocked-resource: " in result.output
    expected = "network addresses" if kind != "outside" else "outside the project folder"
    assert expected in result.output
    assert requests == []
    assert not (root / "build/en/a.pdf").exists()


def test_project_stylesheet_that_loads_from_outside_is_a_config_error(
    make_project: ProjectFactory, cli: CLI, http_server: HttpServer
) -> None:
    url, requests = http_server
    css = (
        f"@import url({url}/fonts.css);\n"
        "body { color: black; }\n"
        "h1 { background: url('/etc/passwd'); }\n"
        f'@font-face {{ font-family: X; src: url("{url}/x.woff"); }}\n'
        "@import 'print-extra.css';\n"
    )
    root = make_project({"handouts/en/a.md": handout(), "styles/print.css": css})
    result = cli("build", "--project", root)
    assert result.exit_code == 2
    out = result.output
    assert f"styles/print.css:1: error: blocked-resource: {url}/fonts.css: network" in out
    assert "styles/print.css:3: error: blocked-resource: /etc/passwd: this file is outside" in out
    assert f"styles/print.css:4: error: blocked-resource: {url}/x.woff: network" in out
    assert "styles/print.css:5: error: missing-resource: print-extra.css" in out
    assert requests == [] and not (root / "build").exists()


def test_custom_template_cannot_fetch_either(
    make_project: ProjectFactory, cli: CLI, http_server: HttpServer
) -> None:
    """Templates are not read for addresses before rendering: the fetcher refuses."""
    url, requests = http_server
    template = (
        '{% extends "base.html" %}{% block content %}'
        f'<img src="{url}/tracker.png" alt="">{{{{ body }}}}{{% endblock %}}'
    )
    root = make_project({"handouts/en/a.md": handout(), "templates/handout.html": template})
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert f"handouts/en/a.md: error: blocked-resource: {url}/tracker.png: network" in (
        result.output
    )
    assert requests == []
