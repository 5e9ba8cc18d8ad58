"""Reminders: what is due when, what it says, and `/reminders` to pause or turn them off.

The scheduler (bot/scheduler.py) runs the `TICKS` below; each tick reads what is due from the
store and queues messages in the outbox. Every reminder has a key, noted in `reminder_log` in
the same transaction, so a tick that runs twice (or a catch-up after a restart) queues nothing
twice. The rules that hold for every reminder:

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
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.common import rows, stale_button
from handlers.context import Config, Context, notify_person
from handlers.hours.confirmations import all_button, answer_buttons, name_of
from handlers.hours.my_hours import quick_log_buttons
from handlers.hours.progress import celebrate, counted_minutes
from handlers.hours.rules import DURATION_BUTTONS, entry_line, hours_text
from handlers.offers.card_view import map_url
from handlers.offers.search import top_suggestions
from handlers.people.buddy_plans import plan_reminder_key, when_text
from handlers.registry import N_, Feature
from handlers.schedule import next_sessions
from handlers.ticks import Tick
from handlers.types import Button, Reply
from handlers.vocab import KINDS
from i18n import Translator
from storage import reminders as store
from storage.buddies import meeting_logged, planned_starting
from storage.db import Tx
from storage.hours import HourEntry, get_entry
from storage.offers import Offer
from storage.people import Person, get_person

feature = Feature("handlers.reminders.ticks")

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
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
    """`now`, or 08:00 local when `now` is in the quiet hours (21:00–08:00)."""
    local = now.astimezone(tz)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return now
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=tz).astimezone(UTC)


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
        return cls(tx, config, now, await store.all_settings(tx))

    @property
    def local_today(self) -> date:
        return self.now.astimezone(self.config.tz).date()

    def allows(self, person_id: int, kind: str) -> bool:
        settings = self.settings.get(person_id)
        return settings is None or settings.allows(kind, self.now)

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
        if not self.allows(person_id, kind) or await store.logged(self.tx, key):
            return False
        queued = await notify_person(
            self.tx, self.now, person_id, build, key=key, purpose=store.PURPOSE_PREFIX + kind,
            not_before=not_before(self.now, self.config.tz),
        )  # fmt: skip
        if queued:
            await store.log_reminder(self.tx, key, person_id, kind, self.now)
            self.queued += 1
        return queued


# --- the day before a session ----------------------------------------------------------------
def place_of(offer: Offer) -> str:
    town = " ".join(part for part in (offer.postcode, offer.municipality) if part)
    return ", ".join(part for part in (offer.address, town) if part)


def session_reminder(offer: Offer, start: datetime, end: datetime, same_day: bool) -> Build:
    """`same_day`: the message waited for the morning of the session (queued at night)."""

    def build(t: Translator) -> list[Reply]:
        icon = KINDS.get(offer.kind, KINDS["other"])[0]
        head = (
            t._("📅 Today: {icon} {title}", icon=icon, title=offer.title_nl)
            if same_day
            else t._("📅 Tomorrow: {icon} {title}", icon=icon, title=offer.title_nl)
        )
        lines = [
            head,
            t._("🕖 {day}, {start} – {end}", day=t.date(start.date()), start=t.time(start),
                end=t.time(end)),
        ]  # fmt: skip
        place = place_of(offer)
        if place:
            lines.append(t._("📍 {place}", place=place))
        return [
            Reply(
                text="\n".join(lines),
                buttons=[[Button(label=t._("🗺️ Map"), url=map_url(offer))]],
            )
        ]

    return build


async def remind_sessions(tx: Tx, config: Config, now: datetime) -> int:
    """The day before: every enrolled newcomer's sessions of tomorrow."""
    round_ = await Round.open(tx, config, now)
    tz = config.tz
    tomorrow = round_.local_today + timedelta(days=1)
    start_of_tomorrow = datetime.combine(tomorrow, time(0), tzinfo=tz)
    wait_until = not_before(now, tz)
    for enrolled in await store.enrolled_with_schedule(tx, round_.local_today):
        sessions = next_sessions(enrolled.offer, start_of_tomorrow - timedelta(seconds=1), tz, 5)
        for start, end in sessions:
            if start.date() != tomorrow or start <= wait_until:
                continue
            if await round_.reached_target(enrolled.person_id):
                break
            key = f"reminder:session:{enrolled.enrolment_id}:{start:%Y%m%dT%H%M}"
            same_day = wait_until.astimezone(tz).date() == tomorrow
            build = session_reminder(enrolled.offer, start, end, same_day)
            await round_.send(enrolled.person_id, "session", key, build)
    await remind_planned_meetings(round_, tomorrow)
    return round_.queued


