"""Hand one message to the clinic's mail server, carefully, with smtplib.

- Security: ``starttls`` (port 587) and ``ssl`` (port 465) verify the server's certificate
  and host name against the system's certificate authorities, or against ``[email]
  ca_file`` when the server has a private certificate; ``none`` (clear text) is only
  allowed to this computer, which ``project/config.py`` enforces.
- Every network step has a timeout. A temporary failure (nobody answers, the connection
  drops, a 4xx reply such as ``421 try later``) is retried a bounded number of times,
  waiting 1, 2, 4... seconds; a permanent one (a 5xx reply, a bad password, a certificate
  that does not verify) is not retried. Either way the caller gets one clear error.
- One recipient per transaction, so there is no partial send: if the server refuses the
  address, the transaction is reset before any message data is sent. If the connection
  breaks after the message itself was sent but before the server confirmed it, the
  message may have arrived, so it is *not* retried (no duplicate to the patient) and the
  error says so.
- The address is never in an error in clear: server replies are redacted, and smtplib's
  own exceptions (which carry the address) never leave this module.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

from clinic_handouts.errors import ConfigError, HandoutError, error
from clinic_handouts.mail.recipient import redact
from clinic_handouts.project.config import PASSWORD_ENV, EmailSettings


@dataclass(frozen=True)
class Envelope:
    sender: str
    recipient: str
    data: bytes  # the whole message, CRLF line ends


@dataclass(frozen=True)
class Receipt:
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
            return Receipt(attempt, redact(reply, envelope.recipient))
        except _Failure as failure:
            message = redact(failure.message, envelope.recipient)
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


def _reply_text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


# What the server was answering, for messages: "the mail server refused <this>".
_STEPS = {
    "connect": "the connection",
    "hello": "the start of the conversation",
    "login": "the login",
    "sender": "the sender address ([email] from_address)",
    "recipient": "the patient's address",
    "data": "the message",
}


def _refused(code: int, reply: bytes | str, phase: str) -> _Failure:
    what = _STEPS[phase]
    text = f"{code} {_reply_text(reply)}".strip()
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
    """One connection, one transaction. Returns the server's reply to the message."""
    phase = "connect"
    client: smtplib.SMTP | None = None
    try:
        if settings.security == "ssl":
            client = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout_seconds, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
        phase = "hello"
        client.ehlo()
        if settings.security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if settings.username:
            phase = "login"
            client.login(settings.username, password or "")
        phase = "sender"
        code, reply = client.mail(envelope.sender)
        if code != 250:
            raise _refused(code, reply, phase)
        phase = "recipient"
        code, reply = client.rcpt(envelope.recipient)
        if code not in (250, 251):
            with contextlib.suppress(OSError):  # smtplib's exceptions are OSErrors too
                client.rset()  # abandon the transaction: no message data was sent
            raise _refused(code, reply, phase)
        phase = "data"
        code, reply = client.data(envelope.data)
        if code != 250:
            raise _refused(code, reply, phase)
        with contextlib.suppress(OSError):
            client.quit()  # the message is accepted; a rude goodbye changes nothing
        return f"{code} {_reply_text(reply)}"
    # smtplib.SMTPException is a subclass of OSError: the specific cases come first.
    except _Failure:
        raise
    except smtplib.SMTPDataError as exc:  # the DATA command itself: no message data sent
        raise _refused(exc.smtp_code, exc.smtp_error, "data") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise _Failure(
            f"the mail server did not accept the user name {settings.username!r} with the "
            f"password in {PASSWORD_ENV} ({exc.smtp_code} {_reply_text(exc.smtp_error)}). "
            f"Check [email] username and {PASSWORD_ENV}",
            temporary=False,
            config=True,
        ) from None
    except smtplib.SMTPNotSupportedError:
        what = "STARTTLS" if phase == "hello" else "a user name and password (AUTH)"
        raise _Failure(
            f"the mail server does not offer {what} on this connection. Check [email] "
            "port and security with your IT person",
            temporary=False,
            config=True,
        ) from None
    except smtplib.SMTPResponseException as exc:  # greeting, EHLO, STARTTLS, AUTH replies
        raise _refused(exc.smtp_code, exc.smtp_error, phase) from None
    except smtplib.SMTPServerDisconnected as exc:
        raise _broken(exc, settings, phase) from None
    except smtplib.SMTPException as exc:  # e.g. no AUTH method in common
        raise _Failure(
            f"the conversation with the mail server failed ({exc}). Show this message to "
            "your IT person",
            temporary=False,
            config=True,
        ) from None
    except OSError as exc:  # sockets, TLS, name lookup
        raise _broken(exc, settings, phase) from None
    finally:
        if client is not None:
            with contextlib.suppress(OSError):
                client.close()


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
