"""What a step works with: the open transaction, the person, their state, language and clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.registry import Registry
from handlers.types import Reply, Turn
from i18n import Translator, translator
from storage import outbox
from storage.conversations import ConversationState
from storage.db import Tx
from storage.delivery import unreachable_since
from storage.people import Person, get_person, identities_of

# Where a message to a person goes when they have several ways to be reached.
CHANNEL_PREFERENCE = ("telegram", "email", "console")


@dataclass(frozen=True)
class Config:
    """The settings handlers need; the composition root fills it from `bot.settings`."""

    target_hours: int = 40
    timezone: str = "Europe/Brussels"
    default_locale: str = "nl"
    max_log_age_days: int = 30
    self_declared_counts: bool = False
    bot_username: str | None = None
    mail_from: str = "meedoen@localhost"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass
class Context:
    tx: Tx
    person: Person
    state: ConversationState
    config: Config
    now: datetime
    turn: Turn
    registry: Registry  # every capability's steps, actions and commands
    forgotten: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    # Work the router runs after the turn's transaction committed (rendering a PDF, a picture):
    # CPU-heavy work never holds the write lock that every other turn waits for.
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    # --- language -------------------------------------------------------------------------
    @property
    def t(self) -> Translator:
        return translator(self.person.locale)

    def _(self, message: str, /, **values: object) -> str:
        return self.t._(message, **values)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        return self.t.ngettext(singular, plural, n, **values)

    # --- time -----------------------------------------------------------------------------
    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.config.tz)

    @property
    def today(self) -> date:
        return self.local_now.date()

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    # --- conversation ---------------------------------------------------------------------
    async def goto(self, code: str, **data: Any) -> list[Reply]:
        """Move to step `code` (keeping draft data, adding `data`) and show its prompt."""
        self.state.step = code
        self.state.data.update(data)
        return await self.registry.steps[code].prompt(self)

    def finish(self) -> None:
        """Leave the current flow; draft data is dropped."""
        self.state.flow = None
        self.state.step = None
        self.state.data = {}

    async def reprompt(self) -> list[Reply]:
        step = self.registry.steps.get(self.state.step or "")
        return await step.prompt(self) if step else []

    # --- messages to other people (outbox) ------------------------------------------------
    async def notify(
        self,
        person_id: int,
        build: Any,
        *,
        key: str,
        purpose: str,
        not_before: datetime | None = None,
    ) -> bool:
        """Queue messages for another person in their language (see `notify_person`)."""
        return await notify_person(
            self.tx, self.now, person_id, build, key=key, purpose=purpose, not_before=not_before
        )

    async def enqueue(
        self,
        channel: str,
        address: str,
        replies: list[Reply],
        *,
        key: str,
        purpose: str,
        person_id: int | None = None,
        not_before: datetime | None = None,
    ) -> bool:
        return await outbox.enqueue(
            self.tx,
            key=key,
            person_id=person_id,
            channel=channel,
            address=address,
            purpose=purpose,
            payload=dump_replies(replies),
            now=self.now,
            not_before=not_before,
        )


async def notify_person(
    tx: Tx,
    now: datetime,
    person_id: int,
    build: Callable[[Translator], list[Reply]],
    *,
    key: str,
    purpose: str,
    not_before: datetime | None = None,
) -> bool:
    """Queue `build(their translator)` on the person's first reachable channel.

    Channels are tried in `CHANNEL_PREFERENCE` order, skipping an address marked unreachable
    (they blocked the bot, or mail bounced). The idempotency `key` makes a repeat a no-op.
    Returns False when the person cannot be reached or the key was queued before.
    """
    person = await get_person(tx, person_id)
    if person is None:
        return False
    identities = {i.channel: i.address for i in await identities_of(tx, person_id)}
    for channel in CHANNEL_PREFERENCE:
        address = identities.get(channel)
        if address is None or await unreachable_since(tx, channel, address):
            continue
        return await outbox.enqueue(
            tx,
            key=key,
            person_id=person_id,
            channel=channel,
            address=address,
            purpose=purpose,
            payload=dump_replies(build(translator(person.locale))),
            now=now,
            not_before=not_before,
        )
    return False


def dump_replies(replies: list[Reply]) -> str:
    return "[" + ",".join(reply.model_dump_json() for reply in replies) + "]"


def load_replies(payload: str) -> list[Reply]:
    from pydantic import TypeAdapter

    return TypeAdapter(list[Reply]).validate_json(payload)
