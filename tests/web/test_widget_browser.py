"""The chat widget in headless Chromium against a fake Rasa REST endpoint (cross-origin, like --cors "*")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.web.app import WebConfig, create_app

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
INJECTION = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]
playwright_api = pytest.importorskip(
    "playwright.async_api", reason="needs the playwright package (dev extra)"
)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class FakeRasa:
    def __init__(self) -> None:
        self.requests: list[dict] = []

    async def webhook(self, request: web.Request) -> web.Response:
        if request.method == "OPTIONS":
            return web.Response(headers=self.cors)
        body = await request.json()
        self.requests.append(body)
        message = body["message"]
        sender = body["sender"]
        if message == "/chon_giay_to":
            reply = [{"recipient_id": sender, "text": "Giấy tờ cần nộp: tờ khai, giấy chứng sinh (bản thử)."}]
        elif "<" in message:
            reply = [
                {"recipient_id": sender, "text": f"Bạn hỏi: {message}"},
                {
                    "recipient_id": sender,
                    "text": INJECTION,
                    "buttons": [{"title": "<b>Chọn</b>", "payload": "/chon_html"}],
                },
            ]
        else:
            reply = [
                {"recipient_id": sender, "text": f"Bạn hỏi: {message}"},
                {
                    "recipient_id": sender,
                    "text": "Thủ tục đăng ký khai sinh (cấp xã). Xem thêm https://dichvucong.gov.vn/p/home.html.",
                    "buttons": [
                        {"title": "Giấy tờ cần nộp", "payload": "/chon_giay_to"},
                        {"title": "Lệ phí", "payload": "/chon_le_phi"},
                    ],
                },
            ]
        return web.json_response(reply, headers=self.cors)

    cors = {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type",
    }


@pytest.fixture
async def servers():
    fake = FakeRasa()
    rasa_app = web.Application()
    rasa_app.router.add_route("*", "/webhooks/rest/webhook", fake.webhook)
    rasa_server = TestServer(rasa_app, host="127.0.0.1")
    await rasa_server.start_server()
    rasa_url = str(rasa_server.make_url("")).rstrip("/")
    site = TestServer(
        create_app(WebConfig(widget_rasa_url=rasa_url, zalo_oa_id="1234567890"), with_admin=False),
        host="127.0.0.1",
    )
    await site.start_server()
    yield fake, str(site.make_url("/"))
    await site.close()
    await rasa_server.close()


@pytest.fixture
async def browser():
    async with playwright_api.async_playwright() as p:
        instance = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield instance
        await instance.close()


async def open_page(browser, url: str, **context_options):
    context = await browser.new_context(locale="vi-VN", **context_options)
    page = await context.new_page()
    # No internet in tests: Zalo's SDK must not be fetched.
    await page.route("https://sp.zalo.me/**", lambda route: route.abort())
    await page.goto(url)
    return context, page


async def test_ask_see_answer_click_button_without_xss(servers, browser, tmp_path):
    fake, url = servers
    context, page = await open_page(browser, url, viewport={"width": 1280, "height": 800})
    bubble = page.get_by_role("button", name="Mở trợ lý hỏi đáp thủ tục hành chính")
    await bubble.click()
    log = page.get_by_role("log", name="Nội dung trò chuyện")
    field = page.get_by_label("Câu hỏi của anh/chị")
    await playwright_api.expect(field).to_be_focused()
    await playwright_api.expect(log).to_contain_text("Xin chào!")

    await field.fill("lệ phí khai sinh")
    await field.press("Enter")
    await playwright_api.expect(log).to_contain_text("Bạn hỏi: lệ phí khai sinh")
    link = log.get_by_role("link", name="https://dichvucong.gov.vn/p/home.html")
    await playwright_api.expect(link).to_have_attribute("href", "https://dichvucong.gov.vn/p/home.html")
    await playwright_api.expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")

    choice = page.get_by_role("button", name="Giấy tờ cần nộp")
    await choice.click()
    await playwright_api.expect(log).to_contain_text("Giấy tờ cần nộp: tờ khai")
    await playwright_api.expect(choice).to_be_disabled()
    await playwright_api.expect(log.locator(".qtw-msg-user").last).to_have_text("Anh/chị: Giấy tờ cần nộp")

    target = (
        REPO / "docs" / "widget.png"
        if os.environ.get("UPDATE_WIDGET_SCREENSHOT")
        else tmp_path / "widget.png"
    )
    await page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000

    # HTML typed by the user or sent by the bot is shown as text and never parsed.
    await field.fill(INJECTION)
    await page.get_by_role("button", name="Gửi").click()
    await playwright_api.expect(log.locator(".qtw-msg-user").last).to_have_text(f"Anh/chị: {INJECTION}")
    await playwright_api.expect(log).to_contain_text(f"Bạn hỏi: {INJECTION}")
    await playwright_api.expect(log.locator(".qtw-msg-bot").last).to_have_text(f"Trợ lý: {INJECTION}")
    await page.get_by_role("button", name="<b>Chọn</b>").click()
    await playwright_api.expect(log.locator(".qtw-msg-user").last).to_have_text("Anh/chị: <b>Chọn</b>")
    assert await log.locator("img[src=x], script, b").count() == 0
    assert await page.evaluate("window.__xss") is None

    sender = await page.evaluate("localStorage.getItem('qtw-sender-id')")
    assert sender.startswith("web:")
    assert [r["message"] for r in fake.requests] == [
        "lệ phí khai sinh",
        "/chon_giay_to",
        INJECTION,
        "/chon_html",
    ]
    assert {r["sender"] for r in fake.requests} == {sender}

    # Escape closes the panel and gives focus back to the bubble.
    await field.press("Escape")
    await playwright_api.expect(log).to_be_hidden()
    await playwright_api.expect(bubble).to_be_focused()
    await context.close()


async def test_same_sender_after_reload_and_usable_on_a_phone(servers, browser):
    fake, url = servers
    context, page = await open_page(
        browser, url, viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    await page.get_by_role("button", name="Mở trợ lý hỏi đáp thủ tục hành chính").click()
    panel = page.get_by_role("dialog")
    box = await panel.bounding_box()
    assert box is not None and box["width"] >= 370 and box["height"] >= 600
    field = page.get_by_label("Câu hỏi của anh/chị")
    await field.fill("xin chào")
    await page.get_by_role("button", name="Gửi").tap()
    await playwright_api.expect(page.get_by_role("log")).to_contain_text("Bạn hỏi: xin chào")

    await page.reload()
    await page.get_by_role("button", name="Mở trợ lý hỏi đáp thủ tục hành chính").click()
    await page.get_by_label("Câu hỏi của anh/chị").fill("lần hai")
    await page.get_by_label("Câu hỏi của anh/chị").press("Enter")
    await playwright_api.expect(page.get_by_role("log")).to_contain_text("Bạn hỏi: lần hai")
    assert fake.requests[0]["sender"] == fake.requests[1]["sender"]
    await context.close()


async def test_rasa_down_shows_polite_message(browser, unused_tcp_port):
    site = TestServer(
        create_app(WebConfig(widget_rasa_url=f"http://127.0.0.1:{unused_tcp_port}"), with_admin=False),
        host="127.0.0.1",
    )
    await site.start_server()
    try:
        context, page = await open_page(browser, str(site.make_url("/")))
        await page.get_by_role("button", name="Mở trợ lý hỏi đáp thủ tục hành chính").click()
        field = page.get_by_label("Câu hỏi của anh/chị")
        await field.fill("xin chào")
        await field.press("Enter")
        await playwright_api.expect(page.get_by_role("log")).to_contain_text("hệ thống đang bận")
        await context.close()
    finally:
        await site.close()
