"""Each command reads the project once (project/load.py) and passes it on: the build that
email and print run first, the checks, the fingerprints and the check cache all use what
was loaded. Counted as a user with ``strace`` would see it: how many times handouts.toml
and a handout's file are opened (tests/helpers/opened.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from clinic_handouts.build.plan import BuildOptions
from clinic_handouts.build.run import build
from clinic_handouts.desk.app import Desk
from clinic_handouts.desk.store import Store
from clinic_handouts.project.load import load_project
from tests.conftest import CLI, CONFIG, TODAY, ProjectFactory, handout
from tests.helpers.desk import PASSWORD, serving
from tests.helpers.mailserver import MailServer, Recorder, free_port
from tests.helpers.opened import files_opened
from tests.helpers.servers import get, running
from tests.helpers.wordfiles import WordFile

SETTINGS = (
    '\n[email]\nfrom_address = "handouts@clinic.example.org"\nhost = "127.0.0.1"\n'
    'security = "none"\n\n[printers.front]\nqueue = "front-desk"\n'
)


def word_file(folder: Path) -> Path:
    word = WordFile()
    word.title("Feeling dizzy")
    word.paragraph("Sit down and rest for a while.")
    return word.save(folder / "dizzy.docx")


@pytest.mark.parametrize(
    "args",
    [
        ("build",),
        ("check",),
        ("email", "sleep", "--to", "rosa.m@example.org", "--dry-run"),
        ("email", "sleep", "--to", "rosa.m@example.org", "--eml", "sleep.eml"),
        ("print", "sleep", "--printer", "front", "--dry-run"),
        ("import", "WORD"),
        ("new", "sleep-well"),
    ],
    ids=lambda args: "-".join(a for a in args if not a.startswith("-") and "@" not in a),
)
def test_a_command_reads_the_project_once(
    make_project: ProjectFactory,
    cli: CLI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # where --eml NAME goes
    root = make_project(
        {"handouts/en/sleep.md": handout(), "handouts/en/rest.md": handout()},
        config=CONFIG + SETTINGS,
    )
    args = tuple(str(word_file(tmp_path)) if a == "WORD" else a for a in args)
    with files_opened() as opened:
        result = cli(*args, "--project", root)
    assert result.exit_code == 0, result.output
    assert opened.count(root / "handouts.toml") == 1
    if args[0] not in ("new", "import"):  # new reads no handout; import reads its own again
        assert opened.count(root / "handouts/en/sleep.md") == 1
        assert opened.count(root / "handouts/en/rest.md") == 1


def test_the_preview_server_reads_the_project_once_per_save(make_project: ProjectFactory) -> None:
    root = make_project({"handouts/en/sleep.md": handout()})
    config = root / "handouts.toml"
    with files_opened() as at_start, running(root) as server:
        assert at_start.count(config) == 1  # what to watch, then the first build's project
        version = server.version
        with files_opened() as after_save:
            (root / "handouts/en/sleep.md").write_text(handout(body="You can rest now.\n"))
            deadline = time.monotonic() + 30
            while server.version <= version:
                assert time.monotonic() < deadline, "no rebuild after the save"
                time.sleep(0.05)
            status, page = get(server, "/preview/en/sleep.html")  # the reload after it
        assert status == 200 and b"You can rest now." in page
        assert after_save.count(config) == 1


def test_the_desk_reads_the_project_once_per_email(tmp_path: Path) -> None:
    with MailServer(Recorder()) as mail:
        root = tmp_path / "clinic"
        (root / "handouts/en").mkdir(parents=True)
        settings = SETTINGS.replace("\nsecurity", f"\nport = {mail.port}\nsecurity")
        (root / "handouts.toml").write_text(CONFIG + settings)
        (root / "handouts/en/sleep.md").write_text(handout("Sleep better"))
        assert build(load_project(root, TODAY), BuildOptions(today=TODAY)).ok
        Store(root).set_user("nurse", "front-desk", PASSWORD)
        desk = Desk(root, "127.0.0.1", free_port(), tls=False, today=lambda: TODAY)
        with serving(desk) as client:
            _status, cookie = client.sign_in()
            csrf = client.csrf(cookie, "/handout/en/sleep")
            form = {"to": "rosa.m@example.org", "lang": "en", "edition": "standard"}
            with files_opened() as opened:
                _s, _h, page = client.request(
                    "POST", "/handout/en/sleep/email", {**form, "csrf": csrf}, cookie=cookie
                )
        assert "Sent &#39;Sleep better&#39;" in page or "Sent 'Sleep better'" in page, page
        assert len(mail.messages) == 1
        assert opened.count(root / "handouts.toml") == 1
        assert opened.count(root / "handouts/en/sleep.md") == 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ("email", "sleep", "--to", "rosa.m@example.org", "--to", "jo@example.org"),
            "error: recipient: --to was 2 times: give exactly one address",
        ),
        (("print", "--printer", "front"), "error: usage: say what to print"),
    ],
    ids=["email", "print"],
)
def test_what_was_typed_is_checked_before_the_project_is_loaded(
    cli: CLI, tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    """The command's own flags come first (mail/deliver.py's order): a folder that is not
    a project at all is not what the staff member is told about."""
    result = cli(*args, "--project", tmp_path)
    assert result.exit_code == 2
    assert says in result.output
    assert "handouts.toml" not in result.output
