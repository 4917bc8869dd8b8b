"""Questions the bot could not answer: masked storage and grouping for staff review."""

from bot.analytics.store import record_unanswered

__all__ = ["record_unanswered"]
