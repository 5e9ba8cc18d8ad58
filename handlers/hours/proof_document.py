"""What a proof of participation shows (built by `handlers.hours.proof` from the store), and
its dates and hours written the Dutch way; `handlers.hours.proof_pdf` lays it out."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from handlers.hours.progress_bar import format_hours

TZ = ZoneInfo("Europe/Brussels")
MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


class ProofEntry(BaseModel):
    """One activity line on the proof."""

    day: date
    activity: str
    provider: str | None = None
    kind: str
    hours: float = Field(ge=0)
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None


class ProofDocument(BaseModel):
    """Everything the proof shows; built by the caller from the database."""

    person_name: str
    header_line: str
    header_rtl: bool = False
    entries: list[ProofEntry]
    self_declared: list[ProofEntry]
    self_declared_counts: bool
    kind_labels_nl: dict[str, str]
    target_hours: int = Field(gt=0)
    generated_at: datetime
    verification_code: str
    network_name: str | None = None
    verify_mail: str | None = None  # Meedoen's address: mail the code there to check it
    verify_bot: str | None = None  # the Telegram bot's username: /verify CODE there


def format_hours_nl(hours: float) -> str:
    """Hours the Dutch way: ``1,5 u``."""
    return f"{format_hours(hours)} u"


def local_time(dt: datetime) -> datetime:
    return dt.astimezone(TZ) if dt.tzinfo is not None else dt


def day_nl(d: date) -> str:
    return d.strftime("%d-%m-%Y")


def stamp_nl(dt: datetime | None) -> str:
    return local_time(dt).strftime("%d-%m-%Y %H:%M") if dt else "–"


def long_date_nl(dt: datetime) -> str:
    dt = local_time(dt)
    return f"{dt.day} {MONTHS_NL[dt.month - 1]} {dt.year} om {dt:%H:%M}"
