"""The composition root: open the store, seed reference data, wire handlers and channels."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.outbox_sender import OutboxSender
from bot.settings import Settings
from handlers.context import Config
from handlers.offers.catalog_import import import_demo
from handlers.router import Router
from handlers.voice.render import Voices
from handlers.voice.speak import configure as configure_voices
from i18n import LANGUAGES, translator
from storage.clock import utcnow
from storage.db import Database
from storage.networks import load_networks_file

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
NETWORKS_FILE = DATA_DIR / "networks.json"


def handler_config(settings: Settings, bot_username: str | None = None) -> Config:
    return Config(
        target_hours=settings.target_hours,
        timezone=settings.timezone,
        default_locale=settings.default_locale,
        max_log_age_days=settings.max_log_age_days,
        self_declared_counts=settings.self_declared_counts,
        bot_username=bot_username,
        mail_from=settings.mail_from,
        retention_months=settings.retention_months,
        controller_name=settings.controller_name,
        controller_contact=settings.controller_contact or settings.mail_from,
    )


async def open_store(settings: Settings) -> Database:
    """Open (and migrate) the store and load the networks file: what every command needs."""
    db = await Database(settings.database_path).open()
    if NETWORKS_FILE.exists():
        async with db.transaction() as tx:
            await load_networks_file(tx, NETWORKS_FILE)
    return db


async def open_database(settings: Settings) -> Database:
    """The store for the running assistant: also loads the demo offers once, when enabled."""
    db = await open_store(settings)
    if settings.demo_data:
        await import_demo(db)  # only into an empty catalog
    return db


@dataclass
class Wiring:
    db: Database
    router: Router
    sender: OutboxSender


def wire(
    db: Database,
    settings: Settings,
    bot_username: str | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Wiring:
    cache = settings.voice_cache_dir or settings.database_path.parent / "voice-cache"
    configure_voices(Voices.configured(settings.piper_voices_dir, cache))
    sender = OutboxSender(db, {}, clock=clock, max_age=settings.outbox_max_age)
    router = Router(db, handler_config(settings, bot_username), clock=clock, on_commit=sender.wake)
    if settings.smtp_host:  # e-mail delivery of outbox messages
        from bot.channels.email import EmailChannel

        mail = EmailChannel(settings, db, router.config, clock=clock, on_commit=sender.wake)
        sender.deliverers["email"] = mail.deliver
    return Wiring(db, router, sender)


def settle_heap() -> None:
    """Startup is over: keep what it made out of every later garbage collection.

    Modules, classes, the catalogs of every language (loaded here, not in someone's turn) and
    the Bot API client live as long as the process. A full collection walked all ~120,000 of
    them for ~65 ms while every turn in flight waited: the worst /help waits during the
    quiet-newcomer tick. `gc.freeze()` moves them out of the collector's sight; later
    collections see only what turns and ticks make.
    """
    for language in LANGUAGES:
        translator(language.code)
    gc.collect()
    gc.freeze()
