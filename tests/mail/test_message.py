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
    (tmp_path / "locales/fr.toml").write_text('name = "Français"\n')
    with pytest.raises(ConfigError, match="no email words for language 'fr'"):
        load_email_words("fr", tmp_path)


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
    assert parse_recipient(["Rosa.M@Bücher.Example"]).address == "Rosa.M@xn--bcher-kva.example"


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
