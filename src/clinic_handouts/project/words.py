"""The words the tool itself prints (stamp, crisis box heading, page numbers, dates), per
language, from one data file per language: bundled ``data/strings/<lang>.toml``, or the
project's own ``locales/<lang>.toml``.

A project file may hold a whole new language, or only the texts a clinic wants to reword
in a built-in one (its keys win over the bundled file's). Adding a language is adding a
file: dates are a pattern and twelve month names, "Page X of Y" is a pattern, and the
writing direction (``dir``) is data, so a right-to-left language needs no code either.

Every mistake in a strings file is a ``ConfigError`` naming the file and line, found
before anything is rendered, so a typo in a placeholder never reaches a patient's sheet.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from clinic_handouts.errors import ConfigError, Problem, error
from clinic_handouts.project import paths
from clinic_handouts.project.config import locate, suggest

# Every text key, with the placeholders it must contain and the ones it may contain.
TEXTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "name": (frozenset(), frozenset()),
    "crisis_heading": (frozenset(), frozenset()),
    "crisis_fallback": (frozenset({"language"}), frozenset()),
    "page_of": (frozenset({"page"}), frozenset({"pages"})),
    "reviewed": (frozenset({"date"}), frozenset()),
    "next_review": (frozenset({"date"}), frozenset()),
    "contact": (frozenset({"phone"}), frozenset()),
    "date_format": (frozenset({"day", "month", "year"}), frozenset()),
}
# Texts a language file may leave out; the tool then prints the English default.
OPTIONAL_TEXTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "online": (frozenset(), frozenset()),
    "online_qr_alt": (frozenset({"url"}), frozenset()),
}
OPTIONAL = {"dir", "language_names", "email"}  # [email]: see load_email_words
DIRECTIONS = ("ltr", "rtl")


@dataclass(frozen=True)
class Strings:
    lang: str
    name: str  # the language's own name for itself: "English", "Español"
    crisis_heading: str
    crisis_fallback: str  # the note in the crisis box when it is in another language
    page_of: str  # "Page {page} of {pages}"
    reviewed: str
    next_review: str
    contact: str
    date_format: str
    months: tuple[str, ...]
    dir: str = "ltr"  # writing direction, for <html dir>: "ltr" or "rtl"
    language_names: Mapping[str, str] = field(default_factory=dict)  # other languages
    online: str = "The latest version of this handout is online:"
    online_qr_alt: str = "QR code that opens the latest version of this handout: {url}"

    def date(self, day: dt.date) -> str:
        return self.date_format.format(day=day.day, month=self.months[day.month - 1], year=day.year)

    def name_of(self, other: Strings) -> str:
        """What this language calls ``other`` ("inglés"), else ``other``'s own name."""
        return self.language_names.get(other.lang, other.name)

    def fallback_note(self, other: Strings) -> str:
        return self.crisis_fallback.format(language=self.name_of(other))


def bundled_dir() -> Path:
    return Path(str(resources.files("clinic_handouts") / "data" / "strings"))


def bundled_languages() -> list[str]:
    return sorted(p.stem for p in bundled_dir().glob("*.toml"))


def _read(path: Path, where: str) -> tuple[dict[str, Any], str] | Problem:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return error(where, 0, "language", "not UTF-8 text; save it as UTF-8 in your editor")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else 0
        return error(where, line, "language", f"not valid TOML: {exc}")


def _placeholders(pattern: str) -> set[str]:
    """The ``{names}`` in a pattern; ValueError when its braces do not pair up."""
    return {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}


