"""Helpers shared by the admin tests (log in through the form, read CSRF tokens from pages)."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

PASSWORD = "mat-khau-thu-123"

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


async def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the CSRF token of the logged-in session."""
    page = await client.get("/admin/login")
    resp = await client.post("/admin/login", data={
        "csrf_token": csrf_from(await page.text()), "username": username, "password": password, "next": "/admin/",
    }, allow_redirects=False)
    assert resp.status == 302, await resp.text()
    home = await client.get("/admin/")
    assert home.status == 200
    return csrf_from(await home.text())


def admin_change_fee(page, base: str, *, username: str, password: str, code: str, channel: str, amount: str) -> None:  # noqa: ANN001
    """Log in, find the procedure by code, set a channel's fee. Reused by the end-to-end scenario."""
    page.goto(f"{base}/admin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Trang chính")
    page.fill("input[name=q]", code)
    page.click("form[action$='/procedures'] button[type=submit]")
    page.click(f"text={code}")
    form = page.locator(f"form[data-channel={channel}]")
    form.locator("select[name=fee_kind]").select_option("amount")
    form.locator("input[name=fee_amount]").fill(amount)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=Đã lưu thời gian và phí.")
