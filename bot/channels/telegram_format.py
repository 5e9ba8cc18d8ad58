"""Telegram in our terms: an update as a `Turn`, a `Reply`'s buttons as a keyboard, the
command menu and the bot's descriptions in a language."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from telegram import BotCommand, Message, Update

from handlers.features import REGISTRY
from handlers.types import Button, Reply, Turn
from i18n import translator

ATTACHMENT_KINDS = (
    "voice",
    "audio",
    "photo",
    "video",
    "video_note",
    "sticker",
    "document",
    "animation",
    "location",
    "contact",
    "poll",
    "dice",
)


def telegram_language_code(locale: str) -> str:
    """Our locale → the ISO 639-1 code Telegram uses for command menus."""
    return locale.split("_")[0]


Markup = dict[str, Any]  # a reply_markup as the Bot API takes it (JSON)


def keyboard(reply: Reply) -> Markup | None:
    """Inline buttons (InlineKeyboardMarkup); else the one reply-keyboard button that shares a
    location (ReplyKeyboardMarkup, KeyboardButton.request_location), or taking that keyboard
    away again (ReplyKeyboardRemove). Bot API JSON, as `telegram_calls` sends it."""
    if not reply.buttons:
        if reply.request_location:
            button = {"text": reply.request_location, "request_location": True}
            return {"keyboard": [[button]], "resize_keyboard": True, "one_time_keyboard": True}
        return {"remove_keyboard": True} if reply.remove_keyboard else None
    return {"inline_keyboard": [[_inline(button) for button in row] for row in reply.buttons]}


def is_reply_keyboard(markup: Markup | None) -> bool:
    """A keyboard under the input field (or its removal), which no edit can carry."""
    return markup is not None and "inline_keyboard" not in markup


def _inline(button: Button) -> dict[str, str]:
    """An InlineKeyboardButton: a url or callback_data, and a style where it has one."""
    out = {"text": button.label}
    if button.url:
        out["url"] = button.url
    else:
        out["callback_data"] = button.data or ""
    if button.style:
        out["style"] = button.style
    return out


def turn_from_update(update: Update) -> Turn | None:
    user = update.effective_user
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return None
    common: dict[str, Any] = {
        "channel": "telegram",
        "address": str(chat.id),
        "language_hint": user.language_code if user else None,
        "name_hint": user.first_name if user else None,
    }
    if update.callback_query is not None:
        source = update.callback_query.message
        shown = (source.text or source.caption) if isinstance(source, Message) else None
        return Turn(
            payload=update.callback_query.data or "",
            source_text=shown,
            update_id=update.update_id,
            **common,
        )
    message = update.effective_message
    if message is None:
        return None
    if message.text is not None:
        return Turn(text=message.text, update_id=update.update_id, **common)
    if message.location is not None:  # the point is passed on to find a postcode, never kept
        point = (message.location.latitude, message.location.longitude)
        return Turn(attachment="location", location=point, update_id=update.update_id, **common)
    kind = next((k for k in ATTACHMENT_KINDS if getattr(message, k, None)), "other")
    return Turn(text=message.caption, attachment=kind, update_id=update.update_id, **common)


def command_menu(locale: str, role: str | None = None) -> list[BotCommand]:
    """The commands in `locale`: those for everyone, and those of `role` when given."""
    t = translator(locale)
    return [
        BotCommand(command.name, t._(command.description)[:256])
        for command in REGISTRY.commands.values()
        if command.description and (command.roles is None or role in command.roles)
    ]


@lru_cache(maxsize=128)
def menu_key(locale: str, role: str | None) -> str:
    """What a chat's menu is: language, role and a digest of the commands themselves, so a
    release that adds a command or mends a translation sets every chat's menu again."""
    listed = "\n".join(f"{c.command}={c.description}" for c in command_menu(locale, role))
    digest = hashlib.blake2b(listed.encode(), digest_size=6).hexdigest()
    return f"{locale}:{role or ''}:{digest}"


def bot_descriptions(locale: str) -> tuple[str, str]:
    """What the empty chat shows before /start (≤ 512) and the profile line (≤ 120)."""
    t = translator(locale)
    description = t._(
        "👋 Meedoen helps you take part in Flanders: find activities near you, log your "
        "hours, and get your proof. Press Start to begin."
    )
    short = t._("🤝 Take part in Flanders: activities near you and your hours.")
    return description[:512], short[:120]
