"""The petition form (phản ánh, kiến nghị): validation with cancel/correct at any step, summary, consent, submit."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue import declines
from bot.feedback import consent
from bot.feedback.dialogue import (
    EDITABLE_SLOTS,
    FORM_SLOTS,
    SLOT_ADDRESS,
    SLOT_CONFIRM,
    SLOT_CONSENT,
    SLOT_CONTACT,
    SLOT_CONTENT,
    SLOT_NAME,
    SLOT_SUBJECT,
    parse_command,
    parse_yes_no,
    petition_summary,
)
from bot.feedback.replies import CANCELLED, STORE_FAILED, stored_reply
from bot.feedback.storage import PetitionDraft, PetitionStoreError, submit_petition
from bot.feedback.validation import check_contact
from bot.text.normalize import normalize

logger = logging.getLogger(__name__)

SLOT_TRACKING_CODE = "petition_tracking_code"
NOTHING_PENDING = 'Bạn cần tôi giúp gì ạ? Muốn gửi phản ánh, kiến nghị, bạn gõ "tôi muốn phản ánh".'
NOTHING_TO_CANCEL = "Hiện không có yêu cầu nào đang thực hiện để hủy. Bạn cần tôi giúp gì khác không?"


def _clear_petition() -> list[EventType]:
    return [SlotSet(slot, None) for slot in (*FORM_SLOTS, SLOT_TRACKING_CODE)]


class ActionStartPetition(Action):
    """Clears what a previous petition left behind, so the form starts empty."""

    def name(self) -> str:
        return "action_start_petition"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # "Cháu nộp giùm bác…", an OTP code, another person's data: declined, never taken into a form.
        if await asyncio.to_thread(declines, (tracker.latest_message or {}).get("text") or ""):
            return [FollowupAction("action_answer_question")]
        return _clear_petition()


class ActionCancelPetition(Action):
    """ "hủy" outside a form: forget an unsent petition, or say there is nothing to cancel."""

    def name(self) -> str:
        return "action_cancel_petition"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        unsent = not tracker.get_slot(SLOT_TRACKING_CODE) and any(tracker.get_slot(s) for s in FORM_SLOTS)
        dispatcher.utter_message(text=CANCELLED if unsent else NOTHING_TO_CANCEL)
        return _clear_petition()


class ActionAskPetitionConsent(Action):
    """Purpose notice with the configured retention period, then the consent question."""

    def name(self) -> str:
        return "action_ask_petition_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=consent.consent_notice())
        return []


class ActionAskPetitionConfirm(Action):
    """Shows the summary of everything entered and asks for confirmation."""

    def name(self) -> str:
        return "action_ask_petition_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=petition_summary({s: tracker.get_slot(s) for s in EDITABLE_SLOTS}))
        return []


class ValidatePetitionForm(FormValidationAction):
    """Every answer is first checked for "hủy" / "sửa <mục>", then validated with a reason when wrong."""

    def name(self) -> str:
        return "validate_petition_form"

    def _control(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any] | None:
        """Handles what is not an answer to validate: a cleared slot, "hủy" or "sửa <mục>"."""
        if value is None:
            # Cleared by action_start_petition (or a correction), not typed by the citizen: nothing to check.
            return {slot: None}
        command = parse_command(tracker.latest_message.get("text") or "")
        if command is None:
            return None
        if command.kind == "cancel":
            dispatcher.utter_message(text=CANCELLED)
            return {**{s: None for s in FORM_SLOTS}, "requested_slot": None}
        target = command.slot or slot
        if target != slot and tracker.get_slot(target) is None:
            dispatcher.utter_message(text="Mục đó bạn chưa nhập; tôi sẽ hỏi đến sau.")
            return {slot: None}
        # The slot being answered holds the command text itself: clear it, then ask the target again.
        return {slot: None, target: None, SLOT_CONFIRM: None, "requested_slot": target}

    async def validate_petition_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        control = self._control(SLOT_CONSENT, value, dispatcher, tracker)
        if control is not None:
            return control
        answer = parse_yes_no(str(value or ""))
        if answer is True:
            return {SLOT_CONSENT: True}
        if answer is False:
            dispatcher.utter_message(text=consent.REFUSED_REPLY)
            return {**{s: None for s in FORM_SLOTS}, "requested_slot": None}
        dispatcher.utter_message(text='Xin bạn trả lời "đồng ý" hoặc "không".')
        return {SLOT_CONSENT: None}

    async def validate_petition_content(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        control = self._control(SLOT_CONTENT, value, dispatcher, tracker)
        if control is not None:
            return control
        text = normalize(str(value or ""))
        if len(text.split()) < 4:
            dispatcher.utter_message(
                text="Nội dung còn ngắn quá. Bạn mô tả rõ vấn đề gặp phải (việc gì, ở đâu, khi nào)."
            )
            return {SLOT_CONTENT: None}
        if len(text) > 4000:
            dispatcher.utter_message(text="Nội dung dài quá 4.000 ký tự. Bạn vui lòng tóm tắt lại.")
            return {SLOT_CONTENT: None}
        return {SLOT_CONTENT: text}

    async def validate_petition_subject(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        control = self._control(SLOT_SUBJECT, value, dispatcher, tracker)
        if control is not None:
            return control
        text = normalize(str(value or ""))[:500]
        if len(text) < 2:
            dispatcher.utter_message(
                text='Bạn cho biết tên thủ tục hoặc cơ quan liên quan (hoặc gõ "không rõ").'
            )
            return {SLOT_SUBJECT: None}
        return {SLOT_SUBJECT: text}

    async def validate_petition_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        control = self._control(SLOT_NAME, value, dispatcher, tracker)
        if control is not None:
            return control
        text = normalize(str(value or ""))
        if any(ch.isdigit() for ch in text) or len(text.split()) < 2 or len(text) > 100:
            dispatcher.utter_message(
                text="Bạn vui lòng nhập đầy đủ họ và tên (ví dụ: Nguyễn Văn An), không kèm chữ số."
            )
            return {SLOT_NAME: None}
        return {SLOT_NAME: text}

    async def validate_petition_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        control = self._control(SLOT_ADDRESS, value, dispatcher, tracker)
        if control is not None:
            return control
        text = normalize(str(value or ""))
        if len(text) < 5 or not any(ch.isalpha() for ch in text) or len(text) > 300:
            dispatcher.utter_message(text="Bạn vui lòng nhập địa chỉ liên hệ (thôn/tổ dân phố, xã/phường).")
            return {SLOT_ADDRESS: None}
        return {SLOT_ADDRESS: text}

    async def validate_petition_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        control = self._control(SLOT_CONTACT, value, dispatcher, tracker)
        if control is not None:
            return control
        check = check_contact(str(value or ""))
        if check.contact is None:
            dispatcher.utter_message(text=f"Chưa đúng: {check.reason}")
            return {SLOT_CONTACT: None}
        return {SLOT_CONTACT: check.contact.value}

    async def validate_petition_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        control = self._control(SLOT_CONFIRM, value, dispatcher, tracker)
        if control is not None:
            return control
        answer = parse_yes_no(str(value or ""))
        if answer is True:
            return {SLOT_CONFIRM: True}
        if answer is False:
            dispatcher.utter_message(
                text='Bạn muốn sửa mục nào? Gõ ví dụ "sửa địa chỉ", hoặc "hủy" nếu không gửi nữa.'
            )
        else:
            dispatcher.utter_message(text='Xin bạn trả lời "đồng ý" để gửi, "sửa <mục>" để sửa, hoặc "hủy".')
        return {SLOT_CONFIRM: None}


class ActionSubmitPetition(Action):
    """Stores a confirmed petition once (idempotent) and replies with the tracking code."""

    def name(self) -> str:
        return "action_submit_petition"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot(SLOT_CONFIRM) is not True or tracker.get_slot(SLOT_CONSENT) is not True:
            if tracker.latest_action_name == "action_listen":
                # Reached by a stray "có" with no petition pending (the retry rule), not by the form.
                dispatcher.utter_message(text=NOTHING_PENDING)
            return []  # cancelled or refused: the form already said so
        contact = check_contact(str(tracker.get_slot(SLOT_CONTACT) or "")).contact
        if contact is None:
            dispatcher.utter_message(text=CANCELLED)
            return _clear_petition()
        draft = PetitionDraft(
            full_name=tracker.get_slot(SLOT_NAME) or "",
            address=tracker.get_slot(SLOT_ADDRESS) or "",
            contact=contact,
            content=tracker.get_slot(SLOT_CONTENT) or "",
            subject=tracker.get_slot(SLOT_SUBJECT) or "",
        )
        try:
            result = await asyncio.to_thread(
                submit_petition,
                draft=draft,
                conversation_id=tracker.sender_id,
                consent_version=consent.NOTICE_VERSION,
            )
        except PetitionStoreError:
            # Logged with the cause in storage; the slots stay so "đồng ý" retries the same petition.
            dispatcher.utter_message(text=STORE_FAILED)
            return []
        dispatcher.utter_message(text=stored_reply(result))
        return [SlotSet(SLOT_TRACKING_CODE, result.tracking_code)]
