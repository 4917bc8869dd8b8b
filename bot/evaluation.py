"""Score the running bot on a question file (the dev set's JSONL format) over the REST channel.

    python -m bot.evaluation ../shared/data/eval/citizen-questions-dev.jsonl [--rasa-url URL]

An answer is right when it names the gold procedure code and states every expected value
(numbers and units compared, not strings: "08 Ngày làm việc" matches "8 ngày làm việc").
A refusal is right when the reply states no procedure's facts (no "mã x.xxxxxx").
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.settings import get_settings
from bot.text.normalize import fold

_NUMBER = re.compile(r"\d+(?:[.,]\d{3})*(?:[.,]\d+)?")
_CODE_IN_REPLY = re.compile(r"\bmã (\d\.\d{6})")


def _as_number(token: str) -> float:
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", token):
        return float(re.sub(r"[.,]", "", token))
    return float(token.replace(",", "."))


def numbers_in(text: str) -> set[float]:
    return {_as_number(m.group()) for m in _NUMBER.finditer(text)}


def value_matches(expected: str, reply: str) -> bool:
    """True when the reply states the expected value (same number and unit words, or the same code)."""
    numbers = _NUMBER.findall(expected)
    if numbers and not re.search(r"[A-Za-z]\d", expected):
        if not all(_as_number(n) in numbers_in(reply) for n in numbers):
            return False
        unit = fold(_NUMBER.sub(" ", expected))
        return not unit or unit in fold(reply)
    return fold(expected) in fold(reply)


def procedure_codes(reply: str) -> set[str]:
    return set(_CODE_IN_REPLY.findall(reply))


@dataclass
class Outcome:
    id: str
    kind: str
    correct: bool
    latency_ms: float
    detail: str


def judge(item: dict, reply: str) -> tuple[bool, str]:
    codes = procedure_codes(reply)
    if item.get("expect") == "answer":
        if item.get("gold_procedure_id") not in codes:
            return False, f"procedure {item.get('gold_procedure_id')} not in {sorted(codes)}"
        missing = [v for v in item.get("expected_values", []) if not value_matches(v, reply)]
        return (not missing), (f"missing {missing}" if missing else "ok")
    accepted = set(item.get("accept_codes", []))
    wrong = codes - accepted
    return (not wrong), (f"stated facts of {sorted(wrong)}" if wrong else "ok")


def ask(client: httpx.Client, rasa_url: str, text: str) -> str:
    sender = f"eval-{uuid.uuid4().hex[:12]}"
    response = client.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
    response.raise_for_status()
    return "\n".join(m.get("text", "") for m in response.json() if m.get("text"))


def evaluate(path: Path, rasa_url: str, accept: dict[str, list[str]] | None = None) -> list[Outcome]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in items:
        if accept and item.get("id") in accept:
            item["accept_codes"] = accept[item["id"]]
    outcomes = []
    with httpx.Client(timeout=30) as client:
        for item in items:
            start = time.perf_counter()
            reply = ask(client, rasa_url, item["question"])
            elapsed = (time.perf_counter() - start) * 1000
            correct, detail = judge(item, reply)
            outcomes.append(Outcome(item.get("id", "?"), item.get("kind", "?"), correct, elapsed, detail))
    return outcomes


def report(outcomes: list[Outcome]) -> str:
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_kind[o.kind].append(o)
    lines = ["| kind | correct | total | accuracy |", "|---|---|---|---|"]
    for kind, group in sorted(by_kind.items()):
        ok = sum(o.correct for o in group)
        lines.append(f"| {kind} | {ok} | {len(group)} | {ok / len(group):.0%} |")
    ok = sum(o.correct for o in outcomes)
    lines.append(f"| **all** | {ok} | {len(outcomes)} | {ok / max(len(outcomes), 1):.0%} |")
    if outcomes:
        lines.append(f"\nMedian reply latency: {statistics.median(o.latency_ms for o in outcomes):.0f} ms")
    wrong = [o for o in outcomes if not o.correct]
    if wrong:
        lines.append("\nWrong:")
        lines.extend(f"- {o.id} ({o.kind}): {o.detail}" for o in wrong)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--rasa-url", default=get_settings().rasa_url)
    parser.add_argument("--accept", type=Path, help="JSON {item id: [codes an answer may state]} from the items' notes")
    args = parser.parse_args(argv)
    accept = json.loads(args.accept.read_text(encoding="utf-8")) if args.accept else None
    outcomes: list[Outcome] = []
    for f in args.files:
        outcomes += evaluate(f, args.rasa_url, accept)
    sys.stdout.write(report(outcomes) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
