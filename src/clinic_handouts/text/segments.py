"""Sentence and word boundaries in any language, from ICU's break iterators.

Hand-written rules ("a sentence ends at . ! or ? before a space", "a word is a run of
letters") hold for English and Spanish and fail elsewhere: Hindi ends a sentence with
``।``, Arabic asks with ``؟``, Chinese and Japanese put no space after ``。`` nor between
words, and a Devanagari word is letters *and* vowel signs (combining marks, which are not
letters to a regular expression). ICU (International Components for Unicode, through the
``icu4py`` wheel, which ships its own copy of the library) implements Unicode's text
segmentation (UAX #29) with per-language data and dictionaries for languages written
without spaces, so this module asks it, with the handout's language as the break locale.

ICU reports offsets in UTF-16 code units; Python counts code points. The segments ICU
returns as strings tile the text, so offsets are rebuilt by adding up their lengths.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from icu4py.breakers import SentenceBreaker, WordBreaker

# Scripts whose characters are each read as a unit: a sentence's length is counted in
# characters there (see text/lengths.py), as plain-language advice for them does.
_CHARACTER_SCRIPT_RANGES = (
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x3FFFF),  # CJK Unified Ideographs Extensions B and later
)


# ICU reads UTF-8, which has no lone surrogates; one in a Python string (decoded with
# "surrogateescape") would stop the checks with a traceback. A replacement character
# takes its place, one code point for one, so offsets stay right.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _encodable(text: str) -> str:
    return text if text.isascii() else _SURROGATE_RE.sub("\ufffd", text)


def icu_locale(lang: str) -> str:
    """A BCP 47 tag (``zh-Hant-TW``) as ICU's locale id (``zh_Hant_TW``)."""
    return lang.replace("-", "_")


@functools.lru_cache(maxsize=4096)
def sentence_ends(text: str, lang: str) -> tuple[int, ...]:
    """Code-point offsets where ICU ends a sentence of ``text`` (the text's end included).

    ``text`` must have its line breaks replaced by spaces first: to ICU every line break
    ends a sentence, and a Markdown paragraph is wrapped over several lines."""
    ends: list[int] = []
    offset = 0
    for segment in SentenceBreaker(_encodable(text), icu_locale(lang)):
        offset += len(segment)
        # ICU counts an opening bracket or quote after a full stop as part of the sentence
        # it follows ("…电话！「好。」"): it opens the next one, so the boundary goes before it.
        back = 0
        while back < len(segment) and unicodedata.category(segment[-1 - back]) in ("Ps", "Pi"):
            back += 1
        if back == len(segment) or offset == len(text):
            back = 0
        ends.append(offset - back)
    return tuple(ends)


_HYPHENS = ("-", "\u2010", "\u2011")  # hyphen-minus, hyphen, non-breaking hyphen


def _is_word(segment: str) -> bool:
    return any(ch.isalnum() for ch in segment)


@functools.lru_cache(maxsize=8192)
def words(text: str, lang: str) -> tuple[str, ...]:
    """The words of ``text`` by ICU's word boundaries in ``lang``: segments holding a letter
    or a digit (spaces and punctuation are not words). Words that touch through a hyphen
    ("follow-up", "Reposez-vous") are one word, as the English and Spanish counts have
    always taken them."""
    found: list[str] = []
    glue = ""  # the previous segment: a hyphen written right after a word
    after_word = False
    for segment in WordBreaker(_encodable(text), icu_locale(lang)):
        if _is_word(segment):
            if glue:
                found[-1] += glue + segment
            else:
                found.append(segment)
            glue, after_word = "", True
        else:
            glue = segment if after_word and segment in _HYPHENS else ""
            after_word = False
    return tuple(found)


def is_character_script(ch: str) -> bool:
    """True for a Chinese character or Japanese kana, each read as one unit."""
    code = ord(ch)
    return any(low <= code <= high for low, high in _CHARACTER_SCRIPT_RANGES)
