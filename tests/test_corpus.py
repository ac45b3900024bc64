"""Regression corpus: handout files that once gave a traceback, hung, stalled, dropped
something silently or raised a false alarm (tests/corpus/). All are built together in
one project; each must end exactly as listed here, and the ones that build are rendered
and read back."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CLI, ProjectFactory, pdf_pages

CORPUS = Path(__file__).parent / "corpus"

# file -> the start of its one and only problem (after "handouts/en/<file>")
REFUSED = {
    "year-9999.md": ":3: error: front-matter: reviewed_on: 9999-12-31 is not a real review date",
    "yaml-deep.md": ":4: error: front-matter: the front matter is nested too deeply",
    "yaml-alias-paths.md": ":4: error: front-matter: YAML anchors and aliases",
    "quote-300.md": ":6: error: too-complex: lists, quotes or call-out boxes are nested",
    "div-200.md": ": error: too-complex: the text has elements nested 200 levels deep",
    "colspan.md": ':8: error: too-complex: colspan="1000000" is too large',
    "brackets.md": ":6: error: too-complex: this paragraph has many '[' without a matching ']'",
    "entity-tab-javascript.md": ":8: error: blocked-resource: javascript:alert(1): 'javascript:'",
    "stamp-class.md": ':8: error: unsafe-html: class="stamp-footer" is reserved for the theme',
    "fake-crisis-box.md": ':8: error: unsafe-html: class="crisis-box" is reserved for the theme',
    "svg-in-data-url.md": ":8: error: blocked-resource: http://127.0.0.1:9/x.png: network",
}
# file -> text its PDF must show
BUILT = {
    "code-span-script.md": "type <script> in the box",
    "autolinks.md": "Visit https://988lifeline.org or write to help@example.org.",
    "whitespace-run.md": "A long run of blank space made the crisis check slow.",
    "tall-picture.md": "A picture taller than the page ran over the footer.",
}


def test_corpus_files_end_as_recorded(make_project: ProjectFactory, cli: CLI) -> None:
    assert sorted(p.name for p in CORPUS.glob("*.md")) == sorted({**REFUSED, **BUILT})
    root = make_project()
    shutil.copytree(CORPUS, root / "handouts/en")
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith("handouts/")]
    for name, expected in REFUSED.items():
        mine = [p for p in problems if p.startswith(f"handouts/en/{name}:")]
        assert len(mine) == 1 and mine[0].startswith(f"handouts/en/{name}{expected}"), mine
    assert len(problems) == len(REFUSED), problems
    for name, text in BUILT.items():
        pages = pdf_pages(root / "build/en" / name.replace(".md", ".pdf"))
        assert text in pages[0], (name, pages[0])
