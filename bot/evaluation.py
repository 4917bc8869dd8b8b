"""Score the running bot on question files over the REST channel, turn by turn.

    python -m bot.evaluation FILE.jsonl [FILE.jsonl ...] [--rasa-url URL] [--out results.jsonl]

Items are single questions (the dev set's JSONL format) or conversations (``turns``: a list of
questions with the same fields). Each turn is judged on its own:

- ``answer``: the reply names the gold procedure ("mã x.xxxxxx") and states every expected value
  (numbers and units compared, not strings: "08 Ngày làm việc" matches "8 ngày làm việc");
- ``answer_or_clarify``: that, or a question back whose buttons offer the gold procedure;
- ``clarify``: a question back with procedure buttons;
- ``faq``: the expected values, and no procedure's facts;
- ``start_petition``: the petition form's consent notice;
- anything else (``not_in_data``, ``refuse``, ``out_of_domain``, ``refuse_or_escalate``): no
  procedure's facts stated.

A reply that states the facts of a procedure the item does not accept is counted separately as
**wrong procedure**: the worst error the bot can make.
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
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from bot.analytics.ratings import is_rating_payload
from bot.settings import get_settings
from bot.text.normalize import fold

_NUMBER = re.compile(r"\d+(?:[.,]\d{3})*(?:[.,]\d+)?")
_CODE_IN_REPLY = re.compile(r"\bmã (\d\.\d{6})")
_CODE_IN_PAYLOAD = re.compile(r"\d\.\d{6}")
# The first words of the petition form's consent notice (bot.feedback.consent).
_PETITION_START = "nghi dinh 20 2008"
_CONSENT = "dong y"


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
        return not unit or " ".join(unit.split()) in " ".join(fold(reply).split())
    return " ".join(fold(expected).split()) in " ".join(fold(reply).split())


def procedure_codes(reply: str) -> set[str]:
    return set(_CODE_IN_REPLY.findall(reply))


@dataclass
class BotTurn:
    """What the bot sent back for one message: its texts and the procedure codes its buttons offer."""

    text: str
    offered: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    id: str
    kind: str
    expect: str
    correct: bool
    wrong_procedure: bool
    clarified: bool
    latency_ms: float
    detail: str
    question: str = ""
    reply: str = ""


def _accepted(item: dict) -> set[str]:
    codes = set(item.get("also_accept") or []) | set(item.get("accept_codes") or [])
    if item.get("gold_procedure_id"):
        codes.add(item["gold_procedure_id"])
    return codes


def judge(item: dict, turn: BotTurn) -> tuple[bool, bool, str]:
    """(correct, wrong procedure, detail) for one turn of an item."""
    reply = turn.text
    stated = procedure_codes(reply)
    accepted = _accepted(item)
    wrong = bool(stated - accepted)
    expect = item.get("expect") or "answer"
    gold = item.get("gold_procedure_id")
    clarified = bool(turn.offered) and not stated
    if expect in ("answer", "answer_or_clarify"):
        if clarified and expect == "answer_or_clarify":
            ok = bool(accepted & set(turn.offered))
            return ok, False, "clarified with gold" if ok else f"clarified without {gold}: {turn.offered}"
        if not stated & accepted:
            why = f"clarified: {turn.offered}" if clarified else f"procedure {gold} not in {sorted(stated)}"
            return False, wrong, why
        missing = [v for v in item.get("expected_values", []) if not value_matches(v, reply)]
        if wrong:
            return False, True, f"also stated {sorted(stated - accepted)}"
        return (not missing), False, (f"missing {missing}" if missing else "ok")
    if expect == "clarify":
        return clarified, wrong, "ok" if clarified else "did not ask back"
    if wrong:
        return False, True, f"stated facts of {sorted(stated - accepted)}"
    if expect == "faq":
        missing = [v for v in item.get("expected_values", []) if not value_matches(v, reply)]
        return (not missing), False, (f"missing {missing}" if missing else "ok")
    folded = fold(reply)
    petition_started = _PETITION_START in folded and _CONSENT in folded
    if expect == "start_petition":
        return petition_started, False, "ok" if petition_started else "the petition form did not start"
    if petition_started:
        return False, False, "started the petition form"
    return True, False, "ok"


def ask(client: httpx.Client, rasa_url: str, text: str, sender: str) -> BotTurn:
    response = client.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
    response.raise_for_status()
    messages = response.json()
    texts = [m.get("text", "") for m in messages if m.get("text")]
    offered = [
        code
        for m in messages
        for b in m.get("buttons") or []
        if not is_rating_payload(str(b.get("payload", "")))  # 👍/👎 name the answered code, they offer nothing
        for code in _CODE_IN_PAYLOAD.findall(str(b.get("payload", "")))
    ]
    return BotTurn("\n".join(texts), offered)


def turns_of(item: dict) -> list[dict]:
    """The item's turns; a single question is a one-turn conversation."""
    if item.get("turns"):
        return list(item["turns"])
    return [item]


