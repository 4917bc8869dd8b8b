"""One settings object, read from the environment with safe defaults for a local run."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "replace-me"}


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value.strip()


def _env_float(name: str, default: float) -> float:
    try:
        return float(_env(name, str(default)))
    except ValueError:
        return default


def _env_int(name: str, default: int) -> int:
    try:
        return int(_env(name, str(default)))
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; build it with :func:`get_settings`."""

    environment: str = "development"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'tthc.db'}"
    rasa_url: str = "http://localhost:5005"
    action_server_url: str = "http://localhost:5055/webhook"
    web_port: int = 8080
    # NLU confidence below which we do not trust the intent on its own.
    nlu_threshold: float = 0.45
    # Resolver score (0-100) needed to answer about a procedure without asking.
    resolve_threshold: float = 63.0
    # Two candidates closer than this are ambiguous and the citizen is asked to choose.
    ambiguity_margin: float = 6.0
    national_portal_url: str = "https://dichvucong.gov.vn"
    national_hotline: str = "1800 1096"
    secret_key: str = "dev-only-not-secret"
    petition_retention_days: int = 365
    # Records whose source is older than this many days are listed on the admin's freshness page.
    source_max_age_days: int = 180
    admin_session_minutes: int = 120
    rasa_auth_token: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def check(self) -> None:
        """Refuse to run production with placeholder secrets or the default SQLite file."""
        if self.is_production and self.secret_key.lower() in _PLACEHOLDERS | {"dev-only-not-secret"}:
            raise RuntimeError("SECRET_KEY must be set to a real secret in production")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    settings = Settings(
        environment=_env("APP_ENV", "development"),
        database_url=_env("DATABASE_URL", Settings.database_url),
        rasa_url=_env("RASA_URL", Settings.rasa_url).rstrip("/"),
        action_server_url=_env("ACTION_SERVER_URL", Settings.action_server_url),
        web_port=_env_int("WEB_PORT", Settings.web_port),
        nlu_threshold=_env_float("NLU_THRESHOLD", Settings.nlu_threshold),
        resolve_threshold=_env_float("RESOLVE_THRESHOLD", Settings.resolve_threshold),
        ambiguity_margin=_env_float("AMBIGUITY_MARGIN", Settings.ambiguity_margin),
        national_portal_url=_env("NATIONAL_PORTAL_URL", Settings.national_portal_url),
        national_hotline=_env("NATIONAL_HOTLINE", Settings.national_hotline),
        secret_key=_env("SECRET_KEY", Settings.secret_key),
        petition_retention_days=_env_int("PETITION_RETENTION_DAYS", Settings.petition_retention_days),
        source_max_age_days=_env_int("SOURCE_MAX_AGE_DAYS", Settings.source_max_age_days),
        admin_session_minutes=_env_int("ADMIN_SESSION_MINUTES", Settings.admin_session_minutes),
        rasa_auth_token=os.environ.get("RASA_AUTH_TOKEN", "").strip(),
    )
    settings.check()
    return settings
