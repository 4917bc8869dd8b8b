import pytest

from bot.feedback.dialogue import (
    SLOT_ADDRESS,
    SLOT_CONTACT,
    SLOT_CONTENT,
    SLOT_NAME,
    SLOT_SUBJECT,
    parse_command,
    parse_yes_no,
    petition_summary,
)


@pytest.mark.parametrize(
    "text", ["hủy", "Huỷ", "huy", "hủy bỏ", "thôi không gửi nữa", "dừng lại", "hủy phản ánh", "cancel"]
)
def test_cancel_replies(text: str) -> None:
    command = parse_command(text)
    assert command is not None and command.kind == "cancel"


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("sửa số điện thoại", SLOT_CONTACT),
        ("sua sdt", SLOT_CONTACT),
        ("sửa email", SLOT_CONTACT),
        ("số điện thoại sai rồi", SLOT_CONTACT),
        ("tôi muốn sửa họ tên", SLOT_NAME),
        ("đổi lại địa chỉ", SLOT_ADDRESS),
        ("sửa nội dung", SLOT_CONTENT),
        ("sửa cơ quan", SLOT_SUBJECT),
    ],
)
def test_correction_replies_name_the_field(text: str, slot: str) -> None:
    command = parse_command(text)
    assert command is not None and (command.kind, command.slot) == ("correct", slot)


@pytest.mark.parametrize(
    "text",
    [
        "Cán bộ xã hủy hồ sơ của tôi mà không nói lý do",
        "Nguyễn Văn An",
        "đúng",  # folds like "dừng" but means yes
        "tôi đề nghị sửa quy định về thời hạn tạm trú vì quá ngắn so với thực tế người lao động",
    ],
)
def test_ordinary_answers_are_not_commands(text: str) -> None:
    assert parse_command(text) is None


@pytest.mark.parametrize("text", ["có", "Đồng ý", "dong y", "ok", "vâng ạ", "đúng rồi", "xác nhận", "ừ"])
def test_yes(text: str) -> None:
    assert parse_yes_no(text) is True


@pytest.mark.parametrize("text", ["không", "ko", "không đồng ý", "chưa đúng", "sai rồi"])
def test_no(text: str) -> None:
    assert parse_yes_no(text) is False


def test_neither_yes_nor_no() -> None:
    assert parse_yes_no("để tôi suy nghĩ đã") is None


def test_summary_lists_every_field() -> None:
    text = petition_summary(
        {
            SLOT_NAME: "Nguyễn Văn An",
            SLOT_ADDRESS: "thôn Tây",
            SLOT_CONTACT: "0905123456",
            SLOT_CONTENT: "x y z t",
        }
    )
    for part in ("Nguyễn Văn An", "thôn Tây", "0905123456", "x y z t", "(chưa có)", "đồng ý", "hủy"):
        assert part in text
