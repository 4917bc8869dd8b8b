"""Staff web admin (aiohttp sub-application) and its command line."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # Lazy so that importing bot.admin.models (Alembic, the CLI) does not pull in aiohttp and Jinja2.
    if name == "create_admin_app":
        from bot.admin.app import create_admin_app

        return create_admin_app
    raise AttributeError(name)
