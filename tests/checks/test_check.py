"""`handouts check`: every problem code on a small project with the problem seeded, checked
by the exact `path:line: severity: code` a person reads; JSON, --strict, --only, --report.

Bodies made with ``handout()`` start on line 6 of their file (no extra front matter).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CLI, CONFIG, ProjectFactory, handout
from tests.helpers.checking import check, checked, only_problem, problems

FIXTURES = Path(__file__).parent.parent / "fixtures"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)
# 37 words of plain prose that speaks to the reader: no problem of any kind.
CLEAN = (
    "You can rest at home today. Drink water and eat small meals.\n"
    "Call us if you feel worse. Ask a friend to drive you home.\n"
    "Sleep well tonight. We are here to help you and your family.\n"
)
HARD = (
    "Depression is a multifaceted condition influenced by genetic, environmental and "
    "psychosocial factors.\n"
    "Neurotransmitters play a crucial role in regulating mood and emotions.\n"
    "You should discuss medication alternatives with your psychiatrist.\n"
)


# --- the command ---------------------------------------------------------------------


def test_clean_handouts_give_no_problem(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project(
        {
            "handouts/en/rest.md": handout("Rest at home", CLEAN),
            "handouts/es/rest.md": handout(
                "Descanse en casa",
                "Usted puede descansar en casa. Tome agua y coma poco.\n"
                "Llame si se siente peor. Pida a alguien que lo lleve a casa.\n"
                "Duerma bien esta noche. Estamos aquí para ayudarle a usted.\n",
            ),
        },
        # The clinic has had the built-in Spanish words checked (translation-unreviewed).
        config=CONFIG + '\n[languages]\nreviewed_translations = ["es"]\n',
    )
    result = check(cli, root)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Checked 2 handouts: no problems.\n"


def test_sample_handouts_pass_with_no_error(repo_copy: Path, cli: CLI) -> None:
    result = check(cli, repo_copy)
    assert result.exit_code == 0, result.output
    assert ": error: " not in result.output
    assert "Checked" in result.output


def test_json_is_a_list_of_problems_with_exactly_five_keys(
    make_project: ProjectFactory, cli: CLI
) -> None:
    body = "Call 1-800-273-8255 now.\n\n" + CLEAN
    root = make_project({"handouts/en/old.md": handout(body=body)})
    result = check(cli, root, "--format", "json")
    assert result.exit_code == 1
    listed = json.loads(result.stdout)  # nothing but JSON on stdout
    assert listed and all(set(p) == {"file", "line", "code", "severity", "message"} for p in listed)
    assert {
        "file": "handouts/en/old.md",
        "line": 6,
        "code": "outdated-crisis-contact",
        "severity": "error",
    }.items() <= listed[0].items()
    assert "988" in listed[0]["message"]
    assert "Checked 1 handout" in result.stderr


def test_json_reports_config_errors_too(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({}, config='[clinic]\nname = "X"\n')
    result = check(cli, root, "--format", "json")
    assert result.exit_code == 2
    listed = json.loads(result.stdout)
    assert listed[0]["file"] == "handouts.toml" and listed[0]["code"] == "config"


def test_warnings_exit_0_unless_strict(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/a.md": handout(body=CLEAN + "\n## Part\n\n#### Detail\n")})
    result = check(cli, root)
    assert result.exit_code == 0
    assert "handouts/en/a.md:12: warning: heading-skip:" in result.stdout
    assert "0 errors, 1 warning." in result.stdout
    assert check(cli, root, "--strict").exit_code == 1


def test_output_is_sorted_by_file_and_line(make_project: ProjectFactory, cli: CLI) -> None:
    body = "## A\n\n#### B\n\nTODO: write this.\n"
    root = make_project(
        {"handouts/en/b.md": handout(body=body), "handouts/en/a.md": handout(body=body)}
    )
    lines = check(cli, root).stdout.splitlines()[:-1]
    assert lines == sorted(lines, key=lambda s: (s.split(":")[0], int(s.split(":")[1])))
    assert lines[0].startswith("handouts/en/a.md:8: warning: heading-skip")


def test_only_checks_the_named_handout(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project(
        {"handouts/en/a.md": handout(body="TODO\n"), "handouts/en/b.md": handout(body=CLEAN)}
    )
    result = check(cli, root, "--only", "b")
    assert result.exit_code == 0 and "Checked 1 handout: no problems." in result.stdout
    result = check(cli, root, "--only", "c")
    assert result.exit_code == 2 and "no handout with id 'c'" in result.output


def test_build_runs_the_same_checks_first(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project(
        {
            "handouts/en/draft.md": handout(body=CLEAN + "\nTBD: the dose.\n"),
            "handouts/en/ok.md": handout(body=CLEAN + "\n## Part\n\n#### Detail\n"),
        }
    )
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert "handouts/en/draft.md:10: error: placeholder-text: 'TBD'" in result.output
    assert "handouts/en/ok.md:12: warning: heading-skip:" in result.output
    assert not (root / "build/en/draft.pdf").exists()
    assert (root / "build/en/ok.pdf").exists()  # warnings are printed and built


# --- outdated crisis contacts --------------------------------------------------------

OLD_SPELLINGS = [
    "1-800-273-8255",
    "(800) 273-8255",
    "800.273.8255",
    "+1 800 273 8255",
    "1-800-273-TALK",
    "+1 (800) 273-8255",
    "1 (800) 273-talk",
    "1-800-273-TALK (8255)",
    "18002738255",
    "1\u2011800\u2011273\u20118255",  # non-breaking hyphens, as web pages write them
    "1\u2013800\u2013273\u20138255",  # en dashes
    "1-833-456-4566",
    "(833) 456-4566",
    "National Suicide Prevention Lifeline",
    "National Suicide Prevention Line",
    "the national suicide\nprevention lifeline",
    "Línea Nacional de Prevención del Suicidio",
    "988, then press 3 for LGBTQ+ young people",
    "LGBTQ+ youth can press 3 after calling 988",
    "llame al 988 y oprima el 3",
    # Letters a case-insensitive pattern matches, which a quick screen must not miss:
    "National Su\u0131cide Prevention Lifeline",  # dotless i
    "National \u017fuicide Prevention Lifeline",  # long s
    "988 and then D\u0130AL THREE",  # capital I with a dot
    "LGBTQ+ youth: PRESSING   3 after calling 988",
]


@pytest.mark.parametrize("old", OLD_SPELLINGS)
def test_every_spelling_of_an_old_contact_is_an_error(
    make_project: ProjectFactory, cli: CLI, old: str
) -> None:
    body = f"{CLEAN}\nIf you need help, call {old} today.\n"
    root = make_project({"handouts/en/help.md": handout(body=body)})
    result = check(cli, root)
    assert result.exit_code == 1
    problem = only_problem(result, "outdated-crisis-contact")
    assert problem.startswith("handouts/en/help.md:10: error: outdated-crisis-contact: '")
    assert "print" in problem and ("988" in problem or "Trevor" in problem)


@pytest.mark.parametrize(
    "fine",
    [
        "(555) 010-0100",
        "555-0100",
        "988",
        "Text HOME to 741741",
        "1-866-488-7386",
        "1-800-799-7233",
        "1-800-662-4357",
        "1-800-668-6868",
        "988 Suicide & Crisis Lifeline",
        "988, then press 1 for veterans or press 2 for Spanish",
        "1-800-273-82551",
        "1-800-274-8255",
        "838255",
    ],
)
def test_current_and_similar_numbers_are_not_flagged(
    make_project: ProjectFactory, cli: CLI, fine: str
) -> None:
    body = f"{CLEAN}\nIf you need help, call {fine} today.\n"
    root = make_project({"handouts/en/help.md": handout(body=body)}, config=CONFIG)
    result = check(cli, root)
    assert problems(result, "outdated-crisis-contact") == [], result.output


def test_pasted_web_article_fails(make_project: ProjectFactory, cli: CLI) -> None:
    pasted = (FIXTURES / "pasted-article.txt").read_text(encoding="utf-8")
    root = make_project({"handouts/en/science.md": handout("The science", pasted)})
    result = check(cli, root)
    assert result.exit_code == 1
    out = result.stdout
    assert (
        "handouts/en/science.md:8: error: outdated-crisis-contact: '+1 (800) 273-8255' is "
        "the old US National Suicide Prevention Lifeline number; print 988"
    ) in out
    assert (
        "handouts/en/science.md:8: error: outdated-crisis-contact: 'National Suicide "
        "Prevention Line' is the old name"
    ) in out
    assert "handouts/en/science.md:8: error: reading-level: reading grade 15.1" in out


def test_old_contact_in_title_or_summary(make_project: ProjectFactory, cli: CLI) -> None:
    text = handout("Call 800-273-8255", CLEAN, summary="The National Suicide Prevention Lifeline.")
    root = make_project({"handouts/en/t.md": text})
    found = problems(check(cli, root), "outdated-crisis-contact")
    assert [line.split(": outdated")[0] for line in found] == [
        "handouts/en/t.md:2: error",
        "handouts/en/t.md:4: error",
    ]


# --- front matter, review dates, crisis data -----------------------------------------


def test_front_matter_problem_has_its_line(make_project: ProjectFactory, cli: CLI) -> None:
    text = "---\ntitle: A\nreviewed_on: 2026-10-01\nauthor: Someone\n---\n" + CLEAN
    root = make_project({"handouts/en/a.md": text})
    result = check(cli, root)
    assert result.exit_code == 1
    assert "handouts/en/a.md:4: error: front-matter: author: unknown key" in result.stdout


def test_review_overdue_and_due_soon(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project(
        {
            "handouts/en/old.md": handout(body=CLEAN, reviewed_on="2024-11-01"),
            "handouts/en/soon.md": handout(body=CLEAN, next_review="2027-01-10"),
        }
    )
    out = checked(cli, root, code=1)
    assert "handouts/en/old.md:3: error: review-overdue: the review was due on 2026-11-01" in out
    assert "handouts/en/soon.md:4: warning: review-due-soon: the review is due on 2027-01-10" in out


def test_future_review_dates_are_refused(make_project: ProjectFactory, cli: CLI) -> None:
    # A review "done" in 2062 would print "Next review 2064" and switch the overdue rule off;
    # so would a next_review far beyond the clinic's review interval (24 months here).
    root = make_project(
        {
            "handouts/en/future.md": handout(body=CLEAN, reviewed_on="2062-11-01"),
            "handouts/en/far.md": handout(body=CLEAN, next_review="2999-12-31"),
            "handouts/en/quoted.md": handout(body=CLEAN, reviewed_on='"2026-11-01"'),
        }
    )
    out = checked(cli, root, code=1)
    assert (
        "handouts/en/future.md:3: error: review-in-future: reviewed_on: 2062-11-01 is after" in out
    )
    assert (
        "handouts/en/far.md:4: error: front-matter: next_review: 2999-12-31 is later than the "
        "clinic allows" in out
    )
    assert "the latest is 2028-10-01" in out
    assert "quoted.md" not in out  # a date in quotes is still a date


def test_stale_crisis_data(
    make_project: ProjectFactory, cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project({"handouts/en/a.md": handout(body=CLEAN)})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(2_000_000_000))  # 2033: data long unconfirmed
    result = check(cli, root)
    assert result.exit_code == 1
    assert "handouts.toml: error: crisis-data-stale:" in result.stdout


# --- reading level -------------------------------------------------------------------


def test_reading_level_error_names_formula_score_and_hardest_sentences(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project({"handouts/en/hard.md": handout(body=HARD)})
    result = check(cli, root)
    assert result.exit_code == 1
    problem = only_problem(result, "reading-level")
    assert problem.startswith(
        "handouts/en/hard.md:6: error: reading-level: reading grade 15.8 is above the "
        "maximum of grade 8 (SMOG 15.0, Flesch-Kincaid 15.8; 30 words of prose)"
    )
    assert 'line 6: "Depression is a multifaceted condition influenced by…"' in problem
    assert 'line 8: "You should discuss medication alternatives with your…"' in problem


def test_reading_level_warning_above_target(make_project: ProjectFactory, cli: CLI) -> None:
    body = (
        "You may feel tired after your visit. Rest at home for the day.\n"
        "Your medicine can make you feel sleepy. Do not drive until tomorrow.\n"
        "Call us if you have a headache or feel sick. We can help you.\n"
    )
    root = make_project({"handouts/en/w.md": handout(body=body)})
    result = check(cli, root)
    assert result.exit_code == 0
    assert only_problem(result, "reading-level").startswith(
        "handouts/en/w.md:7: warning: reading-level: reading grade 6.4 is above the target "
        "of grade 6 (SMOG 6.4, Flesch-Kincaid 1.8"
    )


def test_readability_settings_come_from_handouts_toml(
    make_project: ProjectFactory, cli: CLI
) -> None:
    config = CONFIG + "\n[readability]\ntarget_grade = 12\nmax_grade = 16\n"
    root = make_project({"handouts/en/hard.md": handout(body=HARD)}, config=config)
    assert only_problem(check(cli, root), "reading-level").startswith(
        "handouts/en/hard.md:6: warning: reading-level: reading grade 15.8 is above the "
        "target of grade 12"
    )


def test_spanish_reading_level_uses_inflesz(make_project: ProjectFactory, cli: CLI) -> None:
    hard = (
        "La depresión es una enfermedad multifactorial caracterizada por alteraciones "
        "neuroquímicas persistentes.\n"
        "Los neurotransmisores desempeñan una función fundamental en la regulación emocional "
        "y conductual.\n"
        "Consulte con su especialista las alternativas terapéuticas farmacológicas "
        "disponibles actualmente.\n"
    )
    middling = (
        "Después del tratamiento, es posible que usted se sienta cansado durante el resto "
        "del día.\n"
        "Su medicamento puede producir somnolencia, así que no maneje hasta mañana por la "
        "mañana.\n"
        "Llame a nuestra clínica si tiene dolor de cabeza, náuseas o cualquier otra molestia.\n"
    )
    root = make_project(
        {"handouts/es/hard.md": handout(body=hard), "handouts/es/mid.md": handout(body=middling)}
    )
    result = check(cli, root)
    assert result.exit_code == 1
    found = problems(result, "reading-level")
    assert found[0].startswith(
        "handouts/es/hard.md:8: error: reading-level: INFLESZ -2.4 ('very hard', about grade "
        "18.0) is below the maximum of 55 (grade 8) (INFLESZ -2.4, Fernandez-Huerta 4.7"
    )
    assert found[1].startswith(
        "handouts/es/mid.md:7: warning: reading-level: INFLESZ 63.6 ('normal', about grade "
        "6.3) is below the target of 65 (grade 6)"
    )


def test_only_prose_is_measured(make_project: ProjectFactory, cli: CLI) -> None:
    """Headings, table cells, the call-out title, image descriptions and link addresses
    are not prose: long words and long rows there change nothing."""
    jargon = " ".join(["pharmacological neuroplasticity considerations"] * 10)
    # Not an indented f-string: CLEAN's own lines start at the margin, so dedent would
    # leave the rest indented, and indented text is a code block (broken-list found it).
    body = (
        "## Understanding pharmacological neuroplasticity considerations\n\n"
        f"{CLEAN}\n"
        "| Medication | Considerations |\n"
        "|------------|----------------|\n"
        f"| {jargon} | {jargon} |\n\n"
        '!!! note "Pharmacological neuroplasticity considerations"\n'
        "    Call us if you feel worse.\n\n"
        "See [the form](https://example.org/pharmacological-neuroplasticity-considerations).\n"
    )
    root = make_project({"handouts/en/a.md": handout(body=body)})
    result = check(cli, root)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Checked 1 handout: no problems.\n"


def test_long_sentence_at_its_own_line(make_project: ProjectFactory, cli: CLI) -> None:
    long = (
        "If you feel dizzy or sick after\nyour visit you should sit down right away and "
        "drink a glass of water and then call us so that we can talk about what happened."
    )
    root = make_project({"handouts/en/a.md": handout(body=f"{CLEAN}\nRest now. {long}\n")})
    result = check(cli, root)
    assert result.exit_code == 0
    assert only_problem(result, "long-sentence").startswith(
        "handouts/en/a.md:10: warning: long-sentence: this sentence has 33 words (more than "
        '25): "If you feel dizzy or sick after your visit you should sit…"'
    )


def test_long_table_row_is_not_a_long_sentence(make_project: ProjectFactory, cli: CLI) -> None:
    row = " ".join(["take one pill"] * 10)
    body = f"{CLEAN}\n| When | What |\n|---|---|\n| Morning | {row} |\n"
    root = make_project({"handouts/en/a.md": handout(body=body)})
    assert problems(check(cli, root), "long-sentence") == []


# --- images and links ----------------------------------------------------------------


def test_missing_alt_text(make_project: ProjectFactory, cli: CLI) -> None:
    body = (
        f"{CLEAN}\n![](images/dot.png)\n\n![IMG_0042](images/dot.png)\n\n"
        "<img src='images/dot.png'>\n"
    )
    root = make_project({"handouts/en/a.md": handout(body=body), "handouts/en/images/dot.png": PNG})
    result = check(cli, root)
    assert result.exit_code == 1
    found = [line.split(": missing-alt-text: ")[0] for line in problems(result, "missing-alt-text")]
    assert found == [
        "handouts/en/a.md:10: error",
        "handouts/en/a.md:12: error",
        "handouts/en/a.md:14: error",
    ]
    assert "has no description. Write what it shows" in result.stdout


def test_missing_image_and_local_link(make_project: ProjectFactory, cli: CLI) -> None:
    body = (
        f"{CLEAN}\n![A map](images/mapp.png)\n\nFill in [the form](forms/intake.pdf) and\n"
        "see [our website](clinic.example.org). Read [the other sheet](sleep.md#tips).\n"
    )
    root = make_project(
        {
            "handouts/en/a.md": handout(body=body),
            "handouts/en/images/map.png": PNG,
            "handouts/en/sleep.md": handout(body=CLEAN),
        }
    )
    result = check(cli, root)
    assert result.exit_code == 1
    found = problems(result, "missing-resource")
    assert len(found) == 3, result.output
    assert found[0].startswith(
        "handouts/en/a.md:10: error: missing-resource: images/mapp.png: there is no image at "
        "handouts/en/images/mapp.png (did you mean map.png?)"
    )
    assert found[1].startswith("handouts/en/a.md:12: error: missing-resource: forms/intake.pdf")
    assert found[2].startswith(
        "handouts/en/a.md:13: error: missing-resource: clinic.example.org: there is no linked "
        "file at handouts/en/clinic.example.org (if this is a web address, write "
        "https://clinic.example.org)"
    )


def test_blocked_resources_are_found_before_rendering(
    make_project: ProjectFactory, cli: CLI, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    body = (
        f"{CLEAN}\n![A chart](https://example.org/chart.png)\n\n"
        "![A dot](../../../secret.png)\n\n"
        f"![A dot]({secret})\n\n"
        "![A dot](link.png)\n\n"
        "[A form][form]\n\n"
        "[form]: ../../../secret.png\n"
    )
    root = make_project({"handouts/en/a.md": handout(body=body)})
    (root / "handouts/en/link.png").symlink_to(secret)
    result = check(cli, root)
    assert result.exit_code == 1
    found = [line.split(": blocked-resource: ")[0] for line in problems(result, "blocked-resource")]
    assert found == [f"handouts/en/a.md:{n}: error" for n in (10, 12, 14, 16, 20)]
    assert "https://example.org/chart.png: network addresses are never fetched" in result.stdout
    assert "../../../secret.png: this image is outside the project folder" in result.stdout
    assert "link.png: this is a link to a file outside the project folder" in result.stdout
    assert "Traceback" not in result.output


def test_images_that_are_fine(make_project: ProjectFactory, cli: CLI) -> None:
    body = (
        f"{CLEAN}\n![A dot](images/dot.png)\n\n![A dot][dot]\n\n"
        "[Our website](https://clinic.example.org), [mail](mailto:a@example.org), "
        "[the top](#top), <https://988lifeline.org>.\n\n"
        '<img src="images/dot.png" alt="A dot">\n\n'
        "<!-- ![](images/old.png) was removed -->\n\n"
        "[dot]: images/dot.png\n"
    )
    root = make_project({"handouts/en/a.md": handout(body=body), "handouts/en/images/dot.png": PNG})
    result = check(cli, root)
    assert result.stdout == "Checked 1 handout: no problems.\n", result.output


# --- the reviewer's extras -----------------------------------------------------------


def test_heading_skip(make_project: ProjectFactory, cli: CLI) -> None:
    body = f"### Too deep\n\n{CLEAN}\n## Fine\n\n### Fine too\n\n##### Skipped\n"
    root = make_project({"handouts/en/a.md": handout(body=body)})
    found = problems(check(cli, root), "heading-skip")
    assert found[0].startswith(
        "handouts/en/a.md:6: warning: heading-skip: 'Too deep' is a level-3 heading right "
        "after the title; write it with ##"
    )
    assert found[1].startswith(
        "handouts/en/a.md:16: warning: heading-skip: 'Skipped' is a level-5 heading right "
        "after a level-3 heading; write it with ####"
    )
    assert len(found) == 2


def test_long_list(make_project: ProjectFactory, cli: CLI) -> None:
    seven = "".join(f"- item {n}\n" for n in range(7))
    eight = "".join(f"{n}. step {n}\n" for n in range(1, 9))
    body = f"{CLEAN}\n{seven}\nThen:\n\n{eight}"
    root = make_project({"handouts/en/a.md": handout(body=body)})
    assert only_problem(check(cli, root), "long-list").startswith(
        "handouts/en/a.md:20: warning: long-list: this list has 8 items"
    )


def test_list_without_blank_line_is_printed_as_text(make_project: ProjectFactory, cli: CLI) -> None:
    body = f"{CLEAN}\nBring:\n- your ID\n- your medicines\n\nAlso:\n\n- a snack\n"
    root = make_project({"handouts/en/a.md": handout(body=body)})
    assert only_problem(check(cli, root), "broken-list").startswith(
        "handouts/en/a.md:11: warning: broken-list: this list comes straight after a line of text"
    )


def test_long_paragraph(make_project: ProjectFactory, cli: CLI) -> None:
    long = " ".join(["You can rest at home today."] * 18)  # 108 words
    body = f"{CLEAN}\n{long}\n\n- {long}\n"
    root = make_project({"handouts/en/a.md": handout(body=body)})
    assert only_problem(check(cli, root), "long-paragraph").startswith(
        "handouts/en/a.md:10: warning: long-paragraph: this paragraph has 108 words"
    )


@pytest.mark.parametrize(
    ("code", "lines", "cut", "expected"),
    [
        pytest.param(
            "all-caps",
            "DO NOT EAT before your visit.\n\nText HOME to 741741. An MRI, CT or PET "
            "scan is fine.\n\n## CALL US TODAY\n",
            " is in capital",
            [
                "handouts/en/a.md:10: warning: all-caps: 'DO NOT EAT'",
                "handouts/en/a.md:14: warning: all-caps: 'CALL US TODAY'",
            ],
            id="all-caps",
        ),
        pytest.param(
            "placeholder-text",
            "TODO: add the dose.\n\nCall us at [insert phone number].\n\n"
            "| Day | Plan |\n|---|---|\n| 1 | Lorem ipsum dolor |\n",
            " looks like",
            [
                "handouts/en/a.md:10: error: placeholder-text: 'TODO'",
                "handouts/en/a.md:12: error: placeholder-text: '[insert phone number]'",
                "handouts/en/a.md:16: error: placeholder-text: 'Lorem ipsum'",
            ],
            id="placeholder-text",
        ),
    ],
)
def test_each_flagged_text_is_named_at_its_line(
    make_project: ProjectFactory, cli: CLI, code: str, lines: str, cut: str, expected: list[str]
) -> None:
    root = make_project({"handouts/en/a.md": handout(body=f"{CLEAN}\n{lines}")})
    found = problems(check(cli, root), code)
    assert [line.split(cut)[0] for line in found] == expected


def test_spanish_todo_is_a_word_not_a_placeholder(make_project: ProjectFactory, cli: CLI) -> None:
    body = "Todo el equipo le ayuda. Tome todo el medicamento.\n"
    root = make_project({"handouts/es/a.md": handout(body=body)})
    assert problems(check(cli, root), "placeholder-text") == []


def test_no_you(make_project: ProjectFactory, cli: CLI) -> None:
    body = CLEAN.replace("You", "Patients").replace("you", "patients").replace("your", "their")
    root = make_project(
        {
            "handouts/en/a.md": handout(body="## Resting\n\n" + body),
            "handouts/en/b.md": handout(body=CLEAN),
        }
    )
    result = check(cli, root)
    assert only_problem(result, "no-you").startswith(
        "handouts/en/a.md:6: warning: no-you: the handout never says 'you' or 'your'"
    )


# --- the report ----------------------------------------------------------------------


def test_report_table_and_csv(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/rest.md": handout("Rest", CLEAN)})
    assert cli("build", "--project", root).exit_code == 0
    (root / "handouts/en/hard.md").write_text(handout("Hard", HARD))
    (root / "handouts/en/broken.md").write_text("---\ntitle: Broken\n---\nNo date.\n")
    result = check(cli, root, "--report")
    assert result.exit_code == 1
    table = result.stdout.split("\n\n")[1].splitlines()
    assert table[0].split("  ")[:3] == ["handout", "lang", "reading level"]
    rows = {line.split()[0]: line for line in table[2:]}
    assert rows.keys() == {"broken", "hard", "rest"}
    assert "grade 5.5 (SMOG 5.5, Flesch-Kincaid 0.2)" in rows["rest"]
    assert "  37  " in rows["rest"] and "  1  " in rows["rest"]  # words, pages
    assert "2026-10-01  2028-10-01" in rows["rest"] and rows["rest"].endswith("none")
    assert "not built" in rows["hard"] and rows["hard"].endswith("1 error: reading-level")
    assert rows["broken"].endswith("1 error: front-matter")
    assert "Report written to build/handouts-report.csv." in result.stdout

    csv_text = (root / "build/handouts-report.csv").read_text(encoding="utf-8-sig")
    header, *lines = csv_text.splitlines()
    assert header.startswith("file,id,language,grade,SMOG,Flesch-Kincaid,INFLESZ")
    assert any(
        line.startswith("handouts/en/rest.md,rest,en,5.5,5.5,0.2,,,37,1,2026-10-01")
        for line in lines
    )
