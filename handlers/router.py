"""The one brain every channel talks to: load the person, run the step, save, in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from handlers import priority
from handlers.common import menu_replies, not_for_role, not_understood, stale_button, way_on
from handlers.context import Config, Context
from handlers.features import REGISTRY
from handlers.registry import Input, Step
from handlers.types import Reply, Turn
from handlers.understanding.screen import typed_button, typed_menu_item, with_hint
from handlers.voice.speak import chosen_in_turn, with_voice
from i18n import locale_from_telegram, translator
from storage import updates
from storage.clock import utcnow
from storage.conversations import save_state_at_commit, state_by_identity, state_from
from storage.db import Database
from storage.people import by_identity, create_person, person_from, seen_at_commit

log = logging.getLogger(__name__)

MAX_TEXT = 1000  # characters; longer input is refused, never truncated silently


@dataclass(frozen=True)
class Answer:
    """A turn's replies, and the person's language and role after it (None when the turn
    did not get that far); `forgotten` when the person had everything deleted."""

    replies: list[Reply]
    person: tuple[str, str | None] | None = None
    forgotten: bool = False


class Router:
    def __init__(
        self,
        db: Database,
        config: Config,
        clock: Callable[[], datetime] = utcnow,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.config = config
        self.clock = clock
        self.on_commit = on_commit  # e.g. wake the outbox sender

    async def handle(self, turn: Turn) -> list[Reply]:
        """Answer one turn. Errors roll the turn back and get a kind reply; nothing half-done."""
        return (await self.answer(turn)).replies

    async def answer(self, turn: Turn) -> Answer:
        """`handle`, and who the person is after the turn (for a channel's own settings)."""
        with priority.turn():  # ticks wait at their yield points meanwhile
            return await self._handle(turn)

    async def _handle(self, turn: Turn) -> Answer:
        locale = self.config.default_locale
        try:
            async with self.db.transaction() as tx:
                now = self.clock()
                # Record the update, find the person and their state: one trip to the store.
                asked = [by_identity(turn.channel, turn.address),
                         state_by_identity(turn.channel, turn.address)]  # fmt: skip
                if turn.update_id is not None:
                    asked.append(updates.recording(turn.channel, turn.update_id, now))
                found = await tx.batch(asked)
                if turn.update_id is not None and found[2] != 1:
                    log.info("update %s was handled before; skipped", turn.update_id)
                    return Answer([])
                person, state = person_from(found[0]), state_from(found[1])
                if person is None:
                    guess = locale_from_telegram(turn.language_hint) or self.config.default_locale
                    person = await create_person(tx, turn.channel, turn.address, guess, now)
                locale = person.locale
                loaded = state.model_copy(deep=True)
                ctx = Context(tx, person, state, self.config, now, turn, REGISTRY)
                replies = way_on(ctx, await dispatch(ctx))
                if not ctx.forgotten and turn.channel == "telegram":
                    chosen = chosen_in_turn(ctx.state.step, replies)
                    replies = await with_voice(tx, person.id, ctx.person.locale, replies, chosen)
                if not ctx.forgotten:  # the turn's last writes: they go with the COMMIT
                    if ctx.state != loaded:
                        save_state_at_commit(tx, person.id, ctx.state, now)
                    if ctx.person.consented:
                        seen_at_commit(tx, person.id, now)
            if self.on_commit is not None and tx.queued:
                self.on_commit()
            for work in ctx.after_commit:
                await work()
            if ctx.forgotten:
                return Answer(replies, forgotten=True)
            return Answer(replies, (ctx.person.locale, ctx.person.role))
        except Exception:
            log.exception("turn failed on %s", turn.channel)
            t = translator(locale)
            text = t._("😕 Sorry, something went wrong. Please try again, or type /menu.")
            return Answer([Reply(text=text)])


async def dispatch(ctx: Context) -> list[Reply]:
    turn = ctx.turn
    if turn.payload is not None:
        return await _pressed(ctx, turn.payload)
    step = ctx.registry.steps.get(ctx.state.step or "")
    if turn.location is not None and step is not None and step.reads_location:
        if step.needs_consent and not ctx.person.consented:
            return await _restart(ctx)
        return await step.answer(ctx, Input(location=turn.location))
    text = (turn.text or "").strip()
    if not text:
        if turn.voice is not None and step is not None and step.takes_voice:
            if step.needs_consent and not ctx.person.consented:
                return await _restart(ctx)
            return await step.answer(ctx, Input())
        if turn.attachment:
            return [Reply(text=ctx._("✍️ I can only read text and buttons here."))] + await _again(
                ctx
            )
        return await _again(ctx)
    if len(text) > MAX_TEXT:
        return [Reply(text=ctx._("✂️ That message is too long. Please write a short answer."))] + (
            await _again(ctx)
        )
    if text.startswith("/"):
        return await _command(ctx, text)
    if step is not None:
        if step.needs_consent and not ctx.person.consented:
            return await _restart(ctx)
        return await _typed_at_step(ctx, step, text)
    if ctx.person.onboarded and (item := typed_menu_item(ctx, text)) is not None:
        return _typed(await _pressed(ctx, item))
    if ctx.person.onboarded:
        for read in ctx.registry.typed:  # e.g. a word to search offers by
            if (replies := await read(ctx, text)) is not None:
                return replies
    return await not_understood(ctx)


async def _typed_at_step(ctx: Context, step: Step, text: str) -> list[Reply]:
    """Typed text is a button when it names one; else the step reads it, or we say what we
    expected and show the buttons again (ticks kept) in the same reply."""
    data = await typed_button(ctx, step, text)
    if data is not None:
        return _typed(await _pressed(ctx, data))
    if step.reads_text:
        return await step.answer(ctx, Input(text=text))
    hint = ctx._("🤔 I did not understand “{text}”. Tap a button, or type its name or number.",
                 text=text[:40])  # fmt: skip
    return with_hint(hint, await ctx.reprompt())


def _typed(replies: list[Reply]) -> list[Reply]:
    """A typed answer has no message of ours to edit: send every reply as a new one."""
    return [reply.model_copy(update={"edit": False}) if reply.edit else reply for reply in replies]


async def _restart(ctx: Context) -> list[Reply]:
    ctx.finish()
    ctx.state.flow = "onboarding"
    return await ctx.goto("ol")


async def _again(ctx: Context) -> list[Reply]:
    """Show the current step again, or the menu when there is none."""
    if ctx.state.step in ctx.registry.steps:
        return await ctx.reprompt()
    if not ctx.person.onboarded:
        return await ctx.goto("ol")
    return await menu_replies(ctx)


async def _pressed(ctx: Context, payload: str) -> list[Reply]:
    code, *args = payload.split(":")
    step = ctx.registry.steps.get(code)
    if step is not None:
        if ctx.state.step != code:
            return await stale_button(ctx)
        if step.needs_consent and not ctx.person.consented:
            return await _restart(ctx)
        return await step.answer(ctx, Input(args=tuple(args)))
    action = ctx.registry.actions.get(code)
    if action is not None and (ctx.person.onboarded or code in ctx.registry.open_actions):
        return await action(ctx, args)
    return await stale_button(ctx)


async def _command(ctx: Context, text: str) -> list[Reply]:
    head, _, rest = text.partition(" ")
    name = head[1:].split("@")[0].lower()
    command = ctx.registry.commands.get(name)
    if command is None:
        return [
            Reply(text=ctx._("🤔 I do not know that command. Type /help to see what I can do."))
        ]
    if command.needs_onboarding and not ctx.person.onboarded:
        intro = Reply(text=ctx._("👋 Let us finish setting up first."))
        return [intro, *await _again(ctx)]
    if command.roles is not None and ctx.person.role not in command.roles:
        return await not_for_role(ctx)
    return await command.run(ctx, rest.strip())
