"""Working-day deadlines for petitions: weekends and Vietnam's public holidays (incl. lunar Tết) are skipped."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

# Nghị định 20/2008/NĐ-CP: a petition outside the receiving agency's competence is transferred within 5 working days.
TRANSFER_WORKING_DAYS = 5


@lru_cache(maxsize=8)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=[year, year + 1])


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (the day of receipt itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def transfer_deadline(received: dt.date) -> dt.date:
    return add_working_days(received, TRANSFER_WORKING_DAYS)
