"""Rating buttons on channels that cannot show them: "đúng"/"sai" typed right after an answer rates it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from bot.analytics.models import RATING_DOWN, RATING_UP
from bot.analytics.ratings import DOWN_TITLE, UP_TITLE, is_rating_payload, typed_rating
from bot.channels.rasa_client import Button

TYPED_HINT = 'Thông tin trên có đúng không? Anh/chị nhắn "đúng" hoặc "sai" để góp ý.'
_TITLES = {UP_TITLE: RATING_UP, DOWN_TITLE: RATING_DOWN}


def split_rating_buttons(buttons: Sequence[Button]) -> tuple[list[Button], list[Button]]:
    """(other buttons, 👍/👎 buttons), keeping their order."""
    others = [b for b in buttons if not is_rating_payload(b.payload)]
    rating = [b for b in buttons if is_rating_payload(b.payload)]
    return others, rating


class RatingReplyMemory:
    """The rating payloads of the last answer sent to each recipient; only the very next message may use them."""

    def __init__(self, capacity: int = 10_000):
        self._capacity = capacity
        self._items: OrderedDict[str, dict[str, str]] = OrderedDict()

    def remember(self, sender: str, buttons: Sequence[Button]) -> None:
        payloads = {_TITLES[b.title]: b.payload for b in buttons if b.title in _TITLES}
        if not payloads:
            return
        self._items[sender] = payloads
        self._items.move_to_end(sender)
        if len(self._items) > self._capacity:
            self._items.popitem(last=False)

    def resolve(self, sender: str, text: str) -> str:
        """The rating payload when the message is "đúng"/"sai"…; any message ends the chance to rate."""
        payloads = self._items.pop(sender, None)
        rating = typed_rating(text) if payloads else None
        return payloads.get(rating, text) if payloads and rating else text
