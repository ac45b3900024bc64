"""Text pasted from Word that would print wrong, each problem at its line:

- ``broken-list`` (warning): list items that Markdown will not read as a list, and text
  that would become a block of computer code by accident:

  - a list straight under a line of text, with no empty line between (also when its
    items start with a tab or spaces): printed as part of that paragraph, one run-on
    line ("Do these things first: - Sit quietly - Do not drive");
  - lines that start with a tab or 4 spaces after an empty line: printed as a block of
    computer code in a typewriter font (a pasted, indented list is the usual case);
  - bullets typed as text (``•``, ``◦``, ``▪``, ``–``, and Word's ``o`` and ``§`` for
    deeper levels) and ``1)`` numbers: not list marks, so the items run together into one
    paragraph, or print as paragraphs that screen readers do not read as a list.

  It replaces the older ``list-without-blank-line``, which found only the first case.
- ``garbled-text`` (error): letters decoded the wrong way when the text was copied
  (``Donâ€™t wait`` for ``Don’t wait``), with the likely repair (text/pasted.py, ftfy),
  or a letter lost for good (``Don�t``). Patients would read it exactly as printed.
- ``curly-quotes`` (warning): a front-matter value wrapped in Word's curly quotes
  (``title: “Sleep”``), which are printed as part of the value. (Where the quotes make
  the front matter unreadable, project/sources.py says the same as a ``front-matter``
  error.)

Every finding reads only the handout's own text: the family is a text family, its
findings kept in the check cache.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from clinic_handouts.errors import Problem, error, warning
from clinic_handouts.project.sources import Handout
from clinic_handouts.text import pasted, prose
from clinic_handouts.text.markdown import BodyHtml

if TYPE_CHECKING:
    from clinic_handouts.checks import CheckContext

# A bullet typed as text. Word's plain-text copy of a bulleted list gives "•<tab>item",
# then "o<tab>item" and "§<tab>item" for the second and third levels (Symbol, Courier
# and Wingdings glyphs); AutoCorrect turns a typed "- " into "– ". "o" and "§" count only
# before a tab or two spaces, where they cannot be a word.
_TYPED_BULLET_RE = re.compile(r"^[ \t]*(?P<mark>[•◦▪▫●○■□‣⁃∙·–]|[o§](?=\t|  ))[ \t]*\S")
_PAREN_NUMBER_RE = re.compile(r"^[ \t]*(?P<mark>\d{1,3}\))[ \t]+\S")
_MARKDOWN_ITEM_RE = re.compile(r"^([-*+]|\d+\.)[ \t]+\S")
_TEXT_FIELDS = ("title", "summary", "reviewed_by")


def _typed_mark(text: str) -> str | None:
    match = _TYPED_BULLET_RE.match(text) or _PAREN_NUMBER_RE.match(text)
    return match.group("mark") if match else None


def _glued_lists(handout: Handout, doc: prose.Document, lines: dict[int, str]) -> list[Problem]:
    problems = []
    for paragraph in doc.paragraphs:
        if not paragraph.list_glued_at:
            continue
        indented = lines.get(paragraph.list_glued_at, "")[:1] in ("\t", " ")
        fix = "put an empty line before the list"
        if indented:
            fix += (
                " and start each item at the beginning of the line with '- ' (no tab or "
                "spaces before it)"
            )
        problems.append(
            warning(
                handout.rel,
                paragraph.list_glued_at,
                "broken-list",
                "this list comes straight after a line of text, so it is printed as part "
                "of that paragraph, on one run-on line, not as a list; " + fix,
            )
        )
    return problems


def _code_blocks(handout: Handout, doc: prose.Document) -> list[Problem]:
    problems = []
    for block in doc.code_blocks:
        texts = [text.strip() for _, text in block.lines]
        marks = [_typed_mark(text) for text in texts]
        if any(marks):
            mark = next(m for m in marks if m)
            fix = f"start each item at the beginning of the line with '- ' instead of '{mark}'"
            what = "a list"
        elif any(_MARKDOWN_ITEM_RE.match(text) for text in texts):
            fix = (
                "start each item at the beginning of the line (remove the tab or spaces before it)"
            )
            what = "a list"
        else:
            fix = "remove the tab or spaces at the start of these lines"
            what = "normal text"
        problems.append(
            warning(
                handout.rel,
                block.line,
                "broken-list",
                "these lines start with a tab or 4 spaces after an empty line, so they are "
                f"printed as a block of computer code in a typewriter font, not as {what}; " + fix,
            )
        )
    return problems


def _typed_bullets(handout: Handout, doc: prose.Document, lines: dict[int, str]) -> list[Problem]:
    """One problem per run of items with bullets typed as text (empty lines may separate
    them), at the run's first line."""
    in_code = {number for block in doc.code_blocks for number, _ in block.lines}
    problems: list[Problem] = []
    run: list[tuple[int, str]] = []  # (line, mark) of the current run
    before = ""  # the line just before the current run

    def close() -> None:
        if not run:
            return
        first, mark = run[0]
        if mark.endswith(")"):
            fix = f"number the items '1.', '2.' and so on instead of '{mark}'"
        else:
            fix = f"start each item with '- ' instead of '{mark}'"
        if before.strip():
            fix += ", and put an empty line before the list"
        effect = (
            "they run together into one paragraph"
            if len(run) > 1
            else "it is printed as a line of text"
        )
        problems.append(
            warning(
                handout.rel,
                first,
                "broken-list",
                f"'{mark}' typed as text is not a list mark, so this is not printed as a "
                f"list ({effect}, and screen readers do not announce a list); {fix}",
            )
        )
        run.clear()

    previous = ""
    for number, text in sorted(lines.items()):
        if number in in_code:
            close()
            previous = ""
            continue
        if not text.strip():
            previous = text
            continue  # an empty line does not end a run of typed bullets
        mark = _typed_mark(text)
        if mark:
            if not run:
                before = previous
            run.append((number, mark))
        else:
            close()
        previous = text
    close()
    return problems


