import re

from bot.feedback.tracking import new_tracking_code, parse_tracking_code

CODE = re.compile(r"^PA-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def test_new_codes_have_the_published_shape_and_do_not_repeat() -> None:
    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(CODE.match(c) for c in codes)


def test_parse_is_tolerant_of_case_separators_and_lookalike_letters() -> None:
    assert parse_tracking_code("mã của tôi là pa-7k3q-m2xd") == "PA-7K3Q-M2XD"
    assert parse_tracking_code("PA 7K3Q M2XD") == "PA-7K3Q-M2XD"
    assert parse_tracking_code("PA7K3QM2XD") == "PA-7K3Q-M2XD"
    assert parse_tracking_code("PA-7K3O-M2XD") == "PA-7K30-M2XD"  # letter O typed for zero


def test_parse_ignores_text_without_a_code() -> None:
    assert parse_tracking_code("tra cứu phản ánh của tôi") is None
    assert parse_tracking_code("PAKN-2024") is None
    assert parse_tracking_code("000.00.23.H56-250101-0001") is None
