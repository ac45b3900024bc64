"""The text of a handout body as a reader meets it, with source line numbers.

Checks that judge wording (reading level, sentence length, lists, headings, capitals)
need the body's structure, and their problems must point at exact lines. HTML from
text/markdown.py has no line numbers, so this module walks the Markdown source itself and
mirrors the block rules of the converter text/markdown.py configures (Python-Markdown with
tables, admonition, attribute lists and sane lists): a list needs a blank line before it
unless it is nested in another list, a table is a block whose second line is a ``|---|``
row, an indented block after a blank line is code, an admonition's text is indented.

``parse`` returns a ``Document``:

- ``paragraphs``: prose (paragraphs, list items, quotes, call-out text), split into
  sentences, each with the line it starts on. Headings, table cells, the call-out
  titles, image descriptions, link addresses and code are not prose.
- ``headings``, ``lists`` and ``tables`` with their lines, for structure checks.
- ``code_blocks``: text indented by a tab or 4 spaces after an empty line, which Markdown
  prints as computer code; in a handout that is almost always pasted text by accident.
- ``visible``: every source line's printed text (markup removed, code left out), for
  checks that look at all words, table cells and headings included.

Inline markup is blanked with spaces of the same length instead of being deleted, so an
offset in cleaned text is the same offset in the source and maps straight to a line.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field

from clinic_handouts.text import segments

Line = tuple[int, str]  # (file line number, text)

_LIST_RE = re.compile(r"^( {0,3})([-*+]|\d+\.)[ \t]+(\S.*)$")
_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HR_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_TABLE_SEPARATOR_RE = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_ADMONITION_RE = re.compile(r'^!!! ?([\w\-]+(?: +[\w\-]+)*)(?: +"(.*?)")? *$')
_QUOTE_RE = re.compile(r"^ {0,3}> ?")
_ATTR_LINE_RE = re.compile(r"^ {0,3}\{:?[^}]*\}[ \t]*$")
_REFERENCE_RE = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S")
_HTML_BLOCK_RE = re.compile(r"^<(/?)([A-Za-z][A-Za-z0-9]*)\b")
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)

# Inline markup, blanked in order. Each pattern's "keep" groups are the printed text.
_INLINE: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ()),  # images: the description is not printed
    (re.compile(r"!\[[^\]]*\](?:\[[^\]]*\])?"), ()),  # reference images
    (re.compile(r"\[(?P<text>[^\]]*)\]\([^)]*\)"), ("text",)),  # links: keep the text
    (re.compile(r"\[(?P<text>[^\]]+)\]\[[^\]]*\]"), ("text",)),  # reference links
    (re.compile(r"<(?P<url>(?:https?://|mailto:)[^>\s]+|[^@\s<>]+@[^>\s]+)>"), ("url",)),
    (re.compile(r"</?[A-Za-z][^>]*>"), ()),  # raw HTML tags
    (re.compile(r"\{:?[^}\n]*\}"), ()),  # attribute lists
    (re.compile(r"\\(?=[^\w\s])|`+|\*+|(?<!\w)_+|_+(?!\w)"), ()),  # emphasis, code, escapes
)
_ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")

# A run of . ! ? or … (with closing quotes or brackets) before a space.
_END_RE = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_LATIN_MARKS = frozenset(".!?…")
# What may follow a sentence's last mark: closing quotes and brackets, then spaces.
_CLOSING_RE = re.compile(r"[\"'”’»)\]」』）〕】]*\s*$")
_WORD_BEFORE_RE = re.compile(r"(\S+)$")
_LETTER_RE = re.compile(r"[^\W_]")
_SPACE_BEFORE_MARK_RE = re.compile(r"\s+([.,;:!?…])")  # left where link markup was blanked
# Abbreviations usually followed by a capital (Dr. Lee): their full stop does not end a
# sentence. Others ("a.m.", "etc.") are caught by the rule that a sentence does not start
# in lower case, and are kept out of this list because they often do end a sentence.
ABBREVIATIONS = frozenset(
    {"dr", "dra", "drs", "dres", "mr", "mrs", "ms", "sr", "sra", "srta", "st", "jr", "prof"}
    | {"vs", "u.s", "ee.uu", "nº", "núm", "p.ej", "ej", "fig", "dept", "tel", "aprox"}
)


@dataclass(frozen=True)
class Sentence:
    """One sentence of prose, as the wording and reading-level checks measure it."""

    text: str  # whitespace folded, markup removed
    line: int  # where it starts


@dataclass(frozen=True)
class Paragraph:
    """A block of prose: a paragraph, one list item, a quote or a call-out's text, split
    into sentences."""

    kind: str  # "paragraph", "item", "quote", "note" (call-out text) or "html"
    line: int  # its first line
    sentences: tuple[Sentence, ...]
    list_glued_at: int = 0  # line of a list marker printed inside this paragraph, if any


@dataclass(frozen=True)
class Heading:
    """A heading, for the check that no heading level is skipped (``heading-skip``)."""

    level: int  # 1 for #, 2 for ##, ...
    text: str  # as printed: markup removed, whitespace folded
    line: int


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list, for the check of lists too long to take in (``long-list``)."""

    line: int  # of its first item
    ordered: bool
    items: tuple[int, ...]  # the line of each item
    depth: int  # 0 for a list in the text, 1 for a list nested in a list item, ...


