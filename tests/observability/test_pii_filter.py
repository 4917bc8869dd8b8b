"""The PII filter: personal data in any log record (message, arguments, traceback) comes out masked."""

from __future__ import annotations

import io
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.observability import install_pii_filter, mask_pii
from bot.observability.pii import ADDRESS_MASK, EMAIL_MASK, ID_MASK, PHONE_MASK


@pytest.mark.parametrize(
    "text,secret,mask",
    [
        ("gọi em số 0912345678 nhé", "0912345678", PHONE_MASK),
        ("sđt 0912 345 678", "0912 345 678", PHONE_MASK),
        ("zalo 0912.345.678", "0912.345.678", PHONE_MASK),
        ("liên hệ +84 912 345 678", "912 345 678", PHONE_MASK),
        ("máy bàn 0233 3852 123", "3852 123", PHONE_MASK),
        ("mail nguyen.van.a@gmail.com giúp", "nguyen.van.a@gmail.com", EMAIL_MASK),
        ("CCCD 045201001234", "045201001234", ID_MASK),
        ("căn cước 045 201 001 234", "045 201 001 234", ID_MASK),
        ("CMND cũ 197123456", "197123456", ID_MASK),
        ("tôi ở số nhà 27 Lê Duẩn, Đông Hà", "27 Lê Duẩn", ADDRESS_MASK),
        ("kiệt 34 Hùng Vương", "34 Hùng Vương", ADDRESS_MASK),
        ("nhà 12/3 Trần Hưng Đạo", "12/3 Trần Hưng Đạo", ADDRESS_MASK),
        ("số 45 đường Nguyễn Huệ", "45 đường Nguyễn Huệ", ADDRESS_MASK),
        ("thôn Tân Hiệp, xã Cam Lộ", "Tân Hiệp", ADDRESS_MASK),
        ("tổ dân phố 3 phường Đông Lễ", "tổ dân phố 3", ADDRESS_MASK),
    ],
)
def test_personal_data_is_masked(text, secret, mask):
    masked = mask_pii(text)
    assert secret not in masked and mask in masked


@pytest.mark.parametrize(
    "text",
    [
        "Mã thủ tục 1.004222, lệ phí 20.000 đồng, 7 ngày làm việc",
        "Nghị định số 20/2021/NĐ-CP ngày 26/11/2026",
        "took 123 ms, 4821 requests, port 5005",
    ],
)
def test_operational_text_is_left_alone(text):
    assert mask_pii(text) == text


digits = st.text(alphabet="0123456789", min_size=8, max_size=8)
separators = st.sampled_from(["", " ", ".", "-"])


@given(prefix=st.sampled_from(["09", "03", "07", "08", "05"]), rest=digits, sep=separators,
       before=st.text(max_size=20), after=st.text(max_size=20))
def test_any_mobile_number_is_masked(prefix, rest, sep, before, after):
    phone = prefix + rest[:2] + sep + rest[2:5] + sep + rest[5:]
    masked = mask_pii(f"{before} {phone} {after}")
    assert prefix + rest[:2] + sep + rest[2:5] not in masked.replace(before, "").replace(after, "")


@given(user=st.from_regex(r"[a-z][a-z0-9._]{0,15}", fullmatch=True),
       domain=st.from_regex(r"[a-z]{2,10}\.(vn|com|gov\.vn)", fullmatch=True))
def test_any_email_is_masked(user, domain):
    assert f"{user}@{domain}" not in mask_pii(f"email của tôi là {user}@{domain} ạ")


@given(number=st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_cccd_number_is_masked(number):
    assert number not in mask_pii(f"CCCD {number}.")


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.observability.pii")
    logger.addHandler(handler)  # added after install: the record factory still masks
    logger.setLevel(logging.INFO)
    install_pii_filter()
    yield logger, stream
    logger.removeHandler(handler)


def test_log_records_are_masked_in_arguments_and_tracebacks(captured):
    logger, stream = captured
    logger.info("citizen %s wrote %r", "0912345678", {"email": "a.b@example.com"})
    try:
        raise ValueError("bad CCCD 045201001234 from số nhà 27 Lê Duẩn")
    except ValueError:
        logger.exception("could not store petition of %s", "0987.654.321")
    output = stream.getvalue()
    for secret in ("0912345678", "a.b@example.com", "045201001234", "27 Lê Duẩn", "0987.654.321"):
        assert secret not in output
    assert PHONE_MASK in output and EMAIL_MASK in output and ID_MASK in output and "Traceback" in output


def test_installing_twice_masks_once(captured):
    logger, stream = captured
    install_pii_filter()
    logger.info("sđt %s", "0912345678")
    assert stream.getvalue().count(PHONE_MASK) == 1
