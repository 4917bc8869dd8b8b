"""Compare the shipped seed with the audit's own reading of its sources (issue 10, item 3).

Every fact the seed states about a procedure with details — per channel the processing times (and
their labels when a channel has several), the fee amounts with their labels, units and validity
dates, whether a fee is free, and every document's name and copy counts — is looked up in
:mod:`tests.audit.reader`'s reading of the same source record. The comparison is tolerant only where
docs/importer.md ("The seed format", deliberate differences) says the seed differs on purpose:

* an amount computed from a percentage the source states ("bằng 50% mức thu") is not in the source;
* document names are cut to their first sentence, without list markers and explanatory brackets, at
  most 160 characters / 30 words (then ending with "…");
* a document a note says is not needed has copies "không phải nộp".

Everything else that differs is a :class:`Disagreement`; ``tests/audit/allow-list.yml`` says which
ones are acceptable (and which are known seed bugs), and why.

Run ``python -m tests.audit.audit`` for the counts reported in docs/benchmarks.md.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.audit.reader import (
    Amount,
    Document,
    Reading,
    Row,
    amounts_in,
    api_case_times,
    nfc,
    read_sources,
    squash,
)

ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = ROOT / "data" / "seed" / "procedures"
ALLOW_LIST = Path(__file__).with_name("allow-list.yml")
AUDITED_SOURCES = ("national_catalogue", "portal_api")
FACTS = ("time", "time_label", "fee", "fee_kind", "fee_label", "fee_unit", "fee_period", "document", "copies")


@dataclass(frozen=True)
class Disagreement:
    code: str
    fact: str
    seed: str
    source: str
    channel: str = ""
    note: str = ""  # how the two differ, when it can be said ("after: …" = source words after the seed's)

    def as_dict(self) -> dict[str, str]:
        data = {"code": self.code, "fact": self.fact, "seed": self.seed, "source": self.source}
        for key in ("channel", "note"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass
class Tally:
    """How many facts were compared, and how each comparison ended."""

    procedures: int = 0
    compared: Counter[str] = field(default_factory=Counter)  # fact → facts compared
    agreed: Counter[str] = field(default_factory=Counter)
    tolerated: Counter[str] = field(default_factory=Counter)  # documented deliberate difference
    disagreements: list[Disagreement] = field(default_factory=list)

    def agree(self, fact: str) -> None:
        self.compared[fact] += 1
        self.agreed[fact] += 1

    def tolerate(self, fact: str, why: str) -> None:
        self.compared[fact] += 1
        self.tolerated[f"{fact}: {why}"] += 1

    def disagree(self, item: Disagreement) -> None:
        self.compared[item.fact] += 1
        self.disagreements.append(item)

    def judge(self, ok: bool, item: Disagreement) -> None:
        """Count ``item.fact`` as agreeing when ``ok``, else record ``item``."""
        if ok:
            self.agree(item.fact)
        else:
            self.disagree(item)


# ---------------------------------------------------------------------------------------------
# Normalising for comparison


def fold(text: str) -> str:
    """Lower case, no brackets' content, no punctuation, single spaces: how two names are compared."""
    text = nfc(text).lower().replace("…", " ")
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", text)
    text = re.sub(r"\([^()]*$", " ", text)  # a bracket the name (or its cut) leaves open
    text = re.sub(r"[^\w\s]", " ", text)
    return squash(LEADING_MARKER.sub("", squash(text)))


# list markers a name may start with once punctuation is gone ("3 2 ", "a 1 1 ", "i 2 "), and stray marks
LEADING_MARKER = re.compile(
    r"^(?:(?:[a-zđ]|[ivx]+)(?: \d+)+ |\d+(?: \d+)* |(?:[a-zđ]|ii|iii|iv|vi|vii) (?=\w\w))"
)


def plain(text: str) -> str:
    """Lower case, punctuation as spaces, single spaces (brackets kept): for "does it occur in …"."""
    return squash(re.sub(r"[^\w\s%]", " ", nfc(text).lower()))


