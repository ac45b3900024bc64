"""The email that carries a handout: a pure function from explicit inputs to a message.

``compose`` makes a ``multipart/mixed`` message: a short plain-text note in the handout's
language (what is attached, the clinic's phone, the crisis line, what to do if it reached
the wrong person) and the PDF with a file name a patient can read on a phone. The
``Content-Language`` header names the language, so mail programs and screen readers
read it with the right voice.

Nothing here reads files, the clock or the network: the caller passes the date, the
Message-ID and the PDF bytes, so the same inputs always give the same message.

Header safety, in depth (the checks on user input in ``delivery.py`` come first):

- ``header_complaint`` judges a value as a mail program will read it, after every
  decoding step: a line break or control character is refused, and so is text that the
  email library would *decode* into something else (``=?utf-8?q?...=0D=0A...?=`` turns
  into a line break, a forged ``Bcc:`` below it). A value is used only if decoding leaves
  it exactly as written, so such text could only ever be shown literally.
- ``compose`` refuses (``UnsafeHeader``) any header value that fails that judgement.
- ``to_bytes`` parses the bytes it produced and refuses them unless they hold exactly the
  headers the message was given, with the same values: whatever slips past the checks
  above cannot add a header to what is sent or drafted.

File names of attachments are stripped of characters that change how a name *looks*
(right-to-left overrides, zero-width characters, all of Unicode's invisible "format"
characters), so ``...\u202egnp.exe.pdf`` cannot pose as ``...fdp.exe.png``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from clinic_handouts.mail.recipient import has_control
from clinic_handouts.project.words import EmailWords

# What goes on the wire and into .eml drafts: CRLF line ends, lines folded at 78.
WIRE_POLICY = policy.SMTP
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
MAX_NAME_CHARS = 80
# Unicode categories that are never shown as a character of their own but change how
# the text around them is shown or are not text at all: format characters (bidi
# overrides and isolates, zero-width spaces and joiners, the BOM, soft hyphens...),
# controls, private use, surrogates and unassigned code points.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Co", "Cs", "Cn"})


@dataclass(frozen=True)
class MessageInputs:
    """Everything ``compose`` makes one message from, checked and looked up by
    mail/deliver.py: the addresses, the words in the handout's language, the PDF, the
    date and Message-ID."""

    from_address: str  # validated addresses
    from_name: str  # the clinic's name, shown as the sender
    to_address: str
    reply_to: str  # "" for none
    lang: str
    title: str
    clinic: str
    phone: str
    contact_line: str  # "Questions? Call us at {phone}." in the handout's language
    crisis_line: str  # the one-line crisis reminder printed on every page
    words: EmailWords
    large_print: bool
    pdf: bytes
    pdf_slug: str  # fallback file name when the title has no usable characters
    date: dt.datetime  # timezone-aware
    message_id: str  # "<...@domain>"
    draft: bool = False  # a .eml to open in a mail program, not a message sent now


class UnsafeHeader(ValueError):
    """An unsafe header value reached ``compose``, or the serialized message does not hold
    exactly the headers that were set: the input checks have a gap."""


def header_complaint(value: str) -> str | None:
    """Why ``value`` cannot go into an email header; None when it can.

    Judged after decoding, as the receiving mail program will: the value must come out of
    the email library's header parser exactly as it went in.
    """
    if has_control(value):
        return "a line break or another control character"
    decoded = str(policy.default.header_factory("Subject", value))
    if decoded != value:
        return (
            "text in the email encoding ('=?...?='), which mail programs would turn into other text"
        )
    return None


def strip_invisible(text: str) -> str:
    """``text`` without the characters of ``INVISIBLE_CATEGORIES``."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in INVISIBLE_CATEGORIES)


def attachment_name(title: str, words: EmailWords, large_print: bool, slug: str) -> str:
    """A readable file name from the title: ``What to expect (large print).pdf``."""
    name = unicodedata.normalize("NFC", title)
    # Line breaks and tabs become spaces; invisible characters go without a trace.
    name = strip_invisible(_UNSAFE_IN_FILE_NAMES.sub(" ", name))
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME_CHARS:
        name = name[:MAX_NAME_CHARS].rsplit(" ", 1)[0].rstrip(" .,;-")
    name = name or slug
    if large_print:
        name = f"{name} ({words.large_print})"
    return f"{name}.pdf"


