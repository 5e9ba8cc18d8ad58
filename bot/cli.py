"""`python -m bot` / `meedoen`: run the assistant, or a staff sub-command."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys

from bot.logs import setup_logging
from bot.settings import Settings, settings_or_exit

# Modules that add sub-commands: each has `add_parser(subparsers)` setting `func(args, settings)`.
COMMAND_MODULES: tuple[str, ...] = (
    "bot.cli_proof",
    "bot.cli_staff",
    "bot.cli_digest",
    "bot.cli_offers",
    "bot.cli_voices",
    "bot.cli_doctor",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="meedoen",
        description="Meedoen-assistent. Zonder opdracht: de assistent starten "
        "(Telegram als TELEGRAM_BOT_TOKEN ingesteld is, anders de chat in de console).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = subparsers.add_parser("run", help="de assistent starten (standaard)")
    run.set_defaults(func=_run)
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = settings_or_exit()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    secrets = [token] + [
        s.get_secret_value() for s in (settings.smtp_password, settings.imap_password) if s
    ]
    setup_logging(settings.log_level, secrets)
    func = getattr(args, "func", _run)
    try:
        return int(func(args, settings) or 0)
    except KeyboardInterrupt:
        return 130


def _run(_args: argparse.Namespace, settings: Settings) -> int:
    if settings.telegram_bot_token is None:
        # The console is for a person at a terminal: keep the log to warnings.
        logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
        from bot.run import run_console

        asyncio.run(run_console(settings))
    else:
        from bot.run import run_telegram

        asyncio.run(run_telegram(settings))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
