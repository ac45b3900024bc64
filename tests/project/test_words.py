"""Handouts in the patient's language: Spanish stamped in Spanish, any language by adding a
strings file, translations compared with their source, and builds of one language."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyphen  # type: ignore[import-untyped]  # WeasyPrint's hyphenation dictionaries
from pypdf import PdfReader

from clinic_handouts.project.words import bundled_languages, load_email_words, load_strings
from tests.conftest import CLI, CONFIG, DISCLAIMER_ES, ProjectFactory, built, handout, pdf_pages
from tests.helpers.pdf_text import not_printed

CRISIS_LINE_GB = "In crisis? Call Samaritans free on 116 123, or NHS 111. Emergency: 999."
CRISIS_LINE_ES = (
    "¿Está en crisis? Llame al 988 y oprima 2, o envíe AYUDA por mensaje de texto al 988. "
    "Emergencias: 911."
)
LONG_ES = "\n\n".join(
    f"## Parte {n}\n\n" + "Usted puede dar este paso hoy mismo. " * 40 for n in range(1, 4)
)
DISCLAIMER_FR = "Avis de test : cette feuille ne remplace pas votre équipe de soins."
CONFIG_FR = CONFIG + f'fr = "{DISCLAIMER_FR}"\n'
FRENCH = """\
name = "Français"
crisis_heading = "Obtenir de l'aide maintenant"
crisis_fallback = "Nous n'avons pas cette liste en français : elle est donc en {language}."
page_of = "Page {page} sur {pages}"
reviewed = "Révisé le {date}"
next_review = "Prochaine révision : {date}"
contact = "Des questions ? Appelez-nous au {phone}."
date_format = "{day} {month} {year}"
months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]

