"""Fee and time rules read from notes: labels, cases, units, limits and validity periods.

The notes are written for these tests in the shape of the portal's notes (no real passages).
"""

from __future__ import annotations

import datetime as dt

from bot.knowledge.models import FEE_AMOUNT, FEE_FREE
from bot.knowledge.rules import FeeItem, case_phrase, find_period, legal_name, read_fee_note, time_label


def _items(note: str, *, online: bool = False, cell: FeeItem | None = None, flags: list[str] | None = None):
    return read_fee_note(note, online=online, cell=cell, flags=flags)


def test_periods_in_both_date_styles():
    assert find_period("Kể từ ngày 01/7/2031 đến hết ngày 31/12/2032, mức thu …")[:2] == (
        dt.date(2031, 7, 1), dt.date(2032, 12, 31))
    assert find_period("áp dụng từ kể từ ngày 02 tháng 3 năm 2031 đến hết ngày 30 tháng 4 năm 2031")[:2] == (
        dt.date(2031, 3, 2), dt.date(2031, 4, 30))
    assert find_period("(áp dụng đến hết ngày 31/12/2030 theo …)")[:2] == (None, dt.date(2030, 12, 31))
    assert find_period("Từ ngày 1/1/2033: mức mới")[:2] == (dt.date(2033, 1, 1), None)
    assert find_period("Mức thu 10.000 đồng") is None


def test_percent_rule_keeps_the_ordinary_rate_beside_it():
    cell = FeeItem(FEE_AMOUNT, 80000)
    items = _items(
        "- Cấp lại giấy tờ X: 80.000 đồng/giấy. - Kể từ ngày 01/7/2031 đến hết ngày 31/12/2032 mức thu "
        "bằng 50% mức thu nêu trên theo Thông tư 9/2031/TT-BXX.",
        cell=cell,
    )
    assert [(i.amount, i.valid_from, i.valid_to, i.basis) for i in items] == [
        (80000, None, None, ""),
        (40000, dt.date(2031, 7, 1), dt.date(2032, 12, 31), "9/2031/TT-BXX"),
    ]
    assert items[0].key() == items[1].key() and items[0].unit == "giấy"


def test_a_rule_limited_to_online_submission_applies_to_the_online_channel_only():
    note = ("- Lệ phí cấp thẻ: 90.000 đồng/lần. Trường hợp nộp hồ sơ theo hình thức trực tuyến: Kể từ ngày "
            "01/01/2031 đến hết ngày 31/12/2031, áp dụng mức thu lệ phí là 70.000 đồng/lần cấp.")
    online = _items(note, online=True)
    in_person = _items(note, online=False)
    assert [(i.amount, i.label, i.unit, i.valid_to) for i in online] == [
        (90000, "Lệ phí cấp thẻ", "lần", None),
        (70000, "Lệ phí cấp thẻ", "lần", dt.date(2031, 12, 31)),
    ]
    assert [(i.amount, i.valid_to) for i in in_person] == [(90000, None)]


def test_an_end_date_after_the_amounts_makes_them_temporary():
    cell = FeeItem(FEE_AMOUNT, 120000)
    items = _items("+ 120.000/sổ, trường hợp cấp lại do bị mất: 240.000đ/sổ (áp dụng đến hết ngày 31/12/2029).",
                   cell=cell)
    assert [(i.amount, i.label, i.unit, i.valid_to) for i in items] == [
        (120000, "", "sổ", dt.date(2029, 12, 31)),
        (240000, "Trường hợp cấp lại do bị mất", "sổ", dt.date(2029, 12, 31)),
    ]


def test_a_bracketed_period_belongs_to_the_bracketed_amount_only():
    items = _items("Phí: 600.000 đồng/hồ sơ (áp dụng mức phí 300.000 đồng/hồ sơ kể từ ngày 01/7/2031 "
                   "đến hết ngày 31/12/2032)")
    assert [(i.amount, i.valid_to) for i in items] == [(600000, None), (300000, dt.date(2032, 12, 31))]


def test_a_temporary_exemption_covers_the_amounts_before_it():
    items = _items("Phí thẩm định: 500.000 đ/lần (Miễn phí từ ngày 01/3/2031 đến 30/6/2031 theo Thông tư 7/2031/TT-BXX)")
    assert [(i.kind, i.amount, i.valid_from) for i in items] == [
        (FEE_AMOUNT, 500000, None),
        (FEE_FREE, None, dt.date(2031, 3, 1)),
    ]


def test_labels_cases_units_and_limits():
    items = _items(
        "- Phí kiểm tra:  + Đối với hạng nhẹ: Kiểm tra viết: 30.000 đồng/lần, Kiểm tra thực hành: 40.000 "
        "đồng/lần;  + Đối với hạng nặng (nhóm 1, nhóm 2): Kiểm tra viết: 70.000 đồng/lần.  - Lệ phí cấp thẻ: "
        "95.000 đồng/lần."
    )
    assert [(i.case, i.label, i.amount, i.unit) for i in items] == [
        ("Hạng nhẹ", "Kiểm tra viết", 30000, "lần"),
        ("Hạng nhẹ", "Kiểm tra thực hành", 40000, "lần"),
        ("Hạng nặng (nhóm 1, nhóm 2)", "Kiểm tra viết", 70000, "lần"),
        ("", "Lệ phí cấp thẻ", 95000, "lần"),
    ]
    per_page = _items("Tại xã: 3.000 đồng/trang; từ trang thứ 4 trở lên thu 1.500 đồng/trang, tối đa thu không quá "
                      "150.000 đồng/bản.", cell=FeeItem(FEE_AMOUNT, 3000, unit="trang"))
    assert [(i.label, i.amount, i.unit, i.fee_max, i.limit_unit) for i in per_page] == [
        ("Tại xã", 3000, "trang", 150000, "bản"),
        ("Từ trang thứ 4 trở lên", 1500, "trang", 150000, "bản"),
    ]


