"""``python -m bot.admin``: serve the admin alone for development (http://localhost:WEB_PORT/admin/)."""

from __future__ import annotations

import argparse
import logging

from aiohttp import web

from bot.admin.app import create_standalone_app
from bot.settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.admin")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=get_settings().web_port)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    web.run_app(create_standalone_app(), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
