"""Kinds of request the assistant declines whatever the NLU says.

Which phrases raise them is data (data/lexicon/safety.yml, the admin's Từ vựng page); the one
analysis of a message (bot.understanding.query) finds them.
"""

from __future__ import annotations

from enum import Enum


class Concern(str, Enum):
    SENSITIVE = "sensitive"  # passwords, OTP codes, photos of ID cards sent to strangers
    PRIVACY = "privacy"  # asks for another person's phone, address, ID number or records
    REAL_ACTION = "real_action"  # asks the bot to log in, submit or pay on the citizen's behalf
    INJECTION = "injection"  # tries to change how the assistant answers (e.g. drop sources)
