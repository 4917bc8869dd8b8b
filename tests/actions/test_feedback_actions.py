"""Petition, status and FAQ actions run against an inline rasa-sdk Tracker and a temporary database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text
from sqlalchemy.engine import Engine

import bot.models_registry  # noqa: F401
from actions.feedback import (
    NOTHING_PENDING,
    ActionAskPetitionConfirm,
    ActionAskPetitionConsent,
    ActionCancelPetition,
    ActionStartPetition,
    ActionSubmitPetition,
    ValidatePetitionForm,
)
from actions.procedures import ActionAnswerQuestion
from actions.status import ActionApplicationStatus, ActionPetitionStatus, ValidatePetitionStatusForm
from bot.applications.models import STATUS_LATE
from bot.applications.provider import ApplicationStatus, upsert_status
from bot.applications.replies import ASK_FOR_CODE, cannot_look_up_reply
from bot.db import Base, reset_engine, session_scope
from bot.feedback.consent import REFUSED_REPLY
from bot.feedback.dialogue import FORM_SLOTS
from bot.feedback.replies import CANCELLED, LOOKUP_CANCELLED, LOOKUP_REFUSED, STORE_FAILED
from bot.knowledge.models import FaqEntry
from bot.settings import PROJECT_ROOT, get_settings

DOMAIN: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
FILLED = {
    "petition_consent": True,
    "petition_content": "Cán bộ yêu cầu nộp thêm giấy xác nhận cư trú dù đã có căn cước",
    "petition_subject": "đăng ký thường trú",
    "petition_name": "Nguyễn Văn An",
    "petition_address": "thôn Tây, xã Bố Trạch",
    "petition_contact": "0905123456",
    "petition_confirm": True,
}


def tracker(
    message: str,
    *,
    slots: dict[str, Any] | None = None,
    candidates: dict[str, Any] | None = None,
    intent: str = "inform",
    latest_action: str = "action_listen",
    sender: str = "citizen-1",
) -> Tracker:
    """A tracker whose last events are the slot candidates the form hands to its validation action."""
    all_slots = {**(slots or {}), **(candidates or {})}
    events = [
        {"event": "slot", "timestamp": None, "name": k, "value": v} for k, v in (candidates or {}).items()
    ]
    return Tracker(
        sender,
        all_slots,
        {"text": message, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
        events,
        False,
        None,
        {},
        latest_action,
    )


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["text"] for m in dispatcher.messages]


@pytest.fixture()
def database(tmp_path: Path) -> Iterator[Engine]:
    engine = reset_engine(f"sqlite:///{tmp_path / 'actions.db'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


# --- the form's validation -----------------------------------------------------------------------


async def test_starting_the_form_validates_nothing_and_says_nothing() -> None:
    """action_start_petition clears every slot; those cleared slots are not the citizen's answers."""
    d = CollectingDispatcher()
    t = tracker(
        "Tôi muốn gửi phản ánh",
        slots=FILLED,
        candidates={slot: None for slot in (*FORM_SLOTS, "petition_tracking_code")},
        intent="give_feedback",
    )
    events = await ValidatePetitionForm().run(d, t, DOMAIN)
    assert d.messages == []
    assert events == [SlotSet(slot, None) for slot in FORM_SLOTS]


async def test_invalid_phone_is_re_asked_with_a_reason() -> None:
    d = CollectingDispatcher()
    events = await ValidatePetitionForm().run(
        d, tracker("090512345", candidates={"petition_contact": "090512345"}), DOMAIN
    )
    assert events == [SlotSet("petition_contact", None)]
    assert len(texts(d)) == 1 and "đúng 10 chữ số" in texts(d)[0]


async def test_valid_phone_is_normalised() -> None:
    d = CollectingDispatcher()
    t = tracker("+84 905 123 456", candidates={"petition_contact": "+84 905 123 456"})
    assert await ValidatePetitionForm().run(d, t, DOMAIN) == [SlotSet("petition_contact", "0905123456")]
    assert d.messages == []


async def test_cancel_at_any_step_clears_everything_and_ends_the_form() -> None:
    d = CollectingDispatcher()
    t = tracker(
        "hủy",
        slots={"petition_consent": True, "petition_content": "x y z t"},
        candidates={"petition_name": "hủy"},
    )
    events = await ValidatePetitionForm().run(d, t, DOMAIN)
    assert texts(d) == [CANCELLED]
    others = [s for s in FORM_SLOTS if s != "petition_name"]
    assert events == [SlotSet(s, None) for s in ["petition_name", *others, "requested_slot"]]


