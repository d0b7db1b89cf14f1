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
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..safety import safe_text

log = logging.getLogger(__name__)

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
    """Thread-safe access to the cache and call log.

    The cache must never cost an answer: a database that cannot be opened, is corrupt,
    read-only or locked by another process for longer than ``BUSY_SECONDS`` degrades to
    no cache (or, read-only, to reading only) with one warning, and the run goes on.
    ``get`` then finds nothing and ``put``/``log_call`` do nothing; none of them raises.
    """

    BUSY_SECONDS = 5.0  # how long to wait for another process's lock on the database

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "brief.sqlite3"
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._readable = self._writable = False
        self._warned = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, check_same_thread=False, timeout=self.BUSY_SECONDS
            )
            self._readable = True
            self._db.executescript(_SCHEMA)
            self._writable = True
        except (OSError, sqlite3.Error) as exc:
            self._degrade(exc, reading=not self._readable or _unreadable(exc))

    @property
    def usable(self) -> bool:
        """Whether answers can still be read from (or written to) the cache."""
        return self._readable or self._writable

    def _degrade(self, exc: BaseException, reading: bool) -> None:
        """Stop using the database (``reading``) or stop writing to it, saying so once."""
        self._writable = False
        if reading:
            self._readable = False
        if self._warned:
            return
        self._warned = True
        what = "without it" if reading else "reading it but storing no new answers"
        log.warning(
            "the answer cache %s cannot be used (%s); continuing %s. Check the file "
            "(move it away if it is damaged, or wait for the other brief run holding it), "
            "or set BRIEF_DATA_DIR to a writable folder, or pass --no-cache.",
            self.path,
            f"{type(exc).__name__}: {exc}",
            what,
        )

    def get(self, key: str) -> Cached | None:
        if not self._readable or self._db is None:
            return None
        try:
            with self._lock:
                row = self._db.execute(
                    "SELECT text, prompt_tokens, completion_tokens FROM answers WHERE key = ?",
                    (key,),
                ).fetchone()
        except sqlite3.Error as exc:
            self._degrade(exc, reading=True)
            return None
        if not row or not isinstance(row[0], str):
            return None
        # an answer stored by an older brief may hold a key or bidi controls: clean it too
        return Cached(safe_text(row[0]), _int(row[1]), _int(row[2]))

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
        self._write(
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
        self._write(
            f"INSERT INTO calls (ts, {', '.join(columns)}) VALUES (?{', ?' * len(columns)})",
            (time.time(), *values),
        )

    def _write(self, statement: str, values: tuple[Any, ...]) -> None:
        if not self._writable or self._db is None:
            return
        try:
            with self._lock, self._db:
                self._db.execute(statement, values)
        except sqlite3.Error as exc:
            self._degrade(exc, reading=_unreadable(exc))

    def calls(self, run_id: str | None = None) -> list[dict[str, Any]]:
        if not self._readable or self._db is None:
            return []
        query = "SELECT * FROM calls" + (" WHERE run_id = ?" if run_id else "") + " ORDER BY id"
        try:
            with self._lock:
                cursor = self._db.execute(query, (run_id,) if run_id else ())
                names = [d[0] for d in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        except sqlite3.Error as exc:
            self._degrade(exc, reading=True)
            return []

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                try:
                    self._db.close()
                except sqlite3.Error:
                    pass


def _unreadable(exc: BaseException) -> bool:
    """A damaged or foreign file (not merely read-only or locked): stop reading it too."""
    text = str(exc).lower()
    return any(w in text for w in ("malformed", "not a database", "corrupt", "disk i/o"))


def _int(value: Any) -> int:
    return value if isinstance(value, int) else 0
