"""The pieces under `reading-level`: the prose a reader meets (with exact lines), syllable
counts that never touch the network, and the formulas."""

from __future__ import annotations

import socket
import sys

import pytest

from clinic_handouts.text import prose, syllables
from clinic_handouts.text import readability as metrics


def test_sentences_keep_the_line_they_start_on() -> None:
    body = (
        "## A heading is not a sentence\n"
        "\n"
        "First sentence. Second one starts here and\n"
        "ends on the next line. Dr. Lee said so at 9 a.m. on Monday.\n"
        "\n"
        "| Table cell. | Another cell. |\n"
        "|---|---|\n"
        "| More. | Cells. |\n"
        "\n"
        "- An item without a full stop\n"
        "- A **bold** [link](https://example.org/a.b) item!\n"
        "\n"
        '!!! note "A call-out title"\n'
        "    Call-out text.\n"
        "\n"
        "![A description is not printed text.](x.png)\n"
    )
    doc = prose.parse(body, 10)
    assert [(s.line, s.text) for s in doc.sentences] == [
        (12, "First sentence."),
        (12, "Second one starts here and ends on the next line."),
        (13, "Dr. Lee said so at 9 a.m. on Monday."),
        (19, "An item without a full stop"),
        (20, "A bold link item!"),
        (23, "Call-out text."),
    ]
    assert [(h.level, h.text, h.line) for h in doc.headings] == [
        (2, "A heading is not a sentence", 10)
    ]
    assert [(t.line, t.rows) for t in doc.tables] == [(15, 2)]
    assert [(b.line, len(b.items)) for b in doc.lists] == [(19, 2)]


def test_lists_follow_the_converters_rules() -> None:
    body = "Bring:\n- your ID\n- your list\n\n- a\n    - nested\n    - nested\n- b\n\n1. one\n"
    doc = prose.parse(body, 1)
    # Straight under text, the "list" is printed as part of the paragraph.
    assert doc.paragraphs[0].list_glued_at == 2
    assert doc.paragraphs[0].sentences[0].text == "Bring: - your ID - your list"
    assert [(b.line, len(b.items), b.depth) for b in doc.lists] == [
        (5, 2, 0),
        (6, 2, 1),
        (10, 1, 0),
    ]


def test_comments_and_indented_code_are_not_prose() -> None:
    body = "Text.\n\n<!-- A hidden\nnote. -->\n\n    code block line\n"
    assert [s.text for s in prose.parse(body, 1).sentences] == ["Text."]


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("you", 1),
        ("depression", 3),
        ("medicine", 3),
        ("every", 3),  # the dictionary's pronunciation, EH1 V ER0 IY0
        ("don't", 1),
        ("follow-up", 3),
        ("clinic's", 2),
        ("zorvatine", 3),  # not in the dictionary: the spelling rule
        ("988", 1),
    ],
)
def test_english_syllables(word: str, count: int) -> None:
    assert syllables.count(word, "en") == count


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("y", 1),
        ("hoy", 1),
        ("muy", 1),
        ("ayuda", 3),
        ("que", 1),
        ("guerra", 2),
        ("día", 2),
        ("país", 2),
        ("ciudad", 2),
        ("leer", 2),
        ("poeta", 3),
        ("línea", 3),
        ("Uruguay", 3),
        ("medicamento", 5),
        ("depresión", 3),
    ],
)
def test_spanish_syllables(word: str, count: int) -> None:
    assert syllables.count(word, "es") == count


def test_dictionary_is_read_offline_without_nltk(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the syllable counter tried to open a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    syllables._cmu_lines.cache_clear()
    syllables.english.cache_clear()
    assert syllables.dictionary_available()
    assert syllables.count("neuroplasticity", "en") == 6  # a dictionary word
    assert "nltk" not in sys.modules


def test_formulas() -> None:
    assert metrics.smog(30, 30) == pytest.approx(1.043 * 30**0.5 + 3.1291)
    assert metrics.flesch_kincaid(100, 150, 10) == pytest.approx(0.39 * 10 + 11.8 * 1.5 - 15.59)
    assert metrics.szigriszt(100, 200, 10) == pytest.approx(206.835 - 62.3 * 2 - 10)
    assert metrics.fernandez_huerta(100, 200, 10) == pytest.approx(206.84 - 120 - 10.2)
    # INFLESZ on the grade scale: 65 ("fairly easy") is grade 6, 55 ("normal") grade 8.
    assert metrics.inflesz_grade(65) == 6 and metrics.inflesz_grade(55) == 8
    assert metrics.inflesz_grade(60) == 7
    assert metrics.inflesz_for_grade(6) == 65 and metrics.inflesz_for_grade(8) == 55
    assert metrics.inflesz_band(54.9) == "fairly hard" and metrics.inflesz_band(55) == "normal"


def test_short_texts_and_other_languages_are_counted_not_scored() -> None:
    doc = prose.parse("Rest well today. Call us.\n", 1)
    short = metrics.measure_document(doc, "en")
    assert (short.grade, short.words) == (None, 5)
    assert short.describe() == "not scored (under 30 words of prose)"
    french = metrics.measure_document(prose.parse("Reposez-vous bien. " * 20, 1), "fr")
    assert french.grade is None and french.words == 40
