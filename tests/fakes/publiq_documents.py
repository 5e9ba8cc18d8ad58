"""UiTdatabank documents in the shape of publiq's published read examples.

Derived (shortened) from cultuurnet/apidocs, projects/uitdatabank/models/
event-with-read-example.json (examples 1: a single concert with bookingInfo, contactPoint
arrays and an embedded organizer; 2: a weekly yoga class whose location and organizer are only
`{"@id": …}`; 3: an acrobatics class with `childrenOnly`) and place-with-read-example.json.
Changed for our tests, and only that: the address is in Gent (our networks are Flemish), the
workflowStatus is APPROVED (the examples are drafts), dates are in 2027, the concert has
its own uuid (the examples reuse one for event and place), and the e-mail
addresses are example.org ones; each builder takes overrides.
"""

from __future__ import annotations

import copy
from typing import Any

IO = "https://io-test.uitdatabank.be"
PLACE_ID = "85b04295-479c-40f5-b3dd-469dfb4387b3"
ORGANIZER_ID = "5cf42d51-3a4f-46f0-a8af-1cf672be8c84"

ADDRESS = {
    "nl": {
        "addressCountry": "BE",
        "addressLocality": "Gent",
        "postalCode": "9000",
        "streetAddress": "Sint-Pietersnieuwstraat 23",
    },
    "fr": {
        "addressCountry": "BE",
        "addressLocality": "Gand",
        "postalCode": "9000",
        "streetAddress": "Sint-Pietersnieuwstraat 23",
    },
}


def place(uuid: str = PLACE_ID, **overrides: Any) -> dict[str, Any]:
    """place-with-read-example.json: a Place with its address at the top level."""
    document = {
        "@id": f"{IO}/places/{uuid}",
        "@type": "Place",
        "mainLanguage": "nl",
        "name": {"nl": "Nederlandse naam", "fr": "Nom français"},
        "address": copy.deepcopy(ADDRESS),
        "geo": {"latitude": 51.0454, "longitude": 3.7253},
        "calendarType": "periodic",
        "startDate": "2027-01-01T00:00:00+01:00",
        "endDate": "2027-12-31T23:59:59+01:00",
        "status": {"type": "Available"},
        "openingHours": [{"opens": "17:00", "closes": "17:00", "dayOfWeek": ["monday"]}],
        "sameAs": [f"http://www.uitinvlaanderen.be/agenda/e/test-place/{uuid}"],
        "terms": [{"id": "0.14.0.0.0", "label": "Monument", "domain": "eventtype"}],
        "workflowStatus": "APPROVED",
        "created": "2021-05-17T22:00:00+00:00",
        "typicalAgeRange": "6-12",
        "description": {"nl": "Nederlandse beschrijving", "fr": "Description français"},
        "priceInfo": [
            {"category": "base", "price": 10.5, "priceCurrency": "EUR",
             "name": {"nl": "Basistarief"}}
        ],
        "contactPoint": {
            "phone": ["016/112233"], "email": ["place@example.org"],
            "url": ["https://www.example.com"],
        },
        "labels": ["label1"],
        "hiddenLabels": ["label2"],
        "bookingAvailability": {"type": "Available", "capacity": 200},
    }  # fmt: skip
    document.update(overrides)
    return document


def organizer(**overrides: Any) -> dict[str, Any]:
    document = {
        "@id": f"{IO}/organizers/{ORGANIZER_ID}",
        "mainLanguage": "nl",
        "url": "https://www.publiq.be",
        "name": {"nl": "Nederlandse tekst", "fr": "Texte français"},
        "contactPoint": {
            "phone": ["+32/1234567890"], "email": ["organizer@example.org"],
            "url": ["https://www.publiq.be"],
        },
        "workflowStatus": "ACTIVE",
    }  # fmt: skip
    document.update(overrides)
    return document


