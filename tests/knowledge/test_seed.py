"""The shipped seed: complete scope, idempotent loading, capped strings, facts only."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.knowledge.db import reset_engine
from bot.knowledge.importer import read_codes, read_records
from bot.knowledge.migrate import upgrade_to_head
from bot.knowledge.models import Alias, ChannelOption, Document, FaqEntry, LegalBasis, Procedure, Step
from bot.knowledge.seed import SEED_DIR, load_seed
from bot.settings import PROJECT_ROOT
from tests.shared_data import CATALOGUE, CITIZEN_SCOPE

needs_catalogue = pytest.mark.shared(CATALOGUE, CITIZEN_SCOPE)


def _build_seed_module():
    spec = importlib.util.spec_from_file_location("build_seed", PROJECT_ROOT / "scripts" / "build_seed.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_seed", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def seed_files() -> dict[str, dict]:
    files = sorted((SEED_DIR / "procedures").glob("*.yml"))
    assert files, "no seed files: run scripts/build_seed.py"
    return {f.name: yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for f in files}


@pytest.fixture(scope="module")
def entries(seed_files) -> list[dict]:
    return [p for content in seed_files.values() for p in content["procedures"]]


@pytest.fixture(scope="module")
def catalogue() -> dict[str, dict]:
    return {r["ma_thu_tuc"]: r for r in read_records(CATALOGUE)}


@pytest.fixture()
def session(tmp_path: Path) -> Iterator[Session]:
    engine = reset_engine(f"sqlite:///{tmp_path / 'seed.db'}")
    upgrade_to_head()
    s = sessionmaker(bind=engine, future=True)()
    yield s
    s.close()
    reset_engine()


def _counts(session: Session) -> list[int]:
    models = (Procedure, ChannelOption, Document, Step, LegalBasis, Alias)
    return [session.scalar(select(func.count()).select_from(m)) for m in models]


@needs_catalogue
def test_every_scope_code_is_in_the_seed(entries):
    codes = [e["code"] for e in entries]
    assert len(codes) == len(set(codes))
    missing = set(read_codes(CITIZEN_SCOPE)) - set(codes)
    assert not missing
    assert len(read_codes(CITIZEN_SCOPE)) == 243


def test_loading_twice_changes_nothing(session, entries):
    first = load_seed(session=session)
    session.commit()
    counts = _counts(session)
    second = load_seed(session=session)
    session.commit()
    assert first.created == len(entries) and counts[0] == len(entries)
    assert (second.created, second.updated, second.aliases_added, second.faq_created) == (0, 0, 0, 0)
    assert _counts(session) == counts
    proc = session.execute(select(Procedure).where(Procedure.code == "1.004222")).scalar_one()
    assert {c.fee_amount for c in proc.channels} == {10000, 20000}
    assert proc.steps and proc.documents and proc.legal_bases


def test_seed_strings_respect_caps(entries):
    caps = _build_seed_module().CAPS
    for e in entries:
        assert len(e["agency"]) <= caps["agency"]
        assert all(len(r) <= caps["result"] for r in e["results"])
        for d in e["documents"]:
            assert len(d["name"]) <= caps["document"], d["name"]
            assert len(d.get("case", "")) <= caps["case"]
        assert all(len(lb["title"]) <= caps["legal_title"] for lb in e["legal_bases"])
        assert all(len(c.get("fee_label", "")) <= caps["fee_label"] for c in e["channels"])
        assert all(len(s) <= 400 for s in e["steps"]) and len(e["conditions"]) <= 200


@needs_catalogue
def test_descriptive_text_is_generated_not_copied(entries, catalogue):
    for e in entries:
        record = catalogue[e["code"]]
        steps_source = record["trinh_tu_thuc_hien"]
        for step in e["steps"]:
            assert step.rstrip(".") not in steps_source, (e["code"], step)
        if e["conditions"]:
            assert e["conditions"].rstrip(".") not in record["yeu_cau_dieu_kien"]
        for c in e["channels"]:
            if c.get("fee_note"):
                assert c["fee_note"].rstrip(".") not in record["cach_thuc_thuc_hien"]


@needs_catalogue
def test_committed_seed_matches_the_generator(seed_files):
    build_seed = _build_seed_module()
    records = list(read_records(CATALOGUE))
    built = build_seed.build(records, build_seed.seed_codes(CITIZEN_SCOPE, SEED_DIR / "aliases.yml"))
    assert sorted(built) == sorted(seed_files)
    for name, content in built.items():
        assert content == seed_files[name], f"{name} is stale: run scripts/build_seed.py"


def test_aliases_and_faq_are_loaded_and_kept(session, tmp_path, caplog):
    seed = tmp_path / "seed"
    (seed / "procedures").mkdir(parents=True)
    (seed / "procedures" / "thu.yml").write_text(
        "field: Thử\nsource_date: '2026-07-01'\nprocedures:\n"
        "- {code: '9.000001', name: Đăng ký thử, channels: [{channel: truc_tiep, time_value: 2,"
        " time_unit: Ngày làm việc, fee_kind: free}], steps: [Nộp hồ sơ.]}\n",
        encoding="utf-8",
    )
    (seed / "aliases.yml").write_text(
        '"9.000001": [làm thử, Làm Thử]\n"9.999999": [không có]\n', encoding="utf-8"
    )
    faq = "- {slug: mot-cua, topic: một cửa, question: Một cửa là gì?, keywords: [bộ phận một cửa], answer: Nơi nhận hồ sơ.}\n"
    (seed / "faq.yml").write_text(faq, encoding="utf-8")
    first = load_seed(session=session, seed_dir=seed)
    session.commit()
    assert (first.created, first.aliases_added, first.faq_created) == (1, 1, 1)
    assert "9.999999" in caplog.text
    proc = session.execute(select(Procedure).where(Procedure.code == "9.000001")).scalar_one()
    assert [a.folded for a in proc.aliases] == ["lam thu"]
    session.add(Alias(procedure_id=proc.id, text="thử nghiệm", folded="thu nghiem"))
    (seed / "faq.yml").write_text(faq.replace("Nơi nhận hồ sơ.", "Nơi nhận và trả hồ sơ."), encoding="utf-8")
    second = load_seed(session=session, seed_dir=seed)
    session.commit()
    assert (second.created, second.unchanged, second.faq_updated) == (0, 1, 1)
    assert sorted(a.folded for a in proc.aliases) == ["lam thu", "thu nghiem"]
    faq_entry = session.execute(select(FaqEntry)).scalar_one()
    assert faq_entry.answer == "Nơi nhận và trả hồ sơ." and faq_entry.keywords == "bộ phận một cửa"
