"""Where the Zalo OA access/refresh tokens live: they rotate on every refresh, so they must persist."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ZaloTokens:
    access_token: str
    refresh_token: str
    # Unix time when the access token expires, if Zalo told us.
    expires_at: float | None = None


class TokenStore(Protocol):
    """Interface for token persistence; a database-backed store only needs these two methods."""

    def load(self) -> ZaloTokens | None: ...

    def save(self, tokens: ZaloTokens) -> None: ...


class JsonFileTokenStore:
    """Tokens in a small JSON file (default var/zalo_tokens.json), replaced atomically on save."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def load(self) -> ZaloTokens | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            logger.exception("Zalo token file %s is unreadable; falling back to the environment", self.path)
            return None
        if not data.get("access_token") or not data.get("refresh_token"):
            return None
        return ZaloTokens(data["access_token"], data["refresh_token"], data.get("expires_at"))

    def save(self, tokens: ZaloTokens) -> None:
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
