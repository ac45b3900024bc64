"""The front desk's account rules, behind ``handouts users add|remove|passwd``: a name is
added once, with one of the desk's roles, and holds no control character (it is shown on
every desk page and in the education record); only an existing name is removed or given
a new password; and a new password is typed the same twice and has at least
``MIN_PASSWORD_LENGTH`` characters.

Each function takes the desk's already opened ``Store`` and returns the line to print; a
refusal is a ``UsageError`` (exit 2) whose message says what to do, and nothing is changed.
Asking for the password is the caller's I/O (``Ask``): it is asked only once the name has
passed, so a mistyped name is said before anyone types a password.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from clinic_handouts.desk.store import ROLES, Store
from clinic_handouts.errors import UsageError

MIN_PASSWORD_LENGTH = 10

Ask = Callable[[], tuple[str, str]]
"""Asks for the new password: what was typed and what was typed again (a script that
gives it once on standard input gives the same text twice)."""


def add_user(store: Store, name: str, role: str, ask: Ask) -> str:
    """Add a staff member with this role; a name that exists already is refused (changing
    someone's password is ``passwd``'s job, and says so)."""
    if role not in ROLES:
        raise UsageError(f"no role named {role!r}; use one of: {', '.join(ROLES)}")
    if not name.strip() or any(unicodedata.category(c).startswith("C") for c in name):
        raise UsageError(
            f"{name!r} cannot be a name: type the name staff sign in with, in letters, "
            "digits and punctuation, with no tab, line break or other control character"
        )
    if store.user_role(name) is not None:
        raise UsageError(f"{name} exists already; use 'handouts users passwd {name}'")
    store.set_user(name, role, new_password(ask))
    return f"Added {name} ({role})."


def remove_user(store: Store, name: str) -> str:
    """Remove a staff member and end their sessions."""
    if not store.remove_user(name):
        raise UsageError(f"no user named {name}")
    return f"Removed {name}."


def change_password(store: Store, name: str, ask: Ask) -> str:
    """Give an existing staff member a new password (the store ends their sessions)."""
    if store.user_role(name) is None:
        raise UsageError(f"no user named {name}")
    store.set_password(name, new_password(ask))
    return f"New password set for {name}."


def new_password(ask: Ask) -> str:
    """The password asked for, once it was typed the same twice and is long enough."""
    first, again = ask()
    if first != again:
        raise UsageError("the two passwords differ; nothing was changed")
    if len(first) < MIN_PASSWORD_LENGTH:
        raise UsageError(
            f"use a password of at least {MIN_PASSWORD_LENGTH} characters; nothing was changed"
        )
    return first