def test_a_reduced_rate_ten_times_the_ordinary_one_is_flagged_not_used():
    flags: list[str] = []
    items = _items("30.000.000đ/giấy (áp dụng đến hết ngày 31/12/2030)", cell=FeeItem(FEE_AMOUNT, 60000), flags=flags)
    assert [(i.amount, i.valid_to) for i in items] == [(60000, None)]
    assert "fee_rule_suspicious" in flags


def test_time_labels_before_after_or_in_the_same_sentence():
    description = ("+ Cấp đổi giấy X: Không quá 02 ngày làm việc kể từ ngày nhận đủ hồ sơ. + Cấp đổi tấm Y: "
                   "Không quá 06 ngày làm việc.")
    assert time_label(description, 2) == "Cấp đổi giấy X"
    assert time_label(description, 6) == "Cấp đổi tấm Y"
    assert time_label("trả kết quả trong 01 ngày làm việc với trường hợp đã có dữ liệu.", 1) == (
        "Với trường hợp đã có dữ liệu")
    assert time_label("Trường hợp cần xác minh thì không quá 04 ngày làm việc.", 4) == "Trường hợp cần xác minh"
    assert time_label("Nộp tại bộ phận một cửa.", 3) == ""
    assert case_phrase("kể từ ngày nhận đủ hồ sơ đối với trường hợp hồ sơ có từ 05 giấy tờ trở lên. Xem thêm") == (
        "Trường hợp hồ sơ có từ 05 giấy tờ trở lên")


def test_legal_names():
    assert legal_name("9/2031/TT-BXX") == "Thông tư 9/2031/TT-BXX"
    assert legal_name("3/2031/NĐ-CP") == "Nghị định 3/2031/NĐ-CP"
    assert legal_name("4321/QĐ-BXX") == "Quyết định 4321/QĐ-BXX"


def test_a_time_is_labelled_with_its_case_or_step_when_the_row_says_so():
    assert time_label("(1) Trường hợp tổ chức, cá nhân đề nghị gia hạn giấy phép nhóm II; giấy phép nhóm III:\n"
                      "* Cách thực hiện: Nộp hồ sơ.", 34) == "Trường hợp tổ chức, cá nhân đề nghị gia hạn giấy phép nhóm II"
    assert time_label("Trong thời hạn 01 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ theo quy định đối với các "
                      "phương tiện thương mại.", 1) == "Các phương tiện thương mại"
    assert time_label("+ Trong thời hạn 02 ngày làm việc kể từ khi nhận đơn trình báo, Công an cấp huyện gửi văn bản "
                      "cho Cục Quản lý xuất nhập cảnh.", 2) == "Công an cấp huyện gửi văn bản cho Cục Quản lý xuất nhập cảnh"


def test_a_restated_amount_gives_its_unit():
    cell = FeeItem(FEE_AMOUNT, 400000)
    items = read_fee_note("Lệ phí : 400.000 Đồng (Mức thu lệ phí: 400.000đ/trường hợp. Miễn lệ phí …)", online=False,
                          cell=cell)
    assert [(i.amount, i.unit) for i in items] == [(400000, "trường hợp")]
    items = read_fee_note("Phí : 50.000 Đồng - 50.000đ/tem “AB” (Thông tư số 25/2021/TT-BTC)", online=False,
                          cell=FeeItem(FEE_AMOUNT, 50000))
    assert [(i.amount, i.unit) for i in items] == [(50000, "tem “AB”")]


def test_a_malformed_zero_is_not_a_free_rate():
    items = read_fee_note("0.000đ/giấy thông hành (Thông tư số 25/2021/TT-BTC)", online=True,
                          cell=FeeItem(FEE_AMOUNT, 50000))
    assert [(i.kind, i.amount) for i in items] == [(FEE_AMOUNT, 50000)]


def test_a_maximum_is_kept_when_its_sentence_cites_a_dated_rule():
    items = read_fee_note("Nộp 150.000 đồng + (số tấn thủy sản x 15.000 đồng/tấn); Tối đa 700.000 đồng/lần theo Thông tư "
                          "số 118/2018/TT-BTC ngày 28/11/2018 (thực hiện từ ngày 15/01/2019)", online=False)
    assert {(i.amount, i.fee_max) for i in items} == {(150000, 700000), (15000, 700000)}


def test_amounts_with_the_unit_before_the_currency():
    items = read_fee_note("Phí: 15000000/loại Đồng (Bổ sung năng định)  Phí: 6000000/chiếc Đồng (Gia hạn)", online=False)
    assert [(i.amount, i.unit) for i in items] == [(15000000, "loại"), (6000000, "chiếc")]


def test_the_words_of_the_amount_before_are_not_a_label():
    items = read_fee_note("Phí: 400000 Đồng (- Sát hạch bổ sung năng định giấy phép)  Phí: 600000 Đồng (Sát hạch cấp "
                          "giấy phép lần đầu)", online=False)
    assert [(i.amount, i.label) for i in items] == [(400000, "Sát hạch bổ sung năng định giấy phép"),
                                                   (600000, "Sát hạch cấp giấy phép lần đầu")]
    items = read_fee_note("Phí: 15000000/loại Đồng (Bổ sung loại hình (ETOPS, CAT II)) Phí: 18000000/loại Đồng (Gia hạn)",
                          online=False)
    assert [(i.amount, i.label) for i in items] == [(15000000, "Bổ sung loại hình (ETOPS, CAT II)"),
                                                   (18000000, "Gia hạn")]
