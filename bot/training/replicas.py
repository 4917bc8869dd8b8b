"""Loading a promoted model into every Rasa replica, one after the other, and checking each one.

Replicas come from ``RASA_REPLICA_URLS`` (comma-separated). An entry ``dns+http://name:5005`` stands
for every address the name resolves to: a Kubernetes headless Service, or a docker compose service
scaled to several containers. Each replica gets ``PUT /model`` (Rasa keeps answering with the old
model until the new one is loaded) and then ``GET /status`` must report the new model's id.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

logger = logging.getLogger(__name__)

DNS_PREFIX = "dns+"
Resolver = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class ReplicaResult:
    url: str
    ok: bool
    seconds: float
    model_id: str = ""  # what the replica reports after the reload
    error: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def resolve_all(host: str, port: int) -> list[str]:
    """Every distinct address of ``host`` (IPv4 and IPv6), in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def expand(entries: Sequence[str], *, resolver: Resolver = resolve_all) -> tuple[list[str], list[tuple[str, str]]]:
    """Replica base URLs, and (entry, why) for entries whose name did not resolve."""
    urls: list[str] = []
    errors: list[tuple[str, str]] = []
    for raw in entries:
        entry = raw.strip().rstrip("/")
        if not entry:
            continue
        if not entry.startswith(DNS_PREFIX):
            urls.append(entry)
            continue
        parts = urlsplit(entry.removeprefix(DNS_PREFIX))
        if not parts.hostname:
            errors.append((raw, "no host name"))
            continue
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = resolver(parts.hostname, port)
        except OSError as exc:
            errors.append((raw, f"cannot resolve: {exc}"))
            continue
        if not addresses:
            errors.append((raw, "resolves to no address"))
        for address in addresses:
            host = f"[{address}]" if ":" in address else address
            urls.append(urlunsplit((parts.scheme, f"{host}:{port}", parts.path, "", "")))
    return list(dict.fromkeys(urls)), errors


def reload_one(
    url: str, *, model_path: str, expected_id: str, token: str = "", timeout: float = 300.0, wait: float = 0.0,
) -> ReplicaResult:
    """``PUT /model`` then ``GET /status``; a replica that refuses connections is retried for ``wait`` s."""
    params = {"token": token} if token else None
    started = time.monotonic()
    deadline = started + wait
    while True:
        try:
            response = httpx.put(f"{url}/model", json={"model_file": model_path}, params=params, timeout=timeout)
            break
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            if time.monotonic() >= deadline:
                return ReplicaResult(url, False, time.monotonic() - started, error=f"unreachable ({exc.__class__.__name__})")
            time.sleep(min(1.0, max(0.1, deadline - time.monotonic())))
        except httpx.HTTPError as exc:
            return ReplicaResult(url, False, time.monotonic() - started, error=f"{exc.__class__.__name__}: {exc}"[:300])
    if response.status_code not in (200, 204):
        return ReplicaResult(url, False, time.monotonic() - started,
                             error=f"PUT /model answered {response.status_code}: {response.text[:200]}")
    try:
        status = httpx.get(f"{url}/status", params=params, timeout=30)
        status.raise_for_status()
        served = str(status.json().get("model_id") or "")
    except (httpx.HTTPError, ValueError) as exc:
        return ReplicaResult(url, False, time.monotonic() - started, error=f"GET /status failed: {exc}"[:300])
    if expected_id and served != expected_id:
        return ReplicaResult(url, False, time.monotonic() - started, model_id=served,
                             error=f"serves model {served or '?'} instead of {expected_id}")
    return ReplicaResult(url, True, time.monotonic() - started, model_id=served)


def reload_all(
    entries: Sequence[str], *, model_path: str, expected_id: str, token: str = "", wait: float = 0.0,
    timeout: float = 300.0, resolver: Resolver = resolve_all,
) -> list[ReplicaResult]:
    """Reload replicas one at a time (the others keep answering meanwhile); one result per replica."""
    urls, errors = expand(entries, resolver=resolver)
    results = [ReplicaResult(url=entry, ok=False, seconds=0.0, error=why) for entry, why in errors]
    for url in urls:
        result = reload_one(url, model_path=model_path, expected_id=expected_id, token=token, timeout=timeout,
                            wait=wait)
        log = logger.info if result.ok else logger.error
        log("Replica %s: %s", url, "loaded model " + result.model_id if result.ok else result.error)
        results.append(result)
    return results
