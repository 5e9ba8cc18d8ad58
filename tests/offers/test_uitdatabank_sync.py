"""The live sync: a fake Search API v3 on 127.0.0.1 (tests/fakes/search_api.py, after publiq's
search.json and pagination docs) serving documents built from publiq's read examples
(tests/fakes/publiq_documents.py). A failed, partial or empty answer changes nothing."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.scheduler import SYNC_CRON, scheduler_for
from bot.settings import Settings
from bot.uitdatabank import SearchClient, SearchError, linked_places, sync_network
from storage import offers as store
from storage.db import Database
from storage.offer_import import import_runs
from tests.fakes.publiq_documents import PLACE_ID, acrobatics, concert, place, yoga
from tests.fakes.search_api import CLIENT_ID, FakeSearchApi

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def documents(count: int) -> list[dict[str, Any]]:
    return [concert(uuid=f"00000000-0000-4000-8000-{n:012d}") for n in range(count)]


@pytest.fixture
async def api() -> AsyncIterator[FakeSearchApi]:
    fake = await FakeSearchApi(documents(5)).start()
    yield fake
    await fake.stop()


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def client(api: FakeSearchApi, waits: list[float]) -> SearchClient:
    async def sleep(seconds: float) -> None:  # back-off is recorded, not slept
        waits.append(seconds)

    return SearchClient(api.url, client_id=CLIENT_ID, sleep=sleep, page=2)


async def catalogue(db: Database) -> list[tuple[str, str, bool]]:
    async with db.transaction() as tx:
        offers = await store.list_offers(tx)
    return sorted((o.external_id, o.title_nl, o.active) for o in offers)


async def test_pages_until_total_items_with_embed_and_client_id(
    db: Database, api: FakeSearchApi, client: SearchClient
) -> None:
    report = await sync_network(db, client, "Gent")
    assert (report.new, report.updated, report.deactivated, report.rejected) == (5, 0, 0, [])
    asked = [r["query"] for r in api.requests if r["query"]["postalCode"] == "9000"]
    # The read example's concert is `mixed`: 5 items in pages of 2 at start 0, 2 and 4.
    pages = [(q["attendanceMode"], q["start"], q["limit"]) for q in asked]
    assert ("mixed", "0", "2") in pages and ("mixed", "4", "2") in pages
    assert all(q["embed"] == "true" and q["embedUitpasPrices"] == "true" for q in asked)
    assert {r["headers"]["x-client-id"] for r in api.requests} == {CLIENT_ID}
    assert len(await catalogue(db)) == 5


async def test_legacy_api_key_header(db: Database, api: FakeSearchApi) -> None:
    client = SearchClient(api.url, api_key=CLIENT_ID)
    assert (await sync_network(db, client, "Gent")).new == 5
    assert "x-client-id" not in api.requests[0]["headers"]
    wrong = SearchClient(api.url, client_id="not-ours")
    with pytest.raises(SearchError, match="answered 401"):
        await sync_network(db, wrong, "Gent")


async def test_backs_off_on_429_and_500_then_succeeds(
    db: Database, api: FakeSearchApi, client: SearchClient, waits: list[float]
) -> None:
    api.faults.extend(["429", "500"])
    assert (await sync_network(db, client, "Gent")).new == 5
    assert waits == [1.0, 1.0]  # Retry-After: 1, then 0.5 * 2


@pytest.mark.parametrize(
    "faults",
    [["500"] * 4, ["empty"], ["truncated"], ["links"]],
    ids=["500 four times", "empty page", "truncated body", "links only"],
)
async def test_a_failed_or_partial_answer_changes_nothing(
    db: Database, api: FakeSearchApi, client: SearchClient, faults: list[str]
) -> None:
    await sync_network(db, client, "Gent")
    before = await catalogue(db)
    api.documents = documents(3)  # two disappeared: a full answer would deactivate them
    api.requests.clear()
    # A page fault hits the first page with items (postcode 9000, mixed, start 0).
    api.faults.extend(faults)
    with pytest.raises(SearchError):
        await sync_network(db, client, "Gent")
    assert await catalogue(db) == before
    async with db.transaction() as tx:
        runs = await import_runs(tx, None, LONG_AGO)
    assert [r.outcome for r in runs] == ["done", "failed"]
    assert runs[-1].error


async def test_an_empty_answer_keeps_the_catalogue(
    db: Database, api: FakeSearchApi, client: SearchClient
) -> None:
    await sync_network(db, client, "Gent")
    api.documents = []
    with pytest.raises(SearchError, match="no offers"):
        await sync_network(db, client, "Gent")
    assert [active for *_, active in await catalogue(db)] == [True] * 5


async def test_changed_offers_update_and_disappeared_ones_are_deactivated(
    db: Database, api: FakeSearchApi, client: SearchClient
) -> None:
    await sync_network(db, client, "Gent")
    again = await sync_network(db, client, "Gent")
    assert (again.new, again.updated, again.unchanged, again.deactivated) == (0, 0, 5, 0)
    api.documents[0]["name"] = {"nl": "Nieuwe naam"}
    gone = api.documents.pop()
    api.documents.append(acrobatics())
    changed = await sync_network(db, client, "Gent")
    assert (changed.new, changed.updated, changed.unchanged, changed.deactivated) == (1, 1, 3, 1)
    found = {external: (title, active) for external, title, active in await catalogue(db)}
    assert found[gone["@id"].rsplit("/", 1)[-1]][1] is False
    assert found["00000000-0000-4000-8000-000000000000"] == ("Nieuwe naam", True)


async def test_places_and_events_and_a_dry_run_changes_nothing(
    db: Database, api: FakeSearchApi, client: SearchClient
) -> None:
    api.documents.append(place())
    dry = await sync_network(db, client, "Gent", dry_run=True)
    assert dry.new == 6
    assert await catalogue(db) == []
    async with db.transaction() as tx:
        assert await import_runs(tx, None, LONG_AGO) == []
    assert (await sync_network(db, client, "Gent")).new == 6


def test_places_named_only_by_id_are_fetched_too() -> None:
    members = [yoga(), concert()]  # yoga's location is only {"@id": …}; the concert embeds it
    assert linked_places(members) == [PLACE_ID]
    assert linked_places([*members, place()]) == []


async def test_an_offer_that_comes_back_is_active_again_and_staff_choices_stay(
    db: Database, api: FakeSearchApi, client: SearchClient
) -> None:
    await sync_network(db, client, "Gent")
    gone = api.documents.pop()
    assert (await sync_network(db, client, "Gent")).deactivated == 1
    api.documents.append(gone)  # the very same document: read again, not skipped
    back = await sync_network(db, client, "Gent")
    assert (back.new, back.updated, back.unchanged, back.deactivated) == (0, 1, 4, 0)
    assert [active for *_, active in await catalogue(db)] == [True] * 5
    async with db.transaction() as tx:
        first = (await store.list_offers(tx))[0]
        await store.set_offer_active(tx, first.id, False, datetime(2026, 12, 1, tzinfo=UTC))
    again = await sync_network(db, client, "Gent")
    assert (again.updated, again.unchanged, again.deactivated) == (0, 5, 0)
    assert sorted(active for *_, active in await catalogue(db)) == [False, True, True, True, True]


async def test_daily_job_syncs_every_network_and_never_logs_the_client_id(
    db: Database, api: FakeSearchApi, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(
        database_path=tmp_path / "unused.sqlite3",
        uitdatabank_search_url=api.url,
        uitdatabank_client_id=CLIENT_ID,  # type: ignore[arg-type]
    )
    assert CLIENT_ID not in repr(settings)
    scheduler = scheduler_for(db, settings, lambda: None)
    assert scheduler.jobs["uitdatabank-sync"][0] == SYNC_CRON
    await scheduler.run_job("uitdatabank-sync", scheduler.jobs["uitdatabank-sync"][1])
    assert len(await catalogue(db)) == 5  # Gent; Westhoek and Waasland got nothing: kept
    async with db.transaction() as tx:
        runs = await import_runs(tx, None, LONG_AGO)
    assert sorted(r.outcome for r in runs) == ["done", "failed", "failed"]
    assert "UiTdatabank sync of Westhoek failed, catalogue kept" in caplog.text
    assert CLIENT_ID not in caplog.text
    without = Settings(database_path=tmp_path / "unused.sqlite3")
    assert scheduler_for(db, without, lambda: None).jobs == {}


async def test_a_result_bigger_than_the_window_is_split_by_creation_time(
    db: Database, api: FakeSearchApi, client: SearchClient
) -> None:
    api.documents = [
        concert(
            uuid=f"00000000-0000-4000-8000-{n:012d}", created=f"2026-01-{n + 1:02d}T10:00:00+00:00"
        )
        for n in range(10)
    ]
    api.max_start = client.window = 4  # publiq's window is 10,000; the same rule, smaller
    report = await sync_network(db, client, "Gent")
    assert report.new == 10
    asked = [r["query"] for r in api.requests if r["query"].get("postalCode") == "9000"]
    assert {q["sort[created]"] for q in asked} == {"asc"}
    assert max(int(q["start"]) for q in asked) <= 4
    assert "2026-01-04T10:00:00+00:00" in {q.get("createdFrom") for q in asked}
    # When every item has the same creation time, the split cannot move on: nothing changes.
    for document in api.documents:
        document["created"] = "2026-02-01T10:00:00+00:00"
        document["name"] = {"nl": "Anders"}
    with pytest.raises(SearchError, match="too many results"):
        await sync_network(db, client, "Gent")
    assert {title for _, title, _ in await catalogue(db)} == {"Nederlandse naam"}