async def test_correction_at_the_summary_asks_that_field_again() -> None:
    d = CollectingDispatcher()
    t = tracker(
        "sửa số điện thoại",
        slots={**FILLED, "petition_confirm": None},
        candidates={"petition_confirm": "sửa số điện thoại"},
    )
    events = await ValidatePetitionForm().run(d, t, DOMAIN)
    assert events == [
        SlotSet("petition_confirm", None),
        SlotSet("petition_contact", None),
        SlotSet("requested_slot", "petition_contact"),
    ]
    assert d.messages == []


async def test_correcting_a_field_not_yet_given_keeps_the_current_question() -> None:
    d = CollectingDispatcher()
    t = tracker(
        "sửa số điện thoại",
        slots={"petition_consent": True},
        candidates={"petition_content": "sửa số điện thoại"},
    )
    assert await ValidatePetitionForm().run(d, t, DOMAIN) == [SlotSet("petition_content", None)]
    assert "chưa nhập" in texts(d)[0]


async def test_refused_consent_stores_nothing_and_ends_the_form() -> None:
    d = CollectingDispatcher()
    events = await ValidatePetitionForm().run(
        d, tracker("không", candidates={"petition_consent": "không"}), DOMAIN
    )
    assert texts(d) == [REFUSED_REPLY]
    assert events[-1] == SlotSet("requested_slot", None)


async def test_confirmation_yes() -> None:
    d = CollectingDispatcher()
    t = tracker(
        "đồng ý", slots={**FILLED, "petition_confirm": None}, candidates={"petition_confirm": "đồng ý"}
    )
    assert await ValidatePetitionForm().run(d, t, DOMAIN) == [SlotSet("petition_confirm", True)]


async def test_short_content_is_re_asked() -> None:
    d = CollectingDispatcher()
    t = tracker("chậm quá", slots={"petition_consent": True}, candidates={"petition_content": "chậm quá"})
    assert await ValidatePetitionForm().run(d, t, DOMAIN) == [SlotSet("petition_content", None)]
    assert "ngắn" in texts(d)[0]


# --- prompts -------------------------------------------------------------------------------------


