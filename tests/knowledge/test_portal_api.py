"""The portal-API importer on small hand-written records shaped like the API (no real passages)."""

from __future__ import annotations

import datetime as dt

from bot.knowledge.models import (
    CHANNEL_IN_PERSON,
    CHANNEL_ONLINE,
    CHANNEL_POST,
    FEE_AMOUNT,
    FEE_FREE,
    FEE_TEXT,
    FEE_UNSPECIFIED,
    SOURCE_PORTAL_API,
)
from bot.knowledge.portal_api import parse_portal_record


def _record(**over):
    base = {
        "id": "0000-aaaa",
        "code": "9.100001",
        "name": "Hỗ trợ thử nghiệm",
        "isWard": True,
        "isProvince": True,
        "isFullProcess": True,
        "updatedAt": 1785000000000,
        "categoriesDetails": [{"name": "Bảo trợ thử"}],
        "executingAgencies": "Ủy ban nhân dân cấp xã",
        "subjectTypesDetails": [{"name": "Công dân Việt Nam"}],
        "resultsDetails": [{"name": "Quyết định hỗ trợ"}],
        "legalBasisesDetails": [
            {"code": "3/2031/NĐ-CP", "name": "3/2031/NĐ-CP - Quy định về hỗ trợ thử"},
            {"code": "Nghị định số 4/2031/NĐ-CP", "name": "Sửa đổi quy định thử"},
        ],
        "procedureProposal": {"proposalNumber": "12/QĐ-BXX"},
        "departmentPromulgateName": "Bộ Thử",
        "executionSteps": [{"description": "Bước 1: Nộp đơn.\nBước 2: Nhận kết quả."}],
        "executionMethods": [
            {"submissionMethod": "DIRECT", "processingTime": 5, "processingTimeUnit": "WORKING_DAY",
             "fees": [{"type": "FEE", "value": 0}]},
            {"submissionMethod": "ONLINE", "processingTime": 5, "processingTimeUnit": "WORKING_DAY",
             "fees": [{"type": "FEE", "value": 0, "description": "Chưa quy định"}]},
            {"submissionMethod": "POSTAL", "processingTime": 5, "processingTimeUnit": "WORKING_DAY",
             "fees": [{"type": "FEE", "value": 0, "description": "Theo quy định của Bộ Tài chính"}]},
        ],
        "executionCases": [
            {"name": "Trường hợp lần đầu", "profileComponents": [
                {"name": "+ Đơn đề nghị theo Mẫu số 02. Ghi rõ họ tên.", "originalQty": 1, "copyQty": 0},
                {"name": "- Bản sao giấy tờ tùy thân", "originalQty": 0, "copyQty": 1},
            ]},
            {"name": "Trường hợp làm lại", "profileComponents": [
                {"name": "Đơn đề nghị theo Mẫu số 03", "originalQty": 1, "copyQty": 1,
                 "attachments": [{"fileName": "Mau03.docx"}]},
            ]},
        ],
        "cases": [{"name": "Hỗ trợ thử", "processingDay": {"qty": 5, "type": "WORKING_DAY"}}],
    }
    base.update(over)
    return base


def test_a_record_becomes_the_same_dataclass_as_the_catalogue_parser_gives():
    p = parse_portal_record(_record())
    assert (p.code, p.name, p.levels, p.field, p.agency) == (
        "9.100001", "Hỗ trợ thử nghiệm", "Cấp xã, Cấp tỉnh", "Bảo trợ thử", "Ủy ban nhân dân cấp xã")
    assert (p.source_kind, p.source_date, p.online_level, p.decision_no) == (
        SOURCE_PORTAL_API, dt.date(2026, 7, 26), "toàn trình", "12/QĐ-BXX")
    assert p.source_url == "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/0000-aaaa"
    assert [(lb.number, lb.title) for lb in p.legal_bases] == [
        ("3/2031/NĐ-CP", "Quy định về hỗ trợ thử"), ("4/2031/NĐ-CP", "Sửa đổi quy định thử")]
    assert p.steps == ["Nộp đơn.", "Nhận kết quả."]
    assert p.result_names == ["Quyết định hỗ trợ"]


def test_fees_keep_free_unspecified_and_rule_text_apart():
    rows = {r.channel: r for r in parse_portal_record(_record()).channels}
    assert (rows[CHANNEL_IN_PERSON].fee_kind, rows[CHANNEL_IN_PERSON].time_value) == (FEE_FREE, 5)
    assert rows[CHANNEL_ONLINE].fee_kind == FEE_UNSPECIFIED
    assert (rows[CHANNEL_POST].fee_kind, rows[CHANNEL_POST].fee_text) == (FEE_TEXT, "Theo quy định về phí, lệ phí")


