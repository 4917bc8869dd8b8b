"""One settings object, read from the environment with safe defaults for a local run."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'tthc.db'}"
DEV_SECRET_KEY = "dev-only-not-secret"

# Values that mean "not configured": .env.example and the deploy examples ship these.
PLACEHOLDERS = {"", "changeme", "change-me", "replace-me", "secret", "placeholder", "password", DEV_SECRET_KEY}
MIN_SECRET_LENGTH = 16
# Secrets every production process needs, whatever channels run.
PRODUCTION_SECRETS = ("SECRET_KEY", "RASA_AUTH_TOKEN", "ACTION_SERVER_TOKEN")
PRODUCTION_URLS = ("DATABASE_URL", "RASA_URL", "ACTION_SERVER_URL", "REDIS_URL", "WIDGET_RASA_URL")
# A channel is in use when its first variable is set; then all of its variables must be real.
CHANNEL_SECRETS = {
    "Telegram": ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BRIDGE_SECRET"),
    "Zalo": ("ZALO_APP_ID", "ZALO_APP_SECRET", "ZALO_OA_SECRET_KEY", "ZALO_ACCESS_TOKEN", "ZALO_REFRESH_TOKEN"),
}


def is_placeholder(value: str | None) -> bool:
    """True for unset values, the placeholders shipped in examples, and unexpanded ``${VAR}``."""
    return value is None or value.strip().lower() in PLACEHOLDERS or value.strip().startswith("${")


def _url_problem(name: str, value: str) -> str | None:
    """Why a configured URL cannot be a production value, or None."""
    if is_placeholder(value):
        return f"{name} is not set"
    parts = urlsplit(value)
    if value == DEFAULT_DATABASE_URL or (name == "DATABASE_URL" and parts.scheme.startswith("sqlite")):
        return f"{name} points at a SQLite file; production needs PostgreSQL (postgresql+psycopg2://...)"
    if not parts.scheme or not (parts.hostname or parts.path):
        return f"{name} is not a URL: {value!r}"
    host = parts.hostname or ""
    if host == "example" or host.endswith((".example", "example.com", "example.org")) or ".example." in host:
        return f"{name} still has the example host {host!r}"
    if parts.password is not None and is_placeholder(parts.password):
        return f"{name} has a placeholder password"
    return None


def production_problems(environ: Mapping[str, str]) -> list[str]:
    """Everything that keeps this environment from running in production, one line each."""
    problems: list[str] = []

    def value(name: str) -> str:
        return (environ.get(name) or "").strip()

    for name in PRODUCTION_SECRETS:
        if is_placeholder(value(name)) or len(value(name)) < MIN_SECRET_LENGTH:
            problems.append(f"{name} must be a random secret of {MIN_SECRET_LENGTH}+ characters")
    database = value("DATABASE_URL") or DEFAULT_DATABASE_URL
    for name in PRODUCTION_URLS:
        problem = _url_problem(name, database if name == "DATABASE_URL" else value(name))
        if problem:
            problems.append(problem)
    origins = value("WIDGET_ORIGINS").replace(",", " ").split()
    if not origins:
        problems.append("WIDGET_ORIGINS must list the pages that embed the widget (https://...)")
    problems += [p for o in origins if o != "*" and (p := _url_problem("WIDGET_ORIGINS", o))]
    for channel, names in CHANNEL_SECRETS.items():
        if any(not is_placeholder(value(n)) for n in names[:1]):
            problems += [f"{n} is a placeholder but {channel} is configured" for n in names if is_placeholder(value(n))]
            problems += [f"{n} is shorter than {MIN_SECRET_LENGTH} characters" for n in names
                         if n.endswith("_SECRET") and not is_placeholder(value(n)) and len(value(n)) < MIN_SECRET_LENGTH]
    return problems


def env(name: str, default: str = "") -> str:
    """One environment variable, stripped, with a default for missing or blank values."""
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value.strip()


def env_float(name: str, default: float) -> float:
    try:
        return float(env(name, str(default)))
    except ValueError:
        return default


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    try:
        return int(env(name, str(default)))
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; build it with :func:`get_settings`."""

    environment: str = "development"
    database_url: str = DEFAULT_DATABASE_URL
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
    secret_key: str = DEV_SECRET_KEY
    petition_retention_days: int = 365
    # Records whose source is older than this many days are listed on the admin's freshness page.
    source_max_age_days: int = 180
    admin_session_minutes: int = 120
    rasa_auth_token: str = ""
    # Understanding (docs/understanding.md): the learned ranker and the intent model can be switched
    # off for an ablation; a rebuild after a staff edit runs in the background unless sync_rebuild.
    use_ranker: bool = True
    use_nlu_intent: bool = True
    sync_rebuild: bool = False
    # Trainer pipeline (docs/training.md): Rasa config to train with, the replicas to reload after a
    # promotion ("dns+http://name:port" = every address of name), the served model's path as the
    # replicas see it (default: this checkout's models/current.tar.gz), how long to wait for a replica.
    train_config: str = ""
    rasa_replica_urls: tuple[str, ...] = ()
    rasa_model_path: str = ""
    rasa_reload_wait: float = 0.0
    # Provincial one-stop system (bot/applications/onestop.py); no base URL = not connected.
    onestop_base_url: str = ""
    onestop_token: str = ""
    onestop_timeout: float = 5.0
    onestop_status_path: str = "/dossiers/{code}"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def check(self, environ: Mapping[str, str] | None = None) -> None:
        """In production, refuse to start with any placeholder secret or URL, or the default SQLite file:
        one message listing every problem, so an operator fixes them in one go."""
        if not self.is_production:
            return
        problems = production_problems(os.environ if environ is None else environ)
        if problems:
            raise RuntimeError(
                "APP_ENV=production refuses to start until these settings are fixed "
                "(deploy/production.env.example):\n- " + "\n- ".join(problems)
            )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    settings = Settings(
        environment=env("APP_ENV", "development"),
        database_url=env("DATABASE_URL", Settings.database_url),
        rasa_url=env("RASA_URL", Settings.rasa_url).rstrip("/"),
        action_server_url=env("ACTION_SERVER_URL", Settings.action_server_url),
        web_port=env_int("WEB_PORT", Settings.web_port),
        nlu_threshold=env_float("NLU_THRESHOLD", Settings.nlu_threshold),
        resolve_threshold=env_float("RESOLVE_THRESHOLD", Settings.resolve_threshold),
        ambiguity_margin=env_float("AMBIGUITY_MARGIN", Settings.ambiguity_margin),
        national_portal_url=env("NATIONAL_PORTAL_URL", Settings.national_portal_url),
        national_hotline=env("NATIONAL_HOTLINE", Settings.national_hotline),
        secret_key=env("SECRET_KEY", Settings.secret_key),
        petition_retention_days=env_int("PETITION_RETENTION_DAYS", Settings.petition_retention_days),
        source_max_age_days=env_int("SOURCE_MAX_AGE_DAYS", Settings.source_max_age_days),
        admin_session_minutes=env_int("ADMIN_SESSION_MINUTES", Settings.admin_session_minutes),
        rasa_auth_token=os.environ.get("RASA_AUTH_TOKEN", "").strip(),
        use_ranker=env_bool("USE_RANKER", Settings.use_ranker),
        use_nlu_intent=env_bool("USE_NLU_INTENT", Settings.use_nlu_intent),
        sync_rebuild=env_bool("UNDERSTANDING_SYNC_REBUILD", Settings.sync_rebuild),
        train_config=env("TRAIN_CONFIG", ""),
        rasa_replica_urls=tuple(u.strip() for u in env("RASA_REPLICA_URLS", "").split(",") if u.strip()),
        rasa_model_path=env("RASA_MODEL_PATH", ""),
        rasa_reload_wait=env_float("RASA_RELOAD_WAIT", Settings.rasa_reload_wait),
        onestop_base_url=env("ONESTOP_BASE_URL", "").rstrip("/"),
        onestop_token=os.environ.get("ONESTOP_TOKEN", "").strip(),
        onestop_timeout=env_float("ONESTOP_TIMEOUT", Settings.onestop_timeout),
        onestop_status_path=env("ONESTOP_STATUS_PATH", Settings.onestop_status_path),
    )
    settings.check()
    return settings
