"""``translation-unreviewed`` (warning): the words the tool prints in a language (stamp,
crisis box, notice of language help) come from a bundled translation no qualified
translator has checked yet, and the clinic has not confirmed one has.

Section 1557 of the Affordable Care Act asks that a machine-made translation be checked by
a qualified human translator before patients rely on it. The bundled words files other
than English say ``needs_review = true``; so do the crisis box texts that tell a reader,
in their language, to ask 988 for an interpreter. The clinic confirms a language by
listing it in handouts.toml::

    [languages]
    reviewed_translations = ["vi", "ko"]

One warning per language the project prints (handout languages, their crisis boxes and,
with ``notice = true``, every listed language), on ``handouts.toml``, where the fix goes.
Run by the project loader (project/load.py), so ``build`` and ``check`` both report it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from clinic_handouts.errors import ConfigError, Problem, warning
from clinic_handouts.project.config import CONFIG_NAME, ProjectConfig, locate
from clinic_handouts.project.crisis import CrisisDirectory
from clinic_handouts.project.sources import Handout
from clinic_handouts.project.words import language_name, load_strings

CODE = "translation-unreviewed"


def printed_languages(
    config: ProjectConfig, handouts: Iterable[Handout], crisis: CrisisDirectory
) -> list[str]:
    """Every language the tool prints its own words in for this project."""
    langs: dict[str, None] = {}
    for handout in handouts:
        langs[handout.lang] = None
        langs[crisis.for_lang(handout.lang).lang] = None
    if config.language_notice:
        langs.update(dict.fromkeys(config.listed_languages))
    return sorted(langs)


def check_languages(
    config: ProjectConfig, handouts: Iterable[Handout], crisis: CrisisDirectory
) -> list[Problem]:
    line = locate(config.source_text, "languages", "reviewed_translations") or locate(
        config.source_text, "languages"
    )
    problems: list[Problem] = []
    for lang in printed_languages(config, handouts, crisis):
        if lang in config.reviewed_translations:
            continue
        strings = None
        with contextlib.suppress(ConfigError):  # the build names a broken words file
            strings = load_strings(lang, config.root)
        files = [strings.unreviewed_file] if strings and strings.unreviewed_file else []
        box = crisis.for_lang(lang)
        if box.interpreted and not crisis.data_file.startswith("crisis/"):
            files.append(f"the crisis box texts in {crisis.data_file}")
        if not files:
            continue
        english = language_name(lang, "en")
        named = f"'{lang}' ({english})" if english != lang else f"'{lang}'"
        problems.append(
            warning(
                CONFIG_NAME,
                line,
                CODE,
                f"the words the tool prints in {named} come from {' and '.join(files)}, "
                "which no qualified translator has checked yet. Have one check them "
                "(Section 1557 asks that a person check machine-made translations), then "
                f'add "{lang}" to reviewed_translations under [languages] in {CONFIG_NAME}',
            )
        )
    return problems
