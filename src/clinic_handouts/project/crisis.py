"""The crisis directory: which crisis resources a handout prints, how fresh they are, and
which old contacts must never be printed again.

Data, not code: bundled ``data/crisis/<REGION>.toml`` (every entry with its source), which
a project can replace with its own ``crisis/<REGION>.toml``; outdated-contact patterns in
``data/crisis/outdated.toml``. The clinic's own confirmation (``[crisis] verified_on`` in
handouts.toml) counts instead of the bundled ``checked_on`` date.

Advice is always about the project's region: an outdated contact of another country, or
another country's crisis or emergency number (project/regions.py), is answered with the
region's own services (its ``[advice]``), never with the numbers of the country the
contact came from. Freshness: ``crisis-data-due-soon`` (a warning) from ``DUE_SOON_DAYS``
before the limit, ``crisis-data-stale`` (an error that stops every build) after it.

A crisis box in the reader's language, for every language: a region's services list the
languages they answer in; for any other language a region file may say, in that language,
how to reach the same help through an interpreter (``[interpreter]``: in the US, call 988
and say the name of your language in English; 911 too). Only where neither exists is the
box printed in the region's main language, with a note (``crisis-language-fallback``).
The interpreter texts are crisis entries like the others: the same file, the same
``checked_on``, the same confirmation by the clinic's reviewer.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from clinic_handouts.errors import ConfigError, Problem, error, warning
from clinic_handouts.project import paths
from clinic_handouts.project.config import CONFIG_NAME, ProjectConfig, explain_toml
from clinic_handouts.project.regions import ForeignNumber, digits, foreign_numbers, in_country
from clinic_handouts.project.words import closest

STALE = "crisis-data-stale"
DUE_SOON = "crisis-data-due-soon"
DUE_SOON_DAYS = 30  # warn this long before the data may no longer be printed


@dataclass(frozen=True)
class Resource:
    """One crisis service as the crisis box prints it, in one language: a
    ``[[resources]]`` entry of the region's crisis data."""

    key: str  # the entry's own name in the data: "988", "emergency"
    name: str  # printed in bold: "988 Suicide & Crisis Lifeline"
    how: str  # how to reach it, in a sentence or two
    options: tuple[str, ...]  # printed as a list under it: "Veterans: call 988, then press 1."
    contacts: tuple[str, ...]  # what the build verifies is printed in the body box
    source: str  # where the entry was checked, for the reviewer; never printed


@dataclass(frozen=True)
class CrisisInfo:
    """What one handout prints: the footer line and the body box, in one language."""

    lang: str  # the language the resources are printed in
    footer: str
    resources: tuple[Resource, ...]
    fallback: bool  # True when the handout's language had no resources of its own
    # True when the box tells the reader, in their language, to ask for an interpreter.
    interpreted: bool = False


# The characters Python's case-insensitive patterns match to an ASCII letter besides its
# two cases (checked against every character in tests/checks/test_crisis_contacts.py).
# ``screen_text`` writes them as that letter, so a word a match contains is in the
# screen text whatever the match's letters were: "ſuicide" (long s) matches "suicide".
_ASCII_FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


_FOLDED = "\u0130\u0131\u017f\u212a"


def screen_text(text: str) -> str:
    """``text`` in lower case, for ``OutdatedContact.find``'s quick screens."""
    if any(char in text for char in _FOLDED):  # rare; translate() is slow, so only then
        text = text.translate(_ASCII_FOLDS)
    return text.lower()


@dataclass(frozen=True)
class OutdatedContact:
    """A crisis contact that must never be printed again (an ``[[outdated]]`` entry of
    data/crisis/outdated.toml), and what to print instead."""

    what: str  # named in the problem's message: "the old US National Suicide ... number"
    pattern: re.Pattern[str]
    instead: str  # the advice in ``region``
    region: str  # the country whose service it was
    # Lower-case words or digits every match contains: the pattern runs only on a text
    # holding one of them (most handouts hold none; the patterns have no literal start
    # and are slow to try at every position). Empty: always run.
    needs: tuple[str, ...] = ()
    # A pattern every match contains, in lower case (``needs_pattern``): the pattern runs
    # only on a text where it is found. For a pattern whose words are common inside
    # other words ("press" in "depression"), where ``needs`` alone lets it run on
    # almost every handout: 0.3 ms each.
    screen: re.Pattern[str] | None = None

    def find(self, text: str, lowered: str) -> Iterator[re.Match[str]]:
        """The matches in ``text``; ``lowered`` is ``screen_text(text)``."""
        if self.needs and not any(word in lowered for word in self.needs):
            return iter(())
        if self.screen is not None and not self.screen.search(lowered):
            return iter(())
        return self.pattern.finditer(text)


@dataclass(frozen=True)
class Advice:
    """What a check message tells the writer to print, in this region (English)."""

    crisis: str
    emergency: str


