"""The project, read once per command: handouts.toml, the crisis data, the theme and every
handout source, with the problems found while reading them.

Every command (build, check, email, serve, print, the desk) loads the project here once
and passes the ``Project`` on; nothing below reads handouts.toml again.

An error in handouts.toml that is not a config error (the tool's placeholder clinic name or
phone, crisis data nobody has confirmed for too long) is printed on every page, so it
stops every handout from being stamped (``blocks_every_handout``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from clinic_handouts.errors import Problem
from clinic_handouts.project.config import CONFIG_NAME, ProjectConfig, load_config
from clinic_handouts.project.crisis import CrisisDirectory, load_crisis
from clinic_handouts.project.scaffold import placeholders_in_config
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
    # Files whose front matter has errors, as far as they could be read: their bodies are
    # checked too (checks/run.py), so a writer fixes everything in one round.
    stand_ins: tuple[Handout, ...] = ()


def blocks_every_handout(problem: Problem) -> bool:
    """An error in handouts.toml itself: what it is about is printed on every page."""
    return problem.is_error and problem.path == CONFIG_NAME


def load_project(root: Path, today: dt.date) -> Project:
    """Config errors raise ConfigError; content problems are returned for reporting."""
    return project_of(load_config(root.resolve()), today)


def project_of(config: ProjectConfig, today: dt.date) -> Project:
    """The project of a handouts.toml already read (the preview server reads it first, to
    know what to watch): the crisis data, the theme and every handout source."""
    return _with_sources(config, load_crisis(config), load_theme(config), today)


def reread_sources(project: Project, today: dt.date) -> Project:
    """The same project with its handout files read again, for a command that has just
    written some (``handouts import`` checks what it wrote): handouts.toml, the crisis
    data and the theme are the ones already loaded."""
    return _with_sources(project.config, project.crisis, project.theme, today)


def _with_sources(
    config: ProjectConfig, crisis: CrisisDirectory, theme: Theme, today: dt.date
) -> Project:
    stand_ins: list[Handout] = []
    handouts, problems = load_handouts(config, stand_ins)
    problems.extend(placeholders_in_config(config))
    freshness = crisis.staleness(today, config.crisis.max_age_days)
    if freshness:
        problems.append(freshness)
    return Project(config, crisis, theme, tuple(handouts), tuple(problems), tuple(stand_ins))
