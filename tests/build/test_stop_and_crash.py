"""Builds that are stopped, lose a renderer, or run twice at once, checked from outside the
way a person meets them: the real command in its own process, signals, and the files it
leaves behind."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from clinic_handouts.build.lock import BuildLock
from clinic_handouts.build.plan import BuildOptions
from clinic_handouts.build.run import build as run_build
from clinic_handouts.project.load import load_project
from clinic_handouts.render.pdf import Rendered, Renderer
from clinic_handouts.render.stamp import Stamp
from tests.conftest import TODAY, ProjectFactory, handout, pdf_pages
from tests.helpers.build_process import build, start

NEW = "Version two of this sheet."


def long_body(parts: int) -> str:
    return "\n\n".join(
        f"## Part {n}\n\n" + "Take a slow breath and rest your hands. " * 40
        for n in range(1, parts + 1)
    )


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def leftovers(root: Path) -> list[Path]:
    return [p for p in (root / "build").rglob("*") if p.name.endswith(".tmp")]


def edit_all(root: Path) -> None:
    for source in (root / "handouts/en").glob("*.md"):
        source.write_text(source.read_text() + f"\n{NEW}\n")


def changed(pdf: Path, mtime: int) -> bool:
    try:
        return pdf.stat().st_mtime_ns != mtime
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_stopped_build_keeps_every_pdf_whole_and_the_next_one_finishes(
    make_project: ProjectFactory, how: str
) -> None:
    # More handouts than the jobs in flight when the signal comes (those still finish).
    root = make_project(
        {
            f"handouts/en/h{n:02}.md": handout(f"Sheet {n}", long_body(3), large_print="false")
            for n in range(12)
        }
    )
    first = build(root, "-j", "2")
    assert first.returncode == 0, first.stderr
    pdfs = sorted((root / "build/en").glob("*.pdf"))
    before = {pdf: (pdf.read_bytes(), pdf.stat().st_mtime_ns) for pdf in pdfs}

    edit_all(root)
    running = start(root, "-j", "2")
    wait_for(lambda: any(changed(pdf, before[pdf][1]) for pdf in pdfs), "a first new PDF")
    if how == "ctrl-c":
        os.killpg(running.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends
    else:
        running.send_signal(signal.SIGTERM)
    out, err = running.communicate(timeout=120)

    assert running.returncode == 130, out + err
    assert "Stopped before the end" in err and "Traceback" not in out + err
    assert leftovers(root) == []
    remade = []
    for pdf in pdfs:
        text = " ".join(pdf_pages(pdf))  # every PDF opens: none is truncated
        if NEW in text:
            remade.append(pdf)
        else:
            assert pdf.read_bytes() == before[pdf][0]
    assert 0 < len(remade) < len(pdfs)

    last = build(root)
    assert last.returncode == 0, last.stderr
    # What the stopped build finished is not made again.
    left = len(pdfs) - len(remade)
    assert last.stdout.startswith(f"Built {left} PDF{'s' if left != 1 else ''} (")
    assert all(NEW in " ".join(pdf_pages(pdf)) for pdf in pdfs)


class DyingRenderer(Renderer):
    """A renderer whose process dies outright (as on a segfault or the kernel's OOM
    killer) when it is given the page that says so; every other page renders normally."""

    def render_pdf(
        self, html: str, base_url: str, stamp: Stamp, identifier: bytes = b"clinic-handouts"
    ) -> Rendered:
        if "Die here." in html:
            os.kill(os.getpid(), signal.SIGKILL)
        return super().render_pdf(html, base_url, stamp, identifier)


def dying_renderer(roots: tuple[Path, ...]) -> Renderer:
    return DyingRenderer(roots)


def test_a_killed_renderer_is_a_problem_naming_its_handout(make_project: ProjectFactory) -> None:
    """The renderer is passed in, so the crash is certain and needs no timing: one
    renderer dies on the long handout while the other makes the small ones."""
    files = {
        f"handouts/en/small-{n}.md": handout(f"Small {n}", large_print="false") for n in range(4)
    }
    root = make_project({**files, "handouts/en/a-long.md": handout("Long", large_print="false")})
    first = build(root, "-j", "2")
    assert first.returncode == 0, first.stderr
    long_pdf = root / "build/en/a-long.pdf"
    before = long_pdf.read_bytes()

    body = long_body(3) + "\n\nDie here.\n"
    (root / "handouts/en/a-long.md").write_text(handout("Long", body, large_print="false"))
    edit_all(root)
    report = run_build(
        load_project(root, TODAY), BuildOptions(today=TODAY, jobs=2), None, None, dying_renderer
    )
    crashes = [p.format() for p in report.problems if p.code == "render-crash"]
    assert len(crashes) == 1 and crashes[0].startswith(
        "handouts/en/a-long.md: error: render-crash: the renderer stopped abruptly"
    ), report.problems
    assert len(report.built) == 4  # the others still built
    assert long_pdf.read_bytes() == before
    assert leftovers(root) == []

    source = root / "handouts/en/a-long.md"
    source.write_text(source.read_text().replace("Die here.\n", ""))
    last = build(root)
    assert last.returncode == 0, last.stderr
    assert last.stdout.startswith("Built 1 PDF (")
    assert NEW in " ".join(pdf_pages(long_pdf))


def test_a_second_build_stops_at_once_naming_the_first(make_project: ProjectFactory) -> None:
    root = make_project({"handouts/en/a.md": handout()})
    with BuildLock(root / "build"):  # a build of this project, running in this process
        second = build(root)
    assert second.returncode == 2
    assert (
        "build: error: build-locked: another build of this project is running "
        f"(process {os.getpid()} on "
    ) in second.stderr
    assert "Wait for it to finish, then run 'handouts build' again" in second.stderr
    assert sorted(p.name for p in (root / "build").iterdir()) == [".lock"]  # nothing written
    assert build(root).returncode == 0  # and once it is over, building works again
