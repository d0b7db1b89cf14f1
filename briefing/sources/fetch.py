"""Collecting RSS/Atom feeds, and the pages of their entries, over HTTP.

``fetch(feeds, options, seen)`` asks every feed at once (at most ``per_host`` requests to
one host at a time) and returns what each gave, or why it failed: one broken, slow or
hostile feed never stops the others. Politeness and robustness, in one place:

- a clear ``User-Agent``; connect and read timeouts, and a total time per response, so a
  server that drips bytes cannot hold the run; at most 5 redirects; a size cap on every
  response, counted after gzip/deflate decoding (a compressed bomb stops at the cap);
- conditional GET: a feed's ``ETag`` and ``Last-Modified`` are sent back, and ``304 Not
  Modified`` means nothing to read;
- transient failures (connection errors, timeouts, 408, 429, 5xx) are retried with the
  project's one retry style (tenacity: ``Retry-After`` when the server sends it, else
  exponential backoff with jitter; attempts and total time bounded); other statuses never;
- article pages are fetched only when ``robots.txt`` allows it (a missing robots.txt, 4xx,
  allows everything; a server error or an unreachable one allows nothing, RFC 9309), only
  for entries that carry little text (an abstract), and only for entries the store does
  not already hold unchanged. The page's charset is taken from the HTTP header, else its
  ``<meta>``, else detected; its main text is extracted with trafilatura (``web.py``).

Feeds come from the user's own configuration, so robots.txt is not asked about them
(as RSS readers do). Nothing here blocks private addresses: a newsroom's own feeds are
often on its intranet.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from ..models import Problem
from . import web
from .http_client import WORKERS, Client, FetchFailed, FetchOptions

log = logging.getLogger(__name__)

SHORT_WORDS = 150  # an entry with less text than this carries an abstract: fetch its page

Status = Literal["ok", "not-modified", "failed"]


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed to ask, with what the store remembers of its last answer."""

    url: str
    name: str | None = None  # the outlet's name, over the feed's own title
    lang: str | None = None  # the language, over what the feed claims
    etag: str | None = None
    last_modified: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.url})" if self.name else self.url


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a feed, as an article record (the fields ingest reads), with the
    text of its page when that was fetched."""

    feed_url: str
    record: dict[str, Any] = field(hash=False, compare=False)
    digest: str  # hash of what the feed says of the item: unchanged means nothing to do
    canonical: str | None = None  # the page's canonical URL, when its page was read
    page: Literal["none", "fetched", "failed", "skipped", "known"] = "none"


@dataclass(frozen=True, slots=True)
class FeedResult:
    feed: Feed
    status: Status
    entries: tuple[Entry, ...] = ()
    etag: str | None = None  # validators to send next time
    last_modified: str | None = None
    error: str | None = None  # why it failed, as a line a user can act on
    problems: tuple[Problem, ...] = ()  # pages that failed, a malformed feed read in part


@dataclass(frozen=True, slots=True)
class FetchResult:
    feeds: tuple[FeedResult, ...]
    requests: int = 0
    pages_fetched: int = 0
    pages_failed: int = 0
    pages_blocked: int = 0  # refused by robots.txt

    @property
    def problems(self) -> tuple[Problem, ...]:
        found: list[Problem] = []
        for result in self.feeds:
            if result.error:
                found.append(Problem(f"feed {result.feed.label}", result.error, "error"))
            found.extend(result.problems)
        return tuple(found)


def fetch(
    feeds: Sequence[Feed],
    options: FetchOptions | None = None,
    seen: Callable[[str, str], bool] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchResult:
    """Ask every feed, then fetch the pages its new abstract-only entries link to.

    ``seen(url, digest)`` says whether the store already holds that entry unchanged;
    such entries are returned marked ``page="known"`` and their pages are not fetched.
    """
    options = options or FetchOptions()
    with Client(options, sleep) as client, ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(lambda f: _guarded_feed(client, f, options), feeds))
        jobs: list[tuple[int, int]] = []
        for i, result in enumerate(results):
            entries = list(result.entries)
            for j, entry in enumerate(entries):
                if seen is not None and seen(_entry_key(entry), entry.digest):
                    entries[j] = replace(entry, page="known")
                elif options.fetch_pages and _wants_page(entry):
                    jobs.append((i, j))
            results[i] = replace(result, entries=tuple(entries))
        fetched = list(
            pool.map(lambda job: _guarded_page(client, results[job[0]].entries[job[1]]), jobs)
        )
        for (i, j), (entry, problem) in zip(jobs, fetched, strict=True):
            entries = list(results[i].entries)
            entries[j] = entry
            problems = results[i].problems + ((problem,) if problem else ())
            results[i] = replace(results[i], entries=tuple(entries), problems=problems)
        return FetchResult(
            feeds=tuple(results),
            requests=client.requests,
            pages_fetched=sum(1 for r in results for e in r.entries if e.page == "fetched"),
            pages_failed=sum(1 for r in results for e in r.entries if e.page == "failed"),
            pages_blocked=sum(1 for r in results for e in r.entries if e.page == "skipped"),
        )


def normalise_url(url: str) -> str:
    """A URL as the key of an article: scheme and host lower-cased, default port, fragment
    and tracking parameters (utm_*, fbclid, gclid…) dropped."""
    from urllib.parse import parse_qsl, urlencode, urlunsplit

    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # a malformed port or address: keep the URL as it is
        return url.strip()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # IPv6
    if port and not (
        (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING
    ]
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", urlencode(query), ""))


_TRACKING = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref_src"}


# --- feeds ----------------------------------------------------------------------------


def _guarded_feed(client: Client, feed: Feed, options: FetchOptions) -> FeedResult:
    try:
        return _read_feed(client, feed, options)
    except FetchFailed as exc:
        return FeedResult(feed, "failed", etag=feed.etag, last_modified=feed.last_modified,
                          error=str(exc))  # fmt: skip
    except Exception as exc:  # a hostile feed must never stop the others
        log.exception("feed %s failed", feed.url)
        return FeedResult(
            feed,
            "failed",
            etag=feed.etag,
            last_modified=feed.last_modified,
            error=f"could not be read ({type(exc).__name__}: {exc}); please report it",
        )


def _read_feed(client: Client, feed: Feed, options: FetchOptions) -> FeedResult:
    if urlsplit(feed.url).scheme not in ("http", "https"):
        raise FetchFailed(
            "is not an http(s) URL; list local feed files under [sources] folders instead"
        )
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
               "text/xml;q=0.9, */*;q=0.5"}  # fmt: skip
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    response = client.get(feed.url, headers)
    if response.status == 304:
        return FeedResult(feed, "not-modified", etag=feed.etag, last_modified=feed.last_modified)
    etag = response.headers.get("etag") or None
    last_modified = response.headers.get("last-modified") or None
    if not response.content.strip():
        raise FetchFailed("answered with an empty body; check the URL")
    try:
        records, warning = web.parse_feed(response.content, response.headers.get("content-type"))
    except web.NotAnArticle as exc:
        kind = response.headers.get("content-type", "unknown type").split(";")[0]
        named = _feed_link(response.content, response.url)
        hint = (
            f"the page names its feed: put {named} in brief.toml instead"
            if named
            else "check that the URL is the feed's"
        )
        raise FetchFailed(f"{exc} (the server sent {kind}); {hint}") from None
    problems = [Problem(f"feed {feed.label}", warning + ".")] if warning else []
    if len(records) > options.max_entries:
        problems.append(
            Problem(f"feed {feed.label}", f"has {len(records)} entries; the first "
                    f"{options.max_entries} were read ([sources] max_entries).")
        )  # fmt: skip
    entries = []
    for record in records[: options.max_entries]:
        if record.get("url"):
            record["url"] = urljoin(response.url, record["url"])
        if feed.name:
            record["source"] = feed.name
        if feed.lang:
            record["lang"] = feed.lang
        entries.append(Entry(feed.url, record, _digest(record)))
    return FeedResult(feed, "ok", tuple(entries), etag, last_modified, None, tuple(problems))


_FEED_LINK = re.compile(
    rb"<link[^>]+type=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.IGNORECASE
)
_HREF = re.compile(rb"href=[\"']([^\"']+)[\"']", re.IGNORECASE)


def _feed_link(html: bytes, base: str) -> str | None:
    """The feed an HTML page announces (``<link rel="alternate" type="application/rss+xml"
    href=...>``), for a user who gave the site's page instead of its feed."""
    tag = _FEED_LINK.search(html[:100_000])
    href = _HREF.search(tag.group(0)) if tag else None
    return urljoin(base, href.group(1).decode("utf-8", "replace")) if href else None


