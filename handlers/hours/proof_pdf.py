"""Proof-of-participation PDF for the counsellor ("Bewijs van deelname"), in Dutch.

Pure rendering (fpdf2 only): no database, no Telegram. The document holds a header
line in the person's own language, the confirmed activities, totals per kind and
overall against the target, the self-declared hours apart, and a verification code.

Fonts are shipped in ``handlers/assets/fonts`` (Noto, SIL OFL 1.1, see OFL.txt):
Noto Sans for Latin, Cyrillic and Greek, Noto Naskh Arabic for Arabic, Pashto and
Dari, Noto Sans Ethiopic for Tigrinya and Amharic. Text shaping (``uharfbuzz``) joins
Arabic letters and lays right-to-left text out; fallback fonts mix scripts in a line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout

from handlers.fonts import FONT_DIR
from handlers.hours.proof_document import (
    ProofDocument,
    ProofEntry,
    day_nl,
    format_hours_nl,
    long_date_nl,
    stamp_nl,
)

__all__ = ["FONT_DIR", "ProofDocument", "ProofEntry", "format_hours_nl", "render_proof_pdf"]

_SANS = "NotoSans"
_ARABIC = "NotoNaskhArabic"
_ETHIOPIC = "NotoSansEthiopic"
_FONT_FILES = {
    (_SANS, ""): "NotoSans-Regular.ttf",
    (_SANS, "B"): "NotoSans-Bold.ttf",
    (_ARABIC, ""): "NotoNaskhArabic-Regular.ttf",
    (_ETHIOPIC, ""): "NotoSansEthiopic-Regular.ttf",
}

_INK = (30, 30, 30)
_MUTED = (105, 105, 105)
_ACCENT = (0, 92, 150)
_HEAD_FILL = (226, 236, 245)
_ZEBRA = (246, 246, 246)


# --------------------------------------------------------------------------- formatting


def _script(text: str) -> str:
    """The script most letters of ``text`` are in: 'arabic', 'ethiopic' or 'other'."""
    counts = {"arabic": 0, "ethiopic": 0, "other": 0}
    for ch in text:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        if name.startswith("ARABIC"):
            counts["arabic"] += 1
        elif name.startswith("ETHIOPIC"):
            counts["ethiopic"] += 1
        else:
            counts["other"] += 1
    return max(counts, key=lambda k: (counts[k], k == "other"))


def _clean(text: str | None, fallback: str = "–") -> str:
    """One-line cell text; control characters and empty values made safe."""
    if text is None:
        return fallback
    text = " ".join(text.split())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc")
    return text or fallback


# --------------------------------------------------------------------------- the PDF


class _ProofPDF(FPDF):
    """FPDF with a footer and a fix for fallback fonts losing the page font."""

    footer_text = ""

    def _render_styled_text_line(self, *args: Any, **kwargs: Any) -> Any:
        # fpdf2 2.8 can believe the page font is set when the previous line ended inside
        # a q/Q block after a fallback-font fragment; the next line then shows glyphs of
        # the wrong font. Forcing the font to be set again for every line avoids that.
        self.current_font_is_set_on_page = False
        return super()._render_styled_text_line(*args, **kwargs)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_SANS, size=7.5)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, f"{self.footer_text} · pagina {self.page_no()}/{{nb}}", align="C")


def _new_pdf(doc: ProofDocument) -> _ProofPDF:
    pdf = _ProofPDF(format="A4", unit="mm")
    pdf.set_margins(16, 15, 16)
    pdf.set_auto_page_break(True, margin=18)
    for (family, style), filename in _FONT_FILES.items():
        pdf.add_font(family, style, str(FONT_DIR / filename))
    pdf.set_text_shaping(True)
    pdf.set_font(_SANS, size=10)
    pdf.set_fallback_fonts([_ARABIC, _ETHIOPIC], exact_match=False)
    pdf.set_creation_date(doc.generated_at)
    pdf.set_title(f"Bewijs van deelname – {doc.person_name}")
    pdf.set_subject("Participatie- en netwerktraject")
    pdf.set_author("Meedoen")
    pdf.set_creator("Meedoen")
    pdf.set_lang("nl-BE")
    pdf.footer_text = (
        f"Bewijs van deelname · {_clean(doc.person_name)} · code {doc.verification_code}"
    )
    return pdf


def _header_line(pdf: _ProofPDF, doc: ProofDocument) -> None:
    """The line in the person's language, in its script's font; Arabic script is RTL."""
    text = _clean(doc.header_line, "")
    if not text:
        return
    script = _script(text)
    rtl = doc.header_rtl or script == "arabic"
    family = {"arabic": _ARABIC, "ethiopic": _ETHIOPIC}.get(script, _SANS)
    others = [f for f in (_SANS, _ARABIC, _ETHIOPIC) if f != family]
    pdf.set_font(family, size=11)
    pdf.set_fallback_fonts(others, exact_match=False)
    pdf.set_text_shaping(True, direction="rtl" if rtl else "ltr")
    pdf.set_text_color(*_ACCENT)
    pdf.multi_cell(0, 7, text, align="R" if rtl else "L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_shaping(True)
    pdf.set_font(_SANS, size=10)
    pdf.set_fallback_fonts([_ARABIC, _ETHIOPIC], exact_match=False)
    pdf.set_text_color(*_INK)


def _rule(pdf: _ProofPDF, gap: float = 2.5) -> None:
    pdf.ln(gap)
    pdf.set_draw_color(190, 190, 190)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(gap)


def _heading(pdf: _ProofPDF, text: str, keep: float = 24) -> None:
    """Section heading; starts a new page unless ``keep`` mm fit below it."""
    pdf.ln(3)
    if pdf.will_page_break(keep):
        pdf.add_page()
    pdf.set_font(_SANS, "B", 12.5)
    pdf.set_text_color(*_ACCENT)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*_INK)
    pdf.set_font(_SANS, size=10)


def _paragraph(pdf: _ProofPDF, text: str, size: float = 9.5, muted: bool = False) -> None:
    pdf.set_font(_SANS, size=size)
    pdf.set_text_color(*(_MUTED if muted else _INK))
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*_INK)


def _facts(pdf: _ProofPDF, rows: Iterable[tuple[str, str]]) -> None:
    for label, value in rows:
        pdf.set_font(_SANS, "B", 10)
        pdf.cell(38, 6.5, label)
        pdf.set_font(_SANS, size=10)
        pdf.multi_cell(0, 6.5, value, new_x="LMARGIN", new_y="NEXT")


def _table(
    pdf: _ProofPDF,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    align: Sequence[str],
    size: float = 8.5,
    bold_last: bool = False,
) -> None:
    pdf.set_font(_SANS, size=size)
    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=tuple(widths),
        text_align=tuple(align),
        line_height=size * 0.5,
        padding=(1.2, 1.5),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        headings_style=FontFace(emphasis="BOLD", fill_color=_HEAD_FILL, color=_INK),
        cell_fill_color=_ZEBRA,
        cell_fill_mode="ROWS",
        repeat_headings=1,
        width=pdf.epw,
    ) as table:
        table.row(headings)
        for i, values in enumerate(rows):
            bold = bold_last and i == len(rows) - 1
            style = FontFace(emphasis="BOLD") if bold else None
            table.row(values, style=style)
    pdf.ln(1)


def _kind_label(doc: ProofDocument, kind: str) -> str:
    return doc.kind_labels_nl.get(kind) or kind.replace("_", " ").capitalize()


def _totals(entries: Iterable[ProofEntry]) -> dict[str, float]:
    out: dict[str, float] = {}
    for e in entries:
        out[e.kind] = out.get(e.kind, 0.0) + e.hours
    return out


def _kind_order(doc: ProofDocument, kinds: Iterable[str]) -> list[str]:
    known = list(doc.kind_labels_nl)
    present = set(kinds)
    return [k for k in known if k in present] + sorted(present - set(known))


def _entries_table(
    pdf: _ProofPDF, doc: ProofDocument, entries: Sequence[ProofEntry], confirmed: bool
) -> None:
    ordered = sorted(entries, key=lambda e: e.day)
    headings: tuple[str, ...] = ("Datum", "Activiteit", "Soort", "Aanbieder", "Uren")
    rows: list[tuple[str, ...]] = [
        (
            day_nl(e.day),
            _clean(e.activity),
            _kind_label(doc, e.kind),
            _clean(e.provider),
            format_hours_nl(e.hours),
        )
        for e in ordered
    ]
    if confirmed:
        headings += ("Bevestigd door", "Bevestigd op")
        rows = [
            (*row, _clean(e.confirmed_by), stamp_nl(e.confirmed_at))
            for row, e in zip(rows, ordered, strict=True)
        ]
        widths: tuple[int, ...] = (18, 37, 26, 28, 12, 27, 30)
        align: tuple[str, ...] = ("L", "L", "L", "L", "R", "L", "L")
    else:
        widths = (18, 72, 30, 43, 15)
        align = ("L", "L", "L", "L", "R")
    _table(pdf, headings, rows, widths, align, size=8)


def _totals_section(pdf: _ProofPDF, doc: ProofDocument) -> None:
    confirmed = _totals(doc.entries)
    declared = _totals(doc.self_declared)
    counted_total = sum(confirmed.values()) + (
        sum(declared.values()) if doc.self_declared_counts else 0.0
    )
    kinds = _kind_order(doc, [*confirmed, *declared])
    _heading(pdf, "Totalen", keep=min(8.0 * (len(kinds) + 2) + 22, 200.0))
    if kinds:
        rows = []
        for k in kinds:
            c, d = confirmed.get(k, 0.0), declared.get(k, 0.0)
            counted = c + (d if doc.self_declared_counts else 0.0)
            rows.append(
                (
                    _kind_label(doc, k),
                    format_hours_nl(c),
                    format_hours_nl(d),
                    format_hours_nl(counted),
                )
            )
        rows.append(
            (
                "Totaal",
                format_hours_nl(sum(confirmed.values())),
                format_hours_nl(sum(declared.values())),
                format_hours_nl(counted_total),
            )
        )
        _table(
            pdf,
            ("Soort", "Bevestigd", "Zelf aangegeven", "Telt mee"),
            rows,
            (70, 36, 36, 36),
            ("L", "R", "R", "R"),
            size=9,
            bold_last=True,
        )
    target = doc.target_hours
    percent = round(100 * counted_total / target)
    pdf.ln(1)
    pdf.set_font(_SANS, "B", 10.5)
    summary = (
        f"Telt mee voor het doel: {format_hours_nl(counted_total)} van "
        f"{format_hours_nl(target)} ({percent} %)."
    )
    pdf.multi_cell(0, 6, summary, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_SANS, size=10)
    if counted_total + 1e-9 >= target:
        extra = counted_total - target
        more = f" ({format_hours_nl(extra)} meer dan het doel)" if extra > 1e-9 else ""
        status = f"Het doel van {format_hours_nl(target)} is bereikt{more}."
    else:
        status = f"Nog te doen: {format_hours_nl(target - counted_total)}."
    pdf.multi_cell(0, 6, status, new_x="LMARGIN", new_y="NEXT")


def _self_declared_section(pdf: _ProofPDF, doc: ProofDocument) -> None:
    _heading(pdf, "Zelf aangegeven uren")
    note = "Deze uren heeft de deelnemer zelf aangegeven; een aanbieder heeft ze niet bevestigd. "
    if doc.self_declared_counts:
        note += "In dit netwerk tellen zelf aangegeven uren mee voor het doel."
    else:
        note += (
            "In dit netwerk tellen zelf aangegeven uren niet mee voor het doel; "
            "ze staan hier ter informatie."
        )
    _paragraph(pdf, note, muted=True)
    pdf.ln(1.5)
    if doc.self_declared:
        _entries_table(pdf, doc, doc.self_declared, confirmed=False)
        total = sum(e.hours for e in doc.self_declared)
        pdf.set_font(_SANS, "B", 10)
        pdf.cell(
            0, 6, f"Totaal zelf aangegeven: {format_hours_nl(total)}", new_x="LMARGIN", new_y="NEXT"
        )
    else:
        _paragraph(pdf, "Geen zelf aangegeven uren.")


def _verification(pdf: _ProofPDF, doc: ProofDocument) -> None:
    _heading(pdf, "Verificatie")
    _paragraph(
        pdf,
        f"Dit bewijs is aangemaakt op {long_date_nl(doc.generated_at)}. "
        "Controleer de echtheid met de verificatiecode:",
    )
    pdf.ln(1.5)
    pdf.set_font(_SANS, "B", 14)
    pdf.cell(0, 8, doc.verification_code, new_x="LMARGIN", new_y="NEXT")
    ways = []
    if doc.verify_mail:
        ways.append(f"mail de code naar {doc.verify_mail} (u krijgt meteen antwoord)")
    if doc.verify_bot:
        ways.append(f"stuur in Telegram /verify {doc.verification_code} naar @{doc.verify_bot}")
    if ways:
        _paragraph(
            pdf,
            "Controleer de code: " + " of ".join(ways) + ". Een gewijzigde of verzonnen code "
            "wordt geweigerd.",
            size=9,
            muted=True,
        )


def render_proof_pdf(doc: ProofDocument) -> bytes:
    """Render the proof of participation as PDF bytes (deterministic for the same input)."""
    pdf = _new_pdf(doc)
    pdf.add_page()

    _header_line(pdf, doc)
    _rule(pdf, 1.5)
    pdf.set_font(_SANS, "B", 20)
    pdf.cell(0, 10, "Bewijs van deelname", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_SANS, size=12.5)
    pdf.set_text_color(*_MUTED)
    pdf.cell(0, 7, "Participatie- en netwerktraject", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*_INK)
    pdf.ln(3)
    facts = [
        ("Naam", _clean(doc.person_name)),
        ("Netwerk", _clean(doc.network_name)),
        ("Doel", format_hours_nl(doc.target_hours)),
        ("Aangemaakt op", long_date_nl(doc.generated_at)),
        ("Verificatiecode", doc.verification_code),
    ]
    _facts(pdf, facts)

    _heading(pdf, "Bevestigde activiteiten")
    if doc.entries:
        _entries_table(pdf, doc, doc.entries, confirmed=True)
    else:
        _paragraph(pdf, "Nog geen bevestigde activiteiten.")

    _totals_section(pdf, doc)
    _self_declared_section(pdf, doc)
    _verification(pdf, doc)
    return bytes(pdf.output())
