"""Generate the project's reviewable seed (data/seed/procedures/*.yml) from the shared source files.

Every procedure that applies in Quảng Trị (../shared/data/catalogue/quang-tri-applicable-2026.jsonl.gz,
less internal procedures and test entries) plus the national-catalogue procedures of the citizen scope,
each from its best source (bot.knowledge.sources). Facts only: codes, names, levels, agencies, times,
fees with their rules, document names, form codes, legal numbers. Descriptive passages (steps,
conditions, fee notes) are NOT copied: the seed carries short summaries built from the facts by the
templates below. Output is sorted and deterministic so diffs are reviewable. The format is described
in docs/importer.md.

    .venv/bin/python scripts/build_seed.py [--shared DIR] [--out DIR] [--aliases FILE]
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge import sources  # noqa: E402
from bot.knowledge.catalogue import ParsedChannel, ParsedProcedure  # noqa: E402
from bot.knowledge.importer import CRAWL_DATE, ImportReport, read_codes, read_records  # noqa: E402
from bot.knowledge.models import (  # noqa: E402
    CHANNEL_IN_PERSON,
    CHANNEL_ONLINE,
    CHANNEL_POST,
    FEE_AMOUNT,
    FEE_FREE,
)
from bot.knowledge.rules import find_period  # noqa: E402
from bot.text.normalize import fold  # noqa: E402

logger = logging.getLogger("build_seed")

DEFAULT_OUT = ROOT / "data" / "seed" / "procedures"
DEFAULT_ALIASES = ROOT / "data" / "seed" / "aliases.yml"

# Fields citizens use most; every record of these fields is in the seed (see docs/importer.md).
CITIZEN_FIELDS = (
    "Hộ tịch",
    "Chứng thực",
    "Đăng ký, quản lý cư trú",
    "Cấp, quản lý căn cước",
    "Quản lý xuất nhập cảnh",
    "Đất đai",
    "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)",
    "Thực hiện chính sách BHXH",
    "Thực hiện chính sách BHYT",
    "Cấp sổ BHXH, thẻ BHYT",
    "Đăng ký, quản lý phương tiện giao thông cơ giới, xe máy chuyên dùng",
    "Sát hạch, cấp giấy phép lái xe",
    "Hoạt động xây dựng",
    "Người có công",
    "Nuôi con nuôi",
    "Định danh và xác thực điện tử",
    "Lý lịch tư pháp",
    "Quốc tịch",
)

# Length caps of seed strings (tests check them).
CAPS = {"document": 160, "case": 160, "legal_title": 160, "result": 160, "agency": 300, "fee_label": 120,
        "time_label": 120, "address": 300}

_CHANNEL_WORDS = {CHANNEL_IN_PERSON: "trực tiếp", CHANNEL_ONLINE: "trực tuyến", CHANNEL_POST: "qua bưu chính"}
_LEVEL_SUFFIX = re.compile(r"\s*\(\s*thực hiện tại cấp[^)]*\)\s*$", re.IGNORECASE)
_FORM_PAREN = re.compile(r"(?:Mẫu|mẫu)\s*(?:số\s*)?([A-ZĐ]{1,6}(?:-[A-ZĐ]{1,6})*[-.]?\s?\d{1,3}[a-z]?)\b")
_DOCUMENT_NOUN = re.compile(
    r"(Giấy|Bản|Phiếu|Tờ khai|Đơn|Văn bản|Hộ chiếu|Sổ|Thẻ|Quyết định|Hợp đồng|Chứng|Ảnh|Danh sách|Báo cáo)\b.{0,110}$",
    re.DOTALL,
)
_LEGAL_IN_TEXT = re.compile(r"\d+(?:\.\d+)?/\d{4}/[A-ZĐ]+(?:-[A-ZĐ0-9]+)*")


# --- scope ----------------------------------------------------------------------------------


def base_name(name: str) -> str:
    """Folded name without the trailing "(thực hiện tại cấp ...)" used to find level duplicates."""
    return fold(_LEVEL_SUFFIX.sub("", name))


def select_scope(records: list[dict[str, Any]], scope_codes: set[str]) -> list[dict[str, Any]]:
    """Scope codes plus every record of the citizen fields, minus ministry-only duplicates."""
    fields = {fold(f) for f in CITIZEN_FIELDS}
    local_names = {
        base_name(r["ten_thu_tuc"])
        for r in records
        if {"Cấp tỉnh", "Cấp xã"} & {x.strip() for x in str(r.get("cap_thuc_hien", "")).split(",")}
    }
    chosen: dict[str, dict[str, Any]] = {}
    for r in records:
        code = str(r.get("ma_thu_tuc", "")).strip()
        if code in scope_codes:
            chosen[code] = r
            continue
        if fold(str(r.get("linh_vuc", ""))) not in fields:
            continue
        levels = {x.strip() for x in str(r.get("cap_thuc_hien", "")).split(",") if x.strip()}
        if levels == {"Cấp bộ"} and base_name(r["ten_thu_tuc"]) in local_names:
            continue
        chosen[code] = r
    return [chosen[c] for c in sorted(chosen)]


def alias_codes(path: Path) -> set[str]:
    """Codes the hand-written aliases.yml refers to: the seed includes them so no alias dangles."""
    if not path.exists():
        return set()
    with path.open(encoding="utf-8") as fh:
        return {str(code) for code in (yaml.safe_load(fh) or {})}


def seed_codes(scope: Path, aliases: Path) -> set[str]:
    """Codes that must be in the seed whatever their field: citizen-scope.tsv plus aliases.yml."""
    return set(read_codes(scope)) | alias_codes(aliases)


# --- text helpers ---------------------------------------------------------------------------


def cap_clause(text: str, limit: int) -> str:
    """Cut at the last clause boundary (;,.) before ``limit``, else at a word, and mark the cut."""
    text = text.strip().rstrip(".;,: ")
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = max(head.rfind("; "), head.rfind(", "), head.rfind(". "))
    if cut < limit // 2:
        cut = head.rfind(" ")
    return head[: cut if cut > 0 else limit - 1].rstrip(" ;,.:(") + "…"


def _strip_parens(text: str) -> str:
    """Replace long explanatory parentheses by the form code they mention, if any."""
    out, depth, start, buf = [], 0, 0, ""
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                out.append(text[start:i])
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                buf = text[start : i + 1]
                if len(buf) > 40:
                    code = _FORM_PAREN.search(buf)
                    buf = f"(Mẫu {re.sub(r'[ .]', '', code.group(1))})" if code else ""
                out.append(buf)
                start = i + 1
    out.append(text[start:] if depth == 0 else text[start:].split("(", 1)[0])
    return re.sub(r"\s+([,.;])", r"\1", re.sub(r"\s{2,}", " ", "".join(out))).strip()


MAX_DOCUMENT_WORDS = 30


def clean_document_name(name: str) -> str:
    """A document's name as a short fact: no long explanations in brackets, at most 160 characters and
    30 words (cut at a clause boundary)."""
    text = _strip_parens(name)
    words = text.split()
    if len(words) > MAX_DOCUMENT_WORDS:
        text = cap_clause(" ".join(words[: MAX_DOCUMENT_WORDS + 1]), len(" ".join(words[:MAX_DOCUMENT_WORDS])))
    return cap_clause(text, CAPS["document"])


def _legal_label(number: str) -> str:
    kinds = (
        ("TT", "Thông tư"),
        ("NĐ", "Nghị định"),
        ("NQ", "Nghị quyết"),
        ("QĐ", "Quyết định"),
        ("QH", "Luật"),
    )
    suffix = number.split("/")[-1]
    for key, label in kinds:
        if suffix.startswith(key):
            return f"{label} {number}"
    return number


def fee_fact(note: str) -> str:
    """A short generated fact about exemptions/reductions in a fee note (never the note itself)."""
    low = note.lower()
    exempt, reduce = "miễn" in low, "giảm" in low or "50%" in low
    if not (exempt or reduce):
        if re.search(r"hội đồng nhân dân|hđnd", low) and "lệ phí" in low:
            return "Mức lệ phí cụ thể do Hội đồng nhân dân cấp tỉnh quy định."
        return ""
    what = "miễn hoặc giảm" if exempt and reduce else ("miễn" if exempt else "giảm")
    # Cite only the documents named in the sentences about the exemption, not every number in the note;
    # a reduction with a period is a rule of its own (valid_from/valid_to), not a note.
    sentences = [
        x for x in re.split(r"(?<=[.;])\s+|\n", note)
        if re.search(r"miễn|giảm|50%", x, re.IGNORECASE) and find_period(x) is None
    ]
    if not sentences:
        return ""
    laws = list(dict.fromkeys(n for x in sentences for n in _LEGAL_IN_TEXT.findall(x)))[:2]
    basis = f" theo {', '.join(_legal_label(n) for n in laws)}" if laws else ""
    return f"Có trường hợp được {what} phí, lệ phí{basis}."


def _time_phrase(value: float | None, unit: str) -> str:
    if value is None or not unit:
        return ""
    number = int(value) if float(value).is_integer() else value
    return f"{number} {unit.lower()}"


# --- templates for steps and conditions -----------------------------------------------------


def summary_steps(p: ParsedProcedure) -> list[str]:
    """Short steps generated from facts; no sentence of the catalogue's own procedure text."""
    codes = sorted({c.strip() for d in p.documents for c in d.form_code.split(",") if c.strip()})
    steps = ["Chuẩn bị hồ sơ theo danh sách giấy tờ" + (f" (mẫu {', '.join(codes[:4])})." if codes else ".")]
    ways = [w for c, w in _CHANNEL_WORDS.items() if any(ch.channel == c for ch in p.channels)]
    agency = cap_clause(p.agency or p.competent_agency, 120) or "cơ quan có thẩm quyền"
    steps.append(f"Nộp hồ sơ tại {agency}" + (f" ({', '.join(ways)})." if ways else "."))
    if p.channels and all(c.fee_kind == FEE_FREE for c in p.channels):
        steps.append("Không phải nộp lệ phí; nhận giấy hẹn trả kết quả.")
    else:
        steps.append("Nộp phí, lệ phí (nếu có) và nhận giấy hẹn trả kết quả.")
    times = sorted({_time_phrase(c.time_value, c.time_unit) for c in p.channels} - {""})
    if len(times) == 1:
        steps.append(f"Chờ giải quyết trong {times[0]}.")
    elif times:
        steps.append("Chờ giải quyết theo thời hạn của hình thức nộp đã chọn.")
    if p.result_names:
        names = "; ".join(cap_clause(n, 100) for n in p.result_names[:3])
        steps.append(f"Nhận kết quả: {names}.")
    else:
        steps.append("Nhận kết quả theo giấy hẹn.")
    return [step.replace("….", "…") for step in steps]


