"""Channel configuration from the environment (secrets never come from files in git)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlparse

from bot.settings import PROJECT_ROOT, get_settings

# Values that mean "not configured": .env.example ships these.
PLACEHOLDERS = {"", "changeme", "change-me", "replace-me", "secret", "placeholder"}


def env(name: str, default: str = "") -> str:
    """One environment variable, stripped, with a default for missing or blank values."""
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value.strip()


def env_float(name: str, default: float) -> float:
    try:
        return float(env(name, str(default)))
    except ValueError:
        return default


def env_int(name: str, default: int) -> int:
    try:
        return int(env(name, str(default)))
    except ValueError:
        return default


def is_placeholder(value: str | None) -> bool:
    """True for unset values and the placeholders shipped in .env.example."""
    return value is None or value.strip().lower() in PLACEHOLDERS or value.strip().startswith("${")


@dataclass(frozen=True)
class TelegramConfig:
    """Everything the Telegram bridge reads; build it with :meth:`from_env`."""

    token: str
    mode: str = "polling"
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    api_base_url: str = "https://api.telegram.org/bot"
    rasa_url: str = "http://localhost:5005"
    rasa_timeout: float = 30.0
    rate_limit: int = 20
    rate_window: float = 60.0

    @property
    def webhook_path(self) -> str:
        """The local route is the path of the public URL, so a proxy can forward it unchanged."""
        return urlparse(self.webhook_url).path or "/telegram/webhook"

    @classmethod
    def from_env(cls) -> TelegramConfig:
        return cls(
            token=env("TELEGRAM_BOT_TOKEN"),
            mode=env("TELEGRAM_MODE", "polling").lower(),
            webhook_url=env("TELEGRAM_WEBHOOK_URL"),
            webhook_secret=env("TELEGRAM_WEBHOOK_SECRET"),
            webhook_listen=env("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"),
            webhook_port=env_int("TELEGRAM_WEBHOOK_PORT", 8443),
            api_base_url=env("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot"),
            rasa_url=get_settings().rasa_url,
            rasa_timeout=env_float("RASA_TIMEOUT", 30.0),
            rate_limit=env_int("TELEGRAM_RATE_LIMIT", 20),
            rate_window=env_float("TELEGRAM_RATE_WINDOW", 60.0),
        )

    def check(self) -> None:
        """Refuse to start with a missing token or an unprotected webhook."""
        if is_placeholder(self.token):
            raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
        if self.mode not in {"polling", "webhook"}:
            raise RuntimeError("TELEGRAM_MODE must be 'polling' or 'webhook'")
        if self.mode == "webhook":
            if not self.webhook_url.startswith("https://"):
                raise RuntimeError("TELEGRAM_WEBHOOK_URL must be an https:// URL in webhook mode")
            if is_placeholder(self.webhook_secret) or len(self.webhook_secret) < 16:
                raise RuntimeError("TELEGRAM_WEBHOOK_SECRET must be a random string of 16+ characters")


@dataclass(frozen=True)
class ZaloConfig:
    """Zalo OA connector settings: credentials.yml values win, the environment fills the rest."""

    app_id: str
    app_secret: str
    oa_secret_key: str
    access_token: str = ""
    refresh_token: str = ""
    token_store_path: str = str(PROJECT_ROOT / "var" / "zalo_tokens.json")
    api_base: str = "https://openapi.zalo.me"
    oauth_base: str = "https://oauth.zaloapp.com"
    replay_window: float = 300.0
    max_body_bytes: int = 64 * 1024
    http_timeout: float = 10.0
    rate_limit: int = 20
    rate_window: float = 60.0

    @classmethod
    def from_credentials(cls, credentials: dict | None) -> ZaloConfig:
        creds = {k: ("" if v is None else str(v)) for k, v in (credentials or {}).items()}

        def pick(key: str, env_name: str, default: str = "") -> str:
            value = creds.get(key, "")
            return value if not is_placeholder(value) else env(env_name, default)

        return cls(
            app_id=pick("app_id", "ZALO_APP_ID"),
            app_secret=pick("app_secret", "ZALO_APP_SECRET"),
            oa_secret_key=pick("oa_secret_key", "ZALO_OA_SECRET_KEY"),
            access_token=pick("access_token", "ZALO_ACCESS_TOKEN"),
            refresh_token=pick("refresh_token", "ZALO_REFRESH_TOKEN"),
            token_store_path=str(
                PROJECT_ROOT / pick("token_store", "ZALO_TOKEN_STORE", cls.token_store_path)
            ),
            api_base=pick("api_base", "ZALO_API_BASE", cls.api_base).rstrip("/"),
            oauth_base=pick("oauth_base", "ZALO_OAUTH_BASE", cls.oauth_base).rstrip("/"),
            replay_window=float(pick("replay_window", "ZALO_REPLAY_WINDOW", str(cls.replay_window))),
            max_body_bytes=int(pick("max_body_bytes", "ZALO_MAX_BODY_BYTES", str(cls.max_body_bytes))),
            http_timeout=float(pick("http_timeout", "ZALO_HTTP_TIMEOUT", str(cls.http_timeout))),
            rate_limit=int(pick("rate_limit", "ZALO_RATE_LIMIT", str(cls.rate_limit))),
            rate_window=float(pick("rate_window", "ZALO_RATE_WINDOW", str(cls.rate_window))),
        )

    @property
    def can_verify(self) -> bool:
        """Without a real app id and OA secret every event is refused."""
        return not (is_placeholder(self.app_id) or is_placeholder(self.oa_secret_key))
