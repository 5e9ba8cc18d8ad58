"""Buddies get buddy texts, and a newcomer who opens a buddy's link skips the role question,
sees who invited them right after the language, and onboards before saying yes."""

from __future__ import annotations

from handlers.router import Router
from tests.conftest import Chat, onboard_buddy
from tests.hours.test_hours_support import BUDDY, NEWCOMER, invite_code


def data(chat: Chat) -> list[str]:
    return [b.data or "" for r in chat.last for row in r.buttons for b in row]


async def test_a_buddy_reads_buddy_texts(router: Router) -> None:
    buddy = Chat(router, BUDDY)
    await buddy.say("/start")
    await buddy.press("ol:en")
    await buddy.press("or:buddy")
    privacy = buddy.text
    assert "the newcomers you help" in privacy
    assert "your buddy or the organisation" not in privacy
    assert "interests, Dutch level" not in privacy
    await buddy.press("op:yes")
    assert "The newcomers you help will see it." in buddy.text
    assert "Your buddy and your counsellor" not in buddy.text


async def test_a_newcomer_reads_newcomer_texts(router: Router) -> None:
    newcomer = Chat(router, NEWCOMER)
    await newcomer.say("/start")
    await newcomer.press("ol:en")
    await newcomer.press("or:newcomer")
    assert "The organisation of your activity sees your first name" in newcomer.text
    await newcomer.press("op:yes")
    assert "Your buddy and your counsellor will see it." in newcomer.text


async def test_help_and_commands_fit_the_buddy(router: Router) -> None:
    buddy = Chat(router, BUDDY)
    await onboard_buddy(buddy, locale="en")
    await buddy.say("/help")
    for command in ("/offers", "/myoffers", "/progress", "/proof"):
        assert f"{command} " not in buddy.text, command
    assert "/log " in buddy.text and "/buddy " in buddy.text
    await buddy.say("/progress")
    assert "🚫 This is for newcomers. As a buddy, you can do this:" in buddy.text
    assert "m:log" in data(buddy)  # a way on, not a dead end


async def test_an_invited_newcomer_skips_the_role_question(router: Router) -> None:
    buddy, newcomer = Chat(router, BUDDY), Chat(router, NEWCOMER)
    await onboard_buddy(buddy, locale="en", name="Olena")
    code = await invite_code(buddy)
    await newcomer.say(f"/start pair-{code}")
    assert "ol:en" in data(newcomer)  # the language first
    await newcomer.press("ol:en")
    assert newcomer.last[0].text.startswith("🤝 Olena invited you.")
    assert "Who are you?" not in newcomer.text
    assert "op:yes" in data(newcomer)  # straight to the privacy notice, as a newcomer
    assert "Who sees it: your buddy." in newcomer.text
    await newcomer.press("op:yes")
    await newcomer.say("Amal")
    await newcomer.say("8900")
    await newcomer.press("oi:sport")
    await newcomer.press("oi:done")
    await newcomer.press("od:2")
    await newcomer.press("oa:weekday")
    await newcomer.press("oa:done")
    await newcomer.press("ok:0")
    await newcomer.press("ot:10")
    assert "Olena wants to be your buddy" in newcomer.text
    await newcomer.tap("Yes")
    assert "is now your buddy" in newcomer.text


async def test_an_old_link_still_asks_the_role(router: Router) -> None:
    newcomer = Chat(router, NEWCOMER)
    await newcomer.say("/start pair-AAAAAAAAAAAA")
    await newcomer.press("ol:en")
    assert "Who are you?" in newcomer.text
