"""Rating buttons on channels that cannot show them: "đúng"/"sai" typed right after an answer rates it."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from bot.analytics.models import RATING_DOWN, RATING_UP
from bot.analytics.ratings import DOWN_TITLE, UP_TITLE, is_rating_payload, typed_rating
from bot.channels.rasa_client import Button
from bot.channels.state import SharedState, StateUnavailable

logger = logging.getLogger(__name__)

TYPED_HINT = 'Thông tin trên có đúng không? Anh/chị nhắn "đúng" hoặc "sai" để góp ý.'
_TITLES = {UP_TITLE: RATING_UP, DOWN_TITLE: RATING_DOWN}


def split_rating_buttons(buttons: Sequence[Button]) -> tuple[list[Button], list[Button]]:
    """(other buttons, 👍/👎 buttons), keeping their order."""
    others = [b for b in buttons if not is_rating_payload(b.payload)]
    rating = [b for b in buttons if is_rating_payload(b.payload)]
    return others, rating


class RatingReplyMemory:
    """The rating payloads of the last answer sent to each recipient; only the very next message may use
    them. Kept in the shared state, so the reply may reach another replica (Redis with several)."""

    def __init__(self, state: SharedState, ttl: float = 2 * 24 * 3600):
        self._state = state
        self._ttl = ttl

    @staticmethod
    def _key(sender: str) -> str:
        return f"zalo:rating:{sender}"

    async def remember(self, sender: str, buttons: Sequence[Button]) -> None:
        payloads = {_TITLES[b.title]: b.payload for b in buttons if b.title in _TITLES}
        if not payloads:
            return
        try:
            await self._state.put(self._key(sender), json.dumps(payloads), self._ttl)
        except StateUnavailable as exc:
            logger.warning("Rating reply not remembered (%s)", exc)

    async def resolve(self, sender: str, text: str) -> str:
        """The rating payload when the message is "đúng"/"sai"…; any message ends the chance to rate."""
        try:
            raw = await self._state.get(self._key(sender))
            if raw is None:
                return text
            await self._state.delete(self._key(sender))
        except StateUnavailable:
            return text
        payloads = json.loads(raw)
        rating = typed_rating(text)
        return payloads.get(rating, text) if rating else text