async def test_consent_notice_states_the_configured_retention(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PETITION_RETENTION_DAYS", "90")
    get_settings.cache_clear()
    try:
        d = CollectingDispatcher()
        assert await ActionAskPetitionConsent().run(d, tracker(""), DOMAIN) == []
        assert "90 ngày" in texts(d)[0] and "91/2025/QH15" in texts(d)[0]
    finally:
        get_settings.cache_clear()


async def test_summary_shows_what_was_entered() -> None:
    d = CollectingDispatcher()
    await ActionAskPetitionConfirm().run(d, tracker("", slots=FILLED), DOMAIN)
    assert "Nguyễn Văn An" in texts(d)[0] and "0905123456" in texts(d)[0]


async def test_start_clears_a_previous_petition(kb: Path) -> None:
    events = await ActionStartPetition().run(CollectingDispatcher(), tracker("", slots=FILLED), DOMAIN)
    assert SlotSet("petition_contact", None) in events and SlotSet("petition_tracking_code", None) in events


async def test_cancel_outside_a_form_after_sending_does_not_claim_to_delete() -> None:
    d = CollectingDispatcher()
    await ActionCancelPetition().run(
        d, tracker("hủy", slots={**FILLED, "petition_tracking_code": "PA-0000-0000"}), DOMAIN
    )
    assert CANCELLED not in texts(d)


# --- submit --------------------------------------------------------------------------------------


async def test_submit_replies_with_a_code_and_a_second_confirmation_does_not_duplicate(
    database: Engine,
) -> None:
    d = CollectingDispatcher()
    events = await ActionSubmitPetition().run(
        d, tracker("đồng ý", slots=FILLED, latest_action="petition_form"), DOMAIN
    )
    assert len(events) == 1 and events[0]["name"] == "petition_tracking_code"
    code = events[0]["value"]
    assert code.startswith("PA-") and code in texts(d)[0]
    d2 = CollectingDispatcher()
    events2 = await ActionSubmitPetition().run(d2, tracker("đồng ý", slots=FILLED, intent="affirm"), DOMAIN)
    assert events2 == [SlotSet("petition_tracking_code", code)]
    assert "trước đó" in texts(d2)[0] and code in texts(d2)[0]
    assert count(database, "petitions") == 1


async def test_submit_when_the_database_fails_tells_the_citizen_and_stores_nothing(database: Engine) -> None:
    with database.begin() as conn:
        conn.execute(text("ALTER TABLE petition_events RENAME TO petition_events_offline"))
    d = CollectingDispatcher()
    events = await ActionSubmitPetition().run(
        d, tracker("đồng ý", slots=FILLED, latest_action="petition_form"), DOMAIN
    )
    assert events == [] and texts(d) == [STORE_FAILED]
    assert count(database, "petitions") == 0


async def test_stray_yes_without_a_petition_gets_a_reply_and_stores_nothing(database: Engine) -> None:
    d = CollectingDispatcher()
    assert await ActionSubmitPetition().run(d, tracker("có", intent="affirm"), DOMAIN) == []
    assert texts(d) == [NOTHING_PENDING]
    d2 = CollectingDispatcher()
    assert await ActionSubmitPetition().run(d2, tracker("hủy", latest_action="petition_form"), DOMAIN) == []
    assert d2.messages == []
    assert count(database, "petitions") == 0


# --- petition status -----------------------------------------------------------------------------


async def test_status_form_re_asks_a_missing_code() -> None:
    d = CollectingDispatcher()
    t = tracker("mã gì nhỉ", slots={"requested_slot": "petition_lookup_code"})
    assert await ValidatePetitionStatusForm().run(d, t, DOMAIN) == [SlotSet("petition_lookup_code", None)]
    assert "PA-XXXX-XXXX" in texts(d)[0]


async def test_status_form_keeps_the_code_and_asks_for_the_phone() -> None:
    d = CollectingDispatcher()
    events = await ValidatePetitionStatusForm().run(d, tracker("tra cứu phản ánh pa-7k3q-m2xd"), DOMAIN)
    assert events == [SlotSet("petition_lookup_code", "PA-7K3Q-M2XD")]
    assert d.messages == []


async def _submit(sender: str = "citizen-1") -> str:
    events = await ActionSubmitPetition().run(
        CollectingDispatcher(),
        tracker("đồng ý", slots=FILLED, latest_action="petition_form", sender=sender),
        DOMAIN,
    )
    return events[0]["value"]


async def test_status_in_one_message_with_the_right_phone(database: Engine) -> None:
    code = await _submit()
    d = CollectingDispatcher()
    events = await ValidatePetitionStatusForm().run(
        d, tracker(f"tra cứu phản ánh {code.lower()} sđt 0905 123 456"), DOMAIN
    )
    assert code in texts(d)[0] and "Đã tiếp nhận" in texts(d)[0]
    assert events == [
        SlotSet("petition_lookup_code", code),
        SlotSet("petition_lookup_contact", "0905123456"),
        SlotSet("petition_lookup_code", None),
        SlotSet("petition_lookup_contact", None),
        SlotSet("requested_slot", None),
    ]


async def test_status_in_two_messages(database: Engine) -> None:
    code = await _submit()
    d = CollectingDispatcher()
    t = tracker(
        "0905123456", slots={"petition_lookup_code": code, "requested_slot": "petition_lookup_contact"}
    )
    events = await ValidatePetitionStatusForm().run(d, t, DOMAIN)
    assert len(texts(d)) == 1 and code in texts(d)[0]
    assert events[-1] == SlotSet("requested_slot", None)


async def test_status_with_a_wrong_phone_is_refused_like_an_unknown_code(database: Engine) -> None:
    code = await _submit()
    wrong, unknown = CollectingDispatcher(), CollectingDispatcher()
    await ValidatePetitionStatusForm().run(wrong, tracker(f"tra cứu {code} số 0912345678"), DOMAIN)
    await ValidatePetitionStatusForm().run(unknown, tracker("tra cứu PA-0000-0000 số 0905123456"), DOMAIN)
    assert texts(wrong) == [LOOKUP_REFUSED] == texts(unknown)


async def test_cancel_in_the_status_form() -> None:
    d = CollectingDispatcher()
    t = tracker(
        "hủy", slots={"petition_lookup_code": "PA-0000-0000", "requested_slot": "petition_lookup_contact"}
    )
    events = await ValidatePetitionStatusForm().run(d, t, DOMAIN)
    assert texts(d) == [LOOKUP_CANCELLED]
    assert events[-1] == SlotSet("requested_slot", None)


async def test_after_the_status_form_the_lookup_slots_are_forgotten() -> None:
    t = tracker("", slots={"petition_lookup_code": "PA-0000-0000"}, latest_action="petition_status_form")
    events = await ActionPetitionStatus().run(CollectingDispatcher(), t, DOMAIN)
    assert events == [SlotSet("petition_lookup_code", None), SlotSet("petition_lookup_contact", None)]


async def test_a_code_sent_to_the_wrong_flow_is_handed_to_the_right_one() -> None:
    faq = await ActionAnswerQuestion().run(
        CollectingDispatcher(), tracker("PA-7K3Q-M2XD 0905123456", intent="ask_one_stop"), DOMAIN
    )
    assert faq == [FollowupAction("petition_status_form")]
    app = await ActionApplicationStatus().run(CollectingDispatcher(), tracker("tra cứu PA-7K3Q-M2XD"), DOMAIN)
    assert app == [FollowupAction("petition_status_form")]
    faq2 = await ActionAnswerQuestion().run(
        CollectingDispatcher(), tracker("hồ sơ 000.00.23.H56-250101-0001"), DOMAIN
    )
    assert faq2 == [FollowupAction("action_application_status")]


# --- application status ----------------------------------------------------------------------------


async def test_application_status_asks_for_a_code_when_none_is_given() -> None:
    d = CollectingDispatcher()
    assert await ActionApplicationStatus().run(d, tracker("tra cứu hồ sơ"), DOMAIN) == []
    assert texts(d) == [ASK_FOR_CODE]


async def test_application_status_not_found_and_late(database: Engine) -> None:
    code = "000.00.23.H56-250101-0001"
    d = CollectingDispatcher()
    await ActionApplicationStatus().run(d, tracker(f"tra cứu hồ sơ {code}"), DOMAIN)
    # No one-stop system connected and nothing loaded: the bot cannot tell, and must not say the code is wrong.
    assert texts(d) == [cannot_look_up_reply(code)]
    with session_scope() as s:
        upsert_status(
            session=s,
            status=ApplicationStatus(
                code=code,
                status=STATUS_LATE,
                appointment_on=dt.date(2026, 11, 1),
                new_appointment_on=dt.date(2026, 12, 15),
            ),
        )
    d2 = CollectingDispatcher()
    await ActionApplicationStatus().run(d2, tracker(f"hồ sơ {code.lower()} sao rồi"), DOMAIN)
    assert "xin lỗi" in texts(d2)[0] and "15/12/2026" in texts(d2)[0]


# --- FAQ -----------------------------------------------------------------------------------------


async def test_faq_answer_with_source_and_misprint_note(database: Engine) -> None:
    with session_scope() as s:
        s.add(
            FaqEntry(
                slug="pakn-xu-ly",
                topic="phan-anh-kien-nghi",
                question="Phản ánh được xử lý thế nào?",
                keywords="bao lâu thì trả lời phản ánh",
                answer="Chuyển trong 5 ngày làm việc.",
                source_url="https://vbpl.vn",
            )
        )
    d = CollectingDispatcher()
    await ActionAnswerQuestion().run(
        d, tracker("theo nghị định 20/2018 bao lâu thì trả lời phản ánh", intent="ask_feedback_info"), DOMAIN
    )
    reply = texts(d)[0]
    assert (
        "20/2008/NĐ-CP" in reply
        and "Chuyển trong 5 ngày làm việc." in reply
        and reply.endswith("Nguồn: https://vbpl.vn")
    )


async def test_a_one_stop_question_with_no_entry_says_it_is_not_in_our_data(database: Engine) -> None:
    d = CollectingDispatcher()
    await ActionAnswerQuestion().run(d, tracker("ủy ban có làm việc ngày thứ bảy không", intent="ask_one_stop"), DOMAIN)
    assert len(texts(d)) == 1
    assert "dichvucong.gov.vn" in texts(d)[0] and "mã " not in texts(d)[0]
