"""Reading articles out of web formats: RSS/Atom feeds and saved HTML pages.

Not a stage: the ingest stage calls it. Each function returns plain dicts with the
article fields ingest understands (``id``, ``title``, ``text``, ``source``, ``url``,
``published``, ``lang``). Feeds are parsed with feedparser, article pages with
trafilatura, which strips navigation, footers, share widgets and other site
boilerplate; both are imported only when such a file is read.
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

_BLOCK_TAGS = {"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
               "tr", "section", "article", "figcaption"}  # fmt: skip
_SKIP_TAGS = {"script", "style", "noscript", "template"}
_HTML_LANG = re.compile(r"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z-]+)", re.IGNORECASE)


MIN_PAGE_WORDS = 15  # less than this is a menu or a teaser, not an article


class NotAnArticle(ValueError):
    """The file holds no article; ``str()`` says why."""


def parse_feed(
    data: bytes, content_type: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """The entries of an RSS or Atom feed as article records, and a warning when the
    feed is malformed but entries could still be read from it. ``content_type`` is the
    HTTP header of a fetched feed, whose charset counts when the XML declares none."""
    import feedparser

    headers = {"content-type": content_type} if content_type else None
    feed = feedparser.parse(data, response_headers=headers)
    if not feed.entries:
        if feed.bozo:
            raise NotAnArticle(f"is not a readable RSS/Atom feed ({feed.bozo_exception})")
        raise NotAnArticle("is a feed with no entries")
    channel = feed.feed
    outlet = channel.get("title") or None
    feed_lang = channel.get("language") or None
    records = []
    for entry in feed.entries:
        content = entry.get("content") or []
        # the fullest text the entry offers: a content element may be empty or image-only
        texts = [html_to_text(c.get("value", "")) for c in content]
        texts.append(html_to_text(entry.get("summary", "")))
        records.append(
            {
                "id": entry.get("id") or entry.get("link") or None,
                "title": html_to_text(entry.get("title", "")) or None,
                "text": max(texts, key=len),
                "source": _entry_source(entry) or outlet,
                "url": entry.get("link") or None,
                "published": _entry_date(entry),
                "lang": (content[0].get("language") if content else None) or feed_lang,
            }
        )
    warning = None
    if feed.bozo and not _benign(feed.bozo_exception):
        warning = (
            f"is a malformed feed ({feed.bozo_exception}); read the {len(records)} "
            "entries that could be recovered"
        )
    return records, warning


def _benign(exc: Exception | None) -> bool:
    """A feed served as text/xml without a charset that declares its own UTF-8 is fine:
    its XML declaration governs (feedparser reports the override, nothing is lost)."""
    import feedparser

    return isinstance(exc, feedparser.CharacterEncodingOverride)


def _entry_source(entry: Any) -> str | None:
    """The outlet an aggregator's entry names (RSS ``<source>``, Atom ``<source><title>``),
    so that a feed of many outlets is not read as one."""
    source = entry.get("source")
    title = source.get("title") if isinstance(source, dict) else None
    if not isinstance(title, str):
        return None
    return html_to_text(title).strip() or None


def _entry_date(entry: Any) -> str | None:
    """The entry's date as written, with the outlet's own time zone (feedparser's parsed
    form is in UTC, which moves an early-morning story to the day before)."""
    for key in ("published", "updated"):
        raw = entry.get(key)
        if not raw:
            continue
        try:
            return email.utils.parsedate_to_datetime(raw).isoformat()
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00")).isoformat()
        except ValueError:
            pass
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime(*stamp[:6], tzinfo=UTC).isoformat() if stamp else None


def parse_page(html: bytes) -> dict[str, Any]:
    """The main article of an HTML page, without the site's boilerplate. Given the raw
    bytes, so that the page's own charset declaration is honoured."""
    import trafilatura

    def extract(precise: bool) -> dict[str, Any] | None:
        found = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_precision=precise,
            # the date from the page's metadata only, never one its text happens to mention
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
        return found.as_dict() if found is not None and hasattr(found, "as_dict") else found

    # Precision mode leaves out the byline and share bar that short pages glue to their
    # first sentence; it is kept unless it loses much of the article's text.
    document = extract(precise=True)
    fuller = extract(precise=False)
    words = len(((document or {}).get("text") or "").split())
    if fuller and (words < MIN_PAGE_WORDS or words < 0.5 * len((fuller.get("text") or "").split())):
        document = fuller
    if not document or len((document.get("text") or "").split()) < MIN_PAGE_WORDS:
        raise NotAnArticle("holds no article text that could be extracted")
    lang = _HTML_LANG.search(html[:5000].decode("ascii", errors="ignore"))
    return {
        "title": document.get("title"),
        "text": document.get("text"),
        "source": document.get("sitename") or document.get("hostname"),
        "url": document.get("url"),
        "published": document.get("date"),
        "lang": document.get("language") or (lang.group(1) if lang else None),
    }


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags dropped, block elements on their own lines."""
    if "<" not in fragment and "&" not in fragment:
        return fragment.strip()
    parser = _TextParser()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self.skipping:
            self.skipping -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)