def concert(uuid: str = "1f0a4c7e-2b3d-4e5f-8a9b-0c1d2e3f4a5b", **overrides: Any) -> dict[str, Any]:
    """Example 1: a single event with an embedded location and organizer."""
    location = place()
    document = {
        "@id": f"{IO}/events/{uuid}",
        "@type": "Event",
        "mainLanguage": "nl",
        "name": {"nl": "Nederlandse naam", "fr": "Nom français", "en": "English name"},
        "calendarType": "single",
        "startDate": "2027-05-17T16:00:00+00:00",
        "endDate": "2027-05-17T22:00:00+00:00",
        "status": {"type": "Available"},
        "subEvent": [
            {
                "id": 0,
                "startDate": "2027-05-17T16:00:00+00:00",
                "endDate": "2027-05-17T22:00:00+00:00",
                "status": {"type": "Available"},
                "bookingAvailability": {"type": "Available"},
            }
        ],
        "attendanceMode": "mixed",
        "onlineUrl": "https://www.publiq.be/livestream",
        "location": location,
        "organizer": organizer(),
        "sameAs": [f"http://www.uitinvlaanderen.be/agenda/e/test-event/{uuid}"],
        "terms": [{"id": "0.50.4.0.0", "label": "Concert", "domain": "eventtype"}],
        "workflowStatus": "APPROVED",
        "created": "2021-05-17T22:00:00+00:00",
        "audience": {"audienceType": "everyone"},
        "typicalAgeRange": "6-12",
        "description": {"nl": "Nederlandse beschrijving", "fr": "Description français"},
        "priceInfo": [
            {"category": "base", "price": 10.5, "priceCurrency": "EUR",
             "name": {"nl": "Basistarief"}}
        ],
        "contactPoint": {
            "phone": ["016/112233"], "email": ["event@example.org"],
            "url": ["https://www.example.com"],
        },
        "bookingInfo": {
            "phone": "016/445566", "email": "tickets@example.org",
            "url": "https://tickets.example.org",
        },
        "labels": ["label1"],
        "hiddenLabels": ["label2"],
        "bookingAvailability": {"type": "Available"},
    }  # fmt: skip
    document.update(overrides)
    return document


def yoga(uuid: str = "92c04395-579d-41a6-84ee-570efb5398c4", **overrides: Any) -> dict[str, Any]:
    """Example 2: periodic; location and organizer are only links."""
    document = {
        "@id": f"{IO}/events/{uuid}",
        "mainLanguage": "nl",
        "name": {"nl": "Wekelijkse yogales", "en": "Weekly yoga class"},
        "calendarType": "periodic",
        "startDate": "2027-01-01T00:00:00+01:00",
        "endDate": "2027-12-31T23:59:59+01:00",
        "openingHours": [
            {"opens": "18:00", "closes": "19:00", "dayOfWeek": ["monday", "wednesday", "friday"]}
        ],
        "location": {"@id": f"{IO}/places/{PLACE_ID}"},
        "organizer": {"@id": f"{IO}/organizers/c76db023-ef6d-49d9-8d15-5ddc3e6eb0a9"},
        "terms": [{"id": "0.54.0.0.0", "label": "Yoga", "domain": "eventtype"}],
        "workflowStatus": "APPROVED",
        "created": "2021-05-17T22:00:00+00:00",
    }
    document.update(overrides)
    return document


def acrobatics(
    uuid: str = "a3f4c827-6d9e-42ab-b1f0-e34567890abc", **overrides: Any
) -> dict[str, Any]:
    """Example 3: a class for children only, with an embedded location (ours)."""
    document = {
        "@id": f"{IO}/events/{uuid}",
        "mainLanguage": "nl",
        "name": {"nl": "Acrobatie & Trampoline"},
        "calendarType": "single",
        "startDate": "2027-06-15T09:00:00+02:00",
        "endDate": "2027-06-15T12:00:00+02:00",
        "subEvent": [
            {
                "id": 0,
                "startDate": "2027-06-15T09:00:00+02:00",
                "endDate": "2027-06-15T12:00:00+02:00",
                "status": {"type": "Available"},
                "bookingAvailability": {"type": "Available"},
            }
        ],
        "location": place(),
        "terms": [
            {"id": "0.3.1.0.0", "label": "Lessenreeks", "domain": "eventtype"},
            {"id": "0.52.0.0.0", "label": "Circus", "domain": "theme"},
        ],
        "audience": {"audienceType": "everyone"},
        "childrenOnly": True,
        "status": {"type": "Available"},
        "bookingAvailability": {"type": "Available"},
        "workflowStatus": "APPROVED",
        "created": "2021-05-17T22:00:00+00:00",
    }
    document.update(overrides)
    return document