def _garbled(handout: Handout, lines: dict[int, str]) -> list[Problem]:
    problems = []
    texts = [(handout.line_of(key), getattr(handout, key)) for key in _TEXT_FIELDS]
    for line, text in texts + sorted(lines.items()):
        found = pasted.garbled(text)
        if found is None:
            continue
        more = f" (and {found.more} more on this line)" if found.more else ""
        if found.repair is None:
            message = (
                f"'{found.word}'{more}: a letter was lost when this text was copied (it "
                "shows as '\ufffd') and patients would read it like this; type the word again"
            )
        else:
            message = (
                f"'{found.word}' is garbled text{more}, letters decoded the wrong way when "
                "the text was copied; patients would read it like this. It should probably "
                f"read '{found.repair}': type it again, or copy the text from the original "
                "document once more"
            )
        problems.append(error(handout.rel, line, "garbled-text", message))
    return problems


def _curly_quotes(handout: Handout) -> list[Problem]:
    problems = []
    for key in _TEXT_FIELDS:
        value: str = getattr(handout, key)
        quoted = pasted.curly_quoted(value)
        if quoted is None:
            continue
        problems.append(
            warning(
                handout.rel,
                handout.line_of(key),
                "curly-quotes",
                f"{key}: the value is in curly quotes {quoted.opening} {quoted.closing} "
                "that Word adds, so they are printed as part of it; use straight quotes "
                f'" " instead, or none: {key}: {quoted.inner.strip()}',
            )
        )
    return problems


def check(handout: Handout, markup: BodyHtml, context: CheckContext) -> list[Problem]:
    doc = prose.parse(handout.body, handout.body_line)
    body = prose.blank_comments(handout.body).split("\n")
    lines = {handout.body_line + k: text for k, text in enumerate(body)}
    return (
        _glued_lists(handout, doc, lines)
        + _code_blocks(handout, doc)
        + _typed_bullets(handout, doc, lines)
        + _garbled(handout, lines)
        + _curly_quotes(handout)
    )
