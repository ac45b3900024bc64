"""Handout sources: find ``handouts/<lang>/<slug>.md``, split the YAML front matter from the
Markdown body keeping line numbers, and validate the front matter into ``Handout`` objects.

Every handout file found becomes either a ``Handout`` or at least one error ``Problem``:
a file is never dropped silently. A file whose front matter has errors but whose text
could be read also gets a *stand-in* (``stand_in``): a ``Handout`` with ``loaded=False``
that is never built, only body-checked, so a writer sees every problem in one round.
"""

from __future__ import annotations

import calendar
import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from clinic_handouts.errors import Problem, error
from clinic_handouts.project import paths
from clinic_handouts.project.config import ProjectConfig, suggest
from clinic_handouts.text.pasted import curly_quote_advice

MAX_SOURCE_BYTES = 1_000_000  # a long handout is ~10 KB; anything near this is a mistake
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
FENCE = "---"
MIN_YEAR, MAX_YEAR = 1900, 2999  # anything else in a review date is a typo
# What `handouts new` writes for reviewed_on: only the clinical reviewer may fill it in.
DATE_PLACEHOLDER = "YYYY-MM-DD"


@dataclass(frozen=True)
class Field:
    """One key a handout's front matter may have (``FIELDS``): the kind of value
    ``validate`` expects, and whether every handout must have it."""

    kind: str  # "text", "date", "tags", "bool"
    required: bool = False


FIELDS: dict[str, Field] = {
    "title": Field("text", required=True),
    "reviewed_on": Field("date", required=True),
    "reviewed_by": Field("text"),
    "summary": Field("text"),
    "lang": Field("text"),
    "id": Field("text"),
    "next_review": Field("date"),
    "tags": Field("tags"),
    "large_print": Field("bool"),
    # `handouts init` writes its example handout with `example: true`: built so the writer
    # can look at it, but never listed in the catalogue until the writer removes the line.
    "example": Field("bool"),
    "trifold": Field("bool"),  # also build the tri-fold brochure edition
}


@dataclass(frozen=True)
class SourceFile:
    """A handout file split into its parts, before validation."""

    path: Path  # absolute
    rel: str  # relative to the project, with forward slashes
    meta_text: str
    body: str
    body_line: int  # file line number of the body's first line


@dataclass(frozen=True)
class Handout:
    """One handout file, read and validated (``validate``): the values of its front matter
    and its Markdown body, with the lines they came from. Every check, build, email and
    print takes one."""

    source: Path  # the file's absolute path
    rel: str  # relative to the project: handouts/en/sleep.md
    slug: str  # the file's name without .md
    lang: str
    id: str  # the front matter's id, else the slug: shared by its translations
    title: str
    summary: str
    reviewed_on: dt.date
    reviewed_by: str
    next_review: dt.date  # the front matter's, else reviewed_on + interval_months
    tags: tuple[str, ...]
    body: str
    body_line: int  # the file's line of the body's first line
    # Each front-matter key's line in the file, where its problems point
    meta_lines: Mapping[str, int] = field(default_factory=dict)
    # False when the front matter says `large_print: false`: no large-print edition is
    # built, and the catalogue says the handout has none.
    large_print: bool = True
    example: bool = False  # the example handout of `handouts init`, not yet made real
    # False for a stand-in: a file whose front matter has errors, kept only so its body can
    # be checked in the same run. It is never built.
    loaded: bool = True
    trifold: bool = False  # True when the front matter says `trifold: true`

    @property
    def output_stem(self) -> str:
        """``<lang>/<slug>``: where this handout's outputs go inside build/."""
        return paths.output_stem(self.lang, self.slug)

    @functools.cached_property
    def content_text(self) -> str:
        """Everything the build uses from this file, as one text, without where the
        project lives or which line each key is on (they print nowhere): what the
        fingerprints, the check cache and the catalogue's record compare. Made once per
        handout: a build asks for it four times."""
        return repr([(name, getattr(self, name)) for name in _CONTENT_FIELDS])

    @functools.cached_property
    def content_digest(self) -> str:
        """The SHA-256 of ``content_text``: what a fingerprint or a cache key takes in, so
        a build hashes a handout's text once, not once per output and store."""
        return hashlib.sha256(self.content_text.encode("utf-8", "surrogatepass")).hexdigest()

    def line_of(self, key: str) -> int:
        return self.meta_lines.get(key, 1)

    def printed_texts(self) -> list[tuple[str, int]]:
        """(text, its first line) of what is printed from this file: title, summary, body.
        The checks that look for numbers read all three."""
        return [
            (self.title, self.line_of("title")),
            (self.summary, self.line_of("summary")),
            (self.body, self.body_line),
        ]

    def line_at(self, text: str, first_line: int, offset: int) -> int:
        """The file's line of ``offset`` in one of ``printed_texts``."""
        return first_line + text.count("\n", 0, offset)


