"""The SMTP client against real servers on 127.0.0.1: retries, refusals, implicit TLS, and
the one failure that must not be retried (the connection breaks after the message)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest

from clinic_handouts.errors import ConfigError
from clinic_handouts.mail.smtp import Envelope, NotSent, send
from clinic_handouts.project.config import EmailSettings
from tests.helpers.mailserver import (
    CountingController,
    MailServer,
    RawServer,
    Recorder,
    Script,
    drop_after_message,
    free_port,
    greet_421_and_close,
    make_certificates,
    never_answer,
)

ADDRESS = "rosa.m@example.org"
MESSAGE = (
    b"From: handouts@clinic.example.org\r\nTo: rosa.m@example.org\r\nSubject: Test\r\n\r\n"
    b".A line that starts with a dot.\r\nHello.\r\n"
)
ENVELOPE = Envelope("handouts@clinic.example.org", ADDRESS, MESSAGE)


def settings(port: int, **changes: object) -> EmailSettings:
    base = EmailSettings(host="127.0.0.1", port=port, security="none", attempts=3)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_temporary_failure_is_retried_with_growing_waits_then_reported() -> None:
    waits: list[float] = []
    heard: list[str] = []
    with RawServer(greet_421_and_close) as server, pytest.raises(NotSent) as caught:
        send(ENVELOPE, settings(server.port), None, sleep=waits.append, progress=heard.append)
    assert server.connections == 3
    assert waits == [1.0, 2.0]
    assert heard[0].startswith("Not sent yet: the mail server turned down the connection")
    assert heard[0].endswith("Trying again in 1 s (attempt 2 of 3).")
    (problem,) = caught.value.problems
    assert problem.code == "not-sent"
    assert "(tried 3 times). Nothing was sent." in problem.message


def test_connection_refused_is_retried_and_explained() -> None:
    waits: list[float] = []
    port = free_port()  # nothing listens there
    with pytest.raises(NotSent) as caught:
        send(ENVELOPE, settings(port, attempts=2), None, sleep=waits.append)
    assert waits == [1.0]
    assert "nothing answers there (connection refused) (tried 2 times)" in str(caught.value)


def test_timeout_gives_up_within_bounds() -> None:
    outcome: list[BaseException] = []

    def attempt(port: int) -> None:
        try:
            send(ENVELOPE, settings(port, attempts=2, timeout_seconds=0.3), None, sleep=no_wait)
        except NotSent as exc:
            outcome.append(exc)

    with RawServer(never_answer) as server:
        worker = threading.Thread(target=attempt, args=(server.port,), daemon=True)
        worker.start()
        worker.join(60)  # a guard against hanging for ever, not a speed test
        assert not worker.is_alive(), "send() kept waiting: the timeout is not applied"
    assert server.connections == 2
    assert "did not answer within 0.3 seconds (tried 2 times)" in str(outcome[0])


def no_wait(seconds: float) -> None:
    pass


def test_broken_connection_after_the_message_is_not_retried() -> None:
    # The server may have the message: sending again could reach the patient twice.
    with RawServer(drop_after_message) as server, pytest.raises(NotSent) as caught:
        send(ENVELOPE, settings(server.port), None, sleep=no_wait)
    assert server.connections == 1
    assert "It may or may not have arrived, so it was not sent again" in str(caught.value)


def test_message_arrives_intact_over_implicit_tls(tmp_path: Path) -> None:
    certificates = make_certificates(tmp_path)
    recorder = Recorder()
    port = free_port()
    controller = CountingController(
        recorder, hostname="127.0.0.1", port=port, ssl_context=certificates.server_context
    )
    controller.start()
    try:
        receipt = send(
            ENVELOPE,
            settings(port, security="ssl", ca_file=certificates.ca_file),
            None,
        )
    finally:
        controller.stop()
    assert receipt.attempts == 1 and receipt.reply.startswith("250")
    (received,) = recorder.messages
    assert received.data.replace(b"\r\n", b"\n") == MESSAGE.replace(b"\r\n", b"\n")
    assert received.rcpt_tos == [ADDRESS]


def test_ssl_to_a_plain_server_is_a_config_error(tmp_path: Path) -> None:
    certificates = make_certificates(tmp_path)
    with MailServer(Recorder()) as server, pytest.raises(ConfigError) as caught:
        send(
            ENVELOPE,
            settings(server.port, security="ssl", ca_file=certificates.ca_file),
            None,
            sleep=no_wait,
        )
    assert "the encrypted connection failed" in str(caught.value)
    assert "'ssl' is usually port 465, 'starttls' port 587" in str(caught.value)


def test_starttls_to_a_server_without_it_is_a_config_error() -> None:
    # No TLS context: the server does not offer STARTTLS.
    with MailServer(Recorder()) as server, pytest.raises(ConfigError) as caught:
        send(ENVELOPE, settings(server.port, security="starttls"), None, sleep=no_wait)
    assert "does not offer STARTTLS on this connection" in str(caught.value)
    assert server.connections == 1


def test_certificate_for_another_name_is_refused(tmp_path: Path) -> None:
    # Signed by the trusted authority, but for another server: the host name check fails.
    certificates = make_certificates(tmp_path, names=("mail.example.org",))
    with MailServer(Recorder(), tls=certificates.server_context) as server:
        config = settings(server.port, security="starttls", ca_file=certificates.ca_file)
        with pytest.raises(ConfigError) as caught:
            send(ENVELOPE, config, None, sleep=no_wait)
    assert "certificate could not be verified (IP address mismatch" in str(caught.value)
    assert server.messages == []


# --- hostile servers (issue 19): bounded replies, a deadline per step ----------------------
# Each server is a few lines of socket code on 127.0.0.1 with a bounded loop: it stops by
# itself (and when the test ends), so a client without the limits fails the test instead
# of hanging it.


def endless_greeting(conn: socket.socket, stop: threading.Event) -> None:
    """``220-`` continuation lines, 990 bytes each, up to 20 MB, as fast as they go."""
    line = b"220-" + b"x" * 984 + b"\r\n"
    with contextlib.suppress(OSError):  # the client hangs up: that is the point
        for _ in range(20_000):
            if stop.is_set():
                return
            conn.sendall(line)


def trickle(conn: socket.socket, stop: threading.Event, data: bytes) -> None:
    """One byte every 0.1 s, for at most 10 s."""
    with contextlib.suppress(OSError):
        for byte in data[:100]:
            if stop.wait(0.1):
                return
            conn.sendall(bytes([byte]))


def slow_greeting(conn: socket.socket, stop: threading.Event) -> None:
    trickle(conn, stop, b"220 " + b"x" * 200)  # never reaches the end of the line


def agreed_to_starttls(conn: socket.socket, answer: bytes) -> bool:
    """A fake server's side up to STARTTLS: greet, offer STARTTLS to EHLO, and send
    ``answer`` to the client's STARTTLS. False if the client left before asking."""
    stream = conn.makefile("rb")
    conn.sendall(b"220 127.0.0.1 ready\r\n")
    while line := stream.readline():
        if line[:4].upper() == b"EHLO":
            conn.sendall(b"250-127.0.0.1\r\n250 STARTTLS\r\n")
        elif line.upper().startswith(b"STARTTLS"):
            conn.sendall(answer)
            return True
    return False


