"""The optional send log: which handout, in which version, went out when, and to whom, with
"whom" kept as a salted hash and never as the address.

One JSON object per line (``send-log.jsonl`` by default, ``[email] send_log``)::

    {"time": "2026-11-21T15:04:05Z", "handout": "panic", "lang": "es",
     "variant": "standard", "reviewed_on": "2026-10-01", "pdf": "sha256:3f2a9c1b7e4d",
     "to": "hmac-sha256:9b1c...", "message_id": "<...@clinic.example.org>"}

The hash is an HMAC-SHA256 of the lowercased address keyed with a secret salt, so someone
who reads the log cannot test guessed addresses against it, while the clinic can still
answer "did we send this patient the panic handout?" by hashing the patient's address with
the same salt. The salt lives in a file in the project folder, ``.send-log-salt``: created
on first use with 32 random bytes and permissions 0600 (only its owner can read it), and
refused when others can read it. A file, not an environment variable, because the salt
must stay the same for as long as the log is kept, across staff accounts and restarts.
Keep the salt file and the log out of version control and backups that others can read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from clinic_handouts.errors import ConfigError, error

SALT_NAME = ".send-log-salt"
SALT_BYTES = 32


@dataclass(frozen=True)
class SendRecord:
    """One send, as the send log records it: which handout and version went out, when, and
    to which address (written only as its hash)."""

    time: dt.datetime
    handout: str
    lang: str
    variant: str
    reviewed_on: dt.date
    pdf: bytes  # the PDF sent; the log keeps its short hash
    address: str  # hashed before it is written; never stored
    message_id: str


@dataclass(frozen=True)
class SendLog:
    """The send log file and the salt its addresses are hashed with (``open_send_log``
    checks both before anything is sent). The desk hashes addresses with it for its
    education record."""

    path: Path
    salt: bytes

    def address_hash(self, address: str) -> str:
        digest = hmac.new(self.salt, address.strip().lower().encode("utf-8"), hashlib.sha256)
        return f"hmac-sha256:{digest.hexdigest()[:32]}"

    def line(self, record: SendRecord) -> str:
        entry = {
            "time": record.time.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "handout": record.handout,
            "lang": record.lang,
            "variant": record.variant,
            "reviewed_on": record.reviewed_on.isoformat(),
            "pdf": f"sha256:{pdf_hash(record.pdf)}",
            "to": self.address_hash(record.address),
            "message_id": record.message_id,
        }
        return json.dumps(entry, ensure_ascii=False) + "\n"

    def append(self, record: SendRecord) -> None:
        # One write() of one short line with O_APPEND: two sends at once never interleave.
        data = self.line(record).encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)


def pdf_hash(data: bytes) -> str:
    """The short fingerprint of a PDF that names its version in logs and messages."""
    return hashlib.sha256(data).hexdigest()[:12]


def _problem(path: Path, root: Path, message: str) -> ConfigError:
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = str(path)
    return ConfigError([error(shown, 0, "send-log", message)])


def read_or_create_salt(root: Path) -> bytes:
    path = root / SALT_NAME
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(SALT_BYTES) + "\n")
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise _problem(
            path, root, f"cannot read the send log's salt ({exc}); ask your IT person"
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise _problem(
            path,
            root,
            "other people on this computer can read the send log's salt; make it private "
            f"with: chmod 600 {path}",
        )
    try:
        salt = bytes.fromhex(text)
    except ValueError:
        salt = b""
    if len(salt) < 16:
        raise _problem(
            path,
            root,
            "the send log's salt is damaged. Restore it from a backup; deleting it makes a "
            "new one, but then old log entries can no longer be matched to an address",
        )
    return salt


def open_send_log(path: Path, root: Path) -> SendLog:
    """Check, before anything is sent, that the log can be written; make the salt if new."""
    salt = read_or_create_salt(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.close(fd)
    except OSError as exc:
        raise _problem(
            path,
            root,
            f"cannot write the send log ({exc.strerror}). Nothing was sent. Fix the "
            "folder's permissions or change [email] send_log in handouts.toml",
        ) from None
    return SendLog(path, salt)
