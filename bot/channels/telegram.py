"""Telegram adapter on python-telegram-bot 22: updates → `Turn`, `Reply` → Bot API calls."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import BotCommandScopeDefault, InputFile, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import staff_files
from bot.app import Wiring, open_database, settle_heap, wire
from bot.channels import telegram_calls
from bot.channels.telegram_format import (
    bot_descriptions,
    command_menu,
    is_reply_keyboard,
    keyboard,
    telegram_language_code,
    turn_from_update,
)
from bot.channels.telegram_inbound import ChatOrderedProcessor, FetchWhenRoom
from bot.channels.telegram_limits import BULK, FloodLimiter, PTBRateLimiter, retry_seconds
from bot.channels.telegram_menus import ChatMenus
from bot.channels.telegram_photos import UploadedPhotos
from bot.channels.telegram_voice import VoiceNotes, send_voice, with_voice_bytes
from bot.ops import Ops
from bot.outbox_sender import DeliveryError, cancel_and_wait
from bot.settings import Settings
from handlers import priority
from handlers.context import dump_replies
from handlers.pictures import drawn
from handlers.types import Reply, Turn
from i18n import LANGUAGES, translator
from storage import outbox, updates
from storage.clock import utcnow
from storage.db import Database

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024


class TelegramChannel:
    """Owns the PTB Application, the outbox sender and the command menus."""

    def __init__(
        self,
        settings: Settings,
        db: Database | None = None,
        clock: Callable[[], datetime] = utcnow,
        limiter: FloodLimiter | None = None,
        concurrency: int = 16,
    ) -> None:
        assert settings.telegram_bot_token is not None
        self.settings = settings
        self.db = db
        self.clock = clock
        self.limiter = limiter or FloodLimiter()
        # Different chats at once, each chat in order; fetch while there is room (see
        # telegram_inbound).
        processor = self._processor = ChatOrderedProcessor(concurrency)
        fetch = FetchWhenRoom(
            processor, self._backlog, high=2 * concurrency, low=max(1, concurrency // 2)
        )
        builder: ApplicationBuilder = (
            ApplicationBuilder()
            .token(settings.telegram_bot_token.get_secret_value())
            .base_url(settings.telegram_api_url)
            .rate_limiter(PTBRateLimiter(self.limiter))
            .get_updates_request(fetch)
            .concurrent_updates(processor)
            .connection_pool_size(max(8, concurrency * 2))
        )
        if settings.telegram_file_url:
            builder = builder.base_file_url(settings.telegram_file_url)
        self.application: Application = builder.build()
        self.application.add_handler(CallbackQueryHandler(self._on_update))
        self.application.add_handler(
            MessageHandler(filters.ALL & ~filters.UpdateType.EDITED, self._on_update)
        )
        self.application.add_error_handler(self._on_error)
        self.wiring: Wiring | None = None
        self.voice_notes = VoiceNotes()
        self.photos = UploadedPhotos()
        self.menus = ChatMenus()
        self._sender_task: asyncio.Task[None] | None = None
        self._ops_task: asyncio.Task[None] | None = None
        self.ops: Ops | None = None

    def _backlog(self) -> int:
        """Updates fetched and not yet finished."""
        return self.application.update_queue.qsize() + self._processor.unfinished

    # --- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        if self.db is None:
            self.db = await open_database(self.settings)
        await self.application.initialize()
        self.wiring = wire(
            self.db, self.settings, bot_username=self.application.bot.username, clock=self.clock
        )
        self.wiring.sender.deliverers["telegram"] = self.deliver
        async with self.db.transaction() as tx:  # Telegram keeps updates for 24 hours
            await updates.forget_before(tx, self.clock() - timedelta(days=2))
        await self.set_commands()
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(
            poll_interval=0.0, timeout=10, allowed_updates=["message", "callback_query"]
        )
        self._sender_task = asyncio.create_task(self.wiring.sender.run_forever())
        self.ops = Ops(self.settings, self.db, self.wiring.sender, clock=self.clock,
                       send_telegram=self.application.bot.send_message)  # fmt: skip
        self._ops_task = asyncio.create_task(self.ops.run_forever())

    def wake_sender(self) -> None:
        """Something was queued (e.g. by a scheduler tick): deliver it now."""
        if self.wiring is not None:
            self.wiring.sender.wake()

    async def stop(self) -> None:
        await self.voice_notes.close()
        for task in (self._ops_task, self._sender_task):
            if task is not None:
                await cancel_and_wait(task)
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def run_until_stopped(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await self.start()
        settle_heap()
        log.info("Telegram channel running as @%s", self.application.bot.username)
        try:
            await stop.wait()
        finally:
            await self.stop()

    async def set_commands(self) -> None:
        """The command menu, once per shipped language, plus the default in DEFAULT_LOCALE."""
        bot = self.application.bot
        for language in LANGUAGES:
            await bot.set_my_commands(
                command_menu(language.code), language_code=telegram_language_code(language.code)
            )
        await bot.set_my_commands(
            command_menu(self.settings.default_locale), scope=BotCommandScopeDefault()
        )
        for language in LANGUAGES:
            description, short = bot_descriptions(language.code)
            code = telegram_language_code(language.code)
            await bot.set_my_description(description, language_code=code)
            await bot.set_my_short_description(short, language_code=code)
        description, short = bot_descriptions(self.settings.default_locale)
        await bot.set_my_description(description)
        await bot.set_my_short_description(short)

    # --- incoming -------------------------------------------------------------------------
    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        # From the update to the last answer, ticks wait at their yield points: a tick busy
        # on the CPU would otherwise hold the GIL while this turn's statements and sends wait
        # for it (~400 ms measured during the after-session tick).
        with priority.turn():
            await self._handle_update(update)

    async def _handle_update(self, update: Update) -> None:
        query = update.callback_query
        # Answered alongside the turn, so the button stops spinning; if that call fails, the
        # press is handled all the same.
        answered = asyncio.create_task(query.answer()) if query is not None else None
        try:
            turn = turn_from_update(update)
            if turn is None or self.wiring is None:
                return
            turn = await with_voice_bytes(turn, update.effective_message)
            replies = await self._staff_document(update, turn)
            if not replies:
                answer = await self.wiring.router.answer(turn)
                replies = answer.replies
                if self.db is not None:  # before the answer: the menu fits it
                    await self.menus.fit(self.application.bot, self.db, int(turn.address), answer)
            source = (
                query.message if query is not None and isinstance(query.message, Message) else None
            )
            await self.answer(int(turn.address), replies, source, update.update_id)
        finally:
            if answered is not None:
                try:
                    await answered
                except TelegramError as exc:
                    log.info("answerCallbackQuery failed (press handled anyway): %s", exc)

    async def answer(
        self, chat_id: int, replies: list[Reply], source: Message | None, update_id: int
    ) -> None:
        """Send a turn's answer; what cannot be sent now (network, 429, a picture that could
        not be drawn) goes to the outbox, which tries again and tells the operators."""
        try:
            await self.draw_unknown(replies)  # before the first reply: all or nothing goes
        except Exception:
            log.exception("answer to update %s queued: a picture could not be drawn", update_id)
            await self._queue_answer(chat_id, replies, update_id)
            return
        for done, reply in enumerate(replies):
            try:
                await self.send(chat_id, [reply], source=source)
            except (NetworkError, RetryAfter) as exc:  # TimedOut is a NetworkError
                log.warning("answer to update %s queued: %s", update_id, exc)
                await self._queue_answer(chat_id, replies[done:], update_id)
                return
            except TelegramError:
                raise  # refused for good (a bad request): PTB's error handler answers
            except Exception:
                log.exception("answer to update %s queued", update_id)
                await self._queue_answer(chat_id, replies[done:], update_id)
                return

    async def draw_unknown(self, replies: list[Reply]) -> None:
        """Draw the pictures Telegram does not have yet (the others go by file_id)."""
        for reply in replies:
            if reply.image is not None and self.photos.file_id(reply.image) is None:
                await drawn(reply.image)

    async def _queue_answer(self, chat_id: int, replies: list[Reply], update_id: int) -> None:
        assert self.db is not None
        rest = [reply.model_copy(update={"edit": False}) for reply in replies]
        async with self.db.transaction() as tx:
            person_id = await tx.scalar(
                "SELECT person_id FROM identities WHERE channel = 'telegram' AND address = ?",
                (str(chat_id),),
            )
            await outbox.enqueue(
                tx, key=f"answer:telegram:{update_id}", person_id=person_id,
                channel="telegram", address=str(chat_id), purpose="answer",
                payload=dump_replies(rest), now=self.clock(),
            )  # fmt: skip
        self.wake_sender()

    async def _staff_document(self, update: Update, turn: Turn) -> list[Reply] | None:
        """A document from staff is an offers file (`bot.staff_files`); None for anyone else."""
        message = update.effective_message
        document = message.document if message is not None else None
        if document is None or self.db is None:
            return None
        if await staff_files.staff_account(self.db, "telegram", turn.address) is None:
            return None  # not staff: the file is not fetched, the router answers as usual
        content = None  # too big to fetch: the answer says so
        if not document.file_size or document.file_size <= staff_files.MAX_BYTES:
            content = bytes(await (await document.get_file()).download_as_bytearray())
        return await staff_files.offer_file_replies(
            self.db, "telegram", turn.address, document.file_name or "", content,
            turn.text, self.clock(),
        )  # fmt: skip

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("update failed: %s", context.error, exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            locale = await self._locale_of(str(update.effective_chat.id))
            text = translator(locale)._(
                "😕 Sorry, something went wrong. Please try again, or type /menu."
            )
            with contextlib.suppress(TelegramError):
                await context.bot.send_message(update.effective_chat.id, text)

    async def _locale_of(self, address: str) -> str:
        if self.db is None:
            return self.settings.default_locale
        async with self.db.read() as tx:
            value = await tx.scalar(
                "SELECT p.locale FROM people p JOIN identities i ON i.person_id = p.id "
                "WHERE i.channel = 'telegram' AND i.address = ?",
                (address,),
            )
        return value or self.settings.default_locale

    # --- outgoing -------------------------------------------------------------------------
    async def send(
        self,
        chat_id: int,
        replies: list[Reply],
        source: Message | None = None,
        *,
        bulk: bool = False,
    ) -> None:
        """Send replies; `bulk` (outbox) messages yield to answers and are spaced per chat."""
        bot = self.application.bot
        limits = BULK if bulk else None
        for reply in replies:
            markup = keyboard(reply)
            if reply.speech is not None:
                if bulk:  # the outbox must know whether it arrived
                    await send_voice(bot, chat_id, reply, markup, limits)
                else:
                    self.voice_notes.send_later(bot, chat_id, reply, markup)
                continue
            if (
                reply.edit
                and not is_reply_keyboard(markup)
                and source is not None
                and source.text is not None
                and not (reply.image or reply.document)
            ):
                try:
                    await telegram_calls.call(bot, "editMessageText", {
                        "chat_id": source.chat_id, "message_id": source.message_id,
                        "text": reply.text, "parse_mode": ParseMode.HTML,
                        "reply_markup": markup,
                    })  # fmt: skip
                    continue
                except BadRequest as exc:
                    if "not modified" in str(exc).lower():
                        continue
                    log.info("edit failed, sending instead: %s", exc)
            attachment = reply.image or reply.document
            caption = reply.text if len(reply.text) <= CAPTION_LIMIT else None
            if reply.image is not None:
                await self.photos.send(bot, chat_id, reply.image, caption, markup, limits)
            elif attachment is not None:
                await telegram_calls.call(bot, "sendDocument", {
                    "chat_id": chat_id,
                    "document": InputFile(attachment.content, filename=attachment.filename),
                    "caption": caption, "parse_mode": ParseMode.HTML,
                    "reply_markup": None if caption is None else markup,
                }, limits)  # fmt: skip
            if attachment is None or caption is None:
                await telegram_calls.send_message(bot, chat_id, reply.text, markup, limits)

    async def deliver(self, address: str, replies: list[Reply]) -> None:
        """Outbox delivery: translate Telegram's answers into retry decisions.

        The limiter already waited out 429s a few times; what still fails is reported with
        how many replies went out, so a retry does not repeat them.
        """
        delivered = 0
        try:
            await self.draw_unknown(replies)  # a failure here sends nothing, so none twice
        except (ValueError, TypeError) as exc:  # the recipe can never be drawn
            raise DeliveryError(f"picture: {exc}", permanent=True) from exc
        except Exception as exc:  # the worker died or the machine is short of memory
            raise DeliveryError(f"picture: {exc}") from exc
        try:
            for reply in replies:
                await self.send(int(address), [reply], bulk=True)
                delivered += 1
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            raise DeliveryError(
                f"429 retry after {seconds}", retry_after=seconds, delivered=delivered
            ) from exc
        except Forbidden as exc:
            raise DeliveryError(f"forbidden: {exc}", unreachable=True, delivered=delivered) from exc
        except BadRequest as exc:
            gone = "chat not found" in str(exc).lower()
            raise DeliveryError(
                f"bad request: {exc}", permanent=True, unreachable=gone, delivered=delivered
            ) from exc
        except NetworkError as exc:
            raise DeliveryError(f"network: {exc}", delivered=delivered) from exc
        except TelegramError as exc:
            raise DeliveryError(f"telegram: {exc}", delivered=delivered) from exc
        except Exception as exc:  # whatever it is, what went out must not go out again
            raise DeliveryError(f"{type(exc).__name__}: {exc}", delivered=delivered) from exc
