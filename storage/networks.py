"""Regional networks and the postcodes they cover."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from storage.db import Tx


class Network(BaseModel):
    id: int
    name: str


async def ensure_network(tx: Tx, name: str) -> Network:
    await tx.execute("INSERT OR IGNORE INTO networks (name) VALUES (?)", (name.strip(),))
    row = await tx.one("SELECT id, name FROM networks WHERE name = ?", (name.strip(),))
    assert row is not None
    return Network(**dict(row))


async def find_network(tx: Tx, name: str) -> Network | None:
    row = await tx.one("SELECT id, name FROM networks WHERE name = ?", (name.strip(),))
    return None if row is None else Network(**dict(row))


async def get_network(tx: Tx, network_id: int) -> Network | None:
    row = await tx.one("SELECT id, name FROM networks WHERE id = ?", (network_id,))
    return None if row is None else Network(**dict(row))


async def list_networks(tx: Tx) -> list[Network]:
    return [
        Network(**dict(row)) for row in await tx.all("SELECT id, name FROM networks ORDER BY name")
    ]


async def network_for_postcode(tx: Tx, postcode: str) -> Network | None:
    row = await tx.one(
        "SELECT n.id, n.name FROM networks n JOIN network_postcodes p ON p.network_id = n.id "
        "WHERE p.postcode = ?",
        (postcode,),
    )
    return None if row is None else Network(**dict(row))


async def municipality_for_postcode(tx: Tx, postcode: str) -> str | None:
    return await tx.scalar(
        "SELECT municipality FROM network_postcodes WHERE postcode = ?", (postcode,)
    )


async def network_controller(tx: Tx, network_id: int) -> tuple[str, str] | None:
    """(name, contact) of the network's controller when the networks file names one."""
    row = await tx.one(
        "SELECT controller_name, controller_contact FROM networks WHERE id = ?", (network_id,)
    )
    if row is None or not row["controller_name"] or not row["controller_contact"]:
        return None
    return str(row["controller_name"]), str(row["controller_contact"])


async def load_networks_file(tx: Tx, path: Path) -> int:
    """Create networks and their postcodes from a JSON file; return how many postcodes."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    count = 0
    for entry in spec["networks"]:
        network = await ensure_network(tx, entry["name"])
        controller = entry.get("controller") or {}
        await tx.execute(
            "UPDATE networks SET controller_name = ?, controller_contact = ? WHERE id = ?",
            (controller.get("name"), controller.get("contact"), network.id),
        )
        for municipality in entry["municipalities"]:
            for postcode in municipality["postcodes"]:
                count += await tx.rowcount(
                    "INSERT INTO network_postcodes (postcode, network_id, municipality) "
                    "VALUES (?, ?, ?) ON CONFLICT (postcode) DO UPDATE SET "
                    "network_id = excluded.network_id, municipality = excluded.municipality",
                    (str(postcode), network.id, municipality["name"]),
                )
    return count
