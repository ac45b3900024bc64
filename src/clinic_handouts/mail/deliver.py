"""``handouts email``: check the request, build the handout, then send it, write it as a
draft, or show what would be sent.

The order is the safety: nothing is built before the address is known to be one plain
address, and nothing is sent (no connection is even opened) before every check passed:

1. the flags and the address (one address, no line breaks, a domain in other letters than
   a-z only with ``--confirm-address``: see ``mail/recipient.py``), and where a draft goes;
2. handouts.toml with its ``[email]`` table, and the password from the environment (the
   caller loads the project after step 1, with ``check_request``, and passes it in);
3. the handout exists in the language and edition asked for;
4. the build of that one handout: errors, an overdue review or stale crisis data refuse it,
   with the reasons (a build that is already current costs nothing);
5. the message is composed from the PDF the build just checked;
6. ``--dry-run`` shows it, ``--eml`` writes it as a draft, or it is sent and, when
   ``[email] send_log`` is on, recorded without the address (``mail/sendlog.py``).

The patient's address appears in clear only where the staff member asked for it: the dry
run's own terminal output and the draft file (written readable by its owner only).
Everything else (confirmations, errors, the log) masks or hashes it.

Drafts are kept out of the project folder, which the preview server serves and which is
often shared or under version control: a relative ``--eml`` name goes into
``~/handout-drafts/`` (made readable by its owner only), and any path that ends up inside
the project is refused with a message saying where to write instead.

Header values from files (the title, the clinic's name, the language's subject line) are
judged by ``mail.header_complaint`` after every decoding step, so a problem names the file
and line; ``mail/message.py`` checks them again and verifies the message it writes out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import make_msgid
from pathlib import Path

from clinic_handouts.build import deliverable
from clinic_handouts.build.atomic import write_atomic
from clinic_handouts.errors import (
    ConfigError,
    HandoutError,
    Problem,
    UsageError,
    error,
    not_handed_out,
    warning,
)
from clinic_handouts.mail.message import (
    MessageInputs,
    attachment_name,
    body_text,
    compose,
    header_complaint,
    strip_invisible,
    subject,
    to_bytes,
)
from clinic_handouts.mail.recipient import CONFIRM_FLAG, Recipient, has_control, parse_recipient
from clinic_handouts.mail.sendlog import SendRecord, open_send_log, pdf_hash
from clinic_handouts.mail.smtp import Envelope, send
from clinic_handouts.project.config import (
    CONFIG_NAME,
    PASSWORD_ENV,
    EmailSettings,
    ProjectConfig,
    locate,
)
from clinic_handouts.project.editions import STANDARD, Variant, variants_for
from clinic_handouts.project.load import Project
from clinic_handouts.project.sources import LANG_RE, Handout
from clinic_handouts.project.words import load_email_words, load_strings

LARGE_PRINT = "large-print"  # the name of the large-print variant in project/editions.py
DRAFTS_FOLDER = "handout-drafts"  # in the home folder: where a relative --eml goes
SECURITY_WORDS = {
    "starttls": "encrypted (STARTTLS)",
    "ssl": "encrypted (SSL/TLS)",
    "none": "not encrypted (this computer only)",
}


@dataclass(frozen=True)
class EmailRequest:
    """One request to email a handout, as staff typed it: ``handouts email``'s flags or the
    front desk's email form. Nothing in it is trusted until ``check_request`` and
    ``email_handout`` have checked it."""

    handout_id: str
    to: tuple[str, ...]  # every --to given: exactly one is accepted
    lang: str | None = None  # None: the project's default language
    large_print: bool = False
    dry_run: bool = False
    eml: Path | None = None  # --eml: write the message here as a draft, send nothing
    confirm_address: bool = False  # staff checked an address in other letters than a-z


@dataclass(frozen=True)
class Given:
    """What went to the patient, for the front desk's education record."""

    handout: str
    lang: str
    variant: str
    reviewed_on: dt.date
    pdf_sha256: str  # the whole hash of the PDF sent


@dataclass(frozen=True)
class EmailResult:
    """What ``email_handout`` did: the text to show staff (the preview, the draft written or
    the message sent), its warnings, and, when it was sent, what went to the patient."""

    text: str  # what the command prints
    warnings: tuple[Problem, ...]  # printed; they did not stop the send
    given: Given | None = None  # set when the handout was sent


