"""Telegram bridge: python-telegram-bot in front of Rasa's REST channel.

Start with ``python -m bot.channels.telegram`` (TELEGRAM_MODE=polling for development,
webhook for production behind HTTPS with TELEGRAM_WEBHOOK_SECRET).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from aiohttp import web
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.analytics.ratings import is_rating_payload
from bot.channels.config import TelegramConfig
from bot.channels.guards import PayloadStore, RateLimiter, SeenSet
from bot.channels.rasa_client import BRIDGE_PATH, BotMessage, Button, RasaClient, RasaUnavailable
from bot.channels.rating_replies import split_rating_buttons
from bot.channels.render import BUSY_TEXT, RATE_LIMIT_TEXT, split_text
from bot.channels.senders import TELEGRAM, telegram_sender
from bot.channels.state import SharedState, StateUnavailable, state_from_env
from bot.observability import install_pii_filter

logger = logging.getLogger(__name__)

CALLBACK_PREFIX = "b:"
TYPING_REFRESH_SECONDS = 4.0  # Telegram shows "typing…" for about 5 seconds per call.
MAX_WEBHOOK_BODY = 1024 * 1024
# Telegram answers 429 with retry_after when a chat gets messages too fast; a long answer is several
# messages, so the rate limiter waits and retries instead of dropping the rest.
MAX_SEND_RETRIES = 5

START_TEXT = (
    "Xin chào! Tôi là trợ lý ảo hướng dẫn thủ tục hành chính của tỉnh Quảng Trị.\n\n"
    'Anh/chị có thể hỏi, ví dụ: "Đăng ký khai sinh cần giấy tờ gì?", '
    '"Làm căn cước mất bao lâu?", hoặc gửi phản ánh, kiến nghị về quy định hành chính.\n\n'
    "Gõ /help để xem hướng dẫn."
)
HELP_TEXT = (
    "Cách dùng trợ lý:\n"
    "• Gõ câu hỏi bằng tiếng Việt (có dấu hoặc không dấu đều được).\n"
    "• Bấm các nút gợi ý bên dưới câu trả lời để chọn nhanh.\n"
    "• /start – lời chào và ví dụ câu hỏi\n"
    "• /help – hướng dẫn này\n\n"
    "Thông tin chỉ mang tính hướng dẫn; kết quả chính thức do cơ quan có thẩm quyền trả lời."
)
EXPIRED_TEXT = "Lựa chọn này đã hết hạn. Anh/chị vui lòng gõ lại câu hỏi."
ONLY_TEXT = "Hiện tôi chỉ đọc được tin nhắn chữ. Anh/chị vui lòng gõ câu hỏi."
EMPTY_BUTTON_TEXT = "Mời anh/chị chọn:"


@dataclass
class Bridge:
    """The bridge's collaborators, kept in ``application.bot_data``; the guards share ``state``."""

    rasa: RasaClient
    state: SharedState
    seen: SeenSet
    limiter: RateLimiter
    buttons: PayloadStore


def sender_id(chat_id: int) -> str:
    """Each Telegram chat is one Rasa conversation, namespaced so ids never clash across channels."""
    return telegram_sender(chat_id)


def _bridge(context: ContextTypes.DEFAULT_TYPE) -> Bridge:
    return context.application.bot_data["bridge"]