def _dates(value: str) -> list[str]:
    """The ways a catalogue may write an ISO date ("2025-07-01" → "01/7/2025", "1/07/2025", "01 tháng 7 năm 2025")."""
    year, month, day = (int(part) for part in value.split("-"))
    days, months = {str(day), f"{day:02d}"}, {str(month), f"{month:02d}"}
    forms = [f"{d}/{m}/{year}" for d in days for m in months]
    forms += [f"{d}.{m}.{year}" for d in days for m in months]
    forms += [f"{d}-{m}-{year}" for d in days for m in months]
    forms += [f"{d} tháng {m} năm {year}" for d in days for m in months]
    return forms


def _has_date(text: str, value: str) -> bool:
    text = re.sub(r"\s*([/.-])\s*", r"\1", squash(nfc(text)))
    return any(re.search(rf"(?<!\d){re.escape(form)}(?!\d)", text) for form in _dates(value))


def _time_str(value: float | None, unit: str | None) -> str:
    if value is None:
        return "none"
    shown = f"{value:g}"
    return f"{shown} {unit}" if unit else f"{shown} (no unit)"


def _money(value: int, currency: str = "đồng") -> str:
    return f"{value:,}".replace(",", ".") + (" USD" if currency == "USD" else "")


# ---------------------------------------------------------------------------------------------
# Seed


