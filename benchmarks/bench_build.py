"""How fast ``handouts build`` is, next to WeasyPrint alone and to other tools.

    .venv/bin/python benchmarks/bench_build.py [--handouts 200] [--memory-handouts 1000]

Makes a synthetic library of N handouts from this repository's sample handouts (samples
of one language run together until a sheet is about four pages) in a temporary folder,
then measures on this machine, in one run:

- the floor: WeasyPrint alone rendering the HTML documents ``handouts build --html``
  made (every edition of every handout; not the catalogue page) to the same kind of PDF
  (tagged, PDF/UA-1), one process per core, each reusing one font setup; and, for
  comparison, the same documents to untagged PDF;
- ``handouts build`` from nothing (cold), as a ratio to the floor (target 1.15 at most);
- ``handouts build`` again with nothing changed (target: under 1 s for 200 handouts);
- ``handouts build`` after editing one handout, next to WeasyPrint alone making that
  handout's PDFs (both editions, side by side as the build makes them) from fresh
  processes (target: under 0.5 s more);
- md2pdf (its batch mode, installed into a throw-away environment) and pandoc with the
  WeasyPrint engine (one process per file, as many at once as there are cores), as ratios
  to our cold build of the same sources with large print off (the peers make one PDF per
  source), and per page made (their pages carry no stamp and no crisis box, so they make
  fewer); "not available" when they cannot be installed here;
- the peak memory of each render worker during a build of 1,000 handouts (target: under
  300 MB), read from /proc while the build runs.

Floor, cold, no-op and one-edit builds are each run ``--repeat`` times (interleaved where
they are compared) and the fastest run of each counts, because a shared machine is noisy;
the table lists every run. It prints a Markdown table.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import importlib.metadata
import multiprocessing
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
COPIED = ("handouts.toml", "styles", "templates", "images", "crisis", "locales")
DROPPED_KEYS = ("id", "next_review", "reviewed_on", "title")
SHEET_CHARACTERS = 3000  # of Markdown: with the crisis box and the stamp, about four pages


# --- the synthetic library ----------------------------------------------------------------


def split_front_matter(text: str) -> tuple[list[str], str]:
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    return lines[1:end], "\n".join(lines[end + 1 :])


def make_library(target: Path, count: int, build_date: dt.date) -> Path:
    """A project with ``count`` handouts made from the repository's samples."""
    target.mkdir(parents=True)
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)  # follows the theme links: real files
        elif source.is_file():
            shutil.copy(source, target / name)
    samples = sorted((REPO / "handouts").glob("*/*.md"))
    if not samples:
        raise SystemExit("no sample handouts in handouts/<lang>/*.md to copy")
    for number in range(count):
        first = samples[number % len(samples)]
        meta, body = split_front_matter(first.read_text(encoding="utf-8"))
        title = next(line.split(":", 1)[1].strip() for line in meta if line.startswith("title:"))
        title = title.strip("'\"")
        kept = [line for line in meta if line.split(":", 1)[0].strip() not in DROPPED_KEYS]
        parts = [
            body.strip(),
            f"This is sheet number {number + 1} of the test library.",
        ]
        following = number + 1
        while sum(len(part) for part in parts) < SHEET_CHARACTERS:
            more = samples[following % len(samples)]
            following += 1
            if more.parent.name == first.parent.name:
                parts.append(split_front_matter(more.read_text(encoding="utf-8"))[1].strip())
        text = "\n".join(
            [
                "---",
                f'title: "{title} ({number + 1})"',
                f"reviewed_on: {build_date.isoformat()}",
                *kept,
                "---",
                "",
                "\n\n".join(parts),
                "",
            ]
        )
        path = target / "handouts" / first.parent.name / f"{first.stem}-{number + 1:04d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target


