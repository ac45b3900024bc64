"""``handouts email`` end to end: a real build, a real mail server on 127.0.0.1, and what
the patient's mail program would get."""

from __future__ import annotations

import hashlib
import hmac
import json
import stat
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import CLI, CONFIG, ProjectFactory, handout
from tests.helpers.mailserver import (
    PASSWORD,
    USERNAME,
    Certificates,
    MailServer,
    RawServer,
    Recorder,
    drop_after_message,
    greet_421_and_close,
    make_certificates,
    never_answer,
)

ADDRESS = "rosa.m@example.org"
LOCAL_PART = "rosa.m"
MASKED = "r***@example.org"


def email_config(port: int, **keys: str | int | bool) -> str:
    """CONFIG plus an [email] table for a server on 127.0.0.1 (clear text unless told)."""
    settings: dict[str, str | int | bool] = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "from_address": "handouts@clinic.example.org",
        **keys,
    }
    lines = ["", "[email]"]
    for key, value in settings.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f'{key} = "{value}"')
    return CONFIG + "\n".join(lines) + "\n"


@pytest.fixture
def certificates(tmp_path: Path) -> Certificates:
    folder = tmp_path / "certs"
    folder.mkdir()
    return make_certificates(folder)


@pytest.fixture
def plain_server() -> Iterator[MailServer]:
    with MailServer(Recorder()) as server:
        yield server


@pytest.fixture
def no_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HANDOUTS_SMTP_PASSWORD", raising=False)


