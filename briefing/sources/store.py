"""The article store: every article `brief fetch` has collected, once, in SQLite.

An article's key is its canonical URL (normalised: no tracking parameters, no fragment),
else a hash of its content. The same item seen again — in the same feed tomorrow, in
another feed, or edited — updates its row and never makes a second article; its
*first-seen* time never changes, so a briefing "since the last run" takes what is new to
us, not what a feed claims is new (feeds republish old items and give odd dates).

The store also remembers, per feed, the validators of its last answer (``ETag``,
``Last-Modified``) for conditional GET; the daily runs (when each selected articles, and
whether it succeeded); and which articles each briefing told, with the story's headline,
so that the next briefing can mark a continuing story as an update. ``prune(keep_days)``
removes what is older than that.

SQLite in WAL mode with a busy timeout: a reader (``brief make --since``) never sees a
half-written fetch.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import ConfigError
from ..models import Article
from ..text import normalize

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    url TEXT,
    link TEXT,
    canonical TEXT,
    feed TEXT NOT NULL,
    digest TEXT,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    source TEXT,
    published TEXT,
    lang TEXT NOT NULL,
    mentioned_dates TEXT NOT NULL DEFAULT '[]',
    removed TEXT NOT NULL DEFAULT '[]',
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL,
    updated REAL
);
CREATE INDEX IF NOT EXISTS articles_first_seen ON articles (first_seen);
CREATE INDEX IF NOT EXISTS articles_canonical ON articles (canonical);
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    checked REAL,
    last_ok REAL,
    status TEXT,
    error TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started REAL NOT NULL,
    since REAL,
    until REAL NOT NULL,
    outcome TEXT NOT NULL,
    briefing TEXT
);
CREATE TABLE IF NOT EXISTS briefed (
    run INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    briefing_date TEXT NOT NULL,
    headline TEXT NOT NULL,
    PRIMARY KEY (run, article_id)
);
"""

Change = Literal["new", "updated", "same"]
SUCCESS = ("written", "nothing-new")


@dataclass(frozen=True, slots=True)
class FeedState:
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class Told:
    """An article a briefing told, with that briefing's date and the story's headline."""

    article_id: str
    briefing_date: str
    headline: str


def content_key(article: Article) -> str:
    """The key of an article that has no URL: a hash of its normalised title and text."""
    blob = f"{normalize(article.title)}\n{normalize(article.text)}"
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def article_id(key: str) -> str:
    """The id a stored article is cited by: stable across runs and machines."""
    return "a-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


