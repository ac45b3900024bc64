"""ProjectConfig: the clinic project described by ``handouts.toml``, validated.

The schema is declared once (``SCHEMA``) and every problem in the file is reported in
one run, each with the line of the offending key, so a clinic's IT person fixes the
file in one pass. A config problem is a ``ConfigError`` (exit code 2).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clinic_handouts import addresses
from clinic_handouts.errors import ConfigError, Problem, error
from clinic_handouts.mail.recipient import address_complaint, has_control
from clinic_handouts.project import contrast, online, paths, regions

CONFIG_NAME = paths.CONFIG_NAME
PAPER_SIZES = ("letter", "a4")
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_COLOUR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass(frozen=True)
class Clinic:
    """``[clinic]`` of handouts.toml: the clinic the handouts come from, as its pages,
    emails and catalogue name it."""

    name: str
    phone: str
    address: str
    website: str
    logo: str  # path relative to the project folder, or "" for none


@dataclass(frozen=True)
class Brand:
    """``[brand]`` of handouts.toml: the colours and font the theme prints with;
    project/contrast.py checks that text in these colours can be read."""

    color: str
    accent: str
    text: str
    font: str


@dataclass(frozen=True)
class CrisisSettings:
    """``[crisis]`` of handouts.toml: whose crisis data is printed, how old it may be, and
    who at the clinic last confirmed it (project/crisis.py reads them)."""

    region: str  # upper case: built in (US, CA, GB, AU), or the project's crisis/<region>.toml
    max_age_days: int  # the build refuses crisis data confirmed longer ago
    verified_on: dt.date | None
    verified_by: str


SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
# security = "none" sends in clear text, so only to a relay on this same computer.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
PASSWORD_ENV = "HANDOUTS_SMTP_PASSWORD"


@dataclass(frozen=True)
class EmailSettings:
    """``[email]``: how ``handouts email`` reaches the clinic's mail server.

    The password is never here: it comes only from ``HANDOUTS_SMTP_PASSWORD``.
    """

    host: str = ""
    port: int = 587
    security: str = "starttls"
    username: str = ""
    from_address: str = ""
    reply_to: str = ""
    ca_file: Path | None = None  # trust these certificate authorities instead of the system's
    timeout_seconds: float = 20.0
    attempts: int = 3
    send_log: Path | None = None  # where sends are recorded; None: not recorded


@dataclass(frozen=True)
class PrinterSettings:
    """``[printers.<name>]``: a CUPS destination ``handouts print --printer <name>`` uses.

    ``server`` is empty for the computer's own CUPS (``CUPS_SERVER``, else localhost:631).
    """

    name: str
    queue: str
    server: str = ""
    paper: str = "letter"  # the paper the printer holds: a PDF on other paper is refused
    double_sided: bool = True  # --one-sided overrides it for one command


class _InProject:
    """A file or folder of the project as an attribute of its config: ``root / name``,
    the name declared once in project/paths.py."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, config: ProjectConfig, owner: type[ProjectConfig]) -> Path:
        return config.root / self.name


@dataclass(frozen=True)
class ProjectConfig:
    """handouts.toml, validated, with every default filled in (``load_config``)."""

    root: Path
    clinic: Clinic
    brand: Brand
    paper: str
    default_lang: str
    languages: tuple[str, ...]
    review_interval_months: int
    due_soon_days: int
    target_grade: float
    max_grade: float
    crisis: CrisisSettings
    disclaimer: Mapping[str, str]
    source_text: str = field(repr=False, default="")
    online_url: str = ""  # [online] url pattern, "" when handouts have no online copy
    email: EmailSettings = field(default_factory=EmailSettings)
    # [search] synonyms: a word or phrase, and what a search for it also finds.
    search_synonyms: Mapping[str, str] = field(default_factory=dict)
    # [desk]: the front desk's idle timeout and email send limit.
    desk_idle_minutes: int = 15
    desk_emails_per_hour: int = 30
    # [print] date_style, or the region's: "month-day-year" or "day-month-year".
    date_style: str = regions.MONTH_DAY_YEAR
    # [languages] notice: print the notice of free language help in every listed language.
    language_notice: bool = False
    # [languages] reviewed_translations: bundled words a qualified translator has checked.
    reviewed_translations: tuple[str, ...] = ()

    @property
    def listed_languages(self) -> tuple[str, ...]:
        """The default language, then ``[languages] expected``, each once."""
        return tuple(dict.fromkeys((self.default_lang, *self.languages)))

    printers: Mapping[str, PrinterSettings] = field(default_factory=dict)

    # Not dataclass fields (no annotation): paths computed from ``root``.
    config_path = _InProject(CONFIG_NAME)
    handouts_dir = _InProject(paths.HANDOUTS)
    templates_dir = _InProject(paths.TEMPLATES)
    styles_dir = _InProject(paths.STYLES)
    build_dir = _InProject(paths.BUILD)


