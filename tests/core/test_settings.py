"""Settings: defaults, validation, and a one-line exit 2 on a bad value."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_PATH", "TARGET_HOURS", "DEFAULT_LOCALE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.database_path == Path("data/meedoen.sqlite3")
    assert settings.timezone == "Europe/Brussels"
    assert settings.default_locale == "nl"
    assert settings.target_hours == 40
    assert settings.telegram_api_url == "https://api.telegram.org/bot"


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("TARGET_HOURS", "-3", "TARGET_HOURS"),
        ("TARGET_HOURS", "forty", "TARGET_HOURS"),
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE"),
        ("DEFAULT_LOCALE", "xx", "DEFAULT_LOCALE"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("TELEGRAM_API_URL", "ftp://x", "TELEGRAM_API_URL"),
    ],
)
def test_invalid_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=fragment):
        load_settings()


def test_bad_setting_exits_2_with_one_line_and_no_secret(tmp_path: Path) -> None:
    env = {**os.environ, "TARGET_HOURS": "lots", "TELEGRAM_BOT_TOKEN": "123:SECRET-TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TARGET_HOURS" in lines[0], result.stderr
    assert "Traceback" not in result.stderr and "SECRET-TOKEN" not in result.stderr


def test_help_lists_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], cwd=ROOT, capture_output=True, text=True,
        timeout=60, check=False,
    )
    assert result.returncode == 0 and "run" in result.stdout


def test_settling_the_heap_loads_every_catalog_and_hides_startup_from_the_collector() -> None:
    """Run in a fresh interpreter: freezing the test session's heap would keep it forever."""
    script = (
        "import gc\n"
        "from bot.app import settle_heap\n"
        "from i18n import LANGUAGES\n"
        "from i18n.translator import _translations\n"
        "settle_heap()\n"
        "assert _translations.cache_info().currsize == len(LANGUAGES), _translations.cache_info()\n"
        "assert gc.get_freeze_count() > 50_000, gc.get_freeze_count()\n"
        "assert sum(len(gc.get_objects(g)) for g in range(3)) < 5_000\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