@dataclass(frozen=True)
class Prepared:
    """A checked handout, its PDF and the message made from it."""

    handout: Handout
    variant: Variant
    pdf_path: Path
    pdf: bytes
    inputs: MessageInputs
    warnings: tuple[Problem, ...]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_request(request: EmailRequest, root: Path, environ: Mapping[str, str]) -> None:
    """Step 1 alone: the flags, the address and where a draft goes (a UsageError).

    A caller that loads the project (``handouts email``, the desk) runs it first, so a
    mistake in what was typed is reported before one in the project, in the order above;
    ``email_handout`` runs it again, so no caller can skip it."""
    _checked_request(request, root, environ)


def _checked_request(
    request: EmailRequest, root: Path, environ: Mapping[str, str]
) -> tuple[Recipient, Path | None]:
    _check_flags(request)
    # A dry run only shows (both forms of an unusual domain); sending or drafting needs
    # the staff member's confirmation.
    recipient = parse_recipient(request.to, confirmed=request.confirm_address or request.dry_run)
    draft = _draft_path(request.eml, root, environ) if request.eml is not None else None
    return recipient, draft


def email_handout(
    project: Project,
    request: EmailRequest,
    *,
    today: dt.date,
    environ: Mapping[str, str],
    now: Callable[[], dt.datetime] = _utc_now,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] = lambda line: None,
) -> EmailResult:
    """Check, build, then show, draft or send the handout of the ``project`` its caller
    loaded (the build takes it too: one load per command); ``progress`` hears what is
    happening."""
    config = project.config
    root = config.root
    recipient, draft = _checked_request(request, root, environ)
    sending = draft is None
    password = _check_settings(config, environ, sending=sending)
    prepared = _prepare(project, request, recipient, today, now())
    if request.dry_run:
        return EmailResult(_preview(prepared, recipient, config), prepared.warnings)
    message = compose(prepared.inputs)
    data = to_bytes(message)
    if draft is not None:
        try:
            if draft.parent == _drafts_folder(environ):
                draft.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomic(draft, data, mode=0o600)  # it holds the patient's address
        except OSError as exc:
            raise _usage(
                f"--eml {draft}: cannot write the draft there ({exc.strerror}); "
                "choose another folder"
            ) from None
        return EmailResult(_drafted(prepared, draft, len(data)), prepared.warnings)
    settings = config.email
    log = open_send_log(settings.send_log, config.root) if settings.send_log else None
    progress(
        f"Sending '{prepared.handout.title}' to {recipient.masked} through "
        f"{settings.host} port {settings.port}..."
    )
    receipt = send(
        Envelope(settings.from_address, recipient.address, data),
        settings,
        password,
        sleep=sleep,
        progress=progress,
    )
    warnings = list(prepared.warnings)
    if log is not None:
        record = SendRecord(
            time=prepared.inputs.date,
            handout=prepared.handout.id,
            lang=prepared.handout.lang,
            variant=prepared.variant.name,
            reviewed_on=prepared.handout.reviewed_on,
            pdf=prepared.pdf,
            address=recipient.address,
            message_id=prepared.inputs.message_id,
        )
        try:
            log.append(record)
        except OSError as exc:
            warnings.append(
                warning(
                    _shown(log.path, root),
                    0,
                    "send-log",
                    f"the handout WAS sent (do not send it again), but this send could not "
                    f"be recorded in the send log ({exc.strerror}); tell your IT person",
                )
            )
    text = _sent(prepared, recipient, receipt.reply, receipt.attempts, log is not None)
    given = Given(
        handout=prepared.handout.id,
        lang=prepared.handout.lang,
        variant=prepared.variant.name,
        reviewed_on=prepared.handout.reviewed_on,
        pdf_sha256=hashlib.sha256(prepared.pdf).hexdigest(),
    )
    return EmailResult(text, tuple(warnings), given)


def _usage(message: str) -> UsageError:
    return deliverable.usage(message)


def _check_flags(request: EmailRequest) -> None:
    if request.dry_run and request.eml is not None:
        raise _usage("--dry-run and --eml do not go together: use one of them")
    if request.lang is not None and (has_control(request.lang) or not LANG_RE.match(request.lang)):
        raise _usage("--lang expects a language code like 'en' or 'es'")


def _drafts_folder(environ: Mapping[str, str]) -> Path:
    home = environ.get("HOME")
    return (Path(home) if home else Path.home()) / DRAFTS_FOLDER


