"""A fake UiTdatabank Search API v3 on 127.0.0.1 (aiohttp).

It follows publiq's published spec (cultuurnet/apidocs, projects/uitdatabank/reference/
search.json and docs/search-api/pagination.md, authentication.md): `GET /offers/` answers a
Hydra `PagedCollection` (`itemsPerPage`, `totalItems`, `member`); `start` (≤ 10000) and
`limit` (≤ 2000) page it; without `embed=true` members are only `{"@id", "@type"}`; a request
without the right `x-client-id` (or `x-api-key`) gets 401. `postalCode`, `id`,
`attendanceMode`, `createdFrom` (inclusive) and `sort[created]=asc` are honoured, after
the default filters (published, for everyone). Faults can be queued: 429, 500, an empty
page, a truncated body, or links only.
"""

from __future__ import annotations

import json
from collections import deque
from datetime import datetime
from typing import Any

from aiohttp import web

CLIENT_ID = "test-client-id"


def postcode_of(document: dict[str, Any], places: dict[str, dict[str, Any]]) -> str:
    """The postal code the index knows: the Place's own, the embedded location's, or that of
    the Place a location `{"@id": …}` points to."""
    place = document if document.get("@type") == "Place" else document.get("location") or {}
    place = places.get(str(place.get("@id")), place) if not place.get("address") else place
    address = place.get("address") or {}
    for value in address.values():
        if isinstance(value, dict) and value.get("postalCode"):
            return str(value["postalCode"])
    return ""


def default_filters(document: dict[str, Any]) -> bool:
    """publiq's default filters (docs/search-api/filters/default-filters.md): published
    (APPROVED or READY_FOR_VALIDATION) and for everyone."""
    audience = (document.get("audience") or {}).get("audienceType", "everyone")
    published = document.get("workflowStatus") in ("APPROVED", "READY_FOR_VALIDATION")
    return published and audience == "everyone"


class FakeSearchApi:
    def __init__(self, documents: list[dict[str, Any]] | None = None) -> None:
        self.documents: list[dict[str, Any]] = list(documents or [])
        self.faults: deque[str] = deque()  # '429', '500', 'empty', 'truncated', 'links'
        self.requests: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.max_start = 10_000  # publiq: "start" should be between 0 and 10000
        self._indexed: tuple[int, ...] = ()
        self._index: list[str] = []

    async def start(self) -> FakeSearchApi:
        app = web.Application()
        app.router.add_get("/offers/", self.offers)
        app.router.add_get("/offers", self.offers)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _postcodes(self) -> list[str]:
        """Each document's postal code, as an index would keep it (recomputed on change)."""
        key = tuple(map(id, self.documents))
        if key != self._indexed:
            places = {d["@id"]: d for d in self.documents if d.get("@type") == "Place"}
            self._index = [postcode_of(d, places) for d in self.documents]
            self._indexed = key
        return self._index

    async def offers(self, request: web.Request) -> web.Response:
        query = request.query
        self.requests.append({"query": dict(query), "headers": dict(request.headers)})
        if (
            request.headers.get("x-client-id") != CLIENT_ID
            and request.headers.get("x-api-key") != CLIENT_ID
        ):
            return web.json_response({"title": "Unauthorized", "status": 401}, status=401)
        fault = self.faults[0] if self.faults else None
        if fault in ("429", "500"):
            self.faults.popleft()
        if fault == "429":
            return web.json_response({"status": 429}, status=429, headers={"Retry-After": "1"})
        if fault == "500":
            return web.json_response({"status": 500}, status=500)
        start, limit = int(query.get("start", 0)), int(query.get("limit", 30))
        if not 0 <= start <= self.max_start or not 0 <= limit <= 2000:
            return web.json_response({"title": "Not Found", "status": 404}, status=404)
        postcodes = self._postcodes()
        wanted_postcode, wanted_id = query.get("postalCode"), query.get("id")
        modes = set(query.getall("attendanceMode", []))
        found = [
            d
            for d, postcode in zip(self.documents, postcodes, strict=True)
            if (wanted_postcode is None or postcode == wanted_postcode)
            and (wanted_id is None or d["@id"].rsplit("/", 1)[-1] == wanted_id)
            and (not modes or d.get("attendanceMode", "offline") in modes)
            and default_filters(d)
        ]
        if "createdFrom" in query:
            since = datetime.fromisoformat(query["createdFrom"])
            found = [d for d in found if datetime.fromisoformat(d["created"]) >= since]
        if query.get("sort[created]") == "asc":
            found.sort(key=lambda d: datetime.fromisoformat(d["created"]))
        page = found[start : start + limit]
        if fault in ("empty", "truncated", "links") and page:  # waits for a page with items
            self.faults.popleft()
        else:
            fault = None
        if fault == "empty":
            page = []
        if query.get("embed") != "true" or fault == "links":
            page = [{"@id": d["@id"], "@type": d.get("@type", "Event")} for d in page]
        body = {
            "@context": "http://www.w3.org/ns/hydra/context.jsonld",
            "@type": "PagedCollection",
            "itemsPerPage": limit,
            "totalItems": len(found),
            "member": page,
        }
        if fault == "truncated":  # the connection dropped halfway through the body
            text = json.dumps(body)
            return web.Response(text=text[: len(text) // 2], content_type="application/json")
        return web.json_response(body)
