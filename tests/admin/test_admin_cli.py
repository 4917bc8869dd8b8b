"""The command line mirrors the admin."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import db
from bot.admin import cli
from bot.admin.models import User
from bot.admin.security import verify_password
from bot.analytics import record_unanswered
from bot.knowledge.models import ChannelOption, FaqEntry


def test_create_user_reads_the_password_from_stdin(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("mot-mat-khau-dai-1\n"))
    assert cli.main(["create-user", "Admin", "--role", "admin", "--password-stdin"]) == 0
    with db.session_scope() as s:
        user = s.execute(select(User)).scalar_one()
        assert (user.username, user.role) == ("admin", "admin")
        assert verify_password("mot-mat-khau-dai-1", user.password_hash)


def test_create_user_refuses_weak_password(database: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("ngan\n"))
    assert cli.main(["create-user", "x", "--password-stdin"]) == 2
    assert "ít nhất" in capsys.readouterr().out


def test_export_edit_import(database: Path, procedure: dict[str, int], tmp_path: Path) -> None:
    out = tmp_path / "tthc.zip"
    assert cli.main(["export", str(out)]) == 0
    assert out.stat().st_size > 0
    with db.session_scope() as s:
        s.get(ChannelOption, procedure["in_person"]).fee_amount = 1
    assert cli.main(["import", str(out)]) == 0
    with db.session_scope() as s:
        assert s.get(ChannelOption, procedure["in_person"]).fee_amount == 20000


def test_add_faq_and_list_unanswered(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["add-faq", "--question", "Giờ làm việc?", "--answer", "7h30", "--keyword", "mấy giờ"]) == 0
    with db.session_scope() as s:
        assert s.execute(select(FaqEntry.slug)).scalar_one() == "gio-lam-viec"
        record_unanswered("hỏi gì đó 0912345678", sender_hash="", intent="", confidence=None, session=s)
    assert cli.main(["list-unanswered"]) == 0
    out = capsys.readouterr().out
    assert "[SĐT]" in out and "0912345678" not in out
