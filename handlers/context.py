"""What a step works with: the open transaction, the person, their state, language and clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Self, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from handlers.registry import Registry
from handlers.types import Button, Reply, Turn
from handlers.voice.speak import spoken_purpose, with_voice
from i18n import Translator, translator
from storage import outbox
from storage.conversations import ConversationState
from storage.db import Tx
from storage.delivery import unreachable_since
from storage.outbox_bundle import bundle_into, waiting_message
from storage.people import Person, get_person, identities_of

# Where a message to a person goes when they have several ways to be reached.
CHANNEL_PREFERENCE = ("telegram", "email", "console")


class Draft(BaseModel):
    """What a flow has gathered so far, kept in the conversation state between turns.

    Each flow defines a small subclass next to its steps. A draft is read leniently: keys of
    another flow or an older version are ignored, and a value that does not fit (stale or
    tampered state) reads as that field's default, so a turn never crashes on it; the steps
    check everything again before they change anything. A field whose stored key differs
    from its name (the key of an older version) is declared with `stored_as`.
    """

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @classmethod
    def read(cls, data: dict[str, Any]) -> Self:
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            bad = {e["loc"][0] for e in error.errors() if e["loc"]}
        try:
            return cls.model_validate({k: v for k, v in data.items() if k not in bad})
        except ValidationError:
            return cls()

    def stored(self) -> dict[str, Any]:
        """The JSON-ready keys and values to keep (dates as ISO text)."""
        return self.model_dump(mode="json", by_alias=True)


D = TypeVar("D", bound=Draft)


def stored_as(key: str, default: Any = None) -> Any:
    """A draft field kept under the JSON key `key` (a mutable default is copied per draft)."""
    return Field(default, validation_alias=key, serialization_alias=key)


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
    retention_months: int = 24
    controller_name: str = "Meedoen"
    controller_contact: str = "meedoen@localhost"

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
    def draft(self, kind: type[D]) -> D:
        """The draft of the current flow as `kind`; what does not fit reads as defaults."""
        return kind.read(self.state.data)

    def keep(self, draft: Draft) -> None:
        """Write `draft` back into the conversation state (other keys stay as they are)."""
        self.state.data.update(draft.stored())

    async def goto(self, code: str, draft: Draft | None = None) -> list[Reply]:
        """Move to step `code` (keeping `draft` first, if given) and show its prompt."""
        if draft is not None:
            self.keep(draft)
        self.state.step = code
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
            self.tx, self.now, person_id, build, key=key, purpose=purpose,
            not_before=not_before, tz=self.config.tz,
        )  # fmt: skip

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


# Notifications that can wait for the morning (21:00–08:00 is quiet, as for reminders), and
# those that are bundled when several of the same purpose come within a few minutes.
QUIET_PURPOSES = frozenset(
    {"hours_confirmed", "milestone", "paired", "plan", "provider_enrolment",
     "provider_cancellation", "confirm_request", "dispute", "dispute_staff"}
)  # fmt: skip
BUNDLED_PURPOSES = frozenset({"hours_confirmed", "provider_enrolment", "provider_cancellation"})
QUIET_FROM, QUIET_UNTIL = time(21, 0), time(8, 0)
BUNDLE_WINDOW = timedelta(minutes=3)
MENU_ROLES = ("newcomer", "buddy")
MAX_BUNDLE_TEXT = 3000  # characters; a bigger bundle starts a new message


def after_quiet_hours(now: datetime, tz: ZoneInfo) -> datetime:
    """`now`, or 08:00 local when `now` is in the quiet hours (21:00–08:00)."""
    local = now.astimezone(tz)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return now
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=tz).astimezone(now.tzinfo)


def with_way_on(t: Translator, replies: list[Reply]) -> list[Reply]:
    """A notification ends with a button: the menu when it brings none of its own."""
    if replies and not any(r.buttons for r in replies):
        last = replies[-1].model_copy(
            update={"buttons": [[Button(label=t._("🏠 Menu"), data="m:home")]]}
        )
        return [*replies[:-1], last]
    return replies


def bundled(old: list[Reply], new: list[Reply]) -> list[Reply] | None:
    """One message from two of the same purpose: texts one below the other, every button
    row once. None when either has a picture or file, or the text grows too long."""
    if len(old) != 1 or len(new) != 1:
        return None
    a, b = old[0], new[0]
    if a.image or a.document or b.image or b.document:
        return None
    text = f"{a.text}\n\n{b.text}"
    if len(text) > MAX_BUNDLE_TEXT:
        return None
    rows = [*a.buttons, *(row for row in b.buttons if row not in a.buttons)]
    return [Reply(text=text, buttons=rows)]


async def notify_person(
    tx: Tx,
    now: datetime,
    person_id: int,
    build: Callable[[Translator], list[Reply]],
    *,
    key: str,
    purpose: str,
    not_before: datetime | None = None,
    tz: ZoneInfo | None = None,
) -> bool:
    """Queue `build(their translator)` on the person's first reachable channel.

    Channels are tried in `CHANNEL_PREFERENCE` order, skipping an address marked unreachable
    (they blocked the bot, or mail bounced). The idempotency `key` makes a repeat a no-op.
    Non-urgent purposes wait for the end of the quiet hours; some are bundled with a message
    of the same purpose still waiting (sent after `BUNDLE_WINDOW` to give others time to
    join). Every notification ends with a button. Returns False when the person cannot be
    reached or the key was queued before.
    """
    person = await get_person(tx, person_id)
    if person is None:
        return False
    zone = tz or ZoneInfo(Config().timezone)
    when = not_before or now
    if purpose in QUIET_PURPOSES:
        when = max(when, after_quiet_hours(when, zone))
    if purpose in BUNDLED_PURPOSES:
        when = max(when, now + BUNDLE_WINDOW)
    identities = {i.channel: i.address for i in await identities_of(tx, person_id)}
    for channel in CHANNEL_PREFERENCE:
        address = identities.get(channel)
        if address is None or await unreachable_since(tx, channel, address):
            continue
        t = translator(person.locale)
        replies = build(t)
        if person.role in MENU_ROLES:  # staff and providers have no person menu
            replies = with_way_on(t, replies)
        if purpose in BUNDLED_PURPOSES:
            waiting = await waiting_message(
                tx, person_id, channel, address, purpose, now - BUNDLE_WINDOW
            )
            merged = bundled(load_replies(waiting[1]), replies) if waiting else None
            if waiting and merged and await bundle_into(
                tx, waiting[0], dump_replies(merged), key=key, person_id=person_id,
                channel=channel, address=address, purpose=purpose, now=now,
            ):  # fmt: skip
                return True
        if channel == "telegram":
            chosen = [spoken_purpose(purpose)] * len(replies)
            replies = await with_voice(tx, person_id, person.locale, replies, chosen)
        return await outbox.enqueue(
            tx,
            key=key,
            person_id=person_id,
            channel=channel,
            address=address,
            purpose=purpose,
            payload=dump_replies(replies),
            now=now,
            not_before=when,
        )
    return False


def dump_replies(replies: list[Reply]) -> str:
    """Replies as JSON for the outbox; a picture with a recipe goes as its recipe only (it is
    drawn again when sent, or sent by its file_id), not as a PNG."""
    return "[" + ",".join(_without_drawn(reply).model_dump_json() for reply in replies) + "]"


def _without_drawn(reply: Reply) -> Reply:
    image = reply.image
    if image is None or image.recipe is None or not image.content:
        return reply
    return reply.model_copy(update={"image": image.model_copy(update={"content": b""})})


def load_replies(payload: str) -> list[Reply]:
    from pydantic import TypeAdapter

    return TypeAdapter(list[Reply]).validate_json(payload)
