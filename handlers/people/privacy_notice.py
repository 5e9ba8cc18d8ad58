"""The privacy notice (GDPR Art. 13) in plain words: a short text that fits a phone screen,
and the details behind a "more" button. What it says must match what the code keeps and who
it shows it to; `tests/people/test_privacy_notice.py` checks the list against the store."""

from __future__ import annotations

from handlers.context import Context
from storage.networks import network_controller

MORE = "pv:more"


def privacy_text(ctx: Context) -> str:
    """The short notice: what, why, who sees it, how long, and what you can do."""
    return "\n".join(
        [
            ctx._("🔒 <b>Your data</b>"),
            ctx._(
                "• We keep what you tell us: name, postcode and town, interests, Dutch level, "
                "free time, languages, children yes or no, how far you travel, your Telegram "
                "or e-mail, your activities and your hours."
            ),
            ctx._("• Why: to find activities for you and to count your hours."),
            ctx._(
                "• Who sees it: your buddy. The organisation of your activity sees your first "
                "name, Dutch level and if children come, and confirms your hours. The staff of "
                "your network. Your counsellor sees the proof you give."
            ),
            ctx._(
                "• How long: until you delete it. After {months} months without use we delete "
                "it; we tell you before.",
                months=ctx.config.retention_months,
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
