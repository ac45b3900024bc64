"""What real clinics type: calendar dates that do not exist, handouts.toml that does not
parse, a crisis confirmation without a name, crisis data about to expire, an image in
the wrong folder. Each answered with the line and what to do, in words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import CLI, CONFIG, PNG, ProjectFactory, handout

CLEAN = "You can rest at home today. Call us if you feel worse.\n"


def epoch(day: dt.date) -> str:
    return str(int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp()))


def project_on(
    make_project: ProjectFactory,
    monkeypatch: pytest.MonkeyPatch,
    day: dt.date,
    config: str,
    **front: str,
) -> Path:
    """A project with ``config`` and one clean handout (``front`` matter), on ``day``."""
    root = make_project({"handouts/en/a.md": handout(body=CLEAN, **front)}, config)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(day))
    return root


def test_a_day_that_does_not_exist_is_one_error(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/a.md": handout(reviewed_on="2026-11-31", body=CLEAN)})
    result = cli("check", "--project", root)
    assert result.exit_code == 1
    assert [line for line in result.stdout.splitlines() if "front-matter" in line] == [
        "handouts/en/a.md:3: error: front-matter: reviewed_on: 2026-11-31 is not a day on "
        "the calendar: November 2026 has 30 days. Write the real date as YYYY-MM-DD"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "name = Riverside Clinic",
            "handouts.toml:2: error: config: this value cannot be read. Put text in double "
            'quotes (name = "Riverside Clinic"); write numbers, dates and true/false without '
            "quotes (max_age_days = 180, verified_on = 2026-11-21). The line reads: name = "
            "Riverside Clinic",
        ),
        (
            'name "Riverside Clinic"',
            "handouts.toml:2: error: config: each setting is written as name = value on one "
            "line; this line has no '=' (or a space inside the name). The line reads: name "
            '"Riverside Clinic"',
        ),
        (
            'name = "Riverside Clinic',
            "handouts.toml:2: error: config: a text value has no closing quote, or a line "
            'break or control character inside; keep it on one line and end it with ". The '
            'line reads: name = "Riverside Clinic',
        ),
    ],
)
def test_toml_errors_are_explained_in_words(
    make_project: ProjectFactory, cli: CLI, line: str, expected: str
) -> None:
    root = make_project(config=CONFIG.replace('name = "Test Clinic"', line))
    result = cli("check", "--project", root)
    assert result.exit_code == 2
    assert result.output.strip() == expected


def test_toml_date_that_does_not_exist(make_project: ProjectFactory, cli: CLI) -> None:
    config = CONFIG.replace('region = "US"', 'region = "US"\nverified_on = 2026-11-31')
    result = cli("check", "--project", make_project(config=config))
    assert result.exit_code == 2
    assert result.output.startswith(
        "handouts.toml:7: error: config: this date is not a day on the calendar; write it "
        "as YYYY-MM-DD, without quotes, like 2026-11-21."
    )


def test_verified_on_needs_verified_by(make_project: ProjectFactory, cli: CLI) -> None:
    config = CONFIG.replace('region = "US"', 'region = "US"\nverified_on = 2026-11-01')
    result = cli("check", "--project", make_project(config=config))
    assert result.exit_code == 2
    assert result.output.strip() == (
        "handouts.toml:7: error: config: crisis.verified_on: say who confirmed the crisis "
        'services: add verified_by = "Name, credentials" under [crisis] (the person who '
        "called or checked each one on that day)"
    )


# --- crisis data about to expire ---------------------------------------------------------
# The bundled data was checked on 2026-11-21; the limit is 180 days (2027-05-20).
DUE_SOON = (
    "handouts.toml: warning: crisis-data-due-soon: the United States crisis data was "
    "last checked against its sources on 2026-11-21, 150 days ago. After 2027-05-20 (in "
    "30 days) no handout can be built or emailed until it is confirmed again. Ask your "
    "clinical reviewer to call or check each service in the built-in crisis data "
    "(US.toml), then set verified_on = 2027-04-20 and verified_by (their name) under "
    "[crisis] in handouts.toml"
)


def test_crisis_data_due_soon_on_check_and_build(
    make_project: ProjectFactory, cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project_on(
        make_project, monkeypatch, dt.date(2027, 4, 19), CONFIG, reviewed_on="2027-01-01"
    )
    assert "crisis-data" not in cli("check", "--project", root).output  # 31 days left

    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2027, 4, 20)))
    result = cli("check", "--project", root)
    assert result.exit_code == 0
    assert DUE_SOON in result.stdout.splitlines()
    result = cli("build", "--project", root)
    assert result.exit_code == 0  # a warning: still built
    assert DUE_SOON in result.output.splitlines()
    assert (root / "build/en/a.pdf").exists()

    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2027, 5, 21)))
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert "handouts.toml: error: crisis-data-stale: the United States crisis data was " in (
        result.output
    )


# A clinic that emails handouts from this computer.
EMAILING = CONFIG.replace(
    "[disclaimer]",
    '[email]\nhost = "127.0.0.1"\nfrom_address = "desk@example.org"\n\n[disclaimer]',
)


def test_crisis_data_due_soon_on_email(
    make_project: ProjectFactory, cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project_on(
        make_project, monkeypatch, dt.date(2027, 4, 20), EMAILING, reviewed_on="2027-01-01"
    )
    result = cli("email", "a", "--to", "pat@example.org", "--dry-run", "--project", root)
    assert result.exit_code == 0, result.output
    assert DUE_SOON in result.output.splitlines()


# The crisis data confirmed by a named person on a day.
CONFIRMED = CONFIG.replace(
    'region = "US"', 'region = "US"\nverified_on = 2026-12-01\nverified_by = "Dana Lee, RN"'
)


def test_confirmation_names_who_confirmed(
    make_project: ProjectFactory, cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project_on(make_project, monkeypatch, dt.date(2027, 5, 1), CONFIRMED)
    result = cli("check", "--project", root)
    assert (
        "handouts.toml: warning: crisis-data-due-soon: the United States crisis data was "
        "confirmed by Dana Lee, RN on 2026-12-01, 151 days ago."
    ) in result.stdout


# --- a misplaced image ------------------------------------------------------------------


def test_missing_image_says_where_a_file_of_that_name_is(
    make_project: ProjectFactory, cli: CLI
) -> None:
    body = f"{CLEAN}\n![A chart of sleep hours](chart.png)\n"
    root = make_project({"handouts/en/a.md": handout(body=body), "images/chart.png": PNG})
    result = cli("check", "--project", root)
    assert (
        "handouts/en/a.md:8: error: missing-resource: chart.png: there is no image at "
        "handouts/en/chart.png (there is one at images/chart.png: write "
        "../../images/chart.png); check the name and the folder (paths are relative to the "
        "handout's folder)"
    ) in result.stdout.splitlines()
