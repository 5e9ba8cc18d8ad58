"""Checks of the proof-of-participation PDF, read back with pypdf."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

from handlers.hours.proof_pdf import (
    FONT_DIR,
    ProofDocument,
    ProofEntry,
    _new_pdf,
    format_hours_nl,
    render_proof_pdf,
)

LABELS = {
    "buddy": "Buddywerking",
    "volunteering": "Vrijwilligerswerk",
    "sport": "Sport",
    "music": "Muziek",
    "language": "Taal",
}
CODE = "MDN-7K4Q-2XPA"
ARABIC_HEADER = "مرحبا بك في مسار المشاركة"
TIGRINYA_HEADER = "እዚ ናይ ተሳትፎኹም መረጋገጺ እዩ"


def _entry(day: int, kind: str, hours: float, **kw: object) -> ProofEntry:
    values: dict[str, object] = {
        "day": date(2025, 3, 1) + timedelta(days=day),
        "activity": f"Activiteit {day}",
        "provider": "Sportclub De Valk",
        "kind": kind,
        "hours": hours,
        "confirmed_by": "Els Peeters",
        "confirmed_at": datetime(2025, 3, 2, 9, 30, tzinfo=UTC) + timedelta(days=day),
    }
    values.update(kw)
    return ProofEntry.model_validate(values)


def _doc(**kw: object) -> ProofDocument:
    values: dict[str, object] = {
        "person_name": "Ahmad Karimi",
        "header_line": "Dit is het bewijs van je deelname.",
        "entries": [
            _entry(0, "sport", 1.5),
            _entry(1, "sport", 2),
            _entry(2, "music", 4, provider="Muziekschool Leuven", confirmed_by="Jan Claes"),
            _entry(3, "buddy", 5),
        ],
        "self_declared": [
            _entry(
                10,
                "volunteering",
                3,
                activity="Buurtfeest helpen",
                provider=None,
                confirmed_by=None,
                confirmed_at=None,
            ),
        ],
        "self_declared_counts": False,
        "kind_labels_nl": LABELS,
        "target_hours": 40,
        "generated_at": datetime(2025, 4, 10, 12, 0, tzinfo=UTC),
        "verification_code": CODE,
        "verify_mail": "meedoen@netwerk-leuven.be",
        "verify_bot": "meedoen_bot",
        "network_name": "Netwerk Leuven",
    }
    values.update(kw)
    return ProofDocument.model_validate(values)


def _reader(doc: ProofDocument) -> PdfReader:
    data = render_proof_pdf(doc)
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def _text(reader: PdfReader) -> str:
    """All text with runs of white space (line breaks of wrapped cells) made one space."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _fonts(reader: PdfReader) -> dict[str, TTFont]:
    """Embedded fonts by base name (subset prefix dropped)."""
    out = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            name = str(font["/BaseFont"]).split("+", 1)[-1]
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            data = descriptor.get_object()["/FontFile2"].get_object().get_data()
            out[name] = TTFont(io.BytesIO(data))
    return out


@pytest.fixture(scope="module")
def basic_text() -> str:
    return _text(_reader(_doc()))


def test_hours_are_dutch() -> None:
    assert format_hours_nl(1.5) == "1,5 u"
    assert format_hours_nl(40) == "40 u"
    assert format_hours_nl(0.25) == "0,25 u"


def test_title_names_and_code(basic_text: str) -> None:
    assert "Bewijs van deelname" in basic_text
    assert "Participatie- en netwerktraject" in basic_text
    assert "Ahmad Karimi" in basic_text
    assert "Netwerk Leuven" in basic_text
    assert "Els Peeters" in basic_text and "Jan Claes" in basic_text
    assert "Muziekschool Leuven" in basic_text
    assert CODE in basic_text
    assert "mail de code naar meedoen@netwerk-leuven.be" in basic_text
    assert f"/verify {CODE} naar @meedoen_bot" in basic_text and "python -m bot" not in basic_text
    assert "10 april 2025 om 14:00" in basic_text  # generation date, Brussels time


