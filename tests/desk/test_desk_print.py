"""Printing from the front desk, against the real CUPS scheduler and IPP Everywhere printer
of the printing tests (tests/helpers/cups.py): what the printer received is read back over
IPP and from the file it kept, and the education record with ``handouts records``.
Refusals are proven by the job counts and the record not moving."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from clinic_handouts.build.plan import BuildOptions
from clinic_handouts.build.run import build
from clinic_handouts.desk.app import Desk
from clinic_handouts.desk.store import Store
from clinic_handouts.project.load import load_project
from tests.conftest import CLI, CONFIG, TODAY, folded, handout, stamped
from tests.helpers.browser import AXE
from tests.helpers.cups import Cups, free_port
from tests.helpers.desk import PASSWORD, Running, serving

BODY = "Sit still for five minutes. Put the cuff on your bare arm.\n"
RACK = '[[handout]]\nid = "pressure"\ncopies = 2\n\n[[handout]]\nid = "sleep"\ncopies = 1\n'
HANDOUT = "/handout/en/pressure"


@pytest.fixture
def desk(tmp_path: Path, cups: Cups) -> Iterator[Running]:
    root = tmp_path / "clinic"
    files = {
        # "front" is the test printer; "gone" names a CUPS server nobody runs.
        "handouts.toml": CONFIG
        + cups.config()
        + f'\n[printers.gone]\nqueue = "front-desk"\nserver = "127.0.0.1:{free_port()}"\n',
        "handouts/en/pressure.md": handout("Checking your blood pressure", body=BODY),
        "handouts/en/sleep.md": handout("Sleep better"),
        "racks/waiting.toml": RACK,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    assert build(load_project(root, TODAY), BuildOptions(today=TODAY)).ok
    Store(root).set_user("nurse", "front-desk", PASSWORD)
    app = Desk(root, "127.0.0.1", free_port(), tls=False, today=lambda: TODAY)
    with serving(app) as running:
        yield running


def records(cli: CLI, root: Path) -> list[dict[str, object]]:
    """The education record as ``handouts records --format json`` exports it."""
    result = cli("records", "--format", "json", "--project", root)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.output)
    return rows


def post_print(desk: Running, **fields: str) -> str:
    _status, cookie = desk.sign_in()
    form = {"csrf": desk.csrf(cookie, HANDOUT), "copies": "1", "edition": "standard", **fields}
    _s, _h, page = desk.request("POST", HANDOUT + "/print", form, cookie=cookie)
    return page


def test_staff_search_print_two_copies_and_the_record(
    desk: Running, page: Page, cups: Cups, cli: CLI
) -> None:
    base = f"http://127.0.0.1:{desk.port}"
    before_queue, before_printer = cups.job_count()
    page.route(base + "/__axe.js", lambda route: route.fulfill(path=str(AXE)))
    page.goto(base + "/")
    page.get_by_label("Username").fill("nurse")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Search", exact=True).fill("cuff")  # only in the handout's body
    expect(page.locator("#handout-pressure .match")).to_contain_text("Put the cuff on")
    page.locator("#handout-pressure").get_by_role("link", name="Print or email").first.click()
    # The printers offered are exactly those of handouts.toml.
    options = page.get_by_label("Printer").locator("option").all_inner_texts()
    assert options == ["front", "gone"]
    page.get_by_label("Printer").select_option("front")
    page.get_by_label("Copies").fill("2")
    form = page.locator("form", has=page.get_by_role("button", name="Print", exact=True))
    form.get_by_label("Checked understanding with the patient (teach-back)").check()
    page.add_script_tag(url="/__axe.js")
    assert page.evaluate("axe.run(document)")["violations"] == []
    page.get_by_role("button", name="Print", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Sent 'Checking your blood pressure' (en, standard edition, reviewed 2026-10-01) to front"
    )
    expect(page.get_by_role("status")).to_contain_text("2 copies, collated")
    expect(page.get_by_role("status")).to_contain_text(
        "Printing 2 copies on front. Collect them from the printer."
    )
    page.screenshot(path="/tmp/desk-shots/printed.png", full_page=True)
    page.get_by_role("link", name="Restock a rack").click()
    expect(page.get_by_role("button", name="Print the waiting pack")).to_be_visible()
    page.add_script_tag(url="/__axe.js")
    assert page.evaluate("axe.run(document)")["violations"] == []
    page.screenshot(path="/tmp/desk-shots/racks.png", full_page=True)
    # What CUPS was asked for, and what the printer itself received.
    assert len(cups.scheduler_jobs()) == before_queue + 1
    files = cups.wait_for_printed(before_printer + 1)
    job = cups.printer_jobs()[0]
    assert job["copies"] == 2 and job["job-name"] == "Checking your blood pressure"
    spooled = files[-1].read_bytes()
    built = (desk.desk.root / "build/en/pressure.pdf").read_bytes()
    assert len(PdfReader(files[-1]).pages) == len(
        PdfReader(desk.desk.root / "build/en/pressure.pdf").pages
    )
    text = folded(" ".join(p.extract_text() or "" for p in PdfReader(files[-1]).pages))
    assert "Put the cuff on your bare arm" in text
    assert stamped(text)
    assert spooled[:5] == b"%PDF-" and built[:5] == b"%PDF-"
    # The record, read back as the clinic exports it.
    (row,) = records(cli, desk.desk.root)
    assert row == {
        "time": row["time"],
        "user": "nurse",
        "handout": "pressure",
        "lang": "en",
        "edition": "standard",
        "reviewed_on": "2026-10-01",
        "pdf_sha256": hashlib.sha256(built).hexdigest(),
        "channel": "print",
        "copies": 2,
        "address_hash": "",
        "teach_back": True,
    }


def test_a_printer_not_in_handouts_toml_is_refused(desk: Running, cups: Cups, cli: CLI) -> None:
    before = cups.job_count()
    page = post_print(desk, printer="elsewhere")
    assert "Not printed. Nothing was recorded." in page
    assert "&#39;elsewhere&#39; is not one of this clinic&#39;s printers" in page
    for copies in ("0", "100", "two", "-1"):
        page = post_print(desk, printer="front", copies=copies)
        assert "Copies must be a whole number from 1 to 99." in page, copies
    page = post_print(desk, printer="front", edition="pocket")
    assert "This handout has no &#39;pocket&#39; edition" in page
    # A form without the session's CSRF token does nothing at all.
    _s, cookie = desk.sign_in()
    form = {"printer": "front", "copies": "1", "edition": "standard"}
    status, _h, _p = desk.request("POST", HANDOUT + "/print", form, cookie=cookie)
    assert status == 403
    assert cups.job_count() == before and records(cli, desk.desk.root) == []


def test_a_stopped_or_unreachable_printer_says_what_to_do_and_records_nothing(
    desk: Running, cups: Cups, cli: CLI
) -> None:
    before = cups.job_count()
    cups.disable("Paper jam")
    try:
        page = post_print(desk, printer="front")
    finally:
        cups.enable()
    assert "Not printed. Nothing was recorded." in page
    assert "the printer front (CUPS queue front-desk) is stopped" in page
    assert "resume the queue" in page and "then print again" in page
    page = post_print(desk, printer="gone")
    assert "Not printed. Nothing was recorded." in page
    assert "cannot reach the printing system (CUPS) at 127.0.0.1:" in page
    assert "Traceback" not in page
    assert cups.job_count() == before and records(cli, desk.desk.root) == []


def test_a_rack_pack_prints_and_each_handout_is_recorded(
    desk: Running, cups: Cups, cli: CLI
) -> None:
    _before_queue, before_printer = cups.job_count()
    _status, cookie = desk.sign_in()
    _s, _h, page = desk.request("GET", "/racks", cookie=cookie)
    assert "Print the waiting pack" in page
    form = {"csrf": desk.csrf(cookie, "/racks"), "printer": "front", "copies": "2"}
    _s, _h, page = desk.request("POST", "/racks/waiting/print", form, cookie=cookie)
    assert "Sent the restock pack for the rack waiting (2 handouts, 3 copies)" in page, page
    files = cups.wait_for_printed(before_printer + 1)
    assert cups.printer_jobs()[0]["copies"] == 2
    assert "Restock" in (PdfReader(files[-1]).pages[0].extract_text() or "")
    rows = records(cli, desk.desk.root)
    assert [(r["handout"], r["channel"], r["copies"], r["teach_back"]) for r in rows] == [
        ("pressure", "rack", 4, False),
        ("sleep", "rack", 2, False),
    ]
    # A rack that racks/ does not hold is refused, and nothing more is printed or recorded.
    form["csrf"] = desk.csrf(cookie, "/racks")
    _s, _h, page = desk.request("POST", "/racks/nowhere/print", form, cookie=cookie)
    assert "There is no rack called &#39;nowhere&#39;" in page
    assert len(records(cli, desk.desk.root)) == 2