def load_seed(directory: Path = SEED_DIR) -> list[dict[str, Any]]:
    """Seed procedures with details (national catalogue or portal API), as the YAML files give them."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    procedures = []
    for path in sorted(directory.glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=loader) or {}
        procedures += [p for p in data.get("procedures") or [] if p.get("source") in AUDITED_SOURCES]
    return procedures


def seed_copies(text: str | None) -> tuple[int, int] | None:
    """``"1 bản chính, 2 bản sao"`` → (1, 2); ``None`` → (0, 0); "không phải nộp" → None."""
    if text is None:
        return (0, 0)
    if "không phải nộp" in text:
        return None
    originals = re.search(r"(\d+) bản chính", text)
    copies = re.search(r"(\d+) bản sao", text)
    return (int(originals.group(1)) if originals else 0, int(copies.group(1)) if copies else 0)


# ---------------------------------------------------------------------------------------------
# Channels


def compare_channels(
    procedure: dict[str, Any], reading: Reading, tally: Tally, api_record: dict | None
) -> None:
    code = procedure["code"]
    seed_rows: dict[str, list[dict[str, Any]]] = {}
    for entry in procedure.get("channels") or []:
        seed_rows.setdefault(entry["channel"], []).append(entry)
    for channel in sorted(set(seed_rows) | set(reading.channels)):
        rows, entries = reading.channel_rows(channel), seed_rows.get(channel, [])
        if not rows:
            tally.disagree(Disagreement(code, "time", f"channel {channel}", "no such channel", channel))
            continue
        if not entries:
            tally.disagree(Disagreement(code, "time", "no such channel", f"channel {channel}", channel))
            continue
        _compare_times(code, channel, rows, entries, tally, api_record, reading.rows)
        _compare_fees(code, channel, rows, entries, tally)


def _compare_times(
    code: str,
    channel: str,
    rows: list[Row],
    entries: list[dict[str, Any]],
    tally: Tally,
    api_record: dict | None,
    every_row: list[Row],
) -> None:
    source = sorted(
        {(r.time.value, r.time.unit) for r in rows if r.time and r.time.value is not None}, key=str
    )
    seed = sorted(
        {(float(e["time_value"]), e.get("time_unit")) for e in entries if e.get("time_value") is not None},
        key=str,
    )
    glued = [r for r in rows if r.fee_cell == "glued"]
    texts = [r.time.text for r in rows if r.time and r.time.text]
    seed_texts = sorted({e["time_text"] for e in entries if e.get("time_text")})
    for value, unit in source:
        if (value, unit) in seed:
            tally.agree("time")
            continue
        same_value = [s for s in seed if s[0] == value]
        shown = ", ".join(_time_str(*s) for s in same_value or seed) or "none"
        tally.disagree(Disagreement(code, "time", shown, _time_str(value, unit), channel))
    case_times = {(t.value, t.unit) for t in api_case_times(api_record)} if api_record else set()
    for value, unit in seed:
        if any(s[0] == value for s in source):
            continue  # already reported (or agreed) above
        if not source and (value, unit) in case_times:
            tally.disagree(
                Disagreement(
                    code,
                    "time",
                    _time_str(value, unit),
                    "none",
                    channel,
                    "the method gives none; the record's case gives it",
                )
            )
            continue
        source_shown = ", ".join(_time_str(*s) for s in source)
        if glued:
            source_shown = "; ".join(r.glued for r in glued) + " (time run into the amount)"
        elif texts:
            source_shown = "; ".join(texts)
        tally.disagree(Disagreement(code, "time", _time_str(value, unit), source_shown or "none", channel))
    for text in texts:
        if any(fold(text) == fold(t) for t in seed_texts):
            tally.agree("time")
    for row in glued:
        if not seed:
            # the seed keeps no time for a cell it cannot split: compared, and reported for the allow-list
            tally.disagree(
                Disagreement(code, "time", "none", f"{row.glued} (time run into the amount)", channel)
            )
    # labels: a channel with several times must say which is which, with words from its source row
    distinct = {(e.get("time_value"), e.get("time_unit")) for e in entries if e.get("time_value") is not None}
    if len(distinct) > 1:
        # a label may come from the row of the same time in another channel (docs/importer.md)
        row_text = plain(" ".join(r.description + " " + r.fee_text for r in every_row))
        described = {squash(r.description) for r in rows}
        label_note = (
            "the rows' descriptions differ" if len(described) > 1 else "every row has the same description"
        )
        for time_value, time_unit in sorted(distinct, key=str):
            labels = {
                e.get("time_label") or ""
                for e in entries
                if (e.get("time_value"), e.get("time_unit")) == (time_value, time_unit)
            }
            for label in sorted(labels):
                if not label:
                    tally.disagree(
                        Disagreement(
                            code,
                            "time_label",
                            f"{_time_str(time_value, time_unit)} without a label",
                            "several times",
                            channel,
                            label_note,
                        )
                    )
                elif plain(label.rstrip("…")) in row_text:
                    tally.agree("time_label")
                else:
                    tally.disagree(
                        Disagreement(code, "time_label", label, "not in the channel's source rows", channel)
                    )


OPTIONAL_EXTRA = re.compile(
    r"nếu có yêu cầu|trường hợp có yêu cầu|nếu có nhu cầu|khi có yêu cầu", re.IGNORECASE
)


def _fee_note_says(text: str) -> str:
    """What a "Miễn phí" cell's note says about the fee, for the allow-list to tell cases apart.

    Sentences pricing an optional extra ("Phí cấp bản sao Trích lục … (nếu có yêu cầu)") are set
    apart: they do not make the procedure itself paid.
    """
    sentences = re.split(r"(?<=[.;])\s+|\s+-\s+", text)
    extras = [s for s in sentences if OPTIONAL_EXTRA.search(s)]
    rest = " ".join(s for s in sentences if not OPTIONAL_EXTRA.search(s))
    said = []
    if re.search(r"chưa quy định|không quy định|chưa có quy định|không có thông tin", rest, re.IGNORECASE):
        said.append("not set")
    if re.search(
        r"theo quy định|do (?:Hội đồng nhân dân|HĐND|Ủy ban|UBND)|Hội đồng nhân dân|HĐND|Thông tư|Nghị định|Luật phí|"
        r"mức thu|biểu phí|giá dịch vụ|quy định (?:của|tại|về)",
        rest,
        re.IGNORECASE,
    ):
        said.append("a regulation sets it")
    if re.search(r"\b(?:phí|lệ phí)\b", rest, re.IGNORECASE) and not said:
        said.append("names a fee without an amount")
    if re.search(r"miễn (?:phí|lệ phí|thu)|không thu|không phải nộp|không mất phí", rest, re.IGNORECASE):
        said.append("exempts")
    if extras:
        said.append("prices an optional extra")
    return "note: " + ", ".join(said) if said else "note: nothing about the fee"


def _compare_fees(
    code: str, channel: str, rows: list[Row], entries: list[dict[str, Any]], tally: Tally
) -> None:
    source: list[Amount] = [a for r in rows for a in r.amounts]
    source_values = {a.value for a in source if a.currency == "đồng" and a.value}  # "0 đồng" says free
    usd = sorted({a.value for a in source if a.currency == "USD"})
    glued_values = {split[1] for r in rows for split in r.glued_splits}
    derived = {
        round(a.value * share / 100)
        for r in rows
        for p in r.percents
        for share in (p, 100 - p)  # "bằng 50% mức thu", "giảm 20%"
        for a in r.amounts
        if a.currency == "đồng"
    }
    seed_values: set[int] = set()
    for entry in entries:
        for key in ("fee_amount", "fee_min", "fee_max"):
            if entry.get(key) is not None:
                seed_values.add(int(entry[key]))
    kinds = {e.get("fee_kind") for e in entries}
    # amounts
    online_only = {
        a.value
        for a in source
        if re.search(r"trực tuyến|trực tuyển|online|qua Cổng", a.context, re.IGNORECASE)
    }
    for value in sorted(source_values):
        if value in seed_values:
            tally.agree("fee")
        elif channel != "truc_tuyen" and value in online_only:
            tally.tolerate("fee", "online-only rate kept on the online channel only")
        else:
            shown = ", ".join(_money(v) for v in sorted(seed_values)) or "/".join(
                sorted(k or "" for k in kinds)
            )
            note = (
                "the fee cell runs a unit-less time into the amount: "
                + "; ".join(r.glued for r in rows if r.glued)
                if any(r.glued for r in rows)
                else ""
            )
            tally.disagree(Disagreement(code, "fee", shown, _money(value), channel, note))
    described = {a.value for r in rows for a in amounts_in(r.description) if a.currency == "đồng"}
    for value in sorted(seed_values - source_values):
        if value in described:
            tally.agree("fee")  # stated in the row's description column
        elif value in derived:
            tally.tolerate("fee", "computed from a percentage the source states")
        elif value in glued_values:
            tally.disagree(
                Disagreement(
                    code,
                    "fee",
                    _money(value),
                    "; ".join(r.glued for r in rows if r.glued) + " (time run into the amount)",
                    channel,
                )
            )
        else:
            shown = ", ".join(_money(v) for v in sorted(source_values)) or "; ".join(
                r.fee_text[:60] for r in rows
            )
            tally.disagree(Disagreement(code, "fee", _money(value), f"not in the source ({shown})", channel))
    for value in sorted(v for v in seed_values if 0 < v < 1000):
        # "1 Việt Nam Đồng", "20 VNĐ (20.000 vnđ/tờ khai)": a placeholder or thousands, never a fee of a few đồng
        tally.disagree(
            Disagreement(
                code, "fee", _money(value), "an amount under 1.000 đồng", channel, "implausible amount"
            )
        )
    seed_labels = " ".join(f"{e.get('fee_label') or ''} {e.get('fee_case') or ''}" for e in entries)
    for value in usd:
        if re.search(rf"(?<![\d.,]){value}\s?USD", seed_labels):
            tally.agree("fee")  # kept in words ("10 USD/lần"): the seed's amounts are in đồng
        else:
            shown = "; ".join(sorted({e.get("fee_label") or e.get("fee_kind") or "" for e in entries}))[:120]
            tally.disagree(Disagreement(code, "fee", shown, _money(value, "USD"), channel))
    # free or not ("free" rows limited to a period are a temporary waiver, not the fee)
    cells = {r.fee_cell for r in rows}
    lasting = {
        e.get("fee_kind")
        for e in entries
        if not (e.get("valid_from") or e.get("valid_to"))
        and not (
            e.get("fee_kind") == "free" and (e.get("fee_label") or e.get("fee_case"))
        )  # a labelled exemption
    }
    notes = " ".join(r.note for r in rows)
    if cells == {"free"} and not source_values:
        if lasting == {"free"}:
            tally.agree("fee_kind")
        else:
            tally.disagree(
                Disagreement(
                    code,
                    "fee_kind",
                    "/".join(sorted(k or "" for k in lasting)),
                    "Miễn phí",
                    channel,
                    _fee_note_says(notes),
                )
            )
    elif "free" in lasting and (source_values or "amount" in cells):
        tally.disagree(
            Disagreement(
                code,
                "fee_kind",
                "free",
                ", ".join(_money(v) for v in sorted(source_values)) or "amount",
                channel,
                _fee_note_says(notes),
            )
        )
    elif cells & {"amount", "glued", "free"}:
        tally.agree("fee_kind")
    # labels and units of the amounts the source names
    for amount in source:
        matching = [e for e in entries if e.get("fee_amount") == amount.value]
        if amount.currency != "đồng" or not matching:
            continue
        money = _money(amount.value)
        if amount.label:
            wanted = fold(amount.label)
            ok = any(
                wanted in fold(f"{e.get('fee_label', '')} {e.get('fee_case', '')}")
                or (fold(e.get("fee_label") or "") and fold(e.get("fee_label") or "") in wanted)
                for e in matching
            )
            shown = "; ".join(sorted({e.get("fee_label") or "no label" for e in matching}))
            tally.judge(
                ok, Disagreement(code, "fee_label", f"{money}: {shown}", f"{money}: {amount.label}", channel)
            )
        if amount.unit:
            wanted = fold(amount.unit)
            units = {fold(e.get(key) or "") for e in matching for key in ("fee_unit", "fee_limit_unit")}
            ok = any(u and (u == wanted or u in wanted or wanted in u) for u in units)
            shown = "; ".join(sorted({e.get("fee_unit") or "no unit" for e in matching}))
            tally.judge(
                ok, Disagreement(code, "fee_unit", f"{money}/{shown}", f"{money}/{amount.unit}", channel)
            )
    # the seed's labels of amounts are words of the source, not invented
    source_words = plain(" ".join(r.text for r in rows))
    for label in sorted({e.get("fee_label") or "" for e in entries if e.get("fee_kind") == "amount"} - {""}):
        if plain(label.rstrip("…")) in source_words:
            tally.agree("fee_label")
        else:
            tally.disagree(Disagreement(code, "fee_label", label, "not in the channel's fee text", channel))
    # validity dates of temporary rates are stated in the same fee text
    fee_text = " ".join(r.text for r in rows)
    for entry in entries:
        for key in ("valid_from", "valid_to"):
            if entry.get(key):
                if _has_date(fee_text, str(entry[key])):
                    tally.agree("fee_period")
                else:
                    tally.disagree(
                        Disagreement(
                            code,
                            "fee_period",
                            f"{key} {entry[key]} ({_money(entry.get('fee_amount') or 0)})",
                            "date not in the fee text",
                            channel,
                        )
                    )


# ---------------------------------------------------------------------------------------------
# Documents

MAX_CHARS, MAX_WORDS = 160, 30
# a name at least this long may have been cut: the seed counts characters and words on its own
# cleaned text (brackets out, form-file column out), which the audit does not reproduce exactly
LONG_CHARS, LONG_WORDS = 120, 24


def _names_agree(seed_name: str, document: Document) -> str | None:
    """ "agree", a documented tolerance, or None when the names differ."""
    seed_folded, source_folded = fold(seed_name), fold(document.name)
    if not seed_folded or not source_folded:
        return (
            "agree" if seed_folded == source_folded and seed_name.strip() == document.name.strip() else None
        )
    if seed_folded == source_folded:
        return "agree"
    if any(seed_folded == fold(reading) for reading in document.readings):
        return "agree"  # the form-file column cut at another place the flattened cell allows
    if seed_name.rstrip().endswith("…") and source_folded.startswith(seed_folded):
        if len(seed_name) > MAX_CHARS + 1 or len(seed_name.split()) > MAX_WORDS + 1:
            return None
        long = len(document.name) > LONG_CHARS or len(document.name.split()) > LONG_WORDS
        return "cut to 160 characters / 30 words" if long else None
    return None


LEADING_COUNT = re.compile(
    r"^0?\d+ bản (?:chính|sao|chụp|gốc)(?: có chứng thực| chứng thực)? ", re.IGNORECASE
)


def _cut(name: str) -> str:
    """The start of a name the seed's length cut keeps (about 150 characters or 29 words)."""
    words = fold(name).split()[:29]
    return " ".join(words)[:150]


