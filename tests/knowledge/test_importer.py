"""Import the shared source files (national catalogue, portal-API records, Quảng Trị list) into a temporary
SQLite database and check facts, coverage and the import log."""

from __future__ import annotations

import copy
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import reset_engine, upgrade_to_head
from bot.knowledge.importer import ImportReport, import_records, main, read_records
from bot.knowledge.models import (
    CHANNEL_IN_PERSON,
    CHANNEL_ONLINE,
    SOURCE_NATIONAL,
    SOURCE_PORTAL_API,
    SOURCE_PROVINCE_LIST,
    Alias,
    ChannelOption,
    Document,
    ImportRun,
    Procedure,
)
from bot.knowledge.sources import API_FILES, NATIONAL_FILE, PROVINCE_FILE
from tests.shared_data import shared_file

# Measured on the 2026 crawl (docs/benchmarks.md): 81.7% / 97.9% / 98.1%.
MIN_TIME, MIN_FEE, MIN_DOCUMENTS = 0.80, 0.97, 0.97


def _counts(session: Session) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(m)) for m in (Procedure, ChannelOption, Document)
    )


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return list(read_records(shared_file(NATIONAL_FILE)))


@pytest.fixture(scope="module")
def imported(
    tmp_path_factory: pytest.TempPathFactory, records: list[dict]
) -> Iterator[tuple[Session, ImportReport]]:
    db = Path(tmp_path_factory.mktemp("importer")) / "kb.db"
    engine = reset_engine(f"sqlite:///{db}")
    upgrade_to_head()
    session = sessionmaker(bind=engine, future=True)()
    report = import_records(records, session=session)
    session.commit()
    yield session, report
    session.close()
    reset_engine()


def _proc(session: Session, code: str) -> Procedure:
    return session.execute(select(Procedure).where(Procedure.code == code)).scalar_one()


def test_every_record_is_created_with_coverage_above_the_measured_floor(imported, records):
    _, report = imported
    assert report.created == len(records) == 2642
    assert report.share(report.with_time) >= MIN_TIME
    assert report.share(report.with_fee) >= MIN_FEE
    assert report.share(report.with_documents) >= MIN_DOCUMENTS


def test_permanent_residence_fees_and_time(imported):
    session, _ = imported
    proc = _proc(session, "1.004222")
    by_channel = {c.channel: c for c in proc.channels}
    assert by_channel[CHANNEL_ONLINE].fee_amount == 10000
    assert by_channel[CHANNEL_IN_PERSON].fee_amount == 20000
    assert all(c.time_value == 7 and c.time_unit == "Ngày làm việc" for c in proc.channels)
    assert proc.source_url.startswith("https://dichvucong.gov.vn/")
    assert any(lb.number == "68/2020/QH14" for lb in proc.legal_bases)


def test_passport_and_criminal_record_times(imported):
    session, _ = imported
    assert {(c.time_value, c.time_unit) for c in _proc(session, "1.001456").channels} == {
        (8, "Ngày làm việc")
    }
    assert {c.time_value for c in _proc(session, "3.000333").channels} == {10}


def test_driving_licence_theory_exam_fee_is_kept(imported):
    session, _ = imported
    rows = _proc(session, "3.000346").channels
    assert any(c.fee_amount == 60000 and "lý thuyết" in c.fee_text for c in rows)


@pytest.mark.parametrize(
    ("code", "form"), [("2.000200", "DC02"), ("1.003197", "CT01"), ("1.004194", "CT01"), ("1.002755", "CT01")]
)
def test_documents_carry_form_codes(imported, code, form):
    session, _ = imported
    assert any(form in d.form_code.split(", ") for d in _proc(session, code).documents)


def test_reimport_is_idempotent_and_keeps_staff_aliases(imported, records):
    session, _ = imported
    proc = _proc(session, "1.004222")
    session.add(Alias(procedure_id=proc.id, text="nhập hộ khẩu", folded="nhap ho khau"))
    session.commit()
    before = _counts(session)
    again = import_records(records, session=session)
    session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(records))
    assert _counts(session) == before
    assert [a.text for a in _proc(session, "1.004222").aliases] == ["nhập hộ khẩu"]