def crisis_checked_on(project: Path) -> dt.date:
    """A build date at which the crisis data counts as confirmed."""
    from clinic_handouts.project.config import load_config
    from clinic_handouts.project.crisis import load_crisis

    return load_crisis(load_config(project)).confirmed_on


# --- running things ----------------------------------------------------------------------


def timed(command: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])}... failed:\n{done.stdout}\n{done.stderr}")
    return seconds


def handouts(project: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "clinic_handouts",
        "build",
        "--project",
        str(project),
        *args,
    ]


def build_output(project: Path, env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(handouts(project, *args), env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"handouts build failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout.strip()


# --- the floor: WeasyPrint alone ----------------------------------------------------------

# The floor makes the same kind of PDF as the build: tagged PDF/UA-1, which is WeasyPrint's
# own work. What this tool adds (its structure fixes in render/tagging.py, the stamp checks, the
# atomic writes, the checks and the catalogue) counts against it. "untagged" shows what
# plain write_pdf() costs, for comparison.
FLOOR_VARIANT = "pdf/ua-1"
_font_config: Any = None
_pdf_variant: str | None = None


def _floor_init(variant: str | None) -> None:
    global _font_config, _pdf_variant
    from weasyprint.text.fonts import FontConfiguration

    _font_config = FontConfiguration()
    _pdf_variant = variant


def _floor_render(item: tuple[str, str, str]) -> None:
    from weasyprint import HTML

    html, base_url, pdf = item
    HTML(filename=html, base_url=base_url).write_pdf(
        pdf, font_config=_font_config, pdf_variant=_pdf_variant
    )


def floor_worker(list_file: Path, jobs: int, variant: str | None) -> None:
    """Render every (html, base_url, pdf) line of ``list_file`` with ``jobs`` processes."""
    import weasyprint  # noqa: F401  (loaded once, before the workers fork)

    items = [tuple(line.split("\t")) for line in list_file.read_text().splitlines()]
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(
        jobs, context, initializer=_floor_init, initargs=(variant,)
    ) as pool:
        for _ in pool.map(_floor_render, items):
            pass


def floor_items(project: Path, out: Path) -> list[str]:
    """What the floor renders: the HTML of every edition the build wrote (in
    ``build/<lang>/``; not the catalogue page), with the handout's base URL."""
    lines = []
    for html in sorted((project / "build").glob("*/*.html")):
        lang = html.parent.name
        base_url = (project / "handouts" / lang).as_uri() + "/"
        lines.append(f"{html}\t{base_url}\t{out / (lang + '-' + html.stem + '.pdf')}")
    return lines


def run_floor(
    lines: list[str], jobs: int, work: Path, env: dict[str, str], variant: str = FLOOR_VARIANT
) -> float:
    list_file = work / "floor.tsv"
    list_file.write_text("\n".join(lines))
    command = [sys.executable, str(Path(__file__).resolve()), "--floor", str(list_file)]
    return timed([*command, "--jobs", str(jobs), "--floor-variant", variant], env)


# --- peers -------------------------------------------------------------------------------


def standard_only(library: Path, target: Path) -> Path:
    """A copy of the library whose handouts say ``large_print: false``: one PDF per
    source, as the peers make."""
    shutil.copytree(library, target)
    for source in (target / "handouts").rglob("*.md"):
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("---\n", "---\nlarge_print: false\n", 1), "utf-8")
    return target


def md2pdf_command(work: Path) -> list[str] | None:
    venv = work / "md2pdf-venv"
    made = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True)
    if made.returncode != 0:
        return None
    pip = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "--quiet",
        "md2pdf[cli]",
    ]
    if subprocess.run(pip, capture_output=True).returncode != 0:
        return None
    return [str(venv / "bin" / "md2pdf")]


def time_md2pdf(library: Path, work: Path, env: dict[str, str]) -> float | None:
    command = md2pdf_command(work)
    if command is None:
        return None
    copy = Path(shutil.copytree(library / "handouts", work / "md2pdf-sources"))
    args = [*command, "--css", str(library / "styles" / "print.css")]
    for source in sorted(copy.rglob("*.md")):
        args += ["-i", str(source)]
    return timed(args, env, cwd=copy)