# --- the day before a planned buddy meeting --------------------------------------------------
def meeting_reminder(other_name: str | None, starts_at: datetime, tz: ZoneInfo) -> Build:
    def build(t: Translator) -> list[Reply]:
        text = t._("📅 Reminder: you meet {name} on {when}.", name=name_of(t, None, other_name),
                   when=when_text(t, starts_at, tz))  # fmt: skip
        return [Reply(text=text, buttons=[[Button(label=t._("🤝 Buddy"), data="m:buddy")]])]

    return build


async def remind_planned_meetings(round_: Round, tomorrow: date) -> None:
    """Both the buddy and the newcomer, for every live meeting planned for tomorrow."""
    tz = round_.config.tz
    since = datetime.combine(tomorrow, time(0), tzinfo=tz).astimezone(UTC)
    until = datetime.combine(tomorrow + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    wait_until = not_before(round_.now, tz)
    for meeting in await planned_starting(round_.tx, since, until):
        if meeting.starts_at <= wait_until or await round_.reached_target(meeting.newcomer_id):
            continue
        for person_id, other in ((meeting.buddy_id, meeting.newcomer_name),
                                 (meeting.newcomer_id, meeting.buddy_name)):  # fmt: skip
            key = plan_reminder_key("session", meeting.id, person_id)
            await round_.send(person_id, "session", key,
                              meeting_reminder(other, meeting.starts_at, tz))  # fmt: skip


# --- after a session -------------------------------------------------------------------------
def after_reminder(offer: Offer, day: date) -> Build:
    def build(t: Translator) -> list[Reply]:
        text = t._("👋 How did it go at {title}? Tap how long you were there:",
                   title=offer.title_nl)  # fmt: skip
        return [Reply(text=text, buttons=quick_log_buttons(t, "o", offer.id, day))]

    return build


async def remind_after_sessions(tx: Tx, config: Config, now: datetime) -> int:
    """Sessions that ended in the last 36 hours and have no hours logged yet."""
    round_ = await Round.open(tx, config, now)
    tz = config.tz
    oldest_day = (now - AFTER_LOOKBACK).astimezone(tz).date()
    logged = await store.logged_offer_days(tx, oldest_day)
    for enrolled in await store.enrolled_with_schedule(tx, oldest_day):
        person_id, offer = enrolled.person_id, enrolled.offer
        for start, end in next_sessions(offer, now - AFTER_LOOKBACK, tz, 5):
            if end > now or start < enrolled.enrolled_at:
                continue  # not over yet, or before they joined
            day = start.date()
            if (person_id, offer.id, day) in logged or (now.astimezone(tz).date() - day).days > (
                config.max_log_age_days
            ):
                continue
            if await round_.reached_target(person_id):
                break
            key = f"reminder:after:{enrolled.enrolment_id}:{start:%Y%m%dT%H%M}"
            await round_.send(person_id, "after", key, after_reminder(offer, day))
    await remind_after_meetings(round_)
    return round_.queued


# --- after a planned buddy meeting -----------------------------------------------------------
def after_meeting_reminder(meeting_id: int, newcomer_name: str | None) -> Build:
    def build(t: Translator) -> list[Reply]:
        text = t._("👋 How did it go with {name}? Tap how long you met:",
                   name=name_of(t, None, newcomer_name))  # fmt: skip
        buttons = [
            Button(label=hours_text(t, minutes), data=f"bl:{meeting_id}:{minutes}")
            for minutes in DURATION_BUTTONS
        ]
        return [Reply(text=text, buttons=rows(buttons, 4))]

    return build


async def remind_after_meetings(round_: Round) -> None:
    """The buddy, once per planned meeting that started 1 to 36 hours ago and has no meeting
    logged for that day yet."""
    tz, now = round_.config.tz, round_.now
    until = now - AFTER_MEETING + timedelta(seconds=1)  # starts_at has whole seconds
    for meeting in await planned_starting(round_.tx, now - AFTER_LOOKBACK, until):
        day = meeting.starts_at.astimezone(tz).date()
        if await meeting_logged(round_.tx, meeting.pair_id, day):
            continue
        if await round_.reached_target(meeting.newcomer_id):
            continue
        key = plan_reminder_key("after", meeting.id, meeting.buddy_id)
        await round_.send(meeting.buddy_id, "after", key,
                          after_meeting_reminder(meeting.id, meeting.newcomer_name))  # fmt: skip




# --- quiet for two weeks ---------------------------------------------------------------------
def newcomer_nudge(name: str | None, ideas: list[Offer]) -> Build:
    def build(t: Translator) -> list[Reply]:
        hello = t._("👋 Hello {name}!", name=name) if name else t._("👋 Hello!")
        if ideas:
            lines = [hello + " " + t._("It has been two weeks. Two ideas for you:")]
            for offer in ideas:
                icon = KINDS.get(offer.kind, KINDS["other"])[0]
                where = offer.municipality or ""
                lines.append(t._("{icon} {title} · {place}", icon=icon, title=offer.title_nl,
                                 place=where))  # fmt: skip
        else:
            lines = [hello + " " + t._("It has been two weeks. Shall we find something for you?")]
        buttons = [
            Button(label=t._("🔎 Ideas"), data="m:offers"),
            Button(label=t._("⏱️ Log hours"), data="m:log"),
        ]
        return [Reply(text="\n".join(lines), buttons=[buttons])]

    return build


def buddy_nudge(newcomer_name: str | None) -> Build:
    def build(t: Translator) -> list[Reply]:
        text = t._("🤝 You did not log a meeting with {name} for two weeks. Meet again soon?",
                   name=newcomer_name or t._("your newcomer"))  # fmt: skip
        return [Reply(text=text, buttons=[[Button(label=t._("⏱️ Log a meeting"), data="m:log")]])]

    return build


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}W{week:02d}"


