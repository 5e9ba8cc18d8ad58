"""What each reminder says: builders that render a message in the person's language."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.common import rows
from handlers.hours.confirmations import all_button, answer_buttons, name_of
from handlers.hours.my_hours import quick_log_buttons
from handlers.hours.rules import DURATION_BUTTONS, entry_line, hours_text
from handlers.offers.card_view import map_url
from handlers.people.buddy_plans import when_text
from handlers.reminders.rules import MAX_CONFIRM_LISTED, Build
from handlers.types import Button, Reply
from handlers.vocab import KINDS
from i18n import Translator
from storage.hours import HourEntry
from storage.offers import Offer


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


def meeting_reminder(other_name: str | None, starts_at: datetime, tz: ZoneInfo) -> Build:
    def build(t: Translator) -> list[Reply]:
        text = t._("📅 Reminder: you meet {name} on {when}.", name=name_of(t, None, other_name),
                   when=when_text(t, starts_at, tz))  # fmt: skip
        return [Reply(text=text, buttons=[[Button(label=t._("🤝 Buddy"), data="m:buddy")]])]

    return build


def after_reminder(offer: Offer, day: date) -> Build:
    def build(t: Translator) -> list[Reply]:
        text = t._("👋 How did it go at {title}? Tap how long you were there:",
                   title=offer.title_nl)  # fmt: skip
        return [Reply(text=text, buttons=quick_log_buttons(t, "o", offer.id, day))]

    return build


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