# --- the schema -------------------------------------------------------------------------

Check = Callable[[Any], str | None]  # returns a complaint, or None when the value is fine


@dataclass(frozen=True)
class Key:
    """One key of handouts.toml's schema (``SCHEMA``): the type its value must have, its
    default, whether it is required, and how ``load_config`` checks the value."""

    kind: type | tuple[type, ...]
    default: Any = None
    required: bool = False
    check: Check | None = None
    hint: str = ""  # added to the message when the value has the wrong type


def _nonempty(value: Any) -> str | None:
    return None if str(value).strip() else "must not be empty"


def _colour(value: Any) -> str | None:
    return None if _COLOUR_RE.match(str(value)) else "expected a colour like '#1f4e79'"


def _paper(value: Any) -> str | None:
    return None if str(value).lower() in PAPER_SIZES else "expected 'letter' or 'a4'"


def _lang(value: Any) -> str | None:
    return None if _LANG_RE.match(str(value)) else "expected a language code like 'en' or 'es'"


def _langs(value: Any) -> str | None:
    bad = [v for v in value if not isinstance(v, str) or not _LANG_RE.match(v)]
    return f"not language codes: {bad}" if bad else None


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _region(value: Any) -> str | None:
    # Case does not matter, as for paper sizes: "gb" is GB.
    return None if re.match(r"^[A-Za-z]{2}$", str(value)) else "expected a region code like 'US'"


def _date_style(value: Any) -> str | None:
    styles = " or ".join(f"'{s}'" for s in regions.DATE_STYLES)
    return None if str(value).lower() in regions.DATE_STYLES else f"expected {styles}"


def _host(value: Any) -> str | None:
    ok = re.match(r"^[A-Za-z0-9.:\[\]-]+$", str(value)) and "://" not in str(value)
    return None if ok else "expected a host name like 'smtp.example.org', nothing else"


def _port(value: Any) -> str | None:
    return None if 1 <= value <= 65535 else "expected a port number from 1 to 65535"


def _security(value: Any) -> str | None:
    return None if value in SECURITY_MODES else "expected 'starttls', 'ssl' or 'none'"


def _address(value: Any) -> str | None:
    return address_complaint(str(value)) if value else None


def _attempts(value: Any) -> str | None:
    return None if 1 <= value <= 5 else "expected a whole number from 1 to 5"


def _one_line(value: Any) -> str | None:
    return "must be on one line, without control characters" if has_control(str(value)) else None


