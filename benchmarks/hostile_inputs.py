"""Time and peak memory to load, check and plan one hostile or broken handout.

    .venv/bin/python -m benchmarks.hostile_inputs [NAME ...]

Each case runs in a fresh process (peak memory is per process), through the same
``load_project`` + ``plan`` a build uses, without rendering. Cases "at-limit-*" sit just
under a limit of text/limits.py, so they are parsed in full: they show the worst time a
handout can take to read. The rest must be refused with a problem, quickly.
"""

from __future__ import annotations

import base64
import json
import struct
import subprocess
import sys
import tempfile
import textwrap
import zlib
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


def _image(data: bytes, media_type: str = "image/png") -> str:
    """A handout whose picture is embedded as a data: address (the runner writes one file)."""
    encoded = base64.b64encode(data).decode()
    return HEAD + f"Text.\n\n![A picture](data:{media_type};base64,{encoded})\n"


def _png_bomb() -> bytes:
    """10 KB of PNG whose header says 50,000 x 50,000 pixels (2.5 GB if decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    packer = zlib.compressobj(9)
    rows = b"".join(packer.compress(b"\0" * 50_001) for _ in range(100)) + packer.flush()
    header = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def _use_bomb() -> bytes:
    """The 1.7 KB SVG of issue 19: nine levels of ten <use> each, 10^9 elements drawn."""
    parts = ["<rect id='u0' width='1' height='1'/>"]
    for level in range(1, 10):
        parts.append(f"<g id='u{level}'>" + f"<use href='#u{level - 1}'/>" * 10 + "</g>")
    inner = "<defs>" + "".join(parts[:-1]) + "</defs>" + parts[-1]
    return f'<svg xmlns="http://www.w3.org/2000/svg">{inner}</svg>'.encode()


_ENTITIES = '<!ENTITY a "lol">' + "".join(
    f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)
_SVG_WITH = '<?xml version="1.0"?><!DOCTYPE svg [{}]><svg xmlns="http://www.w3.org/2000/svg"><text>{}</text></svg>'

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
    # Pictures (issue 19): each is a bad-image problem at plan time, never rendered. The
    # render limits (render-timeout) need a render: tests/render/test_bad_images.py measures them.
    "image-data-no-comma": lambda: HEAD + "![A dot](data:image/png;base64)\n",
    "image-truncated-png": lambda: _image(_png_bomb()[:40]),
    "image-text-as-png": lambda: _image(b"Just words, not a picture.\n"),
    "image-png-50000x50000": lambda: _image(_png_bomb()),
    "image-svg-use-bomb": lambda: _image(_use_bomb(), "image/svg+xml"),
    "image-svg-xxe": lambda: _image(
        _SVG_WITH.format('<!ENTITY x SYSTEM "file:///etc/passwd">', "&x;").encode(),
        "image/svg+xml",
    ),
    "image-svg-laughs": lambda: _image(
        _SVG_WITH.format(_ENTITIES, "&i;").encode(), "image/svg+xml"
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
