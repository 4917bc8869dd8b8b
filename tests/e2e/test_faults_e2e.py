"""End-to-end faults: the citizen is told to try again, never left without a reply."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_action_server_down_gives_a_try_again_reply(stack):
    stack.stop_actions()
    try:
        reply = stack.reply_text("đăng ký tạm trú cần giấy tờ gì", sender="fault-actions")
        assert "thử lại" in reply
    finally:
        stack.start_actions()
    assert "1.004194" in stack.reply_text("đăng ký tạm trú cần giấy tờ gì", sender="fault-actions-after")
