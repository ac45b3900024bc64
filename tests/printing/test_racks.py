"""Rack restock packs: racks/<name>.toml -> build/racks/<name>.pdf, and printing one."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import CLI, CONFIG, ProjectFactory, built, folded, handout, stamped
from tests.helpers.cups import Cups
from tests.helpers.html_tree import parse

LONG_BODY = "\n".join(
    f"## Part {n}\n\n" + "You can rest. Sleep helps you feel well. " * 3 + "\n" for n in range(18)
)
RACK = """\
[[handout]]
id = "sleep"
copies = 2

[[handout]]
id = "stress"
lang = "es"
copies = 3
"""
SLEEP_ES = handout("Menos estrés", body="Usted puede descansar.\n")


def rack_project(make_project: ProjectFactory, rack: str = RACK, config: str = CONFIG) -> Path:
    return make_project(
        {
            "handouts/en/sleep.md": handout("Sleep well", body=LONG_BODY),
            "handouts/es/stress.md": SLEEP_ES,
            "racks/waiting-room.toml": rack,
        },
        config=config,
    )


@pytest.fixture
def rack_built(make_project: ProjectFactory, cli: CLI) -> Path:
    """The project of ``rack_project``, built (exit code 0)."""
    root = rack_project(make_project)
    built(cli, root)
    return root


def page_texts(path: Path) -> list[str]:
    return [folded(page.extract_text() or "") for page in PdfReader(path).pages]


def copy_starts(texts: list[str], title: str) -> list[int]:
    """1-based numbers of the pages where a copy of ``title`` begins: its heading first."""
    return [n for n, text in enumerate(texts, start=1) if text.startswith(title)]


def test_build_writes_the_pack_collated_each_copy_on_an_odd_page(rack_built: Path) -> None:
    root = rack_built
    pack = root / "build/racks/waiting-room.pdf"
    texts = page_texts(pack)
    sleep_pages = len(PdfReader(root / "build/en/sleep.pdf").pages)
    stress_pages = len(PdfReader(root / "build/es/stress.pdf").pages)
    assert sleep_pages == 3 and stress_pages == 1  # so padding is needed for both

    # The slip sheet: rack, date, and each entry's title, language, edition, copies, review.
    slip = texts[0]
    assert "Restock slip: waiting-room" in slip
    assert "made 2026-11-21" in slip
    assert "Sleep well" in slip and "en (English) standard 2" in slip
    assert "Menos estrés" in slip and "es (Español) standard 3" in slip
    assert "reviewed 2026-10-01 next review 2028-10-01" in slip
    assert "For staff: restock slip. Not a patient handout" in slip
    assert texts[1] == ""  # the slip's back is left blank

    # Every copy, collated, each starting on an odd page: page 3, 7, then 11, 13, 15.
    sleep_starts = copy_starts(texts, "Sleep well")
    stress_starts = copy_starts(texts, "Menos estrés")
    assert sleep_starts == [3, 7]
    assert stress_starts == [11, 13, 15]
    assert len(texts) == 2 + 2 * 4 + 3 * 2
    assert all(n % 2 == 1 for n in sleep_starts + stress_starts)
    # The pages in between are the handout's own, in order, or blank backs.
    assert [("Page 2 of 3" in t, "Page 3 of 3" in t) for t in texts[3:6]] == [
        (True, False),
        (False, True),
        (False, False),
    ]
    assert texts[5] == "" and texts[9] == "" and texts[11] == ""
    for text in texts:
        if text and "Restock slip" not in text and "Menos" not in text:
            assert stamped(text)


def test_pack_is_made_again_only_when_something_changed(rack_built: Path, cli: CLI) -> None:
    root = rack_built
    pack = root / "build/racks/waiting-room.pdf"
    first = pack.stat().st_mtime_ns
    assert cli("build", "--project", root).exit_code == 0
    assert pack.stat().st_mtime_ns == first
    (root / "racks/waiting-room.toml").write_text(RACK.replace("copies = 3", "copies = 1"))
    assert cli("build", "--project", root).exit_code == 0
    assert len(PdfReader(pack).pages) == 2 + 2 * 4 + 1 * 2


def test_rack_naming_a_missing_handout_is_a_problem_at_its_line_and_no_pack(
    make_project: ProjectFactory, cli: CLI
) -> None:
    rack = RACK + '\n[[handout]]\nid = "slep"\n'
    root = rack_project(make_project, rack)
    output = built(cli, root, code=1)
    line = rack.splitlines().index('id = "slep"')  # its [[handout]] header is the line above
    assert (
        f"racks/waiting-room.toml:{line}: error: rack-missing: no handout 'slep' in 'en' "
        "(did you mean sleep?)"
    ) in output
    assert not (root / "build/racks/waiting-room.pdf").exists()


def test_rack_naming_an_overdue_handout_is_a_problem_at_its_line_and_no_pack(
    make_project: ProjectFactory, cli: CLI
) -> None:
    root = rack_project(make_project)
    (root / "handouts/es/stress.md").write_text(
        handout("Menos estrés", reviewed_on="2022-01-01"), encoding="utf-8"
    )
    output = built(cli, root, code=1)
    assert "racks/waiting-room.toml:5: error: rack-overdue: handouts/es/stress.md is overdue" in (
        output
    )
    assert not (root / "build/racks/waiting-room.pdf").exists()


def test_rack_file_mistakes_are_reported_with_their_line(
    make_project: ProjectFactory, cli: CLI
) -> None:
    rack = RACK.replace("copies = 2", "copys = 2").replace(
        'lang = "es"', 'lang = "es"\nedition = "big"'
    )
    root = rack_project(make_project, rack)
    output = built(cli, root, code=1)
    assert "racks/waiting-room.toml:3: error: rack: copys: unknown key (did you mean copies?)" in (
        output
    )
    assert (
        "racks/waiting-room.toml:8: error: rack: edition: expected 'standard', 'large-print'"
        in (output)
    )
    assert not (root / "build/racks/waiting-room.pdf").exists()


def test_print_rack_sends_the_pack_as_one_two_sided_job(
    make_project: ProjectFactory, cli: CLI, cups: Cups
) -> None:
    root = rack_project(make_project, config=CONFIG + cups.config())
    before_queue, before_printer = cups.job_count()
    result = cli("print", "--rack", "waiting-room", "--printer", "front", "--project", root)
    assert result.exit_code == 0, result.output
    assert "Sent the restock pack for the rack waiting-room (2 handouts, 5 copies)" in result.output
    assert "1 copy, two-sided (long edge), na_letter_8.5x11in, 16 pages each" in result.output
    jobs = cups.scheduler_jobs()
    assert len(jobs) == before_queue + 1
    assert jobs[0]["job-name"] == "Restock pack: waiting-room"
    assert jobs[0]["sides"] == "two-sided-long-edge"
    files = cups.wait_for_printed(before_printer + 1)
    printed = page_texts(files[-1])
    assert len(printed) == 16 and "Restock slip: waiting-room" in printed[0]


def test_print_rack_with_an_overdue_handout_sends_nothing(
    make_project: ProjectFactory, cli: CLI, cups: Cups
) -> None:
    root = rack_project(make_project, config=CONFIG + cups.config())
    (root / "handouts/es/stress.md").write_text(
        handout("Menos estrés", reviewed_on="2022-01-01"), encoding="utf-8"
    )
    before = cups.job_count()
    result = cli("print", "--rack", "waiting-room", "--printer", "front", "--project", root)
    assert result.exit_code == 1, result.output
    assert "error: not-printed: the rack waiting-room was not printed" in result.output
    assert "racks/waiting-room.toml:5: error: rack-overdue:" in result.output
    assert "handouts/es/stress.md:3: error: review-overdue:" in result.output
    assert cups.job_count() == before


def test_catalogue_offers_the_rack_pack(rack_built: Path) -> None:
    root = rack_built
    page = parse((root / "build/index.html").read_text(encoding="utf-8"))
    assert page.by_id("rack-packs").text == "Rack restock packs"
    (pack,) = page.find_all("ul", cls="packs")
    (link,) = pack.find_all("a")
    assert link.attrs["href"] == "racks/waiting-room.pdf" and link.text == "waiting-room"
    assert (root / "build" / link.attrs["href"]).is_file()
    assert "5 copies of 2 handouts, one print job (16 pages, double-sided)" in pack.text