# Named once: dataclasses.fields() is slow.
_CONTENT_FIELDS = sorted(
    each.name for each in dataclasses.fields(Handout) if each.name not in ("source", "meta_lines")
)


def discover(config: ProjectConfig) -> tuple[list[Path], list[Problem]]:
    """All handout files, sorted; problems for files in places the build cannot use."""
    root = config.root.resolve()
    handouts_dir = config.handouts_dir
    if not handouts_dir.is_dir():
        return [], [
            error(
                "handouts",
                0,
                "layout",
                "there is no handouts/ folder; create handouts/en/ and put your "
                "Markdown handouts in it",
            )
        ]
    found: list[Path] = []
    problems: list[Problem] = []
    folders: dict[Path, Path] = {}  # each folder resolved once, not once per file in it
    for path in sorted(handouts_dir.rglob("*.md")):
        rel = relpath(path, config.root)
        depth = len(path.relative_to(handouts_dir).parts)
        if depth > 2:
            problems.append(
                error(
                    rel,
                    0,
                    "layout",
                    "handouts live in handouts/<language>/<name>.md; move this "
                    "file up so it is not inside a sub-folder",
                )
            )
            continue
        try:
            resolved = _resolved(path, folders)
        except (OSError, RuntimeError):  # a broken link, or links that point at each other
            problems.append(
                error(
                    rel,
                    0,
                    "source",
                    "this file is a link that leads nowhere (a missing file, or links "
                    "pointing at each other); delete it or copy the real handout here",
                )
            )
            continue
        if not resolved.is_relative_to(root):
            problems.append(
                error(
                    rel,
                    0,
                    "blocked-resource",
                    "this file is a link to a file outside the project folder; "
                    "copy the handout into the project instead",
                )
            )
            continue
        if not resolved.is_file():
            # A folder named x.md, or a named pipe (reading one would wait forever).
            kind = "a folder" if resolved.is_dir() else "a special file (such as a named pipe)"
            problems.append(
                error(
                    rel,
                    0,
                    "source",
                    f"this is {kind}, not a handout file; rename it so its name "
                    "does not end in .md, or move it out of handouts/",
                )
            )
            continue
        found.append(path)
    return found, problems


def _resolved(path: Path, folders: dict[Path, Path]) -> Path:
    """``path.resolve(strict=True)``, with its folder's resolved once for all its files: a
    name that is not a link resolves to itself inside its resolved folder."""
    if stat.S_ISLNK(path.lstat().st_mode):
        return path.resolve(strict=True)
    folder = folders.get(path.parent)
    if folder is None:
        folder = folders[path.parent] = path.parent.resolve(strict=True)
    return folder / path.name


