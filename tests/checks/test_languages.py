"""`handouts check` on handouts in Hindi, Arabic, Chinese, Japanese, Vietnamese, Russian
and Korean: normal text gets no text warning, a long Chinese sentence and Russian
capitals do, at their line, and a language with no validated reading formula says "not
scored" in the report and the catalogue instead of a grade.

Bodies made with ``handout()`` start on line 6 of their file.
"""

from __future__ import annotations

import csv
import io

from click.testing import Result

from tests.conftest import CLI, CONFIG, ProjectFactory, handout
from tests.helpers.checking import check

DISCLAIMERS = {
    "hi": "यह पर्चा सामान्य जानकारी के लिए है।",
    "ar": "هذه النشرة للمعلومات العامة فقط.",
    "zh": "本资料仅供一般参考。",
    "ja": "この資料は一般的な情報です。",
    "vi": "Tài liệu này chỉ để cung cấp thông tin chung.",
    "ru": "Эта памятка носит только общий характер.",
    "ko": "이 자료는 일반적인 정보입니다.",
}
LANG_CONFIG = CONFIG + "".join(f'{lang} = "{text}"\n' for lang, text in DISCLAIMERS.items())

# Normal patient text, a few short sentences each (test data, not patient material).
NORMAL = {
    # Three short sentences (12, 10 and 13 words). Before ICU, । ended nothing and words
    # split at vowel signs: one "sentence" of 55 words.
    "hi": (
        "आज आप घर पर आराम करें और दिन में खूब पानी पिएँ। अगर आपको चक्कर आए या उल्टी हो\n"
        "तो लेट जाएँ। ज़्यादा बुरा लगे तो हमें तुरंत फ़ोन करें या 988 पर कॉल करें।\n"
    ),
    "ar": (
        "ارتح في البيت اليوم واشرب الكثير من الماء. هل تشعر بالدوار أو الغثيان؟\n"
        "استلقِ وارتح قليلاً۔ إذا ساءت حالتك فاتصل بنا أو اتصل بالرقم 988 على الفور.\n"
    ),
    "zh": "今天请在家休息，多喝水。如果头晕，请躺下休息。\n如果感觉更糟，请马上给我们打电话。\n",
    "ja": (
        "今日は家で休んで、水をたくさん飲んでください。めまいがしたら、横になってください。\n"
        "具合が悪くなったら、すぐにクリニックに電話してください。\n"
    ),
    # 26 syllables: over the 25 of a word limit, a normal sentence in Vietnamese.
    "vi": (
        "Hôm nay bạn hãy nghỉ ngơi ở nhà và uống nhiều nước.\n"
        "Nếu bạn cảm thấy buồn hoặc lo lắng nhiều ngày liền, hãy gọi cho phòng khám hoặc\n"
        "nói chuyện với người thân mà bạn tin tưởng.\n"
    ),
    "ru": (
        "Сегодня отдыхайте дома и пейте больше воды. Если у вас кружится голова, лягте.\n"
        "Если вам станет хуже, СРОЧНО позвоните нам.\n"
    ),
    "ko": (
        "오늘은 집에서 쉬고 물을 많이 드세요. 어지러우면 누워서 쉬세요.\n"
        "몸이 더 안 좋아지면 바로 저희에게 전화하세요.\n"
    ),
}
LONG_CHINESE = (
    "如果您在服药以后感到头晕眼花恶心呕吐心跳加快呼吸困难或者出现任何其他让您担心的不适症状"
    "请立即停止服药并马上打电话给我们的诊所或者直接去最近的医院急诊室就诊。"
)


def text_problems(result: Result) -> list[str]:
    """Problems from the text checks (the crisis box's language fallback is another
    room's subject)."""
    return [
        line
        for line in result.stdout.splitlines()
        if line.startswith("handouts/") and "crisis-language-fallback" not in line
    ]


def test_normal_text_in_seven_languages_gets_no_text_warning(
    make_project: ProjectFactory, cli: CLI
) -> None:
    files = {f"handouts/{lang}/rest.md": handout("Rest", body) for lang, body in NORMAL.items()}
    result = check(cli, make_project(files, LANG_CONFIG))
    assert result.exit_code == 0, result.output
    assert text_problems(result) == []


def test_long_chinese_sentence_at_its_line(make_project: ProjectFactory, cli: CLI) -> None:
    body = NORMAL["zh"] + "\n" + LONG_CHINESE + "\n"
    result = check(cli, make_project({"handouts/zh/a.md": handout("休息", body)}, LANG_CONFIG))
    assert text_problems(result) == [
        f"handouts/zh/a.md:9: warning: long-sentence: this sentence has {len(LONG_CHINESE) - 1} "
        f'characters (more than 40): "{LONG_CHINESE[:60]}…". Split it into shorter sentences, '
        "one idea each"
    ]


def test_long_japanese_sentence_counts_characters(make_project: ProjectFactory, cli: CLI) -> None:
    long = (
        "薬を飲んだ後にめまいや吐き気や息苦しさなど気になる症状が出たときはすぐに薬を飲むのを"
        "やめてクリニックに電話するか近くの病院の救急外来に行ってください。"
    )
    body = NORMAL["ja"] + "\n" + long + "\n"
    result = check(cli, make_project({"handouts/ja/a.md": handout("休む", body)}, LANG_CONFIG))
    assert [line.split(" (more")[0] for line in text_problems(result)] == [
        f"handouts/ja/a.md:9: warning: long-sentence: this sentence has {len(long) - 1} characters"
    ]


def test_capitals_in_cyrillic_and_greek(make_project: ProjectFactory, cli: CLI) -> None:
    body = NORMAL["ru"] + "\nЗВОНИТЕ В СКОРУЮ ПОМОЩЬ, если вам очень плохо.\n"
    greek = "Ξεκουραστείτε σήμερα.\n\nΚΑΛΕΣΤΕ ΤΟΝ ΓΙΑΤΡΟ ΣΑΣ αμέσως.\n"
    root = make_project(
        {
            "handouts/ru/a.md": handout("Отдых", body),
            "handouts/el/a.md": handout("Ξεκούραση", greek),
        },
        LANG_CONFIG + 'el = "Αυτό το φυλλάδιο είναι μόνο για γενική ενημέρωση."\n',
    )
    found = [line.split(" is in capital")[0] for line in text_problems(check(cli, root))]
    assert found == [
        "handouts/el/a.md:8: warning: all-caps: 'ΚΑΛΕΣΤΕ ΤΟΝ ΓΙΑΤΡΟ ΣΑΣ'",
        "handouts/ru/a.md:9: warning: all-caps: 'ЗВОНИТЕ В СКОРУЮ ПОМОЩЬ'",
    ]


def test_unscored_language_says_not_scored(make_project: ProjectFactory, cli: CLI) -> None:
    # 35 words of Hindi prose: enough to score, if there were a validated formula.
    root = make_project({"handouts/hi/rest.md": handout("आराम", NORMAL["hi"])}, LANG_CONFIG)
    result = check(cli, root, "--report")
    assert ": reading-level: " not in result.output
    table = result.stdout.split("\n\n")[1].splitlines()
    row = next(line for line in table if line.startswith("rest "))
    assert "not scored (no validated reading formula for 'hi')" in row
    assert "  35  " in row  # words
    report = (root / "build/handouts-report.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(report)))
    assert (rows[0]["language"], rows[0]["grade"], rows[0]["words"]) == ("hi", "not scored", "35")
