"""Reading real UiTdatabank documents: one test per shape the old importer got wrong.

Every document is built from publiq's published read examples (tests/fakes/publiq_documents.py
says which example and what was changed); the rules follow publiq's models in
cultuurnet/apidocs, projects/uitdatabank/models/.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from handlers.offers.catalog_import import ImportFileError, import_documents, import_file
from handlers.offers.import_rows import Record, RowError
from handlers.offers.uitdatabank import read_documents
from storage import offers as store
from storage.db import Database
from storage.offer_import import import_runs
from tests.fakes.publiq_documents import PLACE_ID, acrobatics, concert, organizer, place, yoga

TODAY = date(2026, 12, 1)


def read(*documents: Any) -> list[Record | RowError]:
    rows, _ = read_documents(list(documents), today=TODAY)
    return [item for _, item in rows]


def one(document: dict[str, Any]) -> dict[str, Any]:
    [record] = read(document)
    assert isinstance(record, Record), record
    return record.fields


def reason(document: Any) -> str:
    [error] = read(document)
    assert isinstance(error, RowError), error
    return str(error)


# --- contact: bookingInfo, then the event's contactPoint, then the organizer's -----------------
def test_organizer_contact_point_arrays_make_the_provider() -> None:
    [record] = read(concert())
    assert isinstance(record, Record)
    assert record.provider is not None
    assert (record.provider["email"], record.provider["phone"]) == (
        "organizer@example.org",
        "+32/1234567890",
    )
    assert record.provider["name"] == "Nederlandse tekst"


def test_contact_prefers_booking_info_then_contact_point_then_organizer() -> None:
    fields = one(concert())
    assert (fields["contact_email"], fields["contact_phone"]) == (
        "tickets@example.org",
        "016/445566",
    )
    assert one(concert(bookingInfo={}))["contact_email"] == "event@example.org"
    only_organizer = one(concert(bookingInfo={}, contactPoint={}))
    assert only_organizer["contact_email"] == "organizer@example.org"
    assert only_organizer["contact_url"] == "https://www.publiq.be"


def test_organizer_without_contact_gets_the_event_contact_for_thumbs_up() -> None:
    [record] = read(concert(organizer=organizer(contactPoint={})))
    assert isinstance(record, Record) and record.provider is not None
    assert record.provider["email"] == "tickets@example.org"


# --- what used to be rejected -----------------------------------------------------------------
def test_name_without_dutch_uses_the_main_language() -> None:
    fields = one(concert(mainLanguage="fr", name={"fr": "Atelier de cuisine"}))
    assert fields["title_nl"] == "Atelier de cuisine"
    assert fields["translations"]["fr"]["title"] == "Atelier de cuisine"


def test_a_place_is_an_offer_with_its_own_address_and_name() -> None:
    fields = one(place(labels=["twee taaliconen"]))
    assert (fields["postcode"], fields["address"]) == ("9000", "Sint-Pietersnieuwstraat 23")
    assert fields["venue"] == "Nederlandse naam"
    assert fields["dutch_level"] == 2


def test_location_given_only_by_id_is_found_among_the_places() -> None:
    rows, _ = read_documents([yoga(), place()], today=TODAY)
    record = rows[0][1]
    assert isinstance(record, Record)
    assert record.fields["venue"] == "Nederlandse naam"
    assert record.fields["postcode"] == "9000"
    # Alone, the reason says what is missing and how to get it.
    assert reason(yoga()) == (
        f"location is only a link (https://io-test.uitdatabank.be/places/{PLACE_ID}) to a place "
        "not in this file: export the places too, or use the Search API"
    )


def test_address_only_in_french() -> None:
    location = place(address={"fr": place()["address"]["fr"]})
    fields = one(concert(location=location))
    assert (fields["postcode"], fields["municipality"]) == ("9000", "Gand")


async def test_search_page_without_embed_is_refused(db: Database, tmp_path: Path) -> None:
    page = {
        "@context": "http://www.w3.org/ns/hydra/context.jsonld",
        "@type": "PagedCollection",
        "itemsPerPage": 30,
        "totalItems": 2,
        "member": [
            {"@id": concert()["@id"], "@type": "Event"},
            {"@id": place()["@id"], "@type": "Place"},
        ],
    }
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))
    with pytest.raises(ImportFileError, match="embed=true"):
        await import_file(db, path, "Gent")


# --- what used to be dropped or accepted wrongly ------------------------------------------------
def test_opening_hours_written_h_mm() -> None:
    hours = [{"opens": "9:00", "closes": "12:30", "dayOfWeek": ["tuesday"]}]
    fields = one(place(openingHours=hours))
    assert fields["schedule"]["weekly"] == [{"day": "tue", "start": "09:00", "end": "12:30"}]


def test_monday_to_friday_session_is_every_day() -> None:
    session = {
        "id": 0,
        "startDate": "2027-07-05T09:00:00+02:00",
        "endDate": "2027-07-09T16:00:00+02:00",
        "status": {"type": "Available"},
        "bookingAvailability": {"type": "Available"},
    }
    dates = one(acrobatics(subEvent=[session]))["schedule"]["dates"]
    assert [d["date"] for d in dates] == [f"2027-07-0{n}" for n in range(5, 10)]
    assert {(d["start"], d["end"]) for d in dates} == {("09:00", "16:00")}


def test_sold_out_sessions_are_not_proposed() -> None:
    sessions = [
        {"id": 0, "startDate": "2027-05-17T16:00:00+00:00", "endDate": "2027-05-17T18:00:00+00:00",
         "bookingAvailability": {"type": "Unavailable"}},
        {"id": 1, "startDate": "2027-05-18T16:00:00+00:00", "endDate": "2027-05-18T18:00:00+00:00",
         "bookingAvailability": {"type": "Available"}},
    ]  # fmt: skip
    fields = one(concert(calendarType="multiple", subEvent=sessions))
    assert [d["date"] for d in fields["schedule"]["dates"]] == ["2027-05-18"]
    full = [{**s, "bookingAvailability": {"type": "Unavailable"}} for s in sessions]
    assert reason(concert(calendarType="multiple", subEvent=full)) == (
        "every session is cancelled, postponed or fully booked"
    )
    assert reason(concert(bookingAvailability={"type": "Unavailable"})) == "fully booked"


def test_remaining_capacity_is_kept_and_zero_left_is_fully_booked() -> None:
    booking = {"type": "Available", "capacity": 20, "remainingCapacity": 3}
    assert one(concert(bookingAvailability=booking))["remaining_capacity"] == 3
    assert reason(concert(bookingAvailability={**booking, "remainingCapacity": 0})) == (
        "fully booked"
    )


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"status": {"type": "TemporarilyUnavailable"}}, "postponed or closed for now"),
        ({"status": {"type": "Unavailable"}}, "cancelled"),
        ({"audience": {"audienceType": "members"}}, "for members only"),
        ({"audience": {"audienceType": "education"}}, "for schools only"),
        ({"workflowStatus": "DELETED"}, "deleted in UiTdatabank"),
        ({"workflowStatus": "REJECTED"}, "rejected by UiTdatabank"),
        ({"attendanceMode": "online"}, "online only"),
        ({"location": {}}, "no location"),
    ],
)
def test_what_cannot_be_an_offer_is_refused_with_a_precise_reason(
    change: dict[str, Any], why: str
) -> None:
    assert reason(concert(**change)) == why


def test_same_as_http_links_are_kept() -> None:
    assert one(concert())["url"] == (
        "http://www.uitinvlaanderen.be/agenda/e/test-event/1f0a4c7e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
    )
    https = "https://www.uitinvlaanderen.be/agenda/e/x/1"
    assert one(concert(sameAs=["http://a.example/1", https]))["url"] == https


def test_venue_name_translations_and_facilities() -> None:
    facility = {"id": "3.23.2.0.0", "label": "Assistentie", "domain": "facility"}
    terms = [*concert()["terms"], facility]
    fields = one(concert(terms=terms))
    assert fields["venue"] == "Nederlandse naam"
    assert fields["translations"]["fr"] == {
        "title": "Nom français",
        "description": "Description français",
    }
    assert fields["translations"]["en"]["title"] == "English name"
    assert fields["facilities"] == ["Assistentie"]


# --- kind, Dutch level, children, UiTPAS -------------------------------------------------------
def test_kind_comes_from_the_eventtype_id_before_words_in_the_title() -> None:
    film = {"id": "0.50.6.0.0", "label": "Film", "domain": "eventtype"}
    fields = one(concert(name={"nl": "Nederlandstalige film"}, terms=[film]))
    assert fields["kind"] == "culture"
    # The id decides even when the label is renamed or translated.
    renamed = {**film, "label": "Cinéma"}
    assert one(concert(name={"nl": "Nederlandstalige film"}, terms=[renamed]))["kind"] == "culture"
    # A generic type and a theme id: the theme decides (Sportdiscipline 1.51.x).
    course = [{"id": "0.3.1.0.0", "label": "Lessenreeks", "domain": "eventtype"},
              {"id": "1.51.13.0.0", "label": "Bal en racketsport", "domain": "theme"}]  # fmt: skip
    assert one(concert(name={"nl": "Nederlands leren"}, terms=course))["kind"] == "sport"
    # Only when the ids say nothing do the words count.
    generic = [course[0]]
    assert one(concert(name={"nl": "Praatcafé"}, terms=generic))["kind"] == "language"


def test_taaliconen_one_label_that_level_several_the_lowest() -> None:
    assert one(concert(labels=["drie taaliconen"]))["dutch_level"] == 3
    assert one(concert(labels=["drie taaliconen", "één taalicoon"]))["dutch_level"] == 1
    assert one(concert(labels=[], hiddenLabels=[]))["dutch_level"] == 3  # none: the default


def test_children_welcome_from_label_children_only_and_birthdate_range() -> None:
    adults = {"typicalAgeRange": "18-"}
    assert one(concert(**adults))["children_welcome"] is False
    assert one(concert(**adults, labels=["ook voor kinderen"]))["children_welcome"] is True
    assert one(acrobatics())["children_welcome"] is True  # childrenOnly
    kids = {"from": "2016-01-01", "to": "2019-12-31"}  # 6 to 10 on TODAY
    grown = {"from": "1960-01-01", "to": "2000-12-31"}
    no_range: dict[str, Any] = {"typicalAgeRange": None}
    assert one(concert(**no_range, birthdateRange=kids))["children_welcome"] is True
    assert one(concert(**no_range, birthdateRange=grown))["children_welcome"] is False


def test_uitpas_from_price_category_and_paspartoe_label_not_an_invented_field() -> None:
    assert one(concert(uitpas=True))["uitpas"] is False  # no such field in UiTdatabank
    assert one(concert(labels=["Paspartoe"]))["uitpas"] is True
    price = {"category": "uitpas", "price": 2.1, "priceCurrency": "EUR",
             "name": {"nl": "Kansentarief met UiTPAS Gent"}}  # fmt: skip
    assert one(concert(priceInfo=[*concert()["priceInfo"], price]))["uitpas"] is True


# --- the file as a whole -----------------------------------------------------------------------
def test_one_warning_per_field_the_export_left_out() -> None:
    bare = [
        {k: v for k, v in concert(uuid=f"00000000-0000-4000-8000-00000000000{n}").items()
         if k not in ("labels", "hiddenLabels", "priceInfo", "organizer")}
        for n in range(3)
    ]  # fmt: skip
    _, warnings = read_documents(bare, today=TODAY)
    assert warnings == [
        "no item has labels (taaliconen, UiTPAS): Dutch level 3 assumed; tick it when exporting",
        "no item has organizer: no organisation to tell; tick it when exporting",
        "no item has priceInfo: cost unknown; tick it when exporting",
    ]
    assert read_documents([concert()], today=TODAY)[1] == []


async def test_import_keeps_venue_contact_and_leaves_a_report(db: Database) -> None:
    report = await import_documents(db, [concert(), yoga(), place(), acrobatics()], "Gent")
    assert (report.new, len(report.rejected)) == (4, 0)
    async with db.transaction() as tx:
        offers = {o.external_id: o for o in await store.list_offers(tx)}
        runs = await import_runs(tx, None, datetime(2000, 1, 1, tzinfo=UTC))
    show = offers["1f0a4c7e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"]
    assert show.title_nl == "Nederlandse naam" and show.venue == "Nederlandse naam"
    assert (show.contact_email, show.contact_phone) == ("tickets@example.org", "016/445566")
    assert [(r.source, r.new, r.outcome) for r in runs] == [("uitdatabank", 4, "done")]


def test_odd_but_harmless_values_do_not_refuse_an_offer() -> None:
    messy = organizer(contactPoint={"email": ["info at example"], "phone": ["0" * 60]})
    [record] = read(concert(organizer=messy, name={"nl": "Lang " * 60}))
    assert isinstance(record, Record) and record.provider is not None
    assert record.provider["email"] == "tickets@example.org"  # the malformed one is left out
    assert len(record.provider["phone"]) == 40
    assert len(record.fields["title_nl"]) == 200
