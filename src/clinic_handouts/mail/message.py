"""The email that carries a handout: a pure function from explicit inputs to a message.

``compose`` makes a ``multipart/mixed`` message: a short plain-text note in the handout's
language (what is attached, the clinic's phone, the crisis line, what to do if it reached
the wrong person) and the PDF with a file name a patient can read on a phone. The
``Content-Language`` header names the language, so mail programs and screen readers
read it with the right voice.

Nothing here reads files, the clock or the network: the caller passes the date, the
Message-ID and the PDF bytes, so the same inputs always give the same message. Every header
value is checked for line breaks here too, as a last guard behind the checks on user input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from clinic_handouts.mail.recipient import has_control
from clinic_handouts.project.words import EmailWords

# What goes on the wire and into .eml drafts: CRLF line ends, lines folded at 78.
WIRE_POLICY = policy.SMTP
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
MAX_NAME_CHARS = 80


@dataclass(frozen=True)
class MessageInputs:
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
    """A header value with a line break reached ``compose``: the input checks have a gap."""


def attachment_name(title: str, words: EmailWords, large_print: bool, slug: str) -> str:
    """A readable file name from the title: ``What to expect (large print).pdf``."""
    name = unicodedata.normalize("NFC", title)
    name = " ".join(_UNSAFE_IN_FILE_NAMES.sub(" ", name).split()).strip(" .")
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
        if has_control(value):
            raise UnsafeHeader(f"{name}: a line break or control character in a header value")
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
    """The message exactly as it is sent, or written to a .eml draft."""
    return message.as_bytes(policy=WIRE_POLICY)
