"""Importing the catalog: CSV with broken rows, UiTdatabank JSON-LD, re-imports, the CLI."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from handlers.offers.catalog_import import (
    DEMO_FILE,
    ImportFileError,
    import_demo,
    import_file,
    taal_level,
)
from storage import offers as store
from storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "demo" / "uitdatabank-sample.jsonld"
TEMPLATE = ROOT / "data" / "templates" / "offers-template.csv"

HEADER = (
    "external_id,title_nl,description_nl,kind,interests,provider_name,provider_email,"
    "provider_phone,provider_telegram,address,postcode,municipality,latitude,longitude,"
    "network,schedule,dutch_level,children_welcome,cost,uitpas,capacity,active_from,"
    "active_until"
)
GOOD_VALUES = {
    "external_id": "t-1", "title_nl": "Taalcafé Ieper", "description_nl": "Praten bij een koffie.",
    "kind": "language", "interests": "language", "provider_name": "Taalcafé vzw",
    "provider_email": "tc@example.org", "provider_phone": "+32 57 00 00 00",
    "provider_telegram": "@taalcafe_t", "address": "Markt 1", "postcode": "8900",
    "municipality": "Ieper", "latitude": "50.851", "longitude": "2.885", "network": "Westhoek",
    "schedule": "tue 19:00-21:00", "dutch_level": "1", "children_welcome": "no", "cost": "free",
    "uitpas": "no", "capacity": "20", "active_from": "2026-09-01", "active_until": "2027-06-30",
}  # fmt: skip


def row(**changes: str) -> str:
    """The good row with some values changed (quoted when they hold a comma)."""
    values = {**GOOD_VALUES, **changes}
    return ",".join(f'"{v}"' if "," in v else v for v in values.values())


GOOD = row()
BROKEN = {
    "kind": row(external_id="t-2", kind="knitting"),
    "postcode": row(external_id="t-3", postcode="89000"),
    "dutch_level": row(external_id="t-4", dutch_level="7"),
    "schedule": row(external_id="t-5", schedule="maandag 25:00-26:00"),
    "coordinates": row(external_id="t-6", latitude="2.885", longitude="50.851"),
    "duplicate": row(title_nl="Nog eens"),
    "e-mail": row(external_id="t-7", provider_email="not-an-address"),
    "title_nl": row(external_id="t-8", title_nl=""),
    "columns": row(external_id="t-9") + ",extra,more",
    "active_until": row(external_id="t-10", active_from="2027-03-01", active_until="2027-01-01"),
    "network": row(external_id="t-11", network="Gent", postcode="9000", latitude="",
                   longitude=""),
    "description_nl": row(external_id="t-12", description_nl="Heel lang. " * 40),
    "interests": row(external_id="t-13", interests=""),
    "provider": row(external_id="t-14", provider_email="", provider_phone="",
                    provider_telegram=""),
    "session": row(external_id="t-15", schedule="2028-01-01 10:00-12:00"),
    "capacity": row(external_id="t-16", capacity="0"),
    # "²" passes str.isdigit() but not int(): one such row must not stop the import.
    "capacity-superscript": row(external_id="t-17", capacity="²"),
    "dutch_level-superscript": row(external_id="t-18", dutch_level="²"),
}  # fmt: skip


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def rows(db: Database, sql: str, *params: object) -> list[tuple]:
    async with db.transaction() as tx:
        return [tuple(r) for r in await tx.all(sql, params)]


# --- CSV -----------------------------------------------------------------------------------
async def test_csv_with_broken_rows_imports_the_good_ones(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "offers.csv", HEADER, GOOD, "", *BROKEN.values())
    report = await import_file(db, path, "Westhoek")
    assert (report.new, report.updated, report.unchanged, report.deactivated) == (1, 0, 0, 0)
    assert len(report.rejected) == len(BROKEN)
    reasons = {r.row: r.reason for r in report.rejected}
    for (what, _), (line, reason) in zip(BROKEN.items(), reasons.items(), strict=True):
        assert line.startswith("line "), line
        assert what.split("-")[0].lower() in reason.lower() or what == "columns", (what, reason)
    assert "not in Belgium" in reasons["line 8"]
    assert "duplicate" in reasons["line 9"]
    summary = report.summary()
    assert "1 new" in summary and f"{len(BROKEN)} rejected" in summary
    [(title, kind, interests, schedule)] = await rows(
        db, "SELECT title_nl, kind, interests, schedule FROM offers"
    )
    assert title == "Taalcafé Ieper" and kind == "language"
    assert json.loads(interests) == ["language"]
    assert json.loads(schedule)["weekly"] == [{"day": "tue", "start": "19:00", "end": "21:00"}]


async def test_csv_reimport_is_idempotent_and_deactivates_missing(
    db: Database, tmp_path: Path
) -> None:
    second = row(external_id="t-2", title_nl="Zwemmen", kind="sport", interests="sport")
    path = write(tmp_path / "offers.csv", HEADER, GOOD, second)
    first = await import_file(db, path, "Westhoek")
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    again = await import_file(db, path, "Westhoek")
    assert (again.new, again.updated, again.unchanged, again.deactivated) == (0, 0, 2, 0)
    assert await rows(db, "SELECT COUNT(*) FROM offers") == [(2,)]
    # One row changes, the other disappears: updated and deactivated, never deleted.
    write(path, HEADER, row(dutch_level="2"))
    changed = await import_file(db, path, "Westhoek")
    assert (changed.new, changed.updated, changed.unchanged, changed.deactivated) == (0, 1, 0, 1)
    assert await rows(db, "SELECT external_id, active, dutch_level FROM offers ORDER BY id") == [
        ("t-1", 1, 2),
        ("t-2", 0, 1),
    ]
    # A partial import deactivates nothing; the row coming back is active again.
    write(path, HEADER, second)
    back = await import_file(db, path, "Westhoek", full=False)
    assert (back.updated, back.deactivated) == (1, 0)
    assert await rows(db, "SELECT active FROM offers ORDER BY id") == [(1,), (1,)]


async def test_staff_deactivation_survives_a_reimport(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path / "offers.csv", HEADER, GOOD)
    await import_file(db, path, "Westhoek")
    async with db.transaction() as tx:
        assert await store.set_offer_active(tx, 1, False, (await _now()))
    report = await import_file(db, path, "Westhoek")
    assert report.unchanged == 1
    assert await rows(db, "SELECT active, deactivated_by FROM offers") == [(0, "staff")]


async def _now():
    from storage.clock import utcnow

    return utcnow()


async def test_deactivation_stays_inside_source_and_network(db: Database, tmp_path: Path) -> None:
    gent = row(external_id="g-1", postcode="9000", municipality="Gent", latitude="",
               longitude="", network="Gent")  # fmt: skip
    await import_file(db, write(tmp_path / "a.csv", HEADER, GOOD), "Westhoek")
    await import_file(db, write(tmp_path / "b.csv", HEADER, gent), "Gent")
    await import_file(db, write(tmp_path / "c.csv", HEADER, GOOD), "Westhoek", source="other")
    report = await import_file(db, write(tmp_path / "d.csv", HEADER), "Westhoek")
    assert report.deactivated == 1  # only source 'csv' in Westhoek
    assert await rows(db, "SELECT source, network_id, active FROM offers ORDER BY id") == [
        ("csv", 1, 0),
        ("csv", 2, 1),
        ("other", 1, 1),
    ]


async def test_excel_style_csv_with_semicolons_and_bom(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    line = (
        "x-1;Kookles;Samen koken.;cooking;cooking;Kookclub;;+32 9 000 00 00;;;9000;;51,05;3,72;"
        "Gent;za 10:00-12:00;2;ja;gratis;nee;;;"
    )
    path.write_text("\ufeff" + HEADER.replace(",", ";") + "\r\n" + line + "\r\n", encoding="utf-8")
    report = await import_file(db, path, None)
    assert (report.new, report.rejected) == (1, [])
    [(lat, children, cost, schedule)] = await rows(
        db, "SELECT latitude, children_welcome, cost, schedule FROM offers"
    )
    assert lat == 51.05 and children == 1 and cost == "free"
    assert json.loads(schedule)["weekly"][0]["day"] == "sat"


async def test_a_file_that_cannot_be_used_changes_nothing(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="missing column"):
        await import_file(db, write(tmp_path / "x.csv", "title_nl,kind", "a,sport"), "Gent")
    with pytest.raises(ImportFileError, match="unknown network"):
        await import_file(db, write(tmp_path / "y.csv", HEADER, GOOD), "Atlantis")
    with pytest.raises(ImportFileError, match="not JSON"):
        await import_file(db, write(tmp_path / "z.jsonld", "{oops"), "Gent")
    with pytest.raises(ImportFileError):
        await import_file(db, tmp_path / "missing.csv", "Gent")
    assert await rows(db, "SELECT COUNT(*) FROM offers") == [(0,)]


async def test_template_and_demo_files_import_cleanly(db: Database) -> None:
    template = await import_file(db, TEMPLATE, None, source="template")
    assert (template.new, template.rejected) == (2, [])
    demo = await import_file(db, DEMO_FILE, None, source="demo")
    assert demo.rejected == [] and demo.new >= 80
    found = await rows(
        db,
        "SELECT n.name, COUNT(*) FROM offers o JOIN networks n ON n.id = o.network_id "
        "WHERE source = 'demo' GROUP BY n.name ORDER BY n.name",
    )
    assert [name for name, _ in found] == ["Gent", "Waasland", "Westhoek"]
    kinds = {k for (k,) in await rows(db, "SELECT DISTINCT kind FROM offers")}
    assert kinds >= {
        "buddy", "volunteering", "placement", "language", "sport", "culture", "youth",
        "nature", "care", "neighbourhood", "cooking", "crafts", "library", "music",
    }  # fmt: skip
    levels = {lvl for (lvl,) in await rows(db, "SELECT DISTINCT dutch_level FROM offers")}
    assert levels == {1, 2, 3, 4}


async def test_demo_loads_only_into_an_empty_catalog(db: Database) -> None:
    first = await import_demo(db)
    assert first is not None and first.new > 0
    assert await import_demo(db) is None
    assert await rows(db, "SELECT COUNT(*) FROM offers") == [(first.new,)]


# --- UiTdatabank JSON-LD ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "level"),
    [
        ("één taalicoon", 1),
        ("een taalicoon", 1),
        ("Eén Taalicoon", 1),
        ("Twee taaliconen", 2),
        ("DRIE TAALICONEN", 3),
        ("vier taaliconen", 4),
        ("taaliconen: 2", 2),
        ("3 taaliconen", 3),
        ("praatcafé", None),
        ("taaliconen", None),
        ("²", None),
    ],
)
def test_taaliconen_spellings(label: str, level: int | None) -> None:
    assert taal_level(label) == level


async def test_uitdatabank_sample(db: Database) -> None:
    report = await import_file(db, SAMPLE, None)
    assert report.source == "uitdatabank"
    assert (report.new, report.updated, report.unchanged, report.deactivated) == (9, 0, 0, 0)
    assert [(r.reason) for r in report.rejected] == ["a draft, not published yet"]
    found = {
        title: rest
        for title, *rest in await rows(
            db,
            "SELECT title_nl, kind, dutch_level, cost, uitpas, children_welcome, postcode "
            "FROM offers",
        )
    }
    assert found["Praatcafé Nederlands voor beginners"] == ["language", 1, "free", 0, 0, "9000"]
    assert found["Winterconcert: liederen uit de hele wereld"] == ["music", 2, "paid", 1, 1, "9040"]
    # Two taaliconen labels (1 and 3): the lower level.
    assert found["Start to Walk in De Palingbeek"] == ["sport", 1, "free", 0, 1, "8902"]
    lecture = found["Lezing: hop, bier en grenzen in de Westhoek"]
    assert lecture == ["culture", 4, "paid", 0, 0, "8970"]
    assert found["Atelier de cuisine du monde"] == ["cooking", 1, "paid", 0, 0, "9000"]
    assert found["Bibliotheek Sint-Niklaas"] == ["library", 2, "free", 0, 0, "9100"]
    assert found["Voorleesuur voor kinderen en ouders"] == ["library", 2, "free", 0, 1, "9100"]
    assert found["Zomerkamp sport en spel"] == ["youth", 2, "paid", 1, 1, "8902"]
    assert found["Open makersatelier"] == ["crafts", 3, "paid", 1, 0, "9100"]
    schedules = {
        t: json.loads(s) for t, s in await rows(db, "SELECT title_nl, schedule FROM offers")
    }
    assert schedules["Praatcafé Nederlands voor beginners"]["weekly"] == [
        {"day": "wed", "start": "09:00", "end": "11:00"}  # written 9:00 in the file
    ]
    assert len(schedules["Start to Walk in De Palingbeek"]["dates"]) == 3  # one is sold out
    assert len(schedules["Zomerkamp sport en spel"]["dates"]) == 5  # Monday to Friday
    networks = await rows(
        db, "SELECT o.title_nl, n.name FROM offers o JOIN networks n ON n.id = o.network_id"
    )
    assert dict(networks)["Open makersatelier"] == "Waasland"  # from its postcode
    # The organizer became a provider with its e-mail address.
    assert ("wijkcentrum.demeers@example.org",) in await rows(db, "SELECT email FROM providers")


async def test_uitdatabank_reimport_and_removal(db: Database, tmp_path: Path) -> None:
    await import_file(db, SAMPLE, None)
    again = await import_file(db, SAMPLE, None)
    assert (again.new, again.updated, again.unchanged, again.deactivated) == (0, 0, 9, 0)
    document = json.loads(SAMPLE.read_text(encoding="utf-8"))
    members = document["member"]
    members[0]["name"]["nl"] = "Praatcafé Nederlands voor iedereen"
    gone = members.pop(1)  # the concert is no longer in the export
    path = tmp_path / "changed.jsonld"
    path.write_text(json.dumps(members), encoding="utf-8")  # a bare list works too
    changed = await import_file(db, path, None)
    assert (changed.new, changed.updated, changed.unchanged, changed.deactivated) == (0, 1, 7, 1)
    external = gone["@id"].rsplit("/", 1)[-1]
    assert await rows(db, "SELECT active FROM offers WHERE external_id = ?", external) == [(0,)]
    assert await rows(db, "SELECT COUNT(*) FROM offers") == [(9,)]


async def test_uitdatabank_odd_items_are_rejected_one_by_one(db: Database, tmp_path: Path) -> None:
    good = json.loads(SAMPLE.read_text(encoding="utf-8"))["member"][0]
    no_place = {**good, "@id": "x/2", "location": {}}
    online = {**good, "@id": "x/3", "attendanceMode": "online"}
    cancelled = {**good, "@id": "x/4", "status": {"type": "Unavailable"}}
    path = tmp_path / "odd.jsonld"
    path.write_text(json.dumps({"member": [good, no_place, online, cancelled, 42]}))
    report = await import_file(db, path, "Gent")
    assert report.new == 1
    assert [r.reason for r in report.rejected] == [
        "no location",
        "online only",
        "cancelled",
        "not an object",
    ]


# --- command line ----------------------------------------------------------------------------
def test_cli_import_list_show_deactivate_and_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "cli.sqlite3"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    path = write(tmp_path / "o.csv", HEADER, GOOD, BROKEN["kind"])  # one good, one bad
    assert main(["offers", "import", str(path), "--network", "Westhoek"]) == 0
    out = capsys.readouterr().out
    assert "1 new" in out and "1 rejected" in out and "knitting" in out
    assert main(["offers", "import", str(path), "--network", "Westhok"]) == 2
    assert "unknown network" in capsys.readouterr().err
    assert main(["offers", "list", "--network", "Westhoek"]) == 0
    assert "Taalcafé Ieper" in capsys.readouterr().out
    assert main(["offers", "show", "1"]) == 0
    shown = capsys.readouterr().out
    assert "tc@example.org" in shown and "next" in shown
    assert main(["offers", "show", "99"]) == 2
    assert main(["offers", "providers"]) == 0
    assert "Taalcafé vzw" in capsys.readouterr().out
    assert main(["offers", "provider-link", "--provider", "1", "--bot", "@meedoen_bot"]) == 0
    link = capsys.readouterr().out
    assert "https://t.me/meedoen_bot?start=prov-" in link
    code = link.strip().rsplit("prov-", 1)[1]
    assert 8 <= len(code) <= 40
    assert main(["offers", "deactivate", "1"]) == 0
    capsys.readouterr()
    assert main(["offers", "list"]) == 0
    assert "0 offer(s)" in capsys.readouterr().out
    assert main(["offers", "unmet"]) == 0


def test_cli_link_code_is_stored_single_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "cli.sqlite3"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["offers", "import", str(write(tmp_path / "o.csv", HEADER, GOOD))]) == 0
    assert main(["offers", "provider-link", "--provider", "1"]) == 0
    out = capsys.readouterr().out
    assert "/start prov-" in out

    async def check() -> None:
        async with Database(tmp_path / "cli.sqlite3") as db, db.transaction() as tx:
            code = await tx.scalar("SELECT code FROM provider_links")
            now = await _now()
            assert await store.provider_for_link(tx, code, now) == 1
            await store.spend_provider_link(tx, code, now)
            assert await store.provider_for_link(tx, code, now) is None

    asyncio.run(check())
