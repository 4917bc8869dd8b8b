"""Simulated citizens for benchmarks and the soak test: closed-loop REST conversations on loopback."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import numpy as np

# What citizens ask (procedure questions, follow-ups, small talk, out of scope), in the mix we expect.
QUESTIONS = [
    "Đăng ký thường trú cần giấy tờ gì?", "thế còn lệ phí?", "đăng ký tạm trú mất bao lâu",
    "lam ho chieu het bao nhieu tien", "Đăng ký thường trú mất mấy ngày?", "xóa đăng ký tạm trú cần giấy tờ gì",
    "đăng ký kết hôn ở đâu", "lệ phí đăng ký kết hôn bao nhiêu", "làm lý lịch tư pháp online được không",
    "xin giấy xác nhận độc thân cần gì", "tách hộ khẩu thì làm sao", "sang tên sổ đỏ mất bao lâu",
    "đổi bằng lái xe cần giấy tờ gì", "làm căn cước cho con 14 tuổi", "khai sinh cho con cần mang gì",
    "chứng thực bản sao ở đâu", "mất bao lâu?", "nộp ở đâu?", "xin chào", "cảm ơn", "thời tiết hôm nay thế nào",
]


def summarise(samples_ms: list[float]) -> dict[str, float]:
    """Percentiles of latencies in milliseconds."""
    if not samples_ms:
        return {"n": 0}
    a = np.asarray(samples_ms)
    return {
        "n": len(samples_ms),
        "p50_ms": round(float(np.percentile(a, 50)), 2),
        "p95_ms": round(float(np.percentile(a, 95)), 2),
        "p99_ms": round(float(np.percentile(a, 99)), 2),
        "mean_ms": round(float(a.mean()), 2),
        "max_ms": round(float(a.max()), 2),
    }


def memory_mb(pid: int) -> dict[str, float]:
    """Current (VmRSS) and peak (VmHWM) resident memory of a process, from /proc."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key = "rss_mb" if line.startswith("VmRSS") else "peak_rss_mb"
                out[key] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return out


async def run_load(
    url: str,
    citizens: int,
    *,
    messages: int | None = None,
    seconds: float | None = None,
    think: tuple[float, float] = (0.0, 0.0),
    turns: int = 12,
    timeout: float = 60.0,
) -> dict[str, Any]:
    """Each citizen sends its next question when the previous reply came (after a think time).

    Stops after ``messages`` in total or after ``seconds``; an error is a non-200 answer, an empty
    reply or a failed request. After ``turns`` messages a citizen starts a new conversation (a new
    sender id), as real citizens do: Rasa re-reads and re-sends the whole conversation every turn.
    """
    per_citizen = max(1, messages // citizens) if messages else None
    deadline = time.monotonic() + seconds if seconds else None
    latencies: list[float] = []
    errors: list[str] = []
    run_id = uuid.uuid4().hex[:6]

    async def citizen(k: int, client: httpx.AsyncClient) -> None:
        rng = random.Random(k)
        sent = 0
        if think[1] > 0:  # citizens arrive independently, not all in the same second
            await asyncio.sleep(rng.uniform(0, think[1]))
        while (per_citizen is None or sent < per_citizen) and (deadline is None or time.monotonic() < deadline):
            sender = f"load-{run_id}-{citizens}-{k}-{sent // turns}"
            question = rng.choice(QUESTIONS)
            start = time.perf_counter()
            try:
                response = await client.post(url, json={"sender": sender, "message": question})
                if response.status_code != 200 or not any(m.get("text") for m in response.json()):
                    errors.append(f"{response.status_code}: {response.text[:100]}")
            except (httpx.HTTPError, ValueError) as exc:
                errors.append(type(exc).__name__)
            latencies.append((time.perf_counter() - start) * 1000)
            sent += 1
            if think[1] > 0:
                await asyncio.sleep(rng.uniform(*think))

    limits = httpx.Limits(max_connections=citizens + 5, max_keepalive_connections=citizens + 5)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        start = time.perf_counter()
        await asyncio.gather(*(citizen(k, client) for k in range(citizens)))
        wall = time.perf_counter() - start
    return {
        "citizens": citizens,
        **summarise(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "wall_s": round(wall, 2),
        "throughput_msg_s": round(len(latencies) / wall, 2),
    }
