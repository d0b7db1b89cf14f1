"""Collecting, wired: the feeds (with their OPML list) and folders of ``[sources]``,
fetched and read, cleaned, into the article store. Each failure becomes a problem naming
the feed, page or folder; everything else goes on."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..config import Settings, resolve
from ..errors import BriefError, ConfigError
from ..models import Article, Problem
from ..sources import clean, ingest
from ..sources import fetch as fetching
from ..sources.store import ArticleStore

STORE_NAME = "articles.sqlite3"


@dataclass(frozen=True, slots=True)
class Collected:
    """What one collection brought into the store."""

    feeds_ok: int = 0
    feeds_not_modified: int = 0
    feeds_failed: int = 0
    folders_ok: int = 0
    folders_failed: int = 0
    requests: int = 0
    pages_fetched: int = 0
    pages_failed: int = 0
    pages_blocked: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    pruned: int = 0
    problems: tuple[Problem, ...] = ()

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in _fields(self).items() if isinstance(v, int)}


def store_path(settings: Settings) -> Path:
    """``store`` in brief.toml (or BRIEF_STORE), else ``articles.sqlite3`` in the data
    directory, next to the answer cache."""
    if settings.store:
        return resolve(settings, settings.store)
    from ..digest.cache import data_dir

    return data_dir() / STORE_NAME


def feeds(settings: Settings) -> list[fetching.Feed]:
    """The feeds of ``[sources]``: ``feeds`` then the OPML list, each URL once."""
    found: list[fetching.Feed] = []
    for item in settings.sources.feeds:
        found.append(fetching.Feed(item.url.strip(), item.name, item.lang))
    if settings.sources.opml:
        path = resolve(settings, settings.sources.opml)
        try:
            found += fetching.read_opml(path.read_bytes(), str(path))
        except OSError as exc:
            raise ConfigError(
                f"[sources] opml {path} cannot be read ({exc.strerror or exc}); check the path "
                "(relative paths start at brief.toml's folder)."
            ) from exc
        except ValueError as exc:
            raise ConfigError(f"[sources] opml: {exc}. Export it again from your reader.") from exc
    unique: dict[str, fetching.Feed] = {}
    for feed in found:
        unique.setdefault(feed.url, feed)
    return list(unique.values())


def collect(settings: Settings, store: ArticleStore, today: date | None = None) -> Collected:
    """Fetch every feed and read every folder of ``[sources]`` into the store."""
    listed = feeds(settings)
    if not listed and not settings.sources.folders:
        raise ConfigError(
            'No sources: add [sources] feeds = ["https://…/rss.xml"] (or folders, or opml) '
            "to brief.toml."
        )
    for feed in listed:
        state = store.feed_state(feed.url)
        listed[listed.index(feed)] = replace(
            feed, etag=state.etag, last_modified=state.last_modified
        )
    s = settings.sources
    options = fetching.FetchOptions(
        timeout=s.timeout,
        max_bytes=s.max_bytes,
        per_host=s.per_host,
        max_attempts=s.max_attempts,
        max_entries=s.max_entries,
        fetch_pages=s.fetch_pages,
        **({"user_agent": s.user_agent} if s.user_agent else {}),
    )
    result = fetching.fetch(listed, options, seen=store.seen) if listed else None
    problems = [Problem("brief.toml", message, "error") for message in settings.refused]
    problems += result.problems if result else ()
    counts: dict[str, int] = defaultdict(int)
    now = time.time()
    with store.transaction():
        for feed_result in result.feeds if result else ():
            feed = feed_result.feed
            store.save_feed(feed.url, feed_result.status, feed_result.etag,
                            feed_result.last_modified, feed_result.error, now)  # fmt: skip
            counts[{"ok": "feeds_ok", "not-modified": "feeds_not_modified"}.get(
                feed_result.status, "feeds_failed")] += 1  # fmt: skip
            _store_entries(feed_result, store, counts, problems, today, now)
        for folder in s.folders:
            _store_folder(resolve(settings, folder), store, counts, problems, today, now)
        pruned = store.prune(settings.keep_days, now)
    return Collected(
        feeds_ok=counts["feeds_ok"],
        feeds_not_modified=counts["feeds_not_modified"],
        feeds_failed=counts["feeds_failed"],
        folders_ok=counts["folders_ok"],
        folders_failed=counts["folders_failed"],
        requests=result.requests if result else 0,
        pages_fetched=result.pages_fetched if result else 0,
        pages_failed=result.pages_failed if result else 0,
        pages_blocked=result.pages_blocked if result else 0,
        articles_new=counts["new"],
        articles_updated=counts["updated"],
        articles_unchanged=counts["same"],
        pruned=pruned,
        problems=tuple(problems),
    )


def _store_entries(
    result: fetching.FeedResult,
    store: ArticleStore,
    counts: dict[str, int],
    problems: list[Problem],
    today: date | None,
    now: float,
) -> None:
    known = [e for e in result.entries if e.page == "known"]
    store.touch((fetching.normalise_url(e.record["url"]) for e in known if e.record.get("url")),
                now)  # fmt: skip
    counts["same"] += len(known)
    fresh = [e for e in result.entries if e.page != "known"]
    built: list[tuple[fetching.Entry, Article]] = []
    for n, entry in enumerate(fresh, start=1):
        origin = entry.record.get("url") or f"{result.feed.url}#{n}"
        try:
            article, found = ingest.from_record(entry.record, origin)
        except BriefError as exc:
            problems.append(Problem(f"feed {result.feed.label}", f"entry {n}: {exc}"))
            continue
        problems.extend(found)
        built.append((entry, article))
    cleaned = clean.clean([a for _, a in built], reference=today)
    for (entry, _), article in zip(built, cleaned, strict=True):
        url = entry.record.get("url")
        change, _ = store.put(
            replace(article, origin=result.feed.url),
            feed=result.feed.url,
            url=fetching.normalise_url(url) if url else None,
            canonical=fetching.normalise_url(entry.canonical) if entry.canonical else None,
            digest=entry.digest,
            now=now,
        )
        counts[change] += 1


def _store_folder(
    folder: Path,
    store: ArticleStore,
    counts: dict[str, int],
    problems: list[Problem],
    today: date | None,
    now: float,
) -> None:
    if not folder.is_dir():
        counts["folders_failed"] += 1
        problems.append(Problem(f"folder {folder}", "does not exist or is not a folder; check "
                                "[sources] folders in brief.toml.", "error"))  # fmt: skip
        return
    ingested = ingest.ingest([folder])
    problems.extend(ingested.problems)
    counts["folders_ok"] += 1
    for article in clean.clean(ingested.articles, reference=today):
        url = (
            article.url if article.url and article.url.startswith(("http://", "https://")) else None
        )
        change, _ = store.put(
            article,
            feed=str(folder),
            url=fetching.normalise_url(url) if url else None,
            now=now,
        )
        counts[change] += 1


def _fields(value: object) -> dict[str, object]:
    return {name: getattr(value, name) for name in value.__slots__}  # type: ignore[attr-defined]
