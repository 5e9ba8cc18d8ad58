"""The privacy notice (GDPR Art. 13) in plain words: a short text that fits a phone screen,
and the details behind a "more" button. What it says must match what the code keeps and who
it shows it to; `tests/people/test_privacy_notice.py` checks the list against the store.
A buddy's data differ, so buddies read their own lines. /mydata opens with a short summary."""

from __future__ import annotations

from typing import Any

from handlers.context import Context
from handlers.people.onboarding_draft import OnboardingDraft
from handlers.vocab import AVAILABILITY, DUTCH_LEVELS, INTERESTS
from storage.networks import network_controller

MORE = "pv:more"


def privacy_text(ctx: Context) -> str:
    """The short notice: what, why, who sees it, how long, and what you can do — for the role
    being chosen (a buddy's data differ)."""
    role = ctx.draft(OnboardingDraft).role or ctx.person.role or "newcomer"
    if role == "buddy":
        middle = [
            ctx._("• We keep: your name, town, free time, languages and the meetings you log."),
            ctx._("• Why: to put you in touch with a newcomer and to count their hours."),
            ctx._("• Who sees it: the newcomers you help, and the staff of your region."),
        ]
    else:
        middle = [
            ctx._(
                "• We keep what you tell us: name, postcode and town, interests, Dutch level, "
                "free time, languages, children yes or no, how far you travel, if you want a "
                "buddy, your Telegram or e-mail, your activities and your hours."
            ),
            ctx._("• Why: to find activities for you and to count your hours."),
            ctx._(
                "• Who sees it: your buddy. The organisation of your activity sees your first "
                "name, Dutch level and if children come, and confirms your hours. The staff of "
                "your network. Your counsellor sees the proof you give."
            ),
        ]
    return "\n".join(
        [
            ctx._("🔒 <b>Your data</b>"),
            *middle,
            ctx.ngettext(
                "• How long: until you delete it. After {n} month without use we delete it; "
                "we tell you before.",
                "• How long: until you delete it. After {n} months without use we delete it; "
                "we tell you before.",
                ctx.config.retention_months,
            ),
            ctx._("• We never ask your nationality, religion, health or national number."),
            ctx._("• /mydata shows everything. /forget deletes everything."),
        ]
    )


async def privacy_details(ctx: Context) -> str:
    """The rest of Art. 13: controller (the network's, when the networks file names one),
    legal basis, rights, complaint, what stays."""
    name, contact = ctx.config.controller_name, ctx.config.controller_contact
    if ctx.person.network_id is not None:
        name, contact = await network_controller(ctx.tx, ctx.person.network_id) or (name, contact)
    return "\n".join(
        [
            ctx._("📖 <b>More about your data</b>"),
            ctx._(
                "• Responsible: {name}. Contact: {contact}.",
                name=name,
                contact=contact,
            ),
            ctx._(
                "• We use your data because you agreed. You can stop at any time: /forget."
            ),
            ctx._(
                "• Your rights: see your data (/mydata), change it (/profile), delete it "
                "(/forget), take it with you (/mydata gives a file), say no to a use."
            ),
            ctx._(
                "• Not happy? You can complain to the Belgian Data Protection Authority: "
                "www.dataprotectionauthority.be."
            ),
            ctx._(
                "• A proof you gave: when we delete your data after a long time without use, we "
                "keep only its code, hours, date and network, without your name, so your "
                "counsellor can still check it."
            ),
            ctx._("• Messages go through Telegram or e-mail. We never sell your data."),
        ]
    )


def mydata_summary(ctx: Context, document: dict[str, Any]) -> str:
    """A few lines a person can read: what we keep about them, and who sees it."""
    person = ctx.person
    lines = [ctx._("📦 <b>Your data in short</b>")]
    if person.display_name:
        lines.append(ctx._("👤 Name: {name}", name=person.display_name))
    if person.place:
        lines.append(ctx._("📍 Town: {place}", place=person.place))
    if person.interests:
        names = [ctx._(INTERESTS[i][1]) for i in person.interests if i in INTERESTS]
        lines.append(ctx._("❤️ Interests: {list}", list=ctx.t.list(names)))
    if person.dutch_level in DUTCH_LEVELS:
        lines.append(ctx._("💬 Dutch: {level}", level=ctx._(DUTCH_LEVELS[person.dutch_level])))
    if person.availability:
        names = [ctx._(AVAILABILITY[a][1]) for a in person.availability if a in AVAILABILITY]
        lines.append(ctx._("🗓️ Free time: {list}", list=ctx.t.list(names)))
    entries = len(document.get("hour_entries", []))
    lines.append(ctx.ngettext("⏱️ {n} time with hours", "⏱️ {n} times with hours", entries))
    if person.role == "buddy":
        lines.append(ctx._("👀 The newcomers you help and the staff of your region see this."))
    else:
        lines.append(
            ctx._("👀 Your buddy or the organisation sees your hours. The staff of your "
                  "region see your data.")
        )  # fmt: skip
    lines.append(ctx._("📎 Everything, exactly as we keep it, is in the file below."))
    lines.append(ctx._("🗑️ /forget deletes everything."))
    return "\n".join(lines)
