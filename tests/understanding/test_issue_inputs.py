"""Every input of issue 11, as a new user typed it, is understood or gets the right reply."""

from __future__ import annotations

from handlers.router import Router
from handlers.types import Reply
from storage.db import Database
from tests.conftest import Chat
from tests.understanding.test_typed_answers import paired_in


def ticked(replies: list[Reply]) -> set[str]:
    return {
        button.data.split(":")[1]
        for reply in replies
        for row in reply.buttons
        for button in row
        if button.data and button.label.startswith("✅")
    }


async def at_interests(chat: Chat, locale: str) -> None:
    await chat.say("/start")
    await chat.press(f"ol:{locale}")
    await chat.press("or:newcomer")
    await chat.press("op:yes")
    await chat.say("Amal")
    await chat.say("8900")


async def test_typing_during_a_multi_choice_keeps_the_ticks(router: Router, db: Database) -> None:
    chat = Chat(router)
    await at_interests(chat, "ar")
    assert ticked(await chat.press("oi:cooking")) == {"cooking"}
    assert ticked(await chat.say("رياضة")) == {"cooking", "sport"}  # typed, in Arabic
    help_reply = await chat.say("سيارات")  # "cars": not a choice
    assert len(help_reply) == 1 and "سيارات" in help_reply[0].text
    assert ticked(help_reply) == {"cooking", "sport"}  # the ticks are still there
    await chat.say("تم")  # "Done", typed
    async with db.transaction() as tx:
        row = await tx.one("SELECT interests FROM people")
    assert row is not None and "cooking" in row["interests"] and "sport" in row["interests"]


async def test_done_with_nothing_ticked_shows_the_buttons(router: Router) -> None:
    chat = Chat(router)
    await at_interests(chat, "en")
    await chat.press("oi:sport")
    await chat.press("oi:sport")  # ticked and unticked again
    (reply,) = await chat.press("oi:done")
    assert reply.text.startswith("☝️ Choose at least one.")
    assert any(b.data == "oi:cooking" for row in reply.buttons for b in row)


async def test_typing_a_buttons_own_word(router: Router, db: Database) -> None:
    chat = Chat(router)
    await chat.say("/start")
    await chat.press("ol:ar")
    await chat.say("انا جديد")  # the role question, typed
    assert any(b.data == "op:yes" for r in chat.last for row in r.buttons for b in row)
    unknown = await chat.say("شي")  # never a silent re-prompt: a hint and the buttons
    assert "شي" in unknown[0].text and unknown[0].buttons


async def test_no_in_tigrinya_and_a2(router: Router, db: Database) -> None:
    chat = Chat(router)
    await at_interests(chat, "ti")
    await chat.press("oi:sport")
    await chat.press("oi:done")
    await chat.say("A2")  # the Dutch level
    await chat.press("oa:evening")
    await chat.press("oa:done")
    await chat.say("ኣይፋል")  # "No": do your children come with you?
    async with db.transaction() as tx:
        row = await tx.one("SELECT dutch_level, with_children FROM people")
    assert row is not None and tuple(row) == (2, 0)


async def test_a_day_still_to_come_when_logging(router: Router) -> None:
    _, newcomer = await paired_in(router, "en")
    await newcomer.say("/log")
    await newcomer.tap("Something else")
    await newcomer.press("hk:culture")
    await newcomer.say("2")
    (reply,) = await newcomer.say("25/12")  # today is 23 November
    assert "That day has not come yet" in reply.text and reply.buttons
    assert "counsellor" not in reply.text


async def test_buddies_never_hear_of_a_counsellor(router: Router, db: Database) -> None:
    buddy, _ = await paired_in(router, "en")
    await buddy.say("/log")
    await buddy.press("hh:day")
    (reply,) = await buddy.say("1/10")  # 53 days ago
    assert "more than 30 days ago" in reply.text and "counsellor" not in reply.text
    async with db.transaction() as tx:
        row = await tx.one("SELECT count(*) AS n FROM hour_entries")
    assert row is not None and row["n"] == 0


async def test_meeting_planning_words_in_ukrainian(router: Router, db: Database) -> None:
    buddy, _ = await paired_in(router, "uk")
    await buddy.press("bm")
    await buddy.say("завтра")
    await buddy.say("18.30 год")
    async with db.transaction() as tx:
        row = await tx.one("SELECT starts_at FROM planned_meetings")
    assert row is not None and row["starts_at"] == "2026-11-24T17:30:00Z"


async def test_places_as_typed(router: Router, db: Database) -> None:
    typed = {
        "٨٩٠٠": "8900", "۹۱۰۰": "9100", "ايبر": "8900", "Гент": "9000", "iper": "8900",
        "St-Niklaas": "9100", "Sint Niklas": "9100", "Sinaai": "9112",
    }  # fmt: skip
    for number, (text, postcode) in enumerate(typed.items()):
        chat = Chat(router, f"9{number:03d}")
        await chat.say("/start")
        await chat.press("ol:en")
        await chat.press("or:newcomer")
        await chat.press("op:yes")
        await chat.say("Amal")
        await chat.say(text)
        assert chat.last[0].text.startswith(f"📍 {postcode}"), (text, chat.text)


async def test_a_near_miss_asks_did_you_mean(router: Router, db: Database) -> None:
    chat = Chat(router)
    await chat.say("/start")
    await chat.press("ol:en")
    await chat.press("or:newcomer")
    await chat.press("op:yes")
    await chat.say("Amal")
    (question,) = await chat.say("Poperinghe")
    assert question.text == "🤔 Did you mean Poperinge?"
    await chat.tap("Poperinge")
    assert chat.last[0].text == "📍 8970 Poperinge"


async def test_hours_typed_in_words(router: Router, db: Database) -> None:
    for locale, text, minutes in [
        ("ar", "ساعتين", 120), ("ar", "90 دقيقة", 90), ("uk", "90 хв", 90),
        ("fa_AF", "2 ساعت", 120),
    ]:  # fmt: skip
        chat = Chat(router, f"hh-{locale}-{minutes}")
        await at_interests(chat, locale)
        await chat.press("oi:sport")
        for data in ("oi:done", "od:1", "oa:evening", "oa:done", "ok:0", "ot:10"):
            await chat.press(data)
        await chat.say("/log")
        await chat.press("hl:x")
        await chat.press("hk:culture")
        await chat.say(text)
        await chat.press("hd:0")
    async with db.transaction() as tx:
        rows = await tx.all("SELECT minutes FROM hour_entries ORDER BY id")
    assert [row["minutes"] for row in rows] == [120, 90, 90, 120]


async def test_duration_hint_uses_the_persons_number_format(router: Router) -> None:
    chat = Chat(router)
    await at_interests(chat, "uk")
    await chat.press("oi:sport")
    for data in ("oi:done", "od:1", "oa:evening", "oa:done", "ok:0", "ot:10"):
        await chat.press(data)
    await chat.say("/log")
    await chat.press("hl:x")
    (prompt,) = await chat.press("hk:culture")
    labels = [b.label for row in prompt.buttons for b in row]
    assert "1,5" in prompt.text and "1,5 год." in labels  # the hint writes 1,5 like the buttons


async def test_typing_a_menu_button(router: Router) -> None:
    _, newcomer = await paired_in(router, "nl")
    await newcomer.say("/menu")
    await newcomer.say("uren noteren")  # "⏱️ Uren noteren", typed
    assert any(b.data == "hl:x" for r in newcomer.last for row in r.buttons for b in row)
