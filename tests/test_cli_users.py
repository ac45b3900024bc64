"""``handouts users add|passwd|remove``: what a clinic admin types and sees, and the account
the front desk then accepts (the three commands share one body in cli.py)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from clinic_handouts.cli import main
from clinic_handouts.desk.store import Store
from tests.conftest import ProjectFactory


def users(root: Path, *args: str, password: str = "") -> Result:
    return CliRunner().invoke(main, ["users", *args, "--project", str(root)], input=password + "\n")


def test_add_passwd_remove_a_staff_member(make_project: ProjectFactory) -> None:
    root = make_project()
    added = users(root, "add", "ann", "--role", "admin", password="first password")
    assert (added.exit_code, added.output) == (0, "Added ann (admin).\n")
    assert Store(root).check_password("ann", "first password") == "admin"

    again = users(root, "add", "ann", "--role", "front-desk", password="other password")
    assert again.exit_code == 2
    assert "Error: ann exists already; use 'handouts users passwd ann'" in again.output
    assert Store(root).user_role("ann") == "admin"

    changed = users(root, "passwd", "ann", password="second password")
    assert (changed.exit_code, changed.output) == (0, "New password set for ann.\n")
    assert Store(root).check_password("ann", "first password") is None
    assert Store(root).check_password("ann", "second password") == "admin"

    removed = users(root, "remove", "ann")
    assert (removed.exit_code, removed.output) == (0, "Removed ann.\n")
    assert Store(root).user_role("ann") is None


def test_unknown_names_and_short_passwords_are_refused_without_a_traceback(
    make_project: ProjectFactory,
) -> None:
    root = make_project()
    for args in (("remove", "bob"), ("passwd", "bob")):
        result = users(root, *args, password="long enough password")
        assert result.exit_code == 2, args
        assert "Error: no user named bob" in result.output, args
        assert "Traceback" not in result.output
    short = users(root, "add", "cy", "--role", "front-desk", password="short")
    assert short.exit_code == 2
    assert "at least 10 characters; nothing was changed" in short.output
    assert Store(root).user_role("cy") is None
