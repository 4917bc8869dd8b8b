import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from bot.db import session_scope
from bot.feedback import delivery, handling
from bot.feedback.__main__ import main
from bot.feedback.models import Petition, PetitionNotice
from bot.feedback.storage import PetitionDraft, submit_petition
from bot.feedback.validation import KIND_PHONE, Contact

DRAFT = PetitionDraft(
    full_name="Nguyễn Văn An",
    address="thôn Tây",
    contact=Contact(KIND_PHONE, "0905123456"),
    content="Cán bộ đòi thêm giấy tờ ngoài quy định",
)


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM petitions")).scalar_one()


def test_export_delete_purge(database: Engine, tmp_path: Path) -> None:
    code = submit_petition(draft=DRAFT, conversation_id="a", consent_version="v1").tracking_code
    submit_petition(draft=DRAFT, conversation_id="old", consent_version="v1", now=dt.datetime(2020, 1, 1))
    out = tmp_path / "p.csv"
    assert main(["export", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 2 and rows[0]["phone"] == "0905123456"
    assert main(["purge"]) == 0
    assert _count(database) == 1
    assert main(["delete", code.lower()]) == 0
    assert _count(database) == 0
    assert main(["delete", code]) == 1


def test_notify_pushes_owed_results_through_the_configured_bot(database: Engine, monkeypatch) -> None:  # noqa: ANN001
    code = submit_petition(draft=DRAFT, conversation_id="tg:31", consent_version="v1").tracking_code
    with session_scope() as s:
        p = s.execute(select(Petition).where(Petition.tracking_code == code)).scalar_one()
        handling.apply_change(session=s, petition=p, actor="canbo",
                              change=handling.HandlingChange(status="answered", answer_text="Đã giải quyết."))
    pushed: list[tuple[str, str]] = []

    class Recorder:
        channel = "telegram"

        async def push(self, address: str, text: str) -> bool:
            pushed.append((address, text))
            return True

    monkeypatch.setattr(delivery, "configured_pushers", lambda: [Recorder()])
    assert main(["notify"]) == 0
    assert [a for a, _ in pushed] == ["tg:31"] and "Đã giải quyết." in pushed[0][1]
    with session_scope() as s:
        assert s.execute(select(PetitionNotice.status)).scalar_one() == "sent"
