"""Production start-up refuses placeholder secrets and URLs and the default SQLite file, in one message."""

from __future__ import annotations

import pytest

from bot.settings import DEFAULT_DATABASE_URL, PROJECT_ROOT, Settings, get_settings, production_problems

GOOD = {
    "APP_ENV": "production",
    "SECRET_KEY": "9f1c2e7a5b3d4c6e8f0a1b2c3d4e5f60",
    "RASA_AUTH_TOKEN": "3b8e1f0c9d2a4e6b7c5d8f1a2b3c4d5e",
    "ACTION_SERVER_TOKEN": "c0ffee00deadbeef0123456789abcdef",
    "DATABASE_URL": "postgresql+psycopg2://tthc:Xk29-sd8f@db.internal:5432/tthc",
    "RASA_URL": "http://rasa:5005",
    "ACTION_SERVER_URL": "http://actions:5055/webhook",
    "REDIS_URL": "redis://redis:6379/1",
    "WIDGET_RASA_URL": "https://chatbot.quangtri.gov.vn",
    "WIDGET_ORIGINS": "https://chatbot.quangtri.gov.vn,https://dichvucong.quangtri.gov.vn",
}


def example_env() -> dict[str, str]:
    """deploy/production.env.example as an operator would copy it, comments stripped."""
    values = {}
    for line in (PROJECT_ROOT / "deploy" / "production.env.example").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def test_a_complete_production_environment_passes():
    assert production_problems(GOOD) == []
    Settings(environment="production").check(GOOD)


def test_development_checks_nothing():
    Settings(environment="development").check({})


def test_the_shipped_example_is_refused_with_every_problem_in_one_message():
    with pytest.raises(RuntimeError) as refused:
        Settings(environment="production").check(example_env())
    message = str(refused.value)
    assert message.startswith("APP_ENV=production refuses to start")
    for name in ("SECRET_KEY", "RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN"):
        assert name in message, name
    assert "DATABASE_URL has a placeholder password" in message


@pytest.mark.parametrize("database", [DEFAULT_DATABASE_URL, "", "sqlite:////srv/tthc.db"])
def test_sqlite_is_refused(database):
    assert any("SQLite" in p for p in production_problems({**GOOD, "DATABASE_URL": database}))


@pytest.mark.parametrize(
    "name,value",
    [
        ("SECRET_KEY", "changeme"),
        ("SECRET_KEY", "dev-only-not-secret"),
        ("RASA_AUTH_TOKEN", ""),
        ("ACTION_SERVER_TOKEN", "short"),
        ("REDIS_URL", ""),
        ("RASA_URL", "${RASA_URL}"),
        ("WIDGET_RASA_URL", "https://bot.example.gov.vn"),
        ("WIDGET_ORIGINS", ""),
        ("WIDGET_ORIGINS", "https://portal.example.com"),
    ],
)
def test_each_placeholder_is_named(name, value):
    problems = production_problems({**GOOD, name: value})
    assert len(problems) == 1 and name in problems[0], problems


def test_a_configured_channel_needs_all_its_secrets():
    zalo = production_problems({**GOOD, "ZALO_APP_ID": "1234567890", "ZALO_APP_SECRET": "changeme"})
    assert {p.split()[0] for p in zalo} == {
        "ZALO_APP_SECRET", "ZALO_OA_SECRET_KEY", "ZALO_ACCESS_TOKEN", "ZALO_REFRESH_TOKEN"
    }
    telegram = production_problems({**GOOD, "TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_BRIDGE_SECRET": "short"})
    assert telegram == ["TELEGRAM_BRIDGE_SECRET is shorter than 16 characters"]


def test_every_process_refuses_at_start_up(monkeypatch):
    """get_settings() is the first thing each process reads: it raises before anything is served."""
    for name in GOOD:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    get_settings.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            get_settings()
    finally:
        get_settings.cache_clear()
