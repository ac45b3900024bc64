"""Real text in every bundled language for the rendering tests (issue 15): per language,
a strings file for the stamp words, a disclaimer and a short handout of plain sentences.

The texts are data, in ``languages.toml`` beside this module, read once by ``_load``.
Written for tests by a non-native speaker, in the everyday words of a patient handout:
every text there needs a qualified translator's review before any patient reads it.
Where the project bundles a strings file for a language, the test project's
``locales/<lang>.toml`` only overrides it with the same words.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Language:
    lang: str
    font: str  # the font family pdffonts must show for this script
    disclaimer: str
    title: str
    sentences: tuple[str, ...]  # the body, one sentence each, in order
    strings: str  # locales/<lang>.toml
    spaced: bool = True  # words are separated by spaces
    rtl: bool = False

    def body(self, repeat: int = 1) -> str:
        """The sentences as paragraphs of three, ``repeat`` times with a heading each."""
        parts = []
        for n in range(1, repeat + 1):
            parts.append(f"## {self.title} {n}")
            for i in range(0, len(self.sentences), 3):
                joiner = " " if self.spaced else ""
                parts.append(joiner.join(self.sentences[i : i + 3]))
        return "\n\n".join(parts) + "\n"


def _strings_file(words: dict[str, Any]) -> str:
    """A locales/<lang>.toml: name and dir first, the stamp words, then the months."""
    ordered = {"name": words["name"], "dir": words.get("dir", "ltr")}
    ordered.update((key, value) for key, value in words.items() if key != "months")
    lines = [f'{key} = "{value}"' for key, value in ordered.items()]
    lines.append("months = [" + ", ".join(f'"{m}"' for m in words["months"]) + "]")
    return "\n".join(lines) + "\n"


def _bundled(lang: str) -> str:
    """The bundled words of a language (its own stamp words, as a clinic would use them)."""
    folder = resources.files("clinic_handouts") / "data" / "strings"
    return (folder / f"{lang}.toml").read_text(encoding="utf-8")


def _language(lang: str, entry: dict[str, Any]) -> Language:
    """One language's table of languages.toml."""
    if entry.get("bundled", False):
        strings = _bundled(lang)
    elif "strings" in entry:
        strings = _strings_file(entry["strings"])
    else:
        strings = ""
    return Language(
        lang=lang,
        font=entry["font"],
        disclaimer=entry["disclaimer"],
        title=entry["title"],
        sentences=tuple(entry["sentences"]),
        strings=strings,
        spaced=entry.get("spaced", True),
        rtl=entry.get("rtl", False),
    )


def _load() -> tuple[dict[str, Language], Language]:
    """Every rendered language, in the file's order, and the project's default (English)."""
    data = tomllib.loads((Path(__file__).parent / "languages.toml").read_text(encoding="utf-8"))
    languages = {lang: _language(lang, entry) for lang, entry in data["languages"].items()}
    return languages, _language("en", data["default"]["en"])


LANGUAGES, ENGLISH = _load()

ENGLISH_DISCLAIMER_KEY = "en"


def project_files(languages: list[Language], repeat: int = 3) -> tuple[str, dict[str, str]]:
    """handouts.toml and the files of a project with one handout per language."""
    config = '[clinic]\nname = "Test Clinic"\nphone = "555-0100"\n\n[crisis]\nregion = "US"\n\n'
    config += "[disclaimer]\n"
    # English is the project's default language: it always has a disclaimer.
    disclaimers = {ENGLISH_DISCLAIMER_KEY: ENGLISH.disclaimer}
    disclaimers.update({lang.lang: lang.disclaimer for lang in languages})
    config += "".join(f'"{key}" = "{text}"\n' for key, text in disclaimers.items())
    files: dict[str, str] = {}
    for lang in languages:
        body = lang.body(repeat)
        front = f"---\ntitle: {lang.title}\nreviewed_on: 2026-10-01\n---\n\n"
        files[f"handouts/{lang.lang}/sleep.md"] = front + body
        if lang.strings:
            files[f"locales/{lang.lang}.toml"] = lang.strings
    return config, files
