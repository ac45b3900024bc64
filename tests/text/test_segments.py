"""Sentences and words in every language: real text in Hindi, Arabic, Farsi, Chinese,
Japanese, Korean, Vietnamese and Russian, split as a reader of that language splits it
(ICU's break iterators with the handout's language), and measured in its unit."""

from __future__ import annotations

import pytest

from clinic_handouts.text import lengths, prose, segments
from clinic_handouts.text import readability as metrics

HINDI = (
    "आज आप घर पर आराम करें और दिन में खूब पानी पिएँ। अगर आपको चक्कर आए या उल्टी हो\n"
    "तो लेट जाएँ। ज़्यादा बुरा लगे तो हमें तुरंत फ़ोन करें या 988 पर कॉल करें॥\n"
)


def sentences(body: str, lang: str) -> list[tuple[int, str, int]]:
    """(line, sentence, length in the language's unit) of every prose sentence."""
    doc = prose.parse(body, 1, lang)
    return [(s.line, s.text, lengths.length([s.text], lang)) for s in doc.sentences]


def test_hindi_sentences_end_at_danda_and_words_keep_their_vowel_signs() -> None:
    assert sentences(HINDI, "hi") == [
        (1, "आज आप घर पर आराम करें और दिन में खूब पानी पिएँ।", 12),
        (1, "अगर आपको चक्कर आए या उल्टी हो तो लेट जाएँ।", 10),
        (2, "ज़्यादा बुरा लगे तो हमें तुरंत फ़ोन करें या 988 पर कॉल करें॥", 13),
    ]
    # A vowel sign (ि, ए) is part of its word, not a break between two.
    assert metrics.tokens("आपको चाहिए", "hi") == [("आपको", True), ("चाहिए", True)]


# Each language: a short body, and (below) the sentences it ends in.
BODIES = {
    "ar": "هل تشعر بالدوار؟ استلقِ وارتح۔ اتصل بنا إذا ساءت حالتك.\n",
    "fa": "آیا سرگیجه دارید؟ دراز بکشید. اگر حالتان بدتر شد با ما تماس بگیرید.\n",
    "zh-Hans": "今天请在家休息。多喝水！头晕吗？\n「请给我们打电话。」\n",
    "ja": "今日は家で休んでください。水をたくさん飲んでください！\n",
    "ko": "오늘은 집에서 쉬세요. 물을 많이 드세요! 어지러우세요?\n",
    "ru": "Отдыхайте дома. Д-р Иванов примет вас в 9 ч. утра. Звоните нам!\n",
}
SENTENCES = {
    "ar": ["هل تشعر بالدوار؟", "استلقِ وارتح۔", "اتصل بنا إذا ساءت حالتك."],
    "fa": ["آیا سرگیجه دارید؟", "دراز بکشید.", "اگر حالتان بدتر شد با ما تماس بگیرید."],
    "zh-Hans": ["今天请在家休息。", "多喝水！", "头晕吗？", "「请给我们打电话。」"],
    "ja": ["今日は家で休んでください。", "水をたくさん飲んでください！"],
    "ko": ["오늘은 집에서 쉬세요.", "물을 많이 드세요!", "어지러우세요?"],
    "ru": ["Отдыхайте дома.", "Д-р Иванов примет вас в 9 ч. утра.", "Звоните нам!"],
}


@pytest.mark.parametrize("lang", BODIES)
def test_sentences_end_where_the_language_ends_them(lang: str) -> None:
    assert [text for _, text, _ in sentences(BODIES[lang], lang)] == SENTENCES[lang]


def test_chinese_and_japanese_are_measured_in_characters() -> None:
    assert lengths.limits("zh-Hant") == lengths.limits("ja") == lengths.CHARACTERS
    # Each character is one; the number and the address are one each.
    text = "请拨打988或访问988lifeline.org。"
    assert lengths.length([text], "zh") == len("请拨打或访问") + 2
    # Before, a run between two punctuation marks was one "word": nothing was ever long.
    long = "如果您在服药以后感到头晕眼花恶心呕吐心跳加快呼吸困难请立即停止服药并马上打电话给我们"
    assert lengths.length([long], "zh") == len(long) > lengths.CHARACTERS.sentence
    assert [w for w in segments.words(long, "zh")][:3] == ["如果", "您", "在"]


def test_vietnamese_is_measured_in_syllables_with_a_higher_limit() -> None:
    text = (
        "Nếu bạn cảm thấy buồn hoặc lo lắng nhiều ngày liền, hãy gọi cho phòng khám "
        "hoặc nói chuyện với người thân mà bạn tin tưởng."
    )
    # A 20-word English sentence ("If you feel sad or worried for many days in a row...")
    assert lengths.length([text], "vi") == 26
    assert lengths.limits("vi") == lengths.SYLLABLES
    assert lengths.WORDS.sentence < 26 <= lengths.SYLLABLES.sentence


def test_english_and_spanish_count_words_as_before() -> None:
    text = "Call 988 or visit 988lifeline.org for a follow-up, don't wait."
    assert metrics.tokens(text, "en") == metrics.tokens(text)
    assert len(metrics.tokens(text, "en")) == 10
    # Other languages: ICU words, hyphenated words kept whole as English ones are.
    assert metrics.tokens("Reposez-vous bien à 9 h.", "fr") == [
        ("Reposez-vous", True),
        ("bien", True),
        ("à", True),
        ("9", False),
        ("h", True),
    ]


def test_a_lone_surrogate_does_not_stop_the_checks() -> None:
    # ICU reads UTF-8; a lone surrogate (from a "surrogateescape" decode) cannot be sent.
    body = "आराम करें\udc80। फ़ोन करें।\n"
    assert [s.text for s in prose.parse(body, 1, "hi").sentences] == [
        "आराम करें\udc80।",
        "फ़ोन करें।",
    ]
