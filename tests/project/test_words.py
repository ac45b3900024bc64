"""Handouts in the patient's language: Spanish stamped in Spanish, any language by adding a
strings file, translations compared with their source, and builds of one language."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyphen  # type: ignore[import-untyped]  # WeasyPrint's hyphenation dictionaries
from click.testing import Result
from pypdf import PdfReader

from tests.conftest import (
    CONFIG,
    DISCLAIMER_ES,
    ProjectFactory,
    handout,
    pdf_pages,
)

CLI = Callable[..., Result]
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
    result = cli("build", "--project", root)
    assert result.exit_code == 2
    out = result.output
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
    result = cli("build", "--project", root)
    assert result.exit_code == 0, result.output
    assert (
        "handouts/fr/sommeil.md: warning: crisis-language-fallback: the United Kingdom "
        "crisis data has no services listed in 'fr', so the crisis box and crisis line "
        "are printed in 'en', with a note saying so"
    ) in result.output
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
