"""End-to-end: the channels registered in credentials.yml, on the running Rasa server."""

from __future__ import annotations

import json
import time

import httpx
import pytest

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