def summary_conditions(p: ParsedProcedure) -> str:
    if not p.conditions:
        return ""
    laws = list(dict.fromkeys(_LEGAL_IN_TEXT.findall(p.conditions)))[:3]
    basis = f" (theo {', '.join(_legal_label(n) for n in laws)})" if laws else ""
    return f"Có yêu cầu, điều kiện riêng{basis}; xem chi tiết trên Cổng Dịch vụ công quốc gia."


# --- one procedure --------------------------------------------------------------------------


def _channel(c: ParsedChannel) -> dict[str, Any]:
    row: dict[str, Any] = {"channel": c.channel}
    if c.time_value is not None:
        row["time_value"] = int(c.time_value) if float(c.time_value).is_integer() else c.time_value
    if c.time_unit:
        row["time_unit"] = c.time_unit
    elif c.time_text and c.time_value is None:
        row["time_text"] = cap_clause(c.time_text, CAPS["time_label"])  # a time stated in words
    if c.time_label:
        row["time_label"] = cap_clause(c.time_label, CAPS["time_label"])
    row["fee_kind"] = c.fee_kind
    if c.fee_kind == FEE_AMOUNT:
        row["fee_amount"] = c.fee_amount
    label = cap_clause(c.fee_text, CAPS["fee_label"]) if c.fee_text else ""
    if label:
        row["fee_label"] = label
    optional = {
        "fee_case": cap_clause(c.case_name, CAPS["case"]) if c.case_name else "",
        "fee_unit": c.fee_unit,
        "fee_min": c.fee_min,
        "fee_max": c.fee_max,
        "fee_limit_unit": c.fee_limit_unit,
        "valid_from": c.valid_from.isoformat() if c.valid_from else None,
        "valid_to": c.valid_to.isoformat() if c.valid_to else None,
        "fee_basis": c.fee_basis,
        "fee_note": fee_fact(c.note),
    }
    row.update({k: v for k, v in optional.items() if v not in (None, "")})
    return row


