"""`python -m bot.applications`: load a file, print the template, check what the bot answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.applications.__main__ import main
from bot.applications.provider import DatabaseStatusProvider

CODE = "000.00.23.H56-261120-0001"


def test_load_prints_the_summary_and_the_bad_rows(
    database: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "tot.csv"
    good.write_text(f"Mã hồ sơ,Trạng thái\n{CODE},Hoàn thành\n", encoding="utf-8")
    assert main(["load", str(good), "--user", "canbo"]) == 0
    assert "Đã nhập tot.csv: 1 dòng, thêm mới 1, cập nhật 0." in capsys.readouterr().out
    found = DatabaseStatusProvider().get_status(CODE)
    assert found is not None and found.status == "done"
    bad = tmp_path / "loi.csv"
    bad.write_text("Mã hồ sơ,Trạng thái\nABC,Hoàn thành\n", encoding="utf-8")
    assert main(["load", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "Không nhập tệp loi.csv" in out and "  Dòng 2: mã hồ sơ «ABC»" in out


def test_template_and_lookup(database: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template"]) == 0
    template = capsys.readouterr().out
    assert template.lstrip("\ufeff").startswith("Mã hồ sơ,Trạng thái,Tên thủ tục")
    assert main(["lookup", f"mã {CODE.lower()}"]) == 0
    assert capsys.readouterr().out.startswith(f"Hiện tôi chưa tra cứu được hồ sơ mã {CODE}")
    assert main(["lookup", "không có mã"]) == 1
