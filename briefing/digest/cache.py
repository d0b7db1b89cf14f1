"""The answer cache and the call log: one SQLite database in the user's data directory.

Answers are keyed by a hash of everything that determines them (model, prompt sha256,
parameters, the exact messages), so a rerun on the same inputs makes no call. Only
valid answers are stored: a failure is never cached. Every call, including cache hits
and failures, is logged with its prompt id and hash, tokens, latency, attempts and
outcome. The API key is never part of a key or a row.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    created REAL NOT NULL,
    model TEXT NOT NULL,
    prompt_id TEXT NOT NULL,
    prompt_sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    run_id TEXT NOT NULL,
    story_id TEXT,
    prompt_id TEXT NOT NULL,
    prompt_version INTEGER NOT NULL,
    prompt_sha256 TEXT NOT NULL,
    model TEXT NOT NULL,
    base_url TEXT,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    latency REAL,
    attempts INTEGER,
    outcome TEXT NOT NULL,
    error TEXT
);
"""


def data_dir() -> Path:
    """BRIEF_DATA_DIR, else the platform's user data directory for brief."""
    configured = os.environ.get("BRIEF_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("brief", appauthor=False))


def cache_key(**parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Cached:
    text: str
    prompt_tokens: int
    completion_tokens: int


class Store:
    """Thread-safe access to the cache and call log."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "brief.sqlite3"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"Cannot open the cache database {self.path} ({exc}); set BRIEF_DATA_DIR to a "
                "writable folder, or pass --no-cache."
            ) from exc
        self._lock = threading.Lock()

    def get(self, key: str) -> Cached | None:
        with self._lock:
            row = self._db.execute(
                "SELECT text, prompt_tokens, completion_tokens FROM answers WHERE key = ?", (key,)
            ).fetchone()
        return Cached(*row) if row else None

    def put(
        self,
        key: str,
        *,
        model: str,
        prompt_id: str,
        prompt_sha256: str,
        text: str,
        prompt_tokens: int,
        completion_tokens: int,
    ) -> None:
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    time.time(),
                    model,
                    prompt_id,
                    prompt_sha256,
                    text,
                    prompt_tokens,
                    completion_tokens,
                ),
            )

    def log_call(self, **row: Any) -> None:
        columns = (
            "run_id",
            "story_id",
            "prompt_id",
            "prompt_version",
            "prompt_sha256",
            "model",
            "base_url",
            "prompt_tokens",
            "completion_tokens",
            "latency",
            "attempts",
            "outcome",
            "error",
        )
        values = [row.get(c) for c in columns]
        with self._lock, self._db:
            self._db.execute(
                f"INSERT INTO calls (ts, {', '.join(columns)}) VALUES (?{', ?' * len(columns)})",
                (time.time(), *values),
            )

    def calls(self, run_id: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT * FROM calls" + (" WHERE run_id = ?" if run_id else "") + " ORDER BY id"
        with self._lock:
            cursor = self._db.execute(query, (run_id,) if run_id else ())
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        with self._lock:
            self._db.close()
