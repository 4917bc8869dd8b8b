"""The REST channel refuses malformed bodies before Rasa sees them."""

from __future__ import annotations

import json

import pytest

from bot.channels.rest import MAX_BODY_BYTES, invalid_reason


@pytest.mark.parametrize(
    "body,status",
    [
        (b"{not json", 400),
        (b"[]", 400),
        (b'"text"', 400),
        (json.dumps({"message": "hi"}).encode(), 400),
        (json.dumps({"sender": "", "message": "hi"}).encode(), 400),
        (json.dumps({"sender": "a", "message": 5}).encode(), 400),
        (json.dumps({"sender": "a", "message": "hi", "metadata": []}).encode(), 400),
        (b"\xff\xfe", 400),
        (b"x" * (MAX_BODY_BYTES + 1), 413),
    ],
)
def test_bad_bodies_are_refused(body, status):
    assert invalid_reason(body)[0] == status


def test_a_normal_message_passes():
    assert invalid_reason(json.dumps({"sender": "web:1", "message": "đăng ký tạm trú"}).encode()) is None
