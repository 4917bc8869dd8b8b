"""Train a small model once and run the real Rasa server and action server for end-to-end tests."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CACHE = ROOT / "models" / "test-cache"
TEST_CONFIG = Path(__file__).with_name("config.yml")
BRIDGE_SECRET = "e2e-bridge-secret-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _training_inputs() -> list[Path]:
    files = [ROOT / "domain.yml", TEST_CONFIG, *sorted((ROOT / "data").rglob("*.yml"))]
    return [f for f in files if "seed" not in f.parts]


def train_model() -> Path:
    """The test model, trained once and reused while the training data stays the same."""
    digest = hashlib.sha256()
    for f in _training_inputs():
        digest.update(str(f.relative_to(ROOT)).encode())
        digest.update(f.read_bytes())
    key = digest.hexdigest()[:16]
    model = CACHE / f"e2e-{key}.tar.gz"
    if model.exists():
        return model
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob("e2e-*.tar.gz"):
        old.unlink()
    subprocess.run(
        [str(VENV_BIN / "rasa"), "train", "--config", str(TEST_CONFIG), "--domain", str(ROOT / "domain.yml"),
         "--data", str(ROOT / "data"), "--out", str(CACHE), "--fixed-model-name", f"e2e-{key}", "--quiet"],
        cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return model


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """Terminate every process, then wait for each (killing the ones that do not stop)."""
    for p in processes:
        p.terminate()
    for p in processes:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()


def _wait(url: str, proc: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} not ready after {timeout}s:\n{log.read_text(errors='replace')[-4000:]}")


@contextmanager
def web_server(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    """bot.web (widget + admin) on loopback with the given environment; yields its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.web"], cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
        env={**env, "WEB_HOST": "127.0.0.1", "WEB_PORT": str(port)},
    )
    try:
        _wait(f"http://127.0.0.1:{port}/healthz", proc, 60, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@dataclass
class Stack:
    """A running Rasa + action server pair on loopback, with its own SQLite knowledge base."""

    workdir: Path
    database_url: str
    rasa_url: str = ""
    action_url: str = ""
    processes: list[subprocess.Popen] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    web_port: int = 0  # where tests run bot.web (the widget's page): the one origin Rasa's webhook allows

    def chat(self, text: str, sender: str = "tester") -> list[dict]:
        """One message; Telegram conversations (``tg:`` ids) arrive through the bridge's channel, as in production."""
        if sender.startswith("tg:"):
            response = httpx.post(f"{self.rasa_url}/webhooks/telegram/webhook", json={"sender": sender, "message": text},
                                  headers={"Authorization": f"Bearer {BRIDGE_SECRET}"}, timeout=60)
        else:
            response = httpx.post(
                f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
            )
        response.raise_for_status()
        return response.json()

    def reply_text(self, text: str, sender: str = "tester") -> str:
        return "\n".join(m.get("text", "") for m in self.chat(text, sender) if m.get("text"))

    def start(self, model: Path) -> None:
        self.web_port = free_port()
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": self.database_url,
            # Test-only Zalo secrets, so the real connector in credentials.yml checks signatures.
            "ZALO_APP_ID": "e2e-app",
            "ZALO_OA_SECRET_KEY": "e2e-oa-secret",
            "ZALO_APP_SECRET": "e2e-app-secret",
            "ZALO_ACCESS_TOKEN": "e2e-access",
            "ZALO_REFRESH_TOKEN": "e2e-refresh",
            "ZALO_TOKEN_STORE": str(self.workdir / "zalo_tokens.json"),
            "ZALO_API_BASE": "http://127.0.0.1:9",  # nothing listens: replies are never sent out
            "ZALO_OAUTH_BASE": "http://127.0.0.1:9",
            "TELEGRAM_BRIDGE_SECRET": BRIDGE_SECRET,
            # Facts as they apply on this day (fees halved until 31/12/2026, ...), whatever day the tests run.
            "BOT_TODAY": "2026-12-01",
            "WIDGET_ORIGINS": f"http://localhost:8080 http://localhost:{self.web_port} http://127.0.0.1:{self.web_port}",
        }
        subprocess.run([str(VENV_BIN / "python"), "-m", "bot.knowledge.seed"], cwd=ROOT, env=self.env, check=True)
        action_port, rasa_port = free_port(), free_port()
        self.action_url = f"http://127.0.0.1:{action_port}"
        self.rasa_url = f"http://127.0.0.1:{rasa_port}"
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(f"action_endpoint:\n  url: {self.action_url}/webhook\n")
        credentials = ROOT / "credentials.yml"
        action_log, rasa_log = self.workdir / "actions.log", self.workdir / "rasa.log"
        self._action_port = action_port
        self.processes.append(self._start_actions())
        self.processes.append(subprocess.Popen(
            # No --cors, as in scripts/run.sh: only the chat webhook allows the widget's origins.
            [str(VENV_BIN / "rasa"), "run", "--enable-api", "--model", str(model), "--port", str(rasa_port),
             "--endpoints", str(endpoints), "--credentials", str(credentials), "--interface", "127.0.0.1"],
            cwd=ROOT, env=self.env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
        ))
        _wait(f"{self.action_url}/health", self.processes[0], 120, action_log)
        _wait(f"{self.rasa_url}/status", self.processes[1], 300, rasa_log)

    def _start_actions(self) -> subprocess.Popen:
        log = (self.workdir / "actions.log").open("a")
        return subprocess.Popen(
            [str(VENV_BIN / "python"), "-m", "bot.action_server"],
            cwd=ROOT, env={**self.env, "ACTION_SERVER_PORT": str(self._action_port)}, stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop_actions(self) -> None:
        """Stop the action server (fault tests); ``start_actions`` brings it back."""
        self.processes[0].terminate()
        self.processes[0].wait(timeout=20)

    def start_actions(self) -> None:
        self.processes[0] = self._start_actions()
        _wait(f"{self.action_url}/health", self.processes[0], 120, self.workdir / "actions.log")

    def stop(self) -> None:
        stop_processes(self.processes)
        self.processes.clear()


def start_stack(workdir: Path, knowledge_base: Path | None = None) -> Stack:
    """Train (or reuse) the test model and start the servers; ``knowledge_base`` is a database to copy
    (the seeded one with the test ranker), else the seed is loaded into a new one."""
    model = train_model()
    if knowledge_base is not None:
        shutil.copy(knowledge_base, workdir / "e2e.db")
    stack = Stack(workdir=workdir, database_url=f"sqlite:///{workdir / 'e2e.db'}")
    try:
        stack.start(model)
    except Exception:
        stack.stop()
        raise
    return stack


def copy_logs(stack: Stack, dest: Path) -> None:
    for name in ("rasa.log", "actions.log"):
        if (stack.workdir / name).exists():
            shutil.copy(stack.workdir / name, dest / name)
