"""Who a turn came from, without keeping who: the channel from the sender id, and a keyed hash of it."""

from __future__ import annotations

import hashlib
import hmac

from bot.settings import get_settings

CHANNEL_TELEGRAM = "telegram"
CHANNEL_ZALO = "zalo"
CHANNEL_WEB = "web"
CHANNEL_OTHER = "other"
CHANNEL_LABELS = {
    CHANNEL_TELEGRAM: "Telegram",
    CHANNEL_ZALO: "Zalo",
    CHANNEL_WEB: "Web widget",
    CHANNEL_OTHER: "Khác",
}
# Sender ids are namespaced by the channel adapters: tg:<chat>, zalo:<user>, zalo-anon:<visitor>, web:<random>.
_PREFIXES = (("tg:", CHANNEL_TELEGRAM), ("zalo:", CHANNEL_ZALO), ("zalo-anon:", CHANNEL_ZALO), ("web:", CHANNEL_WEB))


def channel_of(sender_id: str) -> str:
    """The channel a Rasa sender id belongs to (``other`` for the REST API and tests)."""
    for prefix, channel in _PREFIXES:
        if sender_id.startswith(prefix):
            return channel
    return CHANNEL_OTHER


def sender_hash(sender_id: str) -> str:
    """HMAC-SHA256 of the sender id with SECRET_KEY: stable per sender, useless without the key."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, sender_id.encode(), hashlib.sha256).hexdigest()[:32]