def _similar(seed_name: str, document: Document) -> float:
    seed_folded, source_folded = fold(seed_name), fold(document.name) or fold(document.row)
    source_folded = LEADING_COUNT.sub("", source_folded)
    if not seed_folded or not source_folded:
        return 0.0
    if len(seed_folded.split()) >= 3 and (
        seed_folded.startswith(source_folded) or source_folded.startswith(seed_folded)
    ):
        return 0.9
    a, b = set(seed_folded.split()), set(source_folded.split())
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _align(
    seed_docs: list[dict[str, Any]], source_docs: list[Document]
) -> list[tuple[int | None, int | None]]:
    """Pair the two lists in order (a global alignment; similar names pair, others are gaps)."""
    n, m = len(seed_docs), len(source_docs)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            similarity = (
                2.0
                if _names_agree(seed_docs[i]["name"], source_docs[j])
                else _similar(seed_docs[i]["name"], source_docs[j])
            )
            pair = score[i + 1][j + 1] + similarity if similarity >= 0.5 else -1.0
            score[i][j] = max(pair, score[i + 1][j], score[i][j + 1])
    pairs: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        similarity = (
            2.0
            if _names_agree(seed_docs[i]["name"], source_docs[j])
            else _similar(seed_docs[i]["name"], source_docs[j])
        )
        if similarity >= 0.5 and score[i][j] == score[i + 1][j + 1] + similarity:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            pairs.append((i, None))
            i += 1
        else:
            pairs.append((None, j))
            j += 1
    pairs += [(k, None) for k in range(i, n)] + [(None, k) for k in range(j, m)]
    return pairs


