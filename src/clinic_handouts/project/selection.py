"""Which handouts a command is about: ``--only`` and ``--lang`` applied, with a usage
error for an id, file or language the project does not have, and the words of every
language the chosen handouts print in.

``--only`` takes a handout's id (all its languages) or its file's path
(``handouts/es/sleep.md``, from the project folder or from where the command runs). A file
whose front matter has errors is chosen the same way (by path, or by its file name as
id): it is not built, but its problems, and its body's, are reported. Everything a
command then reports is about the chosen files (``Selection.about``): another file's
problems are left out, problems of handouts.toml and the crisis data are kept.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from clinic_handouts.errors import Problem, UsageError, error
from clinic_handouts.project import paths
from clinic_handouts.project.config import suggest
from clinic_handouts.project.crisis import CrisisDirectory
from clinic_handouts.project.load import Project
from clinic_handouts.project.regions import DAY_MONTH_YEAR
from clinic_handouts.project.sources import Handout
from clinic_handouts.project.words import Strings, load_languages


def _is_path(item: str) -> bool:
    return "/" in item or os.sep in item or item.endswith(".md")


def _as_rel(item: str, root: Path) -> list[str]:
    """Where ``item`` may point, relative to the project: as written from the project
    folder, and as written from the current folder."""
    candidates = [Path(item).as_posix().removeprefix("./")]
    with_cwd = Path(item) if Path(item).is_absolute() else Path.cwd() / item
    with contextlib.suppress(ValueError):  # outside the project: not one of its files
        candidates.append(with_cwd.resolve().relative_to(root.resolve()).as_posix())
    return candidates


def _handout_files(project: Project) -> set[str]:
    """Every handout file the project found, loaded or not."""
    files = {h.rel for h in project.handouts} | {h.rel for h in project.stand_ins}
    files |= {
        p.path
        for p in project.problems
        if p.path.startswith(f"{paths.HANDOUTS}/") and p.path.endswith(".md")
    }
    return files


def chosen_files(project: Project, only: Sequence[str]) -> frozenset[str] | None:
    """The handout files ``--only`` names (None: no --only, every file); a usage error
    for an item that names none."""
    if not only:
        return None
    everything = [*project.handouts, *project.stand_ins]
    files = _handout_files(project)
    chosen: set[str] = set()
    unknown: list[Problem] = []
    for item in only:
        if _is_path(item):
            found = [rel for rel in _as_rel(item, project.config.root) if rel in files]
            hint = suggest(item, files)
            what = f"no handout file '{item}' in the project{hint}"
        else:
            found = [h.rel for h in everything if h.id == item]
            hint = suggest(item, {h.id for h in everything})
            what = f"no handout with id '{item}'{hint}"
        if found:
            chosen.update(found)
        else:
            unknown.append(
                error(
                    "",
                    0,
                    "usage",
                    f"{what}. Name a handout by its id (its file name without .md) or by its "
                    "file, like handouts/en/sleep.md; 'handouts check' lists them all",
                )
            )
    if unknown:
        raise UsageError(unknown)
    return frozenset(chosen)


def select(handouts: Sequence[Handout], only: Sequence[str]) -> list[Handout]:
    """The handouts named by id (kept for callers with no Project at hand)."""
    if not only:
        return list(handouts)
    known = {h.id for h in handouts}
    unknown = [item for item in only if item not in known]
    if unknown:
        raise UsageError(
            [
                error(
                    "",
                    0,
                    "usage",
                    f"no handout with id '{item}'"
                    f"{suggest(item, known)}. 'handouts check' lists them all",
                )
                for item in unknown
            ]
        )
    return [h for h in handouts if h.id in only]


def select_languages(
    chosen: Sequence[Handout], langs: Sequence[str], every: Sequence[Handout], only: Sequence[str]
) -> list[Handout]:
    """The chosen handouts in ``langs``; a usage error for a language with no handouts,
    or an ``--only`` handout with no version in them."""
    if not langs:
        return list(chosen)
    existing = sorted({h.lang for h in every})
    wrong = [
        error(
            "",
            0,
            "usage",
            f"no handouts in language '{lang}'{suggest(lang, existing)}; the project has "
            f"handouts in {', '.join(existing) or 'no language yet'}",
        )
        for lang in langs
        if lang not in existing
    ]
    picked = [h for h in chosen if h.lang in langs]
    wrong += [
        error(
            "",
            0,
            "usage",
            f"handout '{item}' has no version in {', '.join(langs)}; "
            "leave out --lang to build it in every language it has",
        )
        for item in dict.fromkeys(only)
        if not _is_path(item) and not any(h.id == item for h in picked)
    ]
    if wrong:
        raise UsageError(wrong)
    return picked


def languages_used(handouts: Sequence[Handout], crisis: CrisisDirectory) -> dict[str, list[str]]:
    """Language -> the handout files printed in it (their own words, or their crisis box)."""
    used: dict[str, list[str]] = {}
    for handout in handouts:
        used.setdefault(handout.lang, []).append(handout.rel)
        crisis_lang = crisis.for_lang(handout.lang).lang
        if crisis_lang != handout.lang:
            used.setdefault(crisis_lang, []).append(handout.rel)
    return used


def _pick(
    handouts: Iterable[Handout], files: frozenset[str] | None, langs: Sequence[str]
) -> list[Handout]:
    return [
        h for h in handouts if (files is None or h.rel in files) and (not langs or h.lang in langs)
    ]


def chosen_handouts(project: Project, only: Sequence[str], langs: Sequence[str]) -> list[Handout]:
    """The loaded handouts a command is about: ``--only`` and ``--lang`` applied."""
    return choose(project, only, langs).handouts


@dataclass(frozen=True)
class Selection:
    """What one command is about: the handouts (``--only`` and ``--lang`` applied), the
    files that did not load among them (checked, never built), and the words of every
    language they print in."""

    handouts: list[Handout]
    strings: dict[str, Strings]
    stand_ins: list[Handout] = field(default_factory=list)
    files: frozenset[str] | None = None  # None: every file of the project

    @property
    def checked(self) -> list[Handout]:
        """Everything to check: the loaded handouts, then the files that did not load."""
        return [*self.handouts, *self.stand_ins]

    @property
    def count(self) -> int:
        """How many handout files the command is about, loaded or not."""
        if self.files is not None:
            return len(self.files)
        return len({h.rel for h in self.checked})

    def about(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems of the chosen files, and of no handout file in particular
        (handouts.toml, the crisis data, the theme)."""
        return [
            p
            for p in problems
            if self.files is None
            or p.path in self.files
            or not p.path.startswith(f"{paths.HANDOUTS}/")
        ]


