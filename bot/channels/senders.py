"""Conversation ids are namespaced by channel; this module is the one place that knows the namespaces.

Only the channel a namespace belongs to may speak for it: Telegram chats (``tg:``) arrive through the
authenticated bridge channel, Zalo users (``zalo:``, ``zalo-anon:``) through the signed Zalo webhook.
The public REST endpoint refuses those ids, so nobody can continue a citizen's conversation there.
"""

from __future__ import annotations

TELEGRAM = "telegram"
ZALO = "zalo"
WEB = "web"
OTHER = "rest"

TELEGRAM_PREFIX = "tg:"
ZALO_PREFIX = "zalo:"
ZALO_ANONYMOUS_PREFIX = "zalo-anon:"
WEB_PREFIX = "web:"

_CHANNEL_OF_PREFIX = {
    TELEGRAM_PREFIX: TELEGRAM,
    ZALO_ANONYMOUS_PREFIX: ZALO,
    ZALO_PREFIX: ZALO,
    WEB_PREFIX: WEB,
}
RESERVED_PREFIXES = (TELEGRAM_PREFIX, ZALO_PREFIX, ZALO_ANONYMOUS_PREFIX)


def telegram_sender(chat_id: int | str) -> str:
    return f"{TELEGRAM_PREFIX}{chat_id}"


def zalo_sender(user_id: str, *, anonymous: bool = False) -> str:
    return f"{ZALO_ANONYMOUS_PREFIX if anonymous else ZALO_PREFIX}{user_id}"


def channel_of(sender_id: str) -> str:
    """The channel a conversation belongs to (``telegram``, ``zalo``, ``web``; ``rest`` for anything else)."""
    for prefix, channel in _CHANNEL_OF_PREFIX.items():
        if sender_id.startswith(prefix):
            return channel
    return OTHER


def is_reserved(sender_id: str) -> bool:
    """True for ids only an authenticated channel may use (checked case- and space-insensitively)."""
    folded = "".join(sender_id.split()).lower()
    return folded.startswith(RESERVED_PREFIXES)
