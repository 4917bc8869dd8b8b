"""The Telegram bridge with the real python-telegram-bot against a fake Bot API and a fake Rasa."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from telegram import Update

from bot.channels.config import TelegramConfig
from bot.channels.render import BUSY_TEXT, RATE_LIMIT_TEXT
from bot.channels.state import MemoryState
from bot.channels.telegram import EXPIRED_TEXT, START_TEXT, build_application, webhook_app
from tests.channels.channel_fakes import CHAT_ID, FakeBotApi, FakeRasa, callback_update, text_update, wait_for

SECRET = "s3cret-token-for-tests-0123456789"


def make_config(bot_api: FakeBotApi, rasa_url: str, **overrides) -> TelegramConfig:
    values = dict(
        token=FakeBotApi.TOKEN,
        api_base_url=bot_api.base_url,
        rasa_url=rasa_url,
        rasa_timeout=3.0,
        rate_limit=100,
        rate_window=60.0,
        mode="webhook",
        webhook_url="https://bot.example.test/telegram/webhook",
        webhook_secret=SECRET,
        bridge_secret=FakeRasa.SECRET,
    )
    values.update(overrides)
    return TelegramConfig(**values)


@pytest.fixture
async def app_factory(bot_api, rasa):
    apps = []

    async def make(state=None, **overrides):
        application = build_application(make_config(bot_api, rasa.url, **overrides), state=state)
        await application.initialize()
        await application.post_init(application)
        apps.append(application)
        return application

    yield make
    for application in apps:
        await application.post_shutdown(application)
        await application.shutdown()


async def feed(application, data: dict) -> None:
    await application.process_update(Update.de_json(data, application.bot))


def sent_texts(bot_api: FakeBotApi) -> list[str]:
    return [c["text"] for c in bot_api.calls_to("sendMessage")]


async def test_text_goes_to_rasa_with_namespaced_sender_and_reply_comes_back(app_factory, bot_api, rasa):
    application = await app_factory()
    await feed(application, text_update(1, "làm căn cước ở đâu"))
    assert rasa.requests == [{"sender": f"tg:{CHAT_ID}", "message": "làm căn cước ở đâu"}]
    assert sent_texts(bot_api) == ["Bạn hỏi: làm căn cước ở đâu"]
    assert bot_api.calls_to("sendChatAction")[0]["action"] == "typing"
    assert "parse_mode" not in bot_api.calls_to("sendMessage")[0]


async def test_buttons_become_inline_keyboard_with_short_callback_data(app_factory, bot_api, rasa):
    long_payload = '/chon_thu_tuc{"procedure_code":"1.001193.000.00.00.H12","note":"' + "x" * 80 + '"}'
    rasa.reply = lambda sender, text: [
        {
            "recipient_id": sender,
            "text": "Anh/chị muốn hỏi thủ tục nào?",
            "buttons": [
                {"title": "Đăng ký khai sinh cho trẻ em", "payload": long_payload},
                {"title": "Đăng ký kết hôn", "payload": "/ket_hon"},
            ],
        }
    ]
    application = await app_factory()
    await feed(application, text_update(1, "hộ tịch"))
    markup = bot_api.calls_to("sendMessage")[-1]["reply_markup"]
    buttons = [row[0] for row in markup["inline_keyboard"]]
    assert [b["text"] for b in buttons] == ["Đăng ký khai sinh cho trẻ em", "Đăng ký kết hôn"]
    for button in buttons:
        data = button["callback_data"]
        assert len(data.encode("utf-8")) <= 64
        assert data.isascii() and "Đăng" not in data and "/ket_hon" not in data

    # Clicking the first button sends its full payload to Rasa and answers the callback.
    rasa.reply = lambda sender, text: [{"recipient_id": sender, "text": "Thủ tục khai sinh: ..."}]
    await feed(application, callback_update(2, buttons[0]["callback_data"]))
    assert bot_api.calls_to("answerCallbackQuery")[-1]["callback_query_id"] == "cq2"
    assert rasa.requests[-1] == {"sender": f"tg:{CHAT_ID}", "message": long_payload}
    assert sent_texts(bot_api)[-2:] == ["➡️ Đăng ký khai sinh cho trẻ em", "Thủ tục khai sinh: ..."]


async def test_unknown_callback_is_answered_and_explained(app_factory, bot_api, rasa):
    application = await app_factory()
    await feed(application, callback_update(3, "b:doesnotexist"))
    assert bot_api.calls_to("answerCallbackQuery")
    assert sent_texts(bot_api) == [EXPIRED_TEXT]
    assert rasa.requests == []


async def test_long_reply_is_split_on_paragraphs_under_the_limit(app_factory, bot_api, rasa):
    paragraphs = [(f"Đoạn {i}: " + "giấy tờ cần nộp " * 60).strip() for i in range(12)]
    rasa.reply = lambda sender, text: [
        {
            "recipient_id": sender,
            "text": "\n\n".join(paragraphs),
            "buttons": [{"title": "Xem thêm", "payload": "/more"}],
        }
    ]
    application = await app_factory()
    await feed(application, text_update(1, "hồ sơ"))
    messages = bot_api.calls_to("sendMessage")
    assert len(messages) > 1
    assert all(len(m["text"]) <= 4096 for m in messages)
    # Nothing is lost and no paragraph is cut in the middle.
    assert "\n\n".join(m["text"] for m in messages) == "\n\n".join(paragraphs)
    assert all(m["text"].startswith("Đoạn ") for m in messages)
    # The keyboard goes with the last part only.
    assert "reply_markup" in messages[-1] and all("reply_markup" not in m for m in messages[:-1])


async def test_redelivered_update_is_answered_once(app_factory, bot_api, rasa):
    application = await app_factory()
    await feed(application, text_update(9, "xin chào"))
    await feed(application, text_update(9, "xin chào"))
    assert len(rasa.requests) == 1
    assert len(sent_texts(bot_api)) == 1


async def test_rasa_down_gives_polite_message(app_factory, bot_api, rasa):
    rasa.status = 500
    application = await app_factory()
    await feed(application, text_update(1, "lệ phí"))
    assert sent_texts(bot_api) == [BUSY_TEXT]


async def test_rasa_unreachable_gives_polite_message(bot_api, unused_tcp_port):
    application = build_application(make_config(bot_api, f"http://127.0.0.1:{unused_tcp_port}"))
    async with application:
        await application.post_init(application)
        await feed(application, text_update(1, "lệ phí"))
        await application.post_shutdown(application)
    assert sent_texts(bot_api) == [BUSY_TEXT]


async def test_empty_rasa_answer_counts_as_failure(app_factory, bot_api, rasa):
    rasa.reply = lambda sender, text: []
    application = await app_factory()
    await feed(application, text_update(1, "lệ phí"))
    assert sent_texts(bot_api) == [BUSY_TEXT]


async def test_rate_limit_replies_politely_once(app_factory, bot_api, rasa):
    application = await app_factory(rate_limit=2)
    for update_id in range(1, 6):
        await feed(application, text_update(update_id, f"câu {update_id}"))
    assert len(rasa.requests) == 2
    assert sent_texts(bot_api).count(RATE_LIMIT_TEXT) == 1
    # Another chat is not affected.
    await feed(application, text_update(10, "câu khác", chat_id=777))
    assert rasa.requests[-1]["sender"] == "tg:777"


async def test_start_and_help_are_vietnamese_and_do_not_call_rasa(app_factory, bot_api, rasa):
    application = await app_factory()
    await feed(application, text_update(1, "/start"))
    await feed(application, text_update(2, "/help"))
    texts = sent_texts(bot_api)
    assert texts[0] == START_TEXT
    assert "Cách dùng" in texts[1]
    assert rasa.requests == []


async def test_handler_error_is_logged_with_exception(app_factory, bot_api, rasa, caplog):
    application = await app_factory()
    bridge = application.bot_data["bridge"]

    async def broken_send(sender, text, metadata=None):
        raise KeyError("bug in the bridge")

    bridge.rasa.send = broken_send
    with caplog.at_level("ERROR", logger="bot.channels.telegram"):
        await feed(application, text_update(1, "câu hỏi"))
    record = next(r for r in caplog.records if "failed" in r.getMessage())
    assert record.exc_info and record.exc_info[0] is KeyError


async def test_polling_mode_reads_get_updates(bot_api, rasa):
    application = build_application(make_config(bot_api, rasa.url, mode="polling"))
    bot_api.updates = [text_update(50, "đăng ký thường trú")]
    async with application:
        await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0.0, timeout=0)
        await wait_for(lambda: sent_texts(bot_api))
        await application.updater.stop()
        await application.stop()
        await application.post_shutdown(application)
    assert sent_texts(bot_api) == ["Bạn hỏi: đăng ký thường trú"]


async def test_webhook_checks_secret_and_ignores_redelivery(bot_api, rasa):
    config = make_config(bot_api, rasa.url)
    application = build_application(config, with_updater=False)
    async with application:
        await application.post_init(application)
        await application.start()
        server = TestServer(webhook_app(application, config), host="127.0.0.1")
        await server.start_server()
        url = str(server.make_url(config.webhook_path))
        try:
            async with aiohttp.ClientSession() as http:
                update = text_update(70, "cấp lại căn cước")
                forged = await http.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
                )
                missing = await http.post(url, json=update)
                assert (forged.status, missing.status) == (403, 403)
                for _ in range(2):  # Telegram redelivers when it thinks we failed.
                    ok = await http.post(
                        url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                    )
                    assert ok.status == 200
                bad = await http.post(
                    url, data=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                )
                assert bad.status == 400
                health = await http.get(str(server.make_url("/healthz")))
                assert health.status == 200
            await wait_for(lambda: sent_texts(bot_api))
        finally:
            await server.close()
            await application.stop()
            await application.post_shutdown(application)
    assert len(rasa.requests) == 1
    assert sent_texts(bot_api) == ["Bạn hỏi: cấp lại căn cước"]


def test_config_refuses_unprotected_webhook():
    bridge = "b" * 32
    with pytest.raises(RuntimeError):
        TelegramConfig(
            token="1:abc", mode="webhook", webhook_url="https://x.test/hook", webhook_secret="", bridge_secret=bridge
        ).check()
    with pytest.raises(RuntimeError):
        TelegramConfig(token="", mode="polling", bridge_secret=bridge).check()
    TelegramConfig(
        token="1:abc", mode="webhook", webhook_url="https://x.test/hook", webhook_secret="a" * 32, bridge_secret=bridge
    ).check()


@pytest.mark.parametrize("secret", ["", "changeme", "short"])
def test_config_refuses_to_start_without_a_bridge_secret(secret):
    with pytest.raises(RuntimeError, match="TELEGRAM_BRIDGE_SECRET"):
        TelegramConfig(token="1:abc", mode="polling", bridge_secret=secret).check()


# --- issue 11: authenticated channel to Rasa, 429s, two replicas ---------------------------------------


async def test_the_bridge_authenticates_itself_to_rasas_bridge_channel(app_factory, bot_api, rasa):
    application = await app_factory()
    await feed(application, text_update(1, "làm căn cước ở đâu"))
    assert rasa.refused == 0 and len(rasa.requests) == 1


async def test_without_the_right_secret_rasa_refuses_and_the_citizen_is_told_politely(app_factory, bot_api, rasa):
    application = await app_factory(bridge_secret="not-the-secret-0123456789")
    await feed(application, text_update(1, "làm căn cước ở đâu"))
    assert rasa.refused == 1 and rasa.requests == []
    assert sent_texts(bot_api) == [BUSY_TEXT]


async def test_429_from_telegram_is_waited_out_and_the_whole_long_answer_arrives(app_factory, bot_api, rasa):
    paragraphs = [(f"Đoạn {i}: " + "giấy tờ cần nộp " * 60).strip() for i in range(12)]
    rasa.reply = lambda sender, text: [{"recipient_id": sender, "text": "\n\n".join(paragraphs)}]
    application = await app_factory()
    bot_api.throttle["sendMessage"] = 2  # the first two parts are refused with retry_after=1
    await feed(application, text_update(1, "hồ sơ"))
    assert bot_api.throttled == ["sendMessage", "sendMessage"]
    assert "\n\n".join(sent_texts(bot_api)) == "\n\n".join(paragraphs)


async def test_a_button_sent_by_one_replica_is_understood_by_the_other(app_factory, bot_api, rasa):
    state = MemoryState()  # stands for Redis: the two replicas share nothing else
    one, two = await app_factory(state=state), await app_factory(state=state)
    rasa.reply = lambda sender, text: [
        {"recipient_id": sender, "text": "Chọn thủ tục", "buttons": [{"title": "Kết hôn", "payload": "/ket_hon"}]}
    ]
    await feed(one, text_update(1, "hộ tịch"))
    data = bot_api.calls_to("sendMessage")[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    rasa.reply = lambda sender, text: [{"recipient_id": sender, "text": "Thủ tục kết hôn: ..."}]
    await feed(two, callback_update(2, data))
    assert rasa.requests[-1] == {"sender": f"tg:{CHAT_ID}", "message": "/ket_hon"}
    assert EXPIRED_TEXT not in sent_texts(bot_api)


async def test_an_update_delivered_to_both_replicas_is_answered_once(app_factory, bot_api, rasa):
    state = MemoryState()
    one, two = await app_factory(state=state), await app_factory(state=state)
    await feed(one, text_update(77, "xin chào"))
    await feed(two, text_update(77, "xin chào"))
    assert len(rasa.requests) == 1 and sent_texts(bot_api) == ["Bạn hỏi: xin chào"]
