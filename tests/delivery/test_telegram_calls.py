"""Bot API calls we do not need to make twice: a picture Telegram already has is sent by its
file_id (Bot API sendPhoto: "Pass a file_id as String to send a photo that exists on the
Telegram servers (recommended)"), and a chat's command menu is set once, also across a restart
(setMyCommands with BotCommandScopeChat)."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import pytest
from telegram import BotCommand

import bot.channels.telegram_format as telegram_format
import bot.channels.telegram_menus as telegram_menus
import handlers.pictures as pictures
from bot.channels.telegram_format import command_menu
from handlers.context import dump_replies, load_replies, notify_person
from handlers.pictures import draw
from handlers.router import Answer
from handlers.types import Attachment, PictureRecipe, Reply
from tests.e2e import E2E, say, tap, telegram  # noqa: F401
from tests.people.test_buddies_e2e import onboard_newcomer


async def test_the_same_picture_is_sent_again_by_file_id(telegram: E2E) -> None:  # noqa: F811
    amal = telegram.user(801, "Amal", "en")
    await onboard_newcomer(amal, "en")
    (first,) = await say(amal, "/progress")
    (second,) = await say(amal, "/progress")
    file_id = first.json["photo"][-1]["file_id"]
    assert first.photo is not None and second.json["photo"][-1]["file_id"] == file_id
    first_call, second_call = telegram.fake.calls_to("sendPhoto")[-2:]
    assert first_call.files == ["photo"]  # uploaded
    assert second_call.files == [] and second_call.params["photo"] == file_id

    # Telegram no longer knows the file: uploaded once more, and the person still gets it.
    telegram.fake.fail_next("sendPhoto", 400, description="Bad Request: wrong file identifier")
    (third,) = await say(amal, "/progress")
    assert third.photo == first.photo
    assert telegram.fake.calls_to("sendPhoto")[-1].files == ["photo"]


async def test_a_picture_telegram_has_is_not_drawn_again(
    telegram: E2E,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The picture goes as a recipe; it is drawn (in the picture worker) only for an upload."""
    drawn: list[object] = []
    real = pictures.in_worker

    async def counting(function: Any, *args: Any, lane: str = "proof") -> Any:
        drawn.append(args[0])
        return await real(function, *args, lane=lane)

    monkeypatch.setattr(pictures, "in_worker", counting)
    amal = telegram.user(803, "Amal", "en")
    await onboard_newcomer(amal, "en")
    (first,) = await say(amal, "/progress")
    assert first.photo is not None and first.photo.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(drawn) == 1
    await say(amal, "/progress")
    assert len(drawn) == 1  # Telegram has it: sent by file_id, not drawn
    await say(amal, "/log")  # the hours change, so the picture does: drawn again
    await tap(amal, "hl:x")
    await tap(amal, "hk:sport")
    await say(amal, "2")
    (saved,) = await tap(amal, "hd:1")
    assert "Saved" in saved.body, saved.body
    (changed,) = await say(amal, "/progress")
    assert len(drawn) == 2 and changed.photo != first.photo


async def test_a_queued_picture_is_drawn_when_delivered(telegram: E2E) -> None:  # noqa: F811
    """The outbox keeps the recipe (a few bytes), and delivery draws and uploads it."""
    amal = telegram.user(804, "Amal", "en")
    await onboard_newcomer(amal, "en")
    recipe = PictureRecipe(slices=(("sport", 40.0, True, False),), target_hours=40)
    picture = Attachment(filename="progress.png", content=b"", mime="image/png", recipe=recipe)
    async with telegram.db.transaction() as tx:
        person_id = await tx.scalar("SELECT person_id FROM identities WHERE address = '804'")
        await notify_person(tx, telegram.clock(), person_id,
                            lambda t: [Reply(text="🏆", image=picture)], key="t:1",
                            purpose="milestone")  # fmt: skip
        payload = await tx.scalar("SELECT payload FROM outbox WHERE idempotency_key = 't:1'")
    assert len(payload) < 500 and "recipe" in payload
    await telegram.drain_outbox()
    (sent,) = await amal.wait_messages(1)
    assert sent.photo is not None and sent.photo.startswith(b"\x89PNG\r\n\x1a\n")
    assert telegram.fake.calls_to("sendPhoto")[-1].files == ["photo"]


def test_a_drawn_picture_is_queued_as_its_recipe() -> None:
    """An answer queued after its picture was drawn (a network error on sending) keeps the
    recipe, not the PNG; the reply being sent keeps its bytes."""
    recipe = PictureRecipe(slices=(("music", 2.5, False, True),), target_hours=40, rtl=True)
    picture = Attachment(filename="progress.png", content=draw(recipe), mime="image/png",
                         recipe=recipe)  # fmt: skip
    payload = dump_replies([Reply(text="📊", image=picture)])
    (back,) = load_replies(payload)
    assert back.image is not None and back.image.recipe == recipe and back.image.content == b""
    assert len(payload) < 500 and picture.content.startswith(b"\x89PNG")


def chat_menus_set(telegram: E2E, chat_id: int) -> int:  # noqa: F811
    return sum(
        1
        for call in telegram.fake.calls_to("setMyCommands")
        if f'"chat_id": {chat_id}' in str(call.params.get("scope", ""))
    )


