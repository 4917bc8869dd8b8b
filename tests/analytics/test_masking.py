"""Personal data never reaches the unanswered-question table (the same masker as the logs)."""

from __future__ import annotations

import pytest

from bot.observability.pii import EMAIL_MASK, ID_MASK, PHONE_MASK, mask_pii


@pytest.mark.parametrize(
    ("text", "mask", "secret"),
    [
        ("số em là 0912345678 nhé", PHONE_MASK, "0912345678"),
        ("gọi 0912 345 678 giúp", PHONE_MASK, "345 678"),
        ("sđt +84 912.345.678", PHONE_MASK, "912.345.678"),
        ("mail nguyenvana@gmail.com ạ", EMAIL_MASK, "nguyenvana"),
        ("CCCD 001203004567 bị mất", ID_MASK, "001203004567"),
        ("cccd 001 203 004 567", ID_MASK, "004 567"),
        ("CMND cũ 123456789", ID_MASK, "123456789"),
    ],
)
def test_personal_data_is_masked(text: str, mask: str, secret: str) -> None:
    masked = mask_pii(text)
    assert mask in masked and secret not in masked


@pytest.mark.parametrize(
    "text",
    ["thủ tục 1.004222 phí bao nhiêu", "lệ phí 20.000 đồng à", "năm 2025 làm căn cước", "mã hồ sơ H56.22-250101-0001"],
)
def test_ordinary_numbers_are_kept(text: str) -> None:
    assert mask_pii(text) == text
