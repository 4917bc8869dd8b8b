"""Petition tracking codes: short, unguessable, easy to read aloud over the phone."""

from __future__ import annotations

import secrets

from bot.text.codes import TRACKING_ALPHABET, find_tracking_code, format_tracking_code

__all__ = ["new_tracking_code", "parse_tracking_code"]


def new_tracking_code() -> str:
    """A fresh code like 'PA-7K3Q-M2XD' (32^8 ≈ 10^12 possibilities; uniqueness is enforced by the table)."""
    return format_tracking_code("".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8)))


def parse_tracking_code(text: str) -> str | None:
    """The tracking code in what the citizen typed ('pa 7k3q m2xd' works too), or None."""
    return find_tracking_code(text)
