"""The one-stop system adapter against a fake system on loopback, and what the bot answers with and without it."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy.engine import Engine

from bot.applications import lookup
from bot.applications.onestop import OneStopConfigError, OneStopProvider
from bot.applications.provider import ApplicationLookupError, ApplicationStatus, upsert_status
from bot.db import session_scope
from bot.settings import get_settings

TOKEN = "mot-cua-token"
KNOWN, LOADED, UNKNOWN = "000.00.23.H56-261120-0001", "000.00.23.H56-261120-0002", "000.00.23.H56-261120-0009"
TODAY = dt.date(2026, 11, 26)


@dataclass
class FakeOneStop:
    """The provincial system as the adapter expects it: JSON per code, bearer token, 404 when unknown."""

    mode: str = "ok"  # ok | down | slow | garbage
    requests: list[tuple[str, str]] = field(default_factory=list)

    async def dossier(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.match_info["code"], request.headers.get("Authorization", "")))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"message": "unauthorised"}, status=401)
        if self.mode == "down":
            return web.json_response({"message": "maintenance"}, status=503)
        if self.mode == "slow":
            await asyncio.sleep(2)
        if self.mode == "garbage":
            return web.Response(text="<html>cổng đăng nhập</html>", content_type="text/html")
        if request.match_info["code"] != KNOWN:
            return web.json_response({"message": "not found"}, status=404)
        return web.json_response({"data": {
            "maHoSo": KNOWN, "trangThai": "Đang xử lý", "tenThuTuc": "Đăng ký kết hôn",
            "coQuanGiaiQuyet": "UBND xã Gio Linh", "ngayTiepNhan": "2026-11-20", "ngayHenTra": "25/11/2026",
        }})


@pytest.fixture()
async def onestop() -> AsyncIterator[tuple[FakeOneStop, str]]:
    fake = FakeOneStop()
    app = web.Application()
    app.router.add_get("/api/dossiers/{code}", fake.dossier)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield fake, str(server.make_url("/api")).rstrip("/")
    await server.close()


def _provider(base: str, *, token: str = TOKEN, timeout: float = 5.0) -> OneStopProvider:
    return OneStopProvider(base_url=base, token=token, timeout=timeout)


async def test_adapter_reads_the_systems_record_with_the_token(onestop: tuple[FakeOneStop, str]) -> None:
    fake, base = onestop
    status = await asyncio.to_thread(_provider(base).get_status, KNOWN)
    assert status == ApplicationStatus(
        code=KNOWN, status="in_progress", procedure_name="Đăng ký kết hôn", agency="UBND xã Gio Linh",
        received_on=dt.date(2026, 11, 20), appointment_on=dt.date(2026, 11, 25), source="onestop")
    assert fake.requests == [(KNOWN, f"Bearer {TOKEN}")]
    assert await asyncio.to_thread(_provider(base).get_status, UNKNOWN) is None


@pytest.mark.parametrize("mode", ["down", "slow", "garbage"])
async def test_failures_are_lookup_errors_never_not_found(onestop: tuple[FakeOneStop, str], mode: str) -> None:
    fake, base = onestop
    fake.mode = mode
    with pytest.raises(ApplicationLookupError):
        await asyncio.to_thread(_provider(base, timeout=0.5).get_status, KNOWN)


async def test_wrong_token_is_a_failure(onestop: tuple[FakeOneStop, str]) -> None:
    _, base = onestop
    with pytest.raises(ApplicationLookupError, match="401"):
        await asyncio.to_thread(_provider(base, token="khac").get_status, KNOWN)


def test_incomplete_configuration_is_refused() -> None:
    with pytest.raises(OneStopConfigError):
        OneStopProvider(base_url="https://motcua.example.vn", token="changeme")
    with pytest.raises(OneStopConfigError):
        OneStopProvider(base_url="motcua.example.vn", token=TOKEN)
    with pytest.raises(OneStopConfigError):
        OneStopProvider(base_url="https://motcua.example.vn", token=TOKEN, status_path="/dossiers")


@pytest.fixture()
def configure(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Set the ONESTOP_* environment the way an operator does, then read settings afresh."""

    def apply(base: str = "") -> None:
        for name, value in (("ONESTOP_BASE_URL", base), ("ONESTOP_TOKEN", TOKEN if base else ""),
                            ("ONESTOP_TIMEOUT", "1"), ("ONESTOP_STATUS_PATH", "/dossiers/{code}")):
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        lookup._live_provider.cache_clear()

    yield apply
    get_settings.cache_clear()
    lookup._live_provider.cache_clear()


def _stage_loaded_status() -> None:
    with session_scope() as s:
        upsert_status(session=s, status=ApplicationStatus(code=LOADED, status="supplement"), source="staff",
                      as_of=dt.datetime(2026, 11, 24, 1, 0))


def test_not_connected_unknown_code_is_not_called_wrong(database: Engine, configure) -> None:  # noqa: ANN001
    configure("")
    _stage_loaded_status()
    reply = lookup.answer(UNKNOWN, today=TODAY)
    assert reply.startswith(f"Hiện tôi chưa tra cứu được hồ sơ mã {UNKNOWN}") and "kiểm tra lại" not in reply
    loaded = lookup.answer(LOADED, today=TODAY)
    assert loaded.startswith(f"Hồ sơ {LOADED} cần bổ sung") and "cập nhật lúc 08:00 ngày 24/11/2026" in loaded


async def test_connected_answers_live_and_calls_an_unknown_code_unknown(
    database: Engine, configure, onestop: tuple[FakeOneStop, str]  # noqa: ANN001
) -> None:
    fake, base = onestop
    configure(base)
    _stage_loaded_status()
    live = await asyncio.to_thread(lookup.answer, KNOWN, today=TODAY)
    assert live.startswith(f"Hồ sơ {KNOWN} (Đăng ký kết hôn) đang được giải quyết tại UBND xã Gio Linh.")
    assert "cập nhật lúc" not in live
    missing = await asyncio.to_thread(lookup.answer, UNKNOWN, today=TODAY)
    assert missing.startswith(f"Hệ thống một cửa của tỉnh không có hồ sơ mã {UNKNOWN}")
    fake.mode = "down"  # the system fails: a loaded status still helps, otherwise "try again later"
    assert (await asyncio.to_thread(lookup.answer, LOADED, today=TODAY)).startswith(f"Hồ sơ {LOADED} cần bổ sung")
    assert (await asyncio.to_thread(lookup.answer, KNOWN, today=TODAY)).startswith(
        "Xin lỗi, hệ thống tra cứu hồ sơ đang gặp sự cố")


def test_misconfigured_system_falls_back_to_loaded_statuses(database: Engine, configure, monkeypatch) -> None:  # noqa: ANN001
    configure("https://motcua.example.vn")
    monkeypatch.setenv("ONESTOP_TOKEN", "changeme")
    get_settings.cache_clear()
    assert lookup.live_provider() is None
    assert lookup.answer(UNKNOWN, today=TODAY).startswith("Hiện tôi chưa tra cứu được")
