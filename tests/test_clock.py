"""The one source of "today": overridable in tests, from BOT_TODAY, else the date in Vietnam."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import clock


@pytest.fixture(autouse=True)
def _reset():
    yield
    clock.set_today(None)


def test_set_today_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("BOT_TODAY", "2027-01-01")
    clock.set_today("2026-12-01")
    assert clock.today() == dt.date(2026, 12, 1)
    clock.set_today(None)
    assert clock.today() == dt.date(2027, 1, 1)


def test_a_bad_environment_value_falls_back_to_the_real_date_in_vietnam(monkeypatch, caplog):
    monkeypatch.setenv("BOT_TODAY", "tomorrow")
    assert clock.today() == dt.datetime.now(clock.VIETNAM).date()
    assert "BOT_TODAY" in caplog.text


def test_without_override_the_date_is_vietnam_time(monkeypatch):
    monkeypatch.delenv("BOT_TODAY", raising=False)
    assert clock.today() == dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
