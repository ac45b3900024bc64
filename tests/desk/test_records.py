"""``handouts records``: the education record as the bytes a spreadsheet receives (CSV:
quoted fields, ``\\r\\n`` line ends, ``--since``), and desk/records.py's refusal of a
format it does not know."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from clinic_handouts.desk.records import export_records
from clinic_handouts.desk.store import Record, Store
from clinic_handouts.errors import UsageError
from tests.conftest import CLI

HEADER = (
    b"time,user,handout,lang,edition,reviewed_on,pdf_sha256,channel,copies,address_hash,"
    b"teach_back\r\n"
)


def given(time: str, user: str, channel: str) -> Record:
    return Record(
        time, user, "sleep", "en", "standard", "2026-01-01", "ab" * 32, channel, 2, "", True
    )


def test_the_record_as_csv(cli: CLI, tmp_path: Path) -> None:
    assert cli("records", "--project", tmp_path).stdout_bytes == HEADER
    store = Store(tmp_path)
    store.add_record(given("2026-11-01T10:00:00+00:00", "ann", "print"))
    store.add_record(given("2026-11-20T09:30:00+00:00", 'Lee "Sam", RN', "rack"))
    sha = b"ab" * 32
    first = b"2026-11-01T10:00:00+00:00,ann,sleep,en,standard,2026-01-01," + sha
    second = b'2026-11-20T09:30:00+00:00,"Lee ""Sam"", RN",sleep,en,standard,2026-01-01,' + sha
    everything = cli("records", "--project", tmp_path)
    assert everything.exit_code == 0
    assert everything.stdout_bytes == (
        HEADER + first + b",print,2,,True\r\n" + second + b",rack,2,,True\r\n"
    )
    since = cli("records", "--since", "2026-11-20", "--format", "csv", "--project", tmp_path)
    assert since.stdout_bytes == HEADER + second + b",rack,2,,True\r\n"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x.example")', "+1", "-2+3", "@SUM(A1)"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(
    cli: CLI, tmp_path: Path, name: str
) -> None:
    store = Store(tmp_path)
    store.add_record(given("2026-11-01T10:00:00+00:00", name, "print"))
    lines = cli("records", "--project", tmp_path).stdout_bytes.split(b"\r\n")
    user = next(csv.reader([lines[1].decode()]))[1]
    assert user == "'" + name
    # JSON is data, not a sheet: the name as it is.
    shown = json.loads(cli("records", "--format", "json", "--project", tmp_path).stdout)
    assert shown[0]["user"] == name


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    out = io.StringIO()
    with pytest.raises(UsageError) as refused:
        export_records(Store(tmp_path), None, "xlsx", out)
    assert refused.value.exit_code == 2
    assert refused.value.problems[0].message == "no record format named xlsx; use one of: csv, json"
    assert out.getvalue() == ""