def evaluate(path: Path, rasa_url: str, accept: dict[str, list[str]] | None = None) -> list[Outcome]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    outcomes = []
    with httpx.Client(timeout=60) as client:
        for item in items:
            sender = f"eval-{uuid.uuid4().hex[:16]}"
            for n, turn_item in enumerate(turns_of(item), 1):
                if accept and item.get("id") in accept:
                    turn_item = {**turn_item, "accept_codes": accept[item["id"]]}
                start = time.perf_counter()
                turn = ask(client, rasa_url, turn_item["question"], sender)
                elapsed = (time.perf_counter() - start) * 1000
                correct, wrong, detail = judge(turn_item, turn)
                outcomes.append(
                    Outcome(
                        id=item.get("id", "?") + (f"#{n}" if item.get("turns") else ""),
                        kind=item.get("kind", "?"),
                        expect=turn_item.get("expect") or "answer",
                        correct=correct,
                        wrong_procedure=wrong,
                        clarified=bool(turn.offered) and not procedure_codes(turn.text),
                        latency_ms=elapsed,
                        detail=detail,
                        question=turn_item["question"],
                        reply=turn.text,
                    )
                )
    return outcomes


def _row(name: str, group: list[Outcome]) -> str:
    ok = sum(o.correct for o in group)
    wrong = sum(o.wrong_procedure for o in group)
    return f"| {name} | {ok} | {len(group)} | {ok / max(len(group), 1):.0%} | {wrong} |"


def report(outcomes: list[Outcome], *, show_wrong: bool = True) -> str:
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_kind[o.kind].append(o)
    lines = ["| kind | correct | turns | accuracy | wrong procedure |", "|---|---|---|---|---|"]
    lines += [_row(kind, group) for kind, group in sorted(by_kind.items())]
    lines.append(_row("**all**", outcomes))
    if outcomes:
        latencies = sorted(o.latency_ms for o in outcomes)
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        wrong = sum(o.wrong_procedure for o in outcomes)
        lines.append(
            f"\nTurns: {len(outcomes)}; correct {sum(o.correct for o in outcomes)}; "
            f"wrong procedure {wrong} ({wrong / len(outcomes):.1%}); "
            f"clarified {sum(o.clarified for o in outcomes)}. "
            f"Reply latency p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms."
        )
    wrong_items = [o for o in outcomes if not o.correct]
    if show_wrong and wrong_items:
        lines.append("\nWrong:")
        lines.extend(
            f"- {o.id} ({o.kind}){' **wrong procedure**' if o.wrong_procedure else ''}: {o.detail}"
            for o in wrong_items
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--rasa-url", default=get_settings().rasa_url)
    parser.add_argument("--accept", type=Path, help="JSON {item id: [codes an answer may state]} from the items' notes")
    parser.add_argument("--out", type=Path, help="write every turn's question, reply and verdict here (JSONL)")
    parser.add_argument("--brief", action="store_true", help="omit the list of wrong turns")
    args = parser.parse_args(argv)
    accept = json.loads(args.accept.read_text(encoding="utf-8")) if args.accept else None
    outcomes: list[Outcome] = []
    for f in args.files:
        file_outcomes = evaluate(f, args.rasa_url, accept)
        sys.stdout.write(f"## {f}\n\n{report(file_outcomes, show_wrong=False)}\n\n")
        outcomes += file_outcomes
    if len(args.files) > 1:
        sys.stdout.write("## all files\n\n")
    sys.stdout.write(report(outcomes, show_wrong=not args.brief) + "\n")
    if args.out:
        args.out.write_text(
            "".join(json.dumps(asdict(o), ensure_ascii=False) + "\n" for o in outcomes), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
