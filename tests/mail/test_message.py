"""The message itself (a pure function), the address rules, and the send log's privacy."""

from __future__ import annotations

import datetime as dt
import stat
from dataclasses import replace
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from clinic_handouts.errors import ConfigError, UsageError
from clinic_handouts.mail.message import (
    MessageInputs,
    UnsafeHeader,
    attachment_name,
    compose,
    header_complaint,
    to_bytes,
)
from clinic_handouts.mail.recipient import mask, parse_recipient, redact
from clinic_handouts.mail.sendlog import SALT_NAME, SendRecord, open_send_log
from clinic_handouts.project.words import load_email_words

EN = load_email_words("en", Path("/nonexistent"))
INPUTS = MessageInputs(
    from_address="handouts@clinic.example.org",
    from_name="Test Clinic, Main St.",
    to_address="rosa.m@example.org",
    reply_to="front-desk@clinic.example.org",
    lang="en",
    title="Sleep well",
    clinic="Test Clinic, Main St.",
    phone="555-0100",
    contact_line="Questions? Call us at {phone}.",
    crisis_line="In crisis? Call or text 988. Emergency: 911.",
    words=EN,
    large_print=False,
    pdf=b"%PDF-1.7 not really",
    pdf_slug="sleep",
    date=dt.datetime(2026, 11, 21, 15, 4, 5, tzinfo=dt.UTC),
    message_id="<1@clinic.example.org>",
)


def test_same_inputs_make_the_same_message() -> None:
    assert to_bytes(compose(INPUTS)) == to_bytes(compose(INPUTS))
    message = message_from_bytes(to_bytes(compose(INPUTS)), policy=policy.default)
    assert message["From"] == '"Test Clinic, Main St." <handouts@clinic.example.org>'
    assert message["Reply-To"] == "front-desk@clinic.example.org"
    assert message["Date"] == "Sat, 21 Nov 2026 15:04:05 +0000"
    assert b"\r\n" in to_bytes(compose(INPUTS))  # the wire format, also in .eml drafts
    text = message.get_body(preferencelist=("plain",))
    assert text is not None and text["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("title", "large", "expected"),
    [
        ("Sleep well", False, "Sleep well.pdf"),
        ("Sleep well", True, "Sleep well (large print).pdf"),
        ('Panic: what "helps"? A/B', False, "Panic what helps A B.pdf"),
        ("...", False, "sleep.pdf"),
        ("Word " * 30, False, ("Word " * 16).strip() + ".pdf"),
    ],
)
def test_attachment_name_is_readable_and_safe(title: str, large: bool, expected: str) -> None:
    assert attachment_name(title, EN, large, "sleep") == expected


@pytest.mark.parametrize("field", ["title", "clinic", "to_address", "lang", "from_name"])
def test_compose_refuses_a_line_break_in_any_header(field: str) -> None:
    with pytest.raises(UnsafeHeader):
        compose(replace(INPUTS, **{field: "x\r\nBcc: someone@example.net"}))  # type: ignore[arg-type]


def test_project_words_without_an_email_table_fall_back_to_the_built_in_ones(
    tmp_path: Path,
) -> None:
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales/es.toml").write_text('name = "Español de la clínica"\n')
    assert load_email_words("es", tmp_path).greeting == "Hola:"
    (tmp_path / "locales/de.toml").write_text('name = "Deutsch"\n')
    with pytest.raises(ConfigError, match="no email words for language 'de'"):
        load_email_words("de", tmp_path)


