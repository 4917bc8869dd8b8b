"""Answers say exactly what the record says, as on the day asked, and fit a phone screen.

Amounts, "free" and "not stated" are never confused; a temporary rate is given only inside its
period, with the ordinary rate and the end date beside it; an expired one is never given as current.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answers.compose import MAX_CHARS, ComposedAnswer, answer, money
from bot.answers.facts import Fact
from bot.knowledge.models import FEE_AMOUNT, FEE_FREE, FEE_TEXT, FEE_UNSPECIFIED, SOURCE_PROVINCE_LIST
from bot.knowledge.repository import ChannelFact, DocumentFact, ProcedureFacts

DAY = dt.date(2026, 12, 1)


def _proc(code="9.000001", levels="Cấp xã", channels=None, documents=None, **kw) -> ProcedureFacts:
    base = dict(
        id=1, code=code, name="Đăng ký thử nghiệm", levels=levels, field="Cư trú", agency="Công an cấp xã",
        competent_agency="", submit_address="", applicants="Công dân Việt Nam", result="", conditions="",
        online_level="", source_url="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/x", updated_on=dt.date(2026, 7, 1),
    )
    base.update(kw)
    return ProcedureFacts(**base, channels=channels or [], documents=documents or [])


def _ch(channel, fee_kind, amount=None, days=7.0, note="", **rule):
    return ChannelFact(channel, days, "Ngày làm việc", f"{days} Ngày làm việc", fee_kind, amount,
                       rule.pop("label", ""), note, **rule)


def _text(procs, fact, today=DAY, hint=""):
    return answer(procs, fact, today=today, case_hint=hint).text


def test_money_uses_vietnamese_thousands_separator():
    assert money(20000) == "20.000 đồng"
    assert money(1500000) == "1.500.000 đồng"


def test_fee_per_channel_with_code_and_source_date():
    p = _proc(channels=[_ch("truc_tuyen", FEE_AMOUNT, 10000), _ch("truc_tiep", FEE_AMOUNT, 20000)])
    result = answer([p], Fact.FEE, today=DAY)
    assert isinstance(result, ComposedAnswer) and result.more == []
    assert "Trực tiếp: 20.000 đồng" in result.text and "Trực tuyến: 10.000 đồng" in result.text
    assert "mã 9.000001" in result.text and "dichvucong.gov.vn" in result.text
    assert result.text.splitlines()[-1].startswith("Nguồn:") and result.text.endswith("(cập nhật 01/07/2026)")


def test_unspecified_fee_is_reported_as_not_stated_never_as_a_number_or_free():
    text = _text([_proc(channels=[_ch("truc_tiep", FEE_UNSPECIFIED)])], Fact.FEE)
    assert "chưa ghi rõ" in text
    assert "đồng" not in text and "không thu" not in text


def test_free_is_said_only_when_the_record_says_so():
    assert "không thu phí" in _text([_proc(channels=[_ch("truc_tiep", FEE_FREE)])], Fact.FEE)


def _id_card_reissue() -> ProcedureFacts:
    """Shaped like cấp lại thẻ căn cước: 70.000, halved from 01/7/2025 to 31/12/2026 (and online in 2025)."""
    label, unit = "Cấp lại thẻ", "thẻ"
    rows = []
    for channel in ("truc_tuyen", "truc_tiep"):
        rows += [
            _ch(channel, FEE_AMOUNT, 70000, label=label, fee_unit=unit),
            _ch(channel, FEE_AMOUNT, 35000, label=label, fee_unit=unit, valid_from=dt.date(2025, 7, 1),
                valid_to=dt.date(2026, 12, 31), fee_basis="64/2025/TT-BTC"),
        ]
    rows.append(_ch("truc_tuyen", FEE_AMOUNT, 35000, label=label, fee_unit=unit, valid_from=dt.date(2025, 1, 1),
                    valid_to=dt.date(2025, 12, 31)))
    return _proc(code="2.001194", channels=rows)


@pytest.mark.parametrize(
    ("today", "expected", "absent"),
    [
        (dt.date(2025, 3, 1), {"• Trực tiếp: Cấp lại thẻ: 70.000 đồng/thẻ (từ 01/07/2025: 35.000 đồng/thẻ)",
                                "• Trực tuyến: Cấp lại thẻ: 35.000 đồng/thẻ (áp dụng đến hết 31/12/2025; mức thông "
                                "thường 70.000 đồng/thẻ)"}, set()),
        (dt.date(2025, 7, 1), {"Trực tiếp, trực tuyến: Cấp lại thẻ: 35.000 đồng/thẻ"}, set()),
        (dt.date(2026, 12, 1), {"35.000 đồng/thẻ (áp dụng đến hết 31/12/2026; theo Thông tư 64/2025/TT-BTC; "
                                "mức thông thường 70.000 đồng/thẻ)"}, set()),
        (dt.date(2026, 12, 31), {"35.000 đồng/thẻ"}, set()),
        (dt.date(2027, 1, 1), {"Trực tiếp, trực tuyến: Cấp lại thẻ: 70.000 đồng/thẻ"}, {"35.000"}),
    ],
)
def test_a_temporary_rate_applies_only_inside_its_period(today, expected, absent):
    text = _text([_id_card_reissue()], Fact.FEE, today=today)
    for part in expected:
        assert part in text, text
    for part in absent:
        assert part not in text, text


def test_an_expired_rate_is_never_given_as_current():
    rows = [
        _ch("truc_tuyen", FEE_AMOUNT, 160000, fee_unit="hộ chiếu", valid_to=dt.date(2023, 12, 31)),
        _ch("truc_tiep", FEE_AMOUNT, 200000, fee_unit="hộ chiếu"),
    ]
    before = _text([_proc(channels=rows)], Fact.FEE, today=dt.date(2023, 12, 31))
    after = _text([_proc(channels=rows)], Fact.FEE, today=dt.date(2024, 1, 1))
    assert "Trực tuyến: 160.000 đồng/hộ chiếu (áp dụng đến hết 31/12/2023)" in before
    assert "160.000" not in after
    assert "Trực tuyến: mức thu tạm thời chỉ áp dụng đến hết 31/12/2023; hồ sơ gốc chưa ghi rõ mức áp dụng" in after
    assert "Trực tiếp: 200.000 đồng/hộ chiếu" in after


def test_a_rate_that_starts_later_is_announced_with_its_date():
    rows = [
        _ch("truc_tiep", FEE_AMOUNT, 750000, fee_unit="hồ sơ", valid_from=dt.date(2025, 7, 1), valid_to=dt.date(2026, 12, 31)),
        _ch("truc_tiep", FEE_AMOUNT, 1500000, fee_unit="hồ sơ", valid_from=dt.date(2027, 1, 1)),
    ]
    assert "750.000 đồng/hồ sơ (áp dụng đến hết 31/12/2026)" in _text([_proc(channels=rows)], Fact.FEE)
    later = _text([_proc(channels=rows)], Fact.FEE, today=dt.date(2027, 1, 1))
    assert "1.500.000 đồng/hồ sơ" in later and "750.000" not in later


def _driving_licence() -> ProcedureFacts:
    light, cars = "Hạng A1, A", "Hạng ô tô B, C"
    rows = []
    for channel in ("truc_tiep", "truc_tuyen"):
        rows += [
            _ch(channel, FEE_AMOUNT, 60000, label="Sát hạch lý thuyết", case_name=light, fee_unit="lần"),
            _ch(channel, FEE_AMOUNT, 60000, label="Sát hạch thực hành", case_name=light, fee_unit="lần"),
            _ch(channel, FEE_AMOUNT, 100000, label="Sát hạch lý thuyết", case_name=cars, fee_unit="lần"),
            _ch(channel, FEE_AMOUNT, 350000, label="Sát hạch thực hành trong hình", case_name=cars, fee_unit="lần"),
            _ch(channel, FEE_AMOUNT, 135000, label="Lệ phí cấp giấy phép lái xe", fee_unit="lần"),
        ]
    rows.append(_ch("truc_tuyen", FEE_AMOUNT, 115000, label="Lệ phí cấp giấy phép lái xe", fee_unit="lần",
                    valid_from=dt.date(2023, 12, 1), valid_to=dt.date(2025, 12, 31)))
    return _proc(code="3.000346", channels=rows)


def test_driving_licence_fees_keep_their_labels_and_the_online_rate_its_end_date():
    text = _text([_driving_licence()], Fact.FEE, today=dt.date(2025, 12, 31), hint="thi bằng ô tô")
    assert ("Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần; riêng trực tuyến: 115.000 đồng/lần "
            "(áp dụng đến hết 31/12/2025; mức thông thường 135.000") in text
    lines = text.splitlines()
    cars = next(i for i, line in enumerate(lines) if "Hạng ô tô B, C" in line)
    assert "Sát hạch lý thuyết: 100.000 đồng/lần" in lines[cars + 1]
    later = _text([_driving_licence()], Fact.FEE, today=dt.date(2026, 1, 1))
    assert "115.000" not in later and "• Trực tiếp, trực tuyến:" in later


def test_per_page_fee_states_its_unit_and_maximum_once():
    rows = [
        _ch("truc_tiep", FEE_AMOUNT, 2000, label="Trang 1 và 2", fee_unit="trang", fee_max=200000, fee_limit_unit="bản"),
        _ch("truc_tiep", FEE_AMOUNT, 1000, label="Từ trang thứ 3 trở lên", fee_unit="trang", fee_max=200000,
            fee_limit_unit="bản"),
        _ch("truc_tiep", FEE_TEXT, label="Tại cơ quan đại diện: 10 USD/bản"),
    ]
    text = _text([_proc(channels=rows)], Fact.FEE)
    assert "Trang 1 và 2: 2.000 đồng/trang" in text and "Từ trang thứ 3 trở lên: 1.000 đồng/trang" in text
    assert text.count("Tối đa 200.000 đồng/bản") == 1
    assert "Tại cơ quan đại diện: 10 USD/bản" in text


def test_several_times_per_channel_keep_their_labels_and_the_asked_one_comes_first():
    rows = [
        _ch("truc_tiep", FEE_FREE, days=2.0, time_label="Cấp đổi chứng nhận đăng ký xe"),
        _ch("truc_tiep", FEE_FREE, days=7.0, time_label="Cấp đổi biển số xe"),
    ]
    text = _text([_proc(channels=rows)], Fact.TIME, hint="đổi biển số mất mấy ngày")
    assert "– 7 ngày làm việc (Cấp đổi biển số xe)\n  – 2 ngày làm việc (Cấp đổi chứng nhận đăng ký xe)" in text
    unlabelled = _text([_proc(channels=[_ch("truc_tiep", FEE_FREE, days=1.0), _ch("truc_tiep", FEE_FREE, days=3.0)])],
                       Fact.TIME)
    assert "1 ngày làm việc hoặc 3 ngày làm việc (tùy trường hợp; xem trang nguồn)" in unlabelled


def test_time_without_unit_is_not_given_a_unit():
    p = _proc(channels=[ChannelFact("truc_tiep", 1.0, "", "1", FEE_FREE, None, "", "")])
    assert "1 (đơn vị hồ sơ gốc chưa ghi rõ)" in _text([p], Fact.TIME)


def test_no_address_in_record_means_no_invented_address():
    text = _text([_proc()], Fact.PLACE)
    assert "không ghi địa chỉ cụ thể" in text and "không còn cấp huyện" in text


def test_an_agency_at_the_abolished_district_level_is_shown_with_what_replaced_it():
    text = _text([_proc(agency="Công an huyện", levels="Cấp xã")], Fact.PLACE)
    assert "Cơ quan thực hiện: Công an huyện (Cấp xã).\nTừ 01/7/2025 không còn cấp huyện; nay là Công an cấp xã." in text


def test_documents_list_form_codes_copies_and_documents_not_needed():
    docs = [DocumentFact("", "Tờ khai thay đổi thông tin cư trú", "CT01", "1 bản chính"),
            DocumentFact("", "Phiếu lý lịch tư pháp", "", "không phải nộp")]
    text = _text([_proc(documents=docs)], Fact.DOCUMENTS)
    assert "• Tờ khai thay đổi thông tin cư trú (mẫu CT01, 1 bản chính)" in text
    assert "• Không phải nộp: Phiếu lý lịch tư pháp" in text


def test_the_case_the_question_describes_comes_first_and_the_rest_on_request():
    docs = [DocumentFact("Trường hợp thừa kế quyền sử dụng đất", f"Giấy tờ thừa kế số {i}", "", "1 bản chính")
            for i in range(12)]
    docs += [DocumentFact("Trường hợp chuyển nhượng quyền sử dụng đất", f"Hợp đồng chuyển nhượng số {i}", "", "1 bản chính")
             for i in range(12)]
    result = answer([_proc(documents=docs)], Fact.DOCUMENTS, today=DAY, case_hint="chuyển nhượng đất cần gì")
    assert result.text.splitlines()[1] == "▸ Trường hợp chuyển nhượng quyền sử dụng đất:"
    assert "thừa kế" not in result.text
    assert len(result.text) <= MAX_CHARS and "mã 9.000001" in result.text and "Xem thêm" in result.text
    assert all(len(chunk) <= MAX_CHARS for chunk in result.more)
    rest = "\n".join(result.more)
    assert "Hợp đồng chuyển nhượng số 11" in rest and "Giấy tờ thừa kế số 0" in rest
    assert all(chunk.startswith("(tiếp) Giấy tờ cần chuẩn bị — mã 9.000001:") for chunk in result.more)


def test_every_answer_fits_a_phone_screen():
    docs = [DocumentFact("", "Giấy tờ có tên rất dài " * 12, "", "1 bản chính") for _ in range(5)]
    result = answer([_proc(documents=docs, name="Thủ tục " * 60)], Fact.DOCUMENTS, today=DAY)
    assert len(result.text) <= MAX_CHARS and result.text.splitlines()[-1].startswith("Nguồn:")
    assert all(len(chunk) <= MAX_CHARS + 400 for chunk in result.more)


def test_a_procedure_known_only_by_name_says_what_we_have_and_what_we_do_not():
    p = _proc(code="1.116139", has_details=False, source_kind=SOURCE_PROVINCE_LIST, issuing_body="Bộ Thử",
              field="Bảo trợ xã hội", updated_on=dt.date(2026, 10, 3), levels="Cấp xã",
              source_url="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/abc")
    fee = _text([p], Fact.FEE)
    assert fee.splitlines()[1] == "Dữ liệu của chúng tôi chưa có phí, lệ phí của thủ tục này (không tự suy đoán)."
    assert "mã 1.116139" in fee and "cơ quan ban hành: Bộ Thử" in fee and "lĩnh vực: Bảo trợ xã hội" in fee
    assert "đồng" not in fee and "ngày làm việc" not in fee
    assert fee.endswith("Nguồn: Danh mục thủ tục áp dụng tại tỉnh Quảng Trị — "
                        "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/abc (cập nhật 03/10/2026)")
    overview = _text([p], Fact.OVERVIEW)
    assert "chưa ghi thủ tục này có nộp trực tuyến" in overview and len(overview) <= MAX_CHARS
    newer_code = _text([ProcedureFacts(**{**p.__dict__, "related_codes": ("1.004222",)})], Fact.FEE)
    assert "Dữ liệu có thủ tục cùng tên với đủ thông tin: mã 1.004222." in newer_code


def test_level_variants_with_the_same_answer_are_merged():
    a = _proc(code="1.000001", levels="Cấp xã", channels=[_ch("truc_tiep", FEE_AMOUNT, 30000)])
    b = _proc(code="2.000002", levels="Cấp tỉnh", channels=[_ch("truc_tiep", FEE_AMOUNT, 30000)])
    text = _text([a, b], Fact.FEE)
    assert text.count("30.000 đồng") == 1
    assert "mã 1.000001" in text and "mã 2.000002" in text


def test_level_variants_with_different_answers_are_listed_separately():
    a = _proc(code="1.000001", levels="Cấp xã", channels=[_ch("truc_tiep", FEE_AMOUNT, 30000)])
    b = _proc(code="2.000002", levels="Cấp tỉnh", channels=[_ch("truc_tiep", FEE_AMOUNT, 50000)])
    result = answer([a, b], Fact.FEE, today=DAY)
    whole = result.text + "\n".join(result.more)
    assert "30.000 đồng" in whole and "50.000 đồng" in whole and "mã 1.000001" in result.text


def test_the_clock_is_used_when_no_day_is_given(monkeypatch):
    monkeypatch.setenv("BOT_TODAY", "2027-01-01")
    assert "70.000" in answer([_id_card_reissue()], Fact.FEE).text
