"""What pasting from Word (or from a web page, or an email) does to text, found in plain terms.

Three kinds of damage come with text copied out of Word, and each needs words a writer
understands rather than a parser's:

- Curly quotes. Word turns ``"`` into ``“ ”`` and ``'`` into ``‘ ’`` as you type. In
  front matter YAML reads only straight quotes, so ``title: “Sleep: a guide”`` is a
  syntax error (the ``:`` inside is not protected) and ``title: “Sleep”`` prints the
  quotes as part of the title. ``curly_quote_advice`` explains either case for the line
  and shows the line rewritten with straight quotes. project/sources.py calls it where
  front matter fails to parse; checks/pasted.py where it parsed with the quotes inside.
- Mojibake: text decoded in the wrong encoding (``Donâ€™t wait`` for ``Don’t wait``).
  ``garbled`` finds it and its likely repair with ftfy, a well-kept library built for
  exactly this, which is careful not to touch correct text in any script.
- A character lost for good (``Don�t``): the replacement character U+FFFD stands where a
  letter could not be decoded. There is nothing to repair it from; ``garbled`` says so.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass

# Curly quotes Word (and other editors) type. German and some Eastern European typing
# opens with a low quote „ or ‚; Swedish and Finnish close with the opening shape ” ’.
_OPENING = "“”„‘’‚"
_CLOSING = "”“’‘"
REPLACEMENT_CHARACTER = "\ufffd"


@dataclass(frozen=True)
class CurlyQuoted:
    """A value in a pair of Word's curly quotes (``curly_quoted``): the two quote marks,
    which the message names, and the text between them."""

    opening: str
    inner: str
    closing: str


def curly_quoted(value: str) -> CurlyQuoted | None:
    """``value`` (stripped) wrapped in a pair of curly quotes, or None."""
    text = value.strip()
    if len(text) < 2 or text[0] not in _OPENING or text[-1] not in _CLOSING:
        return None
    return CurlyQuoted(text[0], text[1:-1], text[-1])


def curly_quote_advice(line: str) -> str | None:
    """Words for a front-matter ``key: value`` line whose value is in curly quotes."""
    key, colon, value = line.partition(":")
    if not colon:
        return None
    quoted = curly_quoted(value)
    if quoted is None:
        return None
    key = key.strip()
    # JSON strings are YAML strings: the suggestion is always one valid value.
    straight = json.dumps(quoted.inner.strip(), ensure_ascii=False)
    return (
        f"{key}: the value is in curly quotes {quoted.opening} {quoted.closing} that Word "
        'adds; front matter only understands straight quotes " ". Write the line as '
        f"{key}: {straight}"
    )


@dataclass(frozen=True)
class Garbled:
    """Mojibake in one piece of text: the first garbled word, its repair, how many more."""

    word: str
    repair: str | None  # None: the letter was lost, nothing to repair it from
    more: int  # other garbled words in the same text
    repaired_text: str | None


def _changed_words(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.split(), after.split()
    pairs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            pairs.append((" ".join(old[i1:i2]), " ".join(new[j1:j2])))
    return pairs


def garbled(text: str) -> Garbled | None:
    """Mojibake in ``text`` and its likely repair, or None for text that reads right.

    Only ftfy's encoding repair is used (not its other clean-ups, which would "fix"
    correct curly quotes or full-width letters): it changes text only when the change
    is very likely to undo a wrong decoding, so correct Spanish, Vietnamese, Chinese or
    Arabic is left alone.
    """
    if not text.strip():
        return None
    # Imported here: ftfy takes ~70 ms to load, and a build whose text checks all come
    # from the check cache (checks/cache.py) never needs it.
    import ftfy

    fixed = ftfy.fix_encoding(text)
    if fixed != text:
        changes = _changed_words(text, fixed) or [(text.strip(), fixed.strip())]
        word, repair = changes[0]
        return Garbled(word, repair, len(changes) - 1, fixed)
    if REPLACEMENT_CHARACTER in text:
        words = [w for w in text.split() if REPLACEMENT_CHARACTER in w]
        return Garbled(words[0], None, len(words) - 1, None)
    return None
