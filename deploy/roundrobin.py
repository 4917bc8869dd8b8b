"""A tiny round-robin HTTP reverse proxy: the local stand-in for the production load balancer.

    python deploy/roundrobin.py --listen 127.0.0.1:5005 http://127.0.0.1:5006 http://127.0.0.1:5007

Each request goes to the next backend; a backend that refuses the connection is skipped for that
request. Production uses a Kubernetes Service or nginx instead (docs/operations.md).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging

from aiohttp import ClientError, ClientSession, ClientTimeout, web

logger = logging.getLogger("roundrobin")

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "host", "content-length"}
MAX_BODY = 32 * 1024 * 1024  # Rasa posts the whole conversation to the action server


def create_app(backends: list[str], *, timeout: float = 60.0) -> web.Application:
    """An aiohttp app forwarding every request to the backends in turn."""
    turn = itertools.cycle(range(len(backends)))

    async def open_session(app: web.Application) -> None:
        app["session"] = ClientSession(timeout=ClientTimeout(total=timeout), auto_decompress=False)

    async def close_session(app: web.Application) -> None:
        await app["session"].close()

    async def forward(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        first = next(turn)
        for k in range(len(backends)):
            backend = backends[(first + k) % len(backends)]
            try:
                async with request.app["session"].request(
                    request.method, backend + request.path_qs, data=body, headers=headers
                ) as upstream:
                    payload = await upstream.read()
                    out = {k2: v for k2, v in upstream.headers.items() if k2.lower() not in HOP_BY_HOP}
                    out["X-Backend"] = str((first + k) % len(backends))
                    return web.Response(status=upstream.status, body=payload, headers=out)
            except ClientError:
                logger.warning("backend %s unreachable, trying the next one", backend)
            except asyncio.TimeoutError:
                logger.warning("backend %s timed out", backend)
                return web.Response(status=504, text="upstream timeout")
        return web.Response(status=502, text="no backend available")

    app = web.Application(client_max_size=MAX_BODY)
    app.on_startup.append(open_session)
    app.on_cleanup.append(close_session)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:5005", help="host:port to listen on")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for a backend")
    parser.add_argument("backends", nargs="+", help="backend base URLs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    host, port = args.listen.rsplit(":", 1)
    web.run_app(create_app([b.rstrip("/") for b in args.backends], timeout=args.timeout),
                host=host, port=int(port), print=None, access_log=None)


if __name__ == "__main__":
    main()
