"""`python -m bot offers fetch --network NAME [--dry-run]` against the fake Search API
(tests/fakes/search_api.py, after publiq's search.json), run in its own thread because the
command runs its own event loop. The client id is a secret: it never shows in the output."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from tests.fakes.publiq_documents import concert, place, yoga
from tests.fakes.search_api import CLIENT_ID, FakeSearchApi


@pytest.fixture
def api() -> Iterator[FakeSearchApi]:
    loop = asyncio.new_event_loop()
    fake = FakeSearchApi([concert(), yoga(), place()])
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(fake.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait()
    yield fake
    asyncio.run_coroutine_threadsafe(fake.stop(), loop).result()
    loop.call_soon_threadsafe(loop.stop)
    thread.join()
    loop.close()


def test_fetch_dry_run_then_for_real(
    api: FakeSearchApi,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "cli.sqlite3"))
    monkeypatch.setenv("DEMO_DATA", "false")
    monkeypatch.setenv("UITDATABANK_SEARCH_URL", api.url)
    monkeypatch.setenv("UITDATABANK_CLIENT_ID", CLIENT_ID)
    assert main(["offers", "fetch", "--network", "Gent", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("dry run, nothing changed: source uitdatabank, network Gent: 3 new")
    assert main(["offers", "list"]) == 0
    assert "0 offer(s)" in capsys.readouterr().out

    assert main(["offers", "fetch", "--network", "Gent"]) == 0
    assert "3 new, 0 updated" in capsys.readouterr().out
    shown = {}
    for offer_id in (1, 2, 3):
        assert main(["offers", "show", str(offer_id)]) == 0
        out = capsys.readouterr().out
        shown[out.split("\n", 1)[0].split(" ", 1)[1]] = out
    # The yoga class names its place only by @id: the place was fetched, with its name.
    assert "Nederlandse naam, Sint-Pietersnieuwstraat 23" in shown["Wekelijkse yogales"]
    contacts = "tickets@example.org · 016/445566 · https://tickets.example.org"
    assert any(contacts in out for out in shown.values())

    monkeypatch.setenv("UITDATABANK_CLIENT_ID", "a-wrong-secret-id")
    assert main(["offers", "fetch", "--network", "Gent"]) == 2
    captured = capsys.readouterr()
    assert "answered 401" in captured.err and "nothing changed" in captured.err
    assert "a-wrong-secret-id" not in captured.err + captured.out
    assert main(["offers", "fetch", "--network", "Nowhere"]) == 2
    assert "unknown network" in capsys.readouterr().err


def test_fetch_without_credentials_says_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "cli.sqlite3"))
    monkeypatch.setenv("DEMO_DATA", "false")
    monkeypatch.delenv("UITDATABANK_CLIENT_ID", raising=False)
    monkeypatch.delenv("UITDATABANK_API_KEY", raising=False)
    monkeypatch.setenv("UITDATABANK_SEARCH_URL", "http://127.0.0.1:9")  # never reached
    assert main(["offers", "fetch", "--network", "Gent"]) == 2
    assert "set UITDATABANK_CLIENT_ID" in capsys.readouterr().err
