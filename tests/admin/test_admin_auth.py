"""Login, sessions, CSRF and roles through the real aiohttp application."""

from __future__ import annotations

import datetime as dt

from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from bot import db
from bot.admin.models import AdminSession
from bot.admin.web import SESSION_COOKIE
from bot.knowledge.models import ChannelOption
from tests.admin.admin_helpers import PASSWORD, csrf_from, login


async def test_anonymous_get_is_redirected_to_login(client: TestClient, users: dict[str, str]) -> None:
    resp = await client.get("/admin/procedures", allow_redirects=False)
    assert resp.status == 302
    assert resp.headers["Location"].startswith("/admin/login?next=")


async def test_anonymous_post_is_refused(client: TestClient, procedure: dict[str, int]) -> None:
    resp = await client.post(f"/admin/channels/{procedure['in_person']}", data={"fee_kind": "free"})
    assert resp.status == 401
    with db.session_scope() as s:
        assert s.get(ChannelOption, procedure["in_person"]).fee_kind == "amount"


async def test_anonymous_trainer_page_is_refused(client: TestClient) -> None:
    resp = await client.get("/admin/training", allow_redirects=False)
    assert resp.status == 302 and "/admin/login" in resp.headers["Location"]


async def test_login_sets_a_safe_session_cookie(client: TestClient, users: dict[str, str]) -> None:
    page = await client.get("/admin/login")
    resp = await client.post("/admin/login", data={
        "csrf_token": csrf_from(await page.text()), "username": "canbo", "password": PASSWORD,
    }, allow_redirects=False)
    assert resp.status == 302
    cookie = resp.headers.getall("Set-Cookie")
    session_cookie = next(c for c in cookie if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    with db.session_scope() as s:
        stored = s.execute(select(AdminSession.token_hash)).scalar_one()
    token = resp.cookies[SESSION_COOKIE].value
    assert stored != token  # only a digest is stored


async def test_wrong_password_is_refused(client: TestClient, users: dict[str, str]) -> None:
    page = await client.get("/admin/login")
    resp = await client.post("/admin/login", data={
        "csrf_token": csrf_from(await page.text()), "username": "canbo", "password": "sai-mat-khau-1",
    }, allow_redirects=False)
    assert resp.status == 401
    assert (await client.get("/admin/", allow_redirects=False)).status == 302


async def test_login_without_csrf_is_refused(client: TestClient, users: dict[str, str]) -> None:
    await client.get("/admin/login")
    resp = await client.post("/admin/login", data={"username": "canbo", "password": PASSWORD},
                             allow_redirects=False)
    assert resp.status == 403


async def test_login_rate_limit(client: TestClient, users: dict[str, str]) -> None:
    for _ in range(5):
        page = await client.get("/admin/login")
        await client.post("/admin/login", data={
            "csrf_token": csrf_from(await page.text()), "username": "canbo", "password": "sai-mat-khau-1"})
    page = await client.get("/admin/login")
    resp = await client.post("/admin/login", data={
        "csrf_token": csrf_from(await page.text()), "username": "canbo", "password": PASSWORD},
        allow_redirects=False)
    assert resp.status == 429


async def test_post_without_csrf_token_is_rejected(
    client: TestClient, users: dict[str, str], procedure: dict[str, int]
) -> None:
    await login(client, "canbo")
    form = {"channel": "truc_tiep", "fee_kind": "free", "time_value": "7", "time_unit": "Ngày làm việc"}
    resp = await client.post(f"/admin/channels/{procedure['in_person']}", data=form, allow_redirects=False)
    assert resp.status == 403
    resp = await client.post(f"/admin/channels/{procedure['in_person']}",
                             data={**form, "csrf_token": "forged"}, allow_redirects=False)
    assert resp.status == 403
    with db.session_scope() as s:
        assert s.get(ChannelOption, procedure["in_person"]).fee_kind == "amount"


async def test_expired_session_must_log_in_again(client: TestClient, users: dict[str, str]) -> None:
    await login(client, "canbo")
    with db.session_scope() as s:
        past = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(minutes=1)
        s.execute(update(AdminSession).values(expires_at=past))
    resp = await client.get("/admin/", allow_redirects=False)
    assert resp.status == 302 and "/admin/login" in resp.headers["Location"]
    with db.session_scope() as s:
        assert s.execute(select(AdminSession)).first() is None  # the dead session is removed


async def test_logout_ends_the_session(client: TestClient, users: dict[str, str]) -> None:
    csrf = await login(client, "canbo")
    resp = await client.post("/admin/logout", data={"csrf_token": csrf}, allow_redirects=False)
    assert resp.status == 302
    assert (await client.get("/admin/", allow_redirects=False)).status == 302


async def test_staff_cannot_reach_trainer_or_admin_pages(client: TestClient, users: dict[str, str]) -> None:
    csrf = await login(client, "canbo")
    assert (await client.get("/admin/training")).status == 403
    assert (await client.post("/admin/training/start", data={"csrf_token": csrf})).status == 403
    assert (await client.get("/admin/users")).status == 403
    assert (await client.get("/admin/procedures")).status == 200


async def test_trainer_reaches_training_but_not_users(client: TestClient, users: dict[str, str]) -> None:
    await login(client, "hlv")
    assert (await client.get("/admin/training")).status == 200
    assert (await client.get("/admin/users")).status == 403


async def test_admin_reaches_everything(client: TestClient, users: dict[str, str]) -> None:
    await login(client, "quantri")
    for path in ("/admin/training", "/admin/users", "/admin/audit", "/admin/unanswered", "/admin/data"):
        assert (await client.get(path)).status == 200, path


async def test_open_redirect_after_login_is_blocked(client: TestClient, users: dict[str, str]) -> None:
    page = await client.get("/admin/login")
    resp = await client.post("/admin/login", data={
        "csrf_token": csrf_from(await page.text()), "username": "canbo", "password": PASSWORD,
        "next": "https://evil.example/"}, allow_redirects=False)
    assert resp.headers["Location"] == "/admin/"


async def test_unknown_pages_and_rows_are_404(client: TestClient, users: dict[str, str]) -> None:
    assert (await client.get("/admin/khong-co", allow_redirects=False)).status in (302, 404)
    await login(client, "canbo")
    assert (await client.get("/admin/khong-co")).status == 404
    assert (await client.get("/admin/procedures/999999")).status == 404
    assert (await client.get("/admin/faq/abc")).status == 404
