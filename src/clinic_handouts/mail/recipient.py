"""Email addresses: the one address a handout is sent to, checked strictly before anything
else happens, and masked wherever it could be written down.

A patient's address is personal health information (it says this person is a patient of
this clinic). So:

- ``parse_recipient`` accepts exactly one plain address (``name@example.org``): no display
  name, no list, no line break or control character (the classic header-injection trick),
  and valid by the rules mail servers apply. Its errors never repeat the address in clear.
- ``mask`` turns ``pat@example.org`` into ``p***@example.org`` for every message a person
  might copy into a ticket or a chat; ``redact`` does the same inside text that came from
  elsewhere (a mail server's reply often quotes the address it refuses).

Syntax is checked by ``email-validator`` without any DNS lookup: it applies RFC 5321/5322
plus the practical rules (a dot in the domain, no quoted local parts, IDNA domains) and
says in words what is wrong. Letters such as ``é`` before the ``@`` are refused: few mail
servers deliver them, and the patient can give another address.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from clinic_handouts.errors import UsageError, error

# Line breaks and every other control character: none belongs in an address or a header.
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_SEPARATOR_RE = re.compile(r"[,;\s]")


@dataclass(frozen=True)
class Recipient:
    address: str  # normalised: domain lowercased and in ASCII (IDNA); used on the wire

    @property
    def masked(self) -> str:
        return mask(self.address)


def mask(address: str) -> str:
    """``pat@example.org`` -> ``p***@example.org``: enough to recognise, not to reuse."""
    local, at, domain = address.rpartition("@")
    if not at:
        return f"{address[:1]}***" if address else "***"
    return f"{local[:1]}***@{domain}"


def redact(text: str, address: str) -> str:
    """``text`` with the address (and its part before the @) replaced by its mask."""
    masked = mask(address)
    text = re.sub(re.escape(address), masked, text, flags=re.IGNORECASE)
    local = address.rpartition("@")[0]
    if len(local) >= 3:  # shorter local parts would blot out ordinary words
        text = re.sub(re.escape(local), masked.split("@")[0], text, flags=re.IGNORECASE)
    return text


def has_control(value: str) -> bool:
    return CONTROL_RE.search(value) is not None


def address_complaint(value: str) -> str | None:
    """Why ``value`` is not one plain, deliverable-looking address; None when it is."""
    if has_control(value):
        return (
            "contains a line break or another control character, which no email "
            "address has; type the address again"
        )
    if "<" in value or ">" in value:
        return "give only the address, like name@example.org, without a name or < >"
    if value.count("@") > 1 or _SEPARATOR_RE.search(value.strip()):
        return (
            "looks like several addresses (a comma, semicolon, space or two @ signs); "
            "a handout goes to one patient at a time"
        )
    # Loaded here, not at the top: handouts.toml's [email] checks use this module on
    # every build, but only an address in it needs the validator.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        return f"is not a usable email address: {str(exc).rstrip('.')}"
    return None


def normalise(value: str) -> str:
    """The address as it goes into headers and to the server (call after the checks)."""
    from email_validator import validate_email

    result = validate_email(value.strip(), check_deliverability=False, allow_smtputf8=False)
    return str(result.ascii_email or result.normalized)


def parse_recipient(values: Sequence[str]) -> Recipient:
    """The one ``--to`` address, or a UsageError that does not repeat it in clear."""
    if len(values) != 1:
        given = f"{len(values)} times" if values else "not given"
        raise UsageError(
            [
                error(
                    "",
                    0,
                    "recipient",
                    f"--to was {given}: give exactly one address (a handout goes to one "
                    "patient at a time; send again for the next one)",
                )
            ]
        )
    raw = values[0]
    if not raw.strip():
        raise UsageError(
            [
                error(
                    "",
                    0,
                    "recipient",
                    "--to is empty: give the patient's address, like name@example.org",
                )
            ]
        )
    complaint = address_complaint(raw)
    if complaint:
        shown = mask(CONTROL_RE.sub("", raw.strip()).split(",")[0].split(";")[0])
        raise UsageError(
            [
                error(
                    "",
                    0,
                    "recipient",
                    f"--to {shown}: {complaint}. Nothing was sent; check the address with "
                    "the patient",
                )
            ]
        )
    return Recipient(normalise(raw))