def _inside(path: Path, folder: Path) -> bool:
    # resolve() follows symlinks on the way, so a link into the project counts as inside.
    return path.resolve().is_relative_to(folder.resolve())


def _draft_path(eml: Path, root: Path, environ: Mapping[str, str]) -> Path:
    """Where the draft goes: never inside the project (the preview server serves it, and
    it is often shared or under version control); a relative path is under
    ``~/handout-drafts/``. The file name loses invisible characters (see ``mail/message.py``)."""
    name = strip_invisible(eml.name)
    if not name.strip(" ."):
        raise _usage(f"--eml {eml}: give a file name for the draft, like panic.eml")
    folder = eml.parent if eml.is_absolute() else _drafts_folder(environ) / eml.parent
    path = folder / name
    if _inside(path, root):
        raise _usage(
            f"--eml {eml}: that is inside the project folder, where the preview server, "
            "backups and version control could show the patient's address to others. "
            f"Nothing was written. Give only a file name (--eml {name}) and the draft goes "
            f"to {_drafts_folder(environ)}{os.sep}, or give a full path outside the project"
        )
    return path


def _config_problem(config: ProjectConfig, key: str, message: str) -> ConfigError:
    line = locate(config.source_text, "email", key) or locate(config.source_text, "email")
    return ConfigError([error(CONFIG_NAME, line, "config", f"email.{key}: {message}")])


def _check_settings(
    config: ProjectConfig, environ: Mapping[str, str], *, sending: bool
) -> str | None:
    """The password when one is needed; every missing setting is a config error."""
    settings: EmailSettings = config.email
    if not settings.from_address:
        raise _config_problem(
            config,
            "from_address",
            "required to email a handout: add an [email] table with from_address = "
            '"handouts@your-clinic.org" (and host, for sending); see docs/email.md',
        )
    if not sending:
        return None
    if not settings.host:
        raise _config_problem(
            config,
            "host",
            'required to send: add host = "..." (your mail server) under [email]; or '
            "write a draft with --eml FILE and send it from your mail program",
        )
    if not settings.username:
        return None
    password = environ.get(PASSWORD_ENV, "")
    if not password:
        raise _config_problem(
            config,
            "username",
            f"the mail server login needs its password in the environment variable "
            f"{PASSWORD_ENV}; ask your IT person to set it (it is never written in "
            "handouts.toml or typed on the command line)",
        )
    return password


def _find_handout(project: Project, handout_id: str, lang: str) -> Handout:
    return deliverable.find_handout(project, handout_id, lang, _refusal)


def _variant(handout: Handout, large_print: bool) -> Variant:
    if not large_print:
        return STANDARD
    for variant in variants_for(handout):
        if variant.name == LARGE_PRINT:
            return variant
    raise _usage(
        f"--large-print: {handout.rel} has no large-print edition (its front matter says "
        "large_print: false); leave out --large-print to send the standard handout"
    )


def _refusal(what: str, problems: list[Problem]) -> HandoutError:
    return not_handed_out("not-sent", what, "sent", "send it again", problems)


def _header_safe(project: Project, handout: Handout) -> None:
    """Values that go into headers come from files too: judged after decoding, as a mail
    program reads them (``mail.header_complaint``), so ``=?utf-8?q?...=0D=0A...?=`` is
    refused like a line break typed in."""
    config = project.config
    complaint = header_complaint(config.clinic.name)
    if complaint:
        raise ConfigError(
            [
                error(
                    CONFIG_NAME,
                    locate(config.source_text, "clinic", "name"),
                    "config",
                    f"clinic.name: it has {complaint}; write the name on one line as plain "
                    "words (it is the sender's name in emails)",
                )
            ]
        )
    complaint = header_complaint(handout.title)
    if complaint:
        raise _refusal(
            handout.rel,
            [
                error(
                    handout.rel,
                    handout.line_of("title"),
                    "front-matter",
                    f"title: it has {complaint}; write the title on one line as plain "
                    "words (it is the email's subject)",
                )
            ],
        )


def _subject_safe(inputs: MessageInputs) -> None:
    """The subject line of the language's words, with the title and name filled in."""
    complaint = header_complaint(subject(inputs))
    if complaint:
        raise ConfigError(
            [
                error(
                    f"locales/{inputs.lang}.toml",
                    0,
                    "language",
                    f"[email] subject: the subject line has {complaint}; write it on one "
                    "line as plain words",
                )
            ]
        )


