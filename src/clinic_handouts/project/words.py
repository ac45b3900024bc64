"""The words the tool itself prints (stamp, crisis box heading, page numbers, dates), per
language, from one data file per language: bundled ``data/strings/<lang>.toml``, or the
project's own ``locales/<lang>.toml``.

A project file may hold a whole new language, or only the texts a clinic wants to reword
in a built-in one (its keys win over the bundled file's). Adding a language is adding a
file. What the Unicode consortium's CLDR already knows comes from it through Babel, never
from hand-written lists: dates in the language's own form ("20 de noviembre de 2026",
"2026年11月20日"), plural forms ("1 page", "2 pages"), number formats, the writing
direction and the names of languages. A file only says what CLDR cannot: the tool's own
sentences, and for the few languages CLDR has no month names for (Haitian Creole), a
``date_format`` and ``months``.

Bundled files other than English are translations no qualified translator has checked
yet: they say ``needs_review = true``, and the clinic confirms each language in
handouts.toml (``[languages] reviewed_translations``); see checks/translation_review.py.

Every mistake in a strings file is a ``ConfigError`` naming the file and line, found
before anything is rendered, so a typo in a placeholder never reaches a patient's sheet.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import babel
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date
from babel.numbers import format_decimal

from clinic_handouts.errors import ConfigError, Problem, error
from clinic_handouts.project import paths
from clinic_handouts.project.config import locate, suggest

# Every text key, with the placeholders it must contain and the ones it may contain.
TEXTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "crisis_heading": (frozenset(), frozenset()),
    "crisis_fallback": (frozenset({"language"}), frozenset()),
    "page_of": (frozenset({"page"}), frozenset({"pages"})),
    "reviewed": (frozenset({"date"}), frozenset()),
    "next_review": (frozenset({"date"}), frozenset()),
    "contact": (frozenset({"phone"}), frozenset()),
}
# Texts a language file may leave out; the tool then uses CLDR's (name) or English.
OPTIONAL_TEXTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "name": (frozenset(), frozenset()),
    "online": (frozenset(), frozenset()),
    "online_qr_alt": (frozenset({"url"}), frozenset()),
    "language_notice": (frozenset({"phone"}), frozenset()),
    "date_format": (frozenset({"day", "month", "year"}), frozenset()),
    "full_stop": (frozenset(), frozenset()),
}
OPTIONAL = {"dir", "language_names", "email", "months", "needs_review", "stop_after_date"}
DIRECTIONS = ("ltr", "rtl")
# What a sentence may already end with, so a full stop is never doubled ("Dr. Lee, M.D.").
_ENDS_SENTENCE = re.compile(r"[.!?。！？؟।۔…]$")
ENGLISH_NOTICE = "Free help in your language is available. Call {phone}."


def cldr_locale(lang: str) -> Locale | None:
    """CLDR's data for a language code like ``vi``, ``zh-Hant`` or ``fr-CA``; None when
    CLDR has none. ``tl`` is Tagalog: CLDR files it as Filipino, with the same data."""
    try:
        return Locale.parse(lang, sep="-")
    except (UnknownLocaleError, ValueError):
        pass
    try:
        return Locale.parse(lang.split("-")[0])
    except (UnknownLocaleError, ValueError):
        return None


def language_name(lang: str, in_lang: str) -> str:
    """What ``in_lang`` calls the language ``lang`` ("Vietnamese", "vietnamita",
    "Tiếng Việt"), from CLDR; ``lang`` itself when CLDR has no name for it."""
    where = cldr_locale(in_lang)
    if where is None:
        return lang
    key = lang.replace("-", "_")
    # The code as written first: CLDR calls "tl" Tagalog, though its data is Filipino's.
    named = where.languages.get(key)
    if named is None:
        found = cldr_locale(lang)
        named = found.get_display_name(where) if found is not None else None
    return named or lang


def as_label(name: str) -> str:
    """A language name heading a list or label: CLDR gives names in running-text case
    ("español", "vietnamita"), a menu starts them with a capital."""
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Strings:
    """The words the tool prints on a handout in one language (stamp, crisis box heading,
    page numbers, review dates) and the CLDR locale for its dates and plurals: one
    strings file, as ``load_strings`` reads it."""

    lang: str
    name: str  # the language's own name for itself: "English", "Español"
    crisis_heading: str
    crisis_fallback: str  # the note in the crisis box when it is in another language
    page_of: str  # "Page {page} of {pages}"
    reviewed: str  # "Reviewed {date}"
    next_review: str  # "Next review {date}"
    contact: str  # "Questions? Call us at {phone}."
    cldr: str  # the CLDR locale dates, plurals and numbers come from ("" for none)
    dir: str = "ltr"  # writing direction, for <html dir>: "ltr" or "rtl"
    language_names: Mapping[str, str] = field(default_factory=dict)  # overrides CLDR's
    online: str = "The latest version of this handout is online:"
    online_qr_alt: str = "QR code that opens the latest version of this handout: {url}"
    language_notice: str = ENGLISH_NOTICE
    # Only where CLDR has no month names: a "{day} {month} {year}" pattern and 12 names.
    date_format: str = ""
    months: tuple[str, ...] = ()
    full_stop: str = "."  # "。" in Chinese and Japanese, "।" in Hindi
    stop_after_date: bool = True  # Chinese and Japanese end "审核日期：2026年11月20日" bare
    # The bundled file these words came from while it still needs a translator's check.
    unreviewed_file: str = ""
    cldr_version: str = babel.__version__  # new CLDR data can change a date: rebuild

    @functools.cached_property
    def fingerprint_text(self) -> str:
        """Every word and setting, as one text for the fingerprints (made once: every
        output of the language asks for it)."""
        return repr(self)

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.cldr) if self.cldr else Locale("en")

    def date(self, day: dt.date) -> str:
        if not self.date_format:
            return str(format_date(day, "long", locale=self.locale))
        # The "{day} {month} {year}" pattern as a CLDR pattern: literal text (and a month
        # name from the file) quoted, so CLDR only fills in the day and the year.
        pattern, literal = "", ""
        for text, name, _, _ in string.Formatter().parse(self.date_format):
            literal += text
            if name == "month" and self.months:
                literal += self.months[day.month - 1]
                continue
            if literal:
                pattern += "'" + literal.replace("'", "''") + "'"
                literal = ""
            pattern += {"day": "d", "month": "MMMM", "year": "y"}.get(name or "", "")
        if literal:
            pattern += "'" + literal.replace("'", "''") + "'"
        return str(format_date(day, pattern, locale=self.locale))

    def number(self, value: float, pattern: str | None = None) -> str:
        return str(format_decimal(value, format=pattern, locale=self.locale))

    def plural(self, count: int) -> str:
        """CLDR's plural category of ``count``: "one", "two", "few", "many" or "other"."""
        return str(self.locale.plural_form(count))

    def name_of(self, other: Strings) -> str:
        """What this language calls ``other`` ("inglés"), else ``other``'s own name."""
        if other.lang in self.language_names:
            return self.language_names[other.lang]
        named = language_name(other.lang, self.lang)
        return other.name if named == other.lang else named

    def fallback_note(self, other: Strings) -> str:
        return self.crisis_fallback.format(language=self.name_of(other))

    def sentence(self, text: str, ends_with_date: bool = False) -> str:
        """``text`` as a sentence: the language's full stop added, unless it already ends
        one (a name like "Dr. Lee, M.D.") or it is a bare date where the language puts no
        stop after one."""
        text = text.rstrip()
        if _ENDS_SENTENCE.search(text) or (ends_with_date and not self.stop_after_date):
            return text
        return text + self.full_stop

    def sentences(self, *texts: str) -> str:
        """Sentences one after another: spaced; in Chinese and Japanese touching after a
        。, and an ideographic space after a line left without one (a bare date)."""
        if self.full_stop != "。":
            return " ".join(texts)
        joined = ""
        for text in texts:
            if joined.endswith(("。", "！", "？")) or not joined:
                pass
            elif _ENDS_SENTENCE.search(joined):
                joined += " "  # after a Latin name like "Dr. A. Lee, M.D."
            else:
                joined += "\u3000"
            joined += text
        return joined

    def review_line(self, reviewed_on: dt.date, reviewed_by: str, next_review: dt.date) -> str:
        """ "Reviewed November 20, 2026 · Dr. Lee. Next review November 20, 2028."."""
        first = self.reviewed.format(date=self.date(reviewed_on))
        if reviewed_by:
            first += f" · {reviewed_by}"
        second = self.next_review.format(date=self.date(next_review))
        return self.sentences(
            self.sentence(first, ends_with_date=not reviewed_by and _ends_with_date(self.reviewed)),
            self.sentence(second, ends_with_date=_ends_with_date(self.next_review)),
        )


