"""Generate data/nlu/procedure_questions.yml: procedure questions by asked fact.

Templates (written by us) x colloquial procedure mentions, with accent-free and Central/Southern
dialect variants. Deterministic (fixed seed) so the generated file diffs cleanly. Run:
    python scripts/generate_nlu.py
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bot.text.normalize import strip_diacritics  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "data" / "nlu" / "procedure_questions.yml"
PER_INTENT = 75
ACCENT_FREE_SHARE = 0.3

MENTIONS = [
    "đăng ký thường trú", "nhập hộ khẩu", "đăng ký tạm trú", "gia hạn tạm trú", "xóa hộ khẩu",
    "tách hộ", "khai báo tạm vắng", "xác nhận cư trú", "làm căn cước", "đổi căn cước", "cấp lại căn cước",
    "làm căn cước cho con", "làm hộ chiếu", "hộ chiếu", "báo mất hộ chiếu", "lý lịch tư pháp",
    "thi bằng lái xe máy", "đổi bằng lái", "cấp lại bằng lái", "làm giấy khai sinh", "đăng ký khai sinh cho con",
    "đăng ký kết hôn", "giấy xác nhận tình trạng hôn nhân", "đăng ký khai tử", "trích lục khai sinh",
    "chứng thực bản sao", "chứng thực chữ ký", "làm sổ đỏ", "sang tên sổ đỏ", "tách thửa",
    "đăng ký hộ kinh doanh", "rút bảo hiểm xã hội một lần", "chế độ thai sản", "đăng ký xe máy",
    "sang tên xe", "xin giấy phép xây dựng", "nhận con nuôi", "thông báo lưu trú", "cải chính hộ tịch",
    "tài khoản định danh điện tử", "chuyển mục đích sử dụng đất", "cấp đổi sổ đỏ",
]

TEMPLATES: dict[str, list[str]] = {
    "ask_documents": [
        "{p} cần giấy tờ gì", "{p} cần những giấy tờ gì vậy", "làm {p} thì mang theo gì",
        "hồ sơ {p} gồm những gì", "{p} cần chuẩn bị hồ sơ gì", "muốn {p} thì phải có giấy tờ gì",
        "cho hỏi thành phần hồ sơ {p}", "{p} cần mang giấy gì hả cháu", "đi {p} thì đem theo giấy chi",
        "{p} phải nộp những giấy tờ nào", "tờ khai {p} là mẫu nào", "{p} cần photo giấy tờ gì không",
        "tui muốn {p} cần giấy tờ gì dị", "{p} thì cần chuẩn bị chi rứa", "giấy tờ để {p}",
        "hồ sơ để {p} gồm có gì", "{p} có cần bản sao không",
    ],
    "ask_time": [
        "{p} mất bao lâu", "{p} mấy ngày thì có", "{p} bao lâu thì xong", "{p} mất mấy ngày",
        "thời gian giải quyết {p} là bao lâu", "nộp hồ sơ {p} xong bao lâu có kết quả",
        "{p} thì khi nào nhận được", "làm {p} có lâu không", "{p} mấy hôm thì lấy được",
        "{p} chờ bao nhiêu ngày", "mần {p} mấy ngày thì có", "{p} bao lâu thì có kết quả vậy con",
        "thời hạn {p} là mấy ngày làm việc", "{p} có nhanh không", "{p} xong trong mấy ngày",
    ],
    "ask_fee": [
        "{p} mất bao nhiêu tiền", "{p} lệ phí bao nhiêu", "phí {p} là bao nhiêu", "{p} tốn bao nhiêu",
        "{p} hết bao nhiêu tiền", "{p} có mất phí không", "lệ phí {p} nộp online bao nhiêu",
        "{p} tốn nhiêu tiền vậy con", "làm {p} có mất tiền không", "{p} phải đóng bao nhiêu",
        "{p} thu phí bao nhiêu", "{p} có được miễn phí không", "tiền {p} hết bao nhiêu hả cháu",
        "{p} mấy tiền", "chi phí {p} bao nhiêu",
    ],
    "ask_place": [
        "{p} ở đâu", "{p} nộp ở đâu", "làm {p} ở chỗ nào", "{p} thì đến cơ quan nào",
        "đi {p} ở mô", "{p} làm ở xã hay ở tỉnh", "nộp hồ sơ {p} tại đâu", "{p} đến đâu để làm",
        "cơ quan nào giải quyết {p}", "{p} xin ở đâu vậy", "{p} thì lên công an xã hay tỉnh",
        "muốn {p} thì đi đâu", "địa chỉ nộp hồ sơ {p}", "{p} làm ở đâu bây giờ không còn huyện",
    ],
    "ask_steps": [
        "{p} như thế nào", "thủ tục {p} ra sao", "mần răng để {p}", "các bước {p}",
        "hướng dẫn {p}", "{p} làm sao", "trình tự {p} thế nào", "cách {p}",
        "quy trình {p} gồm những bước nào", "{p} thì làm như thế nào vậy", "tôi phải làm gì để {p}",
        "{p} trình tự thế nào", "làm {p} ra răng", "muốn {p} thì làm sao hả cháu",
    ],
    "ask_conditions": [
        "điều kiện {p} là gì", "{p} cần điều kiện gì", "ai được {p}", "có được {p} không",
        "{p} cần đủ điều kiện gì", "trường hợp nào được {p}", "đối tượng nào được {p}",
        "{p} có yêu cầu gì không", "mấy tuổi thì được {p}", "điều kiện để {p}",
        "không có nhà có được {p} không", "{p} thì cần điều kiện chi",
    ],
    "ask_online": [
        "{p} làm online được không", "{p} nộp trực tuyến được không", "có thể {p} trên mạng không",
        "{p} qua dịch vụ công được không", "{p} trên VNeID được không", "làm {p} online thế nào",
        "{p} có nộp qua mạng được không", "có làm {p} tại nhà được không", "{p} trực tuyến ở đâu",
        "{p} qua cổng dịch vụ công quốc gia", "nộp hồ sơ {p} qua mạng", "{p} online có được không con",
    ],
    "ask_legal_basis": [
        "{p} căn cứ văn bản nào", "căn cứ pháp lý {p}", "{p} theo nghị định nào", "{p} quy định ở luật nào",
        "văn bản quy định {p}", "{p} theo thông tư nào", "luật nào quy định {p}", "cơ sở pháp lý của {p}",
        "{p} được quy định tại đâu", "nghị định về {p}",
    ],
    "ask_overview": [
        "{p}", "thủ tục {p}", "tôi muốn {p}", "cho hỏi về {p}", "thông tin về {p}",
        "tôi cần {p}", "hỏi về {p}", "tìm hiểu {p}", "muốn hỏi {p}", "{p} là gì",
        "có phải {p} không", "{p} thì sao", "tư vấn giúp {p}", "bác muốn {p} cho cháu",
    ],
}


def variants(text: str, rng: random.Random) -> str:
    return strip_diacritics(text) if rng.random() < ACCENT_FREE_SHARE else text


def generate() -> str:
    rng = random.Random(20260701)
    lines = ['version: "3.1"', "", "# Generated by scripts/generate_nlu.py — edit the script, not this file.", "nlu:"]
    for intent, templates in TEMPLATES.items():
        examples: list[str] = []
        seen: set[str] = set()
        attempts = 0
        while len(examples) < PER_INTENT and attempts < PER_INTENT * 20:
            attempts += 1
            template = templates[len(examples) % len(templates)] if len(examples) < len(templates) else rng.choice(templates)
            text = variants(template.format(p=rng.choice(MENTIONS)), rng)
            if rng.random() < 0.2:
                text = text[0].upper() + text[1:] + "?"
            if text.lower() not in seen:
                seen.add(text.lower())
                examples.append(text)
        lines.append(f"  - intent: {intent}")
        lines.append("    examples: |")
        lines.extend(f"      - {e}" for e in examples)
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    OUT.write_text(generate(), encoding="utf-8")