async def test_a_chat_menu_is_set_once_and_again_only_when_it_changes(
    telegram: E2E,  # noqa: F811
) -> None:
    amal = telegram.user(802, "Amal", "en")
    await onboard_newcomer(amal, "en")
    sets = chat_menus_set(telegram, 802)
    await say(amal, "/help", n=2)  # the help, and the menu
    await telegram.restart()  # a new process knows what it set before
    await say(amal, "/help", n=2)  # the help, and the menu
    assert chat_menus_set(telegram, 802) == sets
    assert "progress" in {c["command"] for c in telegram.fake.commands["chat:802:"]}

    (languages,) = await say(amal, "/language")
    assert languages.find_button("ol:nl") is not None
    await amal.tap("ol:nl")  # the menu follows the language chosen in Meedoen
    await telegram.fake.wait_for(lambda: chat_menus_set(telegram, 802) == sets + 1, 10)
    await amal.wait_messages(1)
    await say(amal, "/help", n=2)  # the help, and the menu
    assert chat_menus_set(telegram, 802) == sets + 1


async def test_a_release_that_changes_the_commands_sets_the_menu_again(
    telegram: E2E,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    amal = telegram.user(803, "Amal", "en")
    await onboard_newcomer(amal, "en")
    await say(amal, "/help", n=2)  # the help, and the menu
    sets = chat_menus_set(telegram, 803)
    released = telegram_format.command_menu

    def with_a_new_command(locale: str, role: str | None = None) -> list[BotCommand]:
        return [*released(locale, role), BotCommand("new", "A new command")]

    # A new release: same language and role, one command more.
    monkeypatch.setattr(telegram_format, "command_menu", with_a_new_command)
    monkeypatch.setattr(telegram_menus, "command_menu", with_a_new_command)
    telegram_format.menu_key.cache_clear()
    try:
        await say(amal, "/help", n=2)
    finally:
        telegram_format.menu_key.cache_clear()
    assert chat_menus_set(telegram, 803) == sets + 1
    assert "new" in {c["command"] for c in telegram.fake.commands["chat:803:"]}


async def test_a_failing_store_never_costs_the_answer(
    telegram: E2E,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    amal = telegram.user(804, "Amal", "en")
    await onboard_newcomer(amal, "en")
    async with telegram.db.transaction() as tx:
        await tx.execute("UPDATE identities SET menu = NULL WHERE address = '804'")
    await telegram.restart()  # what this process knew of the menu is gone with it
    sets = chat_menus_set(telegram, 804)

    async def locked(*_args: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(telegram_menus, "set_chat_menu", locked)
    help_text, _menu = await say(amal, "/help", n=2)
    assert "/menu" in help_text.body
    assert chat_menus_set(telegram, 804) == sets + 1  # the menu was set; storing it failed


async def test_a_chat_merged_into_another_person_gets_that_persons_menu(
    telegram: E2E,  # noqa: F811
) -> None:
    """A provider's link can merge the chat's new person into the provider's contact: the turn
    ends with its person forgotten, yet the chat belongs to the contact, who gets their menu."""
    telegram.user(805, "Griet", "en")
    async with telegram.db.transaction() as tx:
        person_id = await tx.execute("INSERT INTO people (created_at, locale, role) VALUES "
                                     "('2026-12-01T10:00:00Z', 'en', 'provider')")  # fmt: skip
        await tx.execute(
            "INSERT INTO identities (person_id, channel, address, created_at) "
            "VALUES (?, 'telegram', '805', '2026-12-01T10:00:00Z')",
            (person_id,),
        )
    menus, bot = telegram.channel.menus, telegram.channel.application.bot
    await menus.fit(bot, telegram.db, 805, Answer([], forgotten=True))
    assert [c["command"] for c in telegram.fake.commands["chat:805:"]] == [
        c.command for c in command_menu("en", "provider")
    ]
    async with telegram.db.transaction() as tx:  # now really nobody at the address
        await tx.execute("DELETE FROM identities WHERE address = '805'")
    await menus.fit(bot, telegram.db, 805, Answer([], forgotten=True))
    assert "chat:805:" not in telegram.fake.commands


async def test_a_picture_that_cannot_be_drawn_now_is_not_lost(
    telegram: E2E,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The picture worker fails (killed twice, out of memory): the answer waits in the outbox
    instead of being lost, nothing of it goes out twice, and it arrives once drawing works."""
    amal = telegram.user(806, "Amal", "en")
    await onboard_newcomer(amal, "en")
    real = pictures.in_worker
    broken = True

    async def worker(function: Any, *args: Any, lane: str = "proof") -> Any:
        if broken:
            raise OSError("Cannot allocate memory")
        return await real(function, *args, lane=lane)

    monkeypatch.setattr(pictures, "in_worker", worker)
    photos = len(telegram.fake.calls_to("sendPhoto"))
    await amal.send("/progress")
    for _ in range(500):  # until the turn has queued its answer
        async with telegram.db.read() as tx:
            if await tx.scalar("SELECT COUNT(*) FROM outbox WHERE purpose = 'answer'"):
                break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError("the answer was not queued")
    telegram.clock.advance(minutes=10)
    assert await telegram.drain_outbox() == 0  # still failing: retried later, nothing sent
    assert amal.read() == [] and len(telegram.fake.calls_to("sendPhoto")) == photos
    broken = False
    telegram.clock.advance(minutes=10)
    await telegram.drain_outbox()
    (sent,) = await amal.wait_messages(1)
    assert sent.photo is not None and sent.photo.startswith(b"\x89PNG")
