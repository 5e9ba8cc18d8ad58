"""Time as the store writes it: aware UTC datetimes serialised as ISO-8601 'Z' strings."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_required(value: str) -> datetime:
    """A NOT NULL column's time."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def parse(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