@dataclass(frozen=True)
class Table:
    """A table, in Markdown (a ``|---|`` row under its first line) or in raw HTML."""

    line: int  # its first line
    rows: int  # its source lines (a Markdown table's |---| row not counted)


@dataclass(frozen=True)
class CodeBlock:
    """Text Markdown prints as computer code (indented after an empty line): in a
    handout, nearly always text pasted with its indent by accident."""

    line: int  # its first line
    lines: tuple[Line, ...]  # (file line number, text with tabs expanded), blank lines out


@dataclass
class Document:
    """A handout body as a reader meets it, every part with its source line (``parse``;
    the module's docstring says what each list holds)."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    lists: list[ListBlock] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    code_blocks: list[CodeBlock] = field(default_factory=list)
    visible: list[Line] = field(default_factory=list)

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]


def _blank_keep(match: re.Match[str], keep: tuple[str, ...]) -> str:
    """The match with every character blanked except the kept groups (and newlines)."""
    chars = ["\n" if ch == "\n" else " " for ch in match.group(0)]
    for name in keep:
        start, end = match.span(name)
        base = match.start()
        chars[start - base : end - base] = match.group(name)
    return "".join(chars)


def clean_inline(text: str) -> str:
    """Printed text of Markdown inline markup, with every character at its source offset."""
    for pattern, keep in _INLINE:
        text = pattern.sub(lambda m, keep=keep: _blank_keep(m, keep), text)  # type: ignore[misc]
    return _ENTITY_RE.sub(lambda m: html.unescape(m.group(0)).ljust(len(m.group(0))), text)


def _is_abbreviation(before: str, mark: str) -> bool:
    if mark != ".":
        return False
    word = _WORD_BEFORE_RE.search(before)
    if not word:
        return False
    token = word.group(1).lstrip("([\"'“¿¡").lower().rstrip(".")
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _candidate_ends(flat: str, lang: str) -> list[int]:
    """Where a sentence may end, trailing spaces left out: ICU's sentence boundaries, and
    a run of . ! ? or … before a space. ICU alone would miss two ends that English and
    Spanish handouts have: a full stop before a number or a dash ("Take 2 tablets. 1 in
    the morning": ICU looks past the digits for a lower-case word), and an ellipsis (to
    ICU "…" is a pause inside a sentence)."""
    ends = {len(flat[:end].rstrip()) for end in segments.sentence_ends(flat, lang)}
    ends.update(match.end() for match in _END_RE.finditer(flat))
    return sorted(end for end in ends if 0 < end < len(flat.rstrip()))


def _ends_here(flat: str, start: int, end: int) -> bool:
    """Whether a candidate end (see ``_candidate_ends``) really ends a sentence."""
    closing = _CLOSING_RE.search(flat, start, end)
    mark_end = closing.start() if closing else end
    mark = flat[mark_end - 1 : mark_end]
    if mark in _LATIN_MARKS and not flat[end].isspace():
        return False  # "=?utf-8?" or "file.Next": a mark inside a word or an address
    if mark in ".…":
        if _is_abbreviation(flat[start : mark_end - 1], mark):
            return False  # "Dr. Lee"
        if flat[end:].lstrip()[:1].islower():
            return False  # "5 mg. twice a day": a full stop inside a sentence
    return True


def split_sentences(text: str, lines: list[int], lang: str = "en") -> list[Sentence]:
    """Sentences of cleaned paragraph text; ``lines[k]`` is the line of the k-th text line.

    Boundaries come from ICU in the handout's language (text/segments.py), so Hindi ends
    at ``।``, Arabic at ``؟``, Chinese at ``。`` with no space after it. This project's
    rules for Latin punctuation are kept on top: a known abbreviation ("Dr. Lee") or a
    single letter ("J. Smith") does not end a sentence, nor does a full stop or an
    ellipsis followed by a word in lower case ("5 mg. twice a day"), nor a mark with no
    space after it ("=?utf-8?")."""
    sentences: list[Sentence] = []
    start = 0
    # To ICU every line break ends a sentence; in Markdown it is a space (same length, so
    # offsets still point into ``text``).
    flat = text.replace("\n", " ")

    def emit(end: int) -> None:
        chunk = text[start:end]
        words = chunk.split()
        if words and _LETTER_RE.search(chunk):
            offset = start + len(chunk) - len(chunk.lstrip())
            folded = _SPACE_BEFORE_MARK_RE.sub(r"\1", " ".join(words))
            sentences.append(Sentence(folded, lines[text.count("\n", 0, offset)]))

    for end in _candidate_ends(flat, lang):
        if end > start and _ends_here(flat, start, end):
            emit(end)
            start = end
    emit(len(text))
    return sentences


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _dedent(text: str, width: int = 4) -> str:
    return text[min(width, _indent(text)) :]


def _is_blank(line: Line) -> bool:
    return not line[1].strip()


@dataclass
class _Parser:
    doc: Document
    lang: str

    def visible(self, number: int, text: str) -> None:
        printed = " ".join(clean_inline(text).split())
        if printed:
            self.doc.visible.append((number, printed))

    def paragraph(self, kind: str, lines: list[Line], glued_at: int = 0) -> None:
        for number, text in lines:
            self.visible(number, text)
        cleaned = clean_inline("\n".join(text.strip() for _, text in lines))
        numbers = [number for number, _ in lines]
        sentences = tuple(split_sentences(cleaned, numbers, self.lang))
        if sentences:
            self.doc.paragraphs.append(Paragraph(kind, lines[0][0], sentences, glued_at))

    def blocks(self, lines: list[Line], kind: str, depth: int, in_item: bool) -> None:
        """Parse a sequence of lines (already de-indented for their container)."""
        i, n = 0, len(lines)
        after_blank = True
        while i < n:
            number, text = lines[i]
            if not text.strip():
                i, after_blank = i + 1, True
                continue
            stripped = text.strip()
            if _indent(text) >= 4 and after_blank and not in_item:
                i = self._skip_code(lines, i)  # indented code: never printed as prose
                continue
            after_blank = False
            if match := _ADMONITION_RE.match(text):
                i = self._admonition(lines, i, match, depth)
                after_blank = True
            elif match := _ATX_RE.match(text):
                self._heading(number, len(match.group(1)), match.group(2) or "")
                i += 1
            elif _HR_RE.match(text):
                i += 1
            elif self._table_starts(lines, i):
                i = self._table(lines, i)
            elif _QUOTE_RE.match(text):
                i = self._quote(lines, i, depth)
            elif _LIST_RE.match(text):
                i = self._list(lines, i, depth)
            elif _ATTR_LINE_RE.match(text) or _REFERENCE_RE.match(text):
                i += 1
            elif (match := _HTML_BLOCK_RE.match(stripped)) and not match.group(1):
                i = self._html_block(lines, i)
            else:
                i = self._paragraph(lines, i, kind, in_item)

    def _skip_code(self, lines: list[Line], i: int) -> int:
        start = i
        while i < len(lines) and (_is_blank(lines[i]) or _indent(lines[i][1]) >= 4):
            i += 1
        code = tuple(line for line in lines[start:i] if not _is_blank(line))
        self.doc.code_blocks.append(CodeBlock(code[0][0], code))
        return i

    def _heading(self, number: int, level: int, text: str) -> None:
        printed = " ".join(clean_inline(text).split())
        self.doc.headings.append(Heading(level, printed, number))
        self.visible(number, text)

    def _admonition(self, lines: list[Line], i: int, match: re.Match[str], depth: int) -> int:
        number = lines[i][0]
        title = match.group(2)
        self.visible(number, title if title is not None else match.group(1).split()[0].title())
        i += 1
        body: list[Line] = []
        while i < len(lines) and (_is_blank(lines[i]) or _indent(lines[i][1]) >= 4):
            body.append((lines[i][0], _dedent(lines[i][1])))
            i += 1
        while body and _is_blank(body[-1]):
            body.pop()
            i -= 1
        self.blocks(body, "note", depth, in_item=False)
        return i

    def _table_starts(self, lines: list[Line], i: int) -> bool:
        return (
            "|" in lines[i][1]
            and i + 1 < len(lines)
            and "-" in lines[i + 1][1]
            and bool(_TABLE_SEPARATOR_RE.match(lines[i + 1][1]))
        )

    def _table(self, lines: list[Line], i: int) -> int:
        start = i
        while i < len(lines) and not _is_blank(lines[i]):
            if i != start + 1:
                cells = lines[i][1].replace("|", "  ")
                self.visible(lines[i][0], cells)
            i += 1
        self.doc.tables.append(Table(lines[start][0], i - start - 1))
        return i

    def _quote(self, lines: list[Line], i: int, depth: int) -> int:
        body: list[Line] = []
        while i < len(lines) and not _is_blank(lines[i]):
            number, text = lines[i]
            match = _QUOTE_RE.match(text)
            body.append((number, text[match.end() :] if match else text))
            i += 1
        self.blocks(body, "quote", depth, in_item=False)
        return i

    def _list(self, lines: list[Line], i: int, depth: int) -> int:
        first = _LIST_RE.match(lines[i][1])
        assert first is not None
        ordered = first.group(2)[0].isdigit()

        def item_of_this_list(text: str) -> re.Match[str] | None:
            # sane_lists: a marker of the other kind (1. versus -) starts another list
            match = _LIST_RE.match(text)
            return match if match and match.group(2)[0].isdigit() == ordered else None

        items: list[int] = []
        while i < len(lines) and (match := item_of_this_list(lines[i][1])):
            items.append(lines[i][0])
            content: list[Line] = [(lines[i][0], match.group(3))]
            i += 1
            while i < len(lines):
                number, text = lines[i]
                if not text.strip():
                    ahead = i
                    while ahead < len(lines) and _is_blank(lines[ahead]):
                        ahead += 1
                    if ahead < len(lines) and _indent(lines[ahead][1]) >= 4:
                        content.extend(lines[i:ahead])  # more text of this item
                        i = ahead
                        continue
                    if ahead < len(lines) and item_of_this_list(lines[ahead][1]):
                        i = ahead  # a loose list: the next item after a blank line
                    break
                if _indent(text) < 4 and item_of_this_list(text):
                    break
                content.append((number, _dedent(text)))  # indented or lazy continuation
                i += 1
            self.blocks(content, "item", depth + 1, in_item=True)
        self.doc.lists.append(ListBlock(items[0], ordered, tuple(items), depth))
        return i

    def _html_block(self, lines: list[Line], i: int) -> int:
        start = i
        while i < len(lines) and not _is_blank(lines[i]):
            i += 1
        block = lines[start:i]
        if re.match(r"<table\b", block[0][1].strip(), re.IGNORECASE):
            for number, text in block:
                self.visible(number, text)
            self.doc.tables.append(Table(block[0][0], len(block)))
        else:
            self.paragraph("html", block)
        return i

    def _paragraph(self, lines: list[Line], i: int, kind: str, in_item: bool) -> int:
        start = i
        glued_at = 0
        i += 1
        while i < len(lines):
            number, text = lines[i]
            if not text.strip():
                break
            if i == start + 1 and _SETEXT_RE.match(text):
                level = 1 if text.strip()[0] == "=" else 2
                self._heading(lines[start][0], level, lines[start][1].strip())
                return i + 1
            if any(rule.match(text) for rule in (_ATX_RE, _HR_RE, _QUOTE_RE, _ADMONITION_RE)):
                break
            if _LIST_RE.match(text):
                if in_item:
                    break  # a list nested in a list item needs no blank line
                glued_at = glued_at or number  # printed as part of this paragraph
            elif not in_item and _indent(text) >= 4 and _LIST_RE.match(text.lstrip()):
                glued_at = glued_at or number  # indented (a tab, pasted): the same
            i += 1
        self.paragraph(kind, lines[start:i], glued_at)
        return i


def blank_comments(body: str) -> str:
    """HTML comments are never printed: blank them, keeping every line break."""
    return _COMMENT_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)


@functools.lru_cache(maxsize=64)
def parse(body: str, first_line: int, lang: str = "en") -> Document:
    """The structure of a handout body whose first line is ``first_line`` in its file,
    written in ``lang`` (a BCP 47 tag: where its sentences end depends on it).

    Several check families and the catalogue's reading figures read the same handout in
    one build: it is parsed once (callers treat the Document as read-only)."""
    text = blank_comments(body).expandtabs(4)
    lines = [(first_line + k, line) for k, line in enumerate(text.split("\n"))]
    doc = Document()
    _Parser(doc, lang).blocks(lines, "paragraph", 0, in_item=False)
    doc.paragraphs.sort(key=lambda p: p.line)
    doc.headings.sort(key=lambda h: h.line)
    doc.lists.sort(key=lambda b: b.line)
    doc.code_blocks.sort(key=lambda b: b.line)
    doc.visible.sort()
    return doc
