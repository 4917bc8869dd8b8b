"""End-to-end: real Rasa server + action server over HTTP, answering citizens' procedure questions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.evaluation import BotTurn, judge, procedure_codes, value_matches
from tests.shared_data import DEV_SET

pytestmark = pytest.mark.e2e


def _dev_items() -> list[dict]:
    if not DEV_SET.exists():
        return []
    return [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


DEV = _dev_items()
# Notes of these out_of_kb items allow the procedure our seed does have; never the trap's procedure.
DEV_ACCEPT = {
    k: set(v)
    for k, v in json.loads((Path(__file__).parents[1] / "data" / "dev-accept.json").read_text()).items()
    if not k.startswith("_")
}


@pytest.mark.shared(DEV_SET)
@pytest.mark.parametrize("item", DEV or [{}], ids=[i["id"] for i in DEV] or ["dev-set-missing"])
def test_dev_set_question(stack, item):
    reply = stack.reply_text(item["question"], sender=f"dev-{item['id']}")
    item = {**item, "accept_codes": sorted(DEV_ACCEPT.get(item["id"], set()))}
    correct, _wrong, detail = judge(item, BotTurn(reply))
    assert correct, f"{detail}\n--- reply ---\n{reply}"


# Our own questions, beyond the dev set: (question, gold code(s) - any of them, expected values).
OWN = [
    ("đăng ký tạm trú mất bao lâu", {"1.004194"}, ["3 ngày làm việc"]),
    ("lam ho chieu het bao nhieu tien", {"1.001456"}, []),
    ("Đăng ký thường trú mất mấy ngày?", {"1.004222"}, ["7 ngày làm việc"]),
    ("xóa đăng ký tạm trú cần giấy tờ gì", {"1.010028"}, []),
    ("đăng ký kết hôn ở đâu", {"1.000894"}, []),
    ("lệ phí đăng ký kết hôn bao nhiêu", {"1.000894"}, []),
    ("làm lý lịch tư pháp online được không", {"3.000333"}, []),
    ("xin giấy xác nhận độc thân cần gì", {"1.004873"}, []),
    ("tách hộ khẩu thì làm sao", {"1.010038"}, []),
    ("sang tên sổ đỏ mất bao lâu", {"1.013831"}, []),
    ("đổi bằng lái xe cần giấy tờ gì", {"3.000347"}, []),
]


def _answer_or_confirmed(stack, question: str, codes: set[str], sender: str) -> str:
    """The reply to a question, or, when the bot asks back first ("Có phải bạn hỏi về …?"), the reply
    after the citizen presses the first choice, which must be the gold procedure: never another
    procedure's facts, and the right one first when the bot is not sure."""
    messages = stack.chat(question, sender=sender)
    text = "\n".join(m.get("text", "") for m in messages if m.get("text"))
    if procedure_codes(text):
        return text
    buttons = [b for m in messages for b in (m.get("buttons") or [])]
    assert text.startswith("Có phải bạn hỏi về") and buttons, messages
    first = buttons[0]["payload"]
    assert any(code in first for code in codes), messages
    return stack.reply_text(first, sender=sender)


@pytest.mark.parametrize("question,codes,values", OWN, ids=[q for q, _, _ in OWN])
def test_own_question(stack, question, codes, values):
    reply = _answer_or_confirmed(stack, question, codes, sender=f"own-{abs(hash(question))}")
    assert procedure_codes(reply) & codes, reply
    assert all(value_matches(v, reply) for v in values), reply
    assert "Nguồn:" in reply and "dichvucong.gov.vn" in reply


def test_follow_up_keeps_the_procedure(stack):
    sender = "follow-up"
    first = _answer_or_confirmed(stack, "Đăng ký thường trú cần giấy tờ gì?", {"1.004222"}, sender=sender)
    assert "1.004222" in first and "Giấy tờ" in first, first
    second = stack.reply_text("thế còn lệ phí?", sender=sender)
    assert "1.004222" in second and value_matches("20.000", second), second


def test_ambiguous_question_offers_buttons_and_the_choice_is_answered(stack):
    sender = "ambiguous"
    messages = stack.chat("căn cước mất mấy ngày?", sender=sender)
    buttons = [b for m in messages for b in (m.get("buttons") or [])]
    assert len(buttons) >= 2, messages
    titles = " ".join(b["title"] for b in buttons).lower()
    assert "đổi" in titles and "lại" in titles
    choice = next(b for b in buttons if "đổi" in b["title"].lower())
    answer = stack.reply_text(choice["payload"], sender=sender)
    assert procedure_codes(answer) & {"2.001195", "1.014063"}, answer
    assert re.search(r"\d+ ngày làm việc", answer), answer


def test_greeting_and_thanks(stack):
    assert "Quảng Trị" in stack.reply_text("xin chào", sender="social")
    assert stack.reply_text("cảm ơn nhé", sender="social")


def test_out_of_scope_says_what_the_bot_can_do(stack):
    reply = stack.reply_text("Giá vàng hôm nay bao nhiêu một chỉ?", sender="oos")
    assert not procedure_codes(reply)
    assert "thủ tục" in reply


@pytest.mark.parametrize(
    "message",
    ["", "   ", "😀😀😀", "a" * 10_000, "東京 Москва đăng ký tạm trú ở đâu", "<script>alert(1)</script>", "🙏" * 500],
    ids=["empty", "blank", "emoji", "10k-chars", "mixed-script", "html", "emoji-flood"],
)
def test_odd_messages_get_a_sensible_reply(stack, message):
    messages = stack.chat(message, sender="odd")
    texts = [m.get("text", "") for m in messages]
    assert any(t.strip() for t in texts), messages


def test_never_states_a_fee_the_record_does_not_give(stack):
    reply = stack.reply_text("lệ phí xác nhận thông tin về cư trú bao nhiêu", sender="no-invent")
    assert "1.010041" in reply
    # Whatever the record says (an amount, free, or not stated) is what the reply says.
    assert "đồng" in reply or "không thu" in reply or "chưa ghi rõ" in reply


HELD_OUT = Path(__file__).resolve().parents[2] / "eval" / "procedure-questions-heldout.jsonl"


def test_the_frozen_question_file_is_answered_without_guessing(stack):
    """318 turns written by someone who never saw the code and never trained on: a regression guard.

    The floor is below what docs/benchmarks.md reports, so that noise does not fail CI; the ceiling on
    wrong-procedure replies is the point: the bot asks or abstains instead of guessing.
    """
    from bot.evaluation import evaluate

    outcomes = evaluate(HELD_OUT, stack.rasa_url)
    right = sum(o.correct for o in outcomes) / len(outcomes)
    wrong = sum(o.wrong_procedure for o in outcomes) / len(outcomes)
    failures = "\n".join(f"{o.id} {o.kind}: {o.detail} | {o.question[:80]}" for o in outcomes if not o.correct)
    assert right >= 0.55, f"right {right:.0%}\n{failures}"
    assert wrong <= 0.04, f"wrong procedure {wrong:.1%}\n{failures}"
