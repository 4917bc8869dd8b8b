"""Running Rasa: validate and train as subprocesses, parse with a model loaded in this process."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

logger = logging.getLogger(__name__)


class RasaError(RuntimeError):
    """A Rasa command or request failed; the message says which."""


def rasa_command(*args: str) -> list[str]:
    """``rasa <args>`` with the interpreter running us (the project's virtualenv)."""
    return [sys.executable, "-m", "rasa", *args]


def run_streaming(cmd: Sequence[str], *, cwd: Path, timeout: float, label: str) -> None:
    """Run a command, forwarding its output line by line to the log; raise on failure or timeout."""
    logger.info("[%s] $ %s", label, " ".join(str(c) for c in cmd))
    started = time.monotonic()
    proc = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
        list(cmd), cwd=str(cwd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            line = line.rstrip()
            if line:
                logger.info("[%s %5.0fs] %s", label, time.monotonic() - started, line[:500])
            if time.monotonic() - started > timeout:
                proc.kill()
                raise RasaError(f"{label}: timed out after {timeout:.0f}s")
        code = proc.wait(timeout=max(1.0, timeout - (time.monotonic() - started)))
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        raise RasaError(f"{label}: timed out after {timeout:.0f}s") from exc
    if code != 0:
        raise RasaError(f"{label}: exit code {code}")


def validate(*, domain: Path, config: Path, data: Sequence[Path], cwd: Path, timeout: float = 900) -> None:
    run_streaming(
        rasa_command("data", "validate", "--domain", str(domain), "--config", str(config),
                     "--data", *[str(d) for d in data]),
        cwd=cwd, timeout=timeout, label="validate",
    )


def train(
    *, domain: Path, config: Path, data: Sequence[Path], out: Path, name: str, cwd: Path, timeout: float = 7200
) -> Path:
    """Train a full model into ``out/<name>.tar.gz`` and return its path."""
    out.mkdir(parents=True, exist_ok=True)
    run_streaming(
        rasa_command("train", "--domain", str(domain), "--config", str(config), "--data", *[str(d) for d in data],
                     "--out", str(out), "--fixed-model-name", name),
        cwd=cwd, timeout=timeout, label="train",
    )
    model = out / f"{name}.tar.gz"
    if not model.exists():
        raise RasaError(f"train: expected model {model} was not written")
    return model


def predict(model_path: Path, texts: Sequence[str]) -> list[tuple[str, float]]:
    """Intent and confidence for each text, with the model loaded in this process."""
    from rasa.core.agent import Agent  # heavy import: only when evaluating
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa would log every parsed text at debug level
    agent = Agent.load(str(model_path))

    async def _parse_all() -> list[tuple[str, float]]:
        out = []
        for text in texts:
            parsed = await agent.parse_message(text)
            intent = parsed.get("intent") or {}
            out.append((str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)))
        return out

    return asyncio.run(_parse_all())
