"""The fake Telegram Bot API works with the real python-telegram-bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, EndPointNotFound, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.telegram_api import TINY_PNG, FakeTelegram, TelegramApiError, parse_html

TOKEN = "123456:TEST-token"


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest_asyncio.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as client:
        yield client


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message
    assert update.effective_user
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Ja", callback_data="answer:yes")],
            [InlineKeyboardButton("Website", url="https://example.org")],
        ]
    )
    args = " ".join(context.args or [])
    await update.message.reply_text(
        f"Hallo <b>{update.effective_user.first_name}</b> ({args})",
        parse_mode="HTML",
        reply_markup=keyboard,
    )


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message
    assert update.message.text
    await update.message.reply_text(update.message.text)


async def _voice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message
    assert update.message.voice
    await context.bot.send_chat_action(update.message.chat_id, "typing")
    voice_file = await update.message.voice.get_file()
    data = await voice_file.download_as_bytearray()
    await update.message.reply_document(bytes(data), filename="echo.ogg", caption="رجوع")


async def _photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message
    await update.message.reply_photo(TINY_PNG, caption="mooi")


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query
    assert query.data
    await query.answer("Genoteerd")
    if query.data.startswith("answer:"):
        await query.edit_message_text(f"Gekozen: <i>{query.data}</i>", parse_mode="HTML")


def _build_app(fake: FakeTelegram) -> Application:
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    application.add_handler(MessageHandler(filters.VOICE, _voice))
    application.add_handler(MessageHandler(filters.PHOTO, _photo))
    application.add_handler(CallbackQueryHandler(_button))
    return application


@pytest.mark.asyncio
async def test_conversation_with_real_application(fake: FakeTelegram) -> None:
    amal = fake.user(1001, first_name="Amal", language_code="ar")
    await amal.send("/start pair-abc")  # queued before polling starts
    async with fake.running(_build_app(fake)) as application:
        await application.bot.set_my_commands([BotCommand("start", "Begin")])
        await application.bot.set_my_commands([BotCommand("start", "ابدأ")], language_code="ar")
        [welcome] = await amal.wait_messages()
        assert welcome.method == "sendMessage"
        assert welcome.text == "Hallo Amal (pair-abc)"
        assert welcome.raw_text == "Hallo <b>Amal</b> (pair-abc)"
        assert welcome.entities == [{"type": "bold", "offset": 6, "length": 4}]
        assert welcome.button_texts == ["Ja", "Website"]
        assert welcome.buttons[1][0]["url"] == "https://example.org"

        await amal.send("hoi")
        [echo] = await amal.wait_messages()
        assert echo.text == "hoi"

        query_id = await amal.tap("Ja")  # taps the welcome, the latest message with buttons
        answer = await fake.wait_callback_answered(query_id)
        assert answer["text"] == "Genoteerd"
        [edit] = await amal.wait_messages()
        assert edit.method == "editMessageText"
        assert edit.message_id == welcome.message_id
        assert edit.text == "Gekozen: answer:yes"
        assert edit.buttons == []
        assert welcome.edited
        assert welcome.text == edit.text

        forged = await amal.tap_data("x" * 10)
        await fake.wait_callback_answered(forged)

        await amal.send_voice(b"OggS-voice-bytes")
        [reply] = await amal.wait_messages()
        assert reply.method == "sendDocument"
        assert reply.document == b"OggS-voice-bytes"
        assert reply.filename == "echo.ogg"
        assert reply.caption == "رجوع"
        assert amal.chat_actions == ["typing"]

        await amal.send_photo()
        [photo] = await amal.wait_messages()
        assert photo.method == "sendPhoto"
        assert photo.photo == TINY_PNG

    assert fake.commands[""] == [{"command": "start", "description": "Begin"}]
    assert fake.commands["ar"][0]["description"] == "ابدأ"
    assert amal.last is photo
    assert len(amal.messages) == 4
    assert fake.unanswered_callbacks() == []
    assert fake.pending_updates() == []  # the shutdown getUpdates confirmed everything
    assert fake.errors == []


@pytest.mark.asyncio
async def test_validation_errors_are_reported(fake: FakeTelegram, bot: Bot) -> None:
    fake.user(1001)

    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(1001, "x" * 4097)
    await bot.send_message(1001, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")  # fits
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(1001, "<p>hi</p>", parse_mode="HTML")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(1001, "kies", reply_markup=markup)
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_photo(1001, TINY_PNG, caption="c" * 1025)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(4242, "wie?")
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTeleportation", api_kwargs={"chat_id": 1001})

    assert [(e.method, e.error_code) for e in fake.errors] == [
        ("sendMessage", 400),
        ("sendMessage", 400),
        ("sendMessage", 400),
        ("sendPhoto", 400),
        ("sendMessage", 400),
        ("sendTeleportation", 404),
    ]
    assert fake.errors[-1].description == "Not Found: method not found"


@pytest.mark.asyncio
async def test_edit_rules(fake: FakeTelegram, bot: Bot) -> None:
    user = fake.user(1001)
    message = await bot.send_message(1001, "een")
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("een", chat_id=1001, message_id=message.message_id)
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("twee", chat_id=1001, message_id=999)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ok", callback_data="ok")]])
    await bot.edit_message_reply_markup(1001, message.message_id, reply_markup=markup)
    sent, edit = await user.wait_messages(2)
    assert (sent.method, edit.method) == ("sendMessage", "editMessageReplyMarkup")
    assert sent.button_texts == ["Ok"]
    assert edit.text == "een"
    assert await bot.delete_message(1001, message.message_id)
    assert user.last is None
    assert len(fake.errors) == 2


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter int
async def test_faults_block_and_rate_limit(fake: FakeTelegram, bot: Bot) -> None:
    now = [100.0]
    fake._clock = lambda: now[0]
    fake.user(1001)
    fake.user(1002)

    fake.fail_next("sendMessage", retry_after=2)
    with pytest.raises(RetryAfter, match="Flood control exceeded"):
        await bot.send_message(1001, "een")
    await bot.send_message(1001, "een")  # the fault was used up

    fake.block(1002)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(1002, "hallo")
    fake.unblock(1002)

    fake.rate_limit(per_second=2)
    await bot.send_message(1001, "1")
    now[0] += 0.5
    await bot.send_message(1002, "2")
    with pytest.raises(RetryAfter):
        await bot.send_message(1001, "3")
    now[0] += 0.6  # the first send left the 1-second window
    await bot.send_message(1001, "3")

    assert [f.error_code for f in fake.faults] == [429, 403, 429]
    assert fake.errors == []


def test_parse_html() -> None:
    text, entities = parse_html(
        'a &lt;b&gt; &amp; &#128512; <a href="https://x.nl?a=1&amp;b=2">x</a>'
    )
    assert text == "a <b> & 😀 x"
    assert entities == [
        {"type": "text_link", "offset": 11, "length": 1, "url": "https://x.nl?a=1&b=2"}
    ]
    nested, nested_entities = parse_html(
        '<b>vet <i>schuin</i></b> <span class="tg-spoiler">geheim</span>'
        '<blockquote expandable>q</blockquote><pre><code class="language-py">x</code></pre>'
    )
    assert nested == "vet schuin geheimqx"
    assert [e["type"] for e in nested_entities] == [
        "bold", "italic", "spoiler", "expandable_blockquote", "pre", "code",
    ]  # fmt: skip
    for bad in [
        "<p>x</p>",
        "<b>x",
        "<b>x</i>",
        "x</b>",
        "1 < 2",
        "Q&A",
        "&nbsp;",
        "<span>x</span>",
        '<a href="x>y',
    ]:
        with pytest.raises(TelegramApiError, match="can't parse entities"):
            parse_html(bad)
    assert parse_html("2 > 1") == ("2 > 1", [])


@pytest.mark.asyncio
async def test_stop_releases_long_poll(fake: FakeTelegram) -> None:
    async with httpx.AsyncClient() as client:
        poll = asyncio.create_task(
            client.post(f"{fake.base_url}{TOKEN}/getUpdates", data={"timeout": "30"})
        )
        await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")))
        await fake.stop()
        response = await asyncio.wait_for(poll, timeout=5)
    assert response.json() == {"ok": True, "result": []}


@pytest.mark.asyncio
async def test_long_poll_returns_when_update_arrives(fake: FakeTelegram) -> None:
    user = fake.user(7)
    async with httpx.AsyncClient(base_url=f"{fake.base_url}{TOKEN}") as client:
        poll = asyncio.create_task(client.post("/getUpdates", json={"timeout": 30}))
        await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")))
        await user.send("/help")
        first = (await asyncio.wait_for(poll, timeout=5)).json()["result"]
        assert first[0]["message"]["entities"][0] == {
            "type": "bot_command",
            "offset": 0,
            "length": 5,
        }
        next_offset = first[-1]["update_id"] + 1
        confirmed = await client.post("/getUpdates", data={"offset": str(next_offset)})
    assert confirmed.json()["result"] == []
    assert fake.pending_updates() == []