def test_a_typo_in_a_placeholder_is_a_language_error(tmp_path: Path) -> None:
    (tmp_path / "locales").mkdir()
    table = "\n".join(f'{key} = "x"' for key in ("greeting", "attached", "attached_large_print"))
    (tmp_path / "locales/en.toml").write_text(
        f'[email]\nsubject = "{{titel}}"\n{table}\nlarge_print = "x"\nnot_for_you = "x"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_email_words("en", tmp_path)
    assert "locales/en.toml: error: language: [email] subject: unknown placeholder 'titel'" in str(
        caught.value
    )


# --- addresses ---------------------------------------------------------------------------


def test_mask_and_redact() -> None:
    assert mask("rosa.m@example.org") == "r***@example.org"
    assert mask("") == "***"
    reply = "550 <Rosa.M@Example.org>: no mailbox rosa.m here"
    assert redact(reply, "rosa.m@example.org") == "550 <r***@example.org>: no mailbox r*** here"


def test_domain_is_normalised_for_the_wire() -> None:
    recipient = parse_recipient(["Rosa.M@Bücher.Example"], confirmed=True)
    assert recipient.address == "Rosa.M@xn--bcher-kva.example"


def test_no_address_at_all_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--to is empty"):
        parse_recipient(["  "])


# --- the send log ------------------------------------------------------------------------


def test_salt_that_others_can_read_is_refused(tmp_path: Path) -> None:
    salt = tmp_path / SALT_NAME
    salt.write_text("ab" * 32)
    salt.chmod(0o644)
    with pytest.raises(ConfigError) as caught:
        open_send_log(tmp_path / "send-log.jsonl", tmp_path)
    assert ".send-log-salt: error: send-log: other people on this computer can read" in str(
        caught.value
    )
    assert not (tmp_path / "send-log.jsonl").exists()


def test_damaged_salt_is_refused_not_replaced(tmp_path: Path) -> None:
    salt = tmp_path / SALT_NAME
    salt.write_text("not hex")
    salt.chmod(0o600)
    with pytest.raises(ConfigError, match="the send log's salt is damaged"):
        open_send_log(tmp_path / "send-log.jsonl", tmp_path)
    assert salt.read_text() == "not hex"


def test_same_address_same_hash_other_salt_other_hash(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = open_send_log(tmp_path / "a/log.jsonl", tmp_path / "a")
    again = open_send_log(tmp_path / "a/log.jsonl", tmp_path / "a")
    other = open_send_log(tmp_path / "b/log.jsonl", tmp_path / "b")
    assert stat.S_IMODE((tmp_path / "a" / SALT_NAME).stat().st_mode) == 0o600
    address = "rosa.m@example.org"
    assert first.address_hash(address) == again.address_hash("Rosa.M@example.org")
    assert first.address_hash(address) != other.address_hash(address)
    record = SendRecord(
        time=INPUTS.date,
        handout="sleep",
        lang="en",
        variant="standard",
        reviewed_on=dt.date(2026, 10, 1),
        pdf=b"pdf",
        address=address,
        message_id="<1@clinic.example.org>",
    )
    first.append(record)
    first.append(record)
    lines = (tmp_path / "a/log.jsonl").read_text().splitlines()
    assert len(lines) == 2 and '"time": "2026-11-21T15:04:05Z"' in lines[0]


# --- hostile input, round two (issue 19) ---------------------------------------------------

# Decoded by the email library into "Sleep", CRLF, "Reply-To: ...", CRLF, "Bcc: ...".
INJECTING_TITLE = (
    "=?utf-8?q?Sleep=0D=0AReply-To:_help@attacker.example=0D=0ABcc:_evil@attacker.example?="
)


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("Sleep well", None),
        ("Does 1+1=? Sleep", None),  # looks a little like an encoding, but stays as written
        ("Qué esperar", None),
        ("x\r\nBcc: someone@example.net", "a line break"),
        (INJECTING_TITLE, "text in the email encoding"),
        ("=?utf-8?b?U2xlZXA=?=", "text in the email encoding"),  # harmless, still not literal
    ],
)
def test_header_values_are_judged_after_decoding(value: str, complaint: str | None) -> None:
    found = header_complaint(value)
    assert (found is None) if complaint is None else (found or "").startswith(complaint)


