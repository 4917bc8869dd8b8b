"""The real admin in headless Chromium: log in, change a fee, and the database row changes.

The lead extends this into the full scenario (then ask the bot and see the new fee) in tests/e2e.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot import db
from bot.knowledge.models import ChannelOption
from bot.settings import PROJECT_ROOT
from tests.admin.admin_helpers import PASSWORD, admin_change_fee

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def admin_server(database: Path, users: dict[str, str], procedure: dict[str, int]) -> Iterator[str]:
    """``python -m bot.admin`` on a free port, using the test database."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "bot.admin", "--port", str(port)], cwd=str(PROJECT_ROOT),
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/admin/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("admin server did not start")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_staff_changes_a_fee_in_the_browser(admin_server: str, procedure: dict[str, int]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(20_000)
            page.goto(f"{admin_server}/admin/training")
            assert "/admin/login" in page.url  # anonymous: sent to the login page
            admin_change_fee(page, admin_server, username="canbo", password=PASSWORD, code="1.004222",
                             channel="truc_tiep", amount="35.000")
            page.goto(f"{admin_server}/admin/training")
            assert page.locator("text=không có quyền").count() == 1  # staff role: refused
        finally:
            browser.close()
    with db.session_scope() as s:
        option = s.get(ChannelOption, procedure["in_person"])
        assert (option.fee_kind, option.fee_amount) == ("amount", 35000)