def body_text(inputs: MessageInputs) -> str:
    words = inputs.words
    fields = {"title": inputs.title, "clinic": inputs.clinic, "phone": inputs.phone}
    attached = words.attached_large_print if inputs.large_print else words.attached
    paragraphs = [
        words.greeting.format(**fields),
        attached.format(**fields),
        inputs.contact_line.format(**fields),
        inputs.crisis_line,
        words.not_for_you.format(**fields),
        inputs.clinic,
    ]
    return "\n\n".join(paragraphs) + "\n"


def subject(inputs: MessageInputs) -> str:
    return inputs.words.subject.format(title=inputs.title, clinic=inputs.clinic, phone=inputs.phone)


def compose(inputs: MessageInputs) -> EmailMessage:
    headers = {
        "From": inputs.from_name,
        "To": inputs.to_address,
        "Reply-To": inputs.reply_to,
        "Subject": subject(inputs),
        "Content-Language": inputs.lang,
        "Message-ID": inputs.message_id,
    }
    for name, value in [*headers.items(), ("From", inputs.from_address)]:
        complaint = header_complaint(value)
        if complaint:
            raise UnsafeHeader(f"{name}: {complaint}")
    message = EmailMessage(policy=policy.default)
    message["From"] = Address(display_name=inputs.from_name, addr_spec=inputs.from_address)
    message["To"] = Address(addr_spec=inputs.to_address)
    if inputs.reply_to:
        message["Reply-To"] = Address(addr_spec=inputs.reply_to)
    message["Subject"] = headers["Subject"]
    message["Date"] = format_datetime(inputs.date)
    message["Message-ID"] = inputs.message_id
    if inputs.draft:
        message["X-Unsent"] = "1"  # mail programs open the file as a draft, ready to send
    # quoted-printable: stays readable as text and passes servers without 8BITMIME.
    message.set_content(body_text(inputs), charset="utf-8", cte="quoted-printable")
    message.add_attachment(
        inputs.pdf,
        maintype="application",
        subtype="pdf",
        filename=attachment_name(inputs.title, inputs.words, inputs.large_print, inputs.pdf_slug),
    )
    # Set after the parts exist (set_content clears Content-* headers): the whole message
    # and its text part are in the handout's language.
    message["Content-Language"] = inputs.lang
    for part in message.iter_parts():
        if part.get_content_type() == "text/plain":
            part["Content-Language"] = inputs.lang
    # A boundary from the content instead of a random one: same inputs, same bytes. "=_"
    # cannot occur in quoted-printable or base64 text, so it never clashes with a part.
    digest = hashlib.sha256(inputs.pdf + body_text(inputs).encode("utf-8")).hexdigest()
    message.set_boundary(f"=_{digest[:40]}")
    return message


def to_bytes(message: EmailMessage) -> bytes:
    """The message exactly as it is sent, or written to a .eml draft.

    Refused (``UnsafeHeader``) unless reading the bytes back gives exactly the headers of
    ``message``, in the same order with the same values, in every part.
    """
    data = message.as_bytes(policy=WIRE_POLICY)
    parsed = message_from_bytes(data, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    _same_headers(message, parsed, "the message")
    sent_parts = list(message.iter_parts())
    read_parts = list(parsed.iter_parts())
    if len(sent_parts) != len(read_parts):
        raise UnsafeHeader("the message's parts changed when it was written out")
    for number, (sent, read) in enumerate(zip(sent_parts, read_parts, strict=True), 1):
        assert isinstance(sent, EmailMessage) and isinstance(read, EmailMessage)
        _same_headers(sent, read, f"part {number}")
        if sent.get_filename() != read.get_filename():
            raise UnsafeHeader(f"part {number}: the file name changed when written out")
    return data


# Parameters (boundary, file name) are legitimately re-encoded when written out; they are
# compared by meaning above and below, not as text.
_PARAMETER_HEADERS = frozenset({"content-type", "content-disposition"})


def _same_headers(sent: EmailMessage, read: EmailMessage, where: str) -> None:
    sent_names = [name.lower() for name in sent]
    read_names = [name.lower() for name in read]
    if sent_names != read_names:
        extra = sorted((Counter(read_names) - Counter(sent_names)).elements()) or read_names
        raise UnsafeHeader(f"{where}: written out with other headers than were set: {extra}")
    for name, value in sent.items():
        if name.lower() in _PARAMETER_HEADERS:
            if sent.get_params(header=name) != read.get_params(header=name):
                raise UnsafeHeader(f"{where}: {name} changed when written out")
        elif str(value) != str(read[name]):
            raise UnsafeHeader(f"{where}: {name} changed when written out")
