"""Cards a person can read in five seconds, ranking that keeps to their distance and free
time, and a typed word as a search — as chat transcripts over the demo catalog."""

from __future__ import annotations

import pytest

from handlers.offers.catalog_import import import_demo
from handlers.offers.search_words import kinds_for
from storage.db import Database
from tests.conftest import Chat, onboard_buddy, onboard_newcomer
from tests.offers.test_offers_chat import card_id, offer


@pytest.fixture
async def catalog(db: Database) -> Database:
    await import_demo(db)
    return db


async def onboard(chat: Chat, *, locale: str, free: tuple[str, ...], interests: tuple[str, ...],
                  travel: int = 10, place: str = "8900") -> None:  # fmt: skip
    """Onboarding with chosen free times (the shared helper picks evenings and weekends)."""
    await chat.say("/start")
    await chat.press(f"ol:{locale}")
    await chat.press("or:newcomer")
    await chat.press("op:yes")
    await chat.say("Amal")
    await chat.say(place)
    for interest in interests:
        await chat.press(f"oi:{interest}")
    await chat.press("oi:done")
    await chat.press("od:2")
    for slot in free:
        await chat.press(f"oa:{slot}")
    await chat.press("oa:done")
    await chat.press("ok:0")
    await chat.press(f"ot:{travel}")


def buttons(chat: Chat) -> list[str]:
    return [b.data or b.url or "" for r in chat.last for row in r.buttons for b in row]


async def walk(chat: Chat, n: int) -> list[str]:
    """/offers, then ➡️ until n cards; the card texts."""
    texts = [(await chat.say("/offers"))[-1].text]
    while len(texts) < n and any(d.startswith("ay:") for d in buttons(chat)):
        await chat.press(f"ax:{card_id(chat.last[-1])}")
        if not any(d.startswith("ay:") for d in buttons(chat)):
            break
        texts.append(chat.last[-1].text)
    return texts


async def test_weekday_newcomer_sees_her_free_time_first_and_nothing_too_far(
    chat: Chat, catalog: Database
) -> None:
    await onboard(chat, locale="en", free=("weekday",), interests=("cooking",), travel=10)
    texts = await walk(chat, 15)
    assert len(texts) >= 5
    outside = ["🕒 Not in your free time" in t for t in texts]
    # once a card is outside her free time, every later one is too
    assert outside == sorted(outside), outside
    assert not outside[0]
    for text in texts:
        assert "🚗" not in text  # never beyond her 10 km while anything is within
        km = float(text.split(" km")[0].rsplit("· ", 1)[1].replace(",", "."))
        assert km <= 10


async def test_a_card_reads_in_five_seconds(chat: Chat, catalog: Database) -> None:
    await onboard_newcomer(chat, interests=("sport",), travel=10)
    card = (await chat.say("/offers"))[-1]
    lines = card.text.splitlines()
    assert lines[0].startswith(("⚽", "🌳", "🎭", "🙌", "🗣️", "🧒", "🍲", "🔧", "🎵", "📚", "✨"))
    assert any(line.startswith("📍 ") and " km" in line for line in lines)
    assert any(line.startswith("🗓️ ") for line in lines)
    why = [line for line in lines if line.startswith("✨ For you: ")]
    assert why and any(w in why[0] for w in ("Sport", "close to you", "free time", "Dutch"))
    description = [line for line in lines if line.startswith("<i>") and line != lines[1]]
    assert all(len(d) <= 120 for d in description)  # at most two short lines
    offer_id = card_id(card)
    full = await offer(catalog, offer_id)
    if len(full.description_nl) > 110:
        await chat.tap("📖 More")
        assert full.description_nl.split()[-1] in chat.text.replace("</i>", "")
        assert f"ay:{offer_id}" in buttons(chat)  # a way on: go, or another
    await chat.press(f"ai:{offer_id}")
    legend = chat.text
    assert "What the signs mean" in legend
    assert "👶 Children are welcome." in legend and "UiTPAS" in legend
    assert "💬💬 I can say simple things" in legend
    assert f"ax:{offer_id}" in buttons(chat)


async def test_a_typed_word_searches_offers_in_any_language(chat: Chat, catalog: Database) -> None:
    await onboard(chat, locale="ar", free=("weekday",), interests=("sport",), travel=25)
    await chat.say("طبخ")  # "cooking"
    first = await offer(catalog, card_id(chat.last[-1]))
    assert first.kind == "cooking" or "cooking" in first.interests
    assert chat.last[-1].text.startswith("🔎 ")
    await chat.press(f"ax:{first.id}")  # ➡️ stays within the search
    if any(d.startswith("ay:") for d in buttons(chat)):
        second = await offer(catalog, card_id(chat.last[-1]))
        assert second.kind == "cooking" or "cooking" in second.interests
    await chat.say("футбол")
    assert (await offer(catalog, card_id(chat.last[-1]))).kind == "sport"
    await chat.say("koken")
    assert (await offer(catalog, card_id(chat.last[-1]))).kind == "cooking"


async def test_a_word_that_names_nothing_is_not_a_search(chat: Chat, catalog: Database) -> None:
    await onboard_newcomer(chat)
    await chat.say("blablabla")
    assert "I did not understand" in chat.text and buttons(chat)


def test_search_words() -> None:
    assert kinds_for("koken") == {"cooking"}
    assert kinds_for("طبخ") == {"cooking"} == kinds_for("الطبخ")
    assert kinds_for("футбол") == {"sport"} == kinds_for("Voetbal")
    assert kinds_for("Кулинария") == {"cooking"}  # the Russian name of the kind
    assert kinds_for("zingen") == {"music"}
    assert kinds_for("help") == kinds_for("menu") == kinds_for("yes") == frozenset()


async def test_only_within_reach_unless_nothing_is(chat: Chat, catalog: Database) -> None:
    await onboard_newcomer(chat, place="8600", interests=("music",), travel=2)
    await chat.say("/offers")
    assert "🔭 Nothing within 2 km of you. This one is farther away." in chat.text
    assert "🚗 Farther than your 2 km" in chat.text


async def test_a_buddy_is_pointed_to_what_they_can_do(chat: Chat, catalog: Database) -> None:
    await onboard_buddy(chat, locale="en")
    await chat.say("/help")
    assert "/offers" not in chat.text and "/myoffers" not in chat.text
    assert "/progress" not in chat.text
    await chat.say("/offers")
    assert "🚫 This is for newcomers. As a buddy, you can do this:" in chat.text
    assert "m:log" in buttons(chat)