NOT_NEEDED = re.compile(r"không (?:phải|cần|yêu cầu) (?:nộp|xuất trình|cung cấp)", re.IGNORECASE)


def compare_documents(procedure: dict[str, Any], reading: Reading, tally: Tally) -> None:
    code = procedure["code"]
    seed_docs = procedure.get("documents") or []
    source_docs = reading.documents
    for i, j in _align(seed_docs, source_docs):
        if i is None:
            document = source_docs[j]  # type: ignore[index]
            if document.originals == 0 and document.copies == 0:
                # "rows without copies that are notes are left out" (docs/importer.md): 0 originals, 0 copies
                tally.tolerate("document", "row without copies (0 bản chính) left out")
                continue
            same_table = [d for k, d in enumerate(source_docs) if k != j and d.case == document.case]
            note = ""
            if any(fold(d.name) == fold(document.name) for d in source_docs[:j] if d.case == document.case):  # type: ignore[misc]
                note = "repeats an earlier row of the same table"
            elif any(_cut(d.name) == _cut(document.name) for d in same_table):
                note = "another row of the table starts with the same 160 characters / 30 words"
            elif any(_names_agree(d["name"], document) for d in seed_docs):
                note = "the seed keeps the same name under another table (case) only"
            tally.disagree(Disagreement(code, "document", "missing", document.name[:200], note=note))
            continue
        seed_doc = seed_docs[i]
        if j is None:
            tally.disagree(
                Disagreement(code, "document", seed_doc["name"], _not_found(seed_doc["name"], reading))
            )
            continue
        document = source_docs[j]
        verdict = _names_agree(seed_doc["name"], document)
        if verdict == "agree":
            tally.agree("document")
        elif verdict:
            tally.tolerate("document", verdict)
        else:
            tally.disagree(
                Disagreement(
                    code,
                    "document",
                    seed_doc["name"],
                    document.name[:300],
                    note=_difference(seed_doc["name"], document),
                )
            )
        copies = seed_copies(seed_doc.get("copies"))
        source_copies = (document.originals or 0, document.copies or 0)
        if copies is None:
            if NOT_NEEDED.search(reading.text):
                tally.tolerate("copies", "a note says the document is not needed")
            else:
                tally.disagree(Disagreement(code, "copies", "không phải nộp", _copies_str(source_copies)))
        elif copies == source_copies:
            tally.agree("copies")
        else:
            shown = _copies_str(source_copies)
            note = ""
            if document.glued_digits:
                note = f"cell '{document.glued_digits} bản chính': the name ends with {document.glued_digits[:-1]}, then the count"
            else:
                written = re.findall(r"(?<!\d)0?(\d+) (bản chính|bản sao|bản chụp|bản gốc)", document.row)
                said = {
                    (int(n), "bản chính" if kind in ("bản chính", "bản gốc") else "bản sao")
                    for n, kind in written
                }
                seed_said = {(n, kind) for n, kind in zip(copies, ("bản chính", "bản sao"), strict=True) if n}
                if written:
                    which = (
                        "seed has the count the name writes"
                        if seed_said and seed_said <= said
                        else "the name writes"
                    )
                    note = f"{which}: " + ", ".join(f"{n} {kind}" for n, kind in written)
            tally.disagree(Disagreement(code, "copies", seed_doc.get("copies") or "none", shown, note=note))


