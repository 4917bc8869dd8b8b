"""Where the Zalo OA access/refresh tokens live: they rotate on every refresh, so they must persist
and, with several Rasa replicas, be shared (Redis) so every replica uses the pair the last refresh made."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from bot.channels.state import SharedState

# Zalo's refresh token lives three months; a pair unused that long is worthless anyway.
TOKEN_TTL_SECONDS = 92 * 24 * 3600.0
TOKENS_KEY = "zalo:tokens"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ZaloTokens:
    access_token: str
    refresh_token: str
    # Unix time when the access token expires, if Zalo told us.
    expires_at: float | None = None


def _decode(data: object) -> ZaloTokens | None:
    if not isinstance(data, dict) or not data.get("access_token") or not data.get("refresh_token"):
        return None
    return ZaloTokens(str(data["access_token"]), str(data["refresh_token"]), data.get("expires_at"))


class TokenStore(Protocol):
    """Interface for token persistence; another store (a database table) only needs these two methods."""

    async def load(self) -> ZaloTokens | None: ...

    async def save(self, tokens: ZaloTokens) -> None: ...


class SharedTokenStore:
    """Tokens in the shared state (Redis with several replicas), with the refresh token's lifetime."""

    def __init__(self, state: SharedState):
        self._state = state

    async def load(self) -> ZaloTokens | None:
        raw = await self._state.get(TOKENS_KEY)
        return _decode(json.loads(raw)) if raw else None

    async def save(self, tokens: ZaloTokens) -> None:
        await self._state.put(TOKENS_KEY, json.dumps(asdict(tokens)), TOKEN_TTL_SECONDS)


class JsonFileTokenStore:
    """Tokens in a small JSON file (default var/zalo_tokens.json), replaced atomically on save.

    Delete the file after authorising the OA again: it wins over ZALO_ACCESS_TOKEN/ZALO_REFRESH_TOKEN.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)

    async def load(self) -> ZaloTokens | None:
        return await asyncio.to_thread(self._load)

    async def save(self, tokens: ZaloTokens) -> None:
        await asyncio.to_thread(self._save, tokens)

    def _load(self) -> ZaloTokens | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            logger.exception("Zalo token file %s is unreadable; falling back to the environment", self.path)
            return None
        return _decode(data)

    def _save(self, tokens: ZaloTokens) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".zalo_tokens.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(asdict(tokens), handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
