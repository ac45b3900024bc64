"""``--only`` selects handouts by id or by file, and everything reported is about them; a
file whose front matter has errors still gets its body checked, so a writer fixes
everything in one round; the counts say how many files were checked.

Bodies made with ``handout()`` start on line 6 of their file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CLI, CONFIG, ProjectFactory, handout

CLEAN = "You can rest at home today. Call us if you feel worse.\n"
BROKEN = "---\ntitle: Broken\nreviewd_on: 2026-10-01\n---\n\nTODO call 1-800-273-8255.\n"


# The Spanish words are confirmed here: only the handouts' own problems are in question.
REVIEWED = CONFIG + '\n[languages]\nreviewed_translations = ["es"]\n'


@pytest.fixture
def project(make_project: ProjectFactory) -> Path:
    return make_project(
        {
            "handouts/en/a.md": handout(body="TBD\n"),
            "handouts/en/b.md": handout(body=CLEAN),
            "handouts/es/b.md": handout(body="Llame al 988 si se siente peor.\n"),
            "handouts/en/broken.md": BROKEN,
        },
        config=REVIEWED,
    )


def test_only_by_id_reports_only_that_handout(project: Path, cli: CLI) -> None:
    result = cli("check", "--project", project, "--only", "a")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "handouts/en/a.md:6: error: placeholder-text: 'TBD' looks like a note or placeholder "
        "left in the text; finish or remove it before the handout is printed",
        "Checked 1 handout: 1 error, 0 warnings. A handout with errors is not built: fix the "
        "lines above, then run 'handouts check' again.",
    ]
    result = cli("check", "--project", project, "--only", "b")  # both its languages
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["Checked 2 handouts: no problems."]


def test_only_by_path_from_the_project_or_from_here(
    project: Path, cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = cli("check", "--project", project, "--only", "handouts/es/b.md")
    assert result.stdout.splitlines() == ["Checked 1 handout: no problems."]
    monkeypatch.chdir(project / "handouts")
    result = cli("check", "--project", project, "--only", "en/a.md")
    assert [line.split(": 'TBD'")[0] for line in result.stdout.splitlines()] == [
        "handouts/en/a.md:6: error: placeholder-text",
        "Checked 1 handout: 1 error, 0 warnings. A handout with errors is not built: fix the "
        "lines above, then run 'handouts check' again.",
    ]
    result = cli("check", "--project", project, "--only", "handouts/en/c.md")
    assert result.exit_code == 2
    assert "no handout file 'handouts/en/c.md' in the project" in result.output


def test_broken_front_matter_can_be_named_and_its_body_is_checked(project: Path, cli: CLI) -> None:
    for name in ("handouts/en/broken.md", "broken"):
        result = cli("check", "--project", project, "--only", name)
        assert result.exit_code == 1
        lines = [line.split(": ", 3)[:3] for line in result.stdout.splitlines()[:-1]]
        assert lines == [
            ["handouts/en/broken.md:1", "error", "front-matter"],  # reviewed_on: required
            ["handouts/en/broken.md:3", "error", "front-matter"],  # reviewd_on: unknown key
            ["handouts/en/broken.md:6", "error", "outdated-crisis-contact"],
            ["handouts/en/broken.md:6", "error", "placeholder-text"],
        ], result.stdout
        assert result.stdout.splitlines()[-1].startswith("Checked 1 handout: 4 errors,")


def test_every_file_counted_and_body_checked_without_only(project: Path, cli: CLI) -> None:
    result = cli("check", "--project", project)
    assert "handouts/en/broken.md:6: error: outdated-crisis-contact:" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("Checked 4 handouts: 5 errors,")


def test_build_only_reports_only_its_handout(project: Path, cli: CLI) -> None:
    result = cli("build", "--project", project, "--only", "b")
    assert result.exit_code == 0, result.output
    assert "handouts/en/a.md" not in result.output and "broken" not in result.output
    assert (project / "build/en/b.pdf").exists() and (project / "build/es/b.pdf").exists()

    result = cli("build", "--project", project, "--only", "handouts/en/broken.md")
    assert result.exit_code == 1
    assert "handouts/en/broken.md:6: error: outdated-crisis-contact:" in result.output
    assert "handouts/en/a.md" not in result.output
    assert not (project / "build/en/broken.pdf").exists()