async def build_keyboard(buttons: list[Button], store: PayloadStore) -> InlineKeyboardMarkup | None:
    """One button a row (👍/👎 share the last row); callback_data carries only a short id, the payload
    stays on the server (in Redis with several replicas, so any replica understands a button another sent)."""
    if not buttons:
        return None
    others, rating = split_rating_buttons(buttons)
    try:
        ids = [await store.put({"title": b.title, "payload": b.payload}) for b in [*others, *rating]]
    except StateUnavailable:
        logger.exception("Buttons not stored; sending the message without them")
        return None

    def key(button: Button, item_id: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(button.title, callback_data=f"{CALLBACK_PREFIX}{item_id}")

    rows = [[key(b, i)] for b, i in zip(others, ids[: len(others)], strict=True)]
    if rating:
        rows.append([key(b, i) for b, i in zip(rating, ids[len(others) :], strict=True)])
    return InlineKeyboardMarkup(rows)


def without_row_of(markup: InlineKeyboardMarkup | None, callback_data: str) -> InlineKeyboardMarkup | None:
    """The keyboard less the row holding the pressed button (a rating leaves the other choices usable)."""
    if markup is None:
        return None
    rows = [row for row in markup.inline_keyboard if all(b.callback_data != callback_data for b in row)]
    return InlineKeyboardMarkup(rows) if rows else None


@contextlib.asynccontextmanager
async def typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" until the block finishes, refreshing it while Rasa thinks."""

    async def keep_typing() -> None:
        while True:
            try:
                await context.bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
            except TelegramError as exc:
                logger.debug("send_chat_action failed: %s", exc)
            await asyncio.sleep(TYPING_REFRESH_SECONDS)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def send_bot_message(context: ContextTypes.DEFAULT_TYPE, chat_id: int, message: BotMessage) -> None:
    """Plain text (no parse mode, so nothing needs escaping), split under 4,096 characters."""
    bridge = _bridge(context)
    text = message.text
    if message.image:
        text = f"{text}\n{message.image}".strip()
    chunks = split_text(text) or ([EMPTY_BUTTON_TEXT] if message.buttons else [])
    keyboard = await build_keyboard(message.buttons, bridge.buttons)
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        await context.bot.send_message(
            chat_id=chat_id,
            text=chunk,
            reply_markup=keyboard if last else None,
            disable_web_page_preview=True,
        )


async def converse(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str) -> None:
    """Send one citizen message to Rasa and relay the replies, or apologise if Rasa is down."""
    bridge = _bridge(context)
    messages: list[BotMessage] = []
    async with typing(context, chat_id):
        try:
            messages = await bridge.rasa.send(sender_id(chat_id), text)
        except RasaUnavailable:
            logger.warning("Rasa unavailable for a Telegram chat")
    if not messages:
        # An empty answer means Rasa or the action server failed mid-turn.
        await context.bot.send_message(chat_id=chat_id, text=BUSY_TEXT, disable_web_page_preview=True)
        return
    for message in messages:
        await send_bot_message(context, chat_id, message)


async def drop_duplicates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Telegram redelivers updates it thinks failed; answer each update_id once."""
    if not await _bridge(context).seen.check_and_add(update.update_id):
        logger.info("Ignoring redelivered update %s", update.update_id)
        raise ApplicationHandlerStop


async def limit_rate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Per-chat rate limit with one polite notice per window."""
    chat = update.effective_chat
    if chat is None:
        return
    limiter = _bridge(context).limiter
    if await limiter.allow(chat.id):
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    if await limiter.should_warn(chat.id):
        await context.bot.send_message(chat_id=chat.id, text=RATE_LIMIT_TEXT)
    raise ApplicationHandlerStop


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: greeting with example questions."""
    if update.effective_chat:
        await context.bot.send_message(chat_id=update.effective_chat.id, text=START_TEXT)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: how to use the assistant."""
    if update.effective_chat:
        await context.bot.send_message(chat_id=update.effective_chat.id, text=HELP_TEXT)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A citizen's text message goes to Rasa."""
    if update.effective_chat and update.message and update.message.text:
        await converse(context, update.effective_chat.id, update.message.text)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, stickers and the like: say we only read text."""
    if update.effective_chat:
        await context.bot.send_message(chat_id=update.effective_chat.id, text=ONLY_TEXT)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A keyboard button: look up its payload, show the choice, and send the payload to Rasa."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    chat = update.effective_chat
    if chat is None:
        return
    data = query.data or ""
    stored = await _bridge(context).buttons.get(data.removeprefix(CALLBACK_PREFIX))
    button = Button(title=stored["title"], payload=stored["payload"]) if stored else None
    if button is None:
        await context.bot.send_message(chat_id=chat.id, text=EXPIRED_TEXT)
        return
    rated = is_rating_payload(button.payload)
    with contextlib.suppress(TelegramError):
        # Remove the keyboard so the same choice is not sent twice (after a rating, only the 👍/👎 row).
        message = query.message if rated else None
        await query.edit_message_reply_markup(
            reply_markup=without_row_of(getattr(message, "reply_markup", None), data)
        )
    await context.bot.send_message(chat_id=chat.id, text=f"➡️ {button.title}")
    await converse(context, chat.id, button.payload)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every handler failure with its traceback."""
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("Telegram update %s failed", update_id, exc_info=context.error)


async def startup(application: Application) -> None:
    """Open the Rasa client and publish the command list."""
    await _app_bridge(application).rasa.start()
    try:
        await application.bot.set_my_commands(
            [BotCommand("start", "Lời chào và ví dụ câu hỏi"), BotCommand("help", "Hướng dẫn sử dụng")]
        )
    except TelegramError:
        logger.exception("Could not set the bot's command list")


async def shutdown(application: Application) -> None:
    bridge = _app_bridge(application)
    await bridge.rasa.close()
    await bridge.state.close()


def _app_bridge(application: Application) -> Bridge:
    return application.bot_data["bridge"]


def build_application(
    config: TelegramConfig,
    *,
    rasa: RasaClient | None = None,
    clock: Callable[[], float] | None = None,
    state: SharedState | None = None,
    with_updater: bool = True,
) -> Application:
    """The python-telegram-bot application with our handlers; tests point ``api_base_url`` at a fake.

    ``state`` defaults to Redis when REDIS_URL is set (several bridge replicas), else this process's memory.
    """
    builder = (
        Application.builder()
        .token(config.token)
        .base_url(config.api_base_url)
        .connect_timeout(5.0)
        .read_timeout(20.0)
        .write_timeout(20.0)
        .pool_timeout(5.0)
        .get_updates_connect_timeout(5.0)
        .get_updates_read_timeout(40.0)
        .concurrent_updates(8)
        .rate_limiter(AIORateLimiter(max_retries=MAX_SEND_RETRIES))
        .post_init(startup)
        .post_shutdown(shutdown)
    )
    if not with_updater:
        builder = builder.updater(None)
    application = builder.build()
    state = state or state_from_env(clock=clock or time.monotonic)
    application.bot_data["bridge"] = Bridge(
        rasa=rasa
        or RasaClient(
            config.rasa_url, timeout=config.rasa_timeout, path=BRIDGE_PATH, secret=config.bridge_secret
        ),
        state=state,
        seen=SeenSet(state, TELEGRAM),
        limiter=RateLimiter(state, TELEGRAM, config.rate_limit, config.rate_window),
        buttons=PayloadStore(state, TELEGRAM),
    )
    application.add_handler(TypeHandler(Update, drop_duplicates), group=-2)
    application.add_handler(TypeHandler(Update, limit_rate), group=-1)
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CallbackQueryHandler(on_button, pattern=f"^{CALLBACK_PREFIX}"))
    private = filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.COMMAND, on_other))
    application.add_error_handler(on_error)
    return application