def test_confirmed_table(basic_text: str) -> None:
    for heading in ("Datum", "Activiteit", "Aanbieder", "Uren", "Bevestigd door", "Bevestigd op"):
        assert heading in basic_text
    assert re.search(r"01-03-2025\s+Activiteit 0\s+Sport\s+Sportclub De Valk\s+1,5 u", basic_text)
    assert "02-03-2025 10:30" in basic_text  # confirmed_at in Brussels time


def test_totals_per_kind_and_overall(basic_text: str) -> None:
    assert re.search(r"Sport\s+3,5 u\s+0 u\s+3,5 u", basic_text)
    assert re.search(r"Muziek\s+4 u\s+0 u\s+4 u", basic_text)
    assert re.search(r"Buddywerking\s+5 u\s+0 u\s+5 u", basic_text)
    assert re.search(r"Vrijwilligerswerk\s+0 u\s+3 u\s+0 u", basic_text)
    assert re.search(r"Totaal\s+12,5 u\s+3 u\s+12,5 u", basic_text)
    assert "Telt mee voor het doel: 12,5 u van 40 u (31 %)." in basic_text
    assert "Nog te doen: 27,5 u." in basic_text


def test_self_declared_section_not_counting(basic_text: str) -> None:
    section = basic_text[basic_text.index("Zelf aangegeven uren") :]
    assert "Buurtfeest helpen" in section
    assert "tellen zelf aangegeven uren niet mee voor het doel" in section
    assert "Totaal zelf aangegeven: 3 u" in section
    # the self-declared entry is not in the confirmed table
    assert "Buurtfeest helpen" not in basic_text[: basic_text.index("Totalen")]


def test_self_declared_counting() -> None:
    text = _text(_reader(_doc(self_declared_counts=True)))
    assert "tellen zelf aangegeven uren mee voor het doel" in text
    assert "niet mee" not in text
    assert re.search(r"Vrijwilligerswerk\s+0 u\s+3 u\s+3 u", text)
    assert re.search(r"Totaal\s+12,5 u\s+3 u\s+15,5 u", text)
    assert "Telt mee voor het doel: 15,5 u van 40 u (39 %)." in text


def test_target_reached() -> None:
    text = _text(_reader(_doc(entries=[_entry(0, "sport", 42.5)])))
    assert "Het doel van 40 u is bereikt (2,5 u meer dan het doel)." in text


def test_empty_document() -> None:
    text = _text(_reader(_doc(entries=[], self_declared=[], network_name=None)))
    assert "Nog geen bevestigde activiteiten." in text
    assert "Geen zelf aangegeven uren." in text
    assert "Telt mee voor het doel: 0 u van 40 u (0 %)." in text


def _drawn_text(reader: PdfReader, font_name: str) -> list[str]:
    """Strings drawn in ``font_name`` on page 1, glyph by glyph in drawing order (left to
    right), mapped back to characters with the font's ToUnicode map."""
    page = reader.pages[0]
    resources = {}
    for key, ref in page["/Resources"]["/Font"].items():
        font = ref.get_object()
        if str(font["/BaseFont"]).endswith("+" + font_name):
            cmap = font["/ToUnicode"].get_object().get_data().decode()
            resources[key] = {
                int(code, 16): bytes.fromhex(uni).decode("utf-16-be")
                for code, uni in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap)
            }
    current = None
    drawn = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            current = resources.get(operands[0])
        elif operator == b"Tj" and current is not None:
            raw = operands[0]
            codes = raw if isinstance(raw, bytes) else raw.original_bytes  # 2-byte codes
            chars = [int.from_bytes(codes[i : i + 2], "big") for i in range(0, len(codes), 2)]
            drawn.append("".join(current.get(c, "?") for c in chars))
    return drawn


def test_arabic_header_is_shaped_and_right_to_left() -> None:
    reader = _reader(_doc(header_line=ARABIC_HEADER, header_rtl=True))
    fonts = _fonts(reader)
    assert "NotoNaskhArabic" in fonts
    # shaping picked contextual forms (Arabic Presentation Forms-B glyphs)
    glyphs = fonts["NotoNaskhArabic"].getGlyphOrder()
    assert any(name.startswith("uniFE") for name in glyphs)
    # laid out right to left: drawn from the left, the last word comes first, mirrored
    drawn = _drawn_text(reader, "NotoNaskhArabic")[0]
    assert drawn.split() == [w[::-1] for w in reversed(ARABIC_HEADER.split())]
    # and text extraction gives the logical order back
    assert ARABIC_HEADER in reader.pages[0].extract_text()