def slow_tls_handshake(conn: socket.socket, stop: threading.Event) -> None:
    """Agree to STARTTLS, then send a TLS record header and its body a byte at a time."""
    if agreed_to_starttls(conn, b"220 go ahead\r\n"):
        trickle(conn, stop, b"\x16\x03\x03\x40\x00" + bytes(200))


def timed_send(port: int, **changes: object) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        send(ENVELOPE, settings(port, attempts=1, **changes), None, sleep=no_wait)
    except (NotSent, ConfigError) as exc:
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


def test_endless_greeting_is_cut_off_with_bounded_memory() -> None:
    tracemalloc.start()
    try:
        with RawServer(endless_greeting) as server:
            seconds, caught = timed_send(server.port, timeout_seconds=5)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(caught, ConfigError)
    assert (
        "the mail server sent a reply of more than 100 lines (at the connection), which no "
        "mail server does. Nothing was sent. Check [email] host and port"
    ) in str(caught)
    assert peak < 2_000_000, f"{peak} bytes at the peak: the reply is not bounded"
    assert seconds < 5


def test_over_long_reply_line_is_cut_off() -> None:
    def long_line(conn: socket.socket, stop: threading.Event) -> None:
        with contextlib.suppress(OSError):
            conn.sendall(b"220 " + b"x" * 5000 + b"\r\n")

    with RawServer(long_line) as server:
        _, caught = timed_send(server.port)
    assert "sent a reply line longer than 1000 bytes (at the connection)" in str(caught)


@pytest.mark.parametrize(
    ("script", "security"),
    [(slow_greeting, "none"), (slow_tls_handshake, "starttls")],
    ids=["greeting", "starttls-handshake"],
)
def test_a_trickling_server_is_given_one_deadline_per_step(script: Script, security: str) -> None:
    # A byte every 0.1 s: a timeout per read (1 s) would never fire; the step's would.
    with RawServer(script) as server:
        seconds, caught = timed_send(server.port, timeout_seconds=1, security=security)
    assert "the mail server did not answer within 1 second (tried once)" in str(caught)
    assert seconds < 3, f"{seconds:.1f} s: the deadline is not per step"


def test_unencrypted_data_sent_before_the_tls_handshake_is_refused(tmp_path: Path) -> None:
    certificates = make_certificates(tmp_path)

    def inject(conn: socket.socket, stop: threading.Event) -> None:
        # The answer to the EHLO that comes after the handshake, sent in clear.
        if agreed_to_starttls(conn, b"220 go ahead\r\n250-127.0.0.1\r\n250 AUTH PLAIN\r\n"):
            with contextlib.suppress(OSError):
                tls = certificates.server_context.wrap_socket(conn, server_side=True)
                tls.makefile("rb").readline()

    with RawServer(inject) as server:
        _, caught = timed_send(server.port, security="starttls", ca_file=certificates.ca_file)
    assert isinstance(caught, ConfigError)
    assert "sent unencrypted data right after agreeing to encrypt (STARTTLS)" in str(caught)
