"""``handouts print``: check the request, build what is not current, check the printer,
then send one job per document.

The order is the safety, as for ``handouts email``:

1. the flags (``check_request``: the caller loads the project after them and passes it
   in), and the printer's name in ``[printers.<name>]``;
2. each handout (or the rack's pack) built and checked on the road ``handouts email``
   takes (build/deliverable.py): errors, an overdue review or stale crisis data refuse
   every document of the command, and nothing is sent;
3. each PDF's paper against the paper the printer holds;
4. the queue, asked just now: a queue CUPS does not have is a config error at the
   ``queue`` line; a stopped (paused) or rejecting queue, or one that cannot print on
   both sides when asked to, is refused before the first job is sent, so nothing waits
   in a queue to come out later, twice;
5. one Print-Job per document, with copies, collation, sides and media set; the job id
   and the printer's state are printed. A job the scheduler refuses, or a scheduler that
   goes away, is an error saying what was and was not sent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pypdf import PdfReader

from clinic_handouts.build import deliverable
from clinic_handouts.errors import ConfigError, HandoutError, Problem, error, not_handed_out
from clinic_handouts.printing import cups, ipp
from clinic_handouts.project.config import CONFIG_NAME, PrinterSettings, locate, suggest
from clinic_handouts.project.load import Project
from clinic_handouts.project.sources import LANG_RE

MAX_COPIES = 99
# IPP media names (PWG 5101.1) of the papers the build makes, and their size in points.
MEDIA = {"letter": "na_letter_8.5x11in", "a4": "iso_a4_210x297mm"}
PAPER_POINTS = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}
COLLATED = "separate-documents-collated-copies"  # copy 1 whole, then copy 2 whole
LONG_EDGE = "two-sided-long-edge"  # portrait: turn the sheet like a book page
SHORT_EDGE = "two-sided-short-edge"  # landscape: turn it like a book held sideways
ONE_SIDED = "one-sided"


@dataclass(frozen=True)
class PrintRequest:
    """One request to print, as staff typed it: ``handouts print``'s flags or the front
    desk's print form (desk/printform.py). ``check_request`` checks it before the project
    is loaded."""

    handout_ids: tuple[str, ...]
    printer: str  # a [printers.<name>] of handouts.toml, not a CUPS queue
    copies: int = 1
    lang: str | None = None
    large_print: bool = False
    trifold: bool = False
    one_sided: bool = False
    dry_run: bool = False
    rack: str | None = None  # --rack: print this rack's restock pack, not handouts


@dataclass(frozen=True)
class Printed:
    """One handout's version on paper, for the front desk's education record: the
    handout, its language and edition, its review date, the SHA-256 of its own PDF, and
    the copies of it that came out (a rack pack's entry copies times the pack's)."""

    handout: str
    lang: str
    variant: str
    reviewed_on: dt.date
    pdf_sha256: str
    copies: int


@dataclass(frozen=True)
class Document:
    """One PDF to send as one job."""

    name: str  # the job's name: the handout's title, or the rack's
    described: str  # for messages: "'Sleep' (en, standard edition, reviewed 2026-10-01)"
    pdf: bytes
    pages: int
    paper: str  # letter, a4, or "" for a size the build does not make
    landscape: bool
    # What one copy of this document holds: (handout, lang, edition, reviewed_on, sha256,
    # copies in one copy of the document). One entry for a handout, one per rack entry.
    holds: tuple[Printed, ...] = ()


@dataclass(frozen=True)
class PrintResult:
    """What ``print_handouts`` did: the text to show staff (what would be sent, or each job
    sent and the printer's state) and the warnings."""

    text: str
    warnings: tuple[Problem, ...]
    # Set only when every job was accepted: what went on paper, copies counted in.
    given: tuple[Printed, ...] = ()


def refusal(what: str, problems: list[Problem]) -> HandoutError:
    after = ". Nothing was sent to the printer"
    return not_handed_out("not-printed", what, "printed", "print again", problems, after)


def _printer_problem(code: str, message: str) -> HandoutError:
    return HandoutError([error("", 0, code, message)])


def print_handouts(
    project: Project,
    request: PrintRequest,
    *,
    today: dt.date,
    environ: Mapping[str, str],
    progress: Callable[[str], None] = lambda line: None,
) -> PrintResult:
    """Check, build and print from the ``project`` its caller loaded (the build takes it
    too: one load per command)."""
    check_request(request)
    settings = _printer(project, request.printer)
    documents, warnings = _documents(project, request, today)
    for document in documents:
        _check_paper(document, settings, project.config.source_text)
    sides = [_sides(d, settings, request.one_sided) for d in documents]
    copies = request.copies
    if request.dry_run:
        return PrintResult(_preview(documents, sides, copies, settings, environ), warnings)
    server = cups.server_for(settings.server, environ)
    queue = _ready_queue(project, settings, server, sides, documents)
    lines: list[str] = []
    for document, side in zip(documents, sides, strict=True):
        progress(f"Sending {document.described} to {settings.name}...")
        try:
            job = cups.print_job(
                server, queue, document.name, document.pdf, _job_attributes(document, side, copies)
            )
        except (cups.JobRefused, ipp.Unreachable) as exc:
            raise _send_failed(document, exc, settings, server, lines) from None
        lines.append(
            f"Sent {document.described} to {settings.name} (CUPS queue {queue.name}): "
            f"job {queue.name}-{job.job_id}, {_copies(copies)}, {_side_words(side)}, "
            f"{MEDIA.get(document.paper, document.paper)}, {document.pages} page"
            f"{'s' if document.pages != 1 else ''} each; the job is {job.job_state}."
        )
    try:
        after = cups.find_queue(server, queue.name)
    except ipp.Unreachable:
        after = None
    state = after.describe() if after is not None else "unknown (CUPS did not answer)"
    lines.append(f"The printer {settings.name} is {state}.")
    given = tuple(
        dataclasses.replace(held, copies=held.copies * copies)
        for document in documents
        for held in document.holds
    )
    return PrintResult("\n".join(lines), warnings, given)


def check_request(request: PrintRequest) -> None:
    """Step 1 alone: the flags (a UsageError). A caller that loads the project runs it
    first, so a mistake in what was typed is reported before one in the project;
    ``print_handouts`` runs it again, so no caller can skip it."""
    usage = deliverable.usage
    if request.rack is not None and request.handout_ids:
        raise usage("give handout ids or --rack NAME, not both")
    if request.rack is None and not request.handout_ids:
        raise usage("say what to print: one or more handout ids, or --rack NAME")
    if request.large_print and request.trifold:
        raise usage("--large-print and --trifold are two editions: choose one")
    if request.rack is not None and (request.large_print or request.trifold or request.lang):
        raise usage(
            "--rack prints the pack as the rack file describes it; --lang, --large-print "
            "and --trifold go in racks/<name>.toml, one [[handout]] table each"
        )
    if not 1 <= request.copies <= MAX_COPIES:
        raise usage(f"--copies expects a number from 1 to {MAX_COPIES}")
    if request.lang is not None and not LANG_RE.match(request.lang):
        raise usage("--lang expects a language code like 'en' or 'es'")


def _printer(project: Project, name: str) -> PrinterSettings:
    printers = project.config.printers
    if name in printers:
        return printers[name]
    known = ", ".join(sorted(printers)) or "none yet"
    raise deliverable.usage(
        f"--printer {name}: handouts.toml has no [printers.{name}]{suggest(name, printers)}. "
        f"Printers set up there: {known}. Add one with its CUPS queue, like "
        f'[printers.{name}] queue = "front-desk" (see docs/printing.md)'
    )


def _variant_name(request: PrintRequest) -> str:
    if request.trifold:
        return "trifold"
    return "large-print" if request.large_print else "standard"


def _documents(
    project: Project, request: PrintRequest, today: dt.date
) -> tuple[list[Document], tuple[Problem, ...]]:
    if request.rack is not None:
        from clinic_handouts.printing.racks import pack_for_printing

        pack = pack_for_printing(project, request.rack, today, refusal)
        holds = tuple(_printed(m, copies) for m, copies in pack.members)
        return [document_from(pack.name, pack.described, pack.pdf, holds)], pack.warnings
    lang = request.lang or project.config.default_lang
    name = _variant_name(request)
    wanted = []
    for handout_id in dict.fromkeys(request.handout_ids):
        handout = deliverable.find_handout(project, handout_id, lang, refusal)
        variant = deliverable.find_variant(handout, name)
        if variant is None:
            why = {
                "large-print": "its front matter says large_print: false",
                "trifold": "add trifold: true to its front matter to make one",
            }[name]
            raise deliverable.usage(
                f"--{name}: {handout.rel} has no {name} edition ({why}); leave out "
                f"--{name} to print the standard handout"
            )
        wanted.append((handout, variant))
    made = deliverable.build_checked(project, wanted, today, refusal)
    documents = [
        document_from(
            m.handout.title,
            f"'{m.handout.title}' ({m.handout.lang}, {m.variant.name} edition, "
            f"reviewed {m.handout.reviewed_on})",
            m.pdf,
            (_printed(m, 1),),
        )
        for m in made
    ]
    return documents, tuple(w for m in made for w in m.warnings)


def _printed(made: deliverable.Deliverable, copies: int) -> Printed:
    """What one copy of a document puts on paper of this built handout, for the record."""
    handout = made.handout
    return Printed(
        handout.id,
        handout.lang,
        made.variant.name,
        handout.reviewed_on,
        hashlib.sha256(made.pdf).hexdigest(),
        copies,
    )


def paper_of(width: float, height: float) -> str:
    """letter or a4 when the page is that paper either way round, else ""."""
    short, long = sorted((width, height))
    for name, (w, h) in PAPER_POINTS.items():
        if abs(short - w) < 2 and abs(long - h) < 2:
            return name
    return ""


def document_from(
    name: str, described: str, pdf: bytes, holds: tuple[Printed, ...] = ()
) -> Document:
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    box = page.mediabox
    width, height = float(box.width), float(box.height)
    if (page.get("/Rotate", 0) or 0) % 180:  # shown turned a quarter
        width, height = height, width
    return Document(
        name, described, pdf, len(reader.pages), paper_of(width, height), width > height, holds
    )


def _check_paper(document: Document, settings: PrinterSettings, config_text: str) -> None:
    if document.paper == settings.paper:
        return
    where = f"printers.{settings.name}"
    raise refusal(
        document.described,
        [
            error(
                CONFIG_NAME,
                locate(config_text, where, "paper") or locate(config_text, where),
                "paper-mismatch",
                f"the PDF is on {document.paper or 'an unusual paper size'} paper but "
                f"{settings.name} holds {settings.paper} paper ([{where}] paper), so the "
                f"printer would stop and wait for other paper. Build on {settings.paper} "
                f"paper (handouts build --paper {settings.paper}, or [print] paper in "
                "handouts.toml), or set the paper this printer really holds",
            )
        ],
    )


def _sides(document: Document, settings: PrinterSettings, one_sided: bool) -> str:
    if one_sided or not settings.double_sided:
        return ONE_SIDED
    return SHORT_EDGE if document.landscape else LONG_EDGE


def _side_words(sides: str) -> str:
    return {
        ONE_SIDED: "one-sided",
        LONG_EDGE: "two-sided (long edge)",
        SHORT_EDGE: "two-sided (short edge)",
    }[sides]


def _copies(copies: int) -> str:
    return f"{copies} cop{'ies' if copies != 1 else 'y'}, collated" if copies > 1 else "1 copy"


def _job_attributes(document: Document, sides: str, copies: int) -> list[ipp.Attribute]:
    attributes = [
        ipp.attr(ipp.INTEGER, "copies", copies),
        ipp.attr(ipp.KEYWORD, "multiple-document-handling", COLLATED),
        ipp.attr(ipp.KEYWORD, "sides", sides),
    ]
    if document.paper:
        attributes.append(ipp.attr(ipp.KEYWORD, "media", MEDIA[document.paper]))
    return attributes


def _preview(
    documents: list[Document],
    sides: list[str],
    copies: int,
    settings: PrinterSettings,
    environ: Mapping[str, str],
) -> str:
    server = cups.server_for(settings.server, environ)
    lines = [
        f"Dry run: nothing was sent, and the printer was not asked. 'handouts print' would "
        f"send {len(documents)} job{'s' if len(documents) != 1 else ''} to {settings.name} "
        f"(CUPS queue {settings.queue} on {server.address}):",
    ]
    for document, side in zip(documents, sides, strict=True):
        attributes = ", ".join(
            f"{a.name}={a.values[0]}" for a in _job_attributes(document, side, copies)
        )
        lines.append(
            f"  {document.described}: {document.pages} page"
            f"{'s' if document.pages != 1 else ''}; {attributes}"
        )
    return "\n".join(lines)


def _ready_queue(
    project: Project,
    settings: PrinterSettings,
    server: ipp.Server,
    sides: list[str],
    documents: list[Document],
) -> cups.Queue:
    """The queue, asked just now, and refused unless it will print this right away."""
    config = project.config
    where = f"printers.{settings.name}"
    try:
        queue = cups.find_queue(server, settings.queue)
    except ipp.Unreachable as exc:
        raise _printer_problem(
            "printer-unreachable",
            f"cannot reach the printing system (CUPS) at {server.address}: {exc}. Nothing "
            "was sent. Check that the print server is on and running (on this computer: "
            "'lpstat -r' says whether it is), and that server in "
            f"[{where}] in handouts.toml is right; then print again",
        ) from None
    if queue is None:
        names = cups.queue_names(server)
        listed = f" Its queues: {', '.join(names)}." if names else ""
        raise ConfigError(
            [
                error(
                    CONFIG_NAME,
                    locate(config.source_text, where, "queue") or locate(config.source_text, where),
                    "config",
                    f"{where}.queue: CUPS at {server.address} has no queue "
                    f"{settings.queue!r}{suggest(settings.queue, names)}.{listed} Write the "
                    "queue's name as 'lpstat -e' lists it",
                )
            ]
        )
    if queue.state == "stopped":
        raise _printer_problem(
            "printer-stopped",
            f"the printer {settings.name} (CUPS queue {queue.name}) is {queue.describe()}. "
            "Nothing was sent: a job would wait in the queue and come out later, maybe "
            "after someone printed it again. Fix the printer, resume the queue (in the "
            f"printer settings, or 'cupsenable {queue.name}'), then print again",
        )
    if not queue.accepting:
        raise _printer_problem(
            "printer-rejecting",
            f"the printer {settings.name} (CUPS queue {queue.name}) is {queue.describe()}. "
            "Nothing was sent. Ask your IT person to let it accept jobs again ('cupsaccept "
            f"{queue.name}'), or print on another printer",
        )
    two_sided = {s for s in sides if s != ONE_SIDED}
    if two_sided and queue.sides and not two_sided <= set(queue.sides):
        raise _printer_problem(
            "printer-one-sided",
            f"the printer {settings.name} cannot print on both sides (it supports: "
            f"{', '.join(queue.sides)}). Nothing was sent. Print with --one-sided, or set "
            f"double_sided = false under [{where}] in handouts.toml",
        )
    for document in documents:
        media = MEDIA.get(document.paper)
        if media and queue.media and media not in queue.media:
            raise _printer_problem(
                "paper-mismatch",
                f"the printer {settings.name} does not take {document.paper} paper "
                f"({media}). Nothing was sent. Choose another printer, or build on the "
                "paper it takes",
            )
    return queue


def _send_failed(
    document: Document,
    exc: Exception,
    settings: PrinterSettings,
    server: ipp.Server,
    sent: list[str],
) -> HandoutError:
    if isinstance(exc, cups.JobRefused):
        why = f"the printing system refused the job ({exc})"
    else:
        why = f"the printing system at {server.address} stopped answering: {exc}"
    already = (
        f" These were sent before it and will print: {' '.join(sent)}"
        if sent
        else " Nothing was sent."
    )
    return _printer_problem(
        "print-refused",
        f"{document.described} was not printed: {why}.{already} Check the printer "
        f"{settings.name} and its queue, then print what was not sent again",
    )
