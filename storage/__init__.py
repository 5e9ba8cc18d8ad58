"""The shared store: aiosqlite, numbered migrations, repositories returning pydantic models."""

from storage.db import Database, Tx

__all__ = ["Database", "Tx"]