SCHEMA: dict[str, dict[str, Key]] = {
    "clinic": {
        "name": Key(str, required=True, check=_nonempty),
        "phone": Key(str, required=True, check=_nonempty),
        "address": Key(str, default=""),
        "website": Key(str, default=""),
        "logo": Key(str, default=""),
    },
    "brand": {
        "color": Key(str, default="#1f4e79", check=_colour),
        "accent": Key(str, default="#f2f6fa", check=_colour),
        "text": Key(str, default="#111111", check=_colour),
        "font": Key(str, default="DejaVu Sans", check=_nonempty),
    },
    "print": {
        # Both default to the region's ([crisis] region): A4 and 21 November 2026 in GB/AU.
        "paper": Key(str, default=None, check=_paper),
        "date_style": Key(str, default=None, check=_date_style),
    },
    "languages": {
        "default": Key(str, default="en", check=_lang),
        "expected": Key(list, default=[], check=_langs),
        # The Section 1557 taglines: free language help, in every listed language.
        "notice": Key(bool, default=False),
        # Bundled words a qualified translator has checked ("translation-unreviewed").
        "reviewed_translations": Key(list, default=[], check=_langs),
    },
    "review": {
        "interval_months": Key(int, default=24, check=_positive),
        "due_soon_days": Key(int, default=60, check=_positive),
    },
    "readability": {
        "target_grade": Key((int, float), default=6, check=_positive),
        "max_grade": Key((int, float), default=8, check=_positive),
    },
    "crisis": {
        "region": Key(str, default="US", check=_region),
        "max_age_days": Key(int, default=180, check=_positive),
        "verified_on": Key(dt.date, default=None, hint="a date like 2026-11-21, no quotes"),
        "verified_by": Key(str, default=""),
    },
    "online": {
        # Public address of each handout's current PDF; a QR code for it is printed.
        "url": Key(str, default="", check=online.check_pattern),
    },
    "email": {
        "host": Key(str, default="", check=_host),
        "port": Key(int, default=0, check=_port, hint="default: 587, or 465 for ssl"),
        "security": Key(str, default="starttls", check=_security),
        "username": Key(str, default="", check=_one_line),
        "from_address": Key(str, default="", check=_address),
        "reply_to": Key(str, default="", check=_address),
        "ca_file": Key(str, default=""),
        "timeout_seconds": Key((int, float), default=20, check=_positive),
        "attempts": Key(int, default=3, check=_attempts),
        "send_log": Key((bool, str), default=False, hint="true, or a file name"),
    },
}


def _synonyms(value: Any) -> str | None:
    for key, text in value.items():
        if not isinstance(text, str) or not text.strip() or not str(key).strip():
            return (
                f'expected words in quotes on both sides, like BP = "blood pressure"; check {key!r}'
            )
    return None


SCHEMA["search"] = {
    # Words and phrases a search also finds something else by: { BP = "blood pressure" }.
    "synonyms": Key(dict, default={}, check=_synonyms),
}
SCHEMA["desk"] = {
    # handouts desk: minutes without a request before a session ends (a shared computer).
    "idle_minutes": Key(int, default=15, check=_positive),
    # Emails one staff member may send in an hour (a stolen session is no spam relay).
    "emails_per_hour": Key(int, default=30, check=_positive),
}
# Keys that must never be in the file, and what to do instead (the value is never echoed).
FORBIDDEN = {
    ("email", "password"): (
        f"never write the password in this file: delete this line and set the "
        f"environment variable {PASSWORD_ENV} instead"
    ),
}
# [printers.<name>]: one table per printer, each with these keys (checked in _printers).
PRINTER_KEYS: dict[str, Key] = {
    "queue": Key(str, required=True, hint='the CUPS queue name, like "front-desk"'),
    "server": Key(str, default="", check=_host, hint='"host:port" of a CUPS server'),
    "paper": Key(str, default=None, check=_paper, hint="default: [print] paper"),
    "double_sided": Key(bool, default=True),
}
_PRINTER_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
# What CUPS allows in a queue name: printable, no spaces, slashes, "#" or quotes.
_QUEUE_RE = re.compile(r"^[^\s/#\\'\"\x00-\x1f\x7f]{1,127}$")
# [disclaimer] is open-ended: one text per language code; [printers] holds named tables.
FREE_TABLES = {"disclaimer", "printers"}
_TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    list: "a list",
    dict: 'a table, like { BP = "blood pressure" }',
    dt.date: "a date",
    bool: "true or false",
}


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)


def locate(text: str, table: str, key: str | None = None) -> int:
    """The 1-based line of ``[table]`` (or of ``key`` inside it); 0 when absent."""
    current = ""
    table_line = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("[") and not line.startswith("[["):
            current = line.strip("[] ")
            if current == table:
                table_line = number
            continue
        if current == table and key is not None and re.match(rf"^\"?{re.escape(key)}\"?\s*=", line):
            return number
    return table_line