def count_pages(folder: Path) -> int | None:
    """Pages in every PDF under ``folder`` (peers make simpler, shorter documents)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return sum(len(PdfReader(pdf).pages) for pdf in folder.rglob("*.pdf"))


def pages_text(pages: int | None) -> str:
    return "? pages" if pages is None else f"{pages} pages"


def pandoc_available() -> bool:
    if shutil.which("pandoc") is None:
        installer = REPO / "tools" / "system-packages.sh"
        subprocess.run([str(installer), "bench"], capture_output=True)
    return shutil.which("pandoc") is not None


def time_pandoc(library: Path, work: Path, env: dict[str, str], jobs: int) -> float | None:
    if not pandoc_available():
        return None
    out = work / "pandoc-pdf"
    out.mkdir()
    css = str(library / "styles" / "print.css")
    sources = sorted((library / "handouts").rglob("*.md"))
    path_env = {**env, "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}"}

    def one(source: Path) -> int:
        command = ["pandoc", str(source), "-o", str(out / f"{source.stem}.pdf")]
        command += [
            "--pdf-engine=weasyprint",
            "--css",
            css,
            "--resource-path",
            str(source.parent),
        ]
        return subprocess.run(command, env=path_env, capture_output=True).returncode

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        failures = sum(code != 0 for code in pool.map(one, sources))
    seconds = time.perf_counter() - started
    if failures:
        print(f"pandoc failed on {failures} of {len(sources)} files", file=sys.stderr)
    return seconds


# --- memory ------------------------------------------------------------------------------


def _process_table() -> dict[int, int]:
    """pid -> parent pid, for every process."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(stat.parent.name)] = int(fields[1])
    return table


def _peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Memory:
    seconds: float
    build_peak_mb: float  # the build's own process
    worker_peak_mb: float  # the largest render worker
    workers_seen: int


def measure_memory(library: Path, env: dict[str, str]) -> Memory:
    """Build with ``/proc`` polled: the peak RSS (VmHWM) of each render worker."""
    peaks: dict[int, int] = {}
    generation: dict[int, int] = {}  # pid -> 1 for children, 2 for grandchildren
    started = time.perf_counter()
    running = subprocess.Popen(handouts(library), env=env, stdout=subprocess.PIPE, text=True)
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            table = _process_table()
            for pid, parent in table.items():
                if parent == running.pid:
                    generation[pid] = 1
                elif table.get(parent) == running.pid:
                    generation[pid] = 2
                else:
                    continue
                peaks[pid] = max(peaks.get(pid, 0), _peak_kb(pid))
            peaks[running.pid] = max(peaks.get(running.pid, 0), _peak_kb(running.pid))
            time.sleep(0.05)

    poller = threading.Thread(target=poll)
    poller.start()
    running.communicate()
    stop.set()
    poller.join()
    seconds = time.perf_counter() - started
    if running.returncode != 0:
        raise SystemExit("the memory build failed")
    workers = [peaks[pid] for pid, gen in generation.items() if gen == 2]
    return Memory(
        seconds,
        peaks.get(running.pid, 0) / 1024,
        max(workers, default=0) / 1024,
        len(workers),
    )


# --- the report --------------------------------------------------------------------------


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        model = found.group(1).strip() if found else model
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cores} cores ({model}), Python {platform.python_version()}, "
        f"WeasyPrint {importlib.metadata.version('weasyprint')}, {platform.system()}"
    )


