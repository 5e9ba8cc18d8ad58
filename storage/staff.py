"""Staff accounts: one e-mail address, one network, optionally a Telegram person."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from storage.clock import iso, parse
from storage.db import Tx
from storage.people import create_person, find_by_identity, update_person


class StaffAccount(BaseModel):
    id: int
    email: str
    network_id: int
    network_name: str
    person_id: int | None = None
    telegram_id: str | None = None
    created_at: datetime


class StaffError(ValueError):
    """A staff change that cannot be made; the message says why in one Dutch line."""


_SELECT = (
    "SELECT s.id, s.email, s.network_id, n.name AS network_name, s.person_id, s.telegram_id, "
    "s.created_at FROM staff s JOIN networks n ON n.id = s.network_id"
)


def _account(row: object) -> StaffAccount:
    data = dict(row)  # type: ignore[call-overload]
    data["created_at"] = parse(data["created_at"])
    return StaffAccount(**data)


def valid_email(email: str) -> bool:
    local, at, domain = email.strip().rpartition("@")
    return bool(at and local and "." in domain and " " not in email.strip() and len(email) < 255)


async def add_staff(
    tx: Tx, *, email: str, network_id: int, now: datetime, telegram_id: str | None = None
) -> StaffAccount:
    """Create (or move) a staff account; with a Telegram id, link it to that person."""
    email = email.strip().lower()
    if not valid_email(email):
        raise StaffError(f"geen e-mailadres: {email!r}")
    person_id = None
    if telegram_id is not None:
        telegram_id = telegram_id.strip()
        if not telegram_id.lstrip("-").isdigit():
            raise StaffError(f"een Telegram-id is een getal, niet {telegram_id!r}")
        person = await find_by_identity(tx, "telegram", telegram_id)
        if person is not None and person.role not in (None, "staff"):
            raise StaffError(f"Telegram-id {telegram_id} hoort bij een {person.role}")
        other = await tx.one(
            "SELECT email FROM staff WHERE telegram_id = ? AND email != ?", (telegram_id, email)
        )
        if other is not None:
            raise StaffError(f"Telegram-id {telegram_id} wordt al gebruikt door {other['email']}")
        if person is None:
            person = await create_person(tx, "telegram", telegram_id, "nl", now)
        await update_person(
            tx,
            person.id,
            role="staff",
            network_id=network_id,
            consent_at=person.consent_at or now,
            onboarded_at=person.onboarded_at or now,
        )
        person_id = person.id
    await tx.execute(
        "INSERT INTO staff (email, network_id, person_id, telegram_id, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (email) DO UPDATE SET "
        "network_id = excluded.network_id, "
        "person_id = COALESCE(excluded.person_id, staff.person_id), "
        "telegram_id = COALESCE(excluded.telegram_id, staff.telegram_id)",
        (email, network_id, person_id, telegram_id, iso(now)),
    )
    account = await staff_by_email(tx, email)
    assert account is not None
    if account.person_id is not None:
        await update_person(tx, account.person_id, network_id=network_id)
    return account


async def staff_by_email(tx: Tx, email: str) -> StaffAccount | None:
    row = await tx.one(f"{_SELECT} WHERE s.email = ?", (email.strip().lower(),))
    return None if row is None else _account(row)


async def staff_for_person(tx: Tx, person_id: int) -> StaffAccount | None:
    """The staff account of a person talking to the bot, if they have one."""
    row = await tx.one(f"{_SELECT} WHERE s.person_id = ?", (person_id,))
    return None if row is None else _account(row)


async def list_staff(tx: Tx, network_id: int | None = None) -> list[StaffAccount]:
    if network_id is None:
        rows = await tx.all(f"{_SELECT} ORDER BY n.name, s.email")
    else:
        rows = await tx.all(f"{_SELECT} WHERE s.network_id = ? ORDER BY s.email", (network_id,))
    return [_account(row) for row in rows]


async def remove_staff(tx: Tx, email: str) -> bool:
    """Remove the account; the linked Telegram person loses the staff role (nothing else)."""
    account = await staff_by_email(tx, email)
    if account is None:
        return False
    await tx.execute("DELETE FROM staff WHERE id = ?", (account.id,))
    if account.person_id is not None:
        await tx.execute(
            "UPDATE people SET role = NULL, onboarded_at = NULL WHERE id = ? AND role = 'staff'",
            (account.person_id,),
        )
    return True