class ArticleStore:
    """One SQLite file; open it with ``with ArticleStore(path) as store:``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=60, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=60000")
            self._db.executescript(_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(articles)")}
            if "link" not in columns:  # a store made before links were kept
                self._db.execute("ALTER TABLE articles ADD COLUMN link TEXT")
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"Cannot open the article store {path} ({exc}); set 'store' in brief.toml or "
                "BRIEF_DATA_DIR to a writable place."
            ) from exc

    def __enter__(self) -> ArticleStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # --- feeds --------------------------------------------------------------------------

    def feed_state(self, url: str) -> FeedState:
        row = self._db.execute(
            "SELECT etag, last_modified FROM feeds WHERE url = ?", (url,)
        ).fetchone()
        return FeedState(*row) if row else FeedState(None, None)

    def save_feed(
        self,
        url: str,
        status: str,
        etag: str | None,
        last_modified: str | None,
        error: str | None = None,
        now: float | None = None,
    ) -> None:
        now = time.time() if now is None else now
        ok = now if status != "failed" else None
        self._db.execute(
            "INSERT INTO feeds (url, etag, last_modified, checked, last_ok, status, error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
            "etag = excluded.etag, last_modified = excluded.last_modified, "
            "checked = excluded.checked, last_ok = COALESCE(excluded.last_ok, feeds.last_ok), "
            "status = excluded.status, error = excluded.error",
            (url, etag, last_modified, now, ok, status, error),
        )

    # --- articles -----------------------------------------------------------------------

    def seen(self, key: str, digest: str) -> bool:
        """Whether the store holds this feed entry exactly as the feed gives it now."""
        row = self._db.execute("SELECT digest FROM articles WHERE key = ?", (key,)).fetchone()
        return bool(row) and row[0] == digest

    def touch(self, keys: Iterable[str], now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._db.executemany(
            "UPDATE articles SET last_seen = ? WHERE key = ?", ((now, k) for k in keys)
        )

    def put(
        self,
        article: Article,
        *,
        feed: str,
        url: str | None = None,
        canonical: str | None = None,
        digest: str | None = None,
        now: float | None = None,
    ) -> tuple[Change, str]:
        """Store an article (cleaned) under its URL (normalised), else its content; say
        whether it was new, updated (same key, different content) or the same, and give
        its id. The article's own ``url`` (as its feed gave it) is what readers see."""
        now = time.time() if now is None else now
        content = content_key(article)
        existing = self._find(url, canonical, content)
        if existing is None:
            key = url or canonical or content
            aid = article_id(key)
            self._db.execute(
                "INSERT INTO articles (key, id, url, link, canonical, feed, digest, "
                "content_hash, title, text, source, published, lang, mentioned_dates, removed, "
                "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    aid,
                    url,
                    article.url,
                    canonical,
                    feed,
                    digest,
                    content,
                    *_fields(article),
                    now,
                    now,
                ),  # fmt: skip
            )
            return "new", aid
        key, aid, old_content = existing
        if old_content == content:
            self._db.execute(
                "UPDATE articles SET last_seen = ?, digest = COALESCE(?, digest), "
                "canonical = COALESCE(canonical, ?) WHERE key = ?",
                (now, digest, canonical, key),
            )
            return "same", aid
        self._db.execute(
            "UPDATE articles SET digest = ?, content_hash = ?, title = ?, text = ?, source = ?, "
            "published = ?, lang = ?, mentioned_dates = ?, removed = ?, last_seen = ?, "
            "updated = ?, canonical = COALESCE(?, canonical) WHERE key = ?",
            (digest, content, *_fields(article), now, now, canonical, key),
        )
        return "updated", aid

    def _find(
        self, url: str | None, canonical: str | None, content: str
    ) -> tuple[str, str, str] | None:
        for candidate in (url, canonical):
            if not candidate:
                continue
            row = self._db.execute(
                "SELECT key, id, content_hash FROM articles WHERE key = ? OR canonical = ? LIMIT 1",
                (candidate, candidate),
            ).fetchone()
            if row:
                return row
        if url or canonical:
            return None
        row = self._db.execute(
            "SELECT key, id, content_hash FROM articles WHERE key = ? OR content_hash = ? LIMIT 1",
            (content, content),
        ).fetchone()
        return row

    def since(self, start: float | None, until: float | None = None) -> list[Article]:
        """The articles first seen in ``[start, until)``, oldest first."""
        query = "SELECT * FROM articles WHERE first_seen >= ?"
        args: list[float] = [start if start is not None else float("-inf")]
        if until is not None:
            query += " AND first_seen < ?"
            args.append(until)
        return self._articles(query + " ORDER BY first_seen, key", args)

    def by_ids(self, ids: Sequence[str]) -> list[Article]:
        found: list[Article] = []
        for chunk in range(0, len(ids), 500):
            part = list(ids[chunk : chunk + 500])
            marks = ", ".join("?" * len(part))
            found += self._articles(f"SELECT * FROM articles WHERE id IN ({marks})", part)
        return found

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def _articles(self, query: str, args: Sequence[object]) -> list[Article]:
        cursor = self._db.execute(query, args)
        names = [d[0] for d in cursor.description]
        articles = []
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            articles.append(
                Article(
                    id=row["id"],
                    title=row["title"],
                    text=row["text"],
                    origin=row["feed"],
                    source=row["source"],
                    url=row["link"] or row["canonical"] or row["url"],
                    published=row["published"],
                    lang=row["lang"],
                    mentioned_dates=tuple(json.loads(row["mentioned_dates"])),
                    removed=tuple(json.loads(row["removed"])),
                )
            )
        return articles

    def prune(self, keep_days: int, now: float | None = None) -> int:
        """Remove articles not seen for ``keep_days``, and briefing records as old."""
        now = time.time() if now is None else now
        cutoff = now - keep_days * 86_400
        removed = self._db.execute("DELETE FROM articles WHERE last_seen < ?", (cutoff,)).rowcount
        self._db.execute(
            "DELETE FROM briefed WHERE run IN (SELECT id FROM runs WHERE started < ?)", (cutoff,)
        )
        self._db.execute("DELETE FROM runs WHERE started < ? AND id NOT IN "
                         "(SELECT MAX(id) FROM runs WHERE outcome IN ('written', 'nothing-new'))",
                         (cutoff,))  # fmt: skip
        return int(removed)

    # --- runs -----------------------------------------------------------------------------

    def last_success(self) -> float | None:
        """Until when the last successful run took articles (the next one starts there)."""
        row = self._db.execute(
            "SELECT MAX(until) FROM runs WHERE outcome IN ('written', 'nothing-new')"
        ).fetchone()
        return row[0] if row else None

    def last_briefing(self) -> str | None:
        """The main file of the last briefing written (the one that stands)."""
        row = self._db.execute(
            "SELECT briefing FROM runs WHERE outcome = 'written' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return row[0] if row else None

    def record_run(
        self,
        started: float,
        since: float | None,
        until: float,
        outcome: str,
        briefing: str | None = None,
        told: Sequence[Told] = (),
    ) -> int:
        with self._transaction():
            run = self._db.execute(
                "INSERT INTO runs (started, since, until, outcome, briefing) "
                "VALUES (?, ?, ?, ?, ?)",
                (started, since, until, outcome, briefing),
            ).lastrowid
            self._db.executemany(
                "INSERT OR REPLACE INTO briefed VALUES (?, ?, ?, ?)",
                ((run, t.article_id, t.briefing_date, t.headline) for t in told),
            )
        return int(run or 0)

    def last_told(self) -> list[Told]:
        """The articles the last written briefing told."""
        row = self._db.execute(
            "SELECT MAX(id) FROM runs WHERE outcome = 'written' AND id IN (SELECT run FROM briefed)"
        ).fetchone()
        if not row or row[0] is None:
            return []
        rows = self._db.execute(
            "SELECT article_id, briefing_date, headline FROM briefed WHERE run = ?", (row[0],)
        ).fetchall()
        return [Told(*r) for r in rows]

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def transaction(self) -> _Transaction:
        """Group writes: all or nothing, and one disk sync instead of one per row."""
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *rest: object) -> None:
        self._db.execute("ROLLBACK" if kind else "COMMIT")


def _fields(article: Article) -> tuple[object, ...]:
    return (
        article.title,
        article.text,
        article.source,
        article.published,
        article.lang,
        json.dumps(list(article.mentioned_dates), ensure_ascii=False),
        json.dumps(list(article.removed), ensure_ascii=False),
    )
