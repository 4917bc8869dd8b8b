"""Faults on the production topology: bad requests get 4xx, a failing backend gets a short
"please try again" (and an error in the log), and citizens' personal data never reaches the logs.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from bot.evaluation import value_matches
from bot.observability.pii import ID_MASK, PHONE_MASK

pytestmark = [pytest.mark.services, pytest.mark.e2e]

RESIDENCE = "Đăng ký thường trú cần giấy tờ gì?"
TRY_AGAIN = "thử lại"

BAD_BODIES = {
    "not-json": (b"{not json", 400),
    "deeply-nested": (b"[" * 50_000, 400),
    "no-sender": (b'{"message": "xin chao"}', 400),
    "wrong-types": (b'{"sender": 1, "message": []}', 400),
    "not-an-object": (b"null", 400),
    "oversized": (b'{"sender": "a", "message": "' + b"x" * 2_000_000 + b'"}', 413),
}


def _text(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages if m.get("text"))


@pytest.mark.parametrize("body,status", list(BAD_BODIES.values()), ids=list(BAD_BODIES))
def test_rest_channel_answers_bad_bodies_with_4xx(cluster, body, status):
    response = httpx.post(f"{cluster.rasa_urls[0]}/webhooks/rest/webhook", content=body,
                          headers={"Content-Type": "application/json"}, timeout=60)
    assert response.status_code == status, response.text


def test_zalo_webhook_refuses_forged_events(cluster):
    event = b'{"event_name": "user_send_text", "timestamp": "1", "sender": {"id": "1"}, "message": {"text": "hi"}}'
    response = httpx.post(f"{cluster.rasa_urls[1]}/webhooks/zalo/webhook", content=event,
                          headers={"X-ZEvent-Signature": "mac=" + "0" * 64}, timeout=30)
    assert response.status_code == 403


def test_one_action_server_down_is_invisible_to_citizens(cluster):
    cluster.kill("actions0")
    try:
        for k in range(2):
            reply = _text(cluster.chat("lệ phí đăng ký kết hôn", f"failover-{k}-{uuid.uuid4().hex[:6]}"))
            assert "1.000894" in reply, reply
    finally:
        cluster.restart("actions0", f"{cluster.action_urls[0]}/health")


def test_no_action_server_gives_try_again_and_logs_the_error(cluster):
    cluster.kill("action-proxy")
    try:
        reply = _text(cluster.chat(RESIDENCE, f"noactions-{uuid.uuid4().hex[:6]}"))
    finally:
        cluster.restart("action-proxy", cluster.env["ACTION_SERVER_URL"].replace("/webhook", "/health"))
    assert TRY_AGAIN in reply, reply
    assert "Failed to run custom action 'action_answer_question'" in cluster.logs()


def test_knowledge_base_down_gives_try_again_then_recovers(cluster):
    cluster.set_kb_connections(False)
    try:
        reply = _text(cluster.chat(RESIDENCE, f"nokb-{uuid.uuid4().hex[:6]}"))
    finally:
        cluster.set_kb_connections(True)
    assert TRY_AGAIN in reply, reply
    assert "knowledge base unavailable" in cluster.logs()
    again = _text(cluster.chat("thế còn lệ phí của đăng ký thường trú?", f"kbback-{uuid.uuid4().hex[:6]}"))
    assert "1.004222" in again and value_matches("20.000", again), again


def test_personal_data_never_reaches_the_logs(cluster):
    phone, email, cccd, street = "0912 345 678", "nguyen.van.a@example.com", "045201001234", "số nhà 27 Lê Duẩn"
    sender = f"pii-{uuid.uuid4().hex[:6]}"
    cluster.chat(f"Tôi ở {street}, số điện thoại {phone}, email {email}, CCCD {cccd}. {RESIDENCE}", sender)
    cluster.chat("gọi lại cho tôi qua 0912345678 nhé", sender, url=cluster.rasa_urls[1])
    logs = cluster.logs()
    assert sender in logs  # the conversation was logged (Rasa at DEBUG) ...
    for secret in (phone, "0912345678", email, cccd, "27 Lê Duẩn"):
        assert secret not in logs  # ... but only masked
    assert PHONE_MASK in logs and ID_MASK in logs
