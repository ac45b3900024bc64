"""Regions: what differs between the countries the tool knows, read from the bundled crisis
data of every region (``data/crisis/<REGION>.toml``).

- ``defaults``: the paper size and date style a region uses unless handouts.toml says
  otherwise (A4 and 21 November 2026 in GB and AU; letter in the US and Canada).
- ``ForeignNumber`` and ``foreign_numbers``: every crisis and emergency number of the other
  regions, as a pattern, so a handout that prints one (988 in a UK handout, 999 in a US
  one) is caught: that number does not reach help where the reader is.

Numbers are matched like the outdated contacts (data/crisis/outdated.toml): never as
part of a longer number (555-988-1234), a thousands group (1,000) or a dose (911 mg).
A number of three digits or fewer (988, 911, 999, 111, 000) also needs a word about
calling or help near it on its line ("call", "text", "emergency", "line"...), so "Room 111"
and "111 Main Street" are not read as NHS 111.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

BUNDLED = ("US", "CA", "GB", "AU")
DAY_MONTH_YEAR = "day-month-year"
MONTH_DAY_YEAR = "month-day-year"
DATE_STYLES = (MONTH_DAY_YEAR, DAY_MONTH_YEAR)


@dataclass(frozen=True)
class RegionDefaults:
    """The paper size and date style a country uses: what ``[print]`` in handouts.toml gets
    when it leaves them out (``defaults``)."""

    paper: str
    date_style: str


_DEFAULTS = {
    "US": RegionDefaults("letter", MONTH_DAY_YEAR),
    "CA": RegionDefaults("letter", MONTH_DAY_YEAR),
    "GB": RegionDefaults("a4", DAY_MONTH_YEAR),
    "AU": RegionDefaults("a4", DAY_MONTH_YEAR),
}


def defaults(region: str) -> RegionDefaults:
    """The region's paper and date style; a region the tool does not know gets the US ones
    (what every project had before regions set them), and handouts.toml can change both."""
    return _DEFAULTS.get(region.upper(), _DEFAULTS["US"])


_SEP = r"[\s.\-\u2010-\u2015\u2212]"
_DASH = r"[\-\u2010-\u2015\u2212]"
# Not the end of a longer number, a thousands group or a word.
_BEFORE = r"(?<![\w+])(?<!\d[.,/\-\u2010-\u2015\u2212])(?<!\d\s)"
# Not the start of a longer number, a phone number's next group, a word or a dose.
_AFTER = (
    r"(?![\w])(?![.,/\-\u2010-\u2015\u2212]\d)(?!\s\d{3})"
    r"(?!\s?(?:mg|mcg|µg|ml|g|kg|mm|cm|%|units?|iu)\b)"
)
# Words about calling or getting help (English, Spanish, French: the bundled languages).
# Not "number": "sheet number 111" or "room number 999" is no phone number.
_CALL_WORDS = re.compile(
    r"\b(?:call|calls|calling|text|texting|dial|phone|ring|contact|emergency|emergencies|"
    r"crisis|help|helpline|lifeline|hotline|line|ambulance|police|urgent|tel|"
    r"llame|llamar|marque|env[ií]e|mensaje|emergencias?|ayuda|l[ií]nea|"
    r"appelez|composez|textez|urgence|aide|ligne)\b",
    re.IGNORECASE,
)
SHORT = 3  # numbers this long or shorter need a call word near them
_NEAR_BEFORE, _NEAR_AFTER = 50, 30


def number_pattern(contact: str) -> re.Pattern[str]:
    """A pattern for a phone number as people write it: ``116 123`` also as 116123 or
    116-123; ``988`` also as 9-8-8; ``1-800-668-6868`` also as (800) 668-6868."""
    groups = re.findall(r"\d+", contact)
    if len("".join(groups)) <= SHORT and len(groups) == 1:
        body = f"{_DASH}?".join(groups[0])  # 9-8-8 is how Canada writes 988
    else:
        parts = [re.escape(g) for g in groups]
        if len(groups) == 4 and groups[0] == "1":  # a North American number: 1 is optional
            body = rf"(?:\+?1{_SEP}{{0,3}})?\(?{parts[1]}\)?{_SEP}{{0,3}}" + f"{_SEP}{{0,3}}".join(
                parts[2:]
            )
        else:
            body = f"{_SEP}{{0,3}}".join(parts)
    return re.compile(_BEFORE + body + _AFTER, re.IGNORECASE)


def in_country(name: str) -> str:
    """ "the United Kingdom", "Canada": how a sentence says "in <country>"."""
    return f"the {name}" if name.startswith("United ") else name


def digits(contact: str) -> str:
    return "".join(re.findall(r"\d", contact))


@dataclass(frozen=True)
class ForeignNumber:
    """A crisis or emergency number of other regions (988 is both the US's and Canada's)."""

    number: str  # as the bundled data writes it
    services: tuple[str, ...]  # "988 Suicide & Crisis Lifeline (United States)", ...
    countries: tuple[str, ...]  # "United States", "Canada"
    emergency: bool  # an emergency number (911, 999, 000), not a crisis line
    pattern: re.Pattern[str]

    def find(self, text: str) -> list[tuple[int, str]]:
        """(offset, matched text) for each place ``text`` prints this number."""
        hits = []
        short = len(digits(self.number)) <= SHORT
        for match in self.pattern.finditer(text):
            if short:
                start = max(text.rfind("\n", 0, match.start()) + 1, match.start() - _NEAR_BEFORE)
                line_end = text.find("\n", match.end())
                end = min(len(text) if line_end < 0 else line_end, match.end() + _NEAR_AFTER)
                near = text[start : match.start()] + " " + text[match.end() : end]
                if not _CALL_WORDS.search(near):
                    continue
            hits.append((match.start(), match.group(0)))
        return hits


def _bundled(region: str) -> dict[str, Any]:
    source = resources.files("clinic_handouts") / "data" / "crisis" / f"{region}.toml"
    return tomllib.loads(source.read_text(encoding="utf-8"))


def foreign_numbers(region: str, own_contacts: set[str]) -> tuple[ForeignNumber, ...]:
    """Every bundled region's crisis and emergency numbers that are not ``region``'s own
    (``own_contacts``: the numbers its crisis data prints, as digits)."""
    found: dict[str, dict[str, Any]] = {}
    for other in BUNDLED:
        if other == region:
            continue
        data = _bundled(other)
        country = str(data.get("name", other))
        for entry in data["resources"]:
            english = entry.get("en", {})
            for contact in entry["contacts"]:
                key = digits(str(contact))
                if not key or key in own_contacts:
                    continue
                item = found.setdefault(
                    key,
                    {"number": str(contact), "services": [], "countries": [], "emergency": False},
                )
                if country not in item["countries"]:
                    item["countries"].append(country)
                    item["services"].append(str(english.get("name", entry["key"])))
                item["emergency"] = item["emergency"] or entry["key"] == "emergency"
    numbers = [
        ForeignNumber(
            number=item["number"],
            services=tuple(item["services"]),
            countries=tuple(item["countries"]),
            emergency=item["emergency"],
            pattern=number_pattern(item["number"]),
        )
        for item in found.values()
    ]
    # Longest first: "0477 13 11 14" is reported once, not also as "13 11 14".
    return tuple(sorted(numbers, key=lambda n: -len(digits(n.number))))
