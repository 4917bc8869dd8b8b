"""Staff load application statuses in the admin; the bot answers from them at once."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from bot.applications.lookup import answer
from tests.admin.admin_helpers import csrf_from, login

CODE = "000.00.23.H56-261120-0001"


async def _upload(client: TestClient, data: bytes, filename: str, *, skip_invalid: bool = False) -> dict[str, str]:
    page = await client.get("/admin/applications")
    form = FormData()
    form.add_field("csrf_token", csrf_from(await page.text()))
    if skip_invalid:
        form.add_field("skip_invalid", "1")
    form.add_field("file", data, filename=filename)
    resp = await client.post("/admin/applications/import", data=form, allow_redirects=False)
    assert resp.status == 302
    location = resp.headers["Location"]
    assert urlsplit(location).path == "/admin/applications"
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def test_staff_upload_a_file_and_the_bot_answers_from_it(client: TestClient, users: dict[str, str]) -> None:
    await login(client, "canbo")
    today = dt.date(2026, 11, 26)
    assert answer(CODE, today=today).startswith("Hiện tôi chưa tra cứu được")
    page = await (await client.get("/admin/applications")).text()
    assert "Chưa kết nối hệ thống một cửa" in page and "Đang có <strong>0</strong> hồ sơ" in page
    result = await _upload(client, f"Mã hồ sơ,Trạng thái,Ngày hẹn trả\n{CODE},Đang giải quyết,03/12/2026\n".encode(),
                           "trang-thai.csv")
    assert result == {"msg": "Đã nhập trang-thai.csv: 1 dòng, thêm mới 1, cập nhật 0."}
    assert answer(CODE, today=today).startswith(f"Hồ sơ {CODE} đang được giải quyết. Ngày hẹn trả kết quả: 03/12/2026.")
    page = await (await client.get("/admin/applications")).text()
    assert "Đang có <strong>1</strong> hồ sơ" in page and "trang-thai.csv" in page and "canbo (admin)" in page


async def test_a_file_with_errors_is_refused_with_the_rows_named(client: TestClient, users: dict[str, str]) -> None:
    await login(client, "canbo")
    data = f"Mã hồ sơ,Trạng thái\n{CODE},Đang giải quyết\nABC,Xong\n".encode()
    refused = await _upload(client, data, "loi.csv")
    assert refused["err"].startswith("Không nhập tệp loi.csv: 1 dòng có lỗi") and "Dòng 3: mã hồ sơ «ABC»" in refused["err"]
    partial = await _upload(client, data, "loi.csv", skip_invalid=True)
    assert partial["msg"].startswith("Đã nhập loi.csv: 2 dòng, thêm mới 1, cập nhật 0, bỏ qua 1 dòng lỗi.")
    unreadable = await _upload(client, b"%PDF", "hoso.pdf")
    assert unreadable == {"err": "Chỉ nhận tệp .xlsx hoặc .csv."}


async def test_template_download_and_access(client: TestClient, users: dict[str, str]) -> None:
    anonymous = await client.get("/admin/applications", allow_redirects=False)
    assert anonymous.status in (302, 401)
    await login(client, "canbo")
    resp = await client.get("/admin/applications/template.csv")
    assert resp.status == 200 and "attachment" in resp.headers["Content-Disposition"]
    assert (await resp.read()).decode("utf-8-sig").startswith("Mã hồ sơ,Trạng thái")
    form = FormData()
    form.add_field("file", b"x", filename="a.csv")
    assert (await client.post("/admin/applications/import", data=form, allow_redirects=False)).status == 403
