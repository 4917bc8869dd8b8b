import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.feedback.validation import KIND_EMAIL, KIND_PHONE, check_contact, find_contact, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0905123456", "0905123456"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84 912 345 678", "0912345678"),
        ("0325-123-456", "0325123456"),
        ("0868123456", "0868123456"),
        ("0523123456", "0523123456"),
        ("0703123456", "0703123456"),
        ("0233 3852 123", "02333852123"),  # landline, 4-digit area code
        ("024 3823 4567", "02438234567"),  # Hà Nội
        ("(0232) 3822 111", "02323822111"),
    ],
)
def test_valid_vietnamese_numbers_are_normalised(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "0123456789",
        "0953123456",
        "090512345",
        "09051234567",
        "1800 1096",
        "+1 202 555 0100",
        "0233385212",
        "abc",
        "",
    ],
)
def test_invalid_numbers_are_rejected(raw: str) -> None:
    assert normalize_phone(raw) is None


def test_check_contact_accepts_phone_and_email() -> None:
    assert check_contact("sđt của tôi là 0912.345.678 nhé").contact.value == "0912345678"
    result = check_contact("  NguyenVanAn@Gmail.com ")
    assert result.contact is not None
    assert (result.contact.kind, result.contact.value) == (KIND_EMAIL, "nguyenvanan@gmail.com")


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("090512345", "đúng 10 chữ số"),
        ("0233385212", "đúng 11 chữ số"),
        ("0123456789", "Đầu số 012"),
        ("1800 1096", "bắt đầu bằng số 0"),
        ("nguyenvanan@gmail", "e-mail chưa đúng"),
        ("không có", "không thấy số điện thoại"),
    ],
)
def test_check_contact_explains_what_is_wrong(raw: str, reason_part: str) -> None:
    result = check_contact(raw)
    assert result.contact is None
    assert reason_part in result.reason


def test_find_contact_inside_a_status_request() -> None:
    found = find_contact("tra cứu phản ánh PA-7K3Q-M2XD số 0905 123 456")
    assert found is not None and (found.kind, found.value) == (KIND_PHONE, "0905123456")
    assert find_contact("tra cứu phản ánh PA-7K3Q-M2XD") is None


MOBILE_PREFIXES = ["032", "039", "052", "058", "070", "079", "081", "089", "090", "094", "096", "099"]


@given(
    prefix=st.sampled_from(MOBILE_PREFIXES),
    rest=st.text(alphabet="0123456789", min_size=7, max_size=7),
    sep=st.sampled_from(["", " ", ".", "-"]),
    international=st.booleans(),
)
def test_any_mobile_number_survives_formatting(prefix: str, rest: str, sep: str, international: bool) -> None:
    number = prefix + rest
    head = "+84 " + number[1:3] if international else number[:3]
    formatted = sep.join([head, number[3:6], number[6:]])
    assert normalize_phone(formatted) == number
