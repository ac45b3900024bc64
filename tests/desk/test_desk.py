"""The front desk from outside: a real uvicorn server on 127.0.0.1, plain HTTP requests
for the security rules, and real Chromium (with axe-core) for what staff do: sign in,
search a word only in a handout's text, email it to a real SMTP server (aiosmtpd), tick
teach-back, and read the record back."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from clinic_handouts.build.plan import BuildOptions
from clinic_handouts.build.run import build
from clinic_handouts.desk.app import COOKIE, Desk
from clinic_handouts.desk.store import Store
from clinic_handouts.project.load import load_project
from tests.conftest import CONFIG, TODAY, handout
from tests.helpers.browser import AXE
from tests.helpers.desk import PASSWORD, Client, Running, serving
from tests.helpers.mailserver import MailServer, Recorder, free_port

BODY = "Sit still for five minutes. Put the cuff on your bare arm.\n"


@dataclass
class MailDesk(Running):
    mail: MailServer = field(kw_only=True)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[MailDesk]:
    with MailServer(Recorder()) as mail:
        root = tmp_path / "clinic"
        root.mkdir()
        (root / "handouts.toml").write_text(
            CONFIG + f'\n[email]\nhost = "127.0.0.1"\nport = {mail.port}\nsecurity = "none"\n'
            'from_address = "handouts@clinic.example.org"\n'
            "\n[desk]\nemails_per_hour = 2\n"
        )
        files = {
            "handouts/en/pressure.md": handout("Checking your blood pressure", body=BODY),
            "handouts/en/sleep.md": handout("Sleep <script>alert(1)</script> better"),
        }
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        assert build(load_project(root, TODAY), BuildOptions(today=TODAY)).ok
        store = Store(root)
        store.set_user("nurse", "front-desk", PASSWORD)
        store.set_user("boss", "admin", PASSWORD)
        now = [1_000_000.0]
        port = free_port()
        app = Desk(root, "127.0.0.1", port, tls=False, clock=lambda: now[0], today=lambda: TODAY)
        with serving(app, now) as running:
            yield MailDesk(running.port, running.desk, running.now, mail=mail)


ROUTES = [
    ("GET", "/"),
    ("GET", "/files/en/pressure.pdf"),
    ("GET", "/files/thumbnails/en/pressure.png"),
    ("GET", "/handout/en/pressure"),
    ("GET", "/records"),
    ("GET", "/static/catalogue.js"),
    ("POST", "/handout/en/pressure/email"),
    ("POST", "/handout/en/pressure/print"),
    ("GET", "/racks"),
    ("POST", "/racks/waiting/print"),
    ("GET", "/no/such/page"),
]


def test_no_session_gets_the_sign_in_page_and_nothing_else(desk: MailDesk) -> None:
    for method, path in ROUTES:
        status, headers, page = desk.request(method, path, {} if method == "POST" else None)
        assert status == 200, path
        assert "Sign in" in page and "cuff" not in page and "blood pressure" not in page, path
        assert "%PDF" not in page
        assert "script-src 'self'" in headers["content-security-policy"]
    assert desk.mail.messages == []


def test_bad_host_header_is_refused(desk: MailDesk) -> None:
    status, _h, page = desk.request("GET", "/signin", host="evil.example:80")
    assert status == 421 and "Sign in" not in page


def test_session_fixation_throttling_idle_timeout(desk: MailDesk) -> None:
    # A session id the browser brought is never adopted: sign-in makes a new one.
    status, cookie = desk.sign_in()
    assert status == 303 and cookie
    _s, _h, page = desk.request("GET", "/", cookie=f"{COOKIE}=attacker-chosen")
    assert "Sign in" in page
    _s, _h, page = desk.request("GET", "/handout/en/pressure", cookie=cookie)
    assert "Patient&#39;s email address" in page or "Patient's email address" in page
    # A title carrying <script> is shown as text.
    _s, _h, page = desk.request("GET", "/", cookie=cookie)
    assert "<script>alert(1)</script>" not in page
    assert "Sleep &lt;script&gt;alert(1)&lt;/script&gt; better" in page
    # Idle for longer than 15 minutes: signed out.
    desk.now[0] += 15 * 60 + 1
    _s, _h, page = desk.request("GET", "/handout/en/pressure", cookie=cookie)
    assert "Sign in" in page and "cuff" not in page
    # Five wrong passwords: the sixth try, even the right one, must wait.
    for _ in range(5):
        assert desk.sign_in(password="wrong")[0] == 401
    status, cookie = desk.sign_in()
    assert status == 429 and not cookie
    desk.now[0] += 15 * 60 + 1
    assert desk.sign_in()[0] == 303


def test_csrf_and_the_send_limit(desk: MailDesk) -> None:
    _status, cookie = desk.sign_in()
    form = {"to": "pat@example.org", "lang": "en", "edition": "standard"}
    status, _h, _p = desk.request("POST", "/handout/en/pressure/email", form, cookie=cookie)
    assert status == 403 and desk.mail.messages == []  # no CSRF token: nothing sent
    assert desk.desk.store.records() == []
    _s, _h, page = desk.request("GET", "/handout/en/pressure", cookie=cookie)
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    for _ in range(2):
        status, _h, page = desk.request(
            "POST", "/handout/en/pressure/email", {**form, "csrf": csrf}, cookie=cookie
        )
        assert "Sent" in page, page
    status, _h, page = desk.request(
        "POST", "/handout/en/pressure/email", {**form, "csrf": csrf}, cookie=cookie
    )
    assert status == 429 and "the most the clinic allows" in page
    assert len(desk.mail.messages) == 2 and len(desk.desk.store.records()) == 2


def test_a_refused_email_says_why_and_records_nothing(desk: MailDesk) -> None:
    _status, cookie = desk.sign_in()
    _s, _h, page = desk.request("GET", "/handout/en/pressure", cookie=cookie)
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    form = {"to": "a@b.org, c@d.org", "lang": "en", "edition": "standard", "csrf": csrf}
    _s, _h, page = desk.request("POST", "/handout/en/pressure/email", form, cookie=cookie)
    assert "Not sent. Nothing was recorded." in page
    assert desk.mail.messages == [] and desk.desk.store.records() == []


def axe_violations(page: Page) -> list[object]:
    """axe-core, loaded from the desk's own address (the test routes it there), so the
    desk's CSP (scripts from 'self' only) stays on while axe checks the page."""
    page.add_script_tag(url="/__axe.js")
    result: dict[str, list[dict[str, object]]] = page.evaluate("axe.run(document)")
    return [(v["id"], v["help"]) for v in result["violations"]]


