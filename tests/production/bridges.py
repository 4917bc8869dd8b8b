"""Two Telegram bridge replicas (webhook mode) in front of the cluster, talking to a fake Bot API.

Each bridge is its own process and reaches its own Rasa instance through the authenticated bridge
channel; the two share only Redis (REDIS_URL), like replicas behind Telegram's webhook would.
"""

from __future__ import annotations

import asyncio
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.channels.channel_fakes import FakeBotApi, serve
from tests.e2e.stack import ROOT, VENV_BIN, _wait, free_port, stop_processes
from tests.production.cluster import Cluster

WEBHOOK_SECRET = "bridge-webhook-secret-0123456789"


class BotApiThread:
    """The fake Bot API served from a background event loop, so sync tests can drive the bridges."""

    def __init__(self) -> None:
        self.fake = FakeBotApi()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def start(self) -> None:
        from aiohttp import web

        self._thread.start()
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.fake.handle)
        self.fake.server = asyncio.run_coroutine_threadsafe(serve(app), self._loop).result(30)

    def stop(self) -> None:
        if self.fake.server is not None:
            asyncio.run_coroutine_threadsafe(self.fake.server.close(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


@dataclass
class Bridges:
    """N bridge processes; ``post(i, update)`` delivers an update the way Telegram's webhook would."""

    cluster: Cluster
    workdir: Path
    api: BotApiThread = field(default_factory=BotApiThread)
    urls: list[str] = field(default_factory=list)
    processes: list[subprocess.Popen] = field(default_factory=list)

    def start(self) -> None:
        self.api.start()
        for i, rasa_url in enumerate(self.cluster.rasa_urls):
            port = free_port()
            env = {
                **self.cluster.env,
                "TELEGRAM_BOT_TOKEN": FakeBotApi.TOKEN,
                "TELEGRAM_API_BASE_URL": self.api.fake.base_url,
                "TELEGRAM_MODE": "webhook",
                "TELEGRAM_WEBHOOK_URL": "https://bot.quangtri.test/telegram/webhook",
                "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
                "TELEGRAM_WEBHOOK_PORT": str(port),
                "RASA_URL": rasa_url,
            }
            log = self.workdir / f"telegram{i}.log"
            self.processes.append(subprocess.Popen(
                [str(VENV_BIN / "python"), "-m", "bot.channels.telegram"], cwd=ROOT, env=env,
                stdout=log.open("a"), stderr=subprocess.STDOUT,
            ))
            self.urls.append(f"http://127.0.0.1:{port}")
            _wait(f"{self.urls[-1]}/healthz", self.processes[-1], 120, log)

    def post(self, index: int, update: dict) -> int:
        response = httpx.post(f"{self.urls[index]}/telegram/webhook", json=update, timeout=30,
                              headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
        return response.status_code

    def stop(self) -> None:
        stop_processes(self.processes)
        self.api.stop()