@pytest.mark.parametrize("field", ["title", "clinic", "from_name"])
def test_compose_refuses_an_encoded_word_that_decodes_to_new_headers(field: str) -> None:
    with pytest.raises(UnsafeHeader, match="text in the email encoding"):
        compose(replace(INPUTS, **{field: INJECTING_TITLE}))  # type: ignore[arg-type]


def test_written_message_must_have_exactly_the_headers_that_were_set() -> None:
    # The last guard: whatever reaches the message object, the bytes written out are
    # read back, and a header that was not set (or a changed value) stops them.
    message = compose(INPUTS)
    message.replace_header("Subject", INJECTING_TITLE)
    with pytest.raises(UnsafeHeader, match="other headers than were set: \\['bcc', 'reply-to'\\]"):
        to_bytes(message)
    clean = message_from_bytes(to_bytes(compose(INPUTS)), policy=policy.default)
    assert clean.keys() == [
        "From", "To", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version",
        "Content-Type", "Content-Language",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Results \u202egnp.exe", "Results gnp.exe.pdf"),  # shown as "Results fdp.exe.png"
        ("Sle\u200bep we\u200dll\ufeff", "Sleep well.pdf"),  # zero-width space, joiner, BOM
        ("A\u2066B\u2069 \u061cC\u00ad", "AB C.pdf"),  # isolates, Arabic mark, soft hyphen
        ("\u202e\u200b", "sleep.pdf"),  # nothing visible left: the handout's slug
    ],
)
def test_attachment_name_loses_invisible_characters(title: str, expected: str) -> None:
    assert attachment_name(title, EN, False, "sleep") == expected


def test_redact_masks_only_the_address_never_other_words() -> None:
    own_words = "ask the patient whether it came; the patient's address (pat@example.org)"
    assert redact(own_words, "pat@example.org") == (
        "ask the patient whether it came; the patient's address (p***@example.org)"
    )
    assert redact("550 User pat unknown. Bye pat.", "pat@example.org") == (
        "550 User p*** unknown. Bye p***."
    )
    assert redact("no mailbox rosa.m.x here", "rosa.m@example.org") == "no mailbox rosa.m.x here"


def test_mask_never_shows_more_than_the_first_letter_and_a_domain() -> None:
    assert mask("Jane Doe <jane@example.org>") == "J***@***"  # not an address: no domain
    with pytest.raises(UsageError) as caught:
        parse_recipient(["Jane Doe <jane@example.org>"])
    assert str(caught.value) == (
        "error: recipient: --to j***@example.org: give only the address, like "
        "name@example.org, without a name or < >. Nothing was sent; check the address with "
        "the patient"
    )


def test_look_alike_domain_needs_confirmation_and_is_shown_in_both_forms() -> None:
    cyrillic_a = "pat@ex\u0430mple.org"
    with pytest.raises(UsageError) as caught:
        parse_recipient([cyrillic_a])
    message = str(caught.value)
    assert message.startswith(
        "error: recipient: --to p***@ex\u0430mple.org (for mail servers: xn--exmple-4nf.org): "
        "the part after the @ has letters that are not plain a-z (letters from: Cyrillic, "
        "Latin)."
    )
    assert message.endswith("run the same command again with --confirm-address")
    # Typed already in the xn-- form it reads as something else too: the same rule.
    with pytest.raises(UsageError, match="--confirm-address"):
        parse_recipient(["pat@xn--exmple-4nf.org"])
    confirmed = parse_recipient([cyrillic_a], confirmed=True)
    assert confirmed.address == "pat@xn--exmple-4nf.org"
    assert confirmed.masked == "p***@ex\u0430mple.org (for mail servers: xn--exmple-4nf.org)"
    assert parse_recipient(["pat@example.org"]).masked == "p***@example.org"


def test_mixed_script_local_part_is_refused_outright() -> None:
    with pytest.raises(UsageError, match="Internationalized characters before the @-sign"):
        parse_recipient(["p\u0430t@example.org"], confirmed=True)
