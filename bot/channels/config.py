"""Channel configuration from the environment (secrets never come from files in git)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from bot.settings import (
    MIN_SECRET_LENGTH,
    PROJECT_ROOT,
    env,
    env_float,
    env_int,
    get_settings,
    is_placeholder,
)


def env_list(name: str, default: str = "") -> list[str]:
    """A comma- or space-separated list variable."""
    return [item for item in env(name, default).replace(",", " ").split() if item]


@dataclass(frozen=True)
class RestConfig:
    """The public REST channel (web widget, terminal clients) and the bridge channel behind it."""

    max_body_bytes: int = 64 * 1024
    # Per client address; generous because mobile carriers put many citizens behind one address.
    rate_limit: int = 60
    rate_window: float = 60.0
    # Local tools (evaluation, benchmarks) are not limited; set REST_TRUSTED_PROXIES behind a proxy.
    rate_exempt: tuple[str, ...] = ("127.0.0.1", "::1")
    # Reverse proxies in front of Rasa that append to X-Forwarded-For (0: use the peer address).
    trusted_proxies: int = 0
    # Pages allowed to call the chat webhook from a browser ("*" for any page).
    widget_origins: tuple[str, ...] = ()
    bridge_secret: str = ""

    @classmethod
    def from_env(cls) -> RestConfig:
        port = get_settings().web_port
        local = f"http://localhost:{port},http://127.0.0.1:{port}"
        return cls(
            max_body_bytes=env_int("REST_MAX_BODY_BYTES", cls.max_body_bytes),
            rate_limit=env_int("REST_RATE_LIMIT", cls.rate_limit),
            rate_window=env_float("REST_RATE_WINDOW", cls.rate_window),
            rate_exempt=tuple(env_list("REST_RATE_EXEMPT", " ".join(cls.rate_exempt))),
            trusted_proxies=env_int("REST_TRUSTED_PROXIES", cls.trusted_proxies),
            widget_origins=tuple(env_list("WIDGET_ORIGINS", local)),
            bridge_secret=env("TELEGRAM_BRIDGE_SECRET"),
        )


def strong_secret(value: str) -> bool:
    """A shared secret worth the name: set, not a placeholder, 16+ characters."""
    return not is_placeholder(value) and len(value) >= MIN_SECRET_LENGTH


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
    # Shared with Rasa's bridge channel (bot.channels.bridge): proves the messages come from this bridge.
    bridge_secret: str = ""

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
            bridge_secret=env("TELEGRAM_BRIDGE_SECRET"),
        )

    def check(self) -> None:
        """Refuse to start with a missing token or an unprotected webhook."""
        if is_placeholder(self.token):
            raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
        if not strong_secret(self.bridge_secret):
            raise RuntimeError(
                "TELEGRAM_BRIDGE_SECRET must be a random string of 16+ characters, the same for the bridge "
                "and Rasa (openssl rand -hex 32)"
            )
        if self.mode not in {"polling", "webhook"}:
            raise RuntimeError("TELEGRAM_MODE must be 'polling' or 'webhook'")
        if self.mode == "webhook":
            if not self.webhook_url.startswith("https://"):
                raise RuntimeError("TELEGRAM_WEBHOOK_URL must be an https:// URL in webhook mode")
            if not strong_secret(self.webhook_secret):
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
    # Replies to followers (user_id): the OA v3 consultation ("tư vấn") message API.
    follower_message_endpoint: str = "/v3.0/oa/message/cs"
    # Replies to website chat-widget visitors (anonymous_id + conversation_id): the v2 message API,
    # the one independent Zalo clients use for anonymous senders. Either may be a path under
    # api_base or a full URL, so a move by Zalo is a configuration change.
    anonymous_message_endpoint: str = "/v2.0/oa/message"
    refresh_path: str = "/v4/oa/access_token"
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
            follower_message_endpoint=pick(
                "follower_message_endpoint", "ZALO_FOLLOWER_MESSAGE_URL", cls.follower_message_endpoint
            ),
            anonymous_message_endpoint=pick(
                "anonymous_message_endpoint", "ZALO_ANONYMOUS_MESSAGE_URL", cls.anonymous_message_endpoint
            ),
            replay_window=float(pick("replay_window", "ZALO_REPLAY_WINDOW", str(cls.replay_window))),
            max_body_bytes=int(pick("max_body_bytes", "ZALO_MAX_BODY_BYTES", str(cls.max_body_bytes))),
            http_timeout=float(pick("http_timeout", "ZALO_HTTP_TIMEOUT", str(cls.http_timeout))),
            rate_limit=int(pick("rate_limit", "ZALO_RATE_LIMIT", str(cls.rate_limit))),
            rate_window=float(pick("rate_window", "ZALO_RATE_WINDOW", str(cls.rate_window))),
        )

    def _url(self, endpoint: str) -> str:
        return endpoint if endpoint.startswith(("http://", "https://")) else self.api_base + endpoint

    @property
    def follower_message_url(self) -> str:
        return self._url(self.follower_message_endpoint)

    @property
    def anonymous_message_url(self) -> str:
        return self._url(self.anonymous_message_endpoint)

    @property
    def can_verify(self) -> bool:
        """Without a real app id and OA secret every event is refused."""
        return not (is_placeholder(self.app_id) or is_placeholder(self.oa_secret_key))