def _unbracketed(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"\([^()]*\)", " ", text)
    return squash(text)


def _difference(seed_name: str, document: Document) -> str:
    """Where two names part: "after: <source words the seed leaves out>" or "seed adds: <words>"."""
    raw, seed_text = squash(nfc(document.row)), squash(nfc(seed_name)).rstrip("… ")
    at = raw.find(seed_text) if len(seed_text) > 8 else -1
    if at >= 0 and re.match(r"[\s”\"':]*\(?\s*0?\d+ bản (?:chính|sao|chụp|gốc)", raw[at + len(seed_text) :]):
        return "after: " + raw[at + len(seed_text) :][:300]  # a count written in the name follows
    seed_words = fold(seed_name).split()
    source = _unbracketed(
        nfc(document.row if fold(document.row).startswith(fold(seed_name)) else document.name)
    )
    source = re.sub(r"^\W*(?:[a-zđ]\.\d+\)|\(?[a-zđ]\)|\(?[ivx]+\)|\d+(?:\.\d+)*[.)])?\s*", "", source)
    words = list(re.finditer(r"[^\W_]+", source))
    folded_words = [fold(w.group(0)) for w in words]
    if folded_words[: len(seed_words)] == seed_words and len(words) > len(seed_words):
        cut = words[len(seed_words) - 1].end() if seed_words else 0
        return "after: " + re.sub(r"^\s+([:;,.])", r"\1", source[cut:])[:300]
    source_words = fold(document.name).split()
    if seed_words[: len(source_words)] == source_words and len(seed_words) > len(source_words):
        return "seed adds: " + " ".join(seed_words[len(source_words) :])[:120]
    return ""


