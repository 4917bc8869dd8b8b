"""What the bot says to one message, with the seeded knowledge base and a trained ranker (no Rasa)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import dialogue
from bot.answers.facts import Fact
from bot.dialogue import Turn, respond
from bot.understanding.query import NluResult

TODAY = dt.date(2026, 12, 1)


def ask(text: str, intent: str | None = None, confidence: float = 0.95, **kwargs):  # type: ignore[no-untyped-def]
    nlu = NluResult(intent, confidence) if intent else None
    return respond(text, nlu=nlu, today=TODAY, **kwargs)


def test_a_clear_fee_question_is_answered_with_todays_fee(understood_kb):
    reply = ask("Làm lại thẻ căn cước vì bị mất thì hết bao nhiêu tiền?", "ask_fee")
    assert reply.kind == "answer" and reply.fact is Fact.FEE
    assert set(reply.procedure_codes) <= {"2.001194", "1.014064", "1.000757"}
    assert "35.000" in reply.text  # 50% of 70.000 until 31/12/2026 (Thông tư 64/2025/TT-BTC)


def test_a_follow_up_continues_the_last_procedure(understood_kb):
    reply = ask("thế còn lệ phí thì sao?", "ask_fee", turn=Turn(last_codes=("1.004222",)))
    assert reply.kind == "answer" and reply.procedure_codes[0] == "1.004222" and reply.fact is Fact.FEE


def test_a_fact_without_any_procedure_asks_which_one(understood_kb):
    reply = ask("lệ phí bao nhiêu vậy?", "ask_fee")
    assert reply.kind == "need_procedure" and not reply.procedure_codes


def test_a_typed_answer_to_a_clarification_picks_among_the_offered_and_keeps_the_fact(understood_kb):
    offered = ("2.001195", "1.014063", "2.001194", "1.014064")
    reply = ask("cấp đổi, vì thẻ cũ bị hỏng", "inform", turn=Turn(offered_codes=offered, pending_fact="time"))
    assert reply.kind == "answer" and reply.fact is Fact.TIME
    assert set(reply.procedure_codes) <= {"2.001195", "1.014063", "1.000889"}


def test_a_button_choice_answers_the_pending_fact(understood_kb):
    reply = ask('/choose_procedure{"procedure_code":"1.004222"}', "choose_procedure",
                turn=Turn(pending_fact="fee"), chosen_code="1.004222")
    assert reply.kind == "answer" and reply.procedure_codes == ["1.004222"] and reply.fact is Fact.FEE


@pytest.mark.parametrize("text", ["làm thẻ căn cước cho con chó nhà tôi", "xin giấy phép nuôi mèo cảnh ở đâu"])
def test_something_no_procedure_covers_never_gets_a_procedures_facts(understood_kb, text):
    reply = ask(text, "ask_place", confidence=0.7)
    assert reply.kind in ("not_in_data", "clarify")
    assert "mã " not in reply.text


def test_secrets_are_refused_whatever_the_model_says(understood_kb):
    reply = ask("mật khẩu VNeID của bác là 123456, cháu làm giúp bác nhé", "ask_overview")
    assert reply.kind == "safety" and not reply.procedure_codes


def test_the_misprinted_decree_gets_the_faq_answer(understood_kb):
    reply = ask("Nghị định 20/2018 về phản ánh kiến nghị là nghị định nào?", "ask_feedback_info")
    assert reply.kind == "faq" and "20/2008" in reply.text and "mã " not in reply.text


def test_a_long_answer_sends_the_rest_on_request(understood_kb):
    # Named by its code, so the test is about paging and not about how sure the ranker is.
    first = ask("thủ tục 1.004222 cần giấy tờ gì", "ask_documents")
    assert first.kind == "answer" and len(first.text) <= 900
    assert first.more, "the documents of Đăng ký thường trú no longer need a second message"
    assert first.buttons[0].payload == dialogue.MORE_PAYLOAD
    second = ask("/ask_more", "ask_more", turn=Turn(last_codes=tuple(first.procedure_codes), more=tuple(first.more)))
    assert second.kind == "more" and second.text == first.more[0]
    assert second.more == first.more[1:]


def test_one_database_session_per_turn(understood_kb, monkeypatch):
    opened = []
    real = dialogue.session_scope

    def counting():  # type: ignore[no-untyped-def]
        opened.append(1)
        return real()

    monkeypatch.setattr(dialogue, "session_scope", counting)
    ask("đăng ký tạm trú mất mấy ngày", "ask_time", sender_id="web-abc")
    assert len(opened) == 1
