"""/proof: the PDF read back with pypdf, and verification codes checked against the store."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.cli import main as cli_main
from bot.cli_proof import verify
from bot.settings import load_settings
from handlers.hours.proof import Verdict, new_code, normalise_code, verify_proof
from handlers.router import Router
from storage.db import Database
from tests.conftest import Chat, Clock
from tests.hours.test_hours_support import log_hours, paired, rows


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


async def _scene(router: Router) -> tuple[Chat, Chat]:
    """Confirmed: 3 h and 1,5 h with buddy Jan. Self-declared: 2 h music. Pending: 1 h."""
    buddy, newcomer = await paired(router)
    await buddy.say("/log")
    await buddy.tap("3 h")
    await buddy.tap("☕")
    await log_hours(newcomer, "Buddy", "1,5", 2)
    await newcomer.say("/confirm")
    await newcomer.tap("👍")
    await buddy.say("/confirm")
    await buddy.tap("Yes")
    await log_hours(newcomer, "Something else", "2", 1, kind="Music")
    await log_hours(newcomer, "Buddy", "1", 1)
    return buddy, newcomer


async def _proof(newcomer: Chat, name: str | None = None) -> tuple[bytes, str]:
    await newcomer.say("/proof")
    assert "Which name goes on the proof?" in newcomer.text
    replies = await (newcomer.tap("Amal") if name is None else newcomer.say(name))
    document = replies[-1].document
    assert document is not None and document.mime == "application/pdf"
    code = replies[-1].text.rsplit(" ", 1)[-1]
    return document.content, code


async def test_proof_pdf_shows_confirmed_hours_and_totals(router: Router, db: Database) -> None:
    _, newcomer = await _scene(router)
    pdf, code = await _proof(newcomer, "Amal Haddad")
    text = _text(pdf)
    assert "Bewijs van deelname" in text and "Participatie- en netwerktraject" in text
    assert "Amal Haddad" in text and code in text
    assert "proof of your hours for your counsellor" in text  # the line in their language
    assert "Buddy-ontmoeting: Koffie drinken" in text and "Westhoek" in text
    assert "Telt mee voor het doel: 4,5 u van 40 u" in text
    assert "Totaal zelf aangegeven: 2 u" in text
    assert "21-11-2026" in text and "23-11-2026" in text  # the confirmed days
    assert text.count("1 u") == 0  # the pending hour is not on the proof
    (stored,) = await rows(db, "SELECT * FROM proofs")
    assert stored["code"] == code and stored["person_name"] == "Amal Haddad"
    assert stored["confirmed_minutes"] == 270 and stored["self_declared_minutes"] == 120


async def test_verification_accepts_the_proof_and_rejects_a_changed_total(
    router: Router, db: Database, clock: Clock
) -> None:
    buddy, newcomer = await _scene(router)
    _, code = await _proof(newcomer)
    async with db.transaction() as tx:
        assert (await verify_proof(tx, code)).verdict is Verdict.VALID
        assert (await verify_proof(tx, code.lower().replace("-", " "))).verdict is Verdict.VALID
    clock.advance(hours=1)
    await buddy.say("/confirm")  # later hours do not make the earlier proof wrong
    await buddy.tap("Yes")
    async with db.transaction() as tx:
        assert (await verify_proof(tx, code)).verdict is Verdict.VALID
        await tx.execute("UPDATE hour_entries SET minutes = minutes + 60 WHERE id = 1")
        result = await verify_proof(tx, code)
    assert result.verdict is Verdict.CHANGED
    assert result.proof is not None and result.proof.confirmed_minutes == 270
    assert result.confirmed_minutes_now == 330


async def test_verification_rejects_a_removed_entry(router: Router, db: Database) -> None:
    _, newcomer = await _scene(router)
    _, code = await _proof(newcomer)
    async with db.transaction() as tx:
        await tx.execute("UPDATE hour_entries SET status = 'undone' WHERE status = 'self_declared'")
        assert (await verify_proof(tx, code)).verdict is Verdict.CHANGED


async def test_unknown_codes(router: Router, db: Database) -> None:
    async with db.transaction() as tx:
        for text in (new_code(), "MDN-0000", "nonsense", "", "x" * 500):
            assert (await verify_proof(tx, text)).verdict is Verdict.UNKNOWN


def test_code_shape() -> None:
    code = new_code()
    assert normalise_code(code) == code and len(code) == 13
    assert normalise_code("mdn-7k4q-2xpa") == "MDN-7K4Q-2XPA"
    assert normalise_code("7K4Q 2XPA") == "MDN-7K4Q-2XPA"
    assert normalise_code("MDN-OIL0-0000") == "MDN-0110-0000"
    assert normalise_code("MDN-7K4Q-2XPU") is None


async def test_no_proof_without_hours(router: Router) -> None:
    _, newcomer = await paired(router)
    await newcomer.say("/proof")
    assert "no confirmed hours yet" in newcomer.text


async def test_bad_names_are_refused(router: Router, db: Database) -> None:
    _, newcomer = await _scene(router)
    await newcomer.say("/proof")
    for bad in ("1234", "!!!", "x" * 81):
        await newcomer.say(bad)
        assert "Please type your full name" in newcomer.text
    await newcomer.press("pn:other")
    assert "Which name" in newcomer.text
    assert await rows(db, "SELECT * FROM proofs") == []


async def test_proof_is_for_newcomers(router: Router) -> None:
    buddy, _ = await paired(router)
    await buddy.say("/proof")
    assert "This is for newcomers" in buddy.text


async def test_cli_verify_messages_in_dutch(router: Router, db: Database, tmp_path: Path) -> None:
    _, newcomer = await _scene(router)
    _, code = await _proof(newcomer)
    settings = load_settings(database_path=db.path, _env_file=None)
    status, message = await verify(settings, code)
    assert status == 0 and message.startswith("GELDIG") and "4,5 u bevestigd" in message
    async with db.transaction() as tx:
        await tx.execute("UPDATE hour_entries SET minutes = 30 WHERE id = 1")
    status, message = await verify(settings, code)
    assert status == 1 and message.startswith("GEWIJZIGD") and "Aanvaard dit bewijs niet" in message
    status, message = await verify(settings, "MDN-AAAA-AAAA")
    assert status == 1 and message.startswith("ONBEKEND")


def test_cli_export_and_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """`python -m bot proof export --person ID` and `proof verify CODE`, as staff run them."""
    from handlers.context import Config
    from tests.conftest import Clock as TestClock

    path = tmp_path / "meedoen.sqlite3"

    async def prepare() -> int:
        from datetime import UTC, datetime

        async with Database(path) as db:
            clock = TestClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
            await _scene(Router(db, Config(bot_username="b"), clock=clock))
            async with db.transaction() as tx:
                return await tx.scalar("SELECT person_id FROM identities WHERE address = '1001'")

    person_id = asyncio.run(prepare())
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_PATH", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(path))
    out = tmp_path / "proof.pdf"
    assert cli_main(["proof", "export", "--person", str(person_id), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    code = printed.rsplit(" ", 1)[-1].strip()
    assert "Amal" in _text(out.read_bytes()) and code in _text(out.read_bytes())
    assert cli_main(["proof", "verify", code]) == 0
    assert "GELDIG" in capsys.readouterr().out
    assert cli_main(["proof", "verify", "MDN-AAAA-AAAA"]) == 1
    assert "ONBEKEND" in capsys.readouterr().err
    assert cli_main(["proof", "export", "--person", "999"]) == 1
    assert "geen persoon" in capsys.readouterr().err