def test_changed_record_replaces_child_rows(imported, records):
    session, _ = imported
    record = copy.deepcopy(next(r for r in records if r["ma_thu_tuc"] == "1.004222"))
    record["cach_thuc_thuc_hien"] = (
        "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp6 Ngày làm việc25,000 Việt Nam Đồng"
    )
    before = _counts(session)
    report = import_records([record], session=session)
    session.commit()
    assert (report.created, report.updated) == (0, 1)
    channels = _proc(session, "1.004222").channels
    assert [(c.time_value, c.fee_amount) for c in channels] == [(6, 25000)]
    assert _counts(session)[0] == before[0]
    # Put the real record back for any later test.
    import_records([next(r for r in records if r["ma_thu_tuc"] == "1.004222")], session=session)
    session.commit()


def test_cli_imports_only_the_listed_codes(tmp_path, capsys):
    head = "Hình thức nộpThời gianPhí, lệ phíMô tả"
    lines = [
        json.dumps(
            {
                "ma_thu_tuc": code,
                "ten_thu_tuc": f"Thủ tục {code}",
                "cach_thuc_thuc_hien": head + "Trực tiếp3 NgàyMiễn phí",
            }
        )
        for code in ("9.000001", "9.000002")
    ]
    source = tmp_path / "catalogue.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    codes = tmp_path / "codes.tsv"
    codes.write_text("ma_thu_tuc\tten\n9.000002\tx\n", encoding="utf-8")
    engine = reset_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        assert main([str(source), "--codes-file", str(codes)]) == 0
        with sessionmaker(bind=engine, future=True)() as session:
            assert session.scalars(select(Procedure.code)).all() == ["9.000002"]
    finally:
        reset_engine()
    assert "created 1" in capsys.readouterr().out


def test_portal_api_records_are_imported_in_full(imported):
    session, _ = imported
    api = [r for name in API_FILES for r in read_records(shared_file(name))]
    report = import_records(api, session=session)
    session.commit()
    assert report.total == len(api) == 112  # 1.001699 is in both files
    assert report.created == 111
    assert report.share(report.with_time_value) >= 0.9 and report.share(report.with_documents) >= 0.97
    electricity = _proc(session, "3.000001")
    assert electricity.source_kind == SOURCE_PORTAL_API and electricity.has_details
    assert {c.time_value for c in electricity.channels} == {7} and electricity.documents
    consular = _proc(session, "1.001308")
    assert any(c.fee_amount == 30000 and "lãnh sự" in c.fee_text.lower() for c in consular.channels)
    assert any(c.time_label for c in consular.channels)


def test_the_province_list_adds_names_links_and_weights_but_never_erases_details(imported):
    session, _ = imported
    rows = list(read_records(shared_file(PROVINCE_FILE)))
    report = import_records(rows, session=session)
    session.commit()
    assert report.left_out == 206  # 204 internal procedures and two test entries
    passport = _proc(session, "1.001456")
    assert passport.has_details and passport.source_kind == SOURCE_NATIONAL and passport.channels
    assert passport.usage_weight == 13870676 and passport.in_province_list and passport.portal_id
    name_only = _proc(session, "1.000578")
    assert (name_only.source_kind, name_only.has_details, name_only.channels) == (SOURCE_PROVINCE_LIST, False, [])
    assert session.execute(select(Procedure).where(Procedure.code == "1.116139")).first() is None


def test_the_cli_logs_each_run(tmp_path):
    head = "Hình thức nộpThời gianPhí, lệ phíMô tả"
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps({"ma_thu_tuc": "9.000009", "ten_thu_tuc": "Thủ tục thử",
                                  "cach_thuc_thuc_hien": head + "Trực tiếp3 NgàyMiễn phí"}) + "\n", encoding="utf-8")
    engine = reset_engine(f"sqlite:///{tmp_path / 'log.db'}")
    try:
        assert main([str(source)]) == 0
        with sessionmaker(bind=engine, future=True)() as session:
            run = session.scalars(select(ImportRun)).one()
            assert run.source == "one.jsonl" and [c.change for c in run.changes] == ["added"]
    finally:
        reset_engine()
