"""The privacy notice keeps its promises: it names everything the store keeps about a person,
the controller, the rights and the complaint (GDPR Art. 13), short with a "more" button."""

from __future__ import annotations

import json
from pathlib import Path

from handlers.router import Router
from storage.db import Database
from storage.networks import load_networks_file
from tests.conftest import Chat, onboard_newcomer

# Each column of `people` and the words of the notice that tell about it.
NAMED = {
    "display_name": "name", "postcode": "postcode", "place": "town", "latitude": "postcode",
    "longitude": "postcode", "network_id": "network", "dutch_level": "Dutch level",
    "interests": "interests", "availability": "free time", "with_children": "children",
    "travel_km": "how far you travel", "languages": "languages", "role": "buddy",
    "locale": "Telegram or e-mail", "consent_at": "agreed", "onboarded_at": "agreed",
    "last_seen_at": "without use", "created_at": "without use", "id": "",
    "wants_buddy": "if you want a buddy",
}  # fmt: skip


async def test_notice_names_every_kept_field_and_has_the_details(
    router: Router, db: Database
) -> None:
    chat = Chat(router)
    await chat.say("/start")
    await chat.press("ol:en")
    await chat.press("or:newcomer")
    notice = chat.text
    assert len(notice) < 900  # a phone screen, not a contract
    assert "organisation of your activity" in notice and "confirms your hours" in notice
    assert "counsellor" in notice and "24 months" in notice
    await chat.tap("More")
    details = chat.text
    assert "Belgian Data Protection Authority" in details
    assert "Responsible: Meedoen" in details and "/mydata" in details
    async with db.transaction() as tx:
        columns = [row["name"] for row in await tx.all("PRAGMA table_info(people)")]
    missing = [c for c in columns if c not in NAMED]
    assert missing == [], f"the notice does not say that we keep {missing}"
    for column in columns:
        assert NAMED[column] in notice + details, column
    await chat.press("op:yes")  # the notice still leads on to the next step
    assert "What is your first name" in chat.text


async def test_privacy_command_has_the_more_button(router: Router) -> None:
    chat = Chat(router)
    await chat.say("/privacy")
    assert "Your data" in chat.text
    await chat.tap("More")
    assert "complain" in chat.text


async def test_a_network_names_its_own_controller(
    router: Router, db: Database, tmp_path: Path
) -> None:
    """`"controller": {"name", "contact"}` on a network in the networks file."""
    spec = {"networks": [{
        "name": "Westhoek", "controller": {"name": "OCMW Ieper", "contact": "privacy@ieper.be"},
        "municipalities": [{"name": "Ieper", "postcodes": ["8900"]}],
    }]}  # fmt: skip
    path = tmp_path / "networks.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    async with db.transaction() as tx:
        await load_networks_file(tx, path)
    amal = Chat(router)
    await onboard_newcomer(amal, place="8900")
    await amal.say("/privacy")
    await amal.tap("More")
    assert "Responsible: OCMW Ieper. Contact: privacy@ieper.be." in amal.text
    gent = Chat(router, "1002")
    await onboard_newcomer(gent, place="9000")
    await gent.say("/privacy")
    await gent.tap("More")
    assert "Responsible: Meedoen" in gent.text  # the settings, for a network without one