def runs(seconds: list[float], digits: int = 1) -> str:
    return ", ".join(f"{value:.{digits}f}" for value in seconds)


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--handouts", type=int, default=200, help="library size (200)")
    parser.add_argument(
        "--memory-handouts",
        type=int,
        default=1000,
        help="library size for memory; 0 skips",
    )
    parser.add_argument("--repeat", type=int, default=2, help="runs of floor and cold build")
    parser.add_argument("--skip-peers", action="store_true", help="do not time md2pdf, pandoc")
    parser.add_argument("--jobs", type=int, default=0, help="processes (default: cores)")
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--floor-variant", default=FLOOR_VARIANT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    jobs = args.jobs or len(os.sched_getaffinity(0))
    if args.floor:
        variant = None if args.floor_variant == "untagged" else args.floor_variant
        floor_worker(args.floor, jobs, variant)
        return 0

    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="handouts-bench-") as temp:
        work = Path(temp)
        probe = make_library(work / "probe", 1, dt.date.today())
        build_date = crisis_checked_on(probe)
        epoch = int(dt.datetime.combine(build_date, dt.time(12), tzinfo=dt.UTC).timestamp())
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
        n = args.handouts
        print(
            f"Library of {n} handouts, build date {build_date}, {jobs} processes",
            flush=True,
        )
        library = make_library(work / "library", n, build_date)

        with_html = Path(shutil.copytree(library, work / "with-html"))
        build_output(with_html, env, "--html", "-j", str(jobs))
        (work / "floor-pdf").mkdir()
        items = floor_items(with_html, work / "floor-pdf")

        floors, colds = [], []
        for attempt in range(args.repeat):
            floors.append(run_floor(items, jobs, work, env))
            ours = work / f"ours-{attempt}"
            shutil.copytree(library, ours)
            seconds, said = build_output(ours, env, "-j", str(jobs))
            colds.append(seconds)
            print(
                f"  floor {floors[-1]:.1f} s, cold build {seconds:.1f} s: {said}",
                flush=True,
            )
        floor, cold = min(floors), min(colds)
        untagged = run_floor(items, jobs, work, env, "untagged")
        rows.append(
            (
                f"floor: WeasyPrint alone, {len(items)} HTML documents to tagged PDF "
                f"(PDF/UA-1, as the build makes), {jobs} processes (runs: {runs(floors)})",
                f"{floor:.1f}",
                "1.00",
                "",
            )
        )
        rows.append(
            (
                "for comparison: the same documents to untagged PDF (plain `write_pdf()`)",
                f"{untagged:.1f}",
                f"{untagged / floor:.2f} x floor",
                "",
            )
        )
        rows.append(
            (
                f"`handouts build`, cold (runs: {runs(colds)})",
                f"{cold:.1f}",
                f"{cold / floor:.2f} x floor",
                f"at most 1.15 x: {verdict(cold / floor <= 1.15)}",
            )
        )

        ours = work / f"ours-{args.repeat - 1}"
        noops = []
        for _ in range(args.repeat):
            seconds, said = build_output(ours, env, "-j", str(jobs))
            noops.append(seconds)
            print(f"  nothing changed: {seconds:.2f} s: {said}", flush=True)
        noop = min(noops)
        rows.append(
            (
                f"`handouts build`, nothing changed (runs: {runs(noops, 2)})",
                f"{noop:.2f}",
                "",
                f"under 1 s: {verdict(noop < 1)}",
            )
        )

        # Each run edits another handout, then WeasyPrint alone makes what the build must
        # remake: that handout's editions (standard and large print), as many at once as
        # there are processes, as the build does.
        sources = sorted((ours / "handouts").rglob("*.md"))
        edits, alones = [], []
        for attempt in range(args.repeat):
            edited = sources[(attempt + 1) * n // (args.repeat + 1)]
            edited.write_text(edited.read_text() + "\nOne more sentence.\n")
            seconds, said = build_output(ours, env, "-j", str(jobs))
            edits.append(seconds)
            name = f"{os.sep}{edited.parent.name}{os.sep}{edited.stem}."
            editions = [line for line in items if name in line.split("\t")[0]]
            alones.append(run_floor(editions, jobs, work, env))
            print(
                f"  edited: {seconds:.2f} s ({said}); alone {alones[-1]:.2f} s",
                flush=True,
            )
        one_edit, alone = min(edits), min(alones)
        rows.append(
            (
                f"WeasyPrint alone, the edited handout's {len(editions)} editions, fresh "
                f"processes (runs: {runs(alones, 2)})",
                f"{alone:.2f}",
                "",
                "",
            )
        )
        rows.append(
            (
                f"`handouts build`, one handout edited (runs: {runs(edits, 2)})",
                f"{one_edit:.2f}",
                f"one render + {one_edit - alone:.2f} s",
                f"under 0.5 s more: {verdict(one_edit - alone < 0.5)}",
            )
        )

        if not args.skip_peers:
            # The peers make one PDF per source; so does our build with large print off.
            standards = []
            for attempt in range(args.repeat):
                standard = standard_only(library, work / f"standard-{attempt}")
                seconds, said = build_output(standard, env, "-j", str(jobs))
                standards.append(seconds)
                print(f"  standard edition only: {seconds:.1f} s: {said}", flush=True)
            ours_standard = min(standards)
            pages = count_pages(standard / "build")
            rows.append(
                (
                    f"`handouts build`, cold, standard edition only, {pages_text(pages)} "
                    f"(runs: {runs(standards)})",
                    f"{ours_standard:.1f}",
                    "",
                    "",
                )
            )
            peer_md2pdf = time_md2pdf(library, work, env)
            made = count_pages(work / "md2pdf-sources") if peer_md2pdf else None
            rows.append(
                peer_row(
                    f"md2pdf 3, batch mode (`md2pdf -i ... -i ...`): {pages_text(made)}",
                    peer_md2pdf,
                    ours_standard,
                    (made, pages),
                )
            )
            print(f"  md2pdf: {peer_md2pdf}", flush=True)
            peer_pandoc = time_pandoc(library, work, env, jobs)
            made = count_pages(work / "pandoc-pdf") if peer_pandoc else None
            rows.append(
                peer_row(
                    f"pandoc `--pdf-engine=weasyprint`, a process per file, {jobs} at once: "
                    + pages_text(made),
                    peer_pandoc,
                    ours_standard,
                    (made, pages),
                )
            )
            print(f"  pandoc: {peer_pandoc}", flush=True)

        if args.memory_handouts:
            m = args.memory_handouts
            big = make_library(work / "memory", m, build_date)
            memory = measure_memory(big, env)
            print(f"  {m} handouts: {memory}", flush=True)
            rows.append(
                (
                    f"peak memory per render worker, {m} handouts "
                    f"({memory.workers_seen} workers over the build, {memory.seconds:.0f} s)",
                    f"{memory.worker_peak_mb:.0f} MB",
                    f"build process {memory.build_peak_mb:.0f} MB",
                    f"under 300 MB: {verdict(memory.worker_peak_mb < 300)}",
                )
            )

    print()
    print(f"Machine: {machine()}")
    print()
    print("| measurement | seconds | ratio | target |")
    print("|---|---:|---:|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


def peer_row(
    name: str, seconds: float | None, ours: float, pages: tuple[int | None, int | None]
) -> tuple[str, str, str, str]:
    """A peer's time as a ratio to our build of the same sources; and per page made,
    because the peers' PDFs have no stamp or crisis box and so fewer pages."""
    if seconds is None:
        return (name, "not available", "", "")
    theirs, our_pages = pages
    per_page = ""
    if theirs and our_pages:
        per_page = f"; per page {(seconds / theirs) / (ours / our_pages):.1f} x"
    return (
        name,
        f"{seconds:.1f}",
        f"{seconds / ours:.1f} x ours, standard only{per_page}",
        "at least 2 x: " + verdict(seconds / ours >= 2),
    )


if __name__ == "__main__":
    raise SystemExit(main())
