"""Start the widget/demo server on WEB_HOST:WEB_PORT (default 127.0.0.1:8080)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.observability import install_pii_filter
from bot.web.app import WebConfig, create_app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_pii_filter()
    config = WebConfig.from_env()
    web.run_app(create_app(config), host=config.host, port=config.port, print=None)


if __name__ == "__main__":
    main()
