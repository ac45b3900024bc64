"""The words the tool itself prints (stamp, crisis box heading, page numbers, dates), per
language, from one data file per language: bundled ``data/strings/<lang>.toml``, or the
project's own ``locales/<lang>.toml`` (which wins, so a clinic can add or reword a
language without touching code).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from clinic_handouts.errors import ConfigError, error

REQUIRED = (
    "name",
    "crisis_heading",
    "crisis_fallback",
    "page",
    "of",
    "reviewed",
    "next_review",
    "contact",
    "date_format",
    "months",
)


@dataclass(frozen=True)
class Strings:
    lang: str
    name: str
    crisis_heading: str
    crisis_fallback: str
    page: str
    of: str
    reviewed: str
    next_review: str
    contact: str
    date_format: str
    months: tuple[str, ...]

    def date(self, day: dt.date) -> str:
        return self.date_format.format(day=day.day, month=self.months[day.month - 1], year=day.year)


def available_languages(project_root: Path) -> set[str]:
    bundled = resources.files("clinic_handouts") / "data" / "strings"
    langs = {
        entry.name.removesuffix(".toml")
        for entry in bundled.iterdir()
        if entry.name.endswith(".toml")
    }
    local = project_root / "locales"
    if local.is_dir():
        langs |= {p.stem for p in local.glob("*.toml")}
    return langs


def load_strings(lang: str, project_root: Path) -> Strings:
    local = project_root / "locales" / f"{lang}.toml"
    bundled = resources.files("clinic_handouts") / "data" / "strings" / f"{lang}.toml"
    if local.is_file():
        text, where = local.read_text(encoding="utf-8"), f"locales/{lang}.toml"
    elif bundled.is_file():
        text, where = bundled.read_text(encoding="utf-8"), f"(built-in) strings/{lang}.toml"
    else:
        raise ConfigError(
            [
                error(
                    f"locales/{lang}.toml",
                    0,
                    "language",
                    f"no words for language '{lang}': copy a file from the "
                    "tool's built-in languages (en, es) to "
                    f"locales/{lang}.toml and translate it",
                )
            ]
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([error(where, 0, "language", f"not valid TOML: {exc}")]) from None
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise ConfigError([error(where, 0, "language", f"missing keys: {', '.join(missing)}")])
    months = tuple(str(m) for m in data["months"])
    if len(months) != 12:
        raise ConfigError([error(where, 0, "language", "months: expected 12 month names")])
    return Strings(
        lang=lang, months=months, **{key: str(data[key]) for key in REQUIRED if key != "months"}
    )


# --- the words of an emailed handout ------------------------------------------------------
# They live in an [email] table of the same words file. A project's own locales/<lang>.toml
# written before emailing existed has no such table: the bundled one is used then.

EMAIL_KEYS = (
    "subject",
    "greeting",
    "attached",
    "attached_large_print",
    "large_print",
    "not_for_you",
)
_EMAIL_FIELDS = {"title": "T", "clinic": "C", "phone": "P"}


@dataclass(frozen=True)
class EmailWords:
    lang: str
    subject: str  # "{title} ({clinic})"
    greeting: str
    attached: str  # what the attachment is: {title}, {clinic}
    attached_large_print: str
    large_print: str  # added to the attachment's file name
    not_for_you: str  # what to do with a message that reached the wrong person


def _email_table(lang: str, project_root: Path) -> tuple[object, str] | None:
    local = project_root / "locales" / f"{lang}.toml"
    bundled = resources.files("clinic_handouts") / "data" / "strings" / f"{lang}.toml"
    for source, where in (
        (local, f"locales/{lang}.toml"),
        (bundled, f"(built-in) strings/{lang}.toml"),
    ):
        if not source.is_file():
            continue
        try:
            data = tomllib.loads(source.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError([error(where, 0, "language", f"not valid TOML: {exc}")]) from None
        if "email" in data:
            return data["email"], where
    return None


def load_email_words(lang: str, project_root: Path) -> EmailWords:
    found = _email_table(lang, project_root)
    if found is None:
        raise ConfigError(
            [
                error(
                    f"locales/{lang}.toml",
                    0,
                    "language",
                    f"no email words for language '{lang}': copy the [email] table of a "
                    "built-in language (en, es) into this file and translate it",
                )
            ]
        )
    table, where = found
    if not isinstance(table, dict):
        raise ConfigError([error(where, 0, "language", "email: expected a table [email]")])
    missing = [key for key in EMAIL_KEYS if not isinstance(table.get(key), str)]
    if missing:
        raise ConfigError(
            [error(where, 0, "language", f"[email] is missing: {', '.join(missing)}")]
        )
    for key in EMAIL_KEYS:
        try:  # a placeholder other than {title}, {clinic}, {phone} is a typo
            table[key].format(**_EMAIL_FIELDS)
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(
                [
                    error(
                        where,
                        0,
                        "language",
                        f"[email] {key}: unknown placeholder {exc}; use {{title}}, "
                        "{clinic} or {phone}",
                    )
                ]
            ) from None
    return EmailWords(lang=lang, **{key: str(table[key]) for key in EMAIL_KEYS})
