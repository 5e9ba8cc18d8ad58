"""Offer titles in a map box, for searching offers by a typed word."""

from __future__ import annotations

from datetime import date
from typing import Any

from storage.db import Tx
from storage.offers import Box, lon_cell


async def titles_in_box(tx: Tx, box: Box, today: date) -> list[Any]:
    """Rows (id, title_nl, translations as JSON text) of active, not ended offers in `box`."""
    cells = list(range(lon_cell(box[2]), lon_cell(box[3]) + 1))
    sql = (
        "SELECT id, title_nl, translations FROM offers "
        f"WHERE active = 1 AND lon_cell IN ({','.join('?' for _ in cells)}) "
        "AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ? "
        "AND (last_day IS NULL OR last_day >= ?)"
    )
    return await tx.all(sql, [*cells, *box, today.isoformat()])
