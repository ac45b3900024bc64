"""The desk's load benchmark (benchmarks/desk_load.py) works: a 3-second run with three
staff against the session's test printer, every kind of request made and none failed.
It proves the script runs; the numbers come from the 60-second run in
docs/performance.md, never from a timed test."""

from __future__ import annotations

from pathlib import Path

from benchmarks.desk_load import KINDS, measure

from tests.helpers.cups import Cups


def test_a_short_load_run_makes_every_kind_of_request_and_none_fails(
    cups: Cups, tmp_path: Path
) -> None:
    report = measure(cups, tmp_path, seconds=3, staff=3, handouts=2)
    assert report.failures == []
    assert all(report.counts[kind] > 0 for kind in KINDS), report.counts
    assert report.lines[2] == "| kind | requests | per second | p50 ms | p95 ms | max ms | failed |"
