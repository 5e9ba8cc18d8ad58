"""The bot token never reaches the log, even inside a request URL or a traceback."""

from __future__ import annotations

import io
import logging

from bot.logs import setup_logging

TOKEN = "123456:ABC-secret-token"


def test_token_is_redacted_from_messages_and_tracebacks() -> None:
    setup_logging("INFO", [TOKEN])
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    handler.setStream(stream)  # type: ignore[attr-defined]
    logging.getLogger("telegram.ext").warning("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"failed https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError:
        logging.getLogger("bot").exception("delivery failed")
    logging.getLogger("httpx").info("HTTP Request: POST .../bot%s/getUpdates", TOKEN)
    output = stream.getvalue()
    assert "secret-token" not in output
    assert output.count("<redacted>") == 2 and "RuntimeError" in output
    assert "getUpdates" not in output  # httpx request lines are below WARNING
