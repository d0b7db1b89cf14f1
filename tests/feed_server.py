"""A local web server for feed and page tests: a real HTTP server on 127.0.0.1.

    with FeedServer() as server:
        server.route("/rss.xml", Reply(rss_bytes, "application/rss+xml", etag='"v1"'))
        server.route("/flaky", Reply(b"ok"), statuses=[500])   # 500 once, then the reply
        url = server.url("/rss.xml")

``Reply`` sets the body, content type, validators (``etag``/``last_modified``: a matching
conditional request gets 304), a ``delay`` before answering, gzip encoding, extra headers
and the status. Every request is recorded in ``requests`` as (path, headers), headers
lower-cased. Paths without a route answer 404.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    gzip: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Reply] = {}
        self.before: dict[str, deque[int | Reply]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.active = 0
        self.max_active = 0  # the most requests served at once
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                with server._lock:
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                try:
                    self._get()
                finally:
                    with server._lock:
                        server.active -= 1

            def _get(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server._lock:
                    server.requests.append((self.path, headers))
                    queued = server.before.get(self.path)
                    early = queued.popleft() if queued else None
                    reply = server.routes.get(self.path)
                if isinstance(early, Reply):
                    reply = early
                elif early is not None:
                    self._send(early, b"temporarily failing", "text/plain", {"Retry-After": "0"})
                    return
                if reply is None:
                    self._send(404, b"not found", "text/plain", {})
                    return
                if reply.delay:
                    time.sleep(reply.delay)
                extra = dict(reply.headers)
                if reply.etag:
                    extra["ETag"] = reply.etag
                if reply.last_modified:
                    extra["Last-Modified"] = reply.last_modified
                matches = (reply.etag and headers.get("if-none-match") == reply.etag) or (
                    reply.last_modified and headers.get("if-modified-since") == reply.last_modified
                )
                if matches and reply.status == 200:
                    self._send(304, b"", None, extra)
                    return
                body = reply.body
                if reply.gzip:
                    body = gzip.compress(body)
                    extra["Content-Encoding"] = "gzip"
                self._send(reply.status, body, reply.content_type, extra)

            def _send(
                self, status: int, body: bytes, kind: str | None, extra: dict[str, str]
            ) -> None:
                try:
                    self.send_response(status)
                    if kind:
                        self.send_header("Content-Type", kind)
                    for key, value in extra.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if body and status != 304:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def route(self, path: str, reply: Reply, statuses: list[int | Reply] | None = None) -> str:
        self.routes[path] = reply
        if statuses:
            self.before[path] = deque(statuses)
        return self.url(path)

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def rss(items: list[dict[str, str]], title: str = "Test outlet", lang: str = "ar") -> bytes:
    """An RSS 2.0 feed of items with title, link, description, guid, pubDate."""
    from xml.sax.saxutils import escape

    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<rss version="2.0"><channel><title>{escape(title)}</title>',
        f"<link>http://example.org/</link><language>{lang}</language>",
    ]
    for item in items:
        parts.append("<item>")
        for key in ("title", "link", "description", "guid", "pubDate"):
            if key in item:
                parts.append(f"<{key}>{escape(item[key])}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


def atom(items: list[dict[str, str]], title: str = "Atom outlet", lang: str = "ar") -> bytes:
    from xml.sax.saxutils import escape

    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">',
        f"<title>{escape(title)}</title><id>urn:test:{escape(title)}</id>",
        "<updated>2026-02-10T08:00:00Z</updated>",
    ]
    for item in items:
        parts += [
            "<entry>",
            f"<title>{escape(item['title'])}</title>",
            f'<link href="{escape(item["link"])}"/>',
            f"<id>{escape(item.get('guid', item['link']))}</id>",
            f"<updated>{item.get('updated', '2026-02-10T07:00:00Z')}</updated>",
            f"<summary>{escape(item['description'])}</summary>",
            "</entry>",
        ]
    parts.append("</feed>")
    return "\n".join(parts).encode("utf-8")


def page(title: str, paragraphs: list[str], lang: str = "ar", charset: str = "utf-8") -> bytes:
    """An article page with site boilerplate around the article."""
    from html import escape

    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    html = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{charset}">'
        f"<title>{escape(title)}</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Copyright 2026 Test outlet. All rights reserved.</footer></body></html>"
    )
    return html.encode(charset)


def seed_items(fixtures: Any, base: str, server: FeedServer | None = None) -> list[dict[str, str]]:
    """Feed items (abstract only) for the seed articles in ``fixtures/``, each linking to
    its page on ``server`` (which gets a route per page) under ``base``."""
    from pathlib import Path

    items = []
    for n, path in enumerate(sorted(Path(fixtures).glob("*.txt")), start=1):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if line]
        title, paragraphs = lines[0], lines[1:]
        link = f"{base}/news/{n}.html"
        if server is not None:
            server.route(f"/news/{n}.html", Reply(page(title, paragraphs)))
        abstract = " ".join(paragraphs[2].split()[:25]) if len(paragraphs) > 2 else title
        items.append(
            {
                "title": title,
                "link": link,
                "description": abstract,
                "guid": link,
                "pubDate": f"Tue, 10 Feb 2026 0{n}:00:00 +0300",
            }
        )
    return items
