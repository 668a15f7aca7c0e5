"""The explorer in a real browser: Debian's Chromium, driven by Playwright (no browser download),
against `owl serve`'s application on a real port. An analyst opens Innotrac on 20 Nov 2003,
moves the date to 24 Nov and sees the cap and the verdict change, follows the IPOF Group's
shares to the events behind them, and the page is photographed. Without /usr/bin/chromium
(`apt-get install -y chromium`) this skips, unless OWL_REQUIRE_BROWSER=1 (as in CI)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from owl.cli.serve import app
from owl.projections.application.api import Ledger

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def served(sqlite_url: str) -> Iterator[str]:
    import uvicorn

    ledger = Ledger(sqlite_url)
    ledger.init()
    ledger.ingest(
        str(ROOT / "data" / "innotrac" / "events.jsonl"), recorded_at="2026-11-29T00:00:00Z"
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app(ledger, None, "9.9.9"), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the explorer did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    ledger.close()


def test_an_analyst_moves_the_date_and_follows_a_number_to_its_events(
    served: str, tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("OWL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing (apt-get install -y chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    shot = tmp_path / "explorer.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(f"{served}/issuer/INOC?as_of=2003-11-20")
        before = page.locator("p.verdict").inner_text()

        page.fill("#as_of", "2003-11-24")
        page.click("text=Show")
        page.wait_for_url("**as_of=2003-11-24**")
        after = page.locator("p.verdict").inner_text()
        cap = page.locator("table tbody tr").first.inner_text()
        page.screenshot(path=str(shot), full_page=True)

        page.click("text=2,800,500")
        page.wait_for_url("**/explain?**")
        heading = page.locator("h1").inner_text()
        seqs = page.locator("a[href^='/event/']").all_inner_texts()
        page.click("a[href='/event/10']")
        event = page.locator("h1").inner_text()
        browser.close()

    assert (
        "IPOF Group holds 20.2605%: exempt unless it holds more than 25% (Amendment No. 2)"
        in before
    )
    assert (
        "IPOF Group holds 24.0138%: exempt unless it holds more than 40% (Amendment No. 3)" in after
    )
    assert "No one is an Acquiring Person." in after
    assert "24.0138%" in cap and "more than 40%" in cap
    assert heading == "Why IPOF Group is exempt"
    assert {"9", "10"} <= set(seqs)
    assert event == "Event 10: HoldingReported"
    assert shot.stat().st_size > 50_000  # the page, the table and the chart, not a blank image
