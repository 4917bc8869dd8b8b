"""The Quảng Trị list: what is left out, cleaned names, and procedures known only by name."""

from __future__ import annotations

from bot.knowledge.models import SOURCE_PROVINCE_LIST
from bot.knowledge.province_list import DETAILS_MISSING, clean_name, name_only_procedure, read_entries


def _row(code, name, **over):
    row = {"portal_id": f"id-{code}", "code": code, "name": name, "field": "Thử", "issuing_body": "Bộ Thử",
           "level": "Cấp xã, Cấp Bộ", "type": "TTHC Tiêu chuẩn", "online_level": "Chưa cập nhật",
           "state": "ACTIVE", "usage_weight": None, "in_national_catalogue": False}
    row.update(over)
    return row


def test_internal_and_test_rows_are_left_out_with_a_reason():
    kept, left_out = read_entries([
        _row("9.1", "Sáp nhập đơn vị thử", type="TTHC nội bộ"),
        _row("9.2", "Đăng ký thử (fix)", type="TTHC nội bộ liên thông"),
        _row("9.3", "Đăng ký kinh doanh 0102_2031", issuing_body="Chưa xác định"),
        _row("9.4", "Đăng ký kinh doanh 0102_2031"),
        _row("9.7", "Đăng ký kinh doanh 12/03", field="Lý lịch tư pháp"),
        _row("9.5", "2.\tCấp giấy thử", usage_weight=1234),
        _row("9.5", "Cấp giấy thử (bản trùng)"),
    ])
    assert [(e.code, e.name, e.levels, e.usage_weight) for e in kept] == [("9.5", "Cấp giấy thử", "Cấp xã, Cấp bộ", 1234)]
    assert set(left_out) == {"9.1", "9.2", "9.3", "9.4", "9.7"}
    assert left_out["9.1"].startswith("type")


def test_numbering_and_line_breaks_are_cleaned_from_names():
    assert clean_name("1.\tSáp nhập trường X") == "Sáp nhập trường X"
    assert clean_name("Cho phép trường X\n(Đối với cấp Y)") == "Cho phép trường X (Đối với cấp Y)"
    assert clean_name("Cấp giấy phép loại 1 cho X") == "Cấp giấy phép loại 1 cho X"


def test_a_name_only_procedure_has_its_link_and_no_details():
    (entry,), _ = read_entries([_row("9.6", "Cấp giấy thử", usage_weight=50)])
    p = name_only_procedure(entry)
    assert (p.source_kind, p.has_details, p.in_province_list, p.usage_weight) == (SOURCE_PROVINCE_LIST, False, True, 50)
    assert p.source_url == "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/id-9.6"
    assert (p.issuing_body, p.channels, p.documents, p.flags) == ("Bộ Thử", [], [], [DETAILS_MISSING])