@dataclass(frozen=True)
class CrisisDirectory:
    """The project's region's crisis data, loaded once (``load_crisis``): the footer line
    and crisis box for any language, how fresh the data is, and the contacts and numbers
    the checks refuse."""

    region: str  # "US", "GB": the crisis data file's name
    region_name: str  # "United States", for messages
    data_file: str  # where the data came from, for messages
    checked_on: dt.date  # the data file's date, checked against each entry's source
    # [crisis] verified_on and verified_by in handouts.toml: the clinic's own
    # confirmation, which counts instead of checked_on.
    verified_on: dt.date | None
    verified_by: str
    default_lang: str  # the box's language when a handout's has neither services nor help
    footers: Mapping[str, str]  # language -> footer line; the languages the services answer
    entries: tuple[Mapping[str, Any], ...]  # the [[resources]] tables, as read
    outdated: tuple[OutdatedContact, ...]
    fingerprint_text: str  # the raw data, so builds can tell when it changed
    advice: Advice = Advice("the crisis services in the crisis box", "your emergency number")
    foreign: tuple[ForeignNumber, ...] = ()  # other regions' crisis and emergency numbers
    # [interpreter]: the footer and services, per language, for the languages the
    # services above do not answer in.
    interpreter_footers: Mapping[str, str] = field(default_factory=dict)
    interpreter_entries: tuple[Mapping[str, Any], ...] = ()
    # for_lang's answers: a build asks for each handout's box four times.
    _boxes: dict[str, CrisisInfo] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def confirmed_on(self) -> dt.date:
        return self.verified_on or self.checked_on

    @property
    def languages(self) -> set[str]:
        return set(self.footers)

    def for_lang(self, lang: str) -> CrisisInfo:
        """The box for a handout in ``lang``: the services in that language (or the same
        language written for another country: fr-CA reads fr), else the interpreter
        route in that language, else the region's main language with a note."""
        box = self._boxes.get(lang)
        if box is None:
            box = self._boxes[lang] = self._box_for(lang)
        return box

    def _box_for(self, lang: str) -> CrisisInfo:
        own = closest(lang, self.footers)
        if own is not None:
            return CrisisInfo(own, self.footers[own], _resources(self.entries, own), False)
        helped = closest(lang, self.interpreter_footers)
        if helped is not None:
            return CrisisInfo(
                helped,
                self.interpreter_footers[helped],
                _resources(self.interpreter_entries, helped),
                fallback=False,
                interpreted=True,
            )
        used = self.default_lang
        return CrisisInfo(used, self.footers[used], _resources(self.entries, used), True)

    def staleness(self, today: dt.date, max_age_days: int) -> Problem | None:
        """``crisis-data-stale`` past the limit, ``crisis-data-due-soon`` in the
        ``DUE_SOON_DAYS`` before it, else None."""
        age = (today - self.confirmed_on).days
        left = max_age_days - age
        if left > DUE_SOON_DAYS:
            return None
        if self.verified_on and self.verified_by:
            who = f"confirmed by {self.verified_by} on {self.verified_on}"
        elif self.verified_on:
            who = f"confirmed on {self.verified_on}"
        else:
            who = f"last checked against its sources on {self.checked_on}"
        ask = (
            f"Ask your clinical reviewer to call or check each service in {self.data_file}, "
            f"then set verified_on = {today.isoformat()} and verified_by (their name) under "
            f"[crisis] in {CONFIG_NAME}"
        )
        if left >= 0:
            last = self.confirmed_on + dt.timedelta(days=max_age_days)
            return warning(
                CONFIG_NAME,
                0,
                DUE_SOON,
                f"the {self.region_name} crisis data was {who}, {age} days ago. After "
                f"{last} (in {left} day{'s' if left != 1 else ''}) no handout can be "
                f"built or emailed until it is confirmed again. {ask}",
            )
        return error(
            CONFIG_NAME,
            0,
            STALE,
            f"the {self.region_name} crisis data was {who}, {age} days ago "
            f"(the limit is {max_age_days} days). {ask}",
        )

    def outdated_in(self, text: str) -> list[tuple[int, OutdatedContact, str]]:
        """(offset, contact, matched text) for every outdated contact in ``text``."""
        hits = []
        lowered = screen_text(text)
        for contact in self.outdated:
            for match in contact.find(text, lowered):
                hits.append((match.start(), contact, match.group(0)))
        return sorted(hits, key=lambda hit: hit[0])

    def instead_of(self, contact: OutdatedContact) -> str:
        """What to print instead of an outdated contact, in this region."""
        if contact.region == self.region:
            return contact.instead
        return (
            f"the services of {in_country(self.region_name)} instead (this was a service "
            "of another country): "
            f"{self.advice.crisis}; in an emergency, {self.advice.emergency}"
        )

    def foreign_in(self, text: str) -> list[tuple[int, ForeignNumber, str]]:
        """(offset, number, matched text) for every other region's number in ``text``;
        a number inside a longer one found first (0477 13 11 14) is reported once."""
        hits: list[tuple[int, ForeignNumber, str]] = []
        taken: list[tuple[int, int]] = []
        for number in self.foreign:  # longest first
            for offset, found in number.find(text):
                end = offset + len(found)
                if any(start < end and offset < stop for start, stop in taken):
                    continue
                taken.append((offset, end))
                hits.append((offset, number, found))
        return sorted(hits, key=lambda hit: hit[0])


