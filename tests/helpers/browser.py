"""One headless Chromium (Debian's, driven by Playwright) for the whole test session, a
fresh page per test, axe-core, and the catalogue cards a person sees. The fixtures are
registered in tests/conftest.py so the catalogue's and the desk's browser tests share one
browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.helpers.repo_project import REPO

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and quiet: this machine's network is closed, so nothing may phone home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = REPO / "tests/node_modules/axe-core/axe.min.js"
WAIT_MS = 20_000  # an upper bound for a rebuild and a reload, not a speed requirement


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run 'make test' (or tools/system-packages.sh test)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


def visible_cards(page: Page) -> list[str]:
    """The ids of the catalogue cards a person sees (the search hides the others)."""
    ids: list[str] = page.eval_on_selector_all(
        ".card", "cards => cards.filter(c => !c.hidden).map(c => c.id)"
    )
    return ids


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds wrong with the open page: rule, help and the elements."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run 'make test' (or npm ci --prefix tests)")
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate("axe.run(document)")
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
