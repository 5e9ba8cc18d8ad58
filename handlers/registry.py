"""What a capability offers the router: steps, actions, commands, menu items, deep links.

Each capability module declares `feature = Feature("…")` and decorates its functions with it;
`handlers.features` lists every capability in one place and combines them into the one
`Registry` the router dispatches on. Nothing registers itself on a global by being imported.

A button payload is `code:arg:arg`. When `code` names a *step*, the payload is only valid
while the person is at that step; when it names an *action*, the action checks the person's
rights itself. Anything else is forged or stale and gets a polite reply.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.context import Context
    from handlers.types import Reply

Replies = list["Reply"]
Prompt = Callable[["Context"], Awaitable[Replies]]
Answer = Callable[["Context", "Input"], Awaitable[Replies]]
ActionFn = Callable[["Context", list[str]], Awaitable[Replies]]
CommandFn = Callable[["Context", str], Awaitable[Replies]]
TypedFn = Callable[["Context", str], Awaitable["Replies | None"]]


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Input:
    """What a step receives: the text typed, the arguments of its own button, or a location."""

    text: str | None = None
    args: tuple[str, ...] = ()
    location: tuple[float, float] | None = None  # latitude, longitude of a shared location

    @property
    def pressed(self) -> bool:
        return self.text is None and self.location is None


@dataclass(frozen=True)
class Step:
    code: str
    prompt: Prompt
    answer: Answer
    needs_consent: bool = True
    takes_voice: bool = False  # answered with a voice message too (`ctx.turn.voice`)
    reads_text: bool = False  # the step reads typed text itself (a name, a place, a time)
    reads_location: bool = False  # the step takes a shared location


@dataclass(frozen=True)
class Command:
    name: str
    run: CommandFn
    description: str | None = None  # N_-marked; shown in Telegram's command menu when set
    needs_onboarding: bool = True
    roles: frozenset[str] | None = None


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str  # N_-marked, with a leading icon
    run: Callable[[Context], Awaitable[Replies]]
    order: int
    roles: frozenset[str] = frozenset({"newcomer", "buddy"})


@dataclass
class Registry:
    name: str = "all"
    steps: dict[str, Step] = field(default_factory=dict)
    actions: dict[str, ActionFn] = field(default_factory=dict)
    commands: dict[str, Command] = field(default_factory=dict)
    menu: dict[str, MenuItem] = field(default_factory=dict)
    start_params: dict[str, CommandFn] = field(default_factory=dict)
    open_actions: set[str] = field(default_factory=set)
    early_start_params: set[str] = field(default_factory=set)
    typed: list[TypedFn] = field(default_factory=list)

    def _claim(self, code: str) -> None:
        if ":" in code or code in self.steps or code in self.actions:
            raise ValueError(f"payload code {code!r} is invalid or taken")

    def step(
        self,
        code: str,
        prompt: Prompt,
        *,
        needs_consent: bool = True,
        takes_voice: bool = False,
        reads_text: bool = False,
        reads_location: bool = False,
    ) -> Callable[[Answer], Answer]:
        """Register a step. Typed text is first matched to its buttons (the prompt is drawn
        again for that, on a copy of the state: a prompt only reads); what matches none goes
        to the answer only when `reads_text`, else the person is shown the buttons again."""

        def register(answer: Answer) -> Answer:
            self._claim(code)
            self.steps[code] = Step(
                code, prompt, answer, needs_consent, takes_voice, reads_text, reads_location
            )
            return answer

        return register

    def action(self, code: str, *, needs_onboarding: bool = True) -> Callable[[ActionFn], ActionFn]:
        """Register a global button action; it must check the person's rights to its args."""

        def register(fn: ActionFn) -> ActionFn:
            self._claim(code)
            self.actions[code] = fn
            if not needs_onboarding:
                self.open_actions.add(code)
            return fn

        return register

    def command(
        self,
        name: str,
        description: str | None = None,
        *,
        needs_onboarding: bool = True,
        roles: set[str] | None = None,
    ) -> Callable[[CommandFn], CommandFn]:
        def register(fn: CommandFn) -> CommandFn:
            if name in self.commands:
                raise ValueError(f"command /{name} is taken")
            self.commands[name] = Command(
                name, fn, description, needs_onboarding, frozenset(roles) if roles else None
            )
            return fn

        return register

    def menu_item(
        self, key: str, label: str, order: int, roles: set[str] | None = None
    ) -> Callable[
        [Callable[[Context], Awaitable[Replies]]], Callable[[Context], Awaitable[Replies]]
    ]:
        def register(
            fn: Callable[[Context], Awaitable[Replies]],
        ) -> Callable[[Context], Awaitable[Replies]]:
            self.menu[key] = MenuItem(
                key, label, fn, order, frozenset(roles or {"newcomer", "buddy"})
            )
            return fn

        return register

    def start_param(
        self, prefix: str, *, before_onboarding: bool = False
    ) -> Callable[[CommandFn], CommandFn]:
        """Handle `/start <prefix><rest>` deep links; the function receives `<rest>`.

        Normally a person who is not onboarded yet is onboarded first and the link runs after;
        `before_onboarding` links (a provider contact) run at once instead.
        """

        def register(fn: CommandFn) -> CommandFn:
            self.start_params[prefix] = fn
            if before_onboarding:
                self.early_start_params.add(prefix)
            return fn

        return register

    def typed_text(self, fn: TypedFn) -> TypedFn:
        """Register a reader of text typed outside any step (e.g. a word to search offers
        by); it returns None when the text is not for it."""
        self.typed.append(fn)
        return fn

    @classmethod
    def combine(cls, *features: Registry) -> Registry:
        """One registry from many; a payload code, command or link prefix used twice fails."""
        whole = cls()
        for part in features:
            for code, step in part.steps.items():
                whole._claim(code)
                whole.steps[code] = step
            for code, action in part.actions.items():
                whole._claim(code)
                whole.actions[code] = action
            for name, command in part.commands.items():
                if name in whole.commands:
                    raise ValueError(f"command /{name} is taken ({part.name})")
                whole.commands[name] = command
            for key, item in part.menu.items():
                if key in whole.menu:
                    raise ValueError(f"menu item {key!r} is taken ({part.name})")
                whole.menu[key] = item
            for prefix, run in part.start_params.items():
                if prefix in whole.start_params:
                    raise ValueError(f"start link {prefix!r} is taken ({part.name})")
                whole.start_params[prefix] = run
            whole.open_actions |= part.open_actions
            whole.typed += part.typed
            whole.early_start_params |= part.early_start_params
        return whole


# A capability's own registry: what it adds to the whole.
Feature = Registry
