"""Broken and hostile pictures, and renders that would never end (issue 19, items 5, 6, 11).

Each picture is a ``bad-image`` problem at its line before anything is rendered, the
other handouts still build, and no traceback is shown. What the check cannot see (a
picture in the theme's CSS) is refused by the render's fetcher by the same rules. A render
that takes too long is stopped (``render-timeout``), and Ctrl-C or SIGTERM end a build
within seconds even while a renderer is stuck.
"""

from __future__ import annotations

import base64
import io
import os
import signal
import struct
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image
from weasyprint.urls import FatalURLFetchingError

from clinic_handouts.build.lock import BuildLock
from clinic_handouts.build.plan import BuildOptions
from clinic_handouts.build.pool import RenderLimits
from clinic_handouts.build.run import build
from clinic_handouts.project.load import load_project
from clinic_handouts.render.pdf import BlockedResource, Rendered, Renderer
from clinic_handouts.render.stamp import Stamp
from tests.conftest import CLI, EPOCH, PNG, TODAY, ProjectFactory, handout, pdf_pages


def _png(width: int = 40, height: int = 40) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_bomb(side: int = 50_000) -> bytes:
    """A 10 KB PNG whose header says 50,000 x 50,000 (2.5 GB of pixels if decoded)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    packer = zlib.compressobj(9)
    rows = b"".join(packer.compress(b"\0" * (side + 1)) for _ in range(100)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def use_bomb(levels: int = 9, fan: int = 10) -> str:
    """The 1.7 KB SVG of issue 19: each level draws the one below ten times (10^9)."""
    parts = ["<rect id='u0' width='1' height='1'/>"]
    for level in range(1, levels + 1):
        uses = "".join(f"<use href='#u{level - 1}'/>" for _ in range(fan))
        parts.append(f"<g id='u{level}'>{uses}</g>")
    inner = "<defs>" + "".join(parts[:-1]) + "</defs>" + parts[-1]
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{inner}</svg>'


SVG_HEAD = '<?xml version="1.0"?>\n<!DOCTYPE svg [{}]>\n'
SVG_TEXT = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>{}</text></svg>'
XXE = SVG_HEAD.format('<!ENTITY xxe SYSTEM "file:///etc/passwd">') + SVG_TEXT.format("&xxe;")
LAUGHS = SVG_HEAD.format(
    '<!ENTITY a "lol">'
    + "".join(
        f'<!ENTITY {n} "{("&" + p + ";") * 10}">'
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
) + SVG_TEXT.format("&i;")
LOOP = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    "<g id='a'><use href='#b'/></g><g id='b'><use href='#a'/></g></svg>"
)
TRUNCATED = _png()[:60]
DATA_TRUNCATED = "data:image/png;base64," + base64.b64encode(TRUNCATED).decode()

# name -> (file contents or None, address in the handout, what the problem says)
PICTURES: dict[str, tuple[bytes | str | None, str, str]] = {
    "no-comma": (None, "data:image/png;base64", "no picture in it"),
    "bad-base64": (None, "data:image/png;base64,%%%%", "not valid base64"),
    "data-truncated": (None, DATA_TRUNCATED, "damaged"),
    "truncated": (TRUNCATED, "truncated.png", "damaged"),
    "empty": (b"", "empty.png", "empty"),
    "text": ("Just some words, not a picture.\n", "text.png", "not a picture"),
    "bomb": (png_bomb(), "bomb.png", "far too large"),
    "xxe": (XXE, "xxe.svg", "declares an entity"),
    "laughs": (LAUGHS, "laughs.svg", "declares an entity"),
    "use-bomb": (use_bomb(), "use.svg", "repeats its elements"),
    "loop": (LOOP, "loop.svg", "refers to itself"),
}


def picture_project(make_project: ProjectFactory) -> Path:
    files: dict[str, str | bytes] = {"handouts/en/good.md": handout("Good", "It builds.\n")}
    files["handouts/en/fine.md"] = handout(
        "Fine",
        "With pictures.\n\n![A navy square](square.png)\n\n"
        f"![A dot](data:image/png;base64,{base64.b64encode(PNG).decode()})\n",
    )
    files["handouts/en/square.png"] = _png()
    for name, (content, address, _why) in PICTURES.items():
        if content is not None:
            files[f"handouts/en/{address}"] = content
        files[f"handouts/en/{name}.md"] = handout(name, f"Text.\n\n![A picture]({address})\n")
    return make_project(files)


def expected_lines() -> list[str]:
    return [f"handouts/en/{name}.md:8: error: bad-image: " for name in sorted(PICTURES)]


def test_every_broken_picture_is_found_by_check_at_its_line(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = picture_project(make_project)
    result = cli("check", "--project", root)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    assert [line.split(": error: ")[0] + ": error: bad-image: " for line in lines] == (
        expected_lines()
    ), lines
    for name, (_content, _address, why) in PICTURES.items():
        line = next(line for line in lines if line.startswith(f"handouts/en/{name}.md:"))
        assert why in line, line


def test_a_build_with_broken_pictures_builds_the_rest_without_a_traceback(
    make_project: ProjectFactory,
) -> None:
    """The crash of issue 19 was with -j 1: no PDF at all, and a traceback."""
    root = picture_project(make_project)
    result = subprocess.run(
        [sys.executable, "-m", "clinic_handouts", "build", "--project", str(root), "-j", "1"],
        capture_output=True,
        text=True,
        timeout=120,  # a guard against the hang this file is about
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    problems = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [p[: len(e)] for p, e in zip(problems, expected_lines(), strict=True)] == (
        expected_lines()
    )
    assert "It builds." in pdf_pages(root / "build/en/good.pdf")[0]
    assert "With pictures." in pdf_pages(root / "build/en/fine.pdf")[0]
    assert not any((root / "build/en" / f"{name}.pdf").exists() for name in PICTURES)


@pytest.mark.parametrize("name", ["no-comma", "data-truncated", "text", "bomb", "use-bomb"])
def test_the_renderer_refuses_what_the_check_would(tmp_path: Path, name: str) -> None:
    """The fetcher judges every picture it is asked for, whoever asks (the theme's CSS,
    an SVG, a file changed since the check): the same rules, at render time."""
    content, address, why = PICTURES[name]
    if content is not None:
        target = tmp_path / address
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    html = f'<p>Text.</p><div style="background: url(\'{address}\')"><img src="{address}"></div>'
    with pytest.raises(BlockedResource) as refused:
        Renderer([tmp_path]).render_pdf(
            html, base_url=tmp_path.as_uri() + "/", stamp=Stamp(every_page=(), in_body=())
        )
    assert refused.value.code == "bad-image"
    assert why in refused.value.reason


def test_a_bad_picture_in_the_theme_stops_its_handouts_not_the_build(
    make_project: ProjectFactory, cli: CLI
) -> None:
    """A picture named in the project's CSS is not in any handout: only the render sees it."""
    css = "h1 { background: url('bomb.svg'); }\n"
    root = make_project(
        {
            "handouts/en/a.md": handout("Alpha", "Some text.\n"),
            "styles/print.css": css,
            "styles/bomb.svg": use_bomb(),
        }
    )
    started = time.monotonic()
    result = cli("build", "--project", root)
    assert time.monotonic() - started < 60
    assert result.exit_code == 1, result.output
    assert "handouts/en/a.md: error: bad-image: " in result.output
    assert "repeats its elements" in result.output
    assert not (root / "build/en/a.pdf").exists()