def test_documents_keep_their_case_counts_and_first_sentence():
    docs = parse_portal_record(_record()).documents
    assert [(d.case_name, d.name, d.copies, d.form_code) for d in docs] == [
        ("Trường hợp lần đầu", "Đơn đề nghị theo Mẫu số 02", "1 bản chính", ""),
        ("Trường hợp lần đầu", "Bản sao giấy tờ tùy thân", "1 bản sao", ""),
        ("Trường hợp làm lại", "Đơn đề nghị theo Mẫu số 03", "1 bản chính, 1 bản sao", ""),
    ]


def test_amounts_with_labels_and_a_period_in_the_method_description():
    methods = [{
        "submissionMethod": "ONLINE", "processingTime": 20, "processingTimeUnit": "WORKING_DAY",
        "description": "Phí: - Từ ngày 01/7/2031 đến hết ngày 31/12/2032: 400.000 đồng/hồ sơ; - Từ ngày 01/1/2033: "
                       "800.000 đồng/hồ sơ.",
        "fees": [{"type": "FEE", "value": 400000, "currencyName": "Việt Nam Đồng", "description": "400.000 đồng/hồ sơ"},
                 {"type": "FEE", "value": 150000, "currencyName": "Việt Nam Đồng",
                  "description": "Phí thẩm định bản ghi hình"}],
    }]
    rows = parse_portal_record(_record(executionMethods=methods)).channels
    got = [(r.fee_kind, r.fee_amount, r.fee_text, r.fee_unit, r.valid_from, r.valid_to) for r in rows]
    assert (FEE_AMOUNT, 400000, "", "hồ sơ", dt.date(2031, 7, 1), dt.date(2032, 12, 31)) in got
    assert (FEE_AMOUNT, 800000, "", "hồ sơ", dt.date(2033, 1, 1), None) in got
    assert (FEE_AMOUNT, 150000, "Phí thẩm định bản ghi hình", "", None, None) in got


def test_several_times_of_a_channel_are_labelled_and_a_missing_time_comes_from_the_single_case():
    methods = [
        {"submissionMethod": "DIRECT", "processingTime": 1, "processingTimeUnit": "WORKING_DAY",
         "description": "kể từ ngày nhận đủ hồ sơ đối với trường hợp hồ sơ có từ 01 đến 04 giấy tờ."},
        {"submissionMethod": "DIRECT", "processingTime": 3, "processingTimeUnit": "WORKING_DAY",
         "description": "kể từ ngày nhận đủ hồ sơ đối với trường hợp hồ sơ có từ 05 giấy tờ trở lên."},
        {"submissionMethod": "ONLINE", "processingTime": 0, "processingTimeUnit": "OTHER"},
    ]
    rows = parse_portal_record(_record(executionMethods=methods)).channels
    assert [(r.channel, r.time_value, r.time_label) for r in rows] == [
        (CHANNEL_IN_PERSON, 1, "Trường hợp hồ sơ có từ 01 đến 04 giấy tờ"),
        (CHANNEL_IN_PERSON, 3, "Trường hợp hồ sơ có từ 05 giấy tờ trở lên"),
        (CHANNEL_ONLINE, 5, ""),
    ]


def test_long_fee_descriptions_still_label_their_amounts():
    long_a = ("Phí cấp lại Giấy chứng nhận quyền tác giả, áp dụng đối với các loại hình tác phẩm dưới đây: a) Tác phẩm "
              "văn học, khoa học, sách giáo khoa, giáo trình và tác phẩm khác được thể hiện dưới dạng chữ viết")
    long_b = ("Phí cấp lại Giấy chứng nhận quyền tác giả, áp dụng đối với các loại hình tác phẩm dưới đây: a) Tác phẩm "
              "kiến trúc; b) Bản họa đồ, sơ đồ, bản đồ, bản vẽ liên quan đến địa hình, công trình khoa học.")
    methods = [{
        "submissionMethod": "ONLINE", "processingTime": 20, "processingTimeUnit": "WORKING_DAY",
        "fees": [{"type": "FEE", "value": 50000, "currencyName": "Việt Nam Đồng", "description": long_a},
                 {"type": "FEE", "value": 150000, "currencyName": "Việt Nam Đồng", "description": long_b}],
    }]
    rows = parse_portal_record(_record(executionMethods=methods)).channels
    assert [(r.fee_amount, r.fee_text) for r in rows] == [(50000, long_a), (150000, long_b)]
