"""Text pasted from Word: ``broken-list``, ``garbled-text``, ``curly-quotes`` and the plain
words for curly quotes that break the front matter.

Each paste problem comes from a sample in tests/fixtures/word-paste/ (made the way Word
pastes, see its README.txt). Each test also shows, with the real Markdown converter, that
the sample prints the wrong way the message says, and that following the advice fixes it.
Bodies made with ``handout()`` start on line 6 of their file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from clinic_handouts.text.markdown import to_html
from tests.conftest import CLI, CONFIG, ProjectFactory, handout
from tests.helpers.checking import check, problems

SAMPLES = Path(__file__).parent.parent / "fixtures" / "word-paste"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def printed(body: str) -> str:
    """The HTML the build prints for a body, on one line."""
    return " ".join(to_html(body, "a.md", 6).html.split())


# --- broken-list ---------------------------------------------------------------------


@dataclass(frozen=True)
class Paste:
    """A Word paste sample: how it prints, the one broken-list problem, and its fix."""

    sample: str
    message: str
    shows: str = ""  # in what the build prints for the sample, without the check
    not_shown: str = ""
    fix: Callable[[str], str] | None = None  # the sample as the message says to write it
    fix_shows: str = ""
    fix_rechecked: bool = False  # the fixed handout is checked again: no problem left


PASTES = {
    "list right under a sentence": Paste(
        "list-under-sentence.txt",
        shows="<p>Do these things first: - Sit quietly",  # one run-on line
        message="handouts/en/a.md:9: warning: broken-list: this list comes straight after a "
        "line of text, so it is printed as part of that paragraph, on one run-on line, not "
        "as a list; put an empty line before the list",
        fix=lambda body: body.replace("first:\n", "first:\n\n"),
        fix_shows="<ul> <li>Sit quietly",
        fix_rechecked=True,
    ),
    "tab-indented list under a sentence": Paste(
        "tab-list-under-sentence.txt",
        shows="<p>Do these things first: - Sit quietly",
        message="handouts/en/a.md:9: warning: broken-list: this list comes straight after a "
        "line of text, so it is printed as part of that paragraph, on one run-on line, not "
        "as a list; put an empty line before the list and start each item at the beginning "
        "of the line with '- ' (no tab or spaces before it)",
    ),
    "tab-indented list after an empty line is code": Paste(
        "tab-list-after-blank-line.txt",
        shows="<pre><code>- Sit quietly",  # monospace, not a list
        message="handouts/en/a.md:10: warning: broken-list: these lines start with a tab or "
        "4 spaces after an empty line, so they are printed as a block of computer code in a "
        "typewriter font, not as a list; start each item at the beginning of the line "
        "(remove the tab or spaces before it)",
        fix=lambda body: body.replace("\t- ", "- "),
        fix_shows="<ul> <li>Sit quietly",
    ),
    "indented text would be code by accident": Paste(
        "indented-paragraph.txt",
        shows="<pre><code>Call us",
        message="handouts/en/a.md:8: warning: broken-list: these lines start with a tab or 4 "
        "spaces after an empty line, so they are printed as a block of computer code in a "
        "typewriter font, not as normal text; remove the tab or spaces at the start of "
        "these lines",
    ),
    "bullets typed as text": Paste(
        "word-bullets.txt",
        shows="<p>Do these things first: • Sit quietly",  # one run-on line
        message="handouts/en/a.md:9: warning: broken-list: '•' typed as text is not a list "
        "mark, so this is not printed as a list (they run together into one paragraph, and "
        "screen readers do not announce a list); start each item with '- ' instead of "
        "'•', and put an empty line before the list",
        fix=lambda _: (
            "Do these things first:\n\n- Sit quietly.\n    - Ask someone to stay.\n- Rest.\n"
        ),
        fix_shows="<ul> <li>Sit quietly.<ul> <li>Ask someone",
    ),
    "numbers with a bracket": Paste(
        "numbers-with-brackets.txt",
        not_shown="<ol>",
        message="handouts/en/a.md:8: warning: broken-list: '1)' typed as text is not a list "
        "mark, so this is not printed as a list (they run together into one paragraph, and "
        "screen readers do not announce a list); number the items '1.', '2.' and so on "
        "instead of '1)'",
    ),
}


@pytest.mark.parametrize("paste", PASTES.values(), ids=PASTES.keys())
def test_pasted_list_prints_wrong_and_is_reported(
    make_project: ProjectFactory, cli: CLI, paste: Paste
) -> None:
    body = sample(paste.sample)
    if paste.shows:
        assert paste.shows in printed(body)
    if paste.not_shown:
        assert paste.not_shown not in printed(body)
    root = make_project({"handouts/en/a.md": handout(body=body)})
    assert problems(check(cli, root), "broken-list") == [paste.message]
    if paste.fix is not None:
        fixed = paste.fix(body)
        assert paste.fix_shows in printed(fixed)
        if paste.fix_rechecked:
            root = make_project({"handouts/en/a.md": handout(body=fixed)})
            assert problems(check(cli, root), "broken-list") == []


@pytest.mark.parametrize(
    "body",
    [
        "Bring these:\n\n- your ID\n    - a photo ID is best\n- your medicines\n",
        "Bring these:\n\n1. your ID\n\n    Any photo ID will do.\n\n2. your medicines\n",
        "Bring these:\n\n- your ID\n\t- a photo ID is best\n",  # a tab nests, as it should
        '!!! note "Call us"\n    Call us if you feel worse.\n',
        "Sleep is a time to rest – your body needs it.\nKeep to the same bedtime.\n",
        "| Day | What |\n|---|---|\n| • Monday | Rest |\n",
    ],
)
def test_lists_and_notes_that_print_right_are_not_reported(
    make_project: ProjectFactory, cli: CLI, body: str
) -> None:
    root = make_project({"handouts/en/a.md": handout(body=body)})
    assert problems(check(cli, root), "broken-list") == []


# --- garbled-text ----------------------------------------------------------------------


def test_mojibake_is_an_error_with_its_repair(make_project: ProjectFactory, cli: CLI) -> None:
    body = sample("mojibake.txt")
    assert "Donâ€™t wait" in printed(body)  # printed as is, without the check
    root = make_project({"handouts/en/a.md": handout(body=body)})
    result = check(cli, root)
    assert problems(result, "garbled-text") == [
        "handouts/en/a.md:8: error: garbled-text: 'Donâ€™t' is garbled text (and 1 more on "
        "this line), letters decoded the wrong way when the text was copied; patients would "
        "read it like this. It should probably read 'Don’t': type it again, or copy the "
        "text from the original document once more"
    ]
    assert result.exit_code == 1  # an error: the handout is not built


CORRECT_TEXT = {
    "es": "¿Qué le pasa? Llame al médico mañana. Niños y señoras: «bienvenidos».\n",
    "vi": "Hãy gọi ngay cho bác sĩ nếu bạn cảm thấy tệ hơn. Đừng chờ đợi.\n",
    "zh": "如果您感到不适，请立即拨打电话。我们随时为您提供帮助。\n",
    "ar": "إذا شعرت بسوء، اتصل بنا فوراً. نحن هنا لمساعدتك.\n",
    "pt": "Âncora e Ângulo: não é difícil. Ação, coração.\n",
    "fr": "Naïve, café, « déjà vu » — Œuvre, Ça va ? Très bien.\n",
    "de": "Größe ändern, Übung, Straße. „Schlaf gut“, sagt sie.\n",
}


def test_correct_text_in_other_languages_is_not_garbled(
    make_project: ProjectFactory, cli: CLI
) -> None:
    config = CONFIG + "".join(f'{lang} = "Aviso."\n' for lang in CORRECT_TEXT if lang != "es")
    files = {
        f"handouts/{lang}/a.md": handout(title=text.split()[0], body=text)
        for lang, text in CORRECT_TEXT.items()
    }
    result = check(cli, make_project(files, config=config))
    assert "Checked 7 handouts" in result.output
    assert problems(result, "garbled-text") == []
    assert problems(result, "broken-list") == []


# --- curly quotes in front matter ------------------------------------------------------


def test_curly_quotes_around_a_value_with_a_colon(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/a.md": handout(title="“Sleep: a guide”")})
    result = check(cli, root)
    assert [line for line in result.stdout.splitlines() if "a.md" in line] == [
        "handouts/en/a.md:2: error: front-matter: title: the value is in curly quotes “ ” "
        'that Word adds; front matter only understands straight quotes " ". Write the '
        'line as title: "Sleep: a guide"'
    ]


# Garbled words and curly quotes in one handout: (front matter and body, family, problems).
REPORTED = {
    "mojibake in the title": (
        {"title": "Après le traitement".encode().decode("cp1252")},  # 'AprÃ¨s le traitement'
        "garbled-text",
        [
            "handouts/en/a.md:2: error: garbled-text: 'AprÃ¨s' is garbled text, letters "
            "decoded the wrong way when the text was copied; patients would read it like "
            "this. It should probably read 'Après': type it again, or copy the text from the "
            "original document once more"
        ],
    ),
    "a lost letter is an error": (
        {"body": "Don\ufffdt wait to call us.\n"},
        "garbled-text",
        [
            "handouts/en/a.md:6: error: garbled-text: 'Don\ufffdt': a letter was lost when "
            "this text was copied (it shows as '\ufffd') and patients would read it like "
            "this; type the word again"
        ],
    ),
    "curly quotes around a date": (
        {"reviewed_on": "“2026-10-01”"},
        "front-matter",
        [
            "handouts/en/a.md:3: error: front-matter: reviewed_on: the value is in curly "
            'quotes “ ” that Word adds; front matter only understands straight quotes " ". '
            'Write the line as reviewed_on: "2026-10-01"'
        ],
    ),
    "curly quotes printed as part of a value": (
        {"title": "“Sleep”", "reviewed_by": "‘Nurse Lee’"},
        "curly-quotes",
        [
            "handouts/en/a.md:2: warning: curly-quotes: title: the value is in curly quotes "
            "“ ” that Word adds, so they are printed as part of it; use straight quotes "
            '" " instead, or none: title: Sleep',
            "handouts/en/a.md:4: warning: curly-quotes: reviewed_by: the value is in curly "
            "quotes ‘ ’ that Word adds, so they are printed as part of it; use straight "
            'quotes " " instead, or none: reviewed_by: Nurse Lee',
        ],
    ),
}


@pytest.mark.parametrize(("fields", "code", "expected"), REPORTED.values(), ids=REPORTED.keys())
def test_pasted_words_are_reported(
    make_project: ProjectFactory, cli: CLI, fields: dict[str, str], code: str, expected: list[str]
) -> None:
    root = make_project({"handouts/en/a.md": handout(**fields)})
    assert problems(check(cli, root), code) == expected


def test_other_yaml_mistakes_keep_their_message(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/a.md": handout(title="Sleep: a guide")})
    [line] = problems(check(cli, root), "front-matter")
    assert line.startswith("handouts/en/a.md:2: error: front-matter: invalid YAML: ")
    assert "put such values in quotes" in line
