"""Reminders: what is due when, what it says, and `/reminders` to pause or turn them off.

The scheduler (bot/scheduler.py) runs the `TICKS` of `handlers.reminders.ticks`; each tick
reads what is due from the store and queues messages in the outbox. Every reminder has a key,
noted in `reminder_log` in the same transaction, so a tick that runs twice (or a catch-up after
a restart) queues nothing twice. The rules that hold for every reminder:

- never between 21:00 and 08:00 local time: the message waits (outbox `not_before`);
- never for a person who paused or turned off that kind, or stopped all reminders;
- never to a person we cannot reach (they blocked the bot);
- never to a newcomer who reached the target: they get the big celebration instead (once).

Kinds: `session` (the day before an enrolled session: when, where, a map link; the day
before a planned buddy meeting, to both), `after` ("how did it go?" after a session, with
one-tap durations; after a planned buddy meeting, to the buddy), `nudge` (a newcomer with no hours
for 14 days gets two ideas, at most once a week; a buddy with no meeting for 14 days), and
`confirm` (an entry waiting 3 days for its confirmer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.context import Config, after_quiet_hours, notify_person
from handlers.hours.progress import celebrate, counted_minutes
from handlers.registry import N_
from handlers.types import Reply
from i18n import Translator
from storage import reminders as store
from storage.db import Tx

QUIET_DAYS = 14  # no hours (newcomer) or no meeting (buddy) for this long: a nudge
NUDGE_EVERY = timedelta(days=7)
CONFIRM_AFTER = timedelta(days=3)
AFTER_LOOKBACK = timedelta(hours=36)  # sessions that ended this recently get "how did it go?"
AFTER_MEETING = timedelta(hours=1)  # a planned buddy meeting is "over" this long after its start
MAX_CONFIRM_LISTED = 5
PAUSE = timedelta(days=7)

KIND_LABELS = {
    "session": N_("📅 Before an activity"),
    "after": N_("📝 After an activity: log hours"),
    "nudge": N_("👋 When it has been quiet"),
    "confirm": N_("⏳ Hours to confirm"),
    "new_offer": N_("🆕 New activities that fit me"),  # handlers/offers/new_offers.py
}
ROLE_KINDS = {
    "newcomer": ("session", "after", "nudge", "confirm", "new_offer"),
    "buddy": ("session", "after", "nudge", "confirm"),
    "provider": ("confirm",),
}

Build = Callable[[Translator], list[Reply]]


# --- the rules every reminder follows --------------------------------------------------------
def not_before(now: datetime, tz: ZoneInfo) -> datetime:
    """`now`, or 08:00 local when `now` is in the quiet hours: the one rule of
    `handlers.context.after_quiet_hours`, shared with every other notification."""
    return after_quiet_hours(now, tz).astimezone(UTC)


def in_quiet_hours(now: datetime, tz: ZoneInfo) -> bool:
    return not_before(now, tz) != now


@dataclass
class Round:
    """What one tick needs about everyone, read once."""

    tx: Tx
    config: Config
    now: datetime
    settings: dict[int, store.ReminderSettings]
    queued: int = 0
    _reached: dict[int, bool] = field(default_factory=dict)

    @classmethod
    async def open(cls, tx: Tx, config: Config, now: datetime) -> Round:
        return cls(tx, config, now, {})

    @property
    def local_today(self) -> date:
        return self.now.astimezone(self.config.tz).date()

    async def allows(self, person_id: int, kind: str) -> bool:
        """Read per person, when first needed: a part of a tick concerns a few people, and
        reading everyone's settings for each part cost more than the part."""
        settings = self.settings.get(person_id)
        if settings is None:
            settings = self.settings[person_id] = await store.get_settings(self.tx, person_id)
        return settings.allows(kind, self.now)

    async def reached_target(self, person_id: int) -> bool:
        if person_id not in self._reached:
            counted = await counted_minutes(self.tx, self.config, person_id)
            self._reached[person_id] = counted >= self.config.target_hours * 60
            if self._reached[person_id] and not in_quiet_hours(self.now, self.config.tz):
                # The big celebration (once, shared with the hours flow), never a reminder.
                await celebrate(
                    self.tx, self.config, self.now, person_id,
                    self.config.target_hours * 60 - 1, counted,
                )  # fmt: skip
        return self._reached[person_id]

    async def send(self, person_id: int, kind: str, key: str, build: Build) -> bool:
        """Queue one reminder unless it was queued before, the person opted out or is gone."""
        if not await self.allows(person_id, kind) or await store.logged(self.tx, key):
            return False
        queued = await notify_person(
            self.tx, self.now, person_id, build, key=key, purpose=store.PURPOSE_PREFIX + kind,
            not_before=not_before(self.now, self.config.tz),
        )  # fmt: skip
        if queued:
            await store.log_reminder(self.tx, key, person_id, kind, self.now)
            self.queued += 1
        return queued
