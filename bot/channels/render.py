"""Turning Rasa replies into what each messenger accepts: size limits, numbered options."""

from __future__ import annotations

from collections.abc import Sequence

from bot.channels.rasa_client import Button

TELEGRAM_LIMIT = 4096
ZALO_TEXT_LIMIT = 2000

# User-facing texts shared by the channels.
BUSY_TEXT = (
    "Xin lỗi, hệ thống trả lời tự động đang tạm gián đoạn. "
    "Anh/chị vui lòng thử lại sau ít phút, hoặc tra cứu tại Cổng Dịch vụ công quốc gia "
    "https://dichvucong.gov.vn."
)
RATE_LIMIT_TEXT = (
    "Anh/chị đang gửi tin nhắn hơi nhanh. Vui lòng đợi một chút rồi gửi tiếp, tôi sẽ trả lời lần lượt."
)
CHOICE_HINT = "Anh/chị trả lời bằng số thứ tự của lựa chọn (ví dụ: 1)."


def _hard_split(text: str, limit: int) -> list[str]:
    """Last resort for a single run of text longer than the limit: cut at spaces, else anywhere."""
    parts = []
    while len(text) > limit:
        cut = text.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def _pack(pieces: list[str], separator: str, limit: int, split_long) -> list[str]:
    """Greedily join pieces with the separator while the chunk fits; oversized pieces are split further."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if len(piece) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.extend(split_long(piece))
            continue
        candidate = f"{current}{separator}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def split_text(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split on paragraph boundaries, then lines, then words, so every chunk fits the limit."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []

    def split_paragraph(paragraph: str) -> list[str]:
        return _pack(paragraph.split("\n"), "\n", limit, lambda line: _hard_split(line, limit))

    chunks = _pack(text.split("\n\n"), "\n\n", limit, split_paragraph)
    return [c.strip() for c in chunks if c.strip()]


def numbered_options(text: str, buttons: Sequence[Button]) -> str:
    """Buttons as numbered text lines for channels (or recipients) without button support."""
    lines = [text.strip()] if text.strip() else []
    lines += [f"{i}. {b.title}" for i, b in enumerate(buttons, start=1)]
    if buttons:
        lines.append(CHOICE_HINT)
    return "\n".join(lines)


def pick_numbered(answer: str, buttons: Sequence[Button]) -> Button | None:
    """The button a citizen chose by typing its number ("2", " 2. "), if any."""
    cleaned = answer.strip().rstrip(".)").strip()
    if cleaned.isdigit():
        index = int(cleaned) - 1
        if 0 <= index < len(buttons):
            return buttons[index]
    return None