def _not_found(seed_name: str, reading: Reading) -> str:
    """Why a seed document has no source row: a piece of a longer row, or nowhere in the table."""
    wanted = plain(seed_name.rstrip("…"))
    for document in reading.documents:
        if wanted and wanted in plain(document.row):
            return f"piece of the row: {squash(document.row)[:200]}"
    return "no such document"


def _copies_str(counts: tuple[int, int]) -> str:
    return f"{counts[0]} bản chính, {counts[1]} bản sao"


# ---------------------------------------------------------------------------------------------
# Whole run


def audit(national: Path, api_files: list[Path], seed_dir: Path = SEED_DIR) -> Tally:
    sources = read_sources(national, api_files)
    tally = Tally()
    for procedure in load_seed(seed_dir):
        code, kind = procedure["code"], procedure["source"]
        found = sources[kind].get(code)
        if found is None:
            tally.disagree(Disagreement(code, "document", "procedure", f"no {kind} record"))
            continue
        reading, record = found
        tally.procedures += 1
        compare_channels(procedure, reading, tally, record if kind == "portal_api" else None)
        compare_documents(procedure, reading, tally)
    return tally


# ---------------------------------------------------------------------------------------------
# Allow-list


@dataclass(frozen=True)
class Allowance:
    fact: str
    reason: str
    status: str  # "accepted" | "bug"
    codes: tuple[str, ...]  # empty = any code
    seed: str  # regular expression on the seed side ("" = any)
    source: str  # regular expression on the source side
    note: str = ""  # regular expression on how they differ
    name: str = ""  # short name of the category, for the report

    def matches(self, item: Disagreement) -> bool:
        if item.fact != self.fact or (self.codes and item.code not in self.codes):
            return False
        return all(
            re.search(pattern, text, re.S)
            for pattern, text in ((self.seed, item.seed), (self.source, item.source), (self.note, item.note))
        )


