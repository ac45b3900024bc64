"""Time and peak memory to load, check and plan one hostile or broken handout.

    .venv/bin/python -m benchmarks.hostile_inputs [NAME ...]

Each case runs in a fresh process (peak memory is per process), through the same
``load_project`` + ``plan`` a build uses, without rendering. Cases "at-limit-*" sit just
under a limit of text/limits.py, so they are parsed in full: they show the worst time a
handout can take to read. The rest must be refused with a problem, quickly.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

from clinic_handouts.text import limits as complexity

HEAD = "---\ntitle: Bench\nreviewed_on: 2026-10-01\n---\n\n"
CONFIG = """\
[clinic]
name = "Bench Clinic"
phone = "555-0100"

[crisis]
region = "US"

[disclaimer]
en = "Bench disclaimer."
"""


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "---\ntitle: Bench\nreviewed_on: 2026-10-01\n" + "\n".join(lines) + "\n---\nBody\n"


MARKS = complexity.MAX_MARKS - 10
CASES: dict[str, Callable[[], str | bytes]] = {
    "ten-megabytes": lambda: HEAD + "word " * 2_000_000,
    "alias-bomb": _alias_bomb,
    "yaml-nesting-100k": lambda: HEAD.replace("title: Bench", "tags: " + "[" * 100_000),
    "nested-list-900": lambda: HEAD + "".join("  " * i + "- x\n" for i in range(900)),
    "nested-quote-100k": lambda: HEAD + ">" * 100_000 + " x\n",
    "nested-div-50k": lambda: HEAD + "<div>" * 50_000 + "x" + "</div>" * 50_000,
    "brackets-100k": lambda: HEAD + "[" * 100_000,
    "one-line-900k": lambda: HEAD + "a" * 900_000,
    "nul-bytes": lambda: (HEAD + "a\x00b\n").encode(),
    "not-utf8": lambda: HEAD.encode() + b"\xff\xfe" * 1000,
    "at-limit-apostrophes": lambda: HEAD + "it's " * MARKS,
    "at-limit-code-spans": lambda: HEAD + "`a` " * (MARKS // 2),
    "at-limit-line-breaks": lambda: HEAD + "a  \n" * (complexity.MAX_LINES - 10),
    "at-limit-headings": lambda: HEAD + "# h\n" * (complexity.MAX_LINES - 10),
    "at-limit-rules": lambda: HEAD + "---\n" * (complexity.MAX_LINES - 10),
    "at-limit-brackets": lambda: HEAD + "[" * 1400,
    "at-limit-nesting": lambda: (
        HEAD + "".join("    " * i + "- x\n" for i in range(complexity.MAX_NESTING))
    ),
    "at-limit-table": lambda: (
        HEAD + "|" + "a|" * 99 + "\n|" + "-|" * 99 + "\n" + ("|" + "a|" * 99 + "\n") * 40
    ),
    # Issue 19, item 8: the theme's own look, with a made-up number (reserved.py).
    "fake-crisis-box": lambda: (
        HEAD + '<div class="crisis-box"><h2>Get help now</h2>Call 555-0199.</div>\n\n'
        '<p class="page-number"></p>\n'
    ),
}

CHILD = textwrap.dedent(
    """
    import datetime as dt, json, resource, sys, time
    from pathlib import Path
    from clinic_handouts.build.plan import BuildOptions, plan
    from clinic_handouts.project.load import load_project
    started = time.perf_counter()
    today = dt.date(2026, 11, 21)
    project = load_project(Path(sys.argv[1]), today)
    jobs, report = plan(project, BuildOptions(today=today))
    print(json.dumps({
        "seconds": time.perf_counter() - started,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "jobs": len(jobs),
        "problems": [p.format()[:110] for p in report.problems][:2],
    }))
    """
)


def run(name: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "handouts.toml").write_text(CONFIG)
        target = root / "handouts/en/case.md"
        target.parent.mkdir(parents=True)
        content = CASES[name]()
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(root)],
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        ).stdout
        result: dict[str, object] = json.loads(out)
        return result


def main(names: list[str]) -> None:
    baseline = run_empty()
    print(f"{'case':24} {'seconds':>8} {'peak MB':>8}  outcome")
    print(f"{'(no handout problems)':24} {baseline['seconds']:8.2f} {baseline['peak_mb']:8.0f}")
    for name in names or list(CASES):
        result = run(name)
        problems = result["problems"]
        outcome = problems[0] if isinstance(problems, list) and problems else "built"
        print(f"{name:24} {result['seconds']:8.2f} {result['peak_mb']:8.0f}  {outcome}")


def run_empty() -> dict[str, object]:
    CASES["_empty"] = lambda: HEAD + "Hello.\n"
    try:
        return run("_empty")
    finally:
        del CASES["_empty"]


if __name__ == "__main__":
    main(sys.argv[1:])