def _source_fields(p: ParsedProcedure) -> dict[str, Any]:
    """Where the record comes from and what the Quảng Trị list says about it."""
    out: dict[str, Any] = {
        "source": p.source_kind,
        "source_date": (p.source_date or CRAWL_DATE).isoformat(),
    }
    optional = {
        "portal_id": p.portal_id,
        "issuing_body": p.issuing_body,
        "usage_weight": p.usage_weight,
        "in_province_list": p.in_province_list or None,
        "other_names": sorted(p.other_names) or None,
        "related": p.related_codes or None,
        "active": False if not p.active else None,
    }
    out.update({k: v for k, v in optional.items() if v not in (None, "")})
    return out


def name_only_entry(p: ParsedProcedure) -> dict[str, Any]:
    """A listed procedure without a detail record: who handles it and where its page is, nothing more."""
    return {
        "code": p.code,
        "name": p.name,
        "levels": p.levels,
        "field": p.field,
        "details": False,
        "source_url": p.source_url,
        **_source_fields(p),
    }


def seed_entry(p: ParsedProcedure) -> dict[str, Any]:
    if not p.has_details:
        return name_only_entry(p)
    entry: dict[str, Any] = {
        "code": p.code,
        "name": p.name,
        "levels": p.levels,
        "field": p.field,
        "agency": cap_clause(p.agency or p.competent_agency, CAPS["agency"]),
        "applicants": p.applicants,
        "results": [cap_clause(n, CAPS["result"]) for n in p.result_names],
        "online_level": p.online_level,
        "decision_no": p.decision_no,
        "source_url": p.source_url,
        "channels": [_channel(c) for c in p.channels],
        "documents": [],
        "legal_bases": [],
        "steps": summary_steps(p),
        "conditions": summary_conditions(p),
        **_source_fields(p),
    }
    if p.submit_address:
        entry["submit_address"] = cap_clause(p.submit_address, CAPS["address"])
    issues = sorted({f.split(":", 1)[0] for f in p.flags})
    if issues:
        entry["parse_issues"] = issues  # what the source record lacks, so answers can hedge
    seen: set[tuple[str, str, str]] = set()
    case = None
    for d in p.documents:
        if not d.copies and not _DOCUMENT_NOUN.match(d.name):
            continue  # rows without copies are mostly explanatory notes, not items to bring
        if d.case_name != case:  # a row repeated in the same list is dropped; a later list keeps its own
            seen, case = set(), d.case_name
        name = clean_document_name(d.name)
        key = (fold(d.name), d.form_code, d.copies)  # the whole name: two documents may differ after the cut
        if not name or key in seen:
            continue
        seen.add(key)
        doc: dict[str, Any] = {"name": name}
        if d.case_name:
            doc["case"] = cap_clause(_strip_parens(d.case_name), CAPS["case"])
        if d.form_code:
            doc["form_code"] = d.form_code
        if d.copies:
            doc["copies"] = d.copies
        entry["documents"].append(doc)
    numbers = set()
    for lb in p.legal_bases:
        if lb.number in numbers:
            continue
        numbers.add(lb.number)
        entry["legal_bases"].append({"number": lb.number, "title": cap_clause(lb.title, CAPS["legal_title"])})
    return entry


