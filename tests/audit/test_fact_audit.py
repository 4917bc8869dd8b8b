"""The independent fact audit (issue 10, item 3): the shipped seed against a second reading of its sources.

``tests/audit/reader.py`` reads the catalogue and the portal-API records on its own (it never imports
the project's parsers); ``tests/audit/audit.py`` compares every seed procedure with details with that
reading. Any disagreement not explained by ``tests/audit/allow-list.yml`` fails the test, and so does
an allow-list entry that no longer matches anything (a fixed bug must leave the list).

The shared files are located through ``tests/shared_data.py`` (``SHARED_DIR``, ``SHARED_DATA_DIR``,
``require_shared``: skipped locally when missing, a failure with CI=true); ``shared_file()`` itself is
not used because it imports ``bot.knowledge.sources``, and the audit stays independent of the importer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.audit import audit
from tests.audit.reader import (
    Document,
    amounts_in,
    first_sentence,
    read_api,
    read_channel_rows,
    read_documents,
    read_national,
)
from tests.shared_data import require_shared

CATALOGUE_DIR = audit.shared_catalogue_dir()
NATIONAL = CATALOGUE_DIR / "national-catalogue-2026.jsonl.gz"
API_FILES = [
    CATALOGUE_DIR / "top-demand-details-2026.jsonl.gz",
    CATALOGUE_DIR / "commune-citizen-details-2026.jsonl.gz",
]
FINDINGS = Path(__file__).with_name("FINDINGS.md")


# ---------------------------------------------------------------------------------------------
# The whole audit


@pytest.fixture(scope="module")
def tally() -> audit.Tally:
    require_shared(NATIONAL, *API_FILES)
    return audit.audit(NATIONAL, API_FILES)


@pytest.fixture(scope="module")
def allowances() -> list[audit.Allowance]:
    return audit.load_allow_list()


def test_every_seed_procedure_with_details_is_compared(tally: audit.Tally) -> None:
    seed = audit.load_seed()
    assert tally.procedures == len(seed)
    assert not [d for d in tally.disagreements if d.source.startswith("no ") and d.source.endswith(" record")]
    for fact in ("time", "fee", "document", "copies"):
        assert tally.compared[fact] > 1000, fact


def test_no_unexplained_disagreement(tally: audit.Tally, allowances: list[audit.Allowance]) -> None:
    unexplained, _ = audit.classify(tally.disagreements, allowances)
    shown = "\n".join(str(item.as_dict()) for item in unexplained[:40])
    assert not unexplained, (
        f"{len(unexplained)} disagreements between data/seed and the independent reading are not in "
        f"tests/audit/allow-list.yml (fix the seed, or add an entry with its reason):\n{shown}"
    )


def test_every_allow_list_entry_still_matches(tally: audit.Tally, allowances: list[audit.Allowance]) -> None:
    _, explained = audit.classify(tally.disagreements, allowances)
    stale = [f"[{a.fact}] {a.name}: {a.reason[:80]}" for a, items in explained.items() if not items]
    assert not stale, "allow-list entries that match no disagreement any more (delete them):\n" + "\n".join(
        stale
    )


def test_allow_list_entries_are_reviewable(allowances: list[audit.Allowance]) -> None:
    assert allowances
    findings = FINDINGS.read_text(encoding="utf-8")
    for allowance in allowances:
        assert allowance.fact in audit.FACTS, allowance
        assert allowance.status in {"accepted", "bug"}, allowance
        assert allowance.name and len(allowance.reason) > 40, allowance
        for pattern in (allowance.seed, allowance.source, allowance.note):
            re.compile(pattern)
        if allowance.status == "bug":
            assert f"**{allowance.name}**" in findings, (
                f"seed bug {allowance.name!r} is not listed in FINDINGS.md"
            )


# ---------------------------------------------------------------------------------------------
# The reader, on short hand-made cells shaped like the crawl's


def test_channel_rows_split_where_a_channel_name_meets_its_time_cell() -> None:
    rows = read_channel_rows(
        "Hình thức nộpThời gianPhí, lệ phíMô tả"
        "Trực tuyến7 Ngày làm việc70,000 Việt Nam Đồng(- Cấp lại: 70.000 đồng/thẻ. Kể từ ngày 01/7/2025 đến hết"
        " ngày 31/12/2026 bằng 50% mức thu nêu trên.)- Nộp qua Trực tuyến: cổng dịch vụ công."
        "Trực tiếp2Miễn phí(Không quy định)Nộp tại trụ sở, trả kết quả trong 02 ngày làm việc."
        "Dịch vụ bưu chính1100 VNĐ(- Phí công bố: 100.000 đồng/lần)"
    )
    assert [r.channel for r in rows] == ["truc_tuyen", "truc_tiep", "buu_chinh"]
    online, direct, postal = rows
    assert (online.time.value, online.time.unit) == (7.0, "Ngày làm việc")  # type: ignore[union-attr]
    assert {a.value for a in online.amounts} == {70000}
    assert [a.label for a in online.amounts if a.where == "note"] == ["Cấp lại"]
    assert [a.unit for a in online.amounts if a.where == "note"] == ["thẻ"]
    assert online.percents == [50.0]
    # a unit-less time takes the unit its description repeats
    assert (direct.time.value, direct.time.unit, direct.fee_cell) == (2.0, "Ngày làm việc", "free")  # type: ignore[union-attr]
    # "1100 VNĐ": time and amount run together; every reading is kept, none chosen
    assert postal.time is None and postal.fee_cell == "glued"
    assert (1, 100) in postal.glued_splits and (1, 100000) in postal.glued_splits
    assert [a.value for a in postal.amounts] == [100000]


def test_a_cell_in_thousands_is_read_with_the_note_that_states_it() -> None:
    (row,) = read_channel_rows("Trực tiếp15 Ngày20 VNĐ(20.000 vnđ /tờ khai)")
    assert {a.value for a in row.amounts} == {20000}


def test_amounts_keep_label_unit_and_skip_thresholds() -> None:
    found = amounts_in(
        "Sát hạch lý thuyết: 60.000 đồng/lần; giá trị giao dịch dưới 2,1 tỷ đồng; tối đa 200.000 đồng/bản"
    )
    assert [(a.value, a.label, a.unit) for a in found] == [
        (60000, "Sát hạch lý thuyết", "lần"),
        (200000, "", "bản"),
    ]
    assert [a.value for a in amounts_in("Phí: 15000000/loại Đồng")] == [15000000]
    assert amounts_in("Từ ngày 01/7/2025 đến hết ngày 31/12/2026: 750.000 đồng/hồ sơ")[0].label == ""


def test_copies_cells_are_told_from_counts_written_in_names() -> None:
    header = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
    documents = read_documents(
        header
        + "- Đơn đăng ký biến động theo Mẫu số 181 bản chính,1 bản sao"
        + "Hợp đồng (01 bản chính hoặc 01 bản sao có chứng thực) trong trường hợp thế chấp0 bản chính,1 bản sao"
        + "Tờ khai hải quan: 01 bản chính1 bản chính"
        + "Phiếu yêu cầu (Mẫu 01a)Mẫu 01a Phiếu yêu cầu.docx1 bản chính Văn bản ủy quyền;1 bản chính"
    )
    assert [(d.originals, d.copies) for d in documents] == [(1, 1), (0, 1), (1, 0), (1, 0), (1, 0)]
    assert documents[0].name == "Đơn đăng ký biến động theo Mẫu số 18" and documents[0].glued_digits == "181"
    assert documents[1].name.startswith(
        "Hợp đồng (01 bản chính hoặc 01 bản sao có chứng thực) trong trường hợp"
    )
    assert documents[3].name == "Phiếu yêu cầu (Mẫu 01a)"  # the form-file column is not part of the name
    assert documents[4].name == "Văn bản ủy quyền"


def test_first_sentence_ends_at_a_full_stop_outside_brackets_and_codes() -> None:
    assert first_sentence("b) Đơn đề nghị (Mẫu số 14-HSB). Trường hợp ủy quyền thì kèm giấy ủy quyền.") == (
        "Đơn đề nghị (Mẫu số 14-HSB)"
    )
    assert (
        first_sentence("Đơn theo Mẫu số 05.QLT Phụ lục IA; kèm bản sao.")
        == "Đơn theo Mẫu số 05.QLT Phụ lục IA; kèm bản sao"
    )
    assert first_sentence("Hồ sơ gồm: 1. Đơn đề nghị") == "Hồ sơ gồm: 1. Đơn đề nghị"


def test_api_records_are_read_per_method_and_case() -> None:
    reading = read_api(
        {
            "code": "9.999999",
            "executionMethods": [
                {
                    "submissionMethod": "ONLINE",
                    "processingTime": 10,
                    "processingTimeUnit": "WORKING_DAY",
                    "fees": [{"type": "FEE", "value": 100000, "description": "Phí cấp mới"}],
                },
                {
                    "submissionMethod": "DIRECT",
                    "processingTime": 0,
                    "processingTimeUnit": "OTHER",
                    "fees": [{"value": 0}],
                },
            ],
            "executionCases": [
                {
                    "name": "Cấp mới",
                    "profileComponents": [
                        {"name": "+ Tờ khai theo mẫu. Ghi rõ họ tên.", "originalQty": 1, "copyQty": 2}
                    ],
                }
            ],
        }
    )
    online, direct = reading.rows
    assert (online.time.value, online.time.unit) == (10.0, "Ngày làm việc")  # type: ignore[union-attr]
    assert [(a.value, a.label) for a in online.amounts] == [(100000, "Phí cấp mới")]
    assert direct.time is None and direct.fee_cell == "free"
    assert reading.documents == [
        Document("Tờ khai theo mẫu", "+ Tờ khai theo mẫu. Ghi rõ họ tên.", (), 1, 2, "", "Cấp mới")
    ]


# ---------------------------------------------------------------------------------------------
# The comparison finds what it should (and tolerates only the documented differences)


def _planted_record() -> dict[str, str]:
    return {
        "ma_thu_tuc": "9.000001",
        "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việc70,000 Việt Nam Đồng"
        "(- Cấp lại: 70.000 đồng/thẻ. Từ ngày 01/7/2025 đến hết ngày 31/12/2026 bằng 50% mức thu nêu trên.)",
        "thanh_phan_ho_so": "Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai theo Mẫu số 181 bản chính"
        "Giấy tờ chứng minh nơi cư trú0 bản chính,1 bản sao",
    }


def _entry(**changes: object) -> dict[str, object]:
    """A seed channel row of the planted record, as faithful as the real seed; ``changes`` damage it."""
    entry: dict[str, object] = {
        "channel": "truc_tiep",
        "time_value": 5,
        "time_unit": "Ngày làm việc",
        "fee_kind": "amount",
        "fee_amount": 70000,
        "fee_label": "Cấp lại",
        "fee_unit": "thẻ",
    }
    entry.update(changes)
    return entry


def _planted_seed(**changes: object) -> dict[str, object]:
    procedure: dict[str, object] = {
        "code": "9.000001",
        "source": "national_catalogue",
        "channels": [_entry(), _entry(fee_amount=35000, valid_from="2025-07-01", valid_to="2026-12-31")],
        "documents": [
            {"name": "Tờ khai theo Mẫu số 18", "copies": "1 bản chính"},
            {"name": "Giấy tờ chứng minh nơi cư trú", "copies": "1 bản sao"},
        ],
    }
    procedure.update(changes)
    return procedure


def _compare(procedure: dict[str, object]) -> audit.Tally:
    tally = audit.Tally()
    reading = read_national(_planted_record())
    audit.compare_channels(procedure, reading, tally, None)
    audit.compare_documents(procedure, reading, tally)
    return tally


def test_a_faithful_seed_entry_agrees() -> None:
    tally = _compare(_planted_seed())
    assert tally.disagreements == []
    assert tally.tolerated["fee: computed from a percentage the source states"] == 1  # 50 % of 70.000
    assert tally.agreed["copies"] == 2 and tally.agreed["document"] == 2 and tally.agreed["fee_period"] == 2


RESIDENCE = {"name": "Giấy tờ chứng minh nơi cư trú", "copies": "1 bản sao"}


@pytest.mark.parametrize(
    ("change", "fact"),
    [
        ({"documents": [{"name": "Tờ khai theo Mẫu số 18", "copies": "181 bản chính"}, RESIDENCE]}, "copies"),
        ({"documents": [{"name": "Tờ khai theo Mẫu số", "copies": "1 bản chính"}, RESIDENCE]}, "document"),
        ({"documents": [{"name": "Tờ khai theo Mẫu số 18", "copies": "1 bản chính"}]}, "document"),
        ({"channels": [_entry(time_value=7)]}, "time"),
        ({"channels": [_entry(fee_amount=75000)]}, "fee"),
        ({"channels": [_entry(fee_label="Cấp đổi")]}, "fee_label"),
        ({"channels": [_entry(fee_unit="hồ sơ")]}, "fee_unit"),
        ({"channels": [_entry(valid_to="2025-12-31")]}, "fee_period"),
        ({"channels": [_entry(fee_kind="free", fee_amount=None)]}, "fee"),
    ],
)
def test_a_damaged_fact_is_a_disagreement(change: dict[str, object], fact: str) -> None:
    tally = _compare(_planted_seed(**change))
    assert fact in {d.fact for d in tally.disagreements}
