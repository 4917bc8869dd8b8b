"""Screenshot of the widget talking to the running bot (make run), for docs/widget.png.

    python scripts/widget_screenshot.py [http://localhost:8080/] [docs/widget.png]
"""

from __future__ import annotations

import sys

from playwright.sync_api import expect, sync_playwright

URL = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8080/"
OUT = sys.argv[2] if len(sys.argv) > 2 else "docs/widget.png"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

with sync_playwright() as pw:
    browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.route("https://sp.zalo.me/**", lambda route: route.abort())
    page.goto(URL)
    page.get_by_role("button", name="Mở trợ lý hỏi đáp thủ tục hành chính").click()
    log = page.get_by_role("log", name="Nội dung trò chuyện")
    field = page.get_by_label("Câu hỏi của anh/chị")
    field.fill("Đăng ký thường trú tốn nhiêu tiền vậy con?")
    field.press("Enter")
    expect(log).to_contain_text("1.004222", timeout=30000)
    page.get_by_role("button", name="Thời gian giải quyết").last.click()
    expect(log).to_contain_text("ngày làm việc", timeout=30000)
    page.screenshot(path=OUT)
    browser.close()
