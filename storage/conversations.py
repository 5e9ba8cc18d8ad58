"""Where each person is in a conversation: flow, step and draft data, kept across restarts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from storage.clock import iso
from storage.db import Statement, Tx, dumps, loads


class ConversationState(BaseModel):
    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


def state_by_identity(channel: str, address: str) -> Statement:
    """The state of the person at an address (read the row with `state_from`)."""
    return (
        "SELECT flow, step, data FROM conversations WHERE person_id = "
        "(SELECT person_id FROM identities WHERE channel = ? AND address = ?)",
        (channel, address),
        "one",
    )


async def load_state(tx: Tx, person_id: int) -> ConversationState:
    """The stored state; what is not of the right shape reads as empty (never raises)."""
    row = await tx.one(
        "SELECT flow, step, data FROM conversations WHERE person_id = ?", (person_id,)
    )
    return state_from(row)


def state_from(row: Any) -> ConversationState:
    """A stored state row (or None) as a state; a row not of the right shape reads as empty."""
    if row is None:
        return ConversationState()
    try:
        data = loads(row["data"], {})
    except ValueError:  # not JSON: the draft is lost, the flow starts again
        data = {}
    flow, step = row["flow"], row["step"]
    return ConversationState(
        flow=flow if isinstance(flow, str) else None,
        step=step if isinstance(step, str) else None,
        data=data if isinstance(data, dict) else {},
    )


_SAVE = (
    "INSERT INTO conversations (person_id, flow, step, data, updated_at) "
    "VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (person_id) DO UPDATE SET flow = excluded.flow, step = excluded.step, "
    "data = excluded.data, updated_at = excluded.updated_at"
)


async def save_state(tx: Tx, person_id: int, state: ConversationState, now: datetime) -> None:
    await tx.execute(_SAVE, (person_id, state.flow, state.step, dumps(state.data), iso(now)))


def save_state_at_commit(tx: Tx, person_id: int, state: ConversationState, now: datetime) -> None:
    """`save_state` with the transaction's COMMIT (a turn's last write)."""
    tx.at_commit(_SAVE, (person_id, state.flow, state.step, dumps(state.data), iso(now)))