def _digest(record: dict[str, Any]) -> str:
    blob = "\x1f".join(str(record.get(k) or "") for k in ("title", "text", "published", "url"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _entry_key(entry: Entry) -> str:
    url = entry.record.get("url")
    return normalise_url(url) if url else f"digest:{entry.digest}"


def _wants_page(entry: Entry) -> bool:
    url = entry.record.get("url") or ""
    text = entry.record.get("text") or ""
    return urlsplit(url).scheme in ("http", "https") and len(text.split()) < SHORT_WORDS


# --- pages ----------------------------------------------------------------------------


def _guarded_page(client: Client, entry: Entry) -> tuple[Entry, Problem | None]:
    url = entry.record["url"]
    where = f"page {url}"
    try:
        if not client.allowed(url):
            return replace(entry, page="skipped"), Problem(
                where, "robots.txt does not allow fetching it; the feed's abstract is used."
            )
        response = client.get(url, {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"})
        kind = response.headers.get("content-type", "text/html").split(";")[0].strip().lower()
        if kind and "html" not in kind and "xml" not in kind and kind != "text/plain":
            raise FetchFailed(f"is {kind}, not an HTML page")
        html, warning = decode_page(response.content, response.headers.get("content-type"))
        page = web.parse_page(html.encode("utf-8"))
    except (FetchFailed, web.NotAnArticle) as exc:
        return replace(entry, page="failed"), Problem(
            where, f"{exc}; the feed's abstract is used instead."
        )
    except Exception as exc:  # a hostile page must never stop the run
        log.exception("page %s failed", url)
        return replace(entry, page="failed"), Problem(
            where, f"could not be read ({type(exc).__name__}: {exc}); the feed's abstract is used."
        )
    record = dict(entry.record)
    if len((page.get("text") or "").split()) > len((record.get("text") or "").split()):
        record["text"] = page["text"]
    for key in ("title", "published", "lang", "source"):
        if not record.get(key) and page.get(key):
            record[key] = page[key]
    canonical = page.get("url")
    canonical = urljoin(response.url, canonical) if canonical else None
    if canonical and urlsplit(canonical).scheme not in ("http", "https"):
        canonical = None
    problem = Problem(where, warning) if warning else None
    return replace(entry, record=record, canonical=canonical, page="fetched"), problem


_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)


def decode_page(data: bytes, content_type: str | None) -> tuple[str, str | None]:
    """An HTML page's text, in the charset its server or its ``<meta>`` declares, else
    the one it is detected to be; and a warning when the declared one was unusable.
    Raises ``NotAnArticle`` when no charset reads it."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), None
    declared = _HEADER_CHARSET.search(content_type or "")
    name = declared.group(1) if declared else None
    if name is None:
        meta = _META_CHARSET.search(data[:4096])
        name = meta.group(1).decode("ascii") if meta else None
    warning = None
    if name:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            codec = None
            warning = f"declares the unknown charset {name!r}; its charset was guessed instead."
        if codec and codec != "utf-8" and _is_utf8(data):
            codec = "utf-8"  # multi-byte UTF-8 throughout: the declaration is wrong
        if codec:
            try:
                return data.decode(codec), None
            except UnicodeDecodeError:
                warning = f"is not valid {name} as it declares; its charset was guessed instead."
    try:
        return data.decode("utf-8"), warning
    except UnicodeDecodeError:
        pass
    guessed = _guess(data)
    if guessed is None:
        raise web.NotAnArticle(
            "is in a charset that could not be recognised"
            + (f" (it declares {name!r})" if name else "")
        )
    return guessed, warning


def _is_utf8(data: bytes) -> bool:
    """Valid UTF-8 with multi-byte characters: text in a single-byte charset (Windows-1256,
    ISO-8859-1) practically never is."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - trafilatura brings it
        return None
    best = from_bytes(data[:200_000]).best()
    return str(best) if best is not None else None


# --- OPML -----------------------------------------------------------------------------


def read_opml(data: bytes, where: str) -> list[Feed]:
    """The feeds of an OPML file (what every RSS reader exports): each ``<outline>`` with
    an ``xmlUrl``, named by its ``title`` or ``text``. Raises ``ValueError`` saying why
    the file cannot be read."""
    import xml.etree.ElementTree as ET

    if b"<!ENTITY" in data[:10_000].upper():
        raise ValueError(f"{where} declares XML entities; an OPML file has no need of them")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ValueError(f"{where} is not valid OPML ({exc})") from None
    feeds = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        name = (outline.get("title") or outline.get("text") or "").strip() or None
        lang = (outline.get("language") or "").strip() or None
        feeds.append(Feed(url, name, lang))
    return feeds
