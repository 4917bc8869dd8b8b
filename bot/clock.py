"""The one source of "today" for facts: fees and times with validity periods are stated as on this day.

Tests and demos set the day with :func:`set_today` or the ``BOT_TODAY=YYYY-MM-DD`` environment
variable; otherwise it is the current date in Vietnam (UTC+7, no daylight saving).
"""

from __future__ import annotations

import datetime as dt
import logging
import os

logger = logging.getLogger(__name__)

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")
ENV_VAR = "BOT_TODAY"

_override: dt.date | None = None


def set_today(day: dt.date | str | None) -> None:
    """Fix today's date for this process (``None`` goes back to the environment / real clock)."""
    global _override
    _override = dt.date.fromisoformat(day) if isinstance(day, str) else day


def today() -> dt.date:
    """The date facts are stated for: the override, else ``BOT_TODAY``, else the date in Vietnam."""
    if _override is not None:
        return _override
    raw = os.environ.get(ENV_VAR, "").strip()
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            logger.warning("%s=%r is not a YYYY-MM-DD date; using the real date", ENV_VAR, raw)
    return dt.datetime.now(VIETNAM).date()
