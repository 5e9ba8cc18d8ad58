"""Telegram fits the person: the chat's command menu follows the language chosen in Meedoen
and the role (BotCommandScopeChat), the empty chat shows a description in every language,
and yes/no buttons are green and red (InlineKeyboardButton.style, Bot API 9.4)."""

from __future__ import annotations

from tests.e2e import E2E, say, tap, telegram  # noqa: F401
from tests.people.test_e2e_onboarding import ARABIC, onboard


async def _menu(telegram: E2E, chat_id: int) -> list[str]:  # noqa: F811
    key = f"chat:{chat_id}:"
    await telegram.fake.wait_for(lambda: key in telegram.fake.commands, 10)
    return [c["description"] for c in telegram.fake.commands[key]]


async def test_the_chat_menu_follows_the_chosen_language(telegram: E2E) -> None:  # noqa: F811
    user = telegram.user(601, "Amal", "en")  # the app is in English
    await onboard(user, "ar", "Amal", "Ieper")  # Meedoen in Arabic
    descriptions = await _menu(telegram, 601)
    assert all(ARABIC.search(d) for d in descriptions), descriptions
    names = [c["command"] for c in telegram.fake.commands["chat:601:"]]
    assert "offers" in names and "progress" in names  # a newcomer's commands
    await say(user, "/forget")
    await tap(user, "fg:yes")
    await telegram.fake.wait_for(lambda: "chat:601:" not in telegram.fake.commands, 10)


async def test_a_buddy_menu_lists_only_buddy_commands(telegram: E2E) -> None:  # noqa: F811
    user = telegram.user(602, "Jan", "nl")
    await say(user, "/start")
    await tap(user, "ol:en")
    await tap(user, "or:buddy")
    await tap(user, "op:yes")
    await _menu(telegram, 602)
    await telegram.fake.wait_for(
        lambda: "log" in [c["command"] for c in telegram.fake.commands["chat:602:"]], 10
    )
    names = [c["command"] for c in telegram.fake.commands["chat:602:"]]
    assert "offers" not in names and "progress" not in names and "myoffers" not in names


async def test_descriptions_in_every_language(telegram: E2E) -> None:  # noqa: F811
    described = telegram.fake.settings["setMyDescription"]
    short = telegram.fake.settings["setMyShortDescription"]
    for code in ("", "nl", "ar", "uk", "ti"):
        assert described[code]["description"] and short[code]["short_description"]
    assert ARABIC.search(str(described["ar"]["description"]))
    assert described["ar"]["description"] != described["nl"]["description"]