def load_allow_list(path: Path = ALLOW_LIST) -> list[Allowance]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    allowances = []
    for entry in data.get("entries") or []:
        codes = entry.get("codes") or ([entry["code"]] if entry.get("code") else [])
        seed = entry.get("seed_pattern") or (f"^{re.escape(str(entry['seed']))}$" if "seed" in entry else "")
        source = entry.get("source_pattern") or (
            f"^{re.escape(str(entry['source']))}$" if "source" in entry else ""
        )
        allowances.append(
            Allowance(
                entry["fact"],
                squash(entry["reason"]),
                entry.get("status", "accepted"),
                tuple(str(c) for c in codes),
                seed,
                source,
                entry.get("note_pattern", ""),
                entry.get("name", ""),
            )
        )
    return allowances


def classify(
    disagreements: Iterable[Disagreement], allowances: list[Allowance]
) -> tuple[list[Disagreement], dict[Allowance, list[Disagreement]]]:
    """Split into unexplained disagreements and those each allow-list entry explains (first match wins)."""
    unexplained: list[Disagreement] = []
    explained: dict[Allowance, list[Disagreement]] = {a: [] for a in allowances}
    for item in disagreements:
        for allowance in allowances:
            if allowance.matches(item):
                explained[allowance].append(item)
                break
        else:
            unexplained.append(item)
    return unexplained, explained


def report(tally: Tally, allowances: list[Allowance]) -> str:
    unexplained, explained = classify(tally.disagreements, allowances)
    lines = [f"procedures compared: {tally.procedures}"]
    total = sum(tally.compared.values())
    lines.append(f"facts compared: {total}")
    for fact in FACTS:
        lines.append(
            f"  {fact}: {tally.compared[fact]} compared, {tally.agreed[fact]} agree, "
            f"{sum(v for k, v in tally.tolerated.items() if k.startswith(fact + ':'))} documented differences, "
            f"{sum(1 for d in tally.disagreements if d.fact == fact)} disagreements"
        )
    lines.append(f"agree: {sum(tally.agreed.values())}")
    lines.append("documented differences (docs/importer.md):")
    for key, count in sorted(tally.tolerated.items()):
        lines.append(f"  {count:5d}  {key}")
    lines.append(f"disagreements: {len(tally.disagreements)}")
    grouped: dict[tuple[str, str], list[Disagreement]] = {}
    for allowance, items in explained.items():
        grouped.setdefault((allowance.status, allowance.name), []).extend(items)
    for status, title in (
        ("accepted", "allowed by the allow-list (accepted):"),
        ("bug", "seed bugs (status: bug):"),
    ):
        rows = sorted(((n, v) for (st, n), v in grouped.items() if st == status), key=lambda nv: -len(nv[1]))
        lines.append(f"{title} {sum(len(v) for _, v in rows)}")
        for name, items in rows:
            lines.append(f"  {len(items):5d} in {len({i.code for i in items}):4d} procedures  {name}")
    lines.append(f"unexplained: {len(unexplained)}")
    return "\n".join(lines)


def shared_catalogue_dir() -> Path:
    """The shared folder's ``data/catalogue`` (tests/shared_data.SHARED_DIR), or the one under ``SHARED_DATA_DIR``.

    SHARED_DATA_DIR may name the shared folder (docs/importer.md) or its catalogue folder; both work.
    Resolved here rather than with ``tests.shared_data.shared_file`` because that helper imports
    ``bot.knowledge.sources``, and the audit stays independent of the importer.
    """
    import os

    from tests.shared_data import SHARED_DIR

    override = os.environ.get("SHARED_DATA_DIR", "").strip()
    if not override:
        return SHARED_DIR / "data" / "catalogue"
    base = Path(override).expanduser()
    return base / "data" / "catalogue" if (base / "data" / "catalogue").is_dir() else base


def main(argv: list[str]) -> int:
    """``python -m tests.audit.audit [--shared DIR] [--list]``: the counts, and with --list every unexplained one."""
    shared = Path(argv[argv.index("--shared") + 1]) if "--shared" in argv else shared_catalogue_dir()
    tally = audit(
        shared / "national-catalogue-2026.jsonl.gz",
        [shared / "top-demand-details-2026.jsonl.gz", shared / "commune-citizen-details-2026.jsonl.gz"],
    )
    allowances = load_allow_list()
    print(report(tally, allowances))
    unexplained, _ = classify(tally.disagreements, allowances)
    if "--list" in argv:
        for item in unexplained:
            print(yaml.safe_dump([item.as_dict()], allow_unicode=True, width=200).rstrip())
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
