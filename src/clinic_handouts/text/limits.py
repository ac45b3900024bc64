"""Limits on the shape of a handout's text, so reading and laying it out stays quick.

Python-Markdown and WeasyPrint are built for text people write, not for text made to be
slow. Measured here: Python-Markdown's time grows with the square of the number of
blocks and of inline marks in a handout (10,000 headings take 6 s, 16,000 code spans
4 s, 40,000 paragraphs 16 s), with the square of the distance from each unclosed ``[``
to the end of its paragraph (8,000 ``[`` on one line: 7 s), and it recurses on nested
lists (1,000 levels: a RecursionError after 9 s); WeasyPrint recurses on nested boxes
and fails past about 150 levels. None of that needs a big file: 40 KB is enough.

So, before the text is parsed, one linear pass checks a few limits that no real handout
comes near (a long one has a few hundred lines, a few hundred marks and lists three
deep). Going past one is a ``too-complex`` error with the line where it happens, and the
handout is not parsed at all. The limits are module constants so a test can name them.
"""

from __future__ import annotations

import re

from clinic_handouts.errors import Problem, error

MAX_NESTING = 20  # lists, quotes and call-out boxes inside each other
MAX_LINES = 5_000  # non-blank lines; each can start a block
MAX_MARKS = 8_000  # inline marks: emphasis, code, links, quotes, dashes, entities...
MAX_BRACKET_SCAN = 1_000_000  # characters scanned to match '[' with ']'
MAX_TABLE_COLUMNS = 100
MAX_HTML_DEPTH = 60  # elements inside each other in the finished HTML (see text/markdown.py)
MAX_SPAN = 100  # colspan / rowspan in raw HTML tables (see text/markdown.py)

# Characters and sequences that each start an inline element (Python-Markdown inline
# patterns, and the smart quotes, dashes and ellipses of the smarty extension).
_MARKS = ("`", "*", "_", "[", "<", "'", '"', "&", "\\", "--", "...")
_BRACKET_RE = re.compile(r"[\[\]]")
_LIST_ITEM_RE = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:\s|$)|!!!\s")
_QUOTE_PREFIX_RE = re.compile(r"[ \t]*(?:>[ \t]?)+")


def too_complex(rel: str, line: int, message: str) -> Problem:
    return error(rel, line, "too-complex", message)


def check_body(body: str, rel: str, first_line: int) -> list[Problem]:
    """The first limit passed (one problem is enough to act on), or [] when the body is
    safe to parse."""
    lines = body.split("\n")
    problems = [
        *_nesting(lines, rel, first_line),
        *_counts(lines, rel, first_line),
        *_brackets(lines, rel, first_line),
    ]
    return sorted(problems, key=lambda problem: problem.line)[:1]


def _indent_width(text: str) -> int:
    return len(text.expandtabs(4)) - len(text.expandtabs(4).lstrip(" "))


def _nesting(lines: list[str], rel: str, first_line: int) -> list[Problem]:
    """Quote depth (count of leading '>') plus list depth (a stack of indents)."""
    stack: list[int] = []
    for offset, text in enumerate(lines):
        quote = _QUOTE_PREFIX_RE.match(text)
        quotes = quote.group(0).count(">") if quote else 0
        rest = text[quote.end() :] if quote and quotes else text
        if not rest.strip():
            depth = quotes  # a blank line does not end a list
        else:
            indent = _indent_width(rest)
            if _LIST_ITEM_RE.match(rest.lstrip()):
                while stack and stack[-1] >= indent:
                    stack.pop()
                stack.append(indent)
            elif indent == 0:
                stack.clear()  # a paragraph at the margin ends every list
            depth = quotes + len(stack)
        if depth > MAX_NESTING:
            return [
                too_complex(
                    rel,
                    first_line + offset,
                    f"lists, quotes or call-out boxes are nested more than {MAX_NESTING} "
                    "levels deep here; a printed sheet cannot show that. Use fewer levels",
                )
            ]
    return []


def _counts(lines: list[str], rel: str, first_line: int) -> list[Problem]:
    problems: list[Problem] = []
    non_blank = 0
    marks = 0
    lines_reported = marks_reported = columns_reported = False
    for offset, text in enumerate(lines):
        line = first_line + offset
        if text.strip():
            non_blank += 1
        if non_blank > MAX_LINES and not lines_reported:
            lines_reported = True
            problems.append(
                too_complex(
                    rel,
                    line,
                    f"the text has more than {MAX_LINES:,} lines; a handout is a few "
                    "pages. Split it into several handouts",
                )
            )
        marks += sum(text.count(mark) for mark in _MARKS)
        marks += text.endswith("  ")  # a hard line break
        if marks > MAX_MARKS and not marks_reported:
            marks_reported = True
            problems.append(
                too_complex(
                    rel,
                    line,
                    f"the text has more than {MAX_MARKS:,} formatting marks (* _ ` [ < & "
                    "quotes, dashes) by this line; is this a handout? Split it into "
                    "several handouts, or remove marks that are not needed",
                )
            )
        if text.count("|") > MAX_TABLE_COLUMNS + 1 and not columns_reported:
            columns_reported = True
            problems.append(
                too_complex(
                    rel,
                    line,
                    f"this table row has more than {MAX_TABLE_COLUMNS} columns; a printed "
                    "page holds a few. Split the table",
                )
            )
    return problems


def _brackets(lines: list[str], rel: str, first_line: int) -> list[Problem]:
    """Characters Python-Markdown scans to match each '[' of a paragraph with its ']'.

    For every '[' it reads forward, counting nested brackets, to the matching ']' or to
    the end of the paragraph. The sum over a paragraph is found here in one pass with a
    stack of open positions.
    """
    scanned = 0
    block_start = 0
    block: list[str] = []
    for offset, text in enumerate([*lines, ""]):
        if text.strip():
            if not block:
                block_start = offset
            block.append(text)
            continue
        if not block:
            continue
        joined = "\n".join(block)
        block = []
        opened: list[int] = []
        for match in _BRACKET_RE.finditer(joined):
            position = match.start()
            if match.group() == "[":
                opened.append(position)
            elif opened:
                scanned += position - opened.pop()
        scanned += sum(len(joined) - position for position in opened)
        if scanned > MAX_BRACKET_SCAN:
            return [
                too_complex(
                    rel,
                    first_line + block_start,
                    "this paragraph has many '[' without a matching ']'; a link is "
                    "written [text](address). Remove the extra '['",
                )
            ]
    return []
