"""Full-text search for the catalogue: what each card can be found by, and the library
that finds it.

The build writes, for each card, the words it can be found by (titles in every language,
summary, topics, id, and every sentence and heading of the body as a reader meets it:
``text/prose.py``, not the PDF) into the catalogue page as a JSON data block. In the
browser, MiniSearch (``data/vendor/minisearch/``, MIT licence, shipped in the package:
nothing is fetched) indexes them and ranks the matches: title above summary and topics
above the body, prefix matches ("keta" finds ketamine), one typo forgiven, accents and
scripts folded by one function (``fold`` in ``catalogue.js``). The matching sentence is
shown under the card.

Synonyms are the clinic's: ``[search] synonyms`` in handouts.toml
(``{ BP = "blood pressure", "flu jab" = "flu shot" }``); a query with a word or phrase on
the left also finds what is on the right. They are folded here with ``fold`` (the same
rule as the page's) so "Flu Jab" and "flu jab" are one entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from clinic_handouts.catalogue.folding import fold
from clinic_handouts.text.prose import parse

VENDOR = ("data", "vendor", "minisearch")
LIBRARY = "minisearch.js"


def body_sentences(body: str, first_line: int, lang: str) -> tuple[str, ...]:
    """Every heading and sentence of a handout body, in reading order, markup removed."""
    doc = parse(body, first_line, lang)
    lines: list[tuple[int, str]] = [(h.line, h.text) for h in doc.headings]
    lines += [(s.line, s.text) for s in doc.sentences]
    lines.sort(key=lambda item: item[0])
    return tuple(" ".join(text.split()) for _line, text in lines if text.strip())


def library_script() -> str:
    """The MiniSearch library, as shipped in the package."""
    folder = resources.files("clinic_handouts").joinpath(*VENDOR)
    return (folder / LIBRARY).read_text(encoding="utf-8")


def folded_synonyms(synonyms: Mapping[str, str]) -> dict[str, list[str]]:
    """Each folded word or phrase and what it also finds (both ways: a search for the
    long form also finds the short one)."""
    table: dict[str, list[str]] = {}
    for short, long in synonyms.items():
        a, b = " ".join(fold(short).split()), " ".join(fold(long).split())
        if not a or not b or a == b:
            continue
        table.setdefault(a, []).append(b)
        table.setdefault(b, []).append(a)
    return table


def search_documents(cards: Sequence[Any]) -> list[dict[str, Any]]:
    """One document per card: ``i`` its id, ``t`` its titles, ``m`` summary, topics and
    id, ``s`` the body's sentences (every language of the handout), each on one line:
    catalogue.js folds a card's sentences as one text with a line break between them."""
    documents = []
    for card in cards:
        titles = list(dict.fromkeys(row.title for row in card.rows))
        documents.append(
            {
                "i": card.id,
                "t": " ".join(titles),
                "m": card.search,
                "s": [" ".join(sentence.split()) for sentence in card.sentences],
            }
        )
    return documents