def field_slug(field: str) -> str:
    return fold(field).replace(" ", "-") or "khac"


@dataclass
class Inputs:
    """The shared source files, read."""

    national: list[dict[str, Any]]
    api: list[dict[str, Any]]
    province: list[dict[str, Any]]
    scope_codes: set[str]


def read_inputs(shared: Path, aliases: Path) -> Inputs:
    return Inputs(
        national=list(read_records(shared / sources.NATIONAL_FILE)),
        api=[r for name in sources.API_FILES for r in read_records(shared / name)],
        province=list(read_records(shared / sources.PROVINCE_FILE)),
        scope_codes=seed_codes(shared / sources.SCOPE_FILE, aliases),
    )


def build(inputs: Inputs, coverage: ImportReport | None = None) -> dict[str, dict[str, Any]]:
    """Seed file name -> file content; ``coverage`` collects parse coverage of the detailed records."""
    national_scope = {str(r["ma_thu_tuc"]).strip() for r in select_scope(inputs.national, inputs.scope_codes)}
    combined = sources.combine(inputs.national, inputs.api, inputs.province, national_scope=national_scope)
    by_field: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    for p in combined.procedures.values():
        if coverage is not None and p.has_details:
            coverage.add_coverage(p)
        slug = field_slug(p.field)
        names.setdefault(slug, p.field)
        by_field[slug].append(seed_entry(p))
    files = {}
    for slug in sorted(by_field):
        procs = sorted(by_field[slug], key=lambda e: e["code"])
        files[f"{slug}.yml"] = {"field": names[slug], "procedures": procs}
    return files


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)

