"""Vietnamese text helpers: normalise once, fold for matching, parse codes and contacts."""

from bot.text.normalize import fold, normalize

__all__ = ["fold", "normalize"]