def _resources(entries: tuple[Mapping[str, Any], ...], lang: str) -> tuple[Resource, ...]:
    return tuple(
        Resource(
            key=str(entry["key"]),
            name=str(entry[lang]["name"]),
            how=str(entry[lang]["how"]),
            options=tuple(str(o) for o in entry[lang].get("options", [])),
            contacts=tuple(str(c) for c in entry["contacts"]),
            source=str(entry["source"]),
        )
        for entry in entries
        if lang in entry
    )


def _read(project_root: Path, name: str) -> tuple[str, str] | None:
    local = project_root / paths.CRISIS / name
    if local.is_file():
        return local.read_text(encoding="utf-8"), f"crisis/{name}"
    bundled = resources.files("clinic_handouts") / "data" / "crisis" / name
    if bundled.is_file():
        return bundled.read_text(encoding="utf-8"), f"the built-in crisis data ({name})"
    return None


def _problem(where: str, message: str, line: int = 0) -> ConfigError:
    return ConfigError([error(where, line, "crisis-data", message)])


def load_crisis(config: ProjectConfig) -> CrisisDirectory:
    region = config.crisis.region
    found = _read(config.root, f"{region}.toml")
    if found is None:
        raise _problem(
            "handouts.toml",
            f"no crisis data for region '{region}'. Built-in "
            "regions: US, CA, GB, AU; or write crisis/" + region + ".toml",
        )
    text, where = found
    outdated_found = _read(config.root, "outdated.toml")
    assert outdated_found is not None, "the package ships outdated.toml"
    outdated_text, outdated_where = outdated_found
    for source, named in ((text, where), (outdated_text, outdated_where)):
        try:
            tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            line, words = explain_toml(exc, source)
            raise _problem(named, words, line) from None
    data = tomllib.loads(text)
    outdated_data = tomllib.loads(outdated_text)
    try:
        footers = {str(k): " ".join(str(v).split()) for k, v in data["footer"].items()}
        entries = tuple(data["resources"])
        interpreter = data.get("interpreter", {})
        interpreter_footers = {
            str(k): " ".join(str(v).split()) for k, v in interpreter.get("footer", {}).items()
        }
        interpreter_entries = tuple(interpreter.get("resources", ()))
        for group, langs in ((entries, footers), (interpreter_entries, interpreter_footers)):
            for entry in group:
                for lang in langs:
                    if lang in entry:
                        _ = entry[lang]["name"], entry[lang]["how"]
                _ = entry["key"], entry["contacts"], entry["source"]
        checked_on = data["checked_on"]
        if not isinstance(checked_on, dt.date):
            raise TypeError("checked_on must be a date")
        outdated = tuple(
            OutdatedContact(
                what=str(item["what"]),
                pattern=re.compile(str(item["pattern"]), re.IGNORECASE),
                instead=str(item["instead"]),
                region=str(item.get("region", "")),
                needs=tuple(str(word).lower() for word in item.get("needs", ())),
                screen=re.compile(str(item["needs_pattern"])) if "needs_pattern" in item else None,
            )
            for item in outdated_data["outdated"]
        )
    except (KeyError, TypeError, re.error) as exc:
        raise _problem(where, f"the crisis data is incomplete or malformed: {exc}") from None
    default_lang = config.default_lang if config.default_lang in footers else next(iter(footers))
    own = {digits(str(c)) for entry in entries for c in entry["contacts"]}
    return CrisisDirectory(
        region=region,
        region_name=str(data.get("name", region)),
        data_file=where,
        checked_on=checked_on,
        verified_on=config.crisis.verified_on,
        verified_by=config.crisis.verified_by,
        default_lang=default_lang,
        footers=footers,
        entries=entries,
        outdated=outdated,
        fingerprint_text=text + outdated_text,
        interpreter_footers=interpreter_footers,
        interpreter_entries=interpreter_entries,
        advice=_advice(data, entries, where),
        foreign=foreign_numbers(region, own),
    )


def _advice(data: Mapping[str, Any], entries: tuple[Mapping[str, Any], ...], where: str) -> Advice:
    """The region's ``[advice]``; a project's own crisis file without one is summed up
    from its services (the first one, and the one with key "emergency")."""
    given = data.get("advice")
    if isinstance(given, dict) and given.get("crisis") and given.get("emergency"):
        return Advice(str(given["crisis"]), str(given["emergency"]))

    def label(entry: Mapping[str, Any]) -> str:
        english = entry.get("en", {})
        name = str(english.get("name", entry["key"]))
        return f"{name}, {', '.join(str(c) for c in entry['contacts'])}"

    crisis = [label(e) for e in entries if e["key"] != "emergency"]
    emergency = [
        ", ".join(str(c) for c in e["contacts"]) for e in entries if e["key"] == "emergency"
    ]
    return Advice(
        "; ".join(crisis[:2]) or f"the services in {where}",
        emergency[0] if emergency else f"the emergency number in {where}",
    )
