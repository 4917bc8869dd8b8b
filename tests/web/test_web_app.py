"""The widget server: health check, demo page, static files, and no way out of the static folder."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.app import WebConfig, create_app


async def client_for(config: WebConfig) -> TestClient:
    client = TestClient(TestServer(create_app(config, with_admin=False), host="127.0.0.1"))
    await client.start_server()
    return client


async def test_healthz_and_static_files():
    client = await client_for(WebConfig())
    try:
        health = await client.get("/healthz")
        assert health.status == 200 and (await health.json()) == {"status": "ok"}
        js = await client.get("/widget/widget.js")
        assert js.status == 200 and "javascript" in js.headers["Content-Type"]
        # Message text must never reach an HTML parser.
        assert not re.search(r"\.(inner|outer)HTML|insertAdjacentHTML|document\.write", await js.text())
        css = await client.get("/widget/widget.css")
        assert css.status == 200 and css.headers["X-Content-Type-Options"] == "nosniff"
        assert (await client.get("/widget/")).status in {403, 404}
        assert (await client.get("/widget/../app.py")).status in {403, 404}
        assert (await client.get("/widget/%2e%2e/app.py")).status in {403, 404}
    finally:
        await client.close()


async def test_demo_page_embeds_widget_and_zalo_snippet():
    client = await client_for(WebConfig(widget_rasa_url="https://rasa.example.vn", zalo_oa_id="4318"))
    try:
        page = await (await client.get("/")).text()
        assert '<html lang="vi">' in page
        assert (
            '<script src="/widget/widget.js" data-rasa-url="https://rasa.example.vn" data-position="left" async></script>'
            in page
        )
        assert 'class="zalo-chat-widget" data-oaid="4318"' in page
        assert "https://sp.zalo.me/plugins/sdk.js" in page
    finally:
        await client.close()


async def test_demo_page_escapes_configuration_and_explains_missing_oa():
    client = await client_for(WebConfig(widget_rasa_url='https://x.vn/"><script>alert(1)</script>'))
    try:
        page = await (await client.get("/")).text()
        assert "<script>alert(1)</script>" not in page
        assert "zalo-chat-widget" not in page and "ZALO_OA_ID" in page
    finally:
        await client.close()


async def test_staff_admin_is_mounted_under_admin():
    pytest.importorskip("bot.admin.app", reason="staff admin package not present")
    client = TestClient(TestServer(create_app(WebConfig()), host="127.0.0.1"))
    await client.start_server()
    try:
        response = await client.get("/admin/", allow_redirects=False)
        assert response.status != 404
    finally:
        await client.close()
