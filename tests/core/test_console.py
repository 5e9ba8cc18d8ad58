"""The console chat, driven through stdin of the real `python -m bot` process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_console(tmp_path: Path, lines: list[str]) -> str:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["DATABASE_PATH"] = str(tmp_path / "console.sqlite3")
    env["DEFAULT_LOCALE"] = "en"
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, input="\n".join(lines) + "\n",
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


def test_console_onboarding_by_numbers(tmp_path: Path) -> None:
    out = run_console(tmp_path, ["1", "1", "1", "Amal", "8900", "1", "3", "13", "2", "2", "4",
                                 "2", "3", "/profile"])
    assert "Choose your language" in out and "[4] العربية" in out
    assert "Welcome to Meedoen" in out and "8900 Ieper" in out
    with sqlite3.connect(tmp_path / "console.sqlite3") as conn:
        role, postcode = conn.execute("SELECT role, postcode FROM people").fetchone()
    assert (role, postcode) == ("newcomer", "8900")


def test_console_resumes_after_restart(tmp_path: Path) -> None:
    run_console(tmp_path, ["1", "1", "1"])  # Dutch, newcomer, agree: now at the name question
    out = run_console(tmp_path, ["Samira"])
    assert "Samira" not in out.split("> ")[0]  # /start on reopen shows the waiting question
    with sqlite3.connect(tmp_path / "console.sqlite3") as conn:
        assert conn.execute("SELECT display_name FROM people").fetchone() == ("Samira",)


def test_a_digit_that_is_not_a_number_is_typed_text() -> None:
    from bot.channels.console import Console
    from handlers.types import Button

    console = Console(router=None)  # type: ignore[arg-type]  # turn_for needs no router
    console.choices = [Button(label="Nederlands", data="ol:nl")]
    assert console.turn_for("1").payload == "ol:nl"
    assert console.turn_for("²").text == "²"  # isdigit() but not int(): no crash
