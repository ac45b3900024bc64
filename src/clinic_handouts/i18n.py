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
OPTIONAL = ("online", "online_qr_alt")


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
    # Optional words (a language file without them prints these English defaults).
    online: str = "The latest version of this handout is online:"
    online_qr_alt: str = "QR code that opens the latest version of this handout: {url}"

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
        lang=lang,
        months=months,
        **{key: str(data[key]) for key in REQUIRED if key != "months"},
        **{key: str(data[key]) for key in OPTIONAL if key in data},
    )
