"""One source record (a file row or the one-stop system's JSON) -> ApplicationStatus, with Vietnamese errors.

Column names and status labels come from data/applications/status_format.yml, which staff can extend;
they are compared folded (no accents, case, spaces or punctuation).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.applications.models import APPLICATION_STATUSES
from bot.applications.provider import ApplicationStatus
from bot.settings import PROJECT_ROOT
from bot.text.codes import find_application_codes
from bot.text.normalize import fold

FORMAT_FILE = PROJECT_ROOT / "data" / "applications" / "status_format.yml"
FIELDS = ("code", "status", "procedure_name", "agency", "received_on", "appointment_on", "new_appointment_on",
          "late_reason", "completed_on", "note", "updated_at")
DATE_FIELDS = ("received_on", "appointment_on", "new_appointment_on", "completed_on")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d")
_TIME_FORMATS = ("%H:%M:%S", "%H:%M")
_MAX_TEXT = 2000


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(str(text)))


@dataclass(frozen=True)
class StatusFormat:
    """Accepted column names per field and labels per status, folded."""

    columns: dict[str, str] = field(default_factory=dict)  # folded column name -> field
    labels: dict[str, str] = field(default_factory=dict)  # folded label -> status
    headers: dict[str, str] = field(default_factory=dict)  # field -> the first (display) column name

    def field_of(self, column: str) -> str | None:
        return self.columns.get(_key(column))

    def status_of(self, label: str) -> str | None:
        return self.labels.get(_key(label))


def parse_format(data: Mapping[str, Any]) -> StatusFormat:
    columns: dict[str, str] = {}
    headers: dict[str, str] = {}
    for name in FIELDS:
        names = [str(n) for n in (data.get("columns") or {}).get(name) or []] + [name]
        headers[name] = names[0]
        for n in names:
            columns.setdefault(_key(n), name)
    labels: dict[str, str] = {}
    for status in APPLICATION_STATUSES:
        for label in [*((data.get("statuses") or {}).get(status) or []), status]:
            labels.setdefault(_key(str(label)), status)
    return StatusFormat(columns=columns, labels=labels, headers=headers)


@lru_cache(maxsize=4)
def _load_format(path: Path, mtime: float) -> StatusFormat:
    return parse_format(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def load_format(path: Path = FORMAT_FILE) -> StatusFormat:
    """The format file, re-read when staff change it."""
    return _load_format(path, path.stat().st_mtime)


def parse_date(value: Any) -> dt.date | None:
    """A date cell: Excel dates, dd/mm/yyyy (Vietnamese order), ISO; empty -> None; else ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_datetime(value).date()


def parse_datetime(value: Any) -> dt.datetime:
    """A date-time cell; aware when the text names its offset (ISO ``+07:00``/``Z``), naive (local) otherwise."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    text = " ".join(str(value).strip().replace("T", " ").split())
    if re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?(\.\d+)?([+-]\d{2}:?\d{2}|Z)?", text):
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    day, _, clock = text.partition(" ")
    for dfmt in _DATE_FORMATS:
        for tfmt in (("",) if not clock else _TIME_FORMATS):
            try:
                return dt.datetime.strptime(f"{day} {clock}".strip(), f"{dfmt} {tfmt}".strip())
            except ValueError:
                continue
    raise ValueError(text)


@dataclass
class ParsedRecord:
    status: ApplicationStatus | None
    updated_at: dt.datetime | None = None
    errors: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())[:_MAX_TEXT]


def parse_record(raw: Mapping[str, Any], fmt: StatusFormat) -> ParsedRecord:
    """Map columns to fields and check them; every problem is listed, in Vietnamese."""
    values: dict[str, Any] = {}
    for column, value in raw.items():
        name = fmt.field_of(str(column))
        if name and name not in values:
            values[name] = value
    errors: list[str] = []
    raw_code = _text(values.get("code"))
    codes = find_application_codes(raw_code)
    code = codes[0] if len(codes) == 1 and _key(codes[0]) == _key(raw_code) else ""
    if not raw_code:
        errors.append("thiếu mã hồ sơ")
    elif not code:
        errors.append(f"mã hồ sơ «{raw_code[:60]}» không đúng dạng 000.00.00.H00-yymmdd-0000")
    label = _text(values.get("status"))
    status = fmt.status_of(label) if label else None
    if not label:
        errors.append("thiếu trạng thái")
    elif status is None:
        errors.append(f"trạng thái «{label[:60]}» chưa có trong data/applications/status_format.yml")
    dates: dict[str, dt.date | None] = {}
    for name in DATE_FIELDS:
        try:
            dates[name] = parse_date(values.get(name))
        except ValueError:
            errors.append(f"ngày «{_text(values.get(name))[:30]}» ({fmt.headers[name]}) không đọc được; dùng dd/mm/yyyy")
    updated_at = None
    if _text(values.get("updated_at")):
        try:
            updated_at = parse_datetime(values["updated_at"])
        except ValueError:
            errors.append(f"thời điểm cập nhật «{_text(values['updated_at'])[:30]}» không đọc được")
    if errors:
        return ParsedRecord(status=None, errors=errors)
    assert status is not None
    return ParsedRecord(
        status=ApplicationStatus(
            code=code, status=status, procedure_name=_text(values.get("procedure_name")),
            agency=_text(values.get("agency")), late_reason=_text(values.get("late_reason")),
            note=_text(values.get("note")), received_on=dates["received_on"],
            appointment_on=dates["appointment_on"], new_appointment_on=dates["new_appointment_on"],
            completed_on=dates["completed_on"],
        ),
        updated_at=updated_at,
    )
