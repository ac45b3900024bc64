"""How long the catalogue adds to a build: rendering the page, and page-1 thumbnails made
fresh or reused, for a library of N handouts (default 100).

    .venv/bin/python -m benchmarks.catalogue [N]

One real handout is built, its PDF copied N times; each step runs 3 times and the best
time is printed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.helpers.repo_project import copy_repo_project

from benchmarks.library import SETTINGS, TODAY, card
from clinic_handouts.build.plan import BuildOptions
from clinic_handouts.build.run import build
from clinic_handouts.catalogue.entries import sha256_of, with_thumbnails
from clinic_handouts.catalogue.page import FileEntry, write_catalogue
from clinic_handouts.project.load import load_project
from clinic_handouts.project.theme import bundled_theme


def best_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = copy_repo_project(Path(folder))
        build(load_project(root, TODAY), BuildOptions(today=TODAY))
        source_pdf = next((root / "build/en").glob("*.pdf"))
        build_dir = root / "build"
        entries = []
        for n in range(count):
            pdf = build_dir / "en" / f"handout-{n}.pdf"
            shutil.copy(source_pdf, pdf)
            size = pdf.stat().st_size
            entries.append(
                card(
                    n,
                    FileEntry("standard", f"en/{pdf.name}", 2, size, sha256_of(pdf)),
                    title=f"Handout number {n}",
                    summary="A summary of one or two sentences for the card.",
                    tags=("benchmark",),
                    reviewed_on=TODAY,
                    next_review=TODAY + dt.timedelta(days=700),
                    reading_grade=None,
                )
            )
        theme = bundled_theme()

        def fresh() -> object:
            shutil.rmtree(build_dir / "thumbnails", ignore_errors=True)
            return with_thumbnails(entries, [], build_dir)

        made = with_thumbnails(entries, [], build_dir)
        page_s = best_of(3, lambda: write_catalogue(build_dir, theme, SETTINGS, made))
        fresh_s = best_of(3, fresh)
        made = with_thumbnails(entries, [], build_dir)
        reused_s = best_of(3, lambda: with_thumbnails(entries, made, build_dir))
        size = (build_dir / "index.html").stat().st_size
        pngs = sorted((build_dir / "thumbnails/en").glob("*.png"))
        png_kb = sum(p.stat().st_size for p in pngs) / len(pngs) / 1000
        print(f"{count} handouts:")
        print(f"  render index.html ({size / 1000:.0f} KB): {page_s * 1000:.0f} ms")
        print(f"  thumbnails made fresh:  {fresh_s * 1000:.0f} ms ({png_kb:.1f} KB each)")
        print(f"  thumbnails reused (PDF unchanged): {reused_s * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