def _ends_with_date(pattern: str) -> bool:
    return pattern.rstrip().endswith("{date}")


def bundled_dir() -> Path:
    return Path(str(resources.files("clinic_handouts") / "data" / "strings"))


def bundled_languages() -> list[str]:
    return sorted(p.stem for p in bundled_dir().glob("*.toml"))


def bundled_file_for(lang: str) -> str | None:
    """The bundled words file for ``lang`` (see ``closest``); None when none fits."""
    return closest(lang, bundled_languages())


def closest(lang: str, have: Iterable[str]) -> str | None:
    """The best of ``have`` for ``lang``: itself, else the same language in its likely
    script ("zh" and "zh-CN" are written in Simplified: zh-Hans; "zh-TW" in zh-Hant),
    else the language alone ("pt-BR" -> "pt", "fr-CA" -> "fr"); None when none fits."""
    have = set(have)
    if lang in have:
        return lang
    parts = lang.replace("_", "-").split("-")
    likely = get_global("likely_subtags").get("_".join(parts[:2])) or get_global(
        "likely_subtags"
    ).get(parts[0])
    candidates = []
    if likely:
        script = [p for p in str(likely).split("_") if len(p) == 4]
        if script:
            candidates.append(f"{parts[0]}-{script[0]}")
    candidates.append(parts[0])
    return next((c for c in candidates if c in have), None)


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
    unreviewed_file: str,
) -> Strings:
    """``where`` maps each key to (file for messages, file text for line numbers);
    ``last`` is the file read last, named for keys that are missing."""
    problems: list[Problem] = []

    def complain(key: str, message: str) -> None:
        rel, text = where.get(key, last)
        line = locate(text, "", key) or locate(text, key)
        problems.append(error(rel, line, "language", f"{key}: {message}"))

    locale = cldr_locale(lang)
    known = set(TEXTS) | set(OPTIONAL_TEXTS) | OPTIONAL
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
    months = data.get("months", [])
    if months and (
        not isinstance(months, list)
        or len(months) != 12
        or not all(isinstance(m, str) and m.strip() for m in months)
    ):
        complain("months", "expected the 12 month names in a list, January first")
    if locale is None and not ("date_format" in data and months):
        rel, _ = last
        problems.append(
            error(
                rel,
                0,
                "language",
                f"CLDR has no dates for '{lang}': add date_format, like "
                '"{day} {month} {year}", and months, the 12 month names in a list',
            )
        )
    default_dir = (
        "rtl" if locale is not None and locale.character_order == "right-to-left" else "ltr"
    )
    direction = data.get("dir", default_dir)
    if direction not in DIRECTIONS:
        complain(
            "dir", f"expected 'ltr' (left to right) or 'rtl' (right to left), not {direction!r}"
        )
    for key in ("needs_review", "stop_after_date"):
        if not isinstance(data.get(key, True), bool):
            complain(key, "expected true or false, without quotes")
    names = data.get("language_names", {})
    if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
        complain("language_names", 'expected a table like [language_names] en = "English"')
    if problems:
        raise ConfigError(problems)
    own_name = str(data.get("name") or as_label(language_name(lang, lang)))
    return Strings(
        lang=lang,
        name=_one_line(own_name),
        cldr=str(locale) if locale is not None else "",
        months=tuple(str(m) for m in months),
        dir=str(direction),
        language_names={str(k): str(v) for k, v in names.items()},
        stop_after_date=bool(data.get("stop_after_date", True)),
        unreviewed_file=unreviewed_file,
        **{key: _one_line(str(data[key])) for key in TEXTS},
        **{
            key: _one_line(str(data[key]))
            for key in OPTIONAL_TEXTS
            if key in data and key != "name"
        },
    )


