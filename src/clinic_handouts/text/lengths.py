"""How long a sentence or a paragraph is, in the unit its language is read in, and the
limits ``long-sentence`` and ``long-paragraph`` compare it with.

- Words, in most languages: 25 a sentence, 100 a paragraph. Plain-language guidance for
  English asks for sentences of 15 to 20 words on average; a warning at 25 catches the
  ones that are clearly too long. Words come from text/readability.py (ICU's word
  boundaries outside English and Spanish).
- Characters, in Chinese and Japanese, which put no space between words: a word count
  there depends on a dictionary and means little to a writer, while "keep a sentence
  under about 35 characters" is what plain Japanese ("yasashii nihongo") guidance
  says. The limit is 40 characters a sentence and 160 a paragraph. Only Chinese
  characters and kana count, one each; a number, an address or a word in another script
  inside the sentence counts as one, as it does in words.
- Syllables, in Vietnamese: Vietnamese writes every syllable apart, and ICU (like a
  space) splits there, so a "word" counted this way is a syllable, and most Vietnamese
  words have one or two. The limits are raised by the same factor as the unit shrinks
  (40 %: 35 a sentence, 140 a paragraph) so the same sentence is judged alike in English
  and Vietnamese. This is this project's choice, not a published norm.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clinic_handouts.text import readability as metrics
from clinic_handouts.text import segments


@dataclass(frozen=True)
class Limits:
    """How one language's sentences and paragraphs are measured (``limits``): the unit, and
    the longest sentence and paragraph before a warning."""

    unit: str  # "words", "characters" or "syllables", as messages name it
    sentence: int  # a longer sentence is a `long-sentence`
    paragraph: int  # a longer paragraph is a `long-paragraph`


WORDS = Limits("words", 25, 100)
CHARACTERS = Limits("characters", 40, 160)
SYLLABLES = Limits("syllables", 35, 140)
BY_LANGUAGE: dict[str, Limits] = {"zh": CHARACTERS, "ja": CHARACTERS, "vi": SYLLABLES}


def limits(lang: str) -> Limits:
    """The limits for a language tag (``zh-Hant`` takes those of ``zh``)."""
    return BY_LANGUAGE.get(metrics.primary_lang(lang), WORDS)


def _token_length(token: str) -> int:
    characters = sum(1 for ch in token if segments.is_character_script(ch))
    # "2026年": the year is one unit and 年 another; "988" alone is one.
    others = any(ch.isalnum() and not segments.is_character_script(ch) for ch in token)
    return characters + others if characters else 1


def length(texts: Iterable[str], lang: str) -> int:
    """The length of some text in the unit of ``limits(lang)``."""
    count = 0
    for text in texts:
        found = metrics.tokens(text, lang)
        if limits(lang) is CHARACTERS:
            count += sum(_token_length(token) for token, _ in found)
        else:
            count += len(found)
    return count