def parse(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def attachment(message: EmailMessage) -> tuple[str, bytes]:
    parts = list(message.iter_attachments())
    assert len(parts) == 1
    assert parts[0].get_content_type() == "application/pdf"
    payload = parts[0].get_content()
    assert isinstance(payload, bytes)
    return str(parts[0].get_filename()), payload


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return " ".join(str(part.get_content()).split())


def config_line(config: str, setting: str) -> str:
    """How a config problem about the line ``setting`` of ``config`` starts."""
    return f"handouts.toml:{config.splitlines().index(setting) + 1}: error: config: "


def sleep_project(make_project: ProjectFactory, config: str) -> Path:
    """A project with ``config`` whose one handout is handouts/en/sleep.md."""
    return make_project({"handouts/en/sleep.md": handout()}, config=config)


def email_sleep(cli: CLI, root: Path, *args: str | Path) -> Result:
    """``handouts email sleep --to ADDRESS ARGS --project ROOT``: the desk's usual send."""
    return cli("email", "sleep", "--to", ADDRESS, *args, "--project", root)


def assert_no_clear_address(text: str) -> None:
    assert ADDRESS not in text
    assert LOCAL_PART not in text


# --- sending ------------------------------------------------------------------------------


def test_sends_built_pdf_over_starttls_with_login_and_logs_only_a_hash(
    make_project: ProjectFactory,
    cli: CLI,
    certificates: Certificates,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HANDOUTS_SMTP_PASSWORD", PASSWORD)
    recorder = Recorder()
    with MailServer(recorder, tls=certificates.server_context, login=True) as server:
        config = email_config(
            server.port,
            security="starttls",
            username=USERNAME,
            ca_file="certs/clinic-ca.pem",
            send_log=True,
        )
        root = make_project(
            {
                "handouts/en/sleep.md": handout("Sleep well", "Go to bed at the same time.\n"),
                "certs/clinic-ca.pem": certificates.ca_file.read_text(),
            },
            config=config,
        )
        result = email_sleep(cli, root)

    assert result.exit_code == 0, result.output
    assert MASKED in result.output and "250 2.0.0 OK queued as TEST1" in result.output
    assert_no_clear_address(result.output)
    assert recorder.logins == [(USERNAME.encode(), True)]
    assert len(server.messages) == 1
    received = server.messages[0]
    assert received.tls  # the server requires STARTTLS before MAIL; this says it happened
    assert received.rcpt_tos == [ADDRESS]
    assert received.mail_from == "handouts@clinic.example.org"

    message = parse(received.data)
    pdf = (root / "build/en/sleep.pdf").read_bytes()
    assert attachment(message) == ("Sleep well.pdf", pdf)
    assert message["Subject"] == "Sleep well (Test Clinic)"
    assert message["Content-Language"] == "en"
    assert message["To"] == ADDRESS
    assert message["From"] == "Test Clinic <handouts@clinic.example.org>"
    assert message["X-Unsent"] is None
    text = body(message)
    assert "Here is the handout “Sleep well” from Test Clinic." in text
    assert "Questions? Call us at 555-0100." in text
    assert "In crisis? Call or text 988. Emergency: 911." in text

    log_path = root / "send-log.jsonl"
    log_text = log_path.read_text()
    assert_no_clear_address(log_text)
    (entry,) = [json.loads(line) for line in log_text.splitlines()]
    salt_file = root / ".send-log-salt"
    salt = bytes.fromhex(salt_file.read_text().strip())
    expected = hmac.new(salt, ADDRESS.encode(), hashlib.sha256).hexdigest()[:32]
    assert entry["to"] == f"hmac-sha256:{expected}"
    assert entry["handout"] == "sleep" and entry["lang"] == "en"
    assert entry["variant"] == "standard" and entry["reviewed_on"] == "2026-10-01"
    assert entry["pdf"] == f"sha256:{hashlib.sha256(pdf).hexdigest()[:12]}"
    assert entry["message_id"] == message["Message-ID"]
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600


def test_spanish_handout_gets_a_spanish_message(
    make_project: ProjectFactory, cli: CLI, plain_server: MailServer
) -> None:
    root = make_project(
        {
            "handouts/en/day.md": handout("Your treatment day"),
            "handouts/es/day.md": handout('"Qué esperar: el día del tratamiento"'),
        },
        config=email_config(plain_server.port),
    )
    result = cli("email", "day", "--lang", "es", "--to", ADDRESS, "--project", root)
    assert result.exit_code == 0, result.output

    message = parse(plain_server.messages[0].data)
    assert message["Content-Language"] == "es"
    assert message["Subject"] == "Qué esperar: el día del tratamiento (Test Clinic)"
    name, data = attachment(message)
    # The colon cannot be in a file name on every system; the accents stay.
    assert name == "Qué esperar el día del tratamiento.pdf"
    assert data == (root / "build/es/day.pdf").read_bytes()
    text = body(message)
    assert text.startswith("Hola:")
    assert "¿Tiene preguntas? Llámenos al 555-0100." in text
    assert (
        "¿Está en crisis? Llame al 988 y oprima 2, o envíe AYUDA por mensaje de texto al 988. "
        "Emergencias: 911."
    ) in text
    assert "Si este correo no era para usted, por favor bórrelo." in text


# --- refused before anything is built or sent ---------------------------------------------


@pytest.mark.parametrize(
    ("to", "says"),
    [
        (f"{ADDRESS}\r\nBcc: someone@example.net", "line break"),
        (f"{ADDRESS}\nBcc: someone@example.net", "line break"),
        (f"{ADDRESS}, jo@example.org", "several addresses"),
        (f"{ADDRESS};jo@example.org", "several addresses"),
        (f"{ADDRESS} jo@example.org", "several addresses"),
        (f"Rosa <{ADDRESS}>", "without a name"),
        ("r\u043esa.m@example.org", "Internationalized characters"),  # a Cyrillic "о"
        (f"{LOCAL_PART}@example", "It should have a period. Nothing was sent"),
        (LOCAL_PART, "must have an @-sign"),
        (f"{LOCAL_PART}@@example.org", "several addresses"),
        ("rosá.m@example.org", "Internationalized characters"),
    ],
)
def test_bad_address_is_refused_before_any_connection(
    make_project: ProjectFactory, cli: CLI, plain_server: MailServer, to: str, says: str
) -> None:
    root = sleep_project(make_project, email_config(plain_server.port))
    result = cli("email", "sleep", "--to", to, "--project", root)
    assert result.exit_code == 2, result.output
    assert "error: recipient: --to " in result.output
    assert says in result.output
    assert "Nothing was sent" in result.output
    assert_no_clear_address(result.output)
    assert "rosá.m" not in result.output
    assert plain_server.connections == 0
    assert not (root / "build").exists()  # refused before the build, too


# Each mistake: the arguments after "email", and what the message says.
USAGE_MISTAKES = {
    "two-to-flags": (
        ("sleep", "--to", ADDRESS, "--to", "jo@example.org"),
        "error: recipient: --to was 2 times: give exactly one address",
    ),
    "line-break-in-language": (
        ("sleep", "--lang", "en\r\nBcc: x@example.net", "--to", ADDRESS),
        "error: usage: --lang expects a language code like 'en' or 'es'",
    ),
    "unknown-handout-suggests-the-close-one": (
        ("anxeity", "--to", ADDRESS),
        "error: usage: no handout with id 'anxeity' (did you mean anxiety?)",
    ),
    "missing-translation-names-the-languages-there-are": (
        ("anxiety", "--lang", "es", "--to", ADDRESS),
        "handout 'anxiety' has no 'es' version; it exists in: en",
    ),
}


@pytest.mark.parametrize(("args", "says"), USAGE_MISTAKES.values(), ids=USAGE_MISTAKES.keys())
def test_usage_mistakes_are_refused_before_connecting(
    make_project: ProjectFactory,
    cli: CLI,
    plain_server: MailServer,
    args: tuple[str, ...],
    says: str,
) -> None:
    files = {"handouts/en/sleep.md": handout(), "handouts/en/anxiety.md": handout()}
    root = make_project(files, config=email_config(plain_server.port))
    result = cli("email", *args, "--project", root)
    assert result.exit_code == 2
    assert says in result.output
    assert plain_server.connections == 0


@pytest.mark.parametrize(
    ("files", "extra_config", "expected"),
    [
        (
            {"handouts/en/old.md": handout(reviewed_on="2020-01-01")},
            "",
            "handouts/en/old.md:3: error: review-overdue: the review was due on 2022-01-01",
        ),
        (
            {"handouts/en/old.md": handout(body="Call 1-800-273-8255 any time.\n")},
            "",
            "handouts/en/old.md:6: error: outdated-crisis-contact: '1-800-273-8255'",
        ),
        (
            {"handouts/en/old.md": "---\ntitle: Old\nreviewd_on: 2026-10-01\n---\nText\n"},
            "",
            "handouts/en/old.md:3: error: front-matter: reviewd_on: unknown key",
        ),
        (
            {"handouts/en/old.md": handout()},
            'verified_on = 2025-01-01\nverified_by = "Reviewer (placeholder)"\n',
            "handouts.toml: error: crisis-data-stale: the United States crisis data was "
            "confirmed by Reviewer (placeholder) on 2025-01-01",
        ),
    ],
    ids=["review-overdue", "outdated-contact", "broken-front-matter", "crisis-data-stale"],
)
def test_handout_that_must_not_reach_a_patient_is_not_sent(
    make_project: ProjectFactory,
    cli: CLI,
    plain_server: MailServer,
    files: dict[str, str],
    extra_config: str,
    expected: str,
) -> None:
    config = email_config(plain_server.port).replace(
        'region = "US"\n', f'region = "US"\n{extra_config}'
    )
    root = make_project(files, config=config)
    result = cli("email", "old", "--to", ADDRESS, "--project", root)
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "error: not-sent: " in result.output and "was not sent" in result.output
    assert plain_server.connections == 0


# --- the server says no -------------------------------------------------------------------


def test_refused_recipient_is_a_clear_error_and_nothing_is_sent(
    make_project: ProjectFactory, cli: CLI
) -> None:
    # Real servers quote the address they refuse; the message must not repeat it.
    reply = f"550 5.1.1 <{ADDRESS}>: Recipient address rejected: User {LOCAL_PART} unknown"
    with MailServer(Recorder(rcpt_reply=reply)) as server:
        root = sleep_project(make_project, email_config(server.port, send_log=True))
        result = email_sleep(cli, root)
    assert result.exit_code == 1, result.output
    assert (
        "error: not-sent: 127.0.0.1 port " in result.output
        and "the mail server refused the patient's address (550 5.1.1 <r***@example.org>: "
        "Recipient address rejected: User r*** unknown)"
        in result.output
    )
    assert "check the address with the patient" in result.output
    assert_no_clear_address(result.output)
    assert server.messages == []
    assert server.connections == 1  # a permanent refusal is not retried
    assert (root / "send-log.jsonl").read_text() == ""  # ready, but nothing was sent


def test_server_that_hangs_up_with_421_gives_a_clear_error(
    make_project: ProjectFactory, cli: CLI
) -> None:
    with RawServer(greet_421_and_close) as server:
        root = sleep_project(make_project, email_config(server.port, attempts=1))
        result = email_sleep(cli, root)
    assert result.exit_code == 1, result.output
    assert (
        "the mail server turned down the connection for now (421 4.3.2 Service not "
        "available, closing transmission channel) (tried once). Nothing was sent. Try again "
        "in a few minutes" in result.output
    )
    assert server.connections == 1


def test_server_that_never_answers_times_out_with_a_clear_error(
    make_project: ProjectFactory, cli: CLI
) -> None:
    with RawServer(never_answer) as server:
        root = sleep_project(
            make_project,
            email_config(server.port, attempts=1).replace(
                "attempts = 1", "attempts = 1\ntimeout_seconds = 0.5"
            ),
        )
        result = email_sleep(cli, root)
    assert result.exit_code == 1, result.output
    assert "the mail server did not answer within 0.5 seconds (tried once)" in result.output


def test_certificate_from_an_unknown_authority_is_refused(
    make_project: ProjectFactory, cli: CLI, certificates: Certificates, no_password: None
) -> None:
    with MailServer(Recorder(), tls=certificates.server_context) as server:
        # no ca_file
        root = sleep_project(make_project, email_config(server.port, security="starttls"))
        result = email_sleep(cli, root)
    assert result.exit_code == 2, result.output
    assert "error: config: not sent: 127.0.0.1 port" in result.output
    assert "the mail server's certificate could not be verified" in result.output
    assert "set [email] ca_file" in result.output
    assert server.messages == []
    assert server.connections == 1  # not retried: it would fail the same way


def test_wrong_password_is_a_config_error_that_never_shows_the_password(
    make_project: ProjectFactory,
    cli: CLI,
    certificates: Certificates,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HANDOUTS_SMTP_PASSWORD", "not the password")
    with MailServer(Recorder(), tls=certificates.server_context, login=True) as server:
        root = sleep_project(
            make_project,
            email_config(
                server.port,
                security="starttls",
                username=USERNAME,
                ca_file=str(certificates.ca_file),
            ),
        )
        result = email_sleep(cli, root)
    assert result.exit_code == 2, result.output
    assert f"did not accept the user name '{USERNAME}'" in result.output
    assert "not the password" not in result.output
    assert server.messages == [] and server.connections == 1


# --- settings -----------------------------------------------------------------------------


def test_password_in_handouts_toml_is_refused_without_echoing_it(
    make_project: ProjectFactory, cli: CLI
) -> None:
    config = email_config(2525, username=USERNAME, password="hunter2-secret")
    root = sleep_project(make_project, config)
    result = email_sleep(cli, root)
    assert result.exit_code == 2
    assert (
        config_line(config, 'password = "hunter2-secret"')
        + "email.password: never write the password in "
        "this file: delete this line and set the environment variable HANDOUTS_SMTP_PASSWORD"
    ) in result.output
    assert "hunter2" not in result.output


def test_clear_text_to_another_computer_is_refused(make_project: ProjectFactory, cli: CLI) -> None:
    config = email_config(25, host="smtp.example.org")
    root = sleep_project(make_project, config)
    result = cli("build", "--project", root)  # a config error stops every command
    assert result.exit_code == 2
    assert (
        config_line(config, 'security = "none"') + "email.security: 'none' sends in clear text, "
        "so it is only allowed to this computer"
    ) in result.output


def test_login_without_password_in_environment_is_refused_before_connecting(
    make_project: ProjectFactory, cli: CLI, plain_server: MailServer, no_password: None
) -> None:
    config = email_config(plain_server.port, username=USERNAME)
    root = sleep_project(make_project, config)
    result = email_sleep(cli, root)
    assert result.exit_code == 2
    assert (
        config_line(config, f'username = "{USERNAME}"')
        + "email.username: the mail server login needs "
        "its password in the environment variable HANDOUTS_SMTP_PASSWORD"
    ) in result.output
    assert plain_server.connections == 0


def test_no_email_settings_says_what_to_add(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/sleep.md": handout()})
    result = email_sleep(cli, root)
    assert result.exit_code == 2
    assert (
        "handouts.toml: error: config: email.from_address: required to email a handout: "
        "add an [email] table"
    ) in result.output


# --- dry run and draft ---------------------------------------------------------------------


def test_dry_run_shows_the_message_and_sends_nothing(
    make_project: ProjectFactory, cli: CLI, plain_server: MailServer
) -> None:
    root = make_project(
        {"handouts/en/sleep.md": handout("Sleep well")},
        config=email_config(plain_server.port, send_log=True),
    )
    result = email_sleep(cli, root, "--dry-run")
    assert result.exit_code == 0, result.output
    size = (root / "build/en/sleep.pdf").stat().st_size
    out = result.output
    assert out.startswith("Dry run: nothing was sent.")
    assert f"To:         {ADDRESS}" in out  # the staff member's own screen: shown in full
    assert "Subject:    Sleep well (Test Clinic)" in out
    assert f"Attachment: Sleep well.pdf ({round(size / 1024)} KB, standard edition" in out
    assert "from build/en/sleep.pdf)" in out
    assert "Questions? Call us at 555-0100." in out
    assert "In crisis? Call or text 988. Emergency: 911." in out
    assert plain_server.connections == 0
    assert not (root / "send-log.jsonl").exists() and not (root / ".send-log-salt").exists()


def test_eml_writes_a_private_draft_with_the_pdf(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path
) -> None:
    # No host: a clinic without a mail server can still make drafts.
    config = CONFIG + '\n[email]\nfrom_address = "handouts@clinic.example.org"\n'
    root = make_project({"handouts/en/sleep.md": handout("Sleep well")}, config=config)
    draft = tmp_path / "drafts" / "sleep.eml"
    result = email_sleep(cli, root, "--eml", draft)
    assert result.exit_code == 0, result.output
    assert "Nothing was sent" in result.output
    assert_no_clear_address(result.output)
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    message = parse(draft.read_bytes())
    assert message["X-Unsent"] == "1"  # mail programs open it ready to send
    assert message["To"] == ADDRESS
    assert attachment(message) == ("Sleep well.pdf", (root / "build/en/sleep.pdf").read_bytes())


def test_dry_run_and_eml_together_is_a_usage_error(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path
) -> None:
    root = make_project({"handouts/en/sleep.md": handout()})
    result = cli(
        "email", "sleep", "--to", ADDRESS, "--dry-run", "--eml", tmp_path / "x.eml",
        "--project", root,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "error: usage: --dry-run and --eml do not go together" in result.output


# --- large print ---------------------------------------------------------------------------


def test_large_print_sends_the_large_print_pdf(
    make_project: ProjectFactory, cli: CLI, plain_server: MailServer
) -> None:
    root = make_project(
        {"handouts/en/sleep.md": handout("Sleep well")}, config=email_config(plain_server.port)
    )
    result = cli("email", "sleep", "--large-print", "--to", ADDRESS, "--project", root)
    assert result.exit_code == 0, result.output
    message = parse(plain_server.messages[0].data)
    pdf = (root / "build/en/sleep.large-print.pdf").read_bytes()
    assert attachment(message) == ("Sleep well (large print).pdf", pdf)
    assert "in large print" in body(message)


def test_large_print_of_a_handout_without_one_is_a_clear_error(
    make_project: ProjectFactory, cli: CLI, plain_server: MailServer
) -> None:
    root = make_project(
        {"handouts/en/sleep.md": handout(large_print="false")},
        config=email_config(plain_server.port),
    )
    result = cli("email", "sleep", "--large-print", "--to", ADDRESS, "--project", root)
    assert result.exit_code == 2
    assert "error: usage: --large-print: handouts/en/sleep.md has no large-print edition" in (
        result.output
    )
    assert plain_server.connections == 0


# --- hostile input, round two (issue 19) ---------------------------------------------------

INJECTING = "=?utf-8?q?Sleep=0D=0AReply-To:_help@attacker.example=0D=0ABcc:_evil@attacker.example?="
HEADER_NAMES = [
    "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
    "Content-Language",
]  # fmt: skip


# Where an encoded word is written: (the handout's title, handouts.toml, exit code, problem).
ENCODED_WORDS = {
    "title": (
        f'"{INJECTING}"',
        lambda config: config,
        1,
        "handouts/en/sleep.md:2: error: front-matter: title: it has text in the email "
        "encoding ('=?...?='), which mail programs would turn into other text; write the "
        "title on one line as plain words (it is the email's subject)",
    ),
    "clinic_name": (
        "Sleep well",
        lambda config: config.replace('name = "Test Clinic"', f'name = "{INJECTING}"'),
        2,
        "handouts.toml:2: error: config: clinic.name: it has text in the email encoding",
    ),
}


@pytest.mark.parametrize("how", ["send", "eml"])
@pytest.mark.parametrize(
    ("title", "configured", "code", "problem"), ENCODED_WORDS.values(), ids=ENCODED_WORDS.keys()
)
def test_encoded_word_cannot_add_a_bcc(
    make_project: ProjectFactory,
    cli: CLI,
    plain_server: MailServer,
    tmp_path: Path,
    how: str,
    title: str,
    configured: Callable[[str], str],
    code: int,
    problem: str,
) -> None:
    config = configured(email_config(plain_server.port))
    root = make_project({"handouts/en/sleep.md": handout(title)}, config=config)
    draft = tmp_path / "drafts/sleep.eml"
    extra: list[str | Path] = ["--eml", draft] if how == "eml" else []
    result = email_sleep(cli, root, *extra)
    assert result.exit_code == code, result.output
    assert problem in result.output
    assert plain_server.connections == 0 and plain_server.messages == []
    assert not draft.exists()


def send_titled(make_project: ProjectFactory, cli: CLI, server: MailServer, title: str) -> None:
    """Email the one handout of a project, titled ``title``, through ``server``."""
    root = make_project({"handouts/en/sleep.md": handout(title)}, config=email_config(server.port))
    result = email_sleep(cli, root)
    assert result.exit_code == 0, result.output


def test_title_that_only_looks_like_an_encoding_arrives_as_written(
    make_project: ProjectFactory, cli: CLI, plain_server: MailServer
) -> None:
    send_titled(make_project, cli, plain_server, '"Sleep: 1+1=? Bcc: evil@attacker.example"')
    (received,) = plain_server.messages
    assert received.rcpt_tos == [ADDRESS]
    message = parse(received.data)
    assert message.keys() == HEADER_NAMES
    assert message["Subject"] == "Sleep: 1+1=? Bcc: evil@attacker.example (Test Clinic)"


def test_right_to_left_override_cannot_disguise_the_attachment(
    make_project: ProjectFactory, cli: CLI, plain_server: MailServer
) -> None:
    # "Results \u202egnp.exe.pdf" would show as "Results fdp.exe.png".
    send_titled(make_project, cli, plain_server, "Results \u202egnp.exe\u200b")
    name, _ = attachment(parse(plain_server.messages[0].data))
    assert name == "Results gnp.exe.pdf"


def test_draft_file_name_loses_invisible_characters(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path
) -> None:
    config = CONFIG + '\n[email]\nfrom_address = "handouts@clinic.example.org"\n'
    root = make_project({"handouts/en/sleep.md": handout("Sleep well")}, config=config)
    asked = tmp_path / "drafts" / "sleep\u202elme.txt"  # would show as "sleeptxt.eml"
    result = email_sleep(cli, root, "--eml", asked)
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "drafts").iterdir()] == ["sleeplme.txt"]
    assert f"Wrote the draft {tmp_path / 'drafts' / 'sleeplme.txt'} " in result.output


LOOK_ALIKE = "rosa.m@ex\u0430mple.org"  # a Cyrillic "а"
LOOK_ALIKE_SHOWN = "r***@ex\u0430mple.org (for mail servers: xn--exmple-4nf.org)"


def test_look_alike_domain_is_refused_until_confirmed(
    make_project: ProjectFactory, cli: CLI, plain_server: MailServer
) -> None:
    root = make_project(
        {"handouts/en/sleep.md": handout("Sleep well")}, config=email_config(plain_server.port)
    )
    refused = cli("email", "sleep", "--to", LOOK_ALIKE, "--project", root)
    assert refused.exit_code == 2, refused.output
    assert f"error: recipient: --to {LOOK_ALIKE_SHOWN}: the part after the @" in refused.output
    assert "run the same command again with --confirm-address" in refused.output
    assert plain_server.connections == 0 and not (root / "build").exists()

    shown = cli("email", "sleep", "--to", LOOK_ALIKE, "--dry-run", "--project", root)
    assert shown.exit_code == 0, shown.output
    assert (
        f"To:         {LOOK_ALIKE} (for mail servers: rosa.m@xn--exmple-4nf.org)\n"
        "            (the part after the @ has letters that are not plain a-z: check it "
        "with the patient; sending needs --confirm-address)"
    ) in shown.output

    sent = cli("email", "sleep", "--to", LOOK_ALIKE, "--confirm-address", "--project", root)
    assert sent.exit_code == 0, sent.output
    assert f"to {LOOK_ALIKE_SHOWN}." in sent.output
    assert plain_server.messages[0].rcpt_tos == ["rosa.m@xn--exmple-4nf.org"]


def test_display_name_form_is_refused_and_masked_as_the_address(
    make_project: ProjectFactory, cli: CLI, plain_server: MailServer
) -> None:
    root = sleep_project(make_project, email_config(plain_server.port))
    result = cli("email", "sleep", "--to", "Jane Doe <jane@example.org>", "--project", root)
    assert result.exit_code == 2, result.output
    assert (
        "error: recipient: --to j***@example.org: give only the address, like "
        "name@example.org, without a name or < >"
    ) in result.output
    assert "Jane" not in result.output and "J***" not in result.output
    assert plain_server.connections == 0


def test_masking_leaves_the_tools_own_words_alone(make_project: ProjectFactory, cli: CLI) -> None:
    # "pat" is in "patient": the advice must still read "ask the patient".
    with RawServer(drop_after_message) as server:
        root = sleep_project(make_project, email_config(server.port))
        result = cli("email", "sleep", "--to", "pat@example.org", "--project", root)
    assert result.exit_code == 1, result.output
    assert "ask the patient whether it came before you send it again" in result.output
    assert "p***ient" not in result.output


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


DRAFT_CONFIG = CONFIG + '\n[email]\nfrom_address = "handouts@clinic.example.org"\n'


def test_relative_eml_goes_to_the_drafts_folder_not_the_project(
    make_project: ProjectFactory, cli: CLI, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project({"handouts/en/panic.md": handout("Panic")}, config=DRAFT_CONFIG)
    monkeypatch.chdir(root)  # the README's example, run in the project folder
    result = cli("email", "panic", "--to", ADDRESS, "--eml", "panic.eml", "--project", root)
    assert result.exit_code == 0, result.output
    draft = home / "handout-drafts" / "panic.eml"
    assert f"Wrote the draft {draft} " in result.output
    assert parse(draft.read_bytes())["To"] == ADDRESS
    assert stat.S_IMODE(draft.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    assert not list(root.rglob("*.eml"))


@pytest.mark.parametrize("where", ["absolute", "symlinked-home"])
def test_eml_inside_the_project_is_refused(
    make_project: ProjectFactory, cli: CLI, home: Path, where: str
) -> None:
    root = make_project({"handouts/en/panic.md": handout("Panic")}, config=DRAFT_CONFIG)
    if where == "absolute":
        asked: Path | str = root / "drafts" / "panic.eml"
    else:  # ~/handout-drafts is a link into the project
        (root / "drafts").mkdir()
        (home / "handout-drafts").symlink_to(root / "drafts")
        asked = "panic.eml"
    result = cli("email", "panic", "--to", ADDRESS, "--eml", asked, "--project", root)
    assert result.exit_code == 2, result.output
    assert (
        f"error: usage: --eml {asked}: that is inside the project folder, where the preview "
        "server, backups and version control could show the patient's address to others. "
        "Nothing was written. Give only a file name (--eml panic.eml) and the draft goes to "
        f"{home / 'handout-drafts'}/, or give a full path outside the project"
    ) in result.output
    assert not list(root.rglob("*.eml")) and not (root / "build").exists()