# --- renders that do not end ----------------------------------------------------------


class SlowRenderer(Renderer):
    """A renderer that hangs, the way WeasyPrint did on the <use> bomb, on a page that
    says so. It blocks SIGINT and SIGTERM while it hangs, as a render stuck inside a
    library does (no Python signal handler runs there), and writes its process id to
    ``hung.pid`` next to the handout so a test can see it is gone afterwards."""

    def render_pdf(
        self, html: str, base_url: str, stamp: Stamp, identifier: bytes = b"clinic-handouts"
    ) -> Rendered:
        if "Hang here." in html:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            folder = Path(base_url.removeprefix("file://"))
            (folder / "hung.pid").write_text(str(os.getpid()))
            time.sleep(3600)
        return super().render_pdf(html, base_url, stamp, identifier)


def slow_renderer(roots: tuple[Path, ...]) -> Renderer:
    return SlowRenderer(roots)


def hanging_project(make_project: ProjectFactory) -> Path:
    return make_project(
        {
            "handouts/en/stuck.md": handout("Stuck", "Hang here.\n"),
            "handouts/en/good.md": handout("Good", "It builds.\n"),
        }
    )


def test_a_render_over_the_time_limit_is_a_problem_and_the_rest_build(
    make_project: ProjectFactory,
) -> None:
    root = hanging_project(make_project)
    # Enough for a real render on a busy machine (a cold worker's first one takes longest).
    limits = RenderLimits(seconds=6.0)
    started = time.monotonic()
    report = build(
        load_project(root, TODAY),
        BuildOptions(today=TODAY, jobs=2, limits=limits),
        None,
        None,
        slow_renderer,
    )
    assert time.monotonic() - started < 60  # before: never
    timeouts = [p.format() for p in report.problems if p.code == "render-timeout"]
    # Both editions of the stuck handout, each named; nothing else went wrong.
    assert len(timeouts) == 2 and all(
        t.startswith("handouts/en/stuck.md: error: render-timeout: ") for t in timeouts
    ), timeouts
    assert "more than 6 seconds" in timeouts[0]
    assert {p.code for p in report.problems} == {"render-timeout"}
    assert "It builds." in pdf_pages(root / "build/en/good.pdf")[0]
    assert (root / "build/en/good.large-print.pdf").exists()
    assert not (root / "build/en/stuck.pdf").exists()


