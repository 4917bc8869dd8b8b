"""Petition results reach the citizen: pushed into the Telegram chat (fake Bot API on loopback), held for a
Zalo message outside the OA's window, and handed over at the next contact."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.channels.config import TelegramConfig
from bot.db import session_scope
from bot.feedback import delivery, handling
from bot.feedback.models import NOTICE_PENDING, NOTICE_SENT, Petition, PetitionNotice
from bot.feedback.storage import PetitionDraft, submit_petition
from bot.feedback.validation import KIND_PHONE, Contact
from tests.channels.channel_fakes import FakeBotApi, serve

ANSWER = "UBND xã đã hướng dẫn lại thủ tục, không yêu cầu thêm giấy tờ."


def _answered(sender: str) -> str:
    draft = PetitionDraft(full_name="Trần Thị Bình", address="Quảng Ninh", contact=Contact(KIND_PHONE, "0912345678"),
                          content="Bộ phận một cửa hẹn trả kết quả quá lâu", subject="Chứng thực")
    code = submit_petition(draft=draft, conversation_id=sender, consent_version="t").tracking_code
    with session_scope() as s:
        p = s.execute(select(Petition).where(Petition.tracking_code == code)).scalar_one()
        handling.apply_change(session=s, petition=p, actor="canbo",
                              change=handling.HandlingChange(status="answered", answer_text=ANSWER))
    return code


def _notice() -> PetitionNotice:
    with session_scope() as s:
        row = s.execute(select(PetitionNotice)).scalar_one()
        s.expunge(row)
        return row


async def test_telegram_result_is_pushed_into_the_chat(database: Engine) -> None:
    fake = FakeBotApi()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    fake.server = await serve(app)
    try:
        code = _answered("tg:987654")
        pusher = delivery.TelegramPusher(TelegramConfig(token=FakeBotApi.TOKEN, api_base_url=fake.base_url))
        report = await delivery.push_pending([pusher])
        assert (report.sent, report.failed) == (1, [])
        [sent] = fake.calls_to("sendMessage")
        assert int(sent["chat_id"]) == 987654
        assert code in sent["text"] and ANSWER in sent["text"]
        notice = _notice()
        assert (notice.status, notice.address, notice.attempts) == (NOTICE_SENT, "", 1)
        # Already delivered: a second round sends nothing.
        assert (await delivery.push_pending([pusher])).sent == 0
        assert len(fake.calls_to("sendMessage")) == 1
    finally:
        await fake.server.close()


class RefusingZalo:
    """A Zalo push outside the OA's messaging window (the API answers -213)."""

    channel = "zalo"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def push(self, address: str, text: str) -> bool:
        self.calls.append((address, text))
        return False


async def test_zalo_outside_the_window_waits_for_the_next_message(database: Engine) -> None:
    code = _answered("zalo:5551234")
    zalo = RefusingZalo()
    report = await delivery.push_pending([zalo])
    assert (report.sent, report.waiting) == (0, 1)
    assert (await delivery.push_pending([zalo])).waiting == 0  # not retried by push: it waits for the citizen
    assert len(zalo.calls) == 1
    assert _notice().status == NOTICE_PENDING

    sent: list[str] = []

    async def reply(text: str) -> None:
        sent.append(text)

    assert await delivery.hand_over("zalo:5551234", reply) == 1
    assert code in sent[0] and ANSWER in sent[0]
    assert await delivery.hand_over("zalo:5551234", reply) == 0  # only once
    assert _notice().status == NOTICE_SENT


async def test_web_widget_result_waits_for_the_same_browser(database: Engine) -> None:
    _answered("web:" + "c0" * 12)
    assert delivery.take_for_sender("web:" + "d1" * 12) == []  # another browser sees nothing
    [text] = delivery.take_for_sender("web:" + "c0" * 12)
    assert ANSWER in text
    assert delivery.take_for_sender("web:" + "c0" * 12) == []


async def test_failed_push_is_retried_later(database: Engine) -> None:
    _answered("tg:1")

    class Down:
        channel = "telegram"

        async def push(self, address: str, text: str) -> bool:
            raise OSError("connection refused")

    report = await delivery.push_pending([Down()])
    assert report.failed == ["OSError"]
    notice = _notice()
    assert (notice.status, notice.attempts, notice.last_error) == (NOTICE_PENDING, 1, "OSError")
    assert notice.address == "tg:1"


def test_reopened_and_answered_again_replaces_the_undelivered_notice(database: Engine) -> None:
    code = _answered("tg:77")
    with session_scope() as s:
        p = s.execute(select(Petition).where(Petition.tracking_code == code)).scalar_one()
        handling.apply_change(session=s, petition=p, actor="canbo", change=handling.HandlingChange(status="processing"))
        handling.apply_change(session=s, petition=p, actor="canbo", now=dt.datetime(2026, 12, 5),
                              change=handling.HandlingChange(status="answered", answer_text="Trả lời bổ sung."))
        rows = list(s.execute(select(PetitionNotice).order_by(PetitionNotice.id)).scalars())
        assert [(r.status, r.last_error) for r in rows] == [("failed", "superseded"), ("pending", "")]
        assert "Trả lời bổ sung." in rows[1].text