def _one_line(text: str) -> str:
    """Line breaks and runs of spaces folded, but never a no-break space: French keeps
    "Prochaine révision : " on one line with one (str.split would fold it too)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip(" ")


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
    bundled = bundled_file_for(lang)
    bundled_rel = f"(built-in) strings/{bundled}.toml"
    sources = (
        (bundled_dir() / f"{bundled}.toml" if bundled else None, bundled_rel),
        (project_root / paths.LOCALES / f"{lang}.toml", f"{paths.LOCALES}/{lang}.toml"),
    )
    for path, rel in sources:  # the project's file last: its keys win
        if path is None or not path.is_file():
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
    # Still waiting for a translator when any text the tool prints comes from a bundled
    # file that says so (a clinic rewording one text does not review the rest).
    unreviewed = any(
        where.get(key, ("", ""))[0] == bundled_rel for key in (*TEXTS, "language_notice")
    ) and bool(data.get("needs_review", False))
    return _validate(lang, data, where, files[-1], bundled_rel if unreviewed else "")


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
    """The words of the note that carries an emailed handout, in the handout's language: the
    ``[email]`` table of its strings file (``load_email_words``). mail/message.py fills
    in the title, clinic and phone."""

    lang: str
    subject: str  # "{title} ({clinic})"
    greeting: str
    attached: str  # what the attachment is: {title}, {clinic}
    attached_large_print: str  # the same, for the large-print edition
    large_print: str  # added to the attachment's file name
    not_for_you: str  # what to do with a message that reached the wrong person


def _email_table(lang: str, project_root: Path) -> tuple[object, str] | None:
    local = project_root / paths.LOCALES / f"{lang}.toml"
    name = bundled_file_for(lang) or lang
    bundled = resources.files("clinic_handouts") / "data" / "strings" / f"{name}.toml"
    for source, where in (
        (local, f"locales/{lang}.toml"),
        (bundled, f"(built-in) strings/{name}.toml"),
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
                    "built-in language (such as en.toml) into this file and translate it",
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
