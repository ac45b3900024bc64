"""Email addresses: the one address a handout is sent to, checked strictly before anything
else happens, and masked wherever it could be written down.

A patient's address is personal health information (it says this person is a patient of
this clinic). So:

- ``parse_recipient`` accepts exactly one plain address (``name@example.org``): no display
  name, no list, no line break or control character (the classic header-injection trick),
  and valid by the rules mail servers apply. Its errors never repeat the address in clear.
- A domain with letters other than plain a-z (an internationalised domain, IDN) is shown
  in both forms, as it reads and as mail servers see it (``xn--...``), and is refused
  unless the staff member confirms it (``--confirm-address``): ``exаmple.org`` with a
  Cyrillic ``а`` looks exactly like ``example.org`` and would send the handout to a
  stranger. Letters such as ``é`` or ``а`` before the ``@`` are refused outright (below),
  so a mixed-script local part cannot get through either.
- ``mask`` turns ``pat@example.org`` into ``p***@example.org`` for every message a person
  might copy into a ticket or a chat; ``redact`` does the same inside text that came from
  elsewhere (a mail server's reply often quotes the address it refuses). Both touch only
  the address: ``redact`` replaces the local part only where it stands as a whole word,
  so "patient" stays "patient" when the address is ``pat@...``.

Syntax is checked by ``email-validator`` without any DNS lookup: it applies RFC 5321/5322
plus the practical rules (a dot in the domain, no quoted local parts, IDNA domains) and
says in words what is wrong. Letters such as ``é`` before the ``@`` are refused: few mail
servers deliver them, and the patient can give another address.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from clinic_handouts.errors import UsageError, error

# Line breaks and every other control character: none belongs in an address or a header.
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_SEPARATOR_RE = re.compile(r"[,;\s]")
# What may be shown as the domain of a masked address: anything else (a "<", a quote, a
# space) means the text is not an address, and none of it is repeated.
_DOMAIN_RE = re.compile(r"[^\W_](?:[\w.-]*[^\W_])?")
# Characters that may be part of an address's local part: the local part is masked only
# where it is not next to one of them, so it is never cut out of a longer word.
_LOCAL_CHAR = r"[\w!#$%&'*+/=?^`{|}~-]"  # and ".", handled apart: it also ends sentences
CONFIRM_FLAG = "--confirm-address"


@dataclass(frozen=True)
class Recipient:
    """The one patient address ``parse_recipient`` accepted: the address mail is sent to,
    and how its domain reads when it is written in other letters than a-z."""

    address: str  # normalised: domain lowercased and in ASCII (IDNA); used on the wire
    domain_as_read: str = ""  # an IDN domain as it reads ("bücher.example"); "" if plain

    @property
    def masked(self) -> str:
        """The masked address; an IDN domain in both forms so staff can see what it is."""
        masked = mask(self.address)
        if not self.domain_as_read:
            return masked
        local, _, ascii_domain = masked.rpartition("@")
        return f"{local}@{self.domain_as_read} (for mail servers: {ascii_domain})"

    @property
    def shown(self) -> str:
        """The whole address for the staff member's own screen, both forms for an IDN."""
        if not self.domain_as_read:
            return self.address
        local, _, ascii_domain = self.address.rpartition("@")
        return f"{local}@{self.domain_as_read} (for mail servers: {local}@{ascii_domain})"


def mask(address: str) -> str:
    """``pat@example.org`` -> ``p***@example.org``: enough to recognise, not to reuse."""
    local, at, domain = address.rpartition("@")
    if not at:
        return f"{address[:1]}***" if address else "***"
    if not _DOMAIN_RE.fullmatch(domain):
        return f"{local[:1]}***@***"
    return f"{local[:1]}***@{domain}"


def redact(text: str, address: str) -> str:
    """``text`` with the address (and its part before the @) replaced by its mask.

    Only the address is replaced: its local part only where it stands on its own, not
    inside a longer word ("pat" in "patient").
    """
    masked = mask(address)
    text = re.sub(re.escape(address), masked, text, flags=re.IGNORECASE)
    local = address.rpartition("@")[0]
    if len(local) >= 3:  # shorter local parts would blot out ordinary words
        # A trailing "." ends a sentence, not the local part: allowed after a match.
        whole = rf"(?<!{_LOCAL_CHAR})(?<!\.){re.escape(local)}(?!{_LOCAL_CHAR}|\.\w)"
        text = re.sub(whole, masked.split("@")[0], text, flags=re.IGNORECASE)
    return text


def _refused_shown(raw: str) -> str:
    """The masked address to name in a refusal of ``raw``: from inside ``<...>`` if there is
    one (``Jane Doe <jane@example.org>`` -> ``j***@example.org``), else the first part that
    has an @; never the name or anything else that was typed."""
    text = CONTROL_RE.sub("", raw).strip()
    inside = re.search(r"<([^<>]*)>", text)
    if inside:
        text = inside.group(1).strip()
    parts = [part for part in _SEPARATOR_RE.split(text) if part]
    with_at = [part for part in parts if "@" in part]
    return mask((with_at or parts or [""])[0])


def _scripts(text: str) -> list[str]:
    """The writing systems of the letters in ``text``: ``["Cyrillic", "Latin"]``."""
    found = set()
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            found.add(name.split(" ")[0].title() if name else "unknown")
    return sorted(found)


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


def parse_recipient(values: Sequence[str], *, confirmed: bool = False) -> Recipient:
    """The one ``--to`` address, or a UsageError that does not repeat it in clear.

    An internationalised domain needs ``confirmed`` (the staff member checked it with the
    patient and said so with ``--confirm-address``).
    """
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
        shown = _refused_shown(raw)
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
    from email_validator import validate_email

    result = validate_email(raw.strip(), check_deliverability=False, allow_smtputf8=False)
    address = str(result.ascii_email or result.normalized)
    ascii_domain = str(result.ascii_domain)
    # Typed in Unicode or already as xn--: either way it reads as something else.
    as_read = str(result.domain)
    idn = as_read != ascii_domain or any(
        label.startswith("xn--") for label in ascii_domain.split(".")
    )
    if not idn:
        return Recipient(address)
    recipient = Recipient(address, domain_as_read=as_read)
    if confirmed:
        return recipient
    scripts = ", ".join(_scripts(as_read))
    raise UsageError(
        [
            error(
                "",
                0,
                "recipient",
                f"--to {recipient.masked}: the part after the @ has letters that are not "
                f"plain a-z (letters from: {scripts}). Letters that look alike, such as a "
                "Cyrillic 'а' and a Latin 'a', would send the handout to a stranger. Nothing "
                "was sent. Check the address with the patient letter by letter; if it is "
                f"right, run the same command again with {CONFIRM_FLAG}",
            )
        ]
    )
