"""End-to-end for issue 12, in a real browser against the real bot (Rasa + actions) and the real web app:

1. a citizen rates an answer 👎 in the web widget on a phone, and the dashboard's worst-rated list shows that
   procedure with a link to edit it;
2. a petition sent through the bot from a Telegram chat is assigned and answered in the admin; the citizen's
   status lookup shows the answer, the fake Bot API on loopback receives the result in that chat, and the
   monthly report lists the petition.

Screenshots at 1280×800 and 390×844 are taken on every run; with UPDATE_SCREENSHOTS=1 they replace the
committed ones in docs/screenshots/ (the layout is also checked: no page-wide horizontal scrolling on the phone).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from tests.channels.channel_fakes import FakeBotApi, serve
from tests.e2e.stack import ROOT
from tests.e2e.stack import web_server as serve_web

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]
PASSWORD = "mat-khau-staff-789"
USER = "truongphong"
SHOTS = ROOT / "docs" / "screenshots" if os.environ.get("UPDATE_SCREENSHOTS") else Path(tempfile.gettempdir()) / "staff-shots"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
CODE = re.compile(r"PA-[0-9A-Z]{4}-[0-9A-Z]{4}")
CHAT = 777001
ANSWER = "UBND xã đã bỏ yêu cầu nộp thêm giấy xác nhận cư trú và xin lỗi anh."
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class ThreadedBotApi:
    """The loopback fake Telegram Bot API, served from its own event loop so sync tests can use it."""

    def __init__(self) -> None:
        self.fake = FakeBotApi()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.fake.handle)
        self.fake.server = asyncio.run_coroutine_threadsafe(serve(app), self.loop).result(10)

    def close(self) -> None:
        assert self.fake.server is not None
        asyncio.run_coroutine_threadsafe(self.fake.server.close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="module")
def bot_api() -> Iterator[FakeBotApi]:
    server = ThreadedBotApi()
    yield server.fake
    server.close()


@pytest.fixture(scope="module")
def web_server(stack, bot_api, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """bot.web (widget + admin) on the e2e database, pushing Telegram results to the fake Bot API."""
    subprocess.run(
        [sys.executable, "-m", "bot.admin.cli", "create-user", USER, "--role", "staff", "--password-stdin"],
        input=PASSWORD + "\n", text=True, cwd=ROOT, env=stack.env, check=True,
    )
    log = tmp_path_factory.mktemp("staffweb") / "web.log"
    env = {**stack.env, "WIDGET_RASA_URL": stack.rasa_url, "TELEGRAM_BOT_TOKEN": FakeBotApi.TOKEN,
           "TELEGRAM_API_BASE_URL": bot_api.base_url, "PETITION_NOTICE_INTERVAL": "600"}
    with serve_web(env, stack.web_port, log) as url:
        yield url


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _page(browser, viewport: dict[str, int], **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="vi-VN", viewport=viewport, **options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.route("https://sp.zalo.me/**", lambda route: route.abort())
    return page


def _login(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/admin/login")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Trang chính")


def _no_page_scrolling_sideways(page) -> None:  # type: ignore[no-untyped-def]
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page is {overflow}px wider than the screen"


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=False)
    assert (SHOTS / name).stat().st_size > 10_000


def test_citizen_rates_down_in_the_widget_and_the_dashboard_shows_it(stack, web_server, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = _page(browser, PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{web_server}/")
    page.get_by_role("button", name="Mở trợ lý hỏi đáp thủ tục hành chính").click()
    field = page.get_by_label("Câu hỏi của anh/chị")
    field.fill("đăng ký tạm trú cần giấy tờ gì")
    field.press("Enter")
    down = page.get_by_role("button", name="Câu trả lời sai hoặc chưa đúng")
    expect(down).to_be_visible()
    log = page.get_by_role("log", name="Nội dung trò chuyện")
    answer = log.locator(".qtw-msg-bot").last
    expect(answer).to_contain_text("1.004194")
    # The start of the answer is in view (a long answer is scrolled to its first line, not its last).
    log_box, answer_box = log.bounding_box(), answer.bounding_box()
    assert log_box and answer_box and log_box["y"] <= answer_box["y"] < log_box["y"] + log_box["height"] - 20
    _shot(page, "widget-answer-390.png")

    down.tap()
    expect(log).to_contain_text("Sai ở đâu?")
    page.get_by_role("button", name="Thiếu điều tôi cần").tap()
    expect(log.locator(".qtw-msg-bot").last).to_have_text("Trợ lý: Cảm ơn anh/chị. Cán bộ sẽ xem lại câu trả lời này.")
    page.context.close()

    for viewport, suffix in ((LAPTOP, "1280"), (PHONE, "390")):
        admin = _page(browser, viewport)
        _login(admin, web_server)
        ratings = admin.locator("#dash-ratings")
        first = ratings.locator("tbody tr").first
        expect(first).to_contain_text("1.004194")
        expect(first).to_contain_text("Thiếu điều tôi cần 1")
        assert first.locator("td").nth(3).inner_text() == "1"  # one 👎
        if viewport is PHONE:
            _no_page_scrolling_sideways(admin)
            nav_box = admin.get_by_role("navigation").bounding_box()
            h1_box = admin.locator("h1").bounding_box()
            assert nav_box and h1_box and nav_box["y"] + nav_box["height"] <= h1_box["y"]  # the menu never covers it
            search = admin.locator("form.searchbar")
            input_box, button_box = search.locator("input").bounding_box(), search.locator("button").bounding_box()
            assert input_box and button_box and abs(input_box["y"] - button_box["y"]) < 10  # same line
        _shot(admin, f"admin-dashboard-{suffix}.png")
        ratings.scroll_into_view_if_needed()
        _shot(admin, f"admin-ratings-{suffix}.png")
        first.get_by_role("link", name="Sửa").click()
        expect(admin.locator("h1")).to_contain_text("1.004194")
        admin.context.close()


def _petition_from_telegram(stack) -> str:  # type: ignore[no-untyped-def]
    who = f"tg:{CHAT}"
    assert "91/2025/QH15" in stack.reply_text("tôi muốn phản ánh", sender=who)
    stack.reply_text("đồng ý", sender=who)
    stack.reply_text("Cán bộ xã yêu cầu nộp thêm giấy xác nhận cư trú dù tôi đã có căn cước gắn chip", sender=who)
    stack.reply_text("đăng ký thường trú", sender=who)
    stack.reply_text("Nguyễn Văn An", sender=who)
    stack.reply_text("thôn Tây, xã Gio Linh", sender=who)
    assert "kiểm tra lại" in stack.reply_text("0905 123 456", sender=who)
    match = CODE.search(stack.reply_text("đồng ý", sender=who))
    assert match
    return match.group(0)


def test_petition_assigned_answered_notified_looked_up_and_reported(stack, web_server, bot_api, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    code = _petition_from_telegram(stack)
    today = dt.datetime.now(dt.timezone.utc).date()

    page = _page(browser, LAPTOP)
    _login(page, web_server)
    page.get_by_role("link", name="Phản ánh, kiến nghị").click()
    page.get_by_role("link", name=code).click()
    form = page.locator("#handling")
    form.get_by_label("Trạng thái").select_option(label="Đang xử lý")
    form.get_by_label("Cơ quan xử lý").fill("UBND xã Gio Linh")
    form.get_by_label("Cán bộ xử lý").select_option(USER)
    form.get_by_label("Hạn trả lời").fill((today + dt.timedelta(days=10)).isoformat())
    form.get_by_role("button", name="Lưu xử lý").click()
    expect(page.get_by_role("status")).to_have_text("Đã cập nhật.")
    expect(page.locator(".status")).to_have_text("Đang xử lý")

    form.get_by_label("Trạng thái").select_option(label="Đã trả lời")
    form.get_by_label("Nội dung trả lời").fill(ANSWER)
    form.get_by_role("button", name="Lưu xử lý").click()
    expect(page.get_by_role("status")).to_have_text("Đã cập nhật. Đã gửi kết quả vào cuộc trò chuyện của người dân.")
    _shot(page, "admin-petition-1280.png")

    # The result reached the Telegram chat through the (fake) Bot API.
    pushed = [c for c in bot_api.calls_to("sendMessage") if int(c["chat_id"]) == CHAT]
    assert len(pushed) == 1 and code in pushed[0]["text"] and ANSWER in pushed[0]["text"]

    # The citizen's own lookup shows the answer (the whole reply of the turn).
    messages = stack.chat(f"tra cứu phản ánh {code} 0905123456", sender=f"tg:{CHAT}")
    assert [m.get("text") for m in messages] == [
        f"Phản ánh {code} (tiếp nhận ngày {today:%d/%m/%Y}): Đã có kết quả xử lý, trả lời. "
        f"Cập nhật lần cuối ngày {today:%d/%m/%Y}.\nTrả lời của cơ quan xử lý: {ANSWER}"
    ]

    page.goto(f"{web_server}/admin/reports/monthly?month={today:%Y-%m}")
    row = page.locator("#report-list tbody tr", has_text=code)
    expect(row).to_contain_text("Đã trả lời")
    expect(row).to_contain_text("Đúng hạn")
    expect(row).to_contain_text("UBND xã Gio Linh")
    _shot(page, "admin-report-1280.png")
    xlsx = page.request.get(f"{web_server}/admin/reports/monthly.xlsx?month={today:%Y-%m}")
    assert xlsx.ok and xlsx.body()[:2] == b"PK"
    page.context.close()

    phone = _page(browser, PHONE)
    _login(phone, web_server)
    phone.goto(f"{web_server}/admin/petitions/{code}")
    _no_page_scrolling_sideways(phone)
    _shot(phone, "admin-petition-390.png")
    phone.goto(f"{web_server}/admin/reports/monthly?month={today:%Y-%m}")
    _no_page_scrolling_sideways(phone)
    _shot(phone, "admin-report-390.png")
    phone.context.close()