def webhook_app(application: Application, config: TelegramConfig) -> web.Application:
    """aiohttp app receiving Telegram's webhook; it checks the secret token before parsing anything."""

    async def receive(request: web.Request) -> web.Response:
        token = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(token.encode(), config.webhook_secret.encode()):
            logger.warning("Telegram webhook call with a wrong secret token")
            return web.Response(status=403, text="forbidden")
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            logger.warning("Malformed Telegram update")
            return web.Response(status=400, text="bad request")
        if update is None:
            return web.Response(status=400, text="bad request")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "channel": "telegram"})

    app = web.Application(client_max_size=MAX_WEBHOOK_BODY)
    app.router.add_post(config.webhook_path, receive)
    app.router.add_get("/healthz", healthz)
    return app


async def run_webhook(config: TelegramConfig) -> None:
    """Production mode: register the webhook with its secret and serve it until SIGTERM/SIGINT."""
    application = build_application(config, with_updater=False)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with application:
        await startup(application)
        await application.bot.set_webhook(
            url=config.webhook_url, secret_token=config.webhook_secret, allowed_updates=Update.ALL_TYPES
        )
        await application.start()
        runner = web.AppRunner(webhook_app(application, config))
        await runner.setup()
        await web.TCPSite(runner, config.webhook_listen, config.webhook_port).start()
        logger.info("Telegram webhook listening on %s:%s", config.webhook_listen, config.webhook_port)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            await application.stop()
            await shutdown(application)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines contain the bot token
    install_pii_filter()
    config = TelegramConfig.from_env()
    config.check()
    if config.mode == "webhook":
        asyncio.run(run_webhook(config))
    else:
        build_application(config).run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
