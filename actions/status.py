"""Status lookups: a petition (tracking code + the sender's phone/e-mail) and an application (hồ sơ) code."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot.applications.lookup import answer as application_answer
from bot.applications.replies import ASK_FOR_CODE
from bot.feedback.dialogue import parse_command
from bot.feedback.replies import LOOKUP_CANCELLED, LOOKUP_FAILED, LOOKUP_REFUSED
from bot.feedback.replies import status_reply as petition_status_reply
from bot.feedback.storage import get_petition_status
from bot.feedback.tracking import parse_tracking_code
from bot.feedback.validation import check_contact, find_contact
from bot.text.codes import find_application_code

logger = logging.getLogger(__name__)

SLOT_LOOKUP_CODE = "petition_lookup_code"
SLOT_LOOKUP_CONTACT = "petition_lookup_contact"


def _text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def followup_for_reference(text: str) -> FollowupAction | None:
    """A message carrying a tracking or application code is a status request, whatever the NLU said.

    Actions reached by a misclassified intent return this to hand the message to the right flow.
    """
    if parse_tracking_code(text):
        return FollowupAction("petition_status_form")
    if find_application_code(text):
        return FollowupAction("action_application_status")
    return None


def _is_cancel(tracker: Tracker) -> bool:
    command = parse_command(_text(tracker))
    return command is not None and command.kind == "cancel"


class ValidatePetitionStatusForm(FormValidationAction):
    """Picks the tracking code and the phone/e-mail out of whatever the citizen types, in one or two messages."""

    def name(self) -> str:
        return "validate_petition_status_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # Answer inside the form as soon as both values are known: the same path whether they came in one
        # message (the form completes at activation) or two, so no rule after the form has to fire.
        if _is_cancel(tracker):
            dispatcher.utter_message(text=LOOKUP_CANCELLED)
            return [
                SlotSet(SLOT_LOOKUP_CODE, None),
                SlotSet(SLOT_LOOKUP_CONTACT, None),
                SlotSet("requested_slot", None),
            ]
        events = await super().run(dispatcher, tracker, domain)
        code, contact = tracker.get_slot(SLOT_LOOKUP_CODE), tracker.get_slot(SLOT_LOOKUP_CONTACT)
        if not code or not contact:
            return events
        await answer_petition_status(dispatcher, code, contact)
        return [
            *events,
            SlotSet(SLOT_LOOKUP_CODE, None),
            SlotSet(SLOT_LOOKUP_CONTACT, None),
            SlotSet("requested_slot", None),
        ]

    async def validate_petition_lookup_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return {SLOT_LOOKUP_CODE: value}  # already parsed by the extractor

    async def validate_petition_lookup_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return {SLOT_LOOKUP_CONTACT: value}

    async def extract_petition_lookup_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        code = parse_tracking_code(_text(tracker))
        if code:
            return {SLOT_LOOKUP_CODE: code}
        if tracker.get_slot("requested_slot") == SLOT_LOOKUP_CODE:
            dispatcher.utter_message(
                text="Tôi chưa thấy mã theo dõi trong tin nhắn. Mã có dạng PA-XXXX-XXXX."
            )
            return {SLOT_LOOKUP_CODE: None}
        return {}

    async def extract_petition_lookup_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        contact = find_contact(_text(tracker))
        if contact:
            return {SLOT_LOOKUP_CONTACT: contact.value}
        if tracker.get_slot("requested_slot") == SLOT_LOOKUP_CONTACT:
            dispatcher.utter_message(text=f"Chưa đúng: {check_contact(_text(tracker)).reason}")
            return {SLOT_LOOKUP_CONTACT: None}
        return {}


class ActionPetitionStatus(Action):
    """Runs after the status form: forgets the code and contact (the answer was given inside the form)."""

    def name(self) -> str:
        return "action_petition_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return [SlotSet(SLOT_LOOKUP_CODE, None), SlotSet(SLOT_LOOKUP_CONTACT, None)]


async def answer_petition_status(dispatcher: CollectingDispatcher, code: str, contact_value: str) -> None:
    """Answers only when code and contact both match; the refusal never says which one was wrong."""
    contact = check_contact(contact_value).contact
    if contact is None:
        dispatcher.utter_message(text=LOOKUP_REFUSED)
        return
    try:
        view = await asyncio.to_thread(get_petition_status, tracking_code=code, contact=contact)
    except SQLAlchemyError:
        logger.exception("petition status lookup failed")
        dispatcher.utter_message(text=LOOKUP_FAILED)
        return
    logger.info("petition status lookup: code=%s matched=%s", code, view is not None)
    dispatcher.utter_message(text=petition_status_reply(view) if view else LOOKUP_REFUSED)


class ActionApplicationStatus(Action):
    """Finds an application code in the message and answers from the status sources (bot.applications.lookup)."""

    def name(self) -> str:
        return "action_application_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        code = find_application_code(_text(tracker))
        if code is None:
            if parse_tracking_code(_text(tracker)):
                return [FollowupAction("petition_status_form")]
            dispatcher.utter_message(text=ASK_FOR_CODE)
            return []
        reply = await asyncio.to_thread(application_answer, code, today=dt.date.today())
        dispatcher.utter_message(text=reply)
        return []