def relpath(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_source(path: Path, root: Path) -> SourceFile | Problem:
    """Read one file as UTF-8 text and split off its front matter."""
    rel = relpath(path, root)
    try:
        with path.open("rb") as handle:
            # Read at most one byte past the limit: the size on disk may change between
            # a stat() and the read, and memory must stay bounded whatever the file is.
            raw = handle.read(MAX_SOURCE_BYTES + 1)
            size = max(len(raw), os.fstat(handle.fileno()).st_size)
        if size > MAX_SOURCE_BYTES:
            return error(
                rel,
                0,
                "source",
                f"the file is {size // 1000:,} KB; a handout is a few pages "
                f"(under {MAX_SOURCE_BYTES // 1000:,} KB). Is this the right file?",
            )
    except OSError as exc:
        return error(rel, 0, "source", f"cannot read the file: {exc.strerror}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return error(
            rel,
            line,
            "source",
            "the file is not UTF-8 text (byte "
            f"0x{raw[exc.start]:02x}); open it in your editor and save it as UTF-8",
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        return error(
            rel,
            text[: text.index("\x00")].count("\n") + 1,
            "source",
            "the file contains a NUL byte; it is not a text file",
        )
    lines = text.split("\n")
    if not text.strip():
        return error(
            rel,
            1,
            "front-matter",
            "the file is empty; a handout starts with front matter between two "
            "'---' lines (title, reviewed_on), then the text",
        )
    if lines[0].strip() != FENCE:
        return error(
            rel,
            1,
            "front-matter",
            "no front matter: the first line must be '---', then 'title:' and "
            "'reviewed_on:', then another '---' line",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            meta_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return SourceFile(path, rel, meta_text, body, body_line=index + 2)
    return error(
        rel,
        1,
        "front-matter",
        "the front matter is not closed: add a line with '---' after the last field",
    )


MAX_YAML_DEPTH = 10  # front matter is flat: a list of tags is the deepest it goes


class _Refused(yaml.YAMLError):
    """Front matter this tool refuses to compose, with where it starts."""

    def __init__(self, mark: yaml.Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases, and nesting deeper than MAX_YAML_DEPTH.

    Both are refused while the document is composed, before anything is built from it:
    aliases are how a few lines of YAML expand to gigabytes ("billion laughs"), and
    PyYAML composes nested collections recursively, so ``[[[[...`` thousands deep ends
    in a RecursionError instead of a message.
    """

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(
                event.start_mark,
                "YAML anchors and aliases (& and *) are not allowed in front matter; "
                "write the value out",
            )
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise _Refused(
                    event.start_mark,
                    "the front matter is nested too deeply; a value is text, a date "
                    "or a list of words, like [depression, ketamine]",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Builder(yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """SafeLoader's resolver and constructors without its parser: it builds values from
    the nodes ``_simple_node`` makes, exactly as SafeLoader builds them from its own."""

    def __init__(self) -> None:
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


# Front matter as writers and `handouts new` write it: `key: value` lines, where a value
# is a plain scalar on one line, a quoted one without escapes, or a flow list of such
# words, and `  - word` lines under a key with no value; blank and comment lines. For
# these lines, splitting them is all a YAML parser does, so they are split here: PyYAML's
# parser in Python costs about 0.3 ms a handout, most of a build with nothing to do. It
# still reads everything else. What each scalar means (a date, a number, true/false) is
# decided by PyYAML's own resolver and constructors, so values, their types and lines
# are the same (tests/project/test_front_matter_parser.py compares the two).
_PLAIN_START = r"[^\s#:?,\[\]{}&*!|>'\"%@`-]"
_BLOCK_PLAIN = _PLAIN_START + r"[^#:]*?"  # no ': ' or ' #' inside: they would end it
_FLOW_PLAIN = _PLAIN_START + r"[^#:,?\[\]{}]*?"  # nor a flow indicator (PyYAML: "?" too)
_QUOTED = r"\"[^\"\\]*\"|'(?:[^']|'')*'"  # no escapes
_FLOW_QUOTED = r"\"[^\"\\,]*\"|'(?:[^',]|'')*'"  # no comma, so items split at commas
_FLOW_ITEM = f"(?:{_FLOW_PLAIN}|{_FLOW_QUOTED})"
_FLOW = rf"\[ *(?:{_FLOW_ITEM}(?: *, *{_FLOW_ITEM})*)? *\]"
_END = r" *(?: #.*)?"
_KEY_LINE = re.compile(
    rf"(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?: +(?P<value>{_BLOCK_PLAIN}|{_QUOTED}|{_FLOW}))?{_END}"
)
_ITEM_LINE = re.compile(rf"(?P<indent> +)- +(?P<value>{_BLOCK_PLAIN}|{_QUOTED}){_END}")
_SKIPPED_LINE = re.compile(r" *(?:#.*)?")  # blank, or a comment
# Characters PyYAML reads in its own way (tabs, NEL and the Unicode line separators, a
# byte-order mark, control characters) send the text to its parser.
_ORDINARY_TEXT = re.compile(
    "[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"


def _mark(line: int) -> yaml.Mark:
    return yaml.Mark("<front matter>", 0, line, 0, None, 0)


def _scalar(builder: _Builder, text: str, line: int) -> yaml.ScalarNode:
    """The node PyYAML composes for one scalar as written (plain or quoted)."""
    style: str | None
    if text[:1] == '"':
        value, style, implicit = text[1:-1], '"', (False, True)
    elif text[:1] == "'":
        value, style, implicit = text[1:-1].replace("''", "'"), "'", (False, True)
    else:
        value, style, implicit = text, None, (True, False)
    tag = builder.resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
    return yaml.ScalarNode(tag, value, _mark(line), _mark(line), style=style)


def _sequence(builder: _Builder, items: list[yaml.Node], line: int) -> yaml.SequenceNode:
    tag = builder.resolve(yaml.SequenceNode, None, True)  # type: ignore[no-untyped-call]
    return yaml.SequenceNode(tag, items, _mark(line), _mark(line))


def _simple_node(meta_text: str, builder: _Builder) -> yaml.MappingNode | None:
    """The mapping PyYAML would compose from front matter in the simple form above, or
    None when the text is in any other form."""
    if not _ORDINARY_TEXT.fullmatch(meta_text):
        return None
    pairs: list[tuple[yaml.Node, yaml.Node]] = []
    items: list[yaml.Node] = []  # the `  - word` lines under the last key
    indent = ""

    def close_list() -> None:
        if items:
            key = pairs[-1][0]
            pairs[-1] = (key, _sequence(builder, list(items), key.start_mark.line))
            items.clear()

    for number, line in enumerate(meta_text.split("\n")):
        found = _KEY_LINE.fullmatch(line)
        if found:
            close_list()
            value = found["value"]
            node: yaml.Node
            if value is None:
                node = _scalar(builder, "", number)  # empty: null, or a list below
            elif value[:1] == "[":
                inner = value[1:-1].strip(" ")  # YAML separates with spaces only
                words = [word.strip(" ") for word in inner.split(",")] if inner else []
                node = _sequence(builder, [_scalar(builder, w, number) for w in words], number)
            else:
                node = _scalar(builder, value, number)
            key_node = yaml.ScalarNode(_STR_TAG, found["key"], _mark(number), _mark(number))
            pairs.append((key_node, node))
            continue
        item = _ITEM_LINE.fullmatch(line)
        if item and pairs:
            last = pairs[-1][1]
            empty = isinstance(last, yaml.ScalarNode) and last.value == "" and last.style is None
            if not (items and item["indent"] == indent) and not (empty and not items):
                return None
            indent = item["indent"]
            items.append(_scalar(builder, item["value"], number))
            continue
        if not _SKIPPED_LINE.fullmatch(line):
            return None
    close_list()
    if not pairs:
        return None  # nothing but comments: PyYAML says what that is
    return yaml.MappingNode(_MAP_TAG, pairs, pairs[0][0].start_mark, _mark(number))


def _parse_meta(source: SourceFile) -> tuple[dict[str, tuple[Any, int]], list[Problem]]:
    """YAML front matter -> {key: (value, line)}; lines are file lines, 1-based.

    Front matter in the simple form of ``_simple_node`` is split here. When that finds
    any problem, or the text is in any other form, PyYAML's parser reads it as before:
    every message about front matter comes from one parser."""
    builder = _Builder()
    node = _simple_node(source.meta_text, builder)
    if node is not None:
        meta, problems = _meta_from(source, node, builder)
        if not problems:
            return meta, problems
    return _compose_meta(source)


def _compose_meta(source: SourceFile) -> tuple[dict[str, tuple[Any, int]], list[Problem]]:
    """``_parse_meta`` by PyYAML's parser, with the refusals of ``_Guarded``."""
    rel = source.rel
    offset = 2  # the front matter starts on the file's second line
    try:
        loader = _FrontMatterLoader(source.meta_text)
    except yaml.reader.ReaderError as exc:  # PyYAML refuses control characters up front
        line = source.meta_text[: exc.position].count("\n") + offset
        return {}, [
            error(
                rel,
                line,
                "front-matter",
                f"this line holds an invisible control character (U+{exc.character:04X}), "
                "often pasted from another program; delete the line and type it again",
            )
        ]
    try:
        try:
            node = loader.get_single_node()
        except _Refused as exc:
            return {}, [error(rel, exc.mark.line + offset, "front-matter", exc.message)]
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + offset if mark else 1
            what = exc.problem or "invalid YAML"
            message = (
                f"invalid YAML: {what}. Check this line for a missing space after "
                "':' or an unquoted ':' in a value (put such values in quotes)"
            )
            if mark:  # Word's curly quotes are the usual cause: say so in plain words
                lines = source.meta_text.split("\n")
                message = curly_quote_advice(lines[min(mark.line, len(lines) - 1)]) or message
            return {}, [error(rel, line, "front-matter", message)]
        except yaml.YAMLError as exc:
            return {}, [error(rel, 1, "front-matter", f"invalid YAML: {exc}")]
        if node is None:
            return {}, []
        if not isinstance(node, yaml.MappingNode):
            return {}, [
                error(
                    rel,
                    node.start_mark.line + offset,
                    "front-matter",
                    "the front matter must be 'key: value' lines",
                )
            ]
        return _meta_from(source, node, loader)
    finally:
        loader.dispose()


def _meta_from(
    source: SourceFile, node: yaml.MappingNode, builder: yaml.constructor.SafeConstructor
) -> tuple[dict[str, tuple[Any, int]], list[Problem]]:
    """{key: (value, line)} from a composed mapping, and what is wrong with it."""
    rel = source.rel
    offset = 2  # the front matter starts on the file's second line
    meta: dict[str, tuple[Any, int]] = {}
    problems: list[Problem] = []
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + offset
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(
                error(rel, line, "front-matter", "a key must be a plain word, like 'title'")
            )
            continue
        key = key_node.value
        if key in meta:
            problems.append(error(rel, line, "front-matter", f"{key}: given twice; keep one"))
            continue
        try:
            value = builder.construct_object(value_node, deep=True)
        except (ValueError, yaml.YAMLError) as exc:
            problems.append(
                error(rel, line, "front-matter", f"{key}: {_date_complaint(value_node, exc)}")
            )
            meta[key] = (_UNREADABLE, line)  # present, so not also "required"
            continue
        meta[key] = (value, line)
    return meta, problems


_UNREADABLE = object()  # a value given but not readable: reported once, never "required"
_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")


def _date_complaint(node: yaml.Node, exc: Exception) -> str:
    """Words for a date YAML could not construct: 2026-11-31 is not a day."""
    raw = str(getattr(node, "value", ""))
    match = _DATE_RE.match(raw)
    if match:
        year, month, day = (int(part) for part in match.groups())
        if not 1 <= month <= 12:
            return f"{raw} is not a date: there is no month {month}; write it as YYYY-MM-DD"
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            name = calendar.month_name[month]
            return (
                f"{raw} is not a day on the calendar: {name} {year} has {last} days. "
                "Write the real date as YYYY-MM-DD"
            )
    return f"{exc}; write dates as YYYY-MM-DD"


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max  # only reachable with an implausible date, refused elsewhere
    for candidate in (day.day, 30, 29, 28):  # 31 Aug + 6 months is 28 Feb, not an error
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _check_value(key: str, value: Any) -> tuple[Any, str | None]:
    kind = FIELDS[key].kind
    if kind == "text":
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text = " ".join(str(value).split())
            return (text, None) if text else (None, "must not be empty")
        return None, f"expected text, got {type(value).__name__}"
    if kind == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        if value == DATE_PLACEHOLDER:
            what = (
                "once the clinical reviewer has checked the handout, write the date of "
                "that review here"
                if key == "reviewed_on"
                else "write the date here"
            )
            return (
                None,
                f"not filled in yet: {what}, like 2026-11-21. Until then the handout is not built",
            )
        if isinstance(value, str):
            # `reviewed_on: "2026-11-01"` is a date in quotes, not a mistake.
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value.strip())
        if not isinstance(value, dt.date):
            return None, f"expected YYYY-MM-DD, got {value!r}"
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            # 9999-12-31 parses, but adding the review interval to it overflows.
            return None, f"{value} is not a real review date; write it as YYYY-MM-DD"
        return value, None
    if kind == "tags":
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",")]
        if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
            return tuple(v.strip().lower() for v in value), None
        return None, "expected a list of words, like [depression, ketamine]"
    if kind == "bool":
        if isinstance(value, bool):
            return value, None
        return None, f"expected true or false, got {value!r}"
    raise AssertionError(kind)


def validate(source: SourceFile, config: ProjectConfig) -> Handout | list[Problem]:
    rel = source.rel
    meta, problems = _parse_meta(source)
    if problems and not meta:
        return problems  # unreadable YAML: "title: required" would only confuse
    values: dict[str, Any] = {}
    lines = {key: line for key, (_, line) in meta.items()}
    for key, (raw, line) in meta.items():
        if raw is _UNREADABLE:
            continue  # reported while parsing
        if key not in FIELDS:
            problems.append(
                error(rel, line, "front-matter", f"{key}: unknown key{suggest(str(key), FIELDS)}")
            )
            continue
        value, complaint = _check_value(key, raw)
        if complaint:
            # A value in Word's curly quotes (a date, say) is explained in plain words.
            told = curly_quote_advice(f"{key}: {raw}") if isinstance(raw, str) else None
            problems.append(error(rel, line, "front-matter", told or f"{key}: {complaint}"))
        else:
            values[key] = value
    for key, spec in FIELDS.items():
        if spec.required and key not in meta:
            problems.append(
                error(
                    rel,
                    1,
                    "front-matter",
                    f"{key}: required; add a '{key}:' line to the front matter",
                )
            )

    slug = source.path.stem
    if not SLUG_RE.match(slug):
        problems.append(
            error(
                rel,
                0,
                "source",
                "file names are lowercase words joined by hyphens, like "
                f"'panic-attacks.md'; rename '{source.path.name}'",
            )
        )
    folder = source.path.parent.name
    folder_lang = (
        folder if source.path.parent != config.handouts_dir and LANG_RE.match(folder) else None
    )
    lang = values.get("lang") or folder_lang or config.default_lang
    if "lang" in values:
        if not LANG_RE.match(values["lang"]):
            problems.append(
                error(
                    rel,
                    lines["lang"],
                    "front-matter",
                    f"lang: expected a language code like 'en' or 'es', got {values['lang']!r}",
                )
            )
        elif folder_lang and values["lang"] != folder_lang:
            problems.append(
                error(
                    rel,
                    lines["lang"],
                    "front-matter",
                    f"lang: '{values['lang']}' does not match the folder "
                    f"handouts/{folder_lang}/; move the file or remove the key",
                )
            )
    handout_id = values.get("id", slug)
    if "id" in values and not SLUG_RE.match(handout_id):
        problems.append(
            error(
                rel,
                lines["id"],
                "front-matter",
                f"id: use lowercase words joined by hyphens, got {handout_id!r}",
            )
        )
    if lang not in config.disclaimer and not problems:
        problems.append(
            error(
                rel,
                1,
                "language",
                f"handouts.toml has no disclaimer for '{lang}'; add "
                f'{lang} = "..." under [disclaimer]',
            )
        )

    if problems:
        return problems
    reviewed_on: dt.date = values["reviewed_on"]
    next_review = values.get("next_review") or _add_months(
        reviewed_on, config.review_interval_months
    )
    if next_review < reviewed_on:
        return [
            error(
                rel,
                lines["next_review"],
                "front-matter",
                f"next_review: {next_review} is before reviewed_on {reviewed_on}",
            )
        ]
    latest = _add_months(reviewed_on, config.review_interval_months)
    if next_review > latest:
        # A far-off next_review would switch the overdue rule off for years.
        return [
            error(
                rel,
                lines["next_review"],
                "front-matter",
                f"next_review: {next_review} is later than the clinic allows: handouts.toml "
                f"asks for a review every {config.review_interval_months} months, so the "
                f"latest is {latest}. Use an earlier date or remove next_review",
            )
        ]
    return Handout(
        source=source.path,
        rel=rel,
        slug=slug,
        lang=lang,
        id=handout_id,
        title=values["title"],
        summary=values.get("summary", ""),
        reviewed_on=reviewed_on,
        reviewed_by=values.get("reviewed_by", ""),
        next_review=next_review,
        tags=values.get("tags", ()),
        body=source.body,
        body_line=source.body_line,
        meta_lines=lines,
        large_print=values.get("large_print", True),
        example=values.get("example", False),
        trifold=values.get("trifold", False),
    )


def stand_in(source: SourceFile, config: ProjectConfig) -> Handout:
    """A file whose front matter has errors, as far as it can be read: its body is checked
    in the same run (the front matter's errors are reported by ``validate``). Never built."""
    meta, _ = _parse_meta(source)
    values: dict[str, Any] = {}
    for key, (raw, _line) in meta.items():
        if key in ("title", "summary", "lang", "id", "reviewed_by") and raw is not _UNREADABLE:
            value, complaint = _check_value(key, raw)
            if not complaint:
                values[key] = value
    folder = source.path.parent.name
    lang = values.get("lang") or (folder if LANG_RE.match(folder) else config.default_lang)
    if not LANG_RE.match(lang):
        lang = config.default_lang
    return Handout(
        source=source.path,
        rel=source.rel,
        slug=source.path.stem,
        lang=lang,
        id=values.get("id", source.path.stem),
        title=values.get("title", ""),
        summary=values.get("summary", ""),
        reviewed_on=dt.date.min,
        reviewed_by=values.get("reviewed_by", ""),
        next_review=dt.date.max,
        tags=(),
        body=source.body,
        body_line=source.body_line,
        meta_lines={key: line for key, (_, line) in meta.items()},
        loaded=False,
    )


def load_handouts(
    config: ProjectConfig, stand_ins: list[Handout] | None = None
) -> tuple[list[Handout], list[Problem]]:
    """Every handout in the project, validated; one or more problems for each bad file.
    ``stand_ins``, when given, receives a stand-in for each file whose front matter has
    errors but whose text could be read."""
    paths, problems = discover(config)
    handouts: list[Handout] = []
    seen: dict[tuple[str, str], str] = {}
    for path in paths:
        source = read_source(path, config.root)
        if isinstance(source, Problem):
            problems.append(source)
            continue
        result = validate(source, config)
        if isinstance(result, list):
            problems.extend(result)
            if stand_ins is not None:
                stand_ins.append(stand_in(source, config))
            continue
        key = (result.lang, result.id)
        if key in seen:
            problems.append(
                error(
                    result.rel,
                    result.line_of("id"),
                    "front-matter",
                    f"id: '{result.id}' is already used by {seen[key]} in the "
                    "same language; give one of them another id",
                )
            )
            continue
        seen[key] = result.rel
        handouts.append(result)
    return handouts, problems
