"""Widget features of issue 12 in headless Chromium: 👍/👎 as their own button group, a long answer shown from its
start on a 390-pixel phone, "xem thêm" as an ordinary button, and a petition result shown at the next visit."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.analytics.ratings import RatedAnswer, rating_buttons
from bot.db import session_scope
from bot.feedback import handling
from bot.feedback.models import Petition
from bot.feedback.storage import PetitionDraft, submit_petition
from bot.feedback.validation import KIND_PHONE, Contact
from bot.web.app import WebConfig, create_app
from tests.web.test_widget_browser import CHROMIUM, browser, open_page, playwright_api  # noqa: F401  (fixture)
from tests.web.test_widget_browser import FakeRasa as BrowserFakeRasa

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")]

LONG_ANSWER = "\n".join(
    ["Đăng ký tạm trú (1.004194) — giấy tờ cần chuẩn bị:"]
    + [f"{i}. Giấy tờ số {i} theo quy định, bản chính hoặc bản sao có chứng thực." for i in range(1, 31)]
    + ["… và 3 giấy tờ khác (xem trang nguồn)", "Nguồn: https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc.html"]
)
RATING = rating_buttons(RatedAnswer("procedure", "1.004194", "documents", "00aa11bb22cc33dd"))


class FakeRasa:
    cors = BrowserFakeRasa.cors

    def __init__(self) -> None:
        self.requests: list[dict] = []

    async def webhook(self, request: web.Request) -> web.Response:
        if request.method == "OPTIONS":
            return web.Response(headers=self.cors)
        body = await request.json()
        self.requests.append(body)
        sender, message = body["sender"], body["message"]
        if message.startswith("/rate_answer"):
            reply = [{"recipient_id": sender, "text": "Cảm ơn anh/chị đã đánh giá."}]
        elif message == "/more":
            reply = [{"recipient_id": sender, "text": "Phần tiếp theo của câu trả lời."}]
        else:
            reply = [{"recipient_id": sender, "text": LONG_ANSWER,
                      "buttons": [{"title": "Xem thêm", "payload": "/more"}, *RATING]}]
        return web.json_response(reply, headers=self.cors)


@pytest.fixture
async def site(database: Path):
    fake = FakeRasa()
    rasa_app = web.Application()
    rasa_app.router.add_route("*", "/webhooks/rest/webhook", fake.webhook)
    rasa = TestServer(rasa_app, host="127.0.0.1")
    await rasa.start_server()
    page_server = TestServer(create_app(WebConfig(widget_rasa_url=str(rasa.make_url("")).rstrip("/"),
                                                  notice_interval=0), with_admin=False), host="127.0.0.1")
    await page_server.start_server()
    yield fake, str(page_server.make_url("/"))
    await page_server.close()
    await rasa.close()


async def test_long_answer_starts_at_its_first_line_and_rating_keeps_xem_them(site, browser) -> None:  # noqa: F811
    fake, url = site
    context, page = await open_page(browser, url, viewport={"width": 390, "height": 844}, is_mobile=True,
                                    has_touch=True)
    await page.get_by_role("button", name="Mở trợ lý hỏi đáp thủ tục hành chính").click()
    field = page.get_by_label("Câu hỏi của anh/chị")
    await field.fill("đăng ký tạm trú cần giấy tờ gì")
    await field.press("Enter")
    log = page.get_by_role("log", name="Nội dung trò chuyện")
    answer = log.locator(".qtw-msg-bot").last
    await playwright_api.expect(answer).to_contain_text("Đăng ký tạm trú (1.004194)")
    log_box, answer_box = await log.bounding_box(), await answer.bounding_box()
    assert answer_box["height"] > log_box["height"]  # longer than the screen…
    assert log_box["y"] <= answer_box["y"] < log_box["y"] + 40  # …and its first line is what shows
    source = answer.get_by_role("link")
    assert not await source.is_visible() or (await source.bounding_box())["y"] > log_box["y"] + log_box["height"]

    rating = page.get_by_role("group", name="Đánh giá câu trả lời")
    await playwright_api.expect(rating.get_by_role("button")).to_have_count(2)
    await rating.get_by_role("button", name="Câu trả lời sai hoặc chưa đúng").tap()
    await playwright_api.expect(log.locator(".qtw-msg-bot").last).to_have_text("Trợ lý: Cảm ơn anh/chị đã đánh giá.")
    await playwright_api.expect(rating.get_by_role("button").first).to_be_disabled()
    more = page.get_by_role("button", name="Xem thêm")
    await playwright_api.expect(more).to_be_enabled()  # rating did not disable the answer's own buttons
    await more.tap()
    await playwright_api.expect(log.locator(".qtw-msg-bot").last).to_have_text("Trợ lý: Phần tiếp theo của câu trả lời.")
    assert [r["message"] for r in fake.requests] == ["đăng ký tạm trú cần giấy tờ gì", RATING[1]["payload"], "/more"]
    await context.close()


async def test_petition_result_is_shown_at_the_next_visit_in_the_same_browser(site, browser) -> None:  # noqa: F811
    _, url = site
    context, page = await open_page(browser, url, viewport={"width": 390, "height": 844})
    await page.get_by_role("button", name="Mở trợ lý hỏi đáp thủ tục hành chính").click()
    await page.get_by_label("Câu hỏi của anh/chị").fill("tôi muốn phản ánh")
    await page.get_by_label("Câu hỏi của anh/chị").press("Enter")
    await playwright_api.expect(page.get_by_role("log")).to_contain_text("1.004194")
    sender = await page.evaluate("localStorage.getItem('qtw-sender-id')")

    draft = PetitionDraft(full_name="Phan Thị E", address="Hướng Hóa", contact=Contact(KIND_PHONE, "0905777666"),
                          content="Cán bộ hẹn lại nhiều lần không có lý do", subject="Hộ tịch")
    code = submit_petition(draft=draft, conversation_id=sender, consent_version="t").tracking_code
    with session_scope() as s:
        petition = s.execute(select(Petition).where(Petition.tracking_code == code)).scalar_one()
        handling.apply_change(session=s, petition=petition, actor="canbo", change=handling.HandlingChange(
            status="answered", answer_text="Đã nhắc nhở cán bộ và trả kết quả cho chị."))

    await page.reload()
    bubble = page.get_by_role("button", name="Mở trợ lý hỏi đáp thủ tục hành chính. Có kết quả phản ánh, kiến nghị của anh/chị")
    await playwright_api.expect(bubble).to_contain_text("1")
    await bubble.click()
    notice = page.locator(".qtw-notice")
    await playwright_api.expect(notice).to_contain_text(code)
    await playwright_api.expect(notice).to_contain_text("Đã nhắc nhở cán bộ và trả kết quả cho chị.")
    await page.reload()  # delivered once only
    await page.get_by_role("button", name="Mở trợ lý hỏi đáp thủ tục hành chính").click()
    await playwright_api.expect(page.locator(".qtw-notice")).to_have_count(0)
    await context.close()


async def test_notices_endpoint_validates_and_answers_cross_origin(database: Path) -> None:
    async with TestClient(TestServer(create_app(WebConfig(notice_interval=0), with_admin=False))) as client:
        preflight = await client.options("/widget/api/notices")
        assert preflight.headers["Access-Control-Allow-Origin"] == "*"
        assert (await client.post("/widget/api/notices", json={"sender": "tg:1"})).status == 400
        assert (await client.post("/widget/api/notices", data="x")).status == 400
        ok = await client.post("/widget/api/notices", json={"sender": "web:" + "ab" * 10})
        assert ok.status == 200 and await ok.json() == []