def choose(project: Project, only: Sequence[str] = (), langs: Sequence[str] = ()) -> Selection:
    """The selection without the words: enough to check (``handouts check``)."""
    files = chosen_files(project, only)
    everything = [*project.handouts, *project.stand_ins]
    picked = select_languages(_pick(everything, files, ()), langs, everything, only)
    if langs:
        files = frozenset(h.rel for h in picked)
    return Selection(
        handouts=[h for h in picked if h.loaded],
        strings={},
        stand_ins=[h for h in picked if not h.loaded],
        files=files,
    )


def in_date_style(strings: Strings, date_style: str) -> Strings:
    """The language's words with dates in the project's style: day first (21 November
    2026) in GB and AU. Only a language whose CLDR long date puts the month first
    (English: "November 21, 2026") changes; Spanish or French put the day first already,
    and a words file with its own ``date_format`` is left as it is."""
    if date_style != DAY_MONTH_YEAR or strings.date_format:
        return strings
    pattern = strings.locale.date_formats["long"].pattern
    if "M" in pattern and "d" in pattern and pattern.index("M") < pattern.index("d"):
        return dataclasses.replace(strings, date_format="{day} {month} {year}")
    return strings


def select_for_build(
    project: Project, only: Sequence[str] = (), langs: Sequence[str] = ()
) -> Selection:
    """Usage errors (an unknown id, file or language) and config errors (a missing words
    file) are raised here, before a build takes its lock or writes anything."""
    chosen = choose(project, only, langs)
    used = languages_used(chosen.handouts, project.crisis)
    if project.config.language_notice and chosen.handouts:  # every handout prints them all
        for lang in project.config.listed_languages:
            used.setdefault(lang, []).append("handouts.toml ([languages] notice)")
    loaded = load_languages(used, project.config.root)
    style = project.config.date_style
    strings = {lang: in_date_style(words, style) for lang, words in loaded.items()}
    return dataclasses.replace(chosen, strings=strings)
