"""Answering "where is my application?": which source to ask, and what a code no source knows means.

- One-stop system connected: its answer is live. A code it does not know is reported as not found
  (check the code). If it fails, a status staff loaded is used, else "try again later".
- Not connected: only statuses staff loaded exist. A code among them is answered with the date of
  the information; any other code gets "I cannot look codes up yet, check here", never a hint that
  the code is wrong.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import lru_cache

from bot.applications import replies
from bot.applications.onestop import OneStopConfigError, OneStopProvider
from bot.applications.provider import (
    ApplicationLookupError,
    ApplicationStatus,
    ApplicationStatusProvider,
    DatabaseStatusProvider,
)
from bot.settings import get_settings

logger = logging.getLogger(__name__)

FOUND, NOT_FOUND, UNKNOWN, FAILED = "found", "not_found", "unknown", "failed"


@dataclass(frozen=True)
class Lookup:
    outcome: str  # FOUND | NOT_FOUND (authoritative source) | UNKNOWN (no source can tell) | FAILED
    status: ApplicationStatus | None = None


def _ask(provider: ApplicationStatusProvider, code: str) -> tuple[ApplicationStatus | None, bool]:
    """(status, failed)."""
    try:
        return provider.get_status(code), False
    except ApplicationLookupError:
        logger.exception("application status source %s failed for code=%s", provider.__class__.__name__, code)
        return None, True


def lookup(code: str, *, live: ApplicationStatusProvider | None, stored: ApplicationStatusProvider) -> Lookup:
    if live is not None:
        status, live_failed = _ask(live, code)
        if status is not None:
            return Lookup(FOUND, status)
        kept, _ = _ask(stored, code)
        if kept is not None:
            return Lookup(FOUND, kept)
        return Lookup(FAILED if live_failed else NOT_FOUND)
    kept, failed = _ask(stored, code)
    if kept is not None:
        return Lookup(FOUND, kept)
    return Lookup(FAILED if failed else UNKNOWN)


@lru_cache(maxsize=1)
def _live_provider(base_url: str, token: str, timeout: float, path: str) -> OneStopProvider | None:
    if not base_url:
        return None
    try:
        return OneStopProvider(base_url=base_url, token=token, timeout=timeout, status_path=path)
    except OneStopConfigError:
        logger.exception("One-stop system not usable; answering from loaded statuses only")
        return None


def live_provider() -> OneStopProvider | None:
    """The configured one-stop adapter (one HTTP client per process), or None when not connected."""
    s = get_settings()
    return _live_provider(s.onestop_base_url, s.onestop_token, s.onestop_timeout, s.onestop_status_path)


def answer(code: str, *, today: dt.date) -> str:
    """The citizen's reply for an application code."""
    result = lookup(code, live=live_provider(), stored=DatabaseStatusProvider())
    logger.info("application status lookup: code=%s outcome=%s", code, result.outcome)
    if result.outcome == FOUND:
        assert result.status is not None
        return replies.status_reply(result.status, today=today)
    if result.outcome == NOT_FOUND:
        return replies.not_found_reply(code)
    if result.outcome == UNKNOWN:
        return replies.cannot_look_up_reply(code)
    return replies.lookup_failed_reply()
