"""The account rules of desk/users.py, run directly on a real desk.sqlite: the ones a
terminal reaches (two typings of the password) and the exact length limit.
tests/test_cli_users.py covers what ``handouts users`` prints for the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_handouts.desk.store import Store
from clinic_handouts.desk.users import add_user, change_password, remove_user
from clinic_handouts.errors import UsageError


def typed(first: str, again: str | None = None) -> tuple[str, str]:
    return first, first if again is None else again


def refusal(exc: pytest.ExceptionInfo[UsageError]) -> str:
    (problem,) = exc.value.problems
    assert exc.value.exit_code == 2
    return problem.message


def test_two_different_typings_change_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with pytest.raises(UsageError) as added:
        add_user(store, "ann", "admin", lambda: typed("first password", "first passwrod"))
    assert refusal(added) == "the two passwords differ; nothing was changed"
    assert store.user_role("ann") is None

    assert add_user(store, "ann", "admin", lambda: typed("first password")) == "Added ann (admin)."
    with pytest.raises(UsageError) as changed:
        change_password(store, "ann", lambda: typed("second password", "second passwor"))
    assert refusal(changed) == "the two passwords differ; nothing was changed"
    assert store.check_password("ann", "first password") == "admin"


def test_ten_characters_are_enough_nine_are_not(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with pytest.raises(UsageError) as short:
        add_user(store, "bo", "front-desk", lambda: typed("123456789"))
    assert refusal(short) == "use a password of at least 10 characters; nothing was changed"
    assert store.user_role("bo") is None
    assert add_user(store, "bo", "front-desk", lambda: typed("1234567890")) == (
        "Added bo (front-desk)."
    )
    assert store.check_password("bo", "1234567890") == "front-desk"


def test_a_refused_name_is_said_before_a_password_is_asked(tmp_path: Path) -> None:
    store = Store(tmp_path)
    asked: list[str] = []

    def ask() -> tuple[str, str]:
        asked.append("asked")
        return typed("long enough password")

    add_user(store, "cy", "admin", ask)
    with pytest.raises(UsageError):
        add_user(store, "cy", "admin", ask)
    with pytest.raises(UsageError):
        change_password(store, "nobody", ask)
    with pytest.raises(UsageError):
        remove_user(store, "nobody")
    assert asked == ["asked"]


@pytest.mark.parametrize("role", ["owner", "Admin", ""])
def test_a_role_the_desk_does_not_know_is_refused(tmp_path: Path, role: str) -> None:
    store = Store(tmp_path)
    with pytest.raises(UsageError) as added:
        add_user(store, "ann", role, lambda: typed("a long enough password"))
    assert refusal(added) == f"no role named {role!r}; use one of: front-desk, admin"
    assert store.user_role("ann") is None


@pytest.mark.parametrize("name", ["ann\x1b[2J", "ann\tlee", "ann\u200e", "   ", ""])
def test_a_name_with_a_control_character_is_refused(tmp_path: Path, name: str) -> None:
    """A name is printed on every desk page and written into the education record: an
    escape code there would reach whoever prints the record in a terminal."""
    store = Store(tmp_path)
    with pytest.raises(UsageError) as added:
        add_user(store, name, "front-desk", lambda: typed("a long enough password"))
    assert refusal(added).startswith(f"{name!r} cannot be a name:")
    assert store.user_role(name) is None
    assert add_user(store, "José Núñez", "front-desk", lambda: typed("a long enough password"))
