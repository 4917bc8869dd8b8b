"""Property-based tests: analysis and resolution never raise on any text, and decide only within bounds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import db
from bot.understanding.features import Context
from bot.understanding.query import analyse
from bot.understanding.ranker import ABSTAIN, ANSWER, CLARIFY
from bot.understanding.resolve import resolve
from bot.understanding.resources import Resources, build

WORDS = (
    "đăng ký thường trú tạm trú khai sinh kết hôn hộ chiếu căn cước lệ phí bao nhiêu mất bao lâu giấy tờ gì "
    "dang ky thuong tru ho chieu can cuoc chung thuc ban sao con 10 tuoi duoi 14 tuoi tren 18 tuoi so do "
    "xin cấp lại đổi bằng lái xe ở đâu online nộp thế còn ạ nhé chú trú xổ sổ tr ch gi d mần răng mô rứa "
    "1.004222 PA-7K3Q-M2XD 000.00.23.H56-250101-0001 mật khẩu otp"
).split()
questions = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8), st.integers(0, 200).map(str)), max_size=20).map(
        " ".join
    ),
)


@pytest.fixture(scope="module")
def resources(seeded_template) -> Resources:
    db.reset_engine(f"sqlite:///{seeded_template}")
    with db.session_scope() as session:
        built = build(session=session, use_ranker=False)
    db.get_engine().dispose()
    return built


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=questions, last=st.lists(st.sampled_from(["1.004222", "1.004194", "9.999999"]), max_size=2))
def test_resolution_never_raises_and_answers_only_known_procedures(resources, text, last):
    index = resources.procedures
    query = analyse(text, lexicon=resources.lexicon, name_words=index.name_words)
    res = resolve(index, None, query, Context(last_codes=tuple(last)))
    assert res.decision in (ANSWER, CLARIFY, ABSTAIN)
    assert 0.0 <= res.confidence <= 1.0
    known = set(index.by_code)
    assert all(code in known for g in res.groups for code in g.codes)
    if res.decision != ABSTAIN:
        assert res.groups