async def remind_quiet(tx: Tx, config: Config, now: datetime) -> int:
    """Newcomers without hours and buddies without a meeting for 14 days, once a week."""
    round_ = await Round.open(tx, config, now)
    before = now - timedelta(days=QUIET_DAYS)
    week = _week(round_.local_today)
    last = await store.last_reminded(tx, "nudge")
    for quiet in await store.quiet_newcomers(tx, before):
        person_id = quiet.person_id
        if (at := last.get(person_id)) is not None and now - at < NUDGE_EVERY:
            continue
        if not round_.allows(person_id, "nudge") or await round_.reached_target(person_id):
            continue
        person = await get_person(tx, person_id)
        if person is None:
            continue
        ideas = (await top_suggestions(tx, config, person, now, limit=2))[:2]
        key = f"reminder:nudge:{person_id}:{week}"
        if await round_.send(person_id, "nudge", key,
                             newcomer_nudge(person.display_name, ideas)):
            last[person_id] = now  # fmt: skip
    for pair in await store.quiet_pairs(tx, before):
        if (at := last.get(pair.buddy_id)) is not None and now - at < NUDGE_EVERY:
            continue
        if await round_.reached_target(pair.newcomer_id):
            continue
        key = f"reminder:nudge:{pair.buddy_id}:{week}:p{pair.pair_id}"
        if await round_.send(pair.buddy_id, "nudge", key, buddy_nudge(pair.newcomer_name)):
            last[pair.buddy_id] = now
    return round_.queued


# --- confirmations waiting -------------------------------------------------------------------
async def remind_confirmers(tx: Tx, config: Config, now: datetime) -> int:
    """One message per confirmer with the entries that wait 3 days (each entry once)."""
    round_ = await Round.open(tx, config, now)
    day = round_.local_today.isoformat()
    waiting = await store.waiting_confirmations(tx, now - CONFIRM_AFTER)
    for confirmer_id, entry_ids in waiting.items():
        if not round_.allows(confirmer_id, "confirm"):
            continue
        fresh = [i for i in entry_ids if not await store.logged(tx, f"reminder:confirm:e{i}")]
        if not fresh:
            continue
        entries = [e for i in fresh if (e := await get_entry(tx, i)) is not None]
        names = {}
        for entry in entries:
            logger = await get_person(tx, entry.logged_by_person_id or entry.person_id)
            names[entry.id] = logger.display_name if logger else None
        key = f"reminder:confirm:{confirmer_id}:{day}"
        if await round_.send(confirmer_id, "confirm", key,
                             confirm_reminder(entries, names, confirmer_id)):
            for entry in entries:
                await store.log_reminder(
                    tx, f"reminder:confirm:e{entry.id}", confirmer_id, "confirm-entry", now
                )  # fmt: skip
    return round_.queued


