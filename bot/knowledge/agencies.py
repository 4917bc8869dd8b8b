"""Agencies at a level that no longer exists: the district level (cấp huyện) ended on 01/7/2025.

The vocabulary (what marks a district agency, what replaced it) is data: data/seed/district_agencies.yml.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

DATA_FILE = PROJECT_ROOT / "data" / "seed" / "district_agencies.yml"
ABOLISHED_ON = "01/7/2025"


@lru_cache(maxsize=4)
def _rules(path: Path = DATA_FILE) -> tuple[re.Pattern[str], list[dict[str, Any]]]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    markers = [re.escape(m) for m in data.get("markers") or []]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(markers) + r")(?!\w)") if markers else re.compile(r"(?!x)x")
    return pattern, list(data.get("agencies") or [])


def replacement(agency: str, levels: str, *, path: Path = DATA_FILE) -> str:
    """What replaced a district-level ``agency`` for a procedure of ``levels``; "" when it is current."""
    marker, agencies = _rules(path)
    text = agency.lower()
    if not marker.search(text):
        return ""
    rule = next((a for a in agencies if re.search(a.get("match") or "", text)), None)
    if rule is None:
        return ""
    lowered = levels.lower()
    names = [rule[k] for k, level in (("commune", "cấp xã"), ("province", "cấp tỉnh")) if level in lowered and rule.get(k)]
    if not names:
        names = [rule.get("commune") or "", rule.get("province") or ""]
    return " hoặc ".join(n for n in names if n)


def agency_note(agency: str, levels: str, *, path: Path = DATA_FILE) -> str:
    """A sentence saying the named agency's level no longer exists and what to go to instead."""
    now = replacement(agency, levels, path=path)
    if not now:
        return ""
    return f"Từ {ABOLISHED_ON} không còn cấp huyện; nay là {now}."
