"""Hand one message to the clinic's mail server, carefully, with smtplib.

- Security: ``starttls`` (port 587) and ``ssl`` (port 465) verify the server's certificate
  and host name against the system's certificate authorities, or against ``[email]
  ca_file`` when the server has a private certificate; ``none`` (clear text) is only
  allowed to this computer, which ``project/config.py`` enforces.
- Every step of the conversation (connecting with the greeting, EHLO, STARTTLS with its
  handshake, AUTH, each command, the message) has a deadline: ``timeout_seconds`` in
  total for the step, not per read, so a server that trickles one byte at a time cannot
  hold the client (the message itself gets one more second per 50 KB). A watchdog shuts
  the connection down when a step's time is up, whatever smtplib or TLS is waiting for.
- Replies are bounded: at most ``MAX_REPLY_LINES`` lines of ``MAX_LINE_BYTES`` bytes, so
  an endless ``220-`` greeting costs a few kilobytes, not all the memory there is. Bytes
  the server sends ahead of the STARTTLS handshake are refused, not read as if they had
  come encrypted.
- A temporary failure (nobody answers, the connection
  drops, a 4xx reply such as ``421 try later``) is retried a bounded number of times,
  waiting 1, 2, 4... seconds; a permanent one (a 5xx reply, a bad password, a certificate
  that does not verify) is not retried. Either way the caller gets one clear error.
- One recipient per transaction, so there is no partial send: if the server refuses the
  address, the transaction is reset before any message data is sent. If the connection
  breaks after the message itself was sent but before the server confirmed it, the
  message may have arrived, so it is *not* retried (no duplicate to the patient) and the
  error says so.
- The address is never in an error in clear: server replies are redacted (only what the
  server said: our own words are never rewritten), and smtplib's own exceptions (which
  carry the address) never leave this module.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from clinic_handouts.errors import ConfigError, HandoutError, error
from clinic_handouts.mail.recipient import redact
from clinic_handouts.project.config import PASSWORD_ENV, EmailSettings

# RFC 5321 allows 512 bytes per reply line; real servers stay far below both limits.
MAX_LINE_BYTES = 1000
MAX_REPLY_LINES = 100
DATA_BYTES_PER_SECOND = 50_000  # the slowest upload the message step waits for


@dataclass(frozen=True)
class Envelope:
    """What ``send`` hands the mail server: the sender and the one recipient of the
    transaction, and the message's bytes."""

    sender: str  # [email] from_address
    recipient: str
    data: bytes  # the whole message, CRLF line ends


@dataclass(frozen=True)
class Receipt:
    """The server's word that it took the message (``send``): its reply and how many tries
    it took, for the confirmation ``handouts email`` prints."""

    attempts: int
    reply: str  # the server's reply to the message, redacted ("250 OK queued as ...")


class NotSent(HandoutError):
    """The server refused the message or could not be reached: nothing was delivered."""

    exit_code = 1


