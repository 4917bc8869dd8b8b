import logging

from bot.feedback.privacy import PiiMaskingFilter, mask_email, mask_phone, redact


def test_masks() -> None:
    assert mask_phone("0905123456") == "09******56"
    assert mask_email("nguyenvanan@gmail.com") == "n***@gmail.com"


def test_redact_free_text() -> None:
    text = redact("gọi 0905 123 456 hoặc +84912345678, mail an@gmail.com")
    assert "0905" not in text and "912345678" not in text and "an@gmail.com" not in text
    assert text.count("[SĐT]") == 2 and "[EMAIL]" in text


def test_filter_rewrites_records_with_arguments() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "user said %s", ("số tôi 0905123456",), None)
    assert PiiMaskingFilter().filter(record)
    assert "0905123456" not in record.getMessage()
