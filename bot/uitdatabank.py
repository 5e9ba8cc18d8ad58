"""UiTdatabank Search API v3 client and the sync of a network's offers.

`GET /offers?embed=true` (events and places) per postal code of the network, with UiTPAS
prices, offline or mixed attendance, paged with `start`/`limit` until `totalItems`
(publiq's docs: cultuurnet/apidocs projects/uitdatabank/reference/search.json and
docs/search-api/pagination.md). Authentication is the `x-client-id` header, or the legacy
`x-api-key`; neither is ever logged or put in a URL. A 429 or 5xx is retried with back-off; any
failure, a truncated page or an answer with only links raises SearchError, and then nothing
in the catalogue changes: handlers.offers.import_write only writes a complete answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from bot.settings import Settings
from handlers.offers.import_rows import ImportFileError, ImportReport
from handlers.offers.import_write import import_documents, save_report, write_records
from handlers.offers.uitdatabank import read_documents
from storage.clock import utcnow
from storage.db import Database
from storage.networks import find_network, list_networks
from storage.offer_import import save_import_run

log = logging.getLogger(__name__)

PAGE = 2000  # the largest `limit` the Search API allows
WINDOW = 10_000  # `start` may not pass this: a bigger result is split
TRIES = 4
MODES = ("offline", "mixed")
Sleep = Callable[[float], Awaitable[None]]


class SearchError(Exception):
    """The Search API did not give a complete answer; the message is safe to show."""


@dataclass
class SearchClient:
    base_url: str
    client_id: str | None = None
    api_key: str | None = None
    timeout: float = 30.0
    sleep: Sleep = asyncio.sleep
    page: int = PAGE
    window: int = WINDOW

    @classmethod
    def from_settings(cls, settings: Settings) -> SearchClient:
        return cls(
            settings.uitdatabank_search_url.rstrip("/"),
            client_id=settings.uitdatabank_client_id.get_secret_value()
            if settings.uitdatabank_client_id
            else None,
            api_key=settings.uitdatabank_api_key.get_secret_value()
            if settings.uitdatabank_api_key
            else None,
        )

    def headers(self) -> dict[str, str]:
        if self.client_id:
            return {"x-client-id": self.client_id, "accept": "application/json"}
        if self.api_key:
            return {"x-api-key": self.api_key, "accept": "application/json"}
        raise SearchError("set UITDATABANK_CLIENT_ID (or the legacy UITDATABANK_API_KEY)")

    async def _page(self, http: httpx.AsyncClient, params: dict[str, Any]) -> dict[str, Any]:
        for attempt in range(TRIES):
            try:
                response = await http.get(f"{self.base_url}/offers/", params=params)
            except httpx.HTTPError as error:
                problem = f"cannot reach the Search API ({type(error).__name__})"
            else:
                if response.status_code == 200:
                    try:
                        body = response.json()
                    except ValueError:
                        raise SearchError("the Search API answered with broken JSON") from None
                    if not isinstance(body, dict) or not isinstance(body.get("member"), list):
                        raise SearchError("the Search API answer has no member list")
                    return body
                problem = f"the Search API answered {response.status_code}"
                if response.status_code != 429 and response.status_code < 500:
                    raise SearchError(problem)
                wait = response.headers.get("retry-after", "")
                if wait.isdigit() and attempt < TRIES - 1:
                    await self.sleep(min(float(wait), 60.0))
                    continue
            if attempt < TRIES - 1:
                await self.sleep(0.5 * 2**attempt)
        raise SearchError(f"{problem}, {TRIES} times")

    async def query(self, http: httpx.AsyncClient, filters: dict[str, Any]) -> list[Any]:
        """Every member of one query, oldest first. A result bigger than the 10,000-result
        window is split: the next part asks from the creation time of the last item received
        (`createdFrom` is inclusive; items seen twice are told apart by @id)."""
        found: dict[str, Any] = {}
        since: str | None = None
        while True:
            part = {**filters, "sort[created]": "asc"}
            if since is not None:
                part["createdFrom"] = since
            members, total = await self._window(http, part)
            for member in members:
                found.setdefault(str(member.get("@id")), member)
            if len(members) >= total:
                return list(found.values())
            last = members[-1].get("created") if members else None
            if not isinstance(last, str) or last == since:
                raise SearchError(f"too many results to page through for {filters}")
            since = last

    async def _window(
        self, http: httpx.AsyncClient, filters: dict[str, Any]
    ) -> tuple[list[Any], int]:
        """(members, totalItems) of one query, page by page up to the window; SearchError
        when an answer is incomplete."""
        members: list[Any] = []
        start, total = 0, None
        while total is None or start < min(total, self.window):
            params = {**filters, "embed": "true", "embedUitpasPrices": "true"}
            body = await self._page(http, {**params, "start": start, "limit": self.page})
            total = int(body.get("totalItems") or 0)
            page = body["member"]
            if not page and start < total:
                raise SearchError(f"page at {start} of {total} is empty (truncated answer)")
            if any(not isinstance(m, dict) or set(m) <= {"@id", "@type"} for m in page):
                raise SearchError("the answer holds only links: embed=true was not honoured")
            members += page
            start += len(page)
        return members, total

    async def offers_for(self, postcodes: list[str]) -> list[Any]:
        """The network's offers: one query per postal code and attendance mode, duplicates
        removed, and the places that locations name only by @id."""
        headers = self.headers()
        seen: dict[str, Any] = {}
        async with httpx.AsyncClient(headers=headers, timeout=self.timeout) as http:
            for postcode in postcodes:
                for mode in MODES:
                    for item in await self.query(
                        http, {"postalCode": postcode, "attendanceMode": mode}
                    ):
                        seen.setdefault(str(item.get("@id")), item)
            for place_id in linked_places(list(seen.values())):
                for item in await self.query(http, {"id": place_id}):
                    seen.setdefault(str(item.get("@id")), item)
        return list(seen.values())


def linked_places(members: list[Any]) -> list[str]:
    """Uuids of places that locations name only by `{"@id": …}` and that are not among the
    members: they are fetched too, so those events keep their address."""
    have = {str(m.get("@id")) for m in members if isinstance(m, dict)}
    wanted = []
    for member in members:
        location = member.get("location") if isinstance(member, dict) else None
        if not isinstance(location, dict) or location.get("address"):
            continue
        if location.get("@id") and str(location["@id"]) not in have:
            wanted.append(str(location["@id"]).rstrip("/").rsplit("/", 1)[-1])
    return sorted(set(wanted))


class _DryRun(Exception):
    def __init__(self, report: ImportReport) -> None:
        self.report = report


async def network_postcodes(db: Database, network_id: int) -> list[str]:
    async with db.transaction() as tx:
        rows = await tx.all(
            "SELECT postcode FROM network_postcodes WHERE network_id = ? ORDER BY postcode",
            (network_id,),
        )
    return [row[0] for row in rows]


async def sync_network(
    db: Database,
    client: SearchClient,
    network_name: str,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
) -> ImportReport:
    """Fetch and import one network's offers; SearchError or ImportFileError change nothing
    (a failed run is still reported for the digest, except in a dry run)."""
    now = now or utcnow()
    async with db.transaction() as tx:
        network = await find_network(tx, network_name)
    if network is None:
        raise ImportFileError(f"unknown network {network_name!r}")
    try:
        postcodes = await network_postcodes(db, network.id)
        if not postcodes:
            raise SearchError(f"network {network.name} has no postcodes")
        members = await client.offers_for(postcodes)
        if not members:
            raise SearchError("the Search API found no offers; the catalogue is kept")
        if dry_run:
            return await _dry_run(db, members, network.name, now)
        return await import_documents(db, members, network.name, now=now)
    except (SearchError, ImportFileError) as error:
        if not dry_run:
            async with db.transaction() as tx:
                await save_import_run(
                    tx, network.id, "uitdatabank", now, outcome="failed", error=str(error)
                )
        raise


async def _dry_run(db: Database, members: list[Any], network: str, now: datetime) -> ImportReport:
    """What a sync would do, computed in a transaction that is then rolled back."""
    rows, warnings = read_documents(members)
    try:
        async with db.transaction() as tx:
            report = await write_records(tx, rows, "uitdatabank", network, True, now)
            report.warnings = warnings
            await save_report(tx, report, now)
            raise _DryRun(report)
    except _DryRun as done:
        done.report.new_ids = []
        return done.report


async def sync_all(db: Database, settings: Settings) -> list[ImportReport]:
    """The daily sync: every network; one network's failure does not stop the others."""
    client = SearchClient.from_settings(settings)
    async with db.transaction() as tx:
        names = [n.name for n in await list_networks(tx)]
    reports = []
    for name in names:
        try:
            reports.append(await sync_network(db, client, name))
        except (SearchError, ImportFileError) as error:
            log.warning("UiTdatabank sync of %s failed, catalogue kept: %s", name, error)
    return reports
