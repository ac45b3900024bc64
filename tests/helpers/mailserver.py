"""Real mail servers on 127.0.0.1 for the email tests.

- ``MailServer``: aiosmtpd, optionally with STARTTLS (a throw-away certificate authority
  from trustme), required login, or a reply that refuses the recipient. It records every
  connection and every message exactly as received.
- ``RawServer``: a few lines of socket code for servers that misbehave in ways a real
  server library will not: greet with ``421`` and hang up, accept and never answer, or
  take the whole message and hang up before confirming it.
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

USERNAME = "front-desk"
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes  # the message as the server received it
    tls: bool  # the session was encrypted (STARTTLS) when the message came


@dataclass
class Recorder:
    """aiosmtpd handler: keeps what arrives; optionally refuses every recipient."""

    rcpt_reply: str | None = None
    messages: list[Received] = field(default_factory=list)
    connections: int = 0
    logins: list[tuple[bytes, bool]] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.original_content or b""
        assert isinstance(content, bytes)
        self.messages.append(
            Received(
                str(envelope.mail_from),
                list(envelope.rcpt_tos),
                content,
                session.ssl is not None,
            )
        )
        return "250 2.0.0 OK queued as TEST1"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == USERNAME.encode()
            and data.password == PASSWORD.encode()
        )
        self.logins.append((data.login if isinstance(data, LoginPassword) else b"", ok))
        return AuthResult(success=ok, handled=False)  # the server replies 235 / 535


class CountingController(Controller):
    def factory(self) -> SMTP:
        self.handler.connections += 1  # one protocol per TCP connection
        return super().factory()  # type: ignore[no-untyped-call,no-any-return]


@dataclass
class Certificates:
    """A throw-away certificate authority and a certificate for 127.0.0.1 / localhost."""

    ca_file: Path
    server_context: ssl.SSLContext


def make_certificates(
    folder: Path, names: tuple[str, ...] = ("127.0.0.1", "localhost")
) -> Certificates:
    ca = trustme.CA()
    cert = ca.issue_cert(*names)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    ca_file = folder / "clinic-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Certificates(ca_file, context)


class MailServer:
    def __init__(
        self,
        recorder: Recorder,
        *,
        tls: ssl.SSLContext | None = None,
        login: bool = False,
    ) -> None:
        self.recorder = recorder
        self.port = free_port()
        kwargs: dict[str, Any] = {}
        if tls is not None:
            kwargs.update(tls_context=tls, require_starttls=True)
        if login:
            kwargs.update(auth_required=True, authenticator=recorder.authenticate)
        self.controller = CountingController(
            recorder, hostname="127.0.0.1", port=self.port, **kwargs
        )

    def __enter__(self) -> MailServer:
        self.controller.start()
        # start() connects once to check the server is up: wait for it, then forget it.
        deadline = time.monotonic() + 10
        while self.recorder.connections < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        self.recorder.connections = 0
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def connections(self) -> int:
        return self.recorder.connections

    @property
    def messages(self) -> list[Received]:
        return self.recorder.messages


Script = Callable[[socket.socket, threading.Event], None]


def greet_421_and_close(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"421 4.3.2 Service not available, closing transmission channel\r\n")


def never_answer(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait(60)  # hold the connection open, silent, until the test ends


def drop_after_message(conn: socket.socket, stop: threading.Event) -> None:
    """Take the whole message, then hang up instead of confirming it."""
    stream = conn.makefile("rb")
    conn.sendall(b"220 127.0.0.1 ready\r\n")
    while line := stream.readline():
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            conn.sendall(b"250 127.0.0.1\r\n")
        elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
            conn.sendall(b"250 OK\r\n")
        elif verb == b"DATA":
            conn.sendall(b"354 go ahead\r\n")
            while (body := stream.readline()) and body != b".\r\n":
                pass
            return
        else:
            conn.sendall(b"502 not here\r\n")


class RawServer:
    def __init__(self, script: Script) -> None:
        self.connections = 0
        self.stop = threading.Event()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                outer.connections += 1
                script(self.request, outer.stop)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RawServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