def confirm_reminder(
    entries: list[HourEntry], names: dict[int, str | None], confirmer_id: int
) -> Build:
    def build(t: Translator) -> list[Reply]:
        lines = [t.ngettext("⏳ {n} entry waits for your answer:",
                            "⏳ {n} entries wait for your answer:", len(entries))]  # fmt: skip
        shown = entries[:MAX_CONFIRM_LISTED]
        for entry in shown:
            who = t.value(name_of(t, None, names.get(entry.id)))
            lines.append(f"• {who}: {entry_line(t, entry)}")
        if len(entries) > len(shown):
            lines.append(t.ngettext("… and {n} more. Type /confirm to see all.",
                                    "… and {n} more. Type /confirm to see all.",
                                    len(entries) - len(shown)))  # fmt: skip
        rows = [answer_buttons(t, entry, confirmer_id) for entry in shown]
        rows += all_button(t, [entry.id for entry in entries])
        return [Reply(text="\n".join(lines), buttons=rows)]

    return build


TICKS = [
    Tick("reminders-session", {"hour": "17", "minute": "0"}, remind_sessions),
    Tick("reminders-after", {"hour": "8-20", "minute": "5,35"}, remind_after_sessions),
    Tick("reminders-confirm", {"hour": "9", "minute": "30"}, remind_confirmers),
    Tick("reminders-quiet", {"hour": "10", "minute": "15"}, remind_quiet),
]


# --- /reminders --------------------------------------------------------------------------------
def kinds_for(person: Person) -> tuple[str, ...]:
    return ROLE_KINDS.get(person.role or "", ())


async def reminders_screen(ctx: Context, edit: bool = False) -> list[Reply]:
    settings = await store.get_settings(ctx.tx, ctx.person.id)
    kinds = kinds_for(ctx.person)
    if not kinds:
        return [Reply(text=ctx._("🔔 You get no reminders from me."), edit=edit)]
    if settings.stopped_at is not None:
        status = ctx._("🔕 All reminders are off.")
    elif settings.paused_until is not None and settings.paused_until > ctx.now:
        until = settings.paused_until.astimezone(ctx.config.tz).date()
        status = ctx._("⏸️ Reminders are paused until {day}.", day=until)
    else:
        status = ctx._("🔔 Reminders are on. Tap one to turn it on or off:")
    rows = []
    for kind in kinds:
        mark = "⬜" if kind in settings.kinds_off else "✅"
        rows.append([Button(label=f"{mark} {ctx._(KIND_LABELS[kind])}", data=f"rm:k:{kind}")])
    if settings.stopped_at is not None or (
        settings.paused_until is not None and settings.paused_until > ctx.now
    ):
        rows.append([Button(label=ctx._("🔔 Turn on again"), data="rm:on")])
    else:
        rows.append(
            [
                Button(label=ctx._("⏸️ Pause 1 week"), data="rm:pause"),
                Button(label=ctx._("🔕 Stop all"), data="rm:stop"),
            ]
        )
    quiet = ctx._("🌙 I never send reminders between 21:00 and 08:00.")
    return [Reply(text=f"{status}\n{quiet}", buttons=rows, edit=edit)]


@feature.command("reminders", N_("Turn reminders on or off"))
async def reminders_command(ctx: Context, _args: str) -> list[Reply]:
    return await reminders_screen(ctx)


@feature.action("rm")
async def reminders_action(ctx: Context, args: list[str]) -> list[Reply]:
    settings = await store.get_settings(ctx.tx, ctx.person.id)
    kinds = kinds_for(ctx.person)
    if args == ["pause"]:
        settings.paused_until = ctx.now + PAUSE
        await store.drop_queued(ctx.tx, ctx.person.id)
    elif args == ["stop"]:
        settings.stopped_at = ctx.now
        await store.drop_queued(ctx.tx, ctx.person.id)
    elif args == ["on"]:
        settings.stopped_at = None
        settings.paused_until = None
    elif len(args) == 2 and args[0] == "k" and args[1] in kinds:
        kind = args[1]
        if kind in settings.kinds_off:
            settings.kinds_off.remove(kind)
        else:
            settings.kinds_off.append(kind)
            await store.drop_queued(ctx.tx, ctx.person.id, [kind])
    else:
        return await stale_button(ctx)
    await store.save_settings(ctx.tx, settings, ctx.now)
    return await reminders_screen(ctx, edit=True)

