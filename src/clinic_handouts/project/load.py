"""The project, read once per command: handouts.toml, the crisis data, the theme and every
handout source, with the problems found while reading them.

Every command (build, check, email, serve, print, the desk) loads the project here once
and passes the ``Project`` on; nothing below reads handouts.toml again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from clinic_handouts.errors import Problem
from clinic_handouts.project.config import ProjectConfig, load_config
from clinic_handouts.project.crisis import CrisisDirectory, load_crisis
from clinic_handouts.project.sources import Handout, load_handouts
from clinic_handouts.project.theme import Theme, load_theme


@dataclass(frozen=True)
class Project:
    """Everything loaded once per command: the inputs every handout shares."""

    config: ProjectConfig
    crisis: CrisisDirectory
    theme: Theme
    handouts: tuple[Handout, ...]
    problems: tuple[Problem, ...]


def load_project(root: Path, today: dt.date) -> Project:
    """Config errors raise ConfigError; content problems are returned for reporting."""
    config = load_config(root.resolve())
    crisis = load_crisis(config)
    theme = load_theme(config)
    handouts, problems = load_handouts(config)
    stale = crisis.staleness(today, config.crisis.max_age_days)
    if stale:
        problems.append(stale)
    # Imported here: checks/ builds on project/, and this one check is about the whole
    # project's languages, not one handout, so it runs once, where the project is read.
    from clinic_handouts.checks.translation_review import check_languages

    problems.extend(check_languages(config, handouts, crisis))
    return Project(config, crisis, theme, tuple(handouts), tuple(problems))
