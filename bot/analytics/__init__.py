"""What citizens ask and how the bot did: unanswered questions, turns, ratings, the dashboard figures."""

from bot.analytics.store import record_unanswered
from bot.analytics.turns import record_turn

__all__ = ["record_turn", "record_unanswered"]