class _Failure(Exception):
    def __init__(self, message: str, *, temporary: bool, config: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.temporary = temporary
        self.config = config


class _ReplyTooLong(OSError):
    """The server's reply broke the size limits: not a mail server we should talk to."""


class _InjectedBeforeTls(OSError):
    """Bytes arrived after the STARTTLS reply and before the encryption began."""


class _Guard:
    """The deadline of the current step and the bounded reply reader of one connection.

    The watchdog is a timer per step; when it fires it shuts the socket down (a duplicate
    of its file descriptor, so it works in the middle of a TLS handshake too), which makes
    every blocking read or write return at once. ``expired`` then says why.
    """

    def __init__(self) -> None:
        self.expired = False
        self._lock = threading.Lock()
        self._fd = -1
        self._buffer = b""
        self._buffer_from: object = None  # the socket the buffered bytes came from

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._fd = sock.fileno()

    def forget(self) -> None:
        with self._lock:  # closed: the descriptor number may be reused by anyone
            self._fd = -1

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            if self._fd >= 0:
                with contextlib.suppress(OSError):
                    duplicate = socket.socket(fileno=socket.dup(self._fd))
                    with duplicate:
                        duplicate.shutdown(socket.SHUT_RDWR)

    @contextlib.contextmanager
    def step(self, seconds: float) -> Iterator[None]:
        timer = threading.Timer(seconds, self._expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def read_reply(self, client: smtplib.SMTP) -> tuple[int, bytes]:
        """smtplib's ``getreply``, bounded in size; the deadline bounds it in time."""
        sock = client.sock
        if sock is None:
            raise smtplib.SMTPServerDisconnected("not connected")
        if sock is not self._buffer_from:
            if self._buffer:  # sent in clear, to be read as if it came encrypted
                raise _InjectedBeforeTls("data before the encryption began")
            self._buffer_from = sock
        lines: list[bytes] = []
        while True:
            line = self._line(client, sock)
            if len(lines) >= MAX_REPLY_LINES:
                raise _ReplyTooLong(f"a reply of more than {MAX_REPLY_LINES} lines")
            lines.append(line[4:].strip(b" \t\r\n"))
            try:
                code = int(line[:3])
            except ValueError:
                return -1, b"\n".join(lines)
            if line[3:4] != b"-":
                return code, b"\n".join(lines)

    def _line(self, client: smtplib.SMTP, sock: socket.socket) -> bytes:
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line, self._buffer = self._buffer[: end + 1], self._buffer[end + 1 :]
                if len(line) > MAX_LINE_BYTES:
                    raise _ReplyTooLong(f"a reply line longer than {MAX_LINE_BYTES} bytes")
                return line
            if len(self._buffer) > MAX_LINE_BYTES:
                raise _ReplyTooLong(f"a reply line longer than {MAX_LINE_BYTES} bytes")
            try:
                chunk = sock.recv(4096)
            except OSError as exc:
                client.close()
                raise smtplib.SMTPServerDisconnected(f"connection lost: {exc}") from exc
            if not chunk:
                client.close()
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            self._buffer += chunk


class _Client(smtplib.SMTP):
    """smtplib's client with the guard's bounded replies and watched socket."""

    def __init__(self, guard: _Guard, timeout: float, host: str) -> None:
        self.guard = guard
        super().__init__(timeout=timeout)  # no host: connect() is called in a step
        self._host = host  # what smtplib checks the certificate against after STARTTLS

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = socket.create_connection((host, port), timeout, self.source_address)
        self.guard.watch(sock)
        return sock

    def getreply(self) -> tuple[int, bytes]:
        return self.guard.read_reply(self)

    def close(self) -> None:
        self.guard.forget()
        super().close()


class _SSLClient(smtplib.SMTP_SSL):
    """The same for implicit TLS: the socket is watched before its handshake starts."""

    def __init__(
        self, guard: _Guard, timeout: float, host: str, context: ssl.SSLContext | None
    ) -> None:
        self.guard = guard
        super().__init__(timeout=timeout, context=context)
        self._host = host

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = socket.create_connection((host, port), timeout, self.source_address)
        self.guard.watch(sock)  # before the handshake: a trickled handshake is timed too
        return self.context.wrap_socket(sock, server_hostname=self._host)

    def getreply(self) -> tuple[int, bytes]:
        return self.guard.read_reply(self)

    def close(self) -> None:
        self.guard.forget()
        super().close()


def backoff(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, 4, ... at most 30)."""
    return float(min(2 ** (attempt - 1), 30))


def tls_context(settings: EmailSettings) -> ssl.SSLContext:
    # create_default_context verifies the certificate and the host name; with a cafile it
    # trusts only that file, which is what a clinic's private mail server needs.
    return ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)


def send(
    envelope: Envelope,
    settings: EmailSettings,
    password: str | None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] = lambda line: None,
) -> Receipt:
    """Deliver ``envelope`` or raise NotSent / ConfigError (never an smtplib exception).

    ``progress`` hears about each retry, so a person waiting knows what is happening.
    """
    context = tls_context(settings) if settings.security != "none" else None
    where = f"{settings.host} port {settings.port}"
    last: _Failure | None = None
    for attempt in range(1, settings.attempts + 1):
        try:
            reply = _session(envelope, settings, password, context)
            return Receipt(attempt, reply)
        except _Failure as failure:
            message = failure.message  # the server's words in it are already redacted
            if failure.config:
                raise ConfigError(
                    [error("handouts.toml", 0, "config", f"not sent: {where}: {message}")]
                ) from None
            if not failure.temporary:
                raise NotSent([error("", 0, "not-sent", f"{where}: {message}")]) from None
            last = _Failure(message, temporary=True)
        if attempt < settings.attempts:
            progress(
                f"Not sent yet: {message}. Trying again in {backoff(attempt):g} s "
                f"(attempt {attempt + 1} of {settings.attempts})."
            )
            sleep(backoff(attempt))
    assert last is not None
    tries = f"tried {settings.attempts} times" if settings.attempts > 1 else "tried once"
    raise NotSent(
        [
            error(
                "",
                0,
                "not-sent",
                f"{where}: {last.message} ({tries}). Nothing was sent. Try again in a few "
                "minutes; if it keeps failing, ask your IT person to check the mail "
                "server and [email] in handouts.toml",
            )
        ]
    )


def _reply_text(reply: bytes | str, recipient: str) -> str:
    """What the server said, on one line, with the patient's address masked."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return redact(" ".join(text.split()), recipient)


# What the server was answering, for messages: "the mail server refused <this>".
_STEPS = {
    "connect": "the connection",
    "hello": "the start of the conversation",
    "login": "the login",
    "sender": "the sender address ([email] from_address)",
    "recipient": "the patient's address",
    "data": "the message",
}


def _refused(code: int, reply: bytes | str, phase: str, recipient: str) -> _Failure:
    what = _STEPS[phase]
    text = f"{code} {_reply_text(reply, recipient)}".strip()
    if 400 <= code < 500:
        return _Failure(f"the mail server turned down {what} for now ({text})", temporary=True)
    advice = (
        "check the address with the patient"
        if phase == "recipient"
        else "show this message to your IT person"
    )
    return _Failure(
        f"the mail server refused {what} ({text}). Nothing was sent, and sending again "
        f"will not help: {advice}",
        temporary=False,
    )


def _session(
    envelope: Envelope,
    settings: EmailSettings,
    password: str | None,
    context: ssl.SSLContext | None,
) -> str:
    """One connection, one transaction. Returns the server's reply to the message.

    Each step runs under its own deadline (``_Guard.step``).
    """
    recipient = envelope.recipient
    guard = _Guard()
    seconds = settings.timeout_seconds
    phase = "connect"
    client: _Client | _SSLClient | None = None
    try:
        if settings.security == "ssl":
            client = _SSLClient(guard, seconds, settings.host, context)
        else:
            client = _Client(guard, seconds, settings.host)
        with guard.step(seconds):  # the connection, the TLS handshake, the greeting
            code, reply = client.connect(settings.host, settings.port)
        if code != 220:
            raise _refused(code, reply, phase, recipient)
        phase = "hello"
        with guard.step(seconds):
            client.ehlo()
        if settings.security == "starttls":
            with guard.step(seconds):  # the command and the whole handshake
                client.starttls(context=context)
            with guard.step(seconds):
                client.ehlo()
        if settings.username:
            phase = "login"
            with guard.step(seconds):
                client.login(settings.username, password or "")
        phase = "sender"
        with guard.step(seconds):
            code, reply = client.mail(envelope.sender)
        if code != 250:
            raise _refused(code, reply, phase, recipient)
        phase = "recipient"
        with guard.step(seconds):
            code, reply = client.rcpt(recipient)
        if code not in (250, 251):
            with contextlib.suppress(OSError), guard.step(seconds):
                client.rset()  # abandon the transaction: no message data was sent
            raise _refused(code, reply, phase, recipient)
        phase = "data"
        with guard.step(seconds + len(envelope.data) / DATA_BYTES_PER_SECOND):
            code, reply = client.data(envelope.data)
        if code != 250:
            raise _refused(code, reply, phase, recipient)
        with contextlib.suppress(OSError), guard.step(seconds):
            client.quit()  # the message is accepted; a rude goodbye changes nothing
        return f"{code} {_reply_text(reply, recipient)}"
    # smtplib.SMTPException is a subclass of OSError: the specific cases come first.
    except _Failure:
        raise
    except OSError as exc:
        raise _failure(exc, guard, settings, phase, recipient) from None
    finally:
        if client is not None:
            with contextlib.suppress(OSError):
                client.close()


def _failure(
    exc: OSError, guard: _Guard, settings: EmailSettings, phase: str, recipient: str
) -> _Failure:
    """What went wrong, in words. A step's deadline comes first, whatever the shut-down
    connection broke on the way; after the message itself, though, it may have arrived."""
    if guard.expired and phase != "data":
        return _network_failure(TimeoutError(), settings, phase)
    # smtplib.SMTPException is a subclass of OSError: the specific cases come first.
    if isinstance(exc, _ReplyTooLong):
        return _Failure(
            f"the mail server sent {exc} (at {_STEPS[phase]}), which no mail server does. "
            "Nothing was sent. Check [email] host and port with your IT person",
            temporary=False,
            config=True,
        )
    if isinstance(exc, _InjectedBeforeTls):
        return _Failure(
            "the mail server sent unencrypted data right after agreeing to encrypt "
            "(STARTTLS); someone may be tampering with the connection. Nothing was sent. "
            "Show this message to your IT person",
            temporary=False,
            config=True,
        )
    if isinstance(exc, smtplib.SMTPDataError):  # the DATA command itself: no data sent
        return _refused(exc.smtp_code, exc.smtp_error, "data", recipient)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _Failure(
            f"the mail server did not accept the user name {settings.username!r} with the "
            f"password in {PASSWORD_ENV} ({exc.smtp_code} "
            f"{_reply_text(exc.smtp_error, recipient)}). Check [email] username and "
            f"{PASSWORD_ENV}",
            temporary=False,
            config=True,
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        what = "STARTTLS" if phase == "hello" else "a user name and password (AUTH)"
        return _Failure(
            f"the mail server does not offer {what} on this connection. Check [email] "
            "port and security with your IT person",
            temporary=False,
            config=True,
        )
    if isinstance(exc, smtplib.SMTPResponseException):  # greeting, EHLO, STARTTLS, AUTH
        return _refused(exc.smtp_code, exc.smtp_error, phase, recipient)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _broken(exc, settings, phase)
    if isinstance(exc, smtplib.SMTPException):  # e.g. no AUTH method in common
        return _Failure(
            f"the conversation with the mail server failed "
            f"({redact(str(exc), recipient)}). Show this message to your IT person",
            temporary=False,
            config=True,
        )
    return _broken(exc, settings, phase)  # sockets, TLS, name lookup


def _broken(exc: OSError, settings: EmailSettings, phase: str) -> _Failure:
    if phase == "data":
        return _Failure(
            "the connection broke while the handout was being sent, before the server "
            "confirmed it. It may or may not have arrived, so it was not sent again: ask "
            "the patient whether it came before you send it again",
            temporary=False,
        )
    return _network_failure(exc, settings, phase)


def _network_failure(exc: OSError, settings: EmailSettings, phase: str) -> _Failure:
    plural = "" if settings.timeout_seconds == 1 else "s"
    timeout = f"{settings.timeout_seconds:g} second{plural}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _Failure(
            f"the mail server's certificate could not be verified ({exc.verify_message}). "
            "Check that [email] host is the name on the server's certificate; if the server "
            "uses a private certificate, ask your IT person for its certificate authority "
            "file and set [email] ca_file",
            temporary=False,
            config=True,
        )
    if isinstance(exc, ssl.SSLError):
        return _Failure(
            f"the encrypted connection failed ({exc.reason or exc}). Check that [email] "
            f"security = {settings.security!r} is right for port {settings.port} "
            "('ssl' is usually port 465, 'starttls' port 587)",
            temporary=False,
            config=True,
        )
    if isinstance(exc, socket.gaierror) and exc.errno != socket.EAI_AGAIN:
        return _Failure(
            f"there is no mail server called {settings.host!r} ({exc.strerror}). Check "
            "[email] host",
            temporary=False,
            config=True,
        )
    if isinstance(exc, ConnectionRefusedError):
        return _Failure("nothing answers there (connection refused)", temporary=True)
    timed_out = isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)
    if timed_out:
        return _Failure(f"the mail server did not answer within {timeout}", temporary=True)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _Failure(
            f"the mail server closed the connection (at {_STEPS[phase]})", temporary=True
        )
    reason = exc.strerror or str(exc)
    return _Failure(f"the connection failed ({reason})", temporary=True)
