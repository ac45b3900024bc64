"""handouts init and handouts new: what a clinic gets when it starts, and what the build
then says about it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import clinic_handouts
from clinic_handouts.project.scaffold import placeholder_patterns
from tests.conftest import CLI, TODAY, ProjectFactory, built, handout, pdf_pages


def placeholders(output: str) -> list[str]:
    """Each placeholder-text problem printed, up to the words it found."""
    return [
        line.split(" is a placeholder")[0]
        for line in output.splitlines()
        if "placeholder-text" in line
    ]


def test_init_makes_a_project_that_builds_once_the_placeholders_are_replaced(
    tmp_path: Path, cli: CLI
) -> None:
    target = tmp_path / "new-clinic"
    result = cli("init", target)
    assert result.exit_code == 0, result.output
    assert "handouts build" in result.output and "handouts serve" in result.output
    config_file = target / "handouts.toml"
    config = tomllib.loads(config_file.read_text())
    assert config["clinic"]["name"] == "Your Clinic Name"
    assert "# placeholder" in config_file.read_text()  # notes for the IT person
    assert (target / ".gitignore").read_text().splitlines() == [
        "/build/",
        "# What `handouts email` records, and the salt that keeps its addresses private",
        "send-log.jsonl",
        ".send-log-salt",
        "# Drafts written by `handouts email --eml`",
        "*.eml",
        "# The front desk's accounts, sessions and education record (handouts desk).",
        "desk.sqlite",
        "desk.sqlite-*",
    ]
    readme = (target / "styles/README.md").read_text()
    assert "Put files here to override the default theme" in readme
    assert "- print.css" in readme

    # The tool's own placeholders never reach paper: nothing is built until they are gone.
    result = cli("build", "--project", target)
    assert result.exit_code == 1
    assert result.output.startswith(
        "handouts.toml:7: error: placeholder-text: clinic.name: 'Your Clinic Name' is the "
        "example that 'handouts init' wrote, and it would be printed on every page. Write "
        "your clinic's own name here; until then no handout is built\n"
        "handouts.toml:8: error: placeholder-text: clinic.phone: '(555) 010-0100' is the "
        "example that 'handouts init' wrote, and it would be printed on every page. Write "
        "your clinic's own phone here; until then no handout is built\n"
    ), result.output
    assert not (target / "build").exists()

    config_file.write_text(
        config_file.read_text()
        .replace("Your Clinic Name", "Riverside Clinic")
        .replace("(555) 010-0100", "(555) 010-0142")
    )
    out = built(cli, target)
    # The example is built, so the writer can see a handout, but not listed for the desk.
    assert (
        "handouts/en/example-handout.md:9: warning: example-handout: this is the example "
        "handout that 'handouts init' wrote: it is built so you can see what a handout "
        "looks like, but it is not listed in the catalogue. To make it a real handout, "
        "change its text and delete the line 'example: true'; to get rid of it, delete the "
        "file"
    ) in out
    pages = pdf_pages(target / "build/en/example-handout.pdf")
    assert "How to Write a Handout (Example)" in pages[0]
    assert "Riverside Clinic" in pages[0]
    assert f"Reviewed {TODAY:%B} {TODAY.day}, {TODAY.year}" in pages[0]
    assert "How to Write a Handout" not in (target / "build/index.html").read_text()

    # Removing the marker without changing the text: every example text is an error.
    example = target / "handouts/en/example-handout.md"
    example.write_text(example.read_text().replace("example: true\n", ""))
    result = cli("check", "--project", target)
    assert result.exit_code == 1
    found = placeholders(result.output)
    e = "handouts/en/example-handout.md"
    assert found == [
        f"{e}:2: error: placeholder-text: 'How to Write a Handout (Example)'",
        f"{e}:3: error: placeholder-text: 'This example shows what a handout can contain.'",
        f"{e}:5: error: placeholder-text: 'Example only (placeholder)'",
        f"{e}:11: error: placeholder-text: 'Start with what the reader needs'",
        f"{e}:15: error: placeholder-text: 'Each handout is a file in a language folder'",
        f"{e}:21: error: placeholder-text: 'Open this file in a text editor.'",
        f"{e}:22: error: placeholder-text: 'Change the words.'",
        f"{e}:23: error: placeholder-text: 'Save it, then run'",
        f"{e}:28: error: placeholder-text: 'A box like this one stands out on the page.'",
        f"{e}:33: error: placeholder-text: 'Then they write the date of that check in'",
        f"{e}:34: error: placeholder-text: 'To start a new handout, type'",
    ]

    again = cli("init", target)
    assert again.exit_code == 2
    assert "already holds a clinic project (handouts.toml); nothing was changed" in again.output


def test_every_listed_placeholder_is_written_by_init_or_new() -> None:
    """data/scaffold/placeholders.toml stays true to what the scaffold files write."""
    scaffold = Path(clinic_handouts.__file__).parent / "data" / "scaffold"
    written = " ".join(
        " ".join((scaffold / name).read_text().split())
        for name in ("handouts.toml", "example-handout.md", "new-handout.md")
    )
    for phrase, _ in placeholder_patterns():
        assert phrase in written, phrase


def test_starter_text_of_new_is_an_error_once_reviewed(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project()
    assert cli("new", "sleep", "--project", root).exit_code == 0
    source = root / "handouts/en/sleep.md"
    source.write_text(source.read_text().replace("YYYY-MM-DD", "2026-11-20"))
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    found = placeholders(result.output)
    assert found == [
        "handouts/en/sleep.md:3: error: placeholder-text: 'One or two short sentences that "
        "say what this handout is for.'",
        "handouts/en/sleep.md:12: error: placeholder-text: 'The first heading'",
        "handouts/en/sleep.md:14: error: placeholder-text: 'Write short sentences with "
        "everyday words.'",
        "handouts/en/sleep.md:18: error: placeholder-text: 'The first step.'",
        "handouts/en/sleep.md:19: error: placeholder-text: 'The next step.'",
    ]
    assert not (root / "build/en/sleep.pdf").exists()


def test_placeholder_phone_in_a_handout_and_real_sentences(
    make_project: ProjectFactory, cli: CLI
) -> None:
    body = (
        "You can rest. Noticing the signs is the first step.\n\n"
        "Call Your Clinic Name at (555)\n010-0100.\n"
    )
    root = make_project({"handouts/en/a.md": handout(body=body)})
    result = cli("check", "--project", root)
    found = [line.split(" is a placeholder")[0] for line in result.output.splitlines()]
    assert [line for line in found if "placeholder-text" in line] == [
        "handouts/en/a.md:8: error: placeholder-text: '(555) 010-0100'",
        "handouts/en/a.md:8: error: placeholder-text: 'Your Clinic Name'",
    ]


def test_init_keeps_an_existing_gitignore(tmp_path: Path, cli: CLI) -> None:
    (tmp_path / ".gitignore").write_text("*.log\n")
    assert cli("init", tmp_path).exit_code == 0
    assert (tmp_path / ".gitignore").read_text() == (
        "*.log\n\n/build/\nsend-log.jsonl\n.send-log-salt\n*.eml\ndesk.sqlite\ndesk.sqlite-*\n"
    )


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

    # The writer replaces the starter text, and the reviewer fills in the date.
    head = text.split("\n---\n")[0].replace("YYYY-MM-DD", "2026-11-20")
    head = head.replace("One or two short sentences that say what this handout is for.", "Help.")
    source.write_text(f"{head}\n---\n\nYou can breathe slowly. Call us if you feel worse.\n")
    result = cli("build", "--project", root, "--only", "panic-attacks")
    assert result.exit_code == 0, result.output
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