[language_names]
en = "anglais"
"""


def test_spanish_handout_is_stamped_in_spanish(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project(
        {"handouts/es/dormir.md": handout("Cómo dormir mejor", LONG_ES, "2026-11-02")}
    )
    result = cli("build", "--project", root)
    assert result.exit_code == 0, result.output
    assert "crisis-language-fallback" not in result.output  # the US has Spanish services
    pdf = root / "build/es/dormir.pdf"
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert DISCLAIMER_ES in text, number
        assert CRISIS_LINE_ES in text, number
        assert f"Página {number} de {len(pages)}" in text
        assert "Revisado el 2 de noviembre de 2026 · dormir" in text
    everything = " ".join(pages)
    for words in (
        "Pida ayuda ahora",
        "988 Línea de Prevención del Suicidio y Crisis",
        "Llame al 988 y oprima 2 para hablar en español",
        "con la palabra AYUDA al 988",
        "con la palabra AYUDA al 741741",
        "Veteranos y militares: llame al 988 y oprima 1.",
        "llame al 911",
        "¿Tiene preguntas? Llámenos al 555-0100.",
        "Próxima revisión: 2 de noviembre de 2028.",
    ):
        assert words in everything, words
    for english in ("Page", "Reviewed", "In crisis", "Get help now", "November", "Questions"):
        assert english not in everything, english
    assert str(PdfReader(pdf).root_object["/Lang"]) == "es"


def test_spanish_words_hyphenate_by_the_spanish_dictionary(
    make_project: ProjectFactory, cli: CLI
) -> None:
    body = "| Medicamento | Cuándo |\n|---|---|\n| Antidepresivo | " + "Tómelo cada día. " * 12
    root = make_project({"handouts/es/medicamentos.md": handout("Medicinas", body)})
    assert cli("build", "--project", root).exit_code == 0
    text = pdf_pages(root / "build/es/medicamentos.pdf")[0]
    breaks = re.findall(r"(\w+)\u2010 (\w+)", text)
    assert breaks, text  # the narrow column's long words were split
    spanish = pyphen.Pyphen(lang="es")
    for first, rest in breaks:
        assert len(first) in spanish.positions(first + rest), (first, rest)
    assert "Medicinas" in text and "Pida ayuda ahora" in text  # headings stay whole


def test_language_without_strings_is_a_config_error(make_project: ProjectFactory, cli: CLI) -> None:
    config = CONFIG + 'de = "Testhinweis: dieses Blatt ersetzt nicht Ihr Behandlungsteam."\n'
    files = {"handouts/en/a.md": handout(), "handouts/de/schlaf.md": handout("Schlaf")}
    root = make_project(files, config=config)
    result = cli("build", "--project", root)
    assert result.exit_code == 2
    assert (
        "locales/de.toml: error: language: the tool has no words for language 'de' "
        "(used by handouts/de/schlaf.md); it has ar, en, es, fa, fr, fr-CA, hi, ht, ja, ko, "
        "pl, pt, ru, tl, vi, zh-Hans, zh-Hant. To add 'de', copy "
    ) in result.output
    assert "en.toml to locales/de.toml in the project folder and translate each text" in (
        result.output
    )
    assert not (root / "build").exists()

    # A strings file with mistakes: every one is named with its line.
    (root / "locales").mkdir()
    (root / "locales/de.toml").write_text(
        'name = "Deutsch"\ncrisis_heading = "Hilfe jetzt"\nreviewed = "Geprüft am {datum}"\n'
        'page_of = "Seite {page von {pages}"\ndir = "down"\n',
        encoding="utf-8",
    )
    out = built(cli, root, code=2)
    assert (
        "locales/de.toml:3: error: language: reviewed: unknown placeholder {datum}; "
        "this text may use {date}"
    ) in out
    assert "locales/de.toml:4: error: language: page_of: a '{' or '}' without its partner" in out
    assert "locales/de.toml:5: error: language: dir: expected 'ltr'" in out
    assert "locales/de.toml: error: language: contact: missing" in out
    assert "Traceback" not in out

    # The other languages can still be built while the words are being written.
    assert cli("build", "--project", root, "--lang", "en").exit_code == 0
    assert (root / "build/en/a.pdf").exists()


def test_outdated_and_missing_translations_warn(make_project: ProjectFactory, cli: CLI) -> None:
    config = CONFIG + '\n[languages]\nexpected = ["en", "es"]\n'
    root = make_project(
        {
            "handouts/en/sleep.md": handout("Sleep", reviewed_on="2026-11-02"),
            "handouts/es/dormir.md": handout("Dormir", reviewed_on="2026-10-01", id="sleep"),
            "handouts/en/food.md": handout("Food"),
        },
        config=config,
    )
    result = cli("build", "--project", root)
    assert result.exit_code == 0, result.output
    out = result.output
    assert (
        "handouts/es/dormir.md:3: warning: translation-outdated: this translation was "
        "reviewed on 2026-10-01, but handouts/en/sleep.md was reviewed later, on 2026-11-02"
    ) in out
    assert (
        "handouts/en/food.md: warning: translation-missing: 'food' has no version in es, "
        "which handouts.toml lists under [languages] expected. Add one to handouts/es/ "
        "with 'id: food' in its front matter"
    ) in out
    assert "'sleep' has no version" not in out
    assert (root / "build/es/dormir.pdf").exists()  # a warning: still built

    (root / "handouts/es/dormir.md").write_text(
        handout("Dormir", reviewed_on="2026-11-05", id="sleep"), encoding="utf-8"
    )
    result = cli("build", "--project", root, "--lang", "es")
    assert result.exit_code == 0
    assert "translation-outdated" not in result.output


def test_region_without_the_language_falls_back_with_a_note(
    make_project: ProjectFactory, cli: CLI
) -> None:
    """The UK data has English only and no interpreter route: the English list, with a
    note in the reader's language. The project's own French words (an old file with its
    own date_format and months) win over the bundled ones."""
    root = make_project(
        {
            "locales/fr.toml": FRENCH,
            "handouts/fr/sommeil.md": handout("Mieux dormir", reviewed_on="2026-11-02"),
        },
        config=CONFIG_FR.replace('region = "US"', 'region = "GB"'),
    )
    out = built(cli, root)
    assert (
        "handouts/fr/sommeil.md: warning: crisis-language-fallback: the United Kingdom "
        "crisis data has no services listed in 'fr', so the crisis box and crisis line "
        "are printed in 'en', with a note saying so"
    ) in out
    pdf = root / "build/fr/sommeil.pdf"
    pages = pdf_pages(pdf)
    for number, text in enumerate(pages, start=1):
        assert DISCLAIMER_FR in text and CRISIS_LINE_GB in text
        assert f"Page {number} sur {len(pages)}" in text
    everything = " ".join(pages)
    assert "Obtenir de l'aide maintenant" in everything
    assert ("Nous n'avons pas cette liste en français : elle est donc en anglais.") in everything
    assert "Samaritans. Call 116 123." in everything
    assert "Révisé le 2 novembre 2026" in everything
    assert str(PdfReader(pdf).root_object["/Lang"]) == "fr"


def test_build_one_language(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project(
        {
            "handouts/en/sleep.md": handout("Sleep"),
            "handouts/es/dormir.md": handout("Dormir", id="sleep"),
            "handouts/en/food.md": handout("Food"),
        }
    )
    result = cli("build", "--project", root, "--lang", "es", "--only", "sleep")
    assert result.exit_code == 0, result.output
    built = sorted(
        p.relative_to(root / "build").as_posix() for p in (root / "build").rglob("*.pdf")
    )
    assert built == ["es/dormir.large-print.pdf", "es/dormir.pdf"]
    result = cli("build", "--project", root, "--lang", "fr")
    assert result.exit_code == 2
    assert "error: usage: no handouts in language 'fr'; the project has handouts in en, es" in (
        result.output
    )
    result = cli("build", "--project", root, "--lang", "es", "--only", "food")
    assert result.exit_code == 2
    assert "error: usage: handout 'food' has no version in es" in result.output


def test_a_clinic_can_reword_one_text_of_a_built_in_language(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project(
        {
            "locales/es.toml": 'crisis_heading = "Si necesita ayuda ya"\n',
            "handouts/es/dormir.md": handout("Dormir"),
        }
    )
    assert cli("build", "--project", root).exit_code == 0
    text = pdf_pages(root / "build/es/dormir.pdf")[0]
    assert "Si necesita ayuda ya" in text and "Pida ayuda ahora" not in text
    assert "Página 1 de 1" in text  # every other text still comes from the built-in file


def test_right_to_left_is_a_data_change(make_project: ProjectFactory, cli: CLI) -> None:
    """A language written right to left needs only ``dir = "rtl"`` in its strings file."""
    english = Path(__file__).parents[2] / "src/clinic_handouts/data/strings/en.toml"
    rtl = english.read_text(encoding="utf-8").replace('dir = "ltr"', 'dir = "rtl"')
    config = CONFIG + 'he = "Test disclaimer, right to left."\n'
    root = make_project(
        {"locales/he.toml": rtl, "handouts/he/a.md": handout("Title")}, config=config
    )
    result = cli("build", "--project", root, "--html")
    assert result.exit_code == 0, result.output
    html = (root / "build/he/a.html").read_text(encoding="utf-8")
    assert '<html lang="he" dir="rtl">' in html
    assert '<ul lang="en" dir="ltr">' in html  # the English crisis list keeps its direction

    # The title starts at the right-hand margin, as a right-to-left reader expects.
    page = PdfReader(root / "build/he/a.pdf").pages[0]
    starts: list[float] = []

    def visit(text: str, cm: object, tm: list[float], *_: object) -> None:
        if text.strip() == "Title":
            starts.append(tm[4])

    page.extract_text(visitor_text=visit)
    assert starts and starts[0] > float(page.mediabox.width) / 2


# --- the bundled languages, CLDR, review, the interpreter box, the notice ---------------

BUNDLED = [
    "es",
    "zh-Hans",
    "zh-Hant",
    "vi",
    "ko",
    "tl",
    "ru",
    "ar",
    "ht",
    "fr",
    "pt",
    "pl",
    "ja",
    "hi",
    "fa",
    "fr-CA",
]
DISCLAIMER_VI = "Tờ này không thay thế lời khuyên của nhóm chăm sóc của bạn."
DISCLAIMER_AR = "هذه النشرة لا تغني عن نصيحة فريق الرعاية الخاص بك."
CONFIG_VI_AR = CONFIG + f'vi = "{DISCLAIMER_VI}"\nar = "{DISCLAIMER_AR}"\n'
UNREVIEWED_VI = (
    "warning: translation-unreviewed: the words the tool prints in 'vi' (Vietnamese) come "
    "from (built-in) strings/vi.toml and the crisis box texts in the built-in crisis data "
    "(US.toml), which no qualified translator has checked yet. Have one check them "
    '(Section 1557 asks that a person check machine-made translations), then add "vi" '
    "to reviewed_translations under [languages] in handouts.toml"
)


def test_every_bundled_language_loads_and_waits_for_a_translator(tmp_path: Path) -> None:
    assert set(BUNDLED) | {"en"} == set(bundled_languages())
    day = dt.date(2026, 11, 20)
    for lang in BUNDLED:
        words = load_strings(lang, tmp_path)
        assert words.unreviewed_file == f"(built-in) strings/{lang}.toml", lang
        assert words.cldr, lang  # dates, plurals and numbers from CLDR
        assert "2026" in words.date(day) and "2028" in words.date(dt.date(2028, 1, 2)), lang
        assert words.dir == ("rtl" if lang in ("ar", "fa") else "ltr"), lang
        assert "{phone}" not in words.language_notice.format(phone="555-0100"), lang
        assert load_email_words(lang, tmp_path).lang == lang
        for text in (words.crisis_heading, words.contact, words.reviewed, words.page_of):
            bare = re.sub(r"{\w+}", "", text)  # no English words left untranslated
            assert not re.search(r"[A-Za-z]{4,}", bare) or lang in LATIN, (lang, text)
    english = load_strings("en", tmp_path)
    assert english.unreviewed_file == ""  # the source language, not a translation
    # A code with a region or no script finds the right file: Simplified for zh and zh-CN.
    assert load_strings("zh", tmp_path).unreviewed_file.endswith("zh-Hans.toml")
    assert load_strings("zh-TW", tmp_path).unreviewed_file.endswith("zh-Hant.toml")
    assert load_strings("pt-BR", tmp_path).unreviewed_file.endswith("pt.toml")


LATIN = {"es", "vi", "tl", "ht", "fr", "fr-CA", "pt", "pl"}


def test_dates_plurals_and_names_come_from_cldr(tmp_path: Path) -> None:
    day = dt.date(2026, 11, 20)
    dates = {
        "en": "November 20, 2026",
        "es": "20 de noviembre de 2026",
        "zh-Hans": "2026年11月20日",
        "ar": "20 نوفمبر 2026",
        "vi": "20 tháng 11, 2026",
        "fr-CA": "20 novembre 2026",
        "ru": "20 ноября 2026\u202fг.",
        "ht": "20 novanm 2026",  # CLDR has no Haitian Creole months: the file's
    }
    for lang, expected in dates.items():
        assert load_strings(lang, tmp_path).date(day) == expected, lang
    plurals = {"en": ("one", "other"), "es": ("one", "other"), "ru": ("one", "few")}
    for lang, (one, two) in plurals.items():
        words = load_strings(lang, tmp_path)
        assert (words.plural(1), words.plural(2)) == (one, two), lang
    assert load_strings("ru", tmp_path).plural(5) == "many"
    assert load_strings("ar", tmp_path).plural(2) == "two"
    spanish = load_strings("es", tmp_path)
    assert spanish.name_of(load_strings("vi", tmp_path)) == "vietnamita"
    # A file may override CLDR's name where a sentence needs it ("tiếng Anh", lower case).
    assert load_strings("vi", tmp_path).name_of(english := load_strings("en", tmp_path)) == (
        "tiếng Anh"
    )
    assert english.name_of(load_strings("tl", tmp_path)) == "Tagalog"  # not "Filipino"


def test_sentence_stops_come_from_the_language(tmp_path: Path) -> None:
    """No "。" or "." glued after a bare Chinese date, no "M.D.." after a name."""
    reviewed, due = dt.date(2026, 11, 20), dt.date(2028, 11, 20)
    chinese = load_strings("zh-Hans", tmp_path)
    assert chinese.review_line(reviewed, "", due) == (
        "审核日期：2026年11月20日\u3000下次审核：2028年11月20日"
    )
    assert chinese.review_line(reviewed, "张医生", due) == (
        "审核日期：2026年11月20日 · 张医生。下次审核：2028年11月20日"
    )
    english = load_strings("en", tmp_path)
    assert english.review_line(reviewed, "Dr. A. Lee, M.D.", due) == (
        "Reviewed November 20, 2026 · Dr. A. Lee, M.D. Next review November 20, 2028."
    )
    assert load_strings("hi", tmp_path).sentence("अभी मदद लें") == "अभी मदद लें।"
    assert load_strings("ar", tmp_path).sentence("الطوارئ") == "الطوارئ."
    assert load_strings("ja", tmp_path).sentence("緊急時") == "緊急時。"


def test_arabic_stamp_has_its_date_and_stops(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project(
        {"handouts/ar/a.md": handout("النوم", "يمكنك أن ترتاح.\n", "2026-11-20")},
        config=CONFIG_VI_AR,
    )
    assert cli("build", "--project", root, "--html").exit_code == 0
    html = (root / "build/ar/a.html").read_text(encoding="utf-8")
    assert (
        '<p class="about-review">تمت المراجعة في 20 نوفمبر 2026. المراجعة القادمة: '
        "20 نوفمبر 2028.</p>"
    ) in html
    assert "<strong>الطوارئ.</strong>" in html


def test_translation_unreviewed_until_the_clinic_confirms_it(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project(
        {"handouts/vi/a.md": handout("Giấc ngủ", "Bạn có thể nghỉ ngơi.\n")},
        config=CONFIG_VI_AR,
    )
    for command in ("check", "build"):
        result = cli(command, "--project", root)
        assert result.exit_code == 0, result.output
        assert f"handouts.toml: {UNREVIEWED_VI}" in result.output, command
    (root / "handouts.toml").write_text(
        CONFIG_VI_AR + '\n[languages]\nreviewed_translations = ["vi"]\n', encoding="utf-8"
    )
    for command in ("check", "build"):
        result = cli(command, "--project", root)
        assert "translation-unreviewed" not in result.output, command


def test_vietnamese_and_arabic_crisis_boxes_say_call_988_for_an_interpreter(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project(
        {
            "handouts/vi/a.md": handout("Giấc ngủ", "Bạn có thể nghỉ ngơi.\n"),
            "handouts/ar/a.md": handout("النوم", "يمكنك أن ترتاح.\n"),
        },
        config=CONFIG_VI_AR,
    )
    result = cli("build", "--project", root)
    assert result.exit_code == 0, result.output
    assert "crisis-language-fallback" not in result.output  # the box is in their language
    vietnamese = pdf_pages(root / "build/vi/a.pdf")
    footer = (
        "Đang gặp khủng hoảng? Gọi 988 và nói “Vietnamese” để có thông dịch viên. Cấp cứu: 911."
    )
    assert all(footer in page for page in vietnamese)
    text = " ".join(vietnamese)
    for words in (
        "Tìm sự giúp đỡ ngay",
        "Gọi 988. Khi có người trả lời, hãy nói “Vietnamese” bằng tiếng Anh.",
        "thông dịch viên",
        "988 có thông dịch viên cho hơn 240 ngôn ngữ.",
        "hãy gọi 911.",
    ):
        assert words in text, words
    for english in ("Get help now", "Text HOME", "Call or text 988"):
        assert english not in text
    # Arabic: the text layer keeps right-to-left words whole, numbers in visual order.
    arabic = " ".join(pdf_pages(root / "build/ar/a.pdf"))
    for words in ("اطلب المساعدة الآن", "اتصل بالرقم", "Arabic", "لتحصل على مترجم", "الطوارئ"):
        assert words in arabic, words
    assert "988" in arabic and "911" in arabic and "240" in arabic
    assert "Get help now" not in arabic and "Text HOME" not in arabic


def test_language_help_notice_in_every_listed_language(
    make_project: ProjectFactory, cli: CLI
) -> None:
    config = CONFIG + '\n[languages]\nexpected = ["es", "vi", "ar"]\nnotice = true\n'
    root = make_project({"handouts/en/a.md": handout("Rest")}, config=config)
    out = built(cli, root)
    notices = (
        "Free help in your language is available. Call 555-0100.",
        "Si habla español, puede recibir ayuda gratis en su idioma. Llame al 555-0100.",
        "Nếu bạn nói tiếng Việt, bạn có thể được giúp về ngôn ngữ miễn phí. Gọi 555-0100.",
        "فالمساعدة اللغوية متاحة لك مجانا",
    )
    assert not_printed(root / "build/en/a.pdf", notices) == []
    # The notice languages wait for a translator too.
    assert "translation-unreviewed: the words the tool prints in 'ar' (Arabic)" in out

    (root / "handouts.toml").write_text(config.replace("notice = true", "notcie = true"))
    result = cli("build", "--project", root)
    assert result.exit_code == 2
    assert (
        "handouts.toml:14: error: config: languages.notcie: unknown key (did you mean notice?)"
    ) in result.output
    (root / "handouts.toml").write_text(config.replace("notice = true", ""))
    assert cli("build", "--project", root).exit_code == 0
    text = " ".join(pdf_pages(root / "build/en/a.pdf"))
    assert "Free help in your language" not in text and "Si habla español" not in text
