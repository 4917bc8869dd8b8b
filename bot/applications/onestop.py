"""HTTP adapter for the provincial one-stop system (hệ thống thông tin giải quyết TTHC của tỉnh).

Configured by environment: ``ONESTOP_BASE_URL``, ``ONESTOP_TOKEN``, ``ONESTOP_TIMEOUT`` and
``ONESTOP_STATUS_PATH`` (default ``/dossiers/{code}``). One request per lookup:
``GET {base}{path}`` with ``Authorization: Bearer <token>``; 200 with a JSON object (or
``{"data": {...}}``) is the application, 404 means the system has no such code, anything else is a
failure. Field names and status labels are read through data/applications/status_format.yml, so the
operator's names (``maHoSo``, ``trangThai``, ...) are mapped there, not in code.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import httpx

from bot.applications.provider import SOURCE_ONESTOP, ApplicationLookupError, ApplicationStatus
from bot.applications.records import StatusFormat, load_format, parse_record
from bot.settings import Settings

logger = logging.getLogger(__name__)

PLACEHOLDERS = {"changeme", "change-me", "replace-me", "secret"}


class OneStopConfigError(ValueError):
    """The one-stop settings are incomplete or still placeholders."""


class OneStopProvider:
    """Live statuses from the one-stop system: authoritative, so an unknown code is reported as such."""

    authoritative = True

    def __init__(self, *, base_url: str, token: str, timeout: float = 5.0, status_path: str = "/dossiers/{code}",
                 fmt: StatusFormat | None = None, transport: httpx.BaseTransport | None = None) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise OneStopConfigError("ONESTOP_BASE_URL must be an http(s) URL")
        if not token or token.lower() in PLACEHOLDERS:
            raise OneStopConfigError("ONESTOP_TOKEN must be set when ONESTOP_BASE_URL is")
        if "{code}" not in status_path:
            raise OneStopConfigError("ONESTOP_STATUS_PATH must contain {code}")
        self.base_url = base_url.rstrip("/")
        self.status_path = status_path
        self._fmt = fmt
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout), transport=transport, follow_redirects=False,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> OneStopProvider | None:
        """The configured adapter, or None when ONESTOP_BASE_URL is empty (not connected)."""
        if not settings.onestop_base_url:
            return None
        return cls(base_url=settings.onestop_base_url, token=settings.onestop_token,
                   timeout=settings.onestop_timeout, status_path=settings.onestop_status_path)

    def get_status(self, code: str) -> ApplicationStatus | None:
        url = self.base_url + self.status_path.replace("{code}", quote(code, safe=""))
        try:
            response = self._client.get(url)
        except httpx.TimeoutException as exc:
            raise ApplicationLookupError("one-stop system timed out") from exc
        except httpx.HTTPError as exc:
            raise ApplicationLookupError(f"one-stop system unreachable ({exc.__class__.__name__})") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ApplicationLookupError(f"one-stop system answered HTTP {response.status_code}")
        try:
            body: Any = response.json()
        except ValueError as exc:
            raise ApplicationLookupError("one-stop system answered with something that is not JSON") from exc
        record = body.get("data") if isinstance(body, dict) and isinstance(body.get("data"), dict) else body
        if not isinstance(record, dict):
            raise ApplicationLookupError("one-stop system answered without an application object")
        parsed = parse_record(record, self._fmt or load_format())
        if parsed.status is None:
            raise ApplicationLookupError("one-stop record not understood: " + "; ".join(parsed.errors))
        if parsed.status.code != code.upper():
            raise ApplicationLookupError("one-stop system answered about another code")
        return replace(parsed.status, source=SOURCE_ONESTOP)

    def close(self) -> None:
        self._client.close()
