"""A build with nothing new leaves the catalogue as it is (catalogue/unchanged.py), and
any change to what it shows, or to its files, makes it again."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from clinic_handouts.catalogue.unchanged import RECORD
from tests.conftest import EPOCH, ProjectFactory, handout

CLI = Callable[..., Result]
BODY = "You can rest at home today. Drink water and eat small meals.\n"


def build(cli: CLI, root: Path, *args: str) -> Result:
    result = cli("build", "--project", root, *args)
    assert result.exit_code == 0, result.output
    return result


def written(root: Path) -> tuple[int, int]:
    """Which file index.html is: a new write gives a new inode (atomic rename)."""
    status = (root / "build/index.html").stat()
    return status.st_ino, status.st_mtime_ns


def rest_built(make_project: ProjectFactory, cli: CLI) -> Path:
    """A project whose one handout is "Rest at home", built once."""
    root = make_project({"handouts/en/rest.md": handout("Rest at home", BODY)})
    build(cli, root)
    return root


def shown(root: Path) -> str:
    return (root / "build/index.html").read_text(encoding="utf-8")


def test_nothing_new_leaves_the_catalogue_alone(make_project: ProjectFactory, cli: CLI) -> None:
    root = rest_built(make_project, cli)
    before = written(root), (root / "build/catalogue.json").stat().st_ino
    build(cli, root)
    assert (written(root), (root / "build/catalogue.json").stat().st_ino) == before


def test_a_one_byte_edit_with_size_and_time_restored_shows_on_the_page(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = rest_built(make_project, cli)
    source = root / "handouts/en/rest.md"
    status = source.stat()
    source.write_text(source.read_text(encoding="utf-8").replace("Rest at", "Rest At"))
    os.utime(source, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert source.stat().st_size == status.st_size
    result = build(cli, root)
    assert "Built 2 PDFs" in result.output
    assert "Rest At home" in shown(root)


def test_a_changed_or_deleted_catalogue_file_is_made_again(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = rest_built(make_project, cli)
    page = root / "build/index.html"
    page.write_text(shown(root).replace("Rest at home", "Forged title"), encoding="utf-8")
    build(cli, root)
    assert "Forged title" not in shown(root) and "Rest at home" in shown(root)
    thumbnail = next((root / "build/thumbnails").rglob("*.png"))
    thumbnail.unlink()
    build(cli, root)
    assert thumbnail.is_file()
    page.unlink()
    build(cli, root)
    assert "Rest at home" in shown(root)


def test_a_record_not_sealed_by_this_build_folder_is_ignored(
    make_project: ProjectFactory, cli: CLI
) -> None:
    """Someone who may write in build/ edits the page and writes a record to match it:
    without the folder's key the seal is wrong, and the page is made again."""
    root = rest_built(make_project, cli)
    page = root / "build/index.html"
    page.write_text(shown(root).replace("Rest at home", "Forged title"), encoding="utf-8")
    record = json.loads((root / "build" / RECORD).read_text(encoding="utf-8"))
    status = page.lstat()
    record["files"]["index.html"] = [
        status.st_dev,
        status.st_ino,
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
    ]
    (root / "build" / RECORD).write_text(json.dumps(record), encoding="utf-8")
    build(cli, root)
    assert "Forged title" not in shown(root)


def test_a_new_day_makes_the_page_again(
    make_project: ProjectFactory, cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page shows today's review status of every card, so a new day is a change."""
    root = rest_built(make_project, cli)
    before = written(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86_400))
    build(cli, root)
    assert written(root) != before
