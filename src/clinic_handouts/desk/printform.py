"""The desk's two Print forms: one handout (printer, copies, edition, teach-back) and a
rack's restock pack (printer, copies).

A form is checked here before anything is printed, against what handouts.toml and the
project hold right now: the printer must be one of ``[printers]`` (a name typed into a
forged form is refused, never passed on), copies a whole number in the range ``handouts
print`` allows, the edition one this handout has, the rack one of ``racks/``. Then the
request goes to ``printing/send.print_handouts``, exactly the code of ``handouts print``:
it builds what is not current, refuses what ``handouts email`` refuses, asks the queue
and sends the job. Its refusals are shown in its own words.

Only one hand-out (print or email) of this desk runs at a time (``HandingOut``): both
run a build first, and the build lock turns a second build into an error rather than a
wait. A build started outside the desk (``handouts build`` in a terminal) is waited for,
a little; then the staff member is told to try again.

What came out on paper is returned for the education record; a print that failed
returns nothing to record.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from clinic_handouts.build.lock import BuildLocked
from clinic_handouts.errors import HandoutError
from clinic_handouts.printing.send import (
    MAX_COPIES,
    Printed,
    PrintRequest,
    PrintResult,
    check_request,
    print_handouts,
)
from clinic_handouts.project.load import Project

NOT_RECORDED = "Not printed. Nothing was recorded."
EDITIONS = ("standard", "large-print", "trifold")
LOCKED_WAIT_SECONDS = 20.0  # how long a print waits for a build started outside the desk
T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    """What the page says (``lines``), how (``kind``: "sent" or "refused"), and what to
    record (empty unless the printer accepted every job)."""

    lines: tuple[str, ...]
    kind: str
    given: tuple[Printed, ...] = ()


def refused(*lines: str) -> Outcome:
    return Outcome((NOT_RECORDED, *lines), "refused")


class HandingOut:
    """One hand-out at a time for this desk, first come first served (a plain lock wakes
    waiters in any order, so one staff member could wait many turns); a build lock held by
    another program is waited for up to ``LOCKED_WAIT_SECONDS``."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self._turns = threading.Condition()
        self._next_ticket = 0
        self._serving = 0
        self._sleep = sleep

    def run(self, action: Callable[[], T]) -> T:
        with self._turns:
            ticket = self._next_ticket
            self._next_ticket += 1
            self._turns.wait_for(lambda: self._serving == ticket)
        try:
            deadline = time.monotonic() + LOCKED_WAIT_SECONDS
            while True:
                try:
                    return action()
                except BuildLocked:
                    if time.monotonic() > deadline:
                        raise
                    self._sleep(0.25)
        finally:
            with self._turns:
                self._serving += 1
                self._turns.notify_all()


def _printer(form: Mapping[str, str], printers: Sequence[str]) -> str | Outcome:
    name = form.get("printer", "")
    # The rule: only a printer set up in handouts.toml. A forged form naming another
    # (a queue on some other CUPS server, say) is refused here, before anything runs.
    if name not in printers:
        return refused(
            f"'{name}' is not one of this clinic's printers. Choose a printer from the list "
            "(an administrator sets them up under [printers] in handouts.toml)."
        )
    return name


def _copies(form: Mapping[str, str]) -> int | Outcome:
    text = form.get("copies", "").strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_COPIES:
        return refused(f"Copies must be a whole number from 1 to {MAX_COPIES}.")
    return int(text)


def _printer_and_copies(
    form: Mapping[str, str], printers: Sequence[str]
) -> tuple[str, int] | Outcome:
    """What both forms ask: the printer first (its refusal is the one shown), then copies."""
    printer = _printer(form, printers)
    if isinstance(printer, Outcome):
        return printer
    copies = _copies(form)
    if isinstance(copies, Outcome):
        return copies
    return printer, copies


def handout_request(
    form: Mapping[str, str],
    handout_id: str,
    lang: str,
    printers: Sequence[str],
    editions: Sequence[str],
) -> PrintRequest | Outcome:
    """The request the handout's Print form makes, or why it is refused."""
    chosen = _printer_and_copies(form, printers)
    if isinstance(chosen, Outcome):
        return chosen
    printer, copies = chosen
    edition = form.get("edition", "standard")
    if edition not in editions or edition not in EDITIONS:
        return refused(f"This handout has no '{edition}' edition. Choose one from the list.")
    return PrintRequest(
        (handout_id,),
        printer,
        copies,
        lang,
        large_print=edition == "large-print",
        trifold=edition == "trifold",
    )


def rack_request(
    form: Mapping[str, str], rack: str, printers: Sequence[str], racks: Sequence[str]
) -> PrintRequest | Outcome:
    """The request a rack's Print form makes, or why it is refused."""
    if rack not in racks:
        return refused(f"There is no rack called '{rack}'. Choose one from the list.")
    chosen = _printer_and_copies(form, printers)
    if isinstance(chosen, Outcome):
        return chosen
    printer, copies = chosen
    return PrintRequest((), printer, copies, rack=rack)


def print_now(
    load: Callable[[], Project],
    request: PrintRequest,
    handing_out: HandingOut,
    *,
    today: dt.date,
    environ: Mapping[str, str],
) -> Outcome:
    """Print as ``handouts print`` does; blocking (the desk runs it in a worker thread).

    ``load`` gives the project as its files are now: called in this hand-out's turn, after
    the request's own checks, and once only, even when a build of another program makes
    the turn wait and try again."""
    project = functools.cache(load)

    def hand_out() -> PrintResult:
        check_request(request)
        return print_handouts(project(), request, today=today, environ=environ)

    try:
        result = handing_out.run(hand_out)
    except BuildLocked:
        return refused(
            "The handouts are being rebuilt right now (someone ran 'handouts build'). "
            "Wait a minute, then press Print again."
        )
    except HandoutError as exc:
        return refused(*(p.message for p in exc.problems))
    warnings = (f"Note: {p.message}" for p in result.warnings)
    # Plain words first, for whoever pressed Print; the command's details follow.
    if request.rack:
        what = "1 pack" if request.copies == 1 else f"{request.copies} packs"
    else:
        what = "1 copy" if request.copies == 1 else f"{request.copies} copies"
    headline = f"Printing {what} on {request.printer}. Collect them from the printer."
    return Outcome((headline, *result.text.splitlines(), *warnings), "sent", result.given)
