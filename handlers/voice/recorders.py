"""/recorder for staff: make someone of their network a recorder for a language, or stop it."""

from __future__ import annotations

from handlers.common import int_arg
from handlers.context import Context
from handlers.registry import N_, Feature
from handlers.types import Reply
from i18n import BY_CODE, LOCALES
from storage.people import create_person, find_by_identity
from storage.staff import staff_for_person
from storage.voices import add_recorder, list_recorders, recorder_of, remove_recorder

feature = Feature("handlers.voice.recorders")


async def _usage(ctx: Context, network_id: int) -> list[Reply]:
    lines = [
        ctx._("🎙️ Make someone a recorder: /recorder add TELEGRAM-ID LANGUAGE"),
        ctx._("Stop it: /recorder remove TELEGRAM-ID"),
        ctx._("Languages: {codes}", codes=", ".join(LOCALES)),
    ]
    for recorder in await list_recorders(ctx.tx, network_id):
        lines.append(f"• {recorder.telegram_id or '?'} {BY_CODE[recorder.locale].native_name}")
    return [Reply(text="\n".join(lines))]


@feature.command(
    "recorder", N_("Recorders of voice messages"), needs_onboarding=False, roles={"staff"}
)
async def recorder_command(ctx: Context, args: str) -> list[Reply]:
    account = await staff_for_person(ctx.tx, ctx.person.id)
    if account is None:
        return [Reply(text=ctx._("🚫 This is not available for you."))]
    words = args.split()
    telegram_id = words[1] if len(words) >= 2 and int_arg(words[1], 15) is not None else None
    if len(words) == 3 and words[0] == "add" and telegram_id and words[2] in BY_CODE:
        person = await find_by_identity(ctx.tx, "telegram", telegram_id)
        if person is None:
            person = await create_person(ctx.tx, "telegram", telegram_id, words[2], ctx.now)
        current = await recorder_of(ctx.tx, person.id)
        if current is not None and current.network_id not in (None, account.network_id):
            return [Reply(text=ctx._("🚫 This is not available for you."))]
        await add_recorder(ctx.tx, person.id, words[2], ctx.now, account.network_id)
        return [
            Reply(
                text=ctx._(
                    "✅ {id} can now record in {language}. They type /record.",
                    id=telegram_id,
                    language=BY_CODE[words[2]].native_name,
                )
            )
        ]
    if len(words) == 2 and words[0] == "remove" and telegram_id:
        person = await find_by_identity(ctx.tx, "telegram", telegram_id)
        current = await recorder_of(ctx.tx, person.id) if person else None
        if person is None or current is None or current.network_id != account.network_id:
            return [
                Reply(text=ctx._("🤔 There is no recorder {id} in your network.", id=telegram_id))
            ]
        await remove_recorder(ctx.tx, person.id)
        return [Reply(text=ctx._("✅ {id} no longer records.", id=telegram_id))]
    return await _usage(ctx, account.network_id)
