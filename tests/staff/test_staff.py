"""Staff accounts: the CLI, /digest in a chat (only their own network), and in real Telegram."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import build_parser
from bot.settings import Settings, load_settings
from handlers.router import Router
from storage.db import Database
from storage.staff import StaffError, add_staff, list_staff
from tests.conftest import Chat, Clock, onboard_newcomer
from tests.e2e import E2E, say, telegram  # noqa: F401

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def settings_for(tmp_path: Path) -> Settings:
    return load_settings(database_path=tmp_path / "meedoen.sqlite3", _env_file=None)


def cli(settings: Settings, *argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    return int(args.func(args, settings))


async def _scalar(db: Database, sql: str, *params: object) -> object:
    async with db.transaction() as tx:
        return await tx.scalar(sql, params)


def test_staff_cli_add_list_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = settings_for(tmp_path)
    assert cli(settings, "staff", "add", "--email", "Els@Westhoek.example",
               "--network", "westhoek", "--telegram-id", "7001") == 0  # fmt: skip
    assert "els@westhoek.example → Westhoek, Telegram 7001" in capsys.readouterr().out
    assert cli(settings, "staff", "add", "--email", "tom@gent.example", "--network", "Gent") == 0
    capsys.readouterr()
    assert cli(settings, "staff", "list") == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].startswith("Gent") and "tom@gent.example" in listed[0]
    assert "els@westhoek.example" in listed[1] and listed[1].endswith("telegram 7001")
    assert cli(settings, "staff", "list", "--network", "Gent") == 0
    assert "els@" not in capsys.readouterr().out
    assert cli(settings, "staff", "remove", "--email", "tom@gent.example") == 0
    assert cli(settings, "staff", "remove", "--email", "tom@gent.example") == 1
    assert "geen medewerker" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--email", "els@x.example", "--network", "Atlantis"), "onbekend netwerk"),
        (("--email", "not-an-address", "--network", "Gent"), "geen e-mailadres"),
        (("--email", "els@x.example", "--network", "Gent", "--telegram-id", "@els"), "getal"),
    ],
)
def test_staff_cli_refuses_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    assert cli(settings_for(tmp_path), "staff", "add", *argv) == 2
    assert message in capsys.readouterr().err


async def test_a_newcomer_cannot_be_made_staff(router: Router, db: Database, clock: Clock) -> None:
    await onboard_newcomer(Chat(router, "7001", channel="telegram"))
    async with db.transaction() as tx:
        network = await tx.scalar("SELECT id FROM networks WHERE name = 'Gent'")
        with pytest.raises(StaffError, match="hoort bij een newcomer"):
            await add_staff(tx, email="x@gent.example", network_id=network, now=clock(),
                            telegram_id="7001")  # fmt: skip
        assert await list_staff(tx) == []


async def _staff(db: Database, clock: Clock, network: str, email: str, telegram_id: str) -> None:
    async with db.transaction() as tx:
        network_id = await tx.scalar("SELECT id FROM networks WHERE name = ?", (network,))
        await add_staff(tx, email=email, network_id=network_id, now=clock(),
                        telegram_id=telegram_id)  # fmt: skip


async def test_staff_see_only_their_own_network(router: Router, db: Database, clock: Clock) -> None:
    await onboard_newcomer(Chat(router, "1001"), name="Amal", place="8900")  # Westhoek
    await _staff(db, clock, "Westhoek", "els@westhoek.example", "7001")
    await _staff(db, clock, "Gent", "tom@gent.example", "7002")
    clock.now = NOW
    els, tom = Chat(router, "7001", channel="telegram"), Chat(router, "7002", channel="telegram")
    [westhoek] = await els.say("/digest")
    assert "Westhoek" in westhoek.text and westhoek.image is not None
    assert "1 nieuwkomer" in westhoek.text
    [gent] = await tom.say("/digest")
    assert "Gent" in gent.text and "Westhoek" not in gent.text
    assert "0 nieuwkomers" in gent.text
    older = await tom.tap("Week 47")  # the ◀️ button
    assert "week 47" in older[0].text and "Gent" in older[0].text
    forged = await tom.press("dg:2020-W01")  # too long ago
    assert forged[0].text.startswith("⌛")


async def test_digest_is_not_for_others(router: Router, db: Database, clock: Clock) -> None:
    amal = Chat(router, "1001")
    await onboard_newcomer(amal)
    assert "not available" in (await amal.say("/digest"))[0].text
    assert "old" in (await amal.press("dg:2026-W48"))[0].text
    await _staff(db, clock, "Westhoek", "els@westhoek.example", "7001")
    els = Chat(router, "7001", channel="telegram")
    bad = await els.say("/digest last week")
    assert "2026-W" in bad[0].text and bad[0].image is None
    async with db.transaction() as tx:
        from storage.staff import remove_staff

        assert await remove_staff(tx, "els@westhoek.example")
    gone = await els.say("/digest")
    assert gone[0].image is None


async def test_staff_forgetting_themselves_removes_the_account(
    router: Router, db: Database, clock: Clock
) -> None:
    await _staff(db, clock, "Westhoek", "els@westhoek.example", "7001")
    els = Chat(router, "7001", channel="telegram")
    await els.say("/forget")
    await els.press("fg:yes")
    assert await _scalar(db, "SELECT COUNT(*) FROM staff") == 0


async def test_digest_in_telegram(telegram: E2E) -> None:  # noqa: F811
    async with telegram.db.transaction() as tx:
        network_id = await tx.scalar("SELECT id FROM networks WHERE name = 'Westhoek'")
        await add_staff(tx, email="els@westhoek.example", network_id=network_id,
                        now=telegram.clock(), telegram_id="7001")  # fmt: skip
    els = telegram.user(7001, first_name="Els", language_code="nl")
    [message] = await say(els, "/digest")
    assert message.media_type == "photo" and (message.file or b"").startswith(b"\x89PNG")
    assert "Westhoek" in (message.caption or "")
    assert "Week" in " ".join(b["text"] for row in message.buttons for b in row)
