from bot.text.codes import find_application_code, find_application_codes


def test_code_in_free_text_is_found_and_upper_cased() -> None:
    assert (
        find_application_code("tra cứu hồ sơ 000.00.23.h56-250101-0001 giúp tôi")
        == "000.00.23.H56-250101-0001"
    )
    assert find_application_code("mã hồ sơ: 000.31.20.H56 - 260315 - 0042.") == "000.31.20.H56-260315-0042"


def test_several_codes_in_order_without_repeats() -> None:
    text = "000.00.23.H56-250101-0001 và 000.00.23.H56-250101-0002, lại 000.00.23.H56-250101-0001"
    assert find_application_codes(text) == ["000.00.23.H56-250101-0001", "000.00.23.H56-250101-0002"]


def test_no_code() -> None:
    assert find_application_code("tra cứu hồ sơ của tôi") is None
    assert find_application_code("số điện thoại 0905123456") is None
    assert find_application_code("PA-7K3Q-M2XD") is None
