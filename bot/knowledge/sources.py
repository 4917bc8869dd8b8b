"""The shared source files and how they combine into one set of procedures for Quảng Trị.

Precedence per procedure code: the national catalogue's record (full details), else a portal-API
record (full details), else the Quảng Trị list's row alone (name, level, issuing body, link). The
Quảng Trị list's portal id, usage weight and issuing body are added to every procedure it names.
National records outside the list stay in when the citizen scope asks for them (citizen-scope.tsv,
the citizen fields, codes that aliases refer to): the list is known to be incomplete (it lacks, for
example, đăng ký thường trú and the commune-level căn cước procedures).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.knowledge.catalogue import ParsedProcedure, parse_record
from bot.knowledge.portal_api import parse_portal_record
from bot.knowledge.province_list import ProvinceEntry, apply_entry, name_only_procedure, read_entries
from bot.settings import PROJECT_ROOT
from bot.text.normalize import fold

ENV_SHARED = "SHARED_DATA_DIR"
NATIONAL_FILE = "national-catalogue-2026.jsonl.gz"
SCOPE_FILE = "citizen-scope.tsv"
PROVINCE_FILE = "quang-tri-applicable-2026.jsonl.gz"
API_FILES = ("top-demand-details-2026.jsonl.gz", "commune-citizen-details-2026.jsonl.gz")


def shared_dir() -> Path:
    """``../shared`` from the project root, or ``SHARED_DATA_DIR`` (a worktree elsewhere)."""
    return Path(os.environ.get(ENV_SHARED) or PROJECT_ROOT.parent / "shared")


def catalogue_dir() -> Path:
    return shared_dir() / "data" / "catalogue"


@dataclass
class Combined:
    """The combined procedures and counts for the report."""

    procedures: dict[str, ParsedProcedure] = field(default_factory=dict)
    from_national: int = 0
    from_api: int = 0
    name_only: int = 0
    in_list: int = 0
    left_out: dict[str, str] = field(default_factory=dict)  # code -> why the list row was left out


def combine(
    national: Iterable[dict[str, Any]],
    api: Iterable[dict[str, Any]],
    province_rows: Iterable[dict[str, Any]],
    *,
    national_scope: set[str],
) -> Combined:
    """Procedures of ``national_scope`` plus every kept row of the Quảng Trị list, best source first."""
    entries, left_out = read_entries(province_rows)
    listed: dict[str, ProvinceEntry] = {e.code: e for e in entries}
    out = Combined(left_out=left_out, in_list=len(listed))
    wanted = national_scope | set(listed)
    for record in national:
        code = str(record.get("ma_thu_tuc") or "").strip()
        if code in wanted and code not in out.procedures:
            out.procedures[code] = parse_record(record)
            out.from_national += 1
    for record in api:
        code = str(record.get("code") or "").strip()
        if code in listed and code not in out.procedures:
            out.procedures[code] = parse_portal_record(record)
            out.from_api += 1
    for code, entry in listed.items():
        if code in out.procedures:
            apply_entry(out.procedures[code], entry)
        else:
            out.procedures[code] = name_only_procedure(entry)
            out.name_only += 1
    link_same_names(out.procedures)
    return out


def _levels(p: ParsedProcedure) -> frozenset[str]:
    return frozenset(x.strip().lower() for x in p.levels.split(",") if x.strip())


def link_same_names(procedures: dict[str, ParsedProcedure]) -> None:
    """Point a name-only procedure to detailed ones of the same name (e.g. the list's 2026 code of đăng ký
    thường trú). When one of them also has the same levels, the name-only one is a duplicate: it is kept
    but not answered (inactive), so a question gets the detailed record instead of "no data"."""
    detailed: dict[str, list[ParsedProcedure]] = {}
    for p in procedures.values():
        if p.has_details:
            detailed.setdefault(fold(p.name).strip(" ."), []).append(p)
    for p in procedures.values():
        if not p.has_details:
            same = detailed.get(fold(p.name).strip(" ."), [])
            p.related_codes = sorted(d.code for d in same)[:5]
            p.active = not any(_levels(d) == _levels(p) for d in same)
