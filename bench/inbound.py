"""Inbound benchmark: the real Telegram channel (PTB Application) against a local fake Bot API.

2,000 onboarded newcomers send a mix of /menu, /offers (offer cards), /log (the first tap of
logging) and /progress at 20 … 800 updates/s offered. With the limit lifted, a first pass has
each of them write once (pictures drawn, caches filled; printed apart). For each rate it prints
the achieved answers/s and p50/p95/p99 from "update available" to "answer received", and the
CPU per turn; then the most answered per second and the highest rate kept up with. In the same
run the same figures for a no-op PTB handler that answers "ok", taking turns with Meedoen rate
by rate (this machine's speed drifts by 15-30 % over minutes; interleaved, a drift falls on
both). Both with Telegram's 30 messages/s limit enforced by the fake and with it lifted.

The bot under test (Meedoen or the no-op) runs in its own process, as it does against the real
Telegram: the fake's work (parsing uploads, HTML, building updates) is Telegram's, not the
bot's, and it is not counted in the bot's CPU nor does it take the bot's core. CPU per turn is
the bot process's CPU (with its render worker) over the answers; the fake's is printed apart.
`--profile` prints where a Meedoen turn spends its time (cProfile in the bot's process).

Figures only; nothing is asserted.

    .venv/bin/python bench/inbound.py [--seconds 10] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import logging
import os
import pstats
import shutil
import signal
import sys
import tempfile
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.contention import seed
from bot.app import settle_heap
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_format import menu_key
from bot.channels.telegram_limits import retry_seconds
from bot.settings import load_settings
from handlers.render_pool import warm_up
from storage.db import Database
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:BENCH-inbound"
PEOPLE = 2_000
MIX = ("/menu", "/offers", "/log", "/progress")
LIFTED_RATES = (20, 50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 600, 700, 800)
SEND_METHODS = ("sendmessage", "sendphoto", "senddocument", "editmessagetext")


class Probe:
    """Stamps each answer against the update it answers: every turn of the mix answers with
    one message, and a chat's answers come in the order of its updates."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.waiting: defaultdict[int, deque[float]] = defaultdict(deque)
        self.latencies: list[float] = []
        for method in SEND_METHODS:
            self._wrap(method)

    def _wrap(self, method: str) -> None:
        real = self.fake._handlers[method]

        async def stamped(name: str, params: Any, files: Any) -> Any:
            result = await real(name, params, files)
            chat = int(params.get("chat_id", 0))
            if self.waiting.get(chat):
                self.latencies.append(time.perf_counter() - self.waiting[chat].popleft())
                if not self.waiting[chat]:
                    del self.waiting[chat]
            return result

        self.fake._handlers[method] = stamped

    async def offer(self, rate: int, seconds: float, first_chat: int) -> tuple[int, float]:
        """Make `rate` updates/s available for `seconds`; return (answered, elapsed)."""
        self.latencies = []
        self.waiting.clear()  # answers lost in an earlier run must not hold this one
        total = int(rate * seconds)
        began = time.perf_counter()
        for n in range(total):
            chat = first_chat + n % PEOPLE
            self.waiting[chat].append(time.perf_counter())
            await self.fake.user(chat).send(MIX[n % len(MIX)])
            delay = began + (n + 1) / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        deadline = time.perf_counter() + 60
        while self.waiting and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        return len(self.latencies), time.perf_counter() - began


KINDS = ("buddy", "language", "sport", "culture", "volunteering", "music")
STATUSES = ("confirmed", "confirmed", "pending", "self_declared")