def _check_text(key: str, value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "expected a text in quotes"
    required, optional = {**TEXTS, **OPTIONAL_TEXTS}[key]
    try:
        found = _placeholders(value)
    except ValueError:
        return "a '{' or '}' without its partner; write placeholders like {date}"
    if any(f"{{{name}}}" not in value for name in found):
        return "write each placeholder as a plain name in braces, like {date}"
    allowed = required | optional
    unknown = sorted(found - allowed)
    if unknown:
        names = ", ".join("{" + n + "}" for n in sorted(allowed)) or "no placeholders"
        return f"unknown placeholder {{{unknown[0]}}}; this text may use {names}"
    missing = sorted(required - found)
    if missing:
        return f"must contain {{{missing[0]}}}, where the tool puts the {missing[0]}"
    return None


def _validate(
    lang: str,
    data: Mapping[str, Any],
    where: Mapping[str, tuple[str, str]],
    last: tuple[str, str],
) -> Strings:
    """``where`` maps each key to (file for messages, file text for line numbers);
    ``last`` is the file read last, named for keys that are missing."""
    problems: list[Problem] = []

    def complain(key: str, message: str) -> None:
        rel, text = where.get(key, last)
        line = locate(text, "", key) or locate(text, key)
        problems.append(error(rel, line, "language", f"{key}: {message}"))

    known = set(TEXTS) | set(OPTIONAL_TEXTS) | OPTIONAL | {"months"}
    for key in data:
        if key not in known:
            complain(key, f"unknown key{suggest(key, known)}")
    for key in TEXTS:
        if key not in data:
            rel, _ = last
            problems.append(
                error(
                    rel,
                    0,
                    "language",
                    f"{key}: missing; copy it from {bundled_dir() / 'en.toml'} and translate it",
                )
            )
        elif complaint := _check_text(key, data[key]):
            complain(key, complaint)
    for key in OPTIONAL_TEXTS:
        if key in data and (complaint := _check_text(key, data[key])):
            complain(key, complaint)
    months = data.get("months")
    if (
        not isinstance(months, list)
        or len(months) != 12
        or not all(isinstance(m, str) and m.strip() for m in months)
    ):
        complain("months", "expected the 12 month names in a list, January first")
    direction = data.get("dir", "ltr")
    if direction not in DIRECTIONS:
        complain(
            "dir", f"expected 'ltr' (left to right) or 'rtl' (right to left), not {direction!r}"
        )
    names = data.get("language_names", {})
    if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
        complain("language_names", 'expected a table like [language_names] en = "English"')
    if problems:
        raise ConfigError(problems)
    return Strings(
        lang=lang,
        months=tuple(str(m) for m in data["months"]),
        dir=str(direction),
        language_names={str(k): str(v) for k, v in names.items()},
        **{key: " ".join(str(data[key]).split()) for key in TEXTS},
        **{key: " ".join(str(data[key]).split()) for key in OPTIONAL_TEXTS if key in data},
    )


def _missing(lang: str, used_by: Iterable[str]) -> Problem:
    users = sorted(used_by)
    shown = ", ".join(users[:3]) + (f" and {len(users) - 3} more" if len(users) > 3 else "")
    because = f" (used by {shown})" if users else ""
    return error(
        f"locales/{lang}.toml",
        0,
        "language",
        f"the tool has no words for language '{lang}'{because}; it has "
        f"{', '.join(bundled_languages())}. To add '{lang}', copy "
        f"{bundled_dir() / 'en.toml'} to locales/{lang}.toml in the project folder "
        "and translate each text",
    )


def load_strings(lang: str, project_root: Path, used_by: Iterable[str] = ()) -> Strings:
    """The words for ``lang``; ConfigError when there are none or the file has mistakes."""
    data: dict[str, Any] = {}
    where: dict[str, tuple[str, str]] = {}
    files: list[tuple[str, str]] = []
    sources = (
        (bundled_dir() / f"{lang}.toml", f"(built-in) strings/{lang}.toml"),
        (project_root / paths.LOCALES / f"{lang}.toml", f"{paths.LOCALES}/{lang}.toml"),
    )
    for path, rel in sources:  # the project's file last: its keys win
        if not path.is_file():
            continue
        found = _read(path, rel)
        if isinstance(found, Problem):
            raise ConfigError([found])
        values, text = found
        data.update(values)
        where.update({key: (rel, text) for key in values})
        files.append((rel, text))
    if not files:
        raise ConfigError([_missing(lang, used_by)])
    return _validate(lang, data, where, files[-1])


def load_languages(used_by: Mapping[str, Iterable[str]], project_root: Path) -> dict[str, Strings]:
    """Words for every language in ``used_by`` (language -> files that need it); one
    ConfigError listing every language that has none or whose file has mistakes."""
    loaded: dict[str, Strings] = {}
    problems: list[Problem] = []
    for lang in sorted(used_by):
        try:
            loaded[lang] = load_strings(lang, project_root, used_by[lang])
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(problems)
    return loaded


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
    local = project_root / paths.LOCALES / f"{lang}.toml"
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
