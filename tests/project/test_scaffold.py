"""handouts init and handouts new: what a clinic gets when it starts, and what the build
then says about it."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import TODAY, ProjectFactory, handout, pdf_pages

CLI = Callable[..., Result]


def test_init_makes_a_project_that_builds_at_once(tmp_path: Path, cli: CLI) -> None:
    target = tmp_path / "new-clinic"
    result = cli("init", target)
    assert result.exit_code == 0, result.output
    assert "handouts build" in result.output and "handouts serve" in result.output
    config = tomllib.loads((target / "handouts.toml").read_text())
    assert config["clinic"]["name"] == "Your Clinic Name"
    assert "# placeholder" in (target / "handouts.toml").read_text()  # notes for the IT person
    assert (target / ".gitignore").read_text().splitlines() == ["/build/"]
    readme = (target / "styles/README.md").read_text()
    assert "Put files here to override the default theme" in readme
    assert "- print.css" in readme

    result = cli("build", "--project", target)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output  # the example is clean
    pages = pdf_pages(target / "build/en/example-handout.pdf")
    assert "How to Write a Handout (Example)" in pages[0]
    assert f"Reviewed {TODAY:%B} {TODAY.day}, {TODAY.year}" in pages[0]
    assert "How to Write a Handout (Example)" in (target / "build/index.html").read_text()

    again = cli("init", target)
    assert again.exit_code == 2
    assert "already holds a clinic project (handouts.toml); nothing was changed" in again.output


def test_init_keeps_an_existing_gitignore(tmp_path: Path, cli: CLI) -> None:
    (tmp_path / ".gitignore").write_text("*.log\n")
    assert cli("init", tmp_path).exit_code == 0
    assert (tmp_path / ".gitignore").read_text() == "*.log\n\n/build/\n"


def test_new_handout_is_not_built_until_the_reviewer_fills_in_the_date(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep")})
    result = cli("new", "panic-attacks", "--project", root, "--title", "Panic: what helps")
    assert result.exit_code == 0, result.output
    assert "Wrote handouts/en/panic-attacks.md." in result.output
    source = root / "handouts/en/panic-attacks.md"
    text = source.read_text()
    assert 'title: "Panic: what helps"' in text
    assert "reviewed_on: YYYY-MM-DD" in text

    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert (
        "handouts/en/panic-attacks.md:8: error: front-matter: reviewed_on: not filled in "
        "yet: once the clinical reviewer has checked the handout, write the date of that "
        "review here, like 2026-11-21. Until then the handout is not built"
    ) in result.output
    assert not (root / "build/en/panic-attacks.pdf").exists()
    assert (root / "build/en/sleep.pdf").exists()  # the others still build

    source.write_text(text.replace("YYYY-MM-DD", "2026-11-20"))
    assert cli("build", "--project", root, "--only", "panic-attacks").exit_code == 0
    pages = pdf_pages(root / "build/en/panic-attacks.pdf")
    assert "Panic: what helps" in pages[0]


def test_new_refuses_bad_names_and_existing_files(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/sleep.md": handout("Sleep")})
    result = cli("new", "Panic Attacks", "--project", root)
    assert result.exit_code == 2
    assert result.output.startswith(
        "error: usage: 'Panic Attacks' cannot be a handout name: use lowercase words "
        "joined by hyphens, like 'handouts new panic-attacks'"
    )
    before = (root / "handouts/en/sleep.md").read_text()
    result = cli("new", "sleep", "--project", root)
    assert result.exit_code == 2
    assert "handouts/en/sleep.md already exists" in result.output
    assert (root / "handouts/en/sleep.md").read_text() == before

    result = cli("new", "sleep", "--project", root, "--lang", "es")
    assert result.exit_code == 0
    assert "This is the 'es' version of handouts/en/sleep.md" in result.output
    assert 'title: "Sleep"' in (root / "handouts/es/sleep.md").read_text()

    result = cli("new", "sleep", "--project", root, "--lang", "fr")
    assert result.exit_code == 0
    assert "handouts.toml has no disclaimer for 'fr' yet" in result.output
