"""Each chat's command menu (BotCommandScopeChat): the commands of the person's role, in the
language chosen in Meedoen; set again when either changes, or the commands do.

What was set is stored (`identities.menu`), so a restart does not set every menu again, and
kept here, so a turn does not read it. Never in the way of the answer: a failure is logged
and the answer goes out.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from telegram import BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.channels.telegram_format import command_menu, menu_key
from handlers.router import Answer
from storage.db import Database
from storage.people import chat_menu, set_chat_menu

log = logging.getLogger(__name__)

KEPT = 100_000  # chats whose menu is known here (a few dozen bytes each)


class ChatMenus:
    def __init__(self) -> None:
        self.known: OrderedDict[str, str] = OrderedDict()  # chat → menu set, as far as known

    async def fit(self, bot: ExtBot[Any], db: Database, chat_id: int, answer: Answer) -> None:
        """Fit the chat's menu to the person after the turn `answer` ends."""
        if answer.person is None and not answer.forgotten:
            return  # the turn did not get as far as the person
        address = str(chat_id)
        try:
            person, was_set = answer.person, self.known.get(address)
            if person is None or was_set is None:  # forgotten (or merged), or a first turn
                async with db.read() as tx:
                    fit = await chat_menu(tx, "telegram", address)
                if fit is None:  # nobody here now: back to the menu of the app's language
                    self.known.pop(address, None)
                    await bot.delete_my_commands(BotCommandScopeChat(chat_id))
                    return
                person, was_set = (fit[0], fit[1]), fit[2]
            wanted = menu_key(*person)
            if wanted != was_set:
                await bot.set_my_commands(command_menu(*person), scope=BotCommandScopeChat(chat_id))
                async with db.transaction() as tx:
                    await set_chat_menu(tx, "telegram", address, wanted)
            self.known[address] = wanted
            self.known.move_to_end(address)
            while len(self.known) > KEPT:
                self.known.popitem(last=False)
        except TelegramError as exc:
            log.info("chat menu not set: %s", exc)
        except Exception:  # the store is busy or failing: the answer must still go out
            log.warning("chat menu not fitted", exc_info=True)
