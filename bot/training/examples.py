"""Training examples added from the admin, validated against the intents the domain declares."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.settings import PROJECT_ROOT
from bot.text.normalize import fold, normalize
from bot.training.models import TrainingExample

logger = logging.getLogger(__name__)
_INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,99}$")


class ExampleError(ValueError):
    """A Vietnamese message saying why an example was refused."""


def known_intents(domain_path: Path | None = None) -> list[str]:
    """Intent names declared in domain.yml (empty when the file is missing or unreadable)."""
    path = domain_path or PROJECT_ROOT / "domain.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return []
    except (OSError, yaml.YAMLError):
        logger.exception("Cannot read intents from %s", path)
        return []
    names: list[str] = []
    for item in data.get("intents") or []:
        name = next(iter(item)) if isinstance(item, dict) else item
        if isinstance(name, str):
            names.append(name)
    return sorted(names)


def add_example(
    *, session: Session, intent: str, text: str, username: str, intents: list[str] | None = None
) -> TrainingExample:
    """Store one example; refuses unknown intents and duplicates (accent-insensitive)."""
    intent = intent.strip()
    text = normalize(text)
    allowed = known_intents() if intents is None else intents
    if not _INTENT_NAME.match(intent) or (allowed and intent not in allowed):
        raise ExampleError("Ý định (intent) không có trong domain.yml.")
    folded = fold(text)
    if not folded:
        raise ExampleError("Câu ví dụ không được để trống.")
    if len(text) > 500:
        raise ExampleError("Câu ví dụ quá dài (tối đa 500 ký tự).")
    if session.execute(
        select(TrainingExample.id).where(TrainingExample.intent == intent, TrainingExample.folded == folded)
    ).first():
        raise ExampleError("Câu ví dụ này đã có cho ý định này.")
    example = TrainingExample(intent=intent, text=text, folded=folded, created_by=username)
    session.add(example)
    session.flush()
    audit.record(
        session=session, username=username, action="create", entity="training_example", entity_id=example.id,
        summary=f"Thêm câu ví dụ cho ý định {intent}", after=audit.snapshot(example),
    )
    return example


def list_examples(*, session: Session) -> list[TrainingExample]:
    return list(
        session.execute(select(TrainingExample).order_by(TrainingExample.intent, TrainingExample.id)).scalars()
    )