_HEADER = (
    "# Generated by scripts/build_seed.py from the shared source files; do not edit by hand.\n"
    "# Facts only: steps, conditions and fee notes are generated summaries, not source text.\n"
    "# Format: docs/importer.md (\"The seed format\").\n"
)


def write(files: dict[str, dict[str, Any]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yml"):
        if old.name not in files:
            old.unlink()
    for name, content in files.items():
        text = yaml.dump(content, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
        (out / name).write_text(_HEADER + text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shared", type=Path, default=None, help="catalogue folder (default ../shared/data/catalogue)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--aliases", type=Path, default=DEFAULT_ALIASES, help="its codes are always included")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    shared = args.shared or sources.catalogue_dir()
    inputs = read_inputs(shared, args.aliases)
    coverage = ImportReport()
    files = build(inputs, coverage)
    write(files, args.out)
    entries = [p for f in files.values() for p in f["procedures"]]
    built = {p["code"] for p in entries}
    kinds = defaultdict(int)
    for e in entries:
        kinds[e["source"]] += 1
    logger.info("wrote %d procedures in %d files to %s (%s)", len(entries), len(files), args.out,
                ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())))
    logger.info("parse coverage of the detailed records:\n%s", coverage.summary())
    unknown_aliases = alias_codes(args.aliases) - built
    if unknown_aliases:
        logger.warning("aliases.yml codes not in the sources: %s", ", ".join(sorted(unknown_aliases)))
    missing = set(read_codes(shared / sources.SCOPE_FILE)) - built
    if missing:
        logger.error("scope codes missing from the catalogue: %s", ", ".join(sorted(missing)))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
