"""Property tests: whatever a handout file holds, loading, checking and planning it ends in
PDF jobs or in problems naming the file, never in an exception.

Nothing is rendered here (too slow for hundreds of examples); the corpus test renders the
fixed cases that should build. Runs are derandomized and bounded, so CI sees the same
examples every time and the suite stays fast. A failure found here becomes a file in
tests/corpus/ with its expected outcome in test_corpus.py.
"""

from __future__ import annotations

import datetime as dt
import os
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_handouts.build.plan import BuildOptions, plan
from clinic_handouts.errors import Severity
from clinic_handouts.project.load import load_project
from clinic_handouts.project.sources import FIELDS
from tests.conftest import CONFIG, TODAY

# HANDOUTS_FUZZ_EXAMPLES=5000 runs a longer, randomized search (not in CI).
LONG_RUN = int(os.environ.get("HANDOUTS_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=LONG_RUN or 120,
    deadline=None,
    derandomize=not LONG_RUN,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
REL = "handouts/en/fuzz.md"
CODES = {
    "front-matter",
    "source",
    "language",
    "too-complex",
    "unsafe-html",
    "unsupported-html",
    "blocked-resource",
    "missing-resource",
    "outdated-crisis-contact",
    "review-overdue",
    "review-due-soon",
    # The content checks (checks/): a fuzzed body may well read badly.
    "reading-level",
    "long-sentence",
    "missing-alt-text",
    "placeholder-text",
    "example-handout",
    "other-region-contact",
    "no-you",
    "all-caps",
    "heading-skip",
    "long-list",
    "broken-list",
    "garbled-text",
    "curly-quotes",
    "long-paragraph",
    # A fuzzed language code ('aa') has no crisis texts and no reviewed words of its own.
    "crisis-language-fallback",
    "translation-unreviewed",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "handouts.toml").write_text(CONFIG, encoding="utf-8")
    (root / "handouts/en").mkdir(parents=True)
    return root


def outcome(root: Path, content: str | bytes) -> None:
    """Load, check and plan one handout; the property every test asserts."""
    path = root / REL
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    loaded = load_project(root, TODAY)
    jobs, report = plan(loaded, BuildOptions(today=TODAY))
    lines = (content if isinstance(content, bytes) else content.encode("utf-8", "replace")).count(
        b"\n"
    ) + 1
    for problem in report.problems:
        assert problem.path == REL, problem
        assert problem.code in CODES, problem
        assert 0 <= problem.line <= lines + 1, problem
        assert problem.message.strip(), problem
    errors = [p for p in report.problems if p.severity is Severity.ERROR]
    assert bool(jobs) != bool(errors), report.problems  # built, or told why not


YAML_ALPHABET = string.ascii_letters + string.digits + ":-[]{}&*!|>'\"#%@`,?. \n\t\\"
# Short random text finds syntax slips; a repeated piece finds what only depth reveals
# (PyYAML composes nested collections recursively).
repeated = st.tuples(st.sampled_from(["[", "{a: ", "- ", "  - ", "? "]), st.integers(0, 2000))
yaml_ish = st.text(alphabet=YAML_ALPHABET, max_size=200) | repeated.map(
    lambda piece: "tags: " + piece[0] * piece[1]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=40)
    | st.dates()
    | st.sampled_from([dt.date.min, dt.date.max, dt.date(1, 1, 31), dt.date(9999, 11, 30)])
    | st.datetimes()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
dates = st.sampled_from([dt.date.min, dt.date.max, dt.date(9999, 11, 30)]) | st.dates()
# For each known key, a value of the right kind half the time (so the other keys do not
# always stop validation early) and anything at all otherwise.
right_kind = {
    "text": st.text(min_size=1, max_size=60),
    "date": dates,
    "tags": st.lists(st.text(min_size=1, max_size=12), max_size=4),
    "bool": st.booleans(),
}
meta_values = st.fixed_dictionaries(
    {}, optional={key: right_kind[field.kind] | values for key, field in FIELDS.items()}
)


@FUZZ
@given(text=yaml_ish)
def test_any_front_matter_text_is_a_handout_or_a_problem(project: Path, text: str) -> None:
    outcome(project, f"---\n{text}\n---\n\nBody.\n")


@FUZZ
@given(meta=meta_values)
def test_any_values_for_known_keys_are_a_handout_or_a_problem(
    project: Path, meta: dict[str, object]
) -> None:
    base: dict[str, object] = {"title": "T", "reviewed_on": dt.date(2026, 10, 1)}
    front = yaml.safe_dump({**base, **meta}, allow_unicode=True, sort_keys=False)
    outcome(project, f"---\n{front}---\n\nBody.\n")


MARKDOWN_PIECES = [
    *"*_`[]()!<>&#|\\-+.:'\"{} \n\t",
    "\n\n",
    "    ",
    "> ",
    "- ",
    "1. ",
    "# ",
    "!!! note ",
    "{: .x #y }",
    "](",
    "![a](",
    "http://127.0.0.1:9/x.png",
    "javascript:alert(1)",
    "data:image/png;base64,AA==",
    "../../etc/passwd",
    "<div>",
    "</div>",
    "<script>",
    "<a href=",
    '<img src="',
    '" alt="x">',
    "<!--",
    "-->",
    "&#x09;",
    "&amp;",
    "|-|-|",
    "{{ 7*7 }}",
    "{% include x %}",
    "1-800-273-8255",
    "988",
    "colspan=999999",
    "\u00e9\u00f1",
    "\u200b",
    "\ufeff",
]
pieces = st.lists(st.sampled_from(MARKDOWN_PIECES) | st.text(max_size=5), max_size=60)


def _nested(piece: tuple[str, int]) -> str:
    """A piece repeated; a list item one level deeper each time (2 or 4 spaces)."""
    mark, count = piece
    if mark.startswith("list"):
        step = 2 if mark == "list2" else 4
        return "".join(" " * (step * i) + "- x\n" for i in range(min(count, 600)))
    return mark * count


nesting = st.tuples(
    st.sampled_from([">", "> ", "<div>", "<blockquote>", "[", "![", "`a` ", "list", "list2"]),
    st.integers(0, 3000),
)
markdown_ish = pieces.map("".join) | nesting.map(_nested)


@FUZZ
@given(body=markdown_ish)
def test_any_markdown_body_is_a_handout_or_a_problem(project: Path, body: str) -> None:
    outcome(project, f"---\ntitle: T\nreviewed_on: 2026-10-01\n---\n\n{body}\n")


@FUZZ
@given(data=st.binary(max_size=300))
def test_any_bytes_are_a_handout_or_a_problem(project: Path, data: bytes) -> None:
    outcome(project, b"---\ntitle: T\nreviewed_on: 2026-10-01\n---\n" + data)
