"""One CUPS destination: where its scheduler is, what state the queue is in, and one job
sent to it. Built on printing/ipp.py; it knows nothing about handouts.

Which scheduler: ``server`` from ``[printers.<name>]``; else the ``CUPS_SERVER``
environment variable (as ``lp`` reads it); else CUPS' local socket when this computer has
one, else ``localhost:631``.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from clinic_handouts.printing import ipp
from clinic_handouts.printing.ipp import Attribute, Server, first

LOCAL_SOCKET = "/run/cups/cups.sock"
STATES = {3: "idle", 4: "printing", 5: "stopped"}
QUEUE_ATTRIBUTES = (
    "printer-name",
    "printer-state",
    "printer-state-reasons",
    "printer-state-message",
    "printer-is-accepting-jobs",
    "sides-supported",
    "media-supported",
    "copies-supported",
)


def server_for(configured: str, environ: Mapping[str, str]) -> Server:
    address = configured or environ.get("CUPS_SERVER", "").split("/version=")[0].strip()
    if not address:
        address = LOCAL_SOCKET if Path(LOCAL_SOCKET).exists() else "localhost:631"
    return Server(address)


def user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this user id (a bare container)
        return "handouts"


@dataclass(frozen=True)
class Queue:
    """What the scheduler says about one queue, just now."""

    name: str
    path: str  # /printers/<name> or /classes/<name>
    state: str  # idle, printing or stopped
    accepting: bool
    reasons: tuple[str, ...]  # printer-state-reasons other than "none"
    message: str  # printer-state-message: the scheduler's or printer's own words
    sides: tuple[str, ...]  # sides-supported; empty when the queue does not say
    media: tuple[str, ...]  # media-supported; empty when the queue does not say

    def describe(self) -> str:
        """The state in words: "idle", "stopped (media-empty: Out of paper)"."""
        details = list(self.reasons)
        text = self.state
        if self.message or details:
            text += f" ({', '.join([*details, *([self.message] if self.message else [])])})"
        if not self.accepting:
            text += ", not accepting jobs"
        return text


def _strings(values: Sequence[ipp.Value] | None) -> tuple[str, ...]:
    return tuple(str(v) for v in values or () if isinstance(v, str))


def find_queue(server: Server, name: str) -> Queue | None:
    """The queue's state, or None when the scheduler has no queue (nor class) of that name.

    Raises ``ipp.Unreachable`` when the scheduler does not answer.
    """
    for folder in ("printers", "classes"):
        path = f"/{folder}/{quote(name, safe='')}"
        request = ipp.encode(
            ipp.GET_PRINTER_ATTRIBUTES,
            [
                (
                    ipp.OPERATION,
                    ipp.operation_attributes(
                        server.uri(path),
                        user_name(),
                        [ipp.attr(ipp.KEYWORD, "requested-attributes", *QUEUE_ATTRIBUTES)],
                    ),
                )
            ],
            b"",
        )
        response = server.post(path, request)
        if response.status == ipp.NOT_FOUND:
            continue
        if not response.ok:
            raise ipp.Unreachable(
                f"it would not describe the queue ({response.status_name}"
                f"{': ' + response.message if response.message else ''})"
            )
        attrs = response.first(ipp.PRINTER)
        state = first(attrs, "printer-state", 3)
        return Queue(
            name=name,
            path=path,
            state=STATES.get(state if isinstance(state, int) else 3, "idle"),
            accepting=first(attrs, "printer-is-accepting-jobs", True) is not False,
            reasons=tuple(r for r in _strings(attrs.get("printer-state-reasons")) if r != "none"),
            message=str(first(attrs, "printer-state-message", "") or ""),
            sides=_strings(attrs.get("sides-supported")),
            media=_strings(attrs.get("media-supported")),
        )
    return None


def queue_names(server: Server) -> list[str]:
    """Every queue the scheduler has (for "did you mean"); empty when it will not say."""
    request = ipp.encode(
        ipp.CUPS_GET_PRINTERS,
        [
            (
                ipp.OPERATION,
                [
                    ipp.attr(ipp.CHARSET, "attributes-charset", "utf-8"),
                    ipp.attr(ipp.LANGUAGE, "attributes-natural-language", "en"),
                    ipp.attr(ipp.KEYWORD, "requested-attributes", "printer-name"),
                ],
            )
        ],
        b"",
    )
    try:
        response = server.post("/", request)
    except ipp.Unreachable:
        return []
    names = [first(group, "printer-name") for group in response.all(ipp.PRINTER)]
    return sorted(str(n) for n in names if isinstance(n, str))


class JobRefused(Exception):
    """The scheduler answered the Print-Job request with an error."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(f"{status}: {message}" if message else status)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Submitted:
    """A print job the scheduler accepted (``print_job``): its number and state, which
    ``handouts print`` reports as job <queue>-<number>."""

    job_id: int
    job_state: str  # pending, processing, ...


JOB_STATES = {
    3: "pending",
    4: "held",
    5: "processing",
    6: "stopped",
    7: "canceled",
    8: "aborted",
    9: "completed",
}


def print_job(
    server: Server, queue: Queue, job_name: str, pdf: bytes, job_attributes: Sequence[Attribute]
) -> Submitted:
    """Send one PDF as one job; raises ``JobRefused`` or ``ipp.Unreachable``."""
    request = ipp.encode(
        ipp.PRINT_JOB,
        [
            (
                ipp.OPERATION,
                ipp.operation_attributes(
                    server.uri(queue.path),
                    user_name(),
                    [
                        ipp.attr(ipp.NAME, "job-name", job_name[:255]),
                        ipp.attr(ipp.MIME_TYPE, "document-format", "application/pdf"),
                    ],
                ),
            ),
            (ipp.JOB, job_attributes),
        ],
        pdf,
    )
    response = server.post(queue.path, request)
    if not response.ok:
        raise JobRefused(response.status_name, response.message)
    job = response.first(ipp.JOB)
    job_id = first(job, "job-id")
    if not isinstance(job_id, int):
        raise JobRefused(response.status_name, "the answer has no job number")
    state = first(job, "job-state", 3)
    return Submitted(job_id, JOB_STATES.get(state if isinstance(state, int) else 3, "pending"))
