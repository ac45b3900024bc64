"""The README's links: every relative link points to a file that exists, and every anchor to a
heading of that file.

MkDocs checks the links inside docs/ (`make docs`, strict), but README.md is outside its
docs_dir, so nothing else would notice a README link left behind when a page moves.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown.extensions.toc import slugify

from tests.helpers.repo_project import REPO

# [text](target) outside code; a target has no spaces (an optional "title" may follow).
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _prose(markdown_text: str) -> str:
    """The text without fenced blocks and code spans, where a `[x](y)` is not a link."""
    return _CODE_SPAN.sub("", _FENCE.sub("", markdown_text))


def relative_links(markdown_text: str) -> list[str]:
    """Every link target that is not a web, mail or phone address."""
    targets = _LINK.findall(_prose(markdown_text))
    return [t for t in targets if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", t)]


def anchors(markdown_text: str) -> set[str]:
    """The ids MkDocs gives the headings of a page (Python-Markdown's toc slugs)."""
    found = set()
    for heading in _HEADING.findall(_FENCE.sub("", markdown_text)):
        text = heading.replace("`", "")
        found.add(slugify(text, "-"))
    return found


def broken_links(markdown_file: Path) -> list[str]:
    """The links of a Markdown file that lead nowhere, each with the reason."""
    broken = []
    for target in relative_links(markdown_file.read_text(encoding="utf-8")):
        path_part, _, anchor = target.partition("#")
        destination = (markdown_file.parent / path_part) if path_part else markdown_file
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif anchor and anchor not in anchors(destination.read_text(encoding="utf-8")):
            broken.append(f"{target}: no heading with that anchor")
    return broken


def test_readme_links_lead_to_existing_pages() -> None:
    readme = REPO / "README.md"
    assert relative_links(readme.read_text(encoding="utf-8")), "README.md links to no page"
    assert broken_links(readme) == []


def test_readme_keeps_the_two_setup_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make build" in readme
    assert "make test" in readme


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[gone](docs/no-such-page.md)", "docs/no-such-page.md: no such file"),
        (
            "[gone](docs/commands.md#no-such-heading)",
            "docs/commands.md#no-such-heading: no heading with that anchor",
        ),
    ],
)
def test_a_broken_link_is_found(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/commands.md").write_text("# Commands\n\n## Fast, safe rebuilds\n")
    page = tmp_path / "README.md"
    page.write_text(
        f"See {text}, [ok](docs/commands.md#fast-safe-rebuilds) and [web](https://example.org).\n"
        "`[code](nowhere.md)` is not a link.\n"
    )
    assert broken_links(page) == [problem]
