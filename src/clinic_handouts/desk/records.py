"""The education record exported, for ``handouts records``: the rows of ``store.records``
as CSV (a header of ``RECORD_FIELDS``, then one line per handout given, ``\\r\\n`` line ends
as the csv module and spreadsheets use) or as a JSON list of objects, one per row.

A CSV cell is opened by a spreadsheet, which runs a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula (``=HYPERLINK(...)`` in a staff name would send whoever opens
the file elsewhere). Such a text cell is written with a ``'`` in front, as spreadsheets
themselves mark text; numbers and dates are never affected. JSON is data, not a sheet,
and is written as it is."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import TextIO

from clinic_handouts.desk.store import RECORD_FIELDS, Record, Store
from clinic_handouts.errors import UsageError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A text a spreadsheet would run as a formula, marked as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(rows: Sequence[Record], out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(RECORD_FIELDS)
    for row in rows:
        writer.writerow([_cell(value) for value in dataclasses.astuple(row)])


def _json(rows: Sequence[Record], out: TextIO) -> None:
    out.write(json.dumps([dataclasses.asdict(row) for row in rows], indent=1) + "\n")


FORMATS: dict[str, Callable[[Sequence[Record], TextIO], None]] = {"csv": _csv, "json": _json}


def export_records(store: Store, since: dt.date | None, fmt: str, out: TextIO) -> None:
    """Write the record (every row, or those from the day ``since`` on) to ``out`` in the
    format named ``fmt`` (one of ``FORMATS``)."""
    if fmt not in FORMATS:
        raise UsageError(f"no record format named {fmt}; use one of: {', '.join(FORMATS)}")
    FORMATS[fmt](store.records(since), out)
