"""CSV cells that a spreadsheet cannot run: neutralise values that start a formula.

Excel, LibreOffice and Google Sheets treat a cell starting with = + - @ (and, after a tab or
carriage return, the same) as a formula, so a first name like `=HYPERLINK("http://x","?")`
would become a live link in staff's spreadsheet (OWASP "CSV Injection"). Such a text cell
gets a leading apostrophe, which spreadsheets show as text and do not display. Numbers we
write ourselves (hours like "-1,5" never occur; ids are positive) are left alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value, or text starting with ' when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in row]


def write_csv(
    header: list[str], rows: Iterable[list[object]], text_columns: Collection[int] | None = None
) -> bytes:
    """A `;`-separated UTF-8 CSV with a BOM (what Excel in Belgium opens as columns).

    `text_columns`: the only columns that can hold what people typed (the rest we formatted
    ourselves); None checks every cell.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(safe_row(header))
    if text_columns is None:
        writer.writerows(safe_row(row) for row in rows)
    else:
        for row in rows:
            for index in text_columns:
                row[index] = safe_cell(row[index])
            writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
