"""Answers say exactly what the record says: amounts, 'free' and 'not stated' are never confused."""

from __future__ import annotations

import datetime as dt

from bot.answers.compose import answer, money
from bot.answers.facts import Fact
from bot.knowledge.models import FEE_AMOUNT, FEE_FREE, FEE_UNSPECIFIED
from bot.knowledge.repository import ChannelFact, DocumentFact, ProcedureFacts


def _proc(code="9.000001", levels="Cấp xã", channels=None, documents=None, **kw) -> ProcedureFacts:
    base = dict(
        id=1, code=code, name="Đăng ký thử nghiệm", levels=levels, field="Cư trú", agency="Công an cấp xã",
        competent_agency="", submit_address="", applicants="Công dân Việt Nam", result="", conditions="",
        online_level="", source_url="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/x", updated_on=dt.date(2026, 7, 1),
    )
    base.update(kw)
    return ProcedureFacts(**base, channels=channels or [], documents=documents or [])


def _ch(channel, fee_kind, amount=None, days=7.0, note=""):
    return ChannelFact(channel, days, "Ngày làm việc", f"{days} Ngày làm việc", fee_kind, amount, "", note)


def test_money_uses_vietnamese_thousands_separator():
    assert money(20000) == "20.000 đồng"
    assert money(1500000) == "1.500.000 đồng"


def test_fee_per_channel_with_note_and_source_date():
    p = _proc(channels=[_ch("truc_tuyen", FEE_AMOUNT, 10000), _ch("truc_tiep", FEE_AMOUNT, 20000, note="Miễn cho trẻ em")])
    text = answer([p], Fact.FEE)
    assert "Trực tuyến: 10.000 đồng" in text and "Trực tiếp: 20.000 đồng (Miễn cho trẻ em)" in text
    assert "mã 9.000001" in text and "dichvucong.gov.vn" in text and "01/07/2026" in text


def test_unspecified_fee_is_reported_as_not_stated_never_as_a_number_or_free():
    text = answer([_proc(channels=[_ch("truc_tiep", FEE_UNSPECIFIED)])], Fact.FEE)
    assert "chưa ghi rõ" in text
    assert "đồng" not in text and "không thu" not in text


def test_free_is_said_only_when_the_record_says_so():
    text = answer([_proc(channels=[_ch("truc_tiep", FEE_FREE)])], Fact.FEE)
    assert "không thu phí" in text


def test_time_without_unit_is_not_given_a_unit():
    p = _proc(channels=[ChannelFact("truc_tiep", 1.0, "", "1", FEE_FREE, None, "", "")])
    assert "1 (đơn vị hồ sơ gốc chưa ghi rõ)" in answer([p], Fact.TIME)


def test_no_address_in_record_means_no_invented_address():
    text = answer([_proc()], Fact.PLACE)
    assert "không ghi địa chỉ cụ thể" in text
    assert "không còn cấp huyện" in text


def test_documents_list_form_codes_and_copies():
    docs = [DocumentFact("", "Tờ khai thay đổi thông tin cư trú", "CT01", "1 bản chính")]
    assert "• Tờ khai thay đổi thông tin cư trú (mẫu CT01, 1 bản chính)" in answer([_proc(documents=docs)], Fact.DOCUMENTS)


def test_level_variants_with_the_same_answer_are_merged():
    a = _proc(code="1.000001", levels="Cấp xã", channels=[_ch("truc_tiep", FEE_AMOUNT, 30000)])
    b = _proc(code="2.000002", levels="Cấp tỉnh", channels=[_ch("truc_tiep", FEE_AMOUNT, 30000)])
    text = answer([a, b], Fact.FEE)
    assert text.count("30.000 đồng") == 1
    assert "mã 1.000001" in text and "mã 2.000002" in text


def test_level_variants_with_different_answers_are_listed_separately():
    a = _proc(code="1.000001", levels="Cấp xã", channels=[_ch("truc_tiep", FEE_AMOUNT, 30000)])
    b = _proc(code="2.000002", levels="Cấp tỉnh", channels=[_ch("truc_tiep", FEE_AMOUNT, 50000)])
    text = answer([a, b], Fact.FEE)
    assert "30.000 đồng" in text and "50.000 đồng" in text
