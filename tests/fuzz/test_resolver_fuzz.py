"""Property-based tests: the procedure resolver never raises and keeps its scores within 0..100."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.knowledge import db
from bot.knowledge.repository import build_index
from bot.knowledge.search import ProcedureIndex

WORDS = (
    "đăng ký thường trú tạm trú khai sinh kết hôn hộ chiếu căn cước lệ phí bao nhiêu mất bao lâu giấy tờ gì "
    "dang ky thuong tru ho chieu can cuoc chung thuc ban sao con 10 tuoi duoi 14 tuoi tren 18 tuoi so do "
    "xin cấp lại đổi bằng lái xe ở đâu online nộp thế còn ạ nhé chú trú xổ sổ tr ch gi d"
).split()
questions = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8), st.integers(0, 200).map(str)), max_size=20).map(
        " ".join
    ),
)


@pytest.fixture(scope="module")
def index(seeded_template) -> ProcedureIndex:
    db.reset_engine(f"sqlite:///{seeded_template}")
    with db.session_scope() as session:
        built = build_index(session=session)
    db.get_engine().dispose()
    return built


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=questions)
def test_search_never_raises_and_scores_stay_in_range(index, text):
    for candidate in index.search(text):
        assert 0.0 <= candidate.score <= 100.0
        assert candidate.code in {p.code for p in index.procedures.values()}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=questions, threshold=st.floats(0, 100), margin=st.floats(0, 30))
def test_resolve_never_raises_and_accepts_only_above_threshold(index, text, threshold, margin):
    resolution = index.resolve(text, threshold=threshold, margin=margin)
    for candidate in [*resolution.candidates, *resolution.best, *resolution.ambiguous]:
        assert 0.0 <= candidate.score <= 100.0
    assert all(c.score >= threshold for c in [*resolution.best, *resolution.ambiguous])
    assert resolution.found == bool(resolution.best)