def test_staff_sign_in_search_email_and_the_record(
    desk: MailDesk, page: Page, tmp_path: Path
) -> None:
    base = f"http://127.0.0.1:{desk.port}"
    shots = Path("/tmp/desk-shots")
    shots.mkdir(exist_ok=True)
    page.route(base + "/__axe.js", lambda route: route.fulfill(path=str(AXE)))
    page.goto(base + "/")
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / "signin.png"), full_page=True)
    page.get_by_label("Username").fill("nurse")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Search", exact=True).fill("cuff")
    expect(page.locator("#handout-pressure .match")).to_contain_text("Put the cuff on")
    expect(page.locator("#handout-sleep")).to_be_hidden()
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / "catalogue.png"), full_page=True)
    page.locator("#handout-pressure").get_by_role("link", name="Print or email").first.click()
    page.get_by_label("Patient's email address").fill("patient@example.org")
    page.get_by_label("Checked understanding with the patient (teach-back)").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Sent 'Checking your blood pressure'")
    page.screenshot(path=str(shots / "handout.png"), full_page=True)
    (message,) = desk.mail.messages
    assert message.rcpt_tos == ["patient@example.org"]
    (record,) = desk.desk.store.records()
    assert (record.user, record.handout, record.channel, record.teach_back) == (
        "nurse",
        "pressure",
        "email",
        True,
    )
    assert record.address_hash.startswith("hmac-sha256:")
    assert "patient" not in record.address_hash
    # An admin reads it back in the desk.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as boss.")).to_be_visible()  # on the catalogue
    page.get_by_role("link", name="Education record").click()
    expect(page.locator(".records tbody tr")).to_have_count(1)
    expect(page.locator(".records tbody")).to_contain_text("nurse")
    assert axe_violations(page) == []
    page.screenshot(path=str(shots / "records.png"), full_page=True)


def test_the_catalogue_page_says_who_is_signed_in_and_signs_out(desk: MailDesk) -> None:
    _status, cookie = desk.sign_in()
    status, _h, page = desk.request("GET", "/", cookie=cookie)
    assert status == 200 and "Signed in as nurse." in page
    assert "Education record" not in page  # front-desk staff do not see the record
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    status, _h, _page = desk.request("POST", "/signout", {"csrf": token}, cookie=cookie)
    assert status == 303
    _status, _h, page = desk.request("GET", "/", cookie=cookie)
    assert "Sign in" in page and "cuff" not in page


def test_allowed_host_names_reach_the_desk_and_no_others(tmp_path: Path) -> None:
    """Behind a TLS proxy, browsers send the proxy's name: `--allowed-host` lets exactly
    that name in, and every other name still gets 421 (DNS rebinding)."""
    root = tmp_path / "clinic"
    root.mkdir()
    (root / "handouts.toml").write_text(CONFIG)
    port = free_port()
    command = [sys.executable, "-m", "clinic_handouts", "desk", "--project", str(root)]
    bad = subprocess.run(
        [*command, "--allowed-host", "*.clinic.example"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "give a host name only" in bad.stderr
    server = subprocess.Popen(
        [*command, "--port", str(port), "--allowed-host", "Desk.Clinic.Example"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = Client(port)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _h, page = client.request("GET", "/signin", host="desk.clinic.example")
                break
            except OSError:
                assert time.monotonic() < deadline, "the desk did not start"
                time.sleep(0.1)
        assert status == 200 and "Sign in" in page
        status, _h, _page = client.request("GET", "/signin", host="desk.clinic.example:443")
        assert status == 200
        for other in ("evil.example", "desk.clinic.example.evil.example", "clinic.example"):
            status, _h, page = client.request("GET", "/signin", host=other)
            assert status == 421 and "Sign in" not in page, other
    finally:
        server.terminate()
        server.wait(10)
