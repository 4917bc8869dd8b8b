"""End-to-end: the channels registered in credentials.yml, on the running Rasa server."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.e2e.stack import BRIDGE_SECRET

pytestmark = pytest.mark.e2e


def _event(timestamp_ms: int) -> bytes:
    return json.dumps({
        "app_id": "e2e-app", "event_name": "user_send_text", "timestamp": str(timestamp_ms),
        "sender": {"id": "u1"}, "recipient": {"id": "oa1"}, "message": {"text": "xin chào", "msg_id": "m1"},
    }).encode()


def test_forged_zalo_event_is_refused(stack):
    body = _event(int(time.time() * 1000))
    response = httpx.post(
        f"{stack.rasa_url}/webhooks/zalo/webhook", content=body,
        headers={"X-ZEvent-Signature": "mac=" + "0" * 64, "Content-Type": "application/json"}, timeout=10,
    )
    assert response.status_code in (401, 403)


def test_zalo_event_without_signature_is_refused(stack):
    response = httpx.post(f"{stack.rasa_url}/webhooks/zalo/webhook", content=_event(0), timeout=10)
    assert response.status_code in (401, 403)


def test_malformed_rest_message_is_a_client_error(stack):
    response = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", content=b"{not json", timeout=10)
    assert response.status_code == 400


@pytest.mark.parametrize("body", [b"[]", b'{"sender": "x"}', b'{"sender": 1, "message": "hi"}'])
def test_wrongly_shaped_rest_bodies_are_client_errors(stack, body):
    response = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", content=body, timeout=10)
    assert response.status_code == 400


# --- issue 11: nobody continues a Telegram or Zalo citizen's conversation through the public endpoint ----


@pytest.mark.parametrize("sender", ["tg:4242", "zalo:8000000000000001", "zalo-anon:77"])
def test_public_rest_endpoint_refuses_other_channels_conversations(stack, sender):
    response = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                          json={"sender": sender, "message": "đồng ý"}, timeout=30)
    assert response.status_code == 403
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker", timeout=30).json()
    assert [e for e in tracker["events"] if e["event"] == "user"] == []


def test_telegram_conversations_arrive_only_through_the_authenticated_bridge_channel(stack):
    url = f"{stack.rasa_url}/webhooks/telegram/webhook"
    body = {"sender": "tg:5151", "message": "xin chào"}
    assert httpx.post(url, json=body, timeout=30).status_code == 401
    assert httpx.post(url, json=body, headers={"Authorization": "Bearer guess-0123456789abcdef"},
                      timeout=30).status_code == 401
    ok = httpx.post(url, json=body, headers={"Authorization": f"Bearer {BRIDGE_SECRET}"}, timeout=60)
    assert ok.status_code == 200 and ok.json() and ok.json()[0]["recipient_id"] == "tg:5151"


def test_browsers_may_reach_the_chat_webhook_and_nothing_else(stack):
    origin = "http://localhost:8080"
    preflight = {"Origin": origin, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}
    chat = httpx.options(f"{stack.rasa_url}/webhooks/rest/webhook", headers=preflight, timeout=10)
    assert chat.headers.get("Access-Control-Allow-Origin") == origin
    for path, method in [("/model", "PUT"), ("/conversations/x/tracker", "GET"), ("/status", "GET")]:
        other = httpx.options(f"{stack.rasa_url}{path}",
                              headers={**preflight, "Access-Control-Request-Method": method}, timeout=10)
        assert "Access-Control-Allow-Origin" not in other.headers, path
    evil = httpx.options(f"{stack.rasa_url}/webhooks/rest/webhook",
                         headers={**preflight, "Origin": "https://evil.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in evil.headers
