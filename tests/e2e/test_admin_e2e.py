"""End-to-end: a fee changed in the staff admin (real browser) is what the bot answers next."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.admin.admin_helpers import admin_change_fee
from tests.e2e.stack import ROOT
from tests.e2e.stack import web_server as serve_web

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]
PASSWORD = "mat-khau-e2e-456"


@pytest.fixture(scope="module")
def web_server(stack, tmp_path_factory) -> Iterator[str]:
    """bot.web (widget + admin) on the e2e knowledge base, with one staff user."""
    subprocess.run(
        [sys.executable, "-m", "bot.admin.cli", "create-user", "canbo", "--role", "staff", "--password-stdin"],
        input=PASSWORD + "\n", text=True, cwd=ROOT, env=stack.env, check=True,
    )
    log = tmp_path_factory.mktemp("web") / "web.log"
    with serve_web({**stack.env, "WIDGET_RASA_URL": stack.rasa_url}, stack.web_port, log) as url:
        yield url


def test_fee_edited_in_the_admin_is_what_the_bot_answers(stack, web_server):
    from playwright.sync_api import sync_playwright

    before = stack.reply_text("đăng ký tạm trú lệ phí bao nhiêu", sender="admin-e2e-before")
    assert "1.004194" in before and "12.345 đồng" not in before
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        try:
            page = browser.new_page()
            admin_change_fee(page, web_server, username="canbo", password=PASSWORD, code="1.004194",
                             channel="truc_tiep", amount="12345")
        finally:
            browser.close()
    after = stack.reply_text("đăng ký tạm trú lệ phí bao nhiêu", sender="admin-e2e-after")
    assert "Trực tiếp: 12.345 đồng" in after, after


def test_anonymous_admin_request_is_refused(stack, web_server):
    import httpx

    response = httpx.get(f"{web_server}/admin/procedures", follow_redirects=False, timeout=10)
    assert response.status_code in (302, 303, 401, 403)
    if response.status_code in (302, 303):
        assert "/admin/login" in response.headers["location"]
    assert httpx.post(f"{web_server}/admin/procedures/1", data={}, timeout=10).status_code in (401, 403)