def gone(pid: int) -> bool:
    """The process has ended (a zombie waiting for its parent to notice has, too)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return True
    return state in ("Z", "X")


STOPPABLE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from clinic_handouts.build.plan import BuildOptions
    from clinic_handouts.build.run import build
    from clinic_handouts.project.load import load_project
    from clinic_handouts.cli import stop_on_signals
    from clinic_handouts.build.pool import RenderLimits
    from tests.conftest import TODAY
    from tests.render.test_bad_images import slow_renderer

    if __name__ == "__main__":
        options = BuildOptions(today=TODAY, jobs=1, limits=RenderLimits(seconds=600))
        with stop_on_signals() as stop:
            try:
                build(load_project(Path(sys.argv[1]), TODAY), options, None, stop, slow_renderer)
            except KeyboardInterrupt:
                sys.exit(130)
        sys.exit(0)
    """
)


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_a_stop_ends_the_build_within_seconds_while_a_render_hangs(
    make_project: ProjectFactory, tmp_path: Path, how: str
) -> None:
    """Before: the build waited for the stuck document forever, holding the build lock."""
    root = hanging_project(make_project)
    script = tmp_path / "stoppable.py"
    script.write_text(STOPPABLE)
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": f"{repo / 'src'}{os.pathsep}{repo}"}
    running = subprocess.Popen(
        [sys.executable, str(script), str(root)], env=env, start_new_session=True
    )
    marker = root / "handouts/en/hung.pid"
    deadline = time.monotonic() + 120
    while not marker.exists() or not marker.read_text():
        assert running.poll() is None and time.monotonic() < deadline, "never started"
        time.sleep(0.05)
    worker = int(marker.read_text())
    stopped_at = time.monotonic()
    if how == "ctrl-c":
        os.killpg(running.pid, signal.SIGINT)  # a terminal sends it to the whole group
    else:
        running.send_signal(signal.SIGTERM)  # `kill PID`: the build's process only
    try:
        code = running.wait(timeout=20)
    finally:
        if running.poll() is None:
            os.killpg(running.pid, signal.SIGKILL)
    assert code == 130
    assert time.monotonic() - stopped_at < 10  # a grace of 3 s, then the worker is killed
    deadline = time.monotonic() + 5
    while not gone(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(worker)
    with BuildLock(root / "build"):  # let go: the next build can start at once
        pass


class FailingRenderer(Renderer):
    """WeasyPrint's own fatal fetch error, a BaseException, on a page that asks for it."""

    def render_pdf(
        self, html: str, base_url: str, stamp: Stamp, identifier: bytes = b"clinic-handouts"
    ) -> Rendered:
        if "Fail here." in html:
            raise FatalURLFetchingError('Error fetching "data:image/png;base64"')
        return super().render_pdf(html, base_url, stamp, identifier)


def failing_renderer(roots: tuple[Path, ...]) -> Renderer:
    return FailingRenderer(roots)


def test_a_fatal_render_error_is_a_problem_of_its_handout_only(
    make_project: ProjectFactory,
) -> None:
    root = make_project(
        {
            "handouts/en/broken.md": handout("Broken", "Fail here.\n"),
            "handouts/en/good.md": handout("Good", "It builds.\n"),
        }
    )
    report = build(
        load_project(root, TODAY), BuildOptions(today=TODAY, jobs=1), None, None, failing_renderer
    )
    failed = sorted(p.format().split(" not written")[0] for p in report.problems)
    assert failed == [
        "handouts/en/broken.md: error: render-failed: broken.large-print.pdf",
        "handouts/en/broken.md: error: render-failed: broken.pdf",
    ]
    assert "It builds." in pdf_pages(root / "build/en/good.pdf")[0]
