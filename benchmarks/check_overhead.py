"""How long the content checks take next to rendering, per handout.

    .venv/bin/python -m benchmarks.check_overhead [PROJECT]   (default: this repository)

Prints the one-time syllable-dictionary load, then for each handout the median time of
Markdown conversion + every check family (what ``handouts check`` and the build's plan
do) and of one PDF render (nothing is written), and the checks' share of the render.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from clinic_handouts.addresses import allowed_roots
from clinic_handouts.build.plan import BuildOptions, plan
from clinic_handouts.checks import CheckContext, check_handout
from clinic_handouts.project.clock import build_date
from clinic_handouts.project.load import load_project
from clinic_handouts.render.pdf import Renderer
from clinic_handouts.text import markdown as markup
from clinic_handouts.text import syllables

ROUNDS = 20


def main(root: Path) -> None:
    today = build_date({})
    started = time.perf_counter()
    syllables.dictionary_available()
    print(f"syllable dictionary load (once per process): {time.perf_counter() - started:.3f} s")
    project = load_project(root, today)
    context = CheckContext(project.config, project.crisis, today)
    jobs, _ = plan(project, BuildOptions(today=today))
    renderer = Renderer(allowed_roots(project.config.root))
    rendered = {}
    for job in jobs:
        started = time.perf_counter()
        renderer.render_pdf(job.html, base_url=job.base_url, stamp=job.stamp)
        rendered[job.handout.rel] = time.perf_counter() - started
    print(f"{'handout':45} {'checks ms':>10} {'render ms':>10} {'share':>7}")
    for handout in project.handouts:
        times = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            converted = markup.to_html(handout.body, handout.rel, handout.body_line)
            check_handout(handout, converted, context)
            times.append(time.perf_counter() - started)
        checks = statistics.median(times)
        render = rendered.get(handout.rel)
        share = f"{checks / render:.1%}" if render else "-"
        shown = f"{render * 1000:10.1f}" if render else f"{'not built':>10}"
        print(f"{handout.rel:45} {checks * 1000:10.2f} {shown} {share:>7}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
