"""Front matter in the simple form writers use is split by project/sources.py itself,
with PyYAML's resolver and constructors; anything else, and anything with a problem, is
read by PyYAML's parser. Whatever the simple split accepts must give exactly what
PyYAML's parser gives: the same keys, values, types and lines."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_handouts.project import sources
from clinic_handouts.project.load import load_project
from clinic_handouts.project.sources import FIELDS, SourceFile
from tests.conftest import CONFIG, TODAY

REPO = Path(__file__).resolve().parents[2]
SAME = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def source_of(meta_text: str) -> SourceFile:
    return SourceFile(Path("/p/handouts/en/x.md"), "handouts/en/x.md", meta_text, "Body.", 9)


def both(meta_text: str) -> tuple[Any, Any]:
    """(what the simple split gives, what PyYAML's parser gives); the first is None when
    the text is not in the simple form or has a problem (PyYAML's parser then judges)."""
    source = source_of(meta_text)
    builder = sources._Builder()
    node = sources._simple_node(meta_text, builder)
    fast = None if node is None else sources._meta_from(source, node, builder)
    if fast is not None and fast[1]:
        fast = None
    return fast, sources._compose_meta(source)


def typed(meta: dict[str, tuple[Any, int]]) -> dict[str, tuple[str, str, int]]:
    """Values with their types, so 1 and True and "1" never compare equal."""
    return {key: (type(value).__name__, repr(value), line) for key, (value, line) in meta.items()}


def agree(meta_text: str) -> None:
    fast, slow = both(meta_text)
    if fast is not None:
        assert not slow[1], (meta_text, slow[1])
        assert typed(fast[0]) == typed(slow[0]), meta_text
    meta, problems = sources._parse_meta(source_of(meta_text))  # what a build uses
    assert (typed(meta), problems) == (typed(slow[0]), slow[1]), meta_text


def test_every_sample_handout_parses_the_same_and_through_libyaml() -> None:
    scaffold = REPO / "src/clinic_handouts/data/scaffold"
    files = sorted((REPO / "handouts").rglob("*.md")) + sorted(scaffold.glob("*-handout.md"))
    assert len(files) > 3
    for path in files:
        text = re.sub(r"\$\{(\w+)\}", r"\1", path.read_text(encoding="utf-8"))  # blanks
        meta_text = text.split("\n---\n", 1)[0].removeprefix("---\n")
        fast, slow = both(meta_text)
        assert fast is not None, path  # real handouts really take the simple path
        assert typed(fast[0]) == typed(slow[0]), path


@pytest.mark.parametrize(
    "meta_text",
    [
        'title: "Sleep (12)"\nreviewed_on: 2026-11-21\ntags: [sleep, rest]',
        "title: yes\nreviewed_on: '2026-11-21'\nlarge_print: no",
        "title: 10:30\nsummary: 0x1F\nnext_review: 2026-11-21 10:00:00",
        "title: >\n  folded\n  text\nsummary: |\n  kept\n  lines\n",
        "# a comment\n\ntitle: T   # trailing\nreviewed_on: 2026-02-30",
        "title: T\ntitle: U",
        "title: ~\nsummary:\ntags:\n  - a\n  - b",
        "title: \"caf\\u00e9 \\\"x\\\"\"\nsummary: 'it''s'",
        "title:\tT",
        "title: a: b",
        "? title\n: T",
        "[a, b]",
        "",
    ],
)
def test_tricky_front_matter_parses_the_same(meta_text: str) -> None:
    agree(meta_text)


YAML_ALPHABET = string.ascii_letters + string.digits + ":-[]{}&*!|>'\"#%@`,?. \n\t\\~"
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.dates()
    | st.datetimes()
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=6)


@SAME
@given(text=st.text(alphabet=YAML_ALPHABET, max_size=160))
def test_any_text_parses_the_same(text: str) -> None:
    agree(text)


@SAME
@given(meta=st.dictionaries(st.sampled_from(sorted(FIELDS)), values, max_size=6))
def test_any_dumped_values_parse_the_same(meta: dict[str, Any]) -> None:
    for style in (None, '"', "'"):
        agree(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_style=style))


def test_anchors_and_deep_nesting_go_to_the_parser_that_refuses_them() -> None:
    for text in ("a: &x [1]\nb: *x", "tags: " + "[" * 50_000):
        source = source_of(text)
        slow = sources._compose_meta(source)
        assert slow[1] and sources._parse_meta(source) == slow


def test_a_control_character_in_front_matter_is_a_problem_at_its_line(tmp_path: Path) -> None:
    """Found by comparing the parsers: PyYAML refuses it before parsing, which used to
    end in a traceback."""
    (tmp_path / "handouts.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "handouts/en").mkdir(parents=True)
    (tmp_path / "handouts/en/sleep.md").write_text(
        "---\nreviewed_on: 2026-01-01\ntitle: Sleep\x1f well\n---\n\nYou can sleep.\n",
        encoding="utf-8",
    )
    loaded = load_project(tmp_path, TODAY)
    assert [p.format() for p in loaded.problems if p.path.startswith("handouts/")] == [
        "handouts/en/sleep.md:3: error: front-matter: this line holds an invisible control "
        "character (U+001F), often pasted from another program; delete the line and type "
        "it again"
    ]


# Lines in and near the simple form, from words YAML reads in special ways: most
# generated front matter takes the simple path, so the comparison is not idle.
WORDS = st.sampled_from(
    [
        "yes",
        "No",
        "on",
        "~",
        "null",
        "NULL",
        "true",
        "0x1F",
        "0o17",
        "017",
        "1_000",
        "1e3",
        ".inf",
        "-.5",
        "+1",
        "10:30",
        "190:20:30",
        "2026-11-21",
        "2026-02-30",
        "2026-11-21 10:00",
        "2026-11-21T10:00:00Z",
        "sleep",
        "Sleep well",
        "a-b",
        "a.b",
        "caf\u00e9",
        "\u4f60\u597d",
        "x y",
        "a,b",
        "a]",
        "[",
        "]",
        "{",
        "}",
        "'",
        '"',
        ",",
        "#",
        " #",
        ":",
        ": ",
        "-",
        "?",
        "&",
        "*",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        " ",
        "  ",
        "''",
        '""',
        "\\",
        "e=mc2",
    ]
)
phrase = st.lists(WORDS, min_size=0, max_size=4).map("".join)
key = st.sampled_from([*sorted(FIELDS), "x", "yes", "null", "Title", "_a", "a-b", "2"])
value = (
    phrase
    | phrase.map(lambda p: f'"{p}"')
    | phrase.map(lambda p: f"'{p}'")
    | st.lists(phrase, max_size=4).map(lambda ps: "[" + ", ".join(ps) + "]")
)
line = (
    st.tuples(
        key, st.sampled_from([": ", ":", ":  "]), value, st.sampled_from(["", " ", " # c"])
    ).map("".join)
    | st.tuples(st.sampled_from(["  - ", "    - ", "- ", "  -"]), value).map("".join)
    | st.sampled_from(["", "# note", "  # note", " "])
)


@SAME
@given(lines=st.lists(line, min_size=1, max_size=8))
def test_any_lines_near_the_simple_form_parse_the_same(lines: list[str]) -> None:
    agree("\n".join(lines))
