"""Production topology on loopback: two Rasa servers and two action servers sharing PostgreSQL and Redis.

Conversations live in a PostgreSQL tracker store, the knowledge base in another PostgreSQL
database, Redis holds the per-conversation locks, RabbitMQ receives the events. Every database
and queue is created fresh and dropped afterwards. Reused by scripts/bench.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.e2e.stack import ROOT, VENV_BIN, _wait, free_port, stop_processes

PG_HOST, PG_PORT, PG_USER = os.environ.get("PG_HOST", "127.0.0.1"), int(os.environ.get("PG_PORT", "5432")), "postgres"
REDIS_HOST, REDIS_PORT = os.environ.get("REDIS_HOST", "127.0.0.1"), int(os.environ.get("REDIS_PORT", "6379"))
RABBIT_HOST, RABBIT_PORT = os.environ.get("RABBITMQ_HOST", "127.0.0.1"), int(os.environ.get("RABBITMQ_PORT", "5672"))
PRODUCTION_ENDPOINTS = ROOT / "deploy" / "endpoints.production.yml"
LOGGING_CONFIG = ROOT / "deploy" / "logging.yml"


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def missing_services(*, rabbit: bool = False) -> str | None:
    """Why the production services cannot be used here, or None."""
    wanted = [("PostgreSQL", PG_HOST, PG_PORT), ("Redis", REDIS_HOST, REDIS_PORT)]
    if rabbit:
        wanted.append(("RabbitMQ", RABBIT_HOST, RABBIT_PORT))
    down = [f"{name} at {host}:{port}" for name, host, port in wanted if not reachable(host, port)]
    return ("unreachable: " + ", ".join(down)) if down else None


def _admin(sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def create_database(name: str) -> str:
    """A fresh PostgreSQL database; returns its SQLAlchemy URL."""
    _admin(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg2://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def drop_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Cluster:
    """N Rasa + N action servers, with round-robin proxies in front of each tier."""

    workdir: Path
    instances: int = 2
    name: str = field(default_factory=lambda: "ops" + uuid.uuid4().hex[:10])
    rasa_urls: list[str] = field(default_factory=list)
    action_urls: list[str] = field(default_factory=list)
    proxy_url: str = ""
    kb_url: str = ""
    env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    databases: list[str] = field(default_factory=list)
    rasa_log_level: str = "INFO"
    _commands: dict[str, tuple[list[str], dict[str, str]]] = field(default_factory=dict)

    @property
    def queue(self) -> str:
        return f"{self.name}_events"

    def _spawn(self, label: str, args: list[str], env: dict[str, str] | None = None) -> Path:
        log = self.workdir / f"{label}.log"
        self._commands[label] = (args, env or self.env)
        self.processes[label] = subprocess.Popen(
            args, cwd=ROOT, env=env or self.env, stdout=log.open("a"), stderr=subprocess.STDOUT
        )
        return log

    def kill(self, label: str) -> None:
        """Stop one process (fault tests)."""
        process = self.processes[label]
        process.terminate()
        process.wait(timeout=30)

    def restart(self, label: str, health_url: str) -> None:
        """Start a stopped process again with the same command and wait until it is healthy."""
        log = self._spawn(label, *self._commands[label])
        _wait(health_url, self.processes[label], 180, log)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.workdir.glob("*.log")))

    def start(self, model: Path) -> None:
        kb_name, tracker_name = f"{self.name}_kb", f"{self.name}_tracker"
        self.kb_url = create_database(kb_name)
        self.databases.append(kb_name)
        create_database(tracker_name)
        self.databases.append(tracker_name)
        action_proxy_port = free_port()
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": self.kb_url,
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_proxy_port}/webhook",
            "TRACKER_DB_HOST": PG_HOST, "TRACKER_DB_PORT": str(PG_PORT), "TRACKER_DB_USER": PG_USER,
            "TRACKER_DB_PASSWORD": "", "TRACKER_DB_NAME": tracker_name,
            "REDIS_HOST": REDIS_HOST, "REDIS_PORT": str(REDIS_PORT), "REDIS_PASSWORD": "", "REDIS_DB": "0",
            "LOCK_KEY_PREFIX": self.name,
            "RABBITMQ_HOST": RABBIT_HOST, "RABBITMQ_PORT": str(RABBIT_PORT), "RABBITMQ_USER": "guest",
            "RABBITMQ_PASSWORD": "guest", "RABBITMQ_QUEUE": self.queue,
            "ACTION_SERVER_TOKEN": secrets.token_hex(16),
            # Channel state shared by the replicas, under the keys stop() deletes.
            "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/0", "STATE_KEY_PREFIX": self.name,
            "TELEGRAM_BRIDGE_SECRET": secrets.token_hex(16),
        }
        rasa_env = {**self.env, "LOG_LEVEL": self.rasa_log_level}
        subprocess.run([str(VENV_BIN / "python"), "-m", "bot.knowledge.seed"], cwd=ROOT, env=self.env, check=True,
                       capture_output=True, timeout=600)
        waits = []
        for i in range(self.instances):
            port = free_port()
            self.action_urls.append(f"http://127.0.0.1:{port}")
            log = self._spawn(f"actions{i}", [str(VENV_BIN / "python"), "-m", "bot.action_server"],
                              env={**self.env, "ACTION_SERVER_PORT": str(port)})
            waits.append((f"{self.action_urls[-1]}/health", f"actions{i}", 180, log))
        self._spawn("action-proxy", [str(VENV_BIN / "python"), str(ROOT / "deploy" / "roundrobin.py"),
                                     "--listen", f"127.0.0.1:{action_proxy_port}", *self.action_urls])
        for i in range(self.instances):
            port = free_port()
            self.rasa_urls.append(f"http://127.0.0.1:{port}")
            log = self._spawn(f"rasa{i}", [
                str(VENV_BIN / "rasa"), "run", "--enable-api", "--model", str(model), "--port", str(port),
                "--interface", "127.0.0.1", "--endpoints", str(PRODUCTION_ENDPOINTS),
                "--credentials", str(ROOT / "credentials.yml"), "--logging-config-file", str(LOGGING_CONFIG),
            ], env=rasa_env)
            waits.append((f"{self.rasa_urls[-1]}/status", f"rasa{i}", 420, log))
        proxy_port = free_port()
        self.proxy_url = f"http://127.0.0.1:{proxy_port}"
        self._spawn("rasa-proxy", [str(VENV_BIN / "python"), str(ROOT / "deploy" / "roundrobin.py"),
                                   "--listen", f"127.0.0.1:{proxy_port}", *self.rasa_urls])
        for url, label, timeout, log in waits:
            _wait(url, self.processes[label], timeout, log)
        _wait(f"{self.proxy_url}/status", self.processes["rasa-proxy"], 30, self.workdir / "rasa-proxy.log")

    def chat(self, text: str, sender: str, *, url: str | None = None, timeout: float = 60) -> list[dict]:
        response = httpx.post(f"{url or self.proxy_url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": text}, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = httpx.get(f"{self.rasa_urls[0]}/conversations/{sender}/tracker", timeout=30)
        response.raise_for_status()
        return response.json()

    def pids(self) -> dict[str, int]:
        return {label: p.pid for label, p in self.processes.items()}

    def stop(self) -> None:
        stop_processes(list(self.processes.values()))
        self.processes.clear()
        for name in self.databases:
            drop_database(name)
        self.databases.clear()
        import redis

        try:
            client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_timeout=5)
            for key in client.scan_iter(f"{self.name}:*"):
                client.delete(key)
        except redis.RedisError:
            pass  # lock keys expire on their own
        self._delete_queue()

    def queued_events(self) -> int:
        """How many conversation events wait in this cluster's RabbitMQ queue."""
        import aio_pika

        async def count() -> int:
            connection = await aio_pika.connect(host=RABBIT_HOST, port=RABBIT_PORT, login="guest",
                                                password="guest", timeout=5)
            async with connection:
                channel = await connection.channel()
                queue = await channel.declare_queue(self.queue, passive=True)
                return int(queue.declaration_result.message_count or 0)

        return asyncio.run(count())

    def set_kb_connections(self, allowed: bool) -> None:
        """Make the knowledge base unreachable (and back) without touching the tracker store."""
        name = self.databases[0]
        _admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")

    def _delete_queue(self) -> None:
        import aio_pika

        async def delete() -> None:
            connection = await aio_pika.connect(host=RABBIT_HOST, port=RABBIT_PORT, login="guest",
                                                password="guest", timeout=5)
            async with connection:
                channel = await connection.channel()
                await channel.queue_delete(self.queue)

        # The queue may never have been declared, or RabbitMQ is gone: nothing to clean then.
        with contextlib.suppress(OSError, asyncio.TimeoutError, aio_pika.exceptions.AMQPError):
            asyncio.run(delete())