def _build_pdf(
    project: Project, handout: Handout, variant: Variant, today: dt.date
) -> tuple[Path, bytes, tuple[Problem, ...]]:
    """The shared road (build/deliverable.py): build, refuse on errors, read the PDF."""
    (made,) = deliverable.build_checked(project, [(handout, variant)], today, _refusal)
    return made.pdf_path, made.pdf, made.warnings


def _prepare(
    project: Project,
    request: EmailRequest,
    recipient: Recipient,
    today: dt.date,
    now: dt.datetime,
) -> Prepared:
    config = project.config
    handout = _find_handout(project, request.handout_id, request.lang or config.default_lang)
    variant = _variant(handout, request.large_print)
    _header_safe(project, handout)
    words = load_email_words(handout.lang, config.root)
    strings = load_strings(handout.lang, config.root)
    pdf_path, pdf, warnings = _build_pdf(project, handout, variant, today)
    settings = config.email
    inputs = MessageInputs(
        from_address=settings.from_address,
        from_name=config.clinic.name,
        to_address=recipient.address,
        reply_to=settings.reply_to,
        lang=handout.lang,
        title=handout.title,
        clinic=config.clinic.name,
        phone=config.clinic.phone,
        contact_line=strings.contact,
        crisis_line=project.crisis.for_lang(handout.lang).footer,
        words=words,
        large_print=variant.name == LARGE_PRINT,
        pdf=pdf,
        pdf_slug=handout.slug,
        date=now,
        message_id=make_msgid(domain=settings.from_address.rpartition("@")[2]),
        draft=request.eml is not None,
    )
    _subject_safe(inputs)
    return Prepared(handout, variant, pdf_path, pdf, inputs, warnings)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _size(data: bytes | int) -> str:
    size = data if isinstance(data, int) else len(data)
    return f"{max(1, round(size / 1024))} KB"


def _version(prepared: Prepared) -> str:
    return f"reviewed {prepared.handout.reviewed_on}, PDF sha256:{pdf_hash(prepared.pdf)}"


def _preview(prepared: Prepared, recipient: Recipient, config: ProjectConfig) -> str:
    inputs = prepared.inputs
    settings = config.email
    message = compose(inputs)
    name = attachment_name(inputs.title, inputs.words, inputs.large_print, inputs.pdf_slug)
    login = f', as user "{settings.username}"' if settings.username else ""
    log = (
        f"{_shown(settings.send_log, config.root)} (the address only as a salted hash)"
        if settings.send_log
        else "off"
    )
    lines = [
        "Dry run: nothing was sent. This is the message 'handouts email' would send:",
        "",
        # The staff member typed this address and sees it on their own screen only; it is
        # never written to a file or a log.
        f"To:         {recipient.shown}",
        *(
            [
                "            (the part after the @ has letters that are not plain a-z: "
                f"check it with the patient; sending needs {CONFIRM_FLAG})"
            ]
            if recipient.domain_as_read
            else []
        ),
        f"From:       {message['From']}",
        *([f"Reply-To:   {message['Reply-To']}"] if inputs.reply_to else []),
        f"Subject:    {message['Subject']}",
        f"Language:   {inputs.lang}",
        f"Attachment: {name} ({_size(prepared.pdf)}, {prepared.variant.name} edition, "
        f"{_version(prepared)}, from {_shown(prepared.pdf_path, config.root)})",
        f"Server:     {settings.host} port {settings.port}, {SECURITY_WORDS[settings.security]}"
        f"{login}",
        f"Send log:   {log}",
        "",
        body_text(inputs).rstrip("\n"),
    ]
    return "\n".join(lines)


def _drafted(prepared: Prepared, path: Path, size: int) -> str:
    return (
        f"Wrote the draft {path} ({_size(size)}): '{prepared.handout.title}' "
        f"({prepared.handout.lang}, {prepared.variant.name} edition, {_version(prepared)}). "
        "Nothing was sent: open the file in your mail program, check it and send it. The "
        "file holds the patient's address: delete it once the email has gone."
    )


def _sent(prepared: Prepared, recipient: Recipient, reply: str, attempts: int, logged: bool) -> str:
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    record = " Recorded in the send log." if logged else ""
    return (
        f"Sent '{prepared.handout.title}' ({prepared.handout.lang}, {prepared.variant.name} "
        f"edition, {_version(prepared)}) to {recipient.masked}{tries}. The mail server "
        f"said: {reply}.{record}"
    )
