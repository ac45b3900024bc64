"""Translations, compared across the project: a handout and its translations share an
``id`` (``handouts/en/sleep.md`` and ``handouts/es/dormir.md`` with ``id: sleep``); the
version in the default language is the source the others are translated from. (Two
handouts in one language never share an id: project/sources.py refuses the second.)

- ``translation-outdated`` (warning): the source was reviewed after the translation, so
  the translation may no longer say what the source says.
- ``translation-missing`` (warning): a handout has no version in a language listed in
  ``[languages] expected``; one warning per handout, naming every missing language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from clinic_handouts.errors import Problem, warning
from clinic_handouts.project.sources import Handout

if TYPE_CHECKING:
    from clinic_handouts.checks import CheckContext


def _id_line(handout: Handout) -> int:
    return handout.line_of("id") if "id" in handout.meta_lines else 0


def check_project(handouts: Sequence[Handout], context: CheckContext) -> list[Problem]:
    default = context.config.default_lang
    problems: list[Problem] = []
    versions: dict[str, dict[str, Handout]] = {}  # id -> language -> handout
    for handout in handouts:
        versions.setdefault(handout.id, {})[handout.lang] = handout

    for handout_id, by_lang in sorted(versions.items()):
        source = by_lang.get(default)
        if source is not None:
            for lang, translation in sorted(by_lang.items()):
                if lang != default and translation.reviewed_on < source.reviewed_on:
                    problems.append(
                        warning(
                            translation.rel,
                            translation.line_of("reviewed_on"),
                            "translation-outdated",
                            f"this translation was reviewed on {translation.reviewed_on}, "
                            f"but {source.rel} was reviewed later, on {source.reviewed_on}, "
                            "and may have changed. Bring the translation up to date with "
                            "it, have it reviewed, then update reviewed_on",
                        )
                    )
        missing = [lang for lang in context.config.languages if lang not in by_lang]
        if missing:
            anchor = source or by_lang[min(by_lang)]
            folders = " and ".join(f"handouts/{lang}/" for lang in missing)
            problems.append(
                warning(
                    anchor.rel,
                    _id_line(anchor),
                    "translation-missing",
                    f"'{handout_id}' has no version in {', '.join(missing)}, which "
                    f"handouts.toml lists under [languages] expected. Add one to {folders} "
                    f"with 'id: {handout_id}' in its front matter",
                )
            )
    return problems
