"""Pushing petition results into the citizen's Telegram chat or Zalo conversation.

Called right after staff close a petition (admin) and every few minutes by the web app for retries.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot
from telegram.error import TelegramError

from bot.analytics.identity import CHANNEL_TELEGRAM, CHANNEL_ZALO
from bot.channels.config import TelegramConfig, ZaloConfig, is_placeholder
from bot.channels.render import TELEGRAM_LIMIT, ZALO_TEXT_LIMIT, split_text
from bot.channels.zalo_api import ZaloApi, ZaloApiError
from bot.channels.zalo_tokens import JsonFileTokenStore
from bot.db import session_scope
from bot.feedback import notices

logger = logging.getLogger(__name__)


class Pusher(Protocol):
    channel: str

    async def push(self, address: str, text: str) -> bool:
        """True when delivered; False when the channel refused for now (Zalo's window); raises on failure."""
        ...


class TelegramPusher:
    """sendMessage through the Bot API (TELEGRAM_API_BASE_URL points tests at a loopback fake)."""

    channel = CHANNEL_TELEGRAM

    def __init__(self, config: TelegramConfig):
        self._config = config

    async def push(self, address: str, text: str) -> bool:
        chat_id = int(address.removeprefix("tg:"))
        async with Bot(self._config.token, base_url=self._config.api_base_url) as bot:
            for chunk in split_text(text, TELEGRAM_LIMIT):
                await bot.send_message(chat_id=chat_id, text=chunk, disable_web_page_preview=True)
        return True


class ZaloPusher:
    """A CS message to a follower; refused outside the OA's messaging window (then: at their next message)."""

    channel = CHANNEL_ZALO

    def __init__(self, config: ZaloConfig):
        self._api = ZaloApi(config, JsonFileTokenStore(config.token_store_path))

    async def push(self, address: str, text: str) -> bool:
        recipient = {"user_id": address.removeprefix("zalo:")}
        try:
            for chunk in split_text(text, ZALO_TEXT_LIMIT):
                if await self._api.send_message(recipient, {"text": chunk}) is None:
                    return False
            return True
        finally:
            await self._api.close()


def configured_pushers() -> list[Pusher]:
    """The channels whose credentials are set in this process's environment."""
    pushers: list[Pusher] = []
    telegram = TelegramConfig.from_env()
    if not is_placeholder(telegram.token):
        pushers.append(TelegramPusher(telegram))
    zalo = ZaloConfig.from_credentials(None)
    if not is_placeholder(zalo.access_token) or not is_placeholder(zalo.refresh_token):
        pushers.append(ZaloPusher(zalo))
    return pushers


@dataclass
class PushReport:
    sent: int = 0
    waiting: int = 0
    failed: list[str] = field(default_factory=list)


async def push_pending(pushers: list[Pusher] | None = None, *, timeout: float = 15.0) -> PushReport:
    """Try every pending notice on a configured push channel once; never raises for a channel failure."""
    pushers = configured_pushers() if pushers is None else pushers
    report = PushReport()
    by_channel = {p.channel: p for p in pushers}
    if not by_channel:
        return report
    with session_scope() as session:
        pending = [(n.id, n.channel, n.address, n.text)
                   for n in notices.pushable(session=session, channels=tuple(by_channel))]
    for notice_id, channel, address, text in pending:
        with session_scope() as session:
            if not notices.claim(session=session, notice_id=notice_id):
                continue
        error = ""
        delivered = False
        try:
            delivered = await asyncio.wait_for(by_channel[channel].push(address, text), timeout)
            if not delivered:
                error = notices.OUTSIDE_WINDOW
        except (TelegramError, ZaloApiError, asyncio.TimeoutError, ValueError, OSError) as exc:
            error = type(exc).__name__
            logger.warning("petition notice %s not pushed on %s: %s", notice_id, channel, error)
        with session_scope() as session:
            row = session.get(notices.PetitionNotice, notice_id)
            if row is None:
                continue
            if delivered:
                notices.mark_sent(row)
                report.sent += 1
            else:
                notices.mark_failed(row, error)
                report.waiting += error == notices.OUTSIDE_WINDOW
                if error != notices.OUTSIDE_WINDOW:
                    report.failed.append(error)
    return report


def take_for_sender(sender_id: str) -> list[str]:
    """Notices waiting for this sender's next message or visit (synchronous: call via asyncio.to_thread)."""
    with session_scope() as session:
        return notices.take_for_sender(session=session, sender_id=sender_id)


async def hand_over(sender_id: str, send: Callable[[str], Awaitable[None]]) -> int:
    """Send this sender's waiting notices through the reply channel at hand; returns how many."""
    try:
        texts = await asyncio.to_thread(take_for_sender, sender_id)
    except SQLAlchemyError:
        logger.exception("could not read waiting petition notices")
        return 0
    for text in texts:
        await send(text)
    return len(texts)
