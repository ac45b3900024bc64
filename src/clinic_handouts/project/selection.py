"""Which handouts a command is about: ``--only`` and ``--lang`` applied, with a usage
error for an id or language the project does not have, and the words of every language
the chosen handouts print in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clinic_handouts.errors import UsageError, error
from clinic_handouts.project.config import suggest
from clinic_handouts.project.crisis import CrisisDirectory
from clinic_handouts.project.load import Project
from clinic_handouts.project.sources import Handout
from clinic_handouts.project.words import Strings, load_languages


def select(handouts: Sequence[Handout], only: Sequence[str]) -> list[Handout]:
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
        if not any(h.id == item for h in picked)
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


def chosen_handouts(project: Project, only: Sequence[str], langs: Sequence[str]) -> list[Handout]:
    """The handouts a command is about: ``--only`` and ``--lang`` applied."""
    chosen = select(project.handouts, only)
    return select_languages(chosen, langs, project.handouts, only)


@dataclass(frozen=True)
class Selection:
    """What one build is about: the handouts (``--only`` and ``--lang`` applied) and the
    words of every language they print in."""

    handouts: list[Handout]
    strings: dict[str, Strings]


def select_for_build(
    project: Project, only: Sequence[str] = (), langs: Sequence[str] = ()
) -> Selection:
    """Usage errors (an unknown id or language) and config errors (a missing words file)
    are raised here, before a build takes its lock or writes anything."""
    chosen = chosen_handouts(project, only, langs)
    used = languages_used(chosen, project.crisis)
    if project.config.language_notice and chosen:  # every handout prints them all
        for lang in project.config.listed_languages:
            used.setdefault(lang, []).append("handouts.toml ([languages] notice)")
    strings = load_languages(used, project.config.root)
    return Selection(chosen, strings)
