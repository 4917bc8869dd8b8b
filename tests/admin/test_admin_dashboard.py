"""The admin home dashboard: per-day counts, outcome shares, top procedures and facts, worst-rated first with an
edit link, petitions; channel and period filters; CSV of each table; the monthly report and training report pages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

from aiohttp.test_utils import TestClient

from bot import db
from bot.analytics.ratings import RatedAnswer, store_rating
from bot.analytics.turns import record_turn
from bot.answers.facts import Fact
from bot.training.models import TrainingRun
from tests.admin.admin_helpers import login

TODAY = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _turn(kind: str, sender: str, code: str = "", fact: Fact | None = None, days_ago: int = 0) -> None:
    reply = SimpleNamespace(kind=kind, procedure_codes=[code] if code else [], fact=fact)
    record_turn(reply, sender_id=sender, intent="ask_fee", now=TODAY - dt.timedelta(days=days_ago))


def _fill() -> None:
    _turn("answer", "web:aa11aa11", "1.004222", Fact.FEE)
    _turn("answer", "web:aa11aa11", "1.004222", Fact.TIME)
    _turn("clarify", "tg:1", "", Fact.DOCUMENTS)
    _turn("not_in_data", "tg:1")
    _turn("out_of_scope", "zalo:9")
    _turn("safety", "zalo:9")
    _turn("answer", "tg:2", "2.000001", Fact.DOCUMENTS, days_ago=1)
    good, bad = RatedAnswer("procedure", "2.000001", "documents", "h1"), RatedAnswer("procedure", "1.004222", "fee", "h2")
    with db.session_scope() as s:
        store_rating(session=s, sender_id="tg:2", answer=good, rating="up")
        store_rating(session=s, sender_id="web:aa11aa11", answer=bad, rating="down", reason="wrong_info")
        store_rating(session=s, sender_id="tg:1", answer=bad, rating="up")


async def test_dashboard_tables_charts_filters_and_csv(client: TestClient, users: dict[str, str],
                                                       procedure: dict[str, int]) -> None:
    _fill()
    await login(client, "canbo")
    html = await (await client.get("/admin/")).text()
    assert html.count('src="data:image/svg+xml;base64,') >= 4
    # Worst first: 1.004222 (1 👍, 1 👎) before 2.000001 (1 👍), with the link to edit the record.
    ratings = html[html.index('id="dash-ratings"'):html.index('id="dash-unanswered"')]
    assert ratings.index("1.004222") < ratings.index("2.000001")
    assert f'/admin/procedures/{procedure["procedure"]}' in ratings and "Thông tin sai hoặc đã cũ 1" in ratings
    assert "Đăng ký thường trú" in html[html.index('id="dash-procedures"'):]

    query = f"from={(TODAY - dt.timedelta(days=1)).date()}&to={TODAY.date()}"
    outcomes = (await (await client.get(f"/admin/dashboard/outcomes.csv?{query}")).read()).decode("utf-8-sig")
    lines = outcomes.strip().splitlines()
    assert lines[0] == "Kết quả,Số lượt,Tỉ lệ (%)"
    # not_in_data is the bot saying it is not sure ("không có trong dữ liệu"); out_of_scope is unanswered.
    assert lines[1:6] == ["Trả lời được,3,42.9", "Hỏi lại để chọn thủ tục,1,14.3",
                          '"Không chắc, nói rõ là chưa có dữ liệu",1,14.3', "Không trả lời được,1,14.3",
                          "Từ chối (an toàn),1,14.3"]

    daily = (await (await client.get(f"/admin/dashboard/daily.csv?{query}&channel=telegram")).read()).decode("utf-8-sig")
    assert daily.strip().splitlines()[1:] == [
        f"{(TODAY - dt.timedelta(days=1)):%d/%m/%Y},1,1", f"{TODAY:%d/%m/%Y},2,1"]

    web_only = (await (await client.get(f"/admin/dashboard/ratings.csv?{query}&channel=web")).read()).decode("utf-8-sig")
    assert web_only.strip().splitlines()[1:] == ["1.004222,Đăng ký thường trú,0,1,100.0,Thông tin sai hoặc đã cũ 1"]
    assert (await client.get("/admin/dashboard/nothing.csv")).status == 404


async def test_training_run_page_renders_the_report(client: TestClient, users: dict[str, str], tmp_path: Path) -> None:
    report = {
        "meta": {"model": "m1", "promoted": False, "decision": "Từ chối: macro F1 0.700 thấp hơn 0.800"},
        "results": {"held_out": {
            "name": "held_out", "count": 4, "accuracy": 0.75, "macro_f1": 0.7, "weighted_f1": 0.72,
            "per_intent": {"ask_fee": {"precision": 1.0, "recall": 0.5, "f1": 0.667, "support": 2},
                           "ask_time": {"precision": 0.667, "recall": 1.0, "f1": 0.8, "support": 2}},
            "labels": ["ask_fee", "ask_time"], "confusion": [[1, 1], [0, 2]],
            "misclassified": [{"text": "phí làm hộ chiếu", "gold": "ask_fee", "predicted": "ask_time",
                               "confidence": 0.51}]}},
        "new_section": {"anything": [1, 2]},
    }
    (tmp_path / "metrics.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    with db.session_scope() as s:
        run = TrainingRun(status="rejected", stage="xong", started_by="hlv", report_dir=str(tmp_path))
        s.add(run)
        s.flush()
        rid = run.id
    await login(client, "hlv")
    html = await (await client.get(f"/admin/training/runs/{rid}")).text()
    assert "Giữ mô hình cũ" in html and "Từ chối: macro F1 0.700 thấp hơn 0.800" in html
    assert "ask_fee" in html and "0.667" in html and 'class="diag"' in html
    assert "phí làm hộ chiếu" in html and "new_section" in html
