"""The console chat: the very same handlers, typed in a terminal.

Buttons are shown as numbered choices; typing the number presses the button. Pictures and
files are written to a folder and their path printed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot.channels.text import plain
from handlers.common import int_arg
from handlers.pictures import with_pictures
from handlers.router import Router
from handlers.types import Button, Reply, Turn

CONSOLE_ADDRESS = "local"


class Console:
    def __init__(
        self,
        router: Router,
        *,
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
        files_dir: Path = Path("console-files"),
        address: str = CONSOLE_ADDRESS,
    ) -> None:
        self.router = router
        self.stdin = stdin
        self.stdout = stdout
        self.files_dir = files_dir
        self.address = address
        self.choices: list[Button] = []
        self._counter = 0

    def show(self, replies: list[Reply]) -> None:
        """Print replies; the last reply with buttons defines the numbered choices."""
        for reply in replies:
            self.stdout.write(plain(reply.text, keep_isolates=False) + "\n")
            if reply.speech is not None:  # a terminal plays no voice note: show what it says
                said = " ".join(part.text for part in reply.speech.parts if part.text)
                self.stdout.write(f"🔊 {said}\n")
            for attachment in (reply.image, reply.document):
                if attachment is not None:
                    self.stdout.write(f"📎 {self._save(attachment.filename, attachment.content)}\n")
            if reply.buttons:
                self.choices = [button for row in reply.buttons for button in row]
                for number, button in enumerate(self.choices, start=1):
                    target = f"  ({button.url})" if button.url else ""
                    self.stdout.write(f"  [{number}] {plain(button.label, False)}{target}\n")
        self.stdout.flush()

    def _save(self, filename: str, content: bytes) -> Path:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self._counter += 1
        path = self.files_dir / f"{self._counter:03d}-{Path(filename).name}"
        path.write_bytes(content)
        return path.resolve()

    def turn_for(self, line: str) -> Turn:
        text = line.strip()
        number = int_arg(text)
        if number is not None and 1 <= number <= len(self.choices):
            button = self.choices[number - 1]
            if button.data is not None:
                return Turn(channel="console", address=self.address, payload=button.data)
        return Turn(channel="console", address=self.address, text=text)

    async def run(self) -> None:
        """Open with /start, then answer every line until end of input."""
        self.stdout.write("Meedoen — console chat. Ctrl-D to quit.\n")
        start = Turn(channel="console", address=self.address, text="/start")
        self.show(await with_pictures(await self.router.handle(start)))
        loop = asyncio.get_running_loop()
        while True:
            self.stdout.write("> ")
            self.stdout.flush()
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line:
                break
            self.show(await with_pictures(await self.router.handle(self.turn_for(line))))
        self.stdout.write("\n👋\n")
        self.stdout.flush()

    async def deliver(self, address: str, replies: list[Reply]) -> None:
        """Outbox delivery to the console: print, marked as a notification."""
        if address != self.address:
            return
        self.stdout.write("🔔\n")
        await with_pictures(replies)
        self.show(replies)