async def seed_hours(db: Database) -> None:
    """Everyone a different history (0 to ~40 hours of several kinds, some still pending or
    self-noted), so progress pictures differ as they do in life; and the menus set, as
    onboarding through the bot does."""
    rows = []
    for pid in range(1, PEOPLE + 1):
        for n in range(pid % 13):
            kind, status = KINDS[(pid + n) % len(KINDS)], STATUSES[(pid * 7 + n) % 4]
            minutes = 30 + 30 * ((pid * 3 + n * 5) % 8)
            rows.append((pid, kind, f"2026-11-{1 + n:02d}", minutes, status))
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO hour_entries (person_id, source, kind, day, minutes, status, "
            "created_at, updated_at) VALUES (?, 'other', ?, ?, ?, ?, '2026-11-20T10:00:00Z', "
            "'2026-11-20T10:00:00Z')",
            rows,
        )
        pairs = await tx.all("SELECT DISTINCT locale, role FROM people")
        for locale, role in pairs:
            await tx.execute(
                "UPDATE identities SET menu = ? WHERE person_id IN "
                "(SELECT id FROM people WHERE locale = ? AND role IS ?)",
                (menu_key(locale, role), locale, role),
            )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000 if ordered else 0


# --------------------------------------------------------------------------- bot process


def process_cpu(pid: int) -> float:
    """CPU seconds of `pid` and of its living children (the render worker), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


async def noop_app(api_url: str) -> Application:
    async def ok(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        for _ in range(10):  # waits out a 429 as any bot must, or its answers are lost
            try:
                await update.get_bot().send_message(update.effective_chat.id, "ok")
                return
            except RetryAfter as exc:
                await asyncio.sleep(retry_seconds(exc))

    app = ApplicationBuilder().token(TOKEN).base_url(api_url).build()
    app.add_handler(MessageHandler(filters.ALL, ok))
    return app


async def serve(subject: str, api_url: str, database: str, lifted: bool, profile: str) -> None:
    """The bot under test, in this process until SIGTERM; prints "ready" once polling."""
    logging.basicConfig(level=logging.CRITICAL)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    profiler = cProfile.Profile() if profile else None
    if subject == "meedoen":
        db = await Database(database).open()
        settings = load_settings(
            telegram_bot_token=TOKEN, telegram_api_url=api_url, database_path=db.path,
            demo_data=False, _env_file=None,
        )  # fmt: skip
        await warm_up()  # as bot/run.py does: the render workers start before the first turn
        channel = TelegramChannel(settings, db)
        if lifted:  # lifted: our own limiter must not hold answers back either
            channel.limiter.overall = 10_000
        await channel.start()
        settle_heap()  # as run_until_stopped does
        print("ready", flush=True)
        if profiler is not None:
            profiler.enable()
        await stop.wait()
        await channel.stop()
        await db.close()
    else:
        app = await noop_app(api_url)
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            gc.collect()  # the same treatment as Meedoen's settle_heap
            gc.freeze()
            print("ready", flush=True)
            await stop.wait()
            await app.updater.stop()
            await app.stop()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)


class Bot:
    """The bot under test as a child process."""

    def __init__(self, subject: str, api_url: str, database: Path, lifted: bool,
                 profile: str = "") -> None:  # fmt: skip
        self.args = ["--serve", subject, "--api", api_url, "--database", str(database)]
        self.args += (["--lifted"] if lifted else []) + (["--dump", profile] if profile else [])
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Bot:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, *self.args, stdout=asyncio.subprocess.PIPE
        )
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if line.strip() != b"ready":
            raise RuntimeError("the bot under test did not start")
        return self

    @property
    def cpu(self) -> float:
        assert self.process is not None
        return process_cpu(self.process.pid)

    async def __aexit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        await self.process.wait()


# --------------------------------------------------------------------------- measuring


class Subject:
    """One bot under test with its own local Bot API, measured rate by rate."""

    def __init__(self, name: str, bot: Bot, fake: FakeTelegram) -> None:
        self.name, self.bot, self.fake = name, bot, fake
        self.probe = Probe(fake)
        self.best, self.kept, self.missed = 0.0, 0, 0

    @property
    def going(self) -> bool:
        """After two rates in a row not kept up with, higher ones tell nothing more."""
        return self.missed < 2

    async def measure(
        self, rate: int, seconds: float, first_chat: int, counted: bool = True
    ) -> None:
        """One rate: kept up with when 95 % was answered within the run, p50 under a second."""
        cpu, fake_cpu = self.bot.cpu, time.process_time()
        answered, elapsed = await self.probe.offer(rate, seconds, first_chat)
        cpu, fake_cpu = self.bot.cpu - cpu, time.process_time() - fake_cpu
        lat = self.probe.latencies
        turns = max(1, answered)
        if counted:
            self.best = max(self.best, answered / elapsed)
            if answered / elapsed >= 0.95 * rate and percentile(lat, 0.5) < 1000:
                self.kept, self.missed = rate, 0
            else:
                self.missed += 1
        print(f"  {self.name:<8} {rate:>4}/s offered: {answered / elapsed:6.1f}/s answered "
              f"({answered}/{int(rate * seconds)})  p50 {percentile(lat, .5):6.0f} ms  "
              f"p95 {percentile(lat, .95):6.0f} ms  p99 {percentile(lat, .99):6.0f} ms  "
              f"CPU/turn {cpu / turns * 1000:5.1f} ms  (fake {fake_cpu / turns * 1000:4.1f} ms)",
              flush=True)  # fmt: skip

    def verdict(self) -> str:
        return (f"  {self.name:<8} most answered: {self.best:.0f}/s; "
                f"kept up with {self.kept}/s offered")  # fmt: skip


async def main(seconds: float, profile: bool) -> None:
    logging.basicConfig(level=logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "inbound.sqlite3"
        async with Database(path) as db:
            await seed(db, PEOPLE)  # people 1..2000, Telegram chats 100001..102000
            await seed_hours(db)
        for limit in (None, 30):
            print(f"Telegram's 30/s limit {'enforced' if limit else 'lifted'}:", flush=True)
            # Each phase has new local Bot APIs, whose update_ids start at 1 again: on the
            # store of the last phase, Meedoen would skip them all as handled before.
            phase = Path(tmp) / f"phase-{limit}.sqlite3"
            shutil.copy(path, phase)
            rates = (20, 50, 100, 200) if limit else LIFTED_RATES
            # Both bots run side by side, each with its own local Bot API, and take turns at
            # each rate: a slower minute of this machine falls on both, not on one.
            subjects = []
            for name in ("Meedoen", "no-op"):
                fake = await FakeTelegram().start()
                fake.rate_limit(limit)
                bot = await Bot(name.lower(), fake.base_url, phase, limit is None).__aenter__()
                subjects.append(Subject(name, bot, fake))
            try:
                if limit is None:
                    # First contact of every person: each /progress draws its picture once,
                    # the caches fill. Printed apart: the rates after it measure a bot in its
                    # stride. (With the limit, the rates start from a bot just started.)
                    print(f"  first contact of each of the {PEOPLE:,} people:", flush=True)
                    for subject in subjects:
                        await subject.measure(100, PEOPLE / 100, 100_001, counted=False)
                    print("  then:", flush=True)
                for rate in rates:
                    for subject in subjects:
                        if subject.going:
                            await subject.measure(rate, seconds, 100_001)
            finally:
                for subject in subjects:
                    await subject.bot.__aexit__()
                    await subject.fake.stop()
            for subject in subjects:
                print(subject.verdict(), flush=True)
        if profile:
            fake = await FakeTelegram().start()
            fake.rate_limit(None)
            dump = str(Path(tmp) / "turn.prof")
            async with Bot("meedoen", fake.base_url, path, True, dump):
                await Probe(fake).offer(50, seconds, 100_001)
            await fake.stop()
            out = io.StringIO()
            pstats.Stats(dump, stream=out).sort_stats("tottime").print_stats(25)
            print(out.getvalue())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--serve", choices=("meedoen", "no-op"), help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--lifted", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dump", default="", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        asyncio.run(serve(options.serve, options.api, options.database, options.lifted,
                          options.dump))  # fmt: skip
    else:
        asyncio.run(main(options.seconds, options.profile))
