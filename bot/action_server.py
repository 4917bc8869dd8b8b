"""The action server: rasa_sdk's app, bound to ACTION_SERVER_HOST (127.0.0.1 unless set), without CORS,
and refusing calls without ACTION_SERVER_TOKEN when one is set (Rasa sends it as ``?token=``, from
``token:`` under ``action_endpoint`` in endpoints.yml). Start it with ``python -m bot.action_server``.

`python -m rasa_sdk` listens on every interface with no authentication: anyone who can reach it can
run any action, e.g. submit a petition in a citizen's name.
"""

from __future__ import annotations

import hmac
import logging

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request

from bot.settings import env, env_int, get_settings

logger = logging.getLogger(__name__)

OPEN_PATHS = {"/health"}


def build_app(token: str = "", *, actions: str = "actions") -> Sanic:
    """rasa_sdk's routes (/webhook, /actions, /health); every route but /health needs the token if set."""
    app = create_app(actions, cors_origins=None)

    @app.middleware("request")
    async def authenticate(request: Request) -> response.HTTPResponse | None:
        if not token or request.path in OPEN_PATHS:
            return None
        given = request.args.get("token", "")
        if hmac.compare_digest(given.encode(), token.encode()):
            return None
        logger.warning("Action server call without the right token refused")
        return response.json({"error": "unauthorised"}, status=401)

    return app


def main() -> None:
    get_settings()  # in production, refuses placeholder secrets and URLs before serving anything
    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    host = env("ACTION_SERVER_HOST", "127.0.0.1")
    port = env_int("ACTION_SERVER_PORT", 5055)
    token = env("ACTION_SERVER_TOKEN")
    if host not in {"127.0.0.1", "localhost", "::1"} and not token:
        logger.warning("Action server listens on %s without ACTION_SERVER_TOKEN", host)
    build_app(token).run(host, port, workers=utils.number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