def test_tigrinya_header() -> None:
    reader = _reader(_doc(header_line=TIGRINYA_HEADER))
    assert "NotoSansEthiopic" in _fonts(reader)
    assert TIGRINYA_HEADER in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    "header",
    [
        "Це підтвердження вашої участі",
        "Bu, katılımınızın kanıtıdır: ğışŞİ",
        "To jest potwierdzenie udziału: ąęłńśźż",
        "Aceasta este dovada participării: șțȘȚ",
        "Kani waa caddaynta ka qaybgalkaaga",
    ],
)
def test_other_header_languages(header: str) -> None:
    reader = _reader(_doc(header_line=header))
    assert header in reader.pages[0].extract_text()
    assert set(_fonts(reader)) <= {"NotoSans", "NotoSansBold", "NotoNaskhArabic"}


def test_mixed_scripts_keep_every_line() -> None:
    entries = [
        _entry(0, "sport", 1, provider="محمد أحمد", confirmed_by="ሰላም ብርሃነ"),
        _entry(1, "music", 2, provider="Oksana Petrenko", confirmed_by="Олена Коваль"),
        _entry(2, "buddy", 3, provider="Sportclub De Valk", confirmed_by="Els Peeters"),
    ]
    reader = _reader(_doc(person_name="Ахмад Карімі", entries=entries))
    text = _text(reader)
    for needle in (
        "Ахмад Карімі",
        "Oksana Petrenko",
        "Олена Коваль",
        "Sportclub De Valk",
        "Els Peeters",
        "ሰላም ብርሃነ",
        "Activiteit 2",
    ):
        assert needle in text
    assert {"NotoSans", "NotoNaskhArabic", "NotoSansEthiopic"} <= set(_fonts(reader))


def test_consecutive_lines_after_fallback_font_keep_their_font() -> None:
    # Regression guard: fpdf2 2.8 loses the page font after a line whose first fragment is
    # in a fallback font, so a following line without set_font() shows the wrong glyphs.
    pdf = _new_pdf(_doc())
    pdf.add_page()
    lines = ["هذا إثبات مشاركتك", "Naam: Ahmad Karimi", "ሰላም ብርሃነ", "Це підтвердження участі"]
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    text = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text()
    for word in lines[0].split():  # words drawn one by one: extracted in visual order
        assert word in text
    for line in lines[1:]:
        assert line in text


def test_many_entries_break_over_pages() -> None:
    entries = [_entry(i, ("sport", "music", "buddy")[i % 3], 0.5) for i in range(80)]
    reader = _reader(_doc(entries=entries))
    assert len(reader.pages) >= 3
    text = _text(reader)
    for i in range(80):
        assert len(re.findall(rf"Activiteit {i}\b", text)) == 1
    # the table headings repeat on every page the table runs over
    table_pages = [
        p.extract_text()
        for p in reader.pages
        if "Activiteit 5" in p.extract_text() or "Activiteit 79" in p.extract_text()
    ]
    assert all("Bevestigd door" in t for t in table_pages)
    assert re.search(r"Totaal\s+40 u\s+3 u\s+40 u", text)
    assert re.search(rf"pagina {len(reader.pages)}/{len(reader.pages)}", text)


def test_deterministic() -> None:
    doc = _doc(header_line=ARABIC_HEADER, header_rtl=True)
    assert render_proof_pdf(doc) == render_proof_pdf(doc)


def test_shipped_fonts_are_small_and_licensed() -> None:
    files = list(FONT_DIR.glob("*.ttf"))
    assert len(files) >= 4
    assert sum(f.stat().st_size for f in files) <= 3 * 1024 * 1024
    assert "SIL OPEN FONT LICENSE" in (FONT_DIR / "OFL.txt").read_text()
