"""The front desk's one database, ``desk.sqlite`` in the project folder (mode 0600, kept
out of version control by ``handouts init``'s .gitignore): staff accounts, sessions,
failed sign-ins, and the education record.

- Passwords only as Argon2 hashes (argon2-cffi); a wrong user and a wrong password take the
  same time and give the same answer.
- A session id is 32 random bytes; only its SHA-256 is stored, so a copy of the database
  does not sign anyone in. Each session has its own CSRF token and the time it was last
  used: after ``idle_seconds`` without a request it ends (a shared computer).
- Failed sign-ins are counted per user name and per address: ``MAX_FAILURES`` in
  ``THROTTLE_SECONDS`` and that name or address must wait.
- The record (``records``): every handout given, by print or email, with the version
  given (review date and PDF hash) and, for email, the patient's address only as a salted
  HMAC (the send log's salt and rule, ``mail/sendlog.py``). Nothing is recorded for a
  failed print or email.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

DATABASE = "desk.sqlite"
ROLES = ("front-desk", "admin")
MAX_FAILURES = 5
THROTTLE_SECONDS = 15 * 60

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (id_hash TEXT PRIMARY KEY, user TEXT NOT NULL,
    csrf TEXT NOT NULL, last_seen REAL NOT NULL);
CREATE TABLE IF NOT EXISTS failures (key TEXT NOT NULL, time REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sends (user TEXT NOT NULL, time REAL NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    time TEXT NOT NULL, user TEXT NOT NULL, handout TEXT NOT NULL, lang TEXT NOT NULL,
    edition TEXT NOT NULL, reviewed_on TEXT NOT NULL, pdf_sha256 TEXT NOT NULL,
    channel TEXT NOT NULL, copies INTEGER NOT NULL, address_hash TEXT NOT NULL,
    teach_back INTEGER NOT NULL);
"""
# Hashing a password for a user who does not exist takes as long as checking a real one.
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class Session:
    """A signed-in member of staff, as each request finds them (``Store.session``)."""

    user: str
    role: str  # one of ``ROLES``: an admin may also manage accounts
    csrf: str  # this session's token; every form it posts must carry it back


@dataclass(frozen=True)
class Record:
    """One line of the education record: a handout given out (to a patient, or to a rack),
    the version given, by whom and how. The fields are the ``records`` table's columns, in
    its order."""

    time: str  # ISO 8601, UTC
    user: str
    handout: str
    lang: str
    edition: str
    reviewed_on: str  # ISO date: the review the given version carried
    pdf_sha256: str  # the exact PDF given
    channel: str  # "email", "print", or "rack" (a restock pack: one row per handout in it)
    copies: int
    address_hash: str  # the patient's address as a salted HMAC (mail/sendlog.py); "" for print
    teach_back: bool  # staff ticked that the patient said it back in their own words


RECORD_FIELDS = tuple(Record.__dataclass_fields__)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii", "replace")).hexdigest()


class Store:
    """One project's desk database; a connection per call, so threads never share one."""

    def __init__(self, root: Path) -> None:
        self.path = root / DATABASE
        if not self.path.exists():
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(fd)
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            with db:  # one transaction: committed whole or rolled back
                yield db
        finally:
            db.close()

    # --- accounts -------------------------------------------------------------------
    def set_user(self, name: str, role: str, password: str) -> None:
        with self._db() as db:
            db.execute(
                "INSERT OR REPLACE INTO users VALUES (?, ?, ?)",
                (name, role, _HASHER.hash(password)),
            )

    def user_role(self, name: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT role FROM users WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def remove_user(self, name: str) -> bool:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))
            return db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount > 0

    def set_password(self, name: str, password: str) -> bool:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE user = ?", (name,))  # sign out everywhere
            return (
                db.execute(
                    "UPDATE users SET hash = ? WHERE name = ?", (_HASHER.hash(password), name)
                ).rowcount
                > 0
            )

    def check_password(self, name: str, password: str) -> str | None:
        """The user's role when the password is right, else None."""
        with self._db() as db:
            row = db.execute("SELECT role, hash FROM users WHERE name = ?", (name,)).fetchone()
        try:
            _HASHER.verify(_DUMMY if row is None else row[1], password)
        except (VerifyMismatchError, InvalidHashError):
            return None
        return None if row is None else str(row[0])

    # --- throttling -----------------------------------------------------------------
    def throttled(self, keys: tuple[str, ...], now: float) -> bool:
        with self._db() as db:
            db.execute("DELETE FROM failures WHERE time < ?", (now - THROTTLE_SECONDS,))
            return any(
                db.execute("SELECT COUNT(*) FROM failures WHERE key = ?", (key,)).fetchone()[0]
                >= MAX_FAILURES
                for key in keys
            )

    def failed(self, keys: tuple[str, ...], now: float) -> None:
        with self._db() as db:
            db.executemany("INSERT INTO failures VALUES (?, ?)", [(k, now) for k in keys])

    # --- sessions -------------------------------------------------------------------
    def new_session(self, user: str, now: float) -> str:
        """A fresh id at every sign-in (never one the browser brought: session fixation)."""
        session_id = secrets.token_urlsafe(32)
        with self._db() as db:
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?)",
                (_digest(session_id), user, secrets.token_urlsafe(32), now),
            )
        return session_id

    def session(self, session_id: str, now: float, idle_seconds: float) -> Session | None:
        """The live session with this id, touched; None (and deleted) once idle too long."""
        key = _digest(session_id)
        with self._db() as db:
            row = db.execute(
                "SELECT s.user, u.role, s.csrf, s.last_seen FROM sessions s "
                "JOIN users u ON u.name = s.user WHERE s.id_hash = ?",
                (key,),
            ).fetchone()
            if row is None:
                return None
            if now - row[3] > idle_seconds:
                db.execute("DELETE FROM sessions WHERE id_hash = ?", (key,))
                return None
            db.execute("UPDATE sessions SET last_seen = ? WHERE id_hash = ?", (now, key))
        return Session(str(row[0]), str(row[1]), str(row[2]))

    def end_session(self, session_id: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE id_hash = ?", (_digest(session_id),))

    # --- email send limit -----------------------------------------------------------
    def take_send(self, user: str, now: float, per_hour: int) -> bool:
        """Count one email attempt; False when the user has used up the hour's sends."""
        with self._db() as db:
            db.execute("DELETE FROM sends WHERE time < ?", (now - 3600,))
            used = db.execute("SELECT COUNT(*) FROM sends WHERE user = ?", (user,)).fetchone()[0]
            if used >= per_hour:
                return False
            db.execute("INSERT INTO sends VALUES (?, ?)", (user, now))
        return True

    # --- the education record -------------------------------------------------------
    def add_record(self, record: Record) -> None:
        with self._db() as db:
            db.execute(
                f"INSERT INTO records VALUES ({', '.join('?' * len(RECORD_FIELDS))})",
                tuple(getattr(record, name) for name in RECORD_FIELDS),
            )

    def records(self, since: dt.date | None = None) -> list[Record]:
        with self._db() as db:
            rows = db.execute(
                "SELECT * FROM records WHERE time >= ? ORDER BY time",
                ((since.isoformat() if since else ""),),
            ).fetchall()
        return [
            Record(**{**dict(zip(RECORD_FIELDS, row, strict=True)), "teach_back": bool(row[-1])})
            for row in rows
        ]
