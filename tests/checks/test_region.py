"""Safety advice from the project's region: what each region's writer is told about an
outdated contact, and ``other-region-contact`` for another country's crisis or emergency
number, checked by the exact ``path:line: error: code: message`` a person reads. Also the
region's paper and date style, and region codes in any case.

Bodies made with ``handout()`` start on line 6 of their file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import CLI, DISCLAIMER_EN, ProjectFactory, handout, pdf_pages
from tests.helpers.checking import problems

CLEAN = (
    "You can rest at home today. Drink water and eat small meals.\n"
    "Call us if you feel worse. Ask a friend to drive you home.\n"
    "Sleep well tonight. We are here to help you and your family.\n"
)


def config(region: str, extra: str = "") -> str:
    return f"""\
[clinic]
name = "Test Clinic"
phone = "555-0100"
{extra}
[crisis]
region = "{region}"

[disclaimer]
en = "{DISCLAIMER_EN}"
"""


def check_body(make_project: ProjectFactory, cli: CLI, region: str, line: str) -> Result:
    """Check one handout whose line 10 is ``line``."""
    root = make_project(
        {"handouts/en/help.md": handout(body=f"{CLEAN}\n{line}\n")}, config=config(region)
    )
    return cli("check", "--project", root)


# --- outdated contacts: the advice names this region's services -------------------------

OLD_US = "If you need help, call 1-800-273-8255 today."
ADVICE = {
    "US": "print 988 (call or text). The 1-800 number was replaced by 988 in July 2022.",
    "CA": (
        "print the services of Canada instead (this was a service of another country): "
        "988 (call or text the 9-8-8 Suicide Crisis Helpline); in an emergency, 911"
    ),
    "GB": (
        "print the services of the United Kingdom instead (this was a service of another "
        "country): Samaritans on 116 123 (free, any time), or NHS 111 and the mental health "
        "option (option 2 in England); in an emergency, 999"
    ),
    "AU": (
        "print the services of Australia instead (this was a service of another country): "
        "Lifeline on 13 11 14 (call), or text 0477 13 11 14; in an emergency, 000"
    ),
}


@pytest.mark.parametrize("region", ["US", "CA", "GB", "AU"])
def test_outdated_contact_advice_is_the_regions_own(
    make_project: ProjectFactory, cli: CLI, region: str
) -> None:
    result = check_body(make_project, cli, region, OLD_US)
    assert problems(result, "outdated-crisis-contact") == [
        "handouts/en/help.md:10: error: outdated-crisis-contact: '1-800-273-8255' is the old "
        f"US National Suicide Prevention Lifeline number; {ADVICE[region]}"
    ]
    if region in ("GB", "AU"):
        assert "988" not in result.stdout  # never told to print a number that fails there


def test_canadas_old_number_in_canada_keeps_its_own_advice(
    make_project: ProjectFactory, cli: CLI
) -> None:
    result = check_body(make_project, cli, "CA", "Call Talk Suicide Canada: 1-833-456-4566.")
    assert problems(result, "outdated-crisis-contact") == [
        "handouts/en/help.md:10: error: outdated-crisis-contact: '1-833-456-4566' is Canada's "
        "replaced Talk Suicide Canada number; print 988 (call or text), Canada's Suicide "
        "Crisis Helpline since 2023-11-30."
    ]


# --- other-region-contact ------------------------------------------------------------

GB_CRISIS = (
    "Samaritans on 116 123 (free, any time), or NHS 111 and the mental health option "
    "(option 2 in England); in an emergency, 999"
)
US_CRISIS = "988 (call or text the 988 Suicide & Crisis Lifeline); in an emergency, 911"
AU_CRISIS = "Lifeline on 13 11 14 (call), or text 0477 13 11 14; in an emergency, 000"
CA_CRISIS = "988 (call or text the 9-8-8 Suicide Crisis Helpline); in an emergency, 911"
OTHER = {
    "GB": (
        "Call 911 or text 988 now.",
        [
            "'911' is the emergency number in the United States and Canada, not in the "
            "United Kingdom, this project's region. In the United Kingdom, print 999",
            "'988' is a crisis line in the United States and Canada (988 Suicide & Crisis "
            f"Lifeline), not in the United Kingdom, this project's region. In the United "
            f"Kingdom, print {GB_CRISIS}",
        ],
    ),
    "US": (
        "Call 999 or Samaritans on 116 123.",
        [
            "'999' is the emergency number in the United Kingdom, not in the United States, "
            "this project's region. In the United States, print 911",
            "'116 123' is a crisis line in the United Kingdom (Samaritans), not in the United "
            f"States, this project's region. In the United States, print {US_CRISIS}",
        ],
    ),
    "CA": (
        "Call 000, or Lifeline on 13 11 14.",
        [
            "'000' is the emergency number in Australia, not in Canada, this project's "
            "region. In Canada, print 911",
            "'13 11 14' is a crisis line in Australia (Lifeline), not in Canada, this "
            f"project's region. In Canada, print {CA_CRISIS}",
        ],
    ),
    "AU": (
        "In an emergency call 911. Text HOME to 741741.",
        [
            "'911' is the emergency number in the United States and Canada, not in "
            "Australia, this project's region. In Australia, print 000",
            "'741741' is a crisis line in the United States (Crisis Text Line), not in "
            f"Australia, this project's region. In Australia, print {AU_CRISIS}",
        ],
    ),
}


@pytest.mark.parametrize("region", ["US", "CA", "GB", "AU"])
def test_another_regions_number_is_an_error(
    make_project: ProjectFactory, cli: CLI, region: str
) -> None:
    line, messages = OTHER[region]
    result = check_body(make_project, cli, region, line)
    assert result.exit_code == 1
    assert problems(result, "other-region-contact") == sorted(
        f"handouts/en/help.md:10: error: other-region-contact: {m}" for m in messages
    )


@pytest.mark.parametrize(
    ("region", "line"),
    [
        ("US", "Call or text 988. Emergency: 911. Text HOME to 741741."),
        ("CA", "Call or text 9-8-8. Emergency: 911. Kids Help Phone: 1-800-668-6868."),
        ("GB", "Call Samaritans on 116 123, NHS 111, or 999. Text SHOUT to 85258."),
        ("AU", "Call Lifeline on 13 11 14 or text 0477 13 11 14. Emergency: 000."),
    ],
)
def test_the_regions_own_numbers_are_fine(
    make_project: ProjectFactory, cli: CLI, region: str, line: str
) -> None:
    result = check_body(make_project, cli, region, line)
    assert problems(result, "other-region-contact") == [], result.output


@pytest.mark.parametrize(
    "line",
    [
        "Call our desk at 555-988-1234 or 555 988 1234.",  # 988 inside a phone number
        "Call 1-800-988-9110 for refills.",
        "The grant was $1,000 and 2,000 people came to help.",  # 000 in thousands
        "Take 911 mg with food, then call us.",  # a dose
        "Our office is at 111 Main Street, Room 999.",  # no word about calling near it
        "The review was on 2026-11-21; see page 988 of the manual.",
        "Chat at 988lifeline.org",  # part of a web address, not a number to dial
        "This is sheet number 111 of the library.",  # a number, but not one to call
    ],
)
def test_numbers_that_are_not_a_crisis_line_are_not_flagged(
    make_project: ProjectFactory, cli: CLI, line: str
) -> None:
    result = check_body(make_project, cli, "GB" if "988" in line else "US", line)
    assert problems(result, "other-region-contact") == [], result.output


def test_other_region_numbers_in_title_and_spelled_variants(
    make_project: ProjectFactory, cli: CLI
) -> None:
    text = handout(
        title="Text 988 when you need help",
        body=f"{CLEAN}\nCall 9-8-8 or\nring 116123.\n",
    )
    root = make_project({"handouts/en/help.md": text}, config=config("AU"))
    found = [
        line.split(" is ")[0]
        for line in problems(cli("check", "--project", root), "other-region-contact")
    ]
    assert found == [
        "handouts/en/help.md:2: error: other-region-contact: '988'",
        "handouts/en/help.md:10: error: other-region-contact: '9-8-8'",
        "handouts/en/help.md:11: error: other-region-contact: '116123'",
    ]


def test_an_ended_988_option_is_reported_once(make_project: ProjectFactory, cli: CLI) -> None:
    result = check_body(make_project, cli, "GB", "Call 988, then press 3 for LGBTQ+ young people.")
    assert len(problems(result, "outdated-crisis-contact")) == 1
    assert problems(result, "other-region-contact") == []


def test_build_refuses_a_handout_with_another_regions_number(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = make_project(
        {
            "handouts/en/bad.md": handout(body=f"{CLEAN}\nIn danger? Call 911.\n"),
            "handouts/en/good.md": handout(body=CLEAN),
        },
        config=config("GB"),
    )
    result = cli("build", "--project", root)
    assert result.exit_code == 1
    assert "handouts/en/bad.md:10: error: other-region-contact: '911'" in result.output
    assert not (root / "build/en/bad.pdf").exists()
    assert (root / "build/en/good.pdf").exists()


# --- region settings -----------------------------------------------------------------


def test_region_codes_are_case_insensitive(make_project: ProjectFactory, cli: CLI) -> None:
    result = check_body(make_project, cli, "gb", "Call 988.")
    assert result.exit_code == 1, result.output
    assert "not in the United Kingdom" in problems(result, "other-region-contact")[0]


def test_region_sets_paper_and_date_style(make_project: ProjectFactory, cli: CLI) -> None:
    root = make_project({"handouts/en/a.md": handout(body=CLEAN)}, config=config("GB"))
    assert cli("build", "--project", root).exit_code == 0
    page = pdf_pages(root / "build/en/a.pdf")[0]
    assert "Reviewed 1 October 2026" in page, page
    assert "Samaritans" in page and "116 123" in page
    assert _page_size(root / "build/en/a.pdf") == (595, 842)  # A4 in points

    root = make_project(
        {"handouts/en/a.md": handout(body=CLEAN)},
        config=config("GB", '[print]\npaper = "Letter"\ndate_style = "month-day-year"\n'),
    )
    assert cli("build", "--project", root).exit_code == 0
    assert "Reviewed October 1, 2026" in pdf_pages(root / "build/en/a.pdf")[0]
    assert _page_size(root / "build/en/a.pdf") == (612, 792)  # handouts.toml says otherwise


def _page_size(pdf: Path) -> tuple[int, int]:
    from pypdf import PdfReader

    box = PdfReader(pdf).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))