# tomllib's messages, in words a clinic's IT person can act on.
_TOML_WORDS = (
    (
        "Invalid value",
        'this value cannot be read. Put text in double quotes (name = "Riverside '
        'Clinic"); write numbers, dates and true/false without quotes '
        "(max_age_days = 180, verified_on = 2026-11-21)",
    ),
    (
        "Invalid date or datetime",
        "this date is not a day on the calendar; write it as YYYY-MM-DD, without quotes, "
        "like 2026-11-21",
    ),
    (
        "Expected '=' after a key",
        "each setting is written as name = value on one line; this line has no '=' "
        "(or a space inside the name)",
    ),
    ("Unclosed array", "a list that starts with '[' has no closing ']'"),
    ("Unclosed inline table", "a group that starts with '{' has no closing '}'"),
    (
        "Unterminated string",
        'a text value has no closing quote; end it with " on the same line',
    ),
    (
        "Illegal character",
        "a text value has no closing quote, or a line break or control character "
        'inside; keep it on one line and end it with "',
    ),
    ("Cannot overwrite a value", "this setting is given twice; keep one of the two lines"),
    ("Cannot declare", "this [table] heading is given twice; keep one"),
    (
        "Expected newline or end of document",
        "there is something after the value on this line; put each setting on its own "
        "line, and start notes with #",
    ),
    (
        "Invalid statement",
        "this line is not a setting (name = value), a [table] heading or a note starting with #",
    ),
)


def explain_toml(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int, str]:
    """(line, message in words) for a TOML file that does not parse."""
    raw = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", raw)
    line = int(match.group(1)) if match else 0
    what = raw[: match.start()].strip() if match else raw
    words = next((w for prefix, w in _TOML_WORDS if what.startswith(prefix)), None)
    if words is None:
        words = f"the file cannot be read ({what})"
    shown = ""
    if line:
        lines = text.splitlines()
        if line <= len(lines) and lines[line - 1].strip():
            shown = f" The line reads: {lines[line - 1].strip()[:80]}"
    return line, f"{words}.{shown}"


def suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def load_config(root: Path) -> ProjectConfig:
    """Read and validate ``root/handouts.toml``; raise ConfigError listing every problem."""
    path = root / CONFIG_NAME
    rel = CONFIG_NAME
    if not path.is_file():
        raise ConfigError(
            [
                error(
                    rel,
                    0,
                    "config",
                    f"no {CONFIG_NAME} in {root}. Run the command inside a clinic "
                    "project folder, give one with --project DIR, or create one "
                    "with 'handouts init DIR'.",
                )
            ]
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(
            [error(rel, 0, "config", "the file is not UTF-8 text; save it as UTF-8 in your editor")]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, words = explain_toml(exc, text)
        raise ConfigError([error(rel, line, "config", words)]) from None

    problems: list[Problem] = []
    values: dict[str, dict[str, Any]] = {}
    for table in data:
        if table not in SCHEMA and table not in FREE_TABLES:
            known = set(SCHEMA) | FREE_TABLES
            problems.append(
                error(
                    rel,
                    locate(text, table),
                    "config",
                    f"unknown table [{table}]{suggest(table, known)}",
                )
            )
    for table, keys in SCHEMA.items():
        raw = data.get(table, {})
        if not isinstance(raw, dict):
            problems.append(
                error(rel, locate(text, table), "config", f"{table}: expected a table [{table}]")
            )
            raw = {}
        values[table] = {}
        for name in raw:
            if name not in keys:
                why = FORBIDDEN.get((table, name)) or f"unknown key{suggest(name, keys)}"
                problems.append(
                    error(rel, locate(text, table, name), "config", f"{table}.{name}: {why}")
                )
        for name, key in keys.items():
            where = locate(text, table, name) or locate(text, table)
            if name not in raw:
                if key.required:
                    problems.append(
                        error(
                            rel,
                            where,
                            "config",
                            f"{table}.{name}: required; add it under [{table}]",
                        )
                    )
                values[table][name] = key.default
                continue
            value = raw[name]
            kinds = key.kind if isinstance(key.kind, tuple) else (key.kind,)
            # TOML dates parse as datetime.date; bool is an int subclass, refuse it for numbers.
            if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
                hint = f" ({key.hint})" if key.hint else ""
                problems.append(
                    error(
                        rel,
                        where,
                        "config",
                        f"{table}.{name}: expected {_type_name(key.kind)}, got {value!r}{hint}",
                    )
                )
                values[table][name] = key.default
                continue
            complaint = key.check(value) if key.check else None
            if complaint:
                problems.append(
                    error(rel, where, "config", f"{table}.{name}: {complaint}, got {value!r}")
                )
                values[table][name] = key.default
                continue
            values[table][name] = value

    disclaimer_raw = data.get("disclaimer", {})
    disclaimer: dict[str, str] = {}
    if not isinstance(disclaimer_raw, dict):
        disclaimer_raw = {}
    for lang, text_value in disclaimer_raw.items():
        where = locate(text, "disclaimer", lang)
        if _lang(lang) is not None:
            problems.append(
                error(
                    rel,
                    where,
                    "config",
                    f"disclaimer.{lang}: not a language code like 'en' or 'es'",
                )
            )
        elif not isinstance(text_value, str) or not text_value.strip():
            problems.append(
                error(rel, where, "config", f"disclaimer.{lang}: expected the disclaimer text")
            )
        else:
            disclaimer[lang] = " ".join(text_value.split())
    default_lang = values["languages"]["default"]
    if default_lang not in disclaimer:
        problems.append(
            error(
                rel,
                locate(text, "disclaimer"),
                "config",
                f"disclaimer.{default_lang}: every handout prints the disclaimer; "
                f'add [disclaimer] {default_lang} = "..."',
            )
        )

    logo = values["clinic"]["logo"]
    if logo:
        found = addresses.locate(root / logo, (root.resolve(),))
        if addresses.refusal(logo) or found.status in ("outside", "linked-outside"):
            problems.append(
                error(
                    rel,
                    locate(text, "clinic", "logo"),
                    "config",
                    f"clinic.logo: {logo!r} is outside the project folder; "
                    "copy the logo into styles/ and point to it there",
                )
            )
        elif not found.ok:
            problems.append(
                error(
                    rel,
                    locate(text, "clinic", "logo"),
                    "config",
                    f"clinic.logo: no file at {logo!r}",
                )
            )

    brand = values["brand"]
    for pairing, actual in contrast.failures(brand["color"], brand["accent"], brand["text"]):
        problems.append(
            error(
                rel,
                locate(text, "brand", pairing.key) or locate(text, "brand"),
                "config",
                contrast.describe(pairing, actual),
            )
        )

    readability = values["readability"]
    if readability["target_grade"] > readability["max_grade"]:
        problems.append(
            error(
                rel,
                locate(text, "readability", "target_grade"),
                "config",
                "readability.target_grade must not be above max_grade",
            )
        )

    crisis = values["crisis"]
    if crisis["verified_on"] is not None and not str(crisis["verified_by"]).strip():
        problems.append(
            error(
                rel,
                locate(text, "crisis", "verified_on"),
                "config",
                "crisis.verified_on: say who confirmed the crisis services: add "
                'verified_by = "Name, credentials" under [crisis] (the person who called '
                "or checked each one on that day)",
            )
        )

    email, email_problems = _email_settings(values["email"], text, root)
    problems.extend(email_problems)
    local = regions.defaults(crisis["region"].upper())
    paper = (values["print"]["paper"] or local.paper).lower()  # the region's, unless given
    printers, printer_problems = _printers(data.get("printers", {}), text, paper)
    problems.extend(printer_problems)

    if problems:
        raise ConfigError(problems)

    langs = values["languages"]
    region = crisis["region"].upper()
    return ProjectConfig(
        root=root,
        clinic=Clinic(**values["clinic"]),
        brand=Brand(**values["brand"]),
        paper=paper,
        date_style=(values["print"]["date_style"] or local.date_style).lower(),
        default_lang=default_lang,
        languages=tuple(langs["expected"]),
        review_interval_months=values["review"]["interval_months"],
        due_soon_days=values["review"]["due_soon_days"],
        target_grade=float(readability["target_grade"]),
        max_grade=float(readability["max_grade"]),
        crisis=CrisisSettings(
            region=region,
            max_age_days=crisis["max_age_days"],
            verified_on=crisis["verified_on"],
            verified_by=crisis["verified_by"],
        ),
        disclaimer=disclaimer,
        source_text=text,
        online_url=values["online"]["url"],
        email=email,
        language_notice=langs["notice"],
        reviewed_translations=tuple(langs["reviewed_translations"]),
        search_synonyms={str(k): str(v) for k, v in values["search"]["synonyms"].items()},
        desk_idle_minutes=values["desk"]["idle_minutes"],
        desk_emails_per_hour=values["desk"]["emails_per_hour"],
        printers=printers,
    )


def _email_settings(
    values: Mapping[str, Any], text: str, root: Path
) -> tuple[EmailSettings, list[Problem]]:
    """``[email]`` after the per-key checks: the rules that involve several keys or files."""
    problems: list[Problem] = []

    def complain(key: str, message: str) -> None:
        where = locate(text, "email", key) or locate(text, "email")
        problems.append(error(CONFIG_NAME, where, "config", f"email.{key}: {message}"))

    security = values["security"]
    host = values["host"]
    if security == "none" and host and host.strip("[]") not in LOOPBACK_HOSTS:
        complain(
            "security",
            f"'none' sends in clear text, so it is only allowed to this computer "
            f"(host = \"127.0.0.1\"); for {host!r} use 'starttls' or 'ssl'",
        )
    ca_file: Path | None = None
    if values["ca_file"]:
        ca_file = (root / values["ca_file"]).resolve()
        if not ca_file.is_file():
            complain("ca_file", f"no file at {values['ca_file']!r}")
    send_log: Path | None = None
    if values["send_log"] is True:
        send_log = root / "send-log.jsonl"
    elif isinstance(values["send_log"], str):
        if not values["send_log"].strip():
            complain("send_log", "give a file name, or true for send-log.jsonl")
        else:
            send_log = root / values["send_log"]
    settings = EmailSettings(
        host=host,
        port=values["port"] or DEFAULT_PORTS[security],
        security=security,
        username=values["username"],
        from_address=values["from_address"],
        reply_to=values["reply_to"],
        ca_file=ca_file,
        timeout_seconds=float(values["timeout_seconds"]),
        attempts=values["attempts"],
        send_log=send_log,
    )
    return settings, problems


def _printers(raw: Any, text: str, paper: str) -> tuple[dict[str, PrinterSettings], list[Problem]]:
    """``[printers.<name>]`` tables, every key checked with its line.

    Whether the queue exists is asked of CUPS when printing (printing/cups.py), and an
    unknown one is reported at the ``queue`` line then: reading the config never opens a
    connection.
    """
    problems: list[Problem] = []
    printers: dict[str, PrinterSettings] = {}

    def complain(table: str, key: str | None, message: str) -> None:
        where = locate(text, table, key) or locate(text, table) or locate(text, "printers")
        problems.append(error(CONFIG_NAME, where, "config", message))

    if not isinstance(raw, dict):
        complain("printers", None, "printers: expected tables like [printers.front-desk]")
        return printers, problems
    for name, table in raw.items():
        where = f"printers.{name}"
        if not _PRINTER_NAME_RE.match(name):
            complain(
                where,
                None,
                f"{where}: a printer's name is letters, digits, - and _ (like front-desk)",
            )
            continue
        if not isinstance(table, dict):
            complain(
                "printers",
                name,
                f'{where}: expected a table: [{where}] with queue = "..." under it',
            )
            continue
        settings: dict[str, Any] = {}
        for key in table:
            if key not in PRINTER_KEYS:
                complain(where, key, f"{where}.{key}: unknown key{suggest(key, PRINTER_KEYS)}")
        for key, spec in PRINTER_KEYS.items():
            if key not in table:
                if spec.required:
                    complain(
                        where,
                        None,
                        f"{where}.{key}: required ({spec.hint}); add it under [{where}]",
                    )
                settings[key] = spec.default
                continue
            value = table[key]
            if not isinstance(value, spec.kind) or (
                isinstance(value, bool) and spec.kind is not bool
            ):
                hint = f" ({spec.hint})" if spec.hint else ""
                complain(
                    where,
                    key,
                    f"{where}.{key}: expected {_type_name(spec.kind)}, got {value!r}{hint}",
                )
                settings[key] = spec.default
                continue
            complaint = spec.check(value) if spec.check else None
            if key == "queue" and not _QUEUE_RE.match(str(value)):
                complaint = "expected a CUPS queue name (no spaces, / or #)"
            if complaint:
                complain(where, key, f"{where}.{key}: {complaint}, got {value!r}")
                settings[key] = spec.default
                continue
            settings[key] = value
        if settings["queue"]:
            printers[name] = PrinterSettings(
                name=name,
                queue=settings["queue"],
                server=settings["server"],
                paper=(settings["paper"] or paper).lower(),
                double_sided=settings["double_sided"],
            )
    return printers, problems
