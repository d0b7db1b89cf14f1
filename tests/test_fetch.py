"""Fetching feeds and pages from real local servers: politeness, robustness, charsets."""

from __future__ import annotations

import socket
import time

import pytest
from feed_server import FeedServer, Reply, atom, page, rss, seed_items

from briefing.sources import fetch as fetching
from briefing.sources.fetch import Feed, FetchOptions
from briefing.sources.http_client import MAX_REDIRECTS

FAST = FetchOptions(timeout=2.0, max_attempts=3, backoff_initial=0.01, backoff_max=0.05)
LONG_AR = ["هذا نص عربي طويل عن اجتماع وزراء الخارجية في العاصمة وما تلاه من تصريحات. " * 8] * 3


def run(*feeds: Feed, options: FetchOptions = FAST, seen=None) -> fetching.FetchResult:
    return fetching.fetch(list(feeds), options, seen=seen)


def test_rss_with_abstracts_gets_each_page_and_its_main_text(seeds_dir):
    with FeedServer() as server:
        items = seed_items(seeds_dir, server.url("").rstrip("/"), server)
        url = server.route("/rss.xml", Reply(rss(items, title="الإخبارية"), "application/rss+xml"))
        result = run(Feed(url))
    (feed,) = result.feeds
    assert feed.status == "ok" and feed.error is None
    assert len(feed.entries) == 5 and result.pages_fetched == 5
    for item, entry in zip(items, feed.entries, strict=True):
        assert entry.page == "fetched"
        assert len(entry.record["text"].split()) > 3 * len(item["description"].split())
        assert "Copyright" not in entry.record["text"]  # site boilerplate left out
        assert entry.record["source"] == "الإخبارية"
    assert server.hits("/robots.txt") == 1  # asked once per host; 404 means allowed


def test_atom_with_abstracts_gets_pages_and_feed_settings_override(seeds_dir):
    with FeedServer() as server:
        items = seed_items(seeds_dir, server.url("").rstrip("/"), server)
        url = server.route("/atom", Reply(atom(items, lang="en"), "application/atom+xml"))
        result = run(Feed(url, name="Outlet Name", lang="ar"))
    (feed,) = result.feeds
    assert feed.status == "ok" and result.pages_fetched == 5
    assert {e.record["source"] for e in feed.entries} == {"Outlet Name"}
    assert {e.record["lang"] for e in feed.entries} == {"ar"}  # the feed lied: en


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply(b"<?xml version='1.0'?><rss><channel><ti", "application/rss+xml"), "not a readable"),
        (Reply(b"<html><body><p>Welcome</p></body></html>", "text/html"), "text/html"),
        (Reply(b"", "application/rss+xml"), "empty body"),
        (Reply(b"gone", "text/plain", status=404), "HTTP 404"),
        (Reply(b"no", "text/plain", status=403), "HTTP 403"),
        (Reply(b"x" * 300_000, "application/rss+xml"), "larger than"),
        (Reply(b"x" * 300_000, "application/rss+xml", gzip=True), "larger than"),
    ],
    ids=["broken-xml", "not-xml", "empty", "404", "403", "oversized", "gzip-bomb"],
)
def test_a_bad_feed_fails_alone_with_a_reason(seeds_dir, reply, expected):
    options = FetchOptions(timeout=2.0, max_bytes=100_000, backoff_initial=0.01)
    with FeedServer() as server:
        items = seed_items(seeds_dir, server.url("").rstrip("/"), server)
        good = server.route("/good.xml", Reply(rss(items), "application/rss+xml"))
        bad = server.route("/bad.xml", reply)
        result = run(Feed(bad), Feed(good), options=options)
    failed, ok = result.feeds
    assert failed.status == "failed" and expected in failed.error
    assert ok.status == "ok" and len(ok.entries) == 5
    (problem,) = [p for p in result.problems if p.severity == "error"]
    assert bad in problem.where


def test_a_malformed_feed_is_read_as_far_as_it_can_be_with_a_warning():
    broken = rss([_item(1), _item(2)]).replace(b"</channel></rss>", b"<item><title>x")
    with FeedServer() as server:
        url = server.route("/rss.xml", Reply(broken, "application/rss+xml"))
        result = run(Feed(url), options=_no_pages())
    assert result.feeds[0].status == "ok" and len(result.feeds[0].entries) >= 2
    assert any("malformed" in p.message and url in p.where for p in result.problems)


def test_a_site_page_given_for_a_feed_names_the_feed_it_announces():
    html = b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
    with FeedServer() as server:
        url = server.route("/", Reply(html + b"</head><body>Home</body></html>", "text/html"))
        result = run(Feed(url), options=_no_pages())
    assert f"put {server.url('/rss.xml')} in brief.toml" in result.feeds[0].error


def test_an_aggregator_feed_names_each_entrys_outlet():
    feed = rss([_item(1), _item(2)], title="Aggregator").replace(
        b"<guid>", b'<source url="http://b.example/rss">Outlet B</source><guid>', 1
    )
    with FeedServer() as server:
        url = server.route("/rss.xml", Reply(feed, "application/rss+xml"))
        result = run(Feed(url), options=_no_pages())
    first, second = result.feeds[0].entries
    assert (first.record["source"], second.record["source"]) == ("Outlet B", "Aggregator")


def test_a_500_then_ok_is_retried():
    with FeedServer() as server:
        url = server.route(
            "/rss.xml", Reply(rss([_item(1)]), "application/rss+xml"), statuses=[500, 503]
        )
        result = run(Feed(url), options=_no_pages())
    assert result.feeds[0].status == "ok" and server.hits("/rss.xml") == 3


def test_retry_after_is_honoured():
    waits: list[float] = []
    with FeedServer() as server:
        busy = Reply(b"busy", "text/plain", status=429, headers={"Retry-After": "0.3"})
        url = server.route("/rss.xml", Reply(rss([_item(1)]), "application/rss+xml"), [busy])
        result = fetching.fetch([Feed(url)], _no_pages(), sleep=waits.append)
    assert result.feeds[0].status == "ok"
    assert waits == [pytest.approx(0.3)]


def test_retries_are_bounded_and_404_is_never_retried():
    with FeedServer() as server:
        url = server.route("/down.xml", Reply(b"", status=503))
        gone = server.route("/gone.xml", Reply(b"", status=404))
        result = run(Feed(url), Feed(gone), options=_no_pages())
    down, missing = result.feeds
    assert "HTTP 503 after 3 attempt(s)" in down.error and server.hits("/down.xml") == 3
    assert "HTTP 404" in missing.error and server.hits("/gone.xml") == 1


def test_a_slow_feed_times_out_and_the_others_go_on():
    options = FetchOptions(timeout=0.3, max_attempts=1, fetch_pages=False)
    with FeedServer() as server:
        slow = server.route("/slow.xml", Reply(rss([_item(1)]), "application/rss+xml", delay=3))
        fast = server.route("/fast.xml", Reply(rss([_item(2)]), "application/rss+xml"))
        started = time.monotonic()
        result = run(Feed(slow), Feed(fast), options=options)
        elapsed = time.monotonic() - started
    assert result.feeds[0].status == "failed" and "timed out" in result.feeds[0].error
    assert result.feeds[1].status == "ok"
    assert elapsed < 2.5


def test_a_redirect_loop_is_named():
    with FeedServer() as server:
        url = server.url("/loop")
        server.route("/loop", Reply(b"", status=302, headers={"Location": url}))
        result = run(Feed(url), options=_no_pages())
    assert "redirect loop" in result.feeds[0].error
    assert server.hits("/loop") <= MAX_REDIRECTS + 1


def test_a_redirect_is_followed():
    with FeedServer() as server:
        target = server.route("/new.xml", Reply(rss([_item(1)]), "application/rss+xml"))
        old = server.route("/old.xml", Reply(b"", status=301, headers={"Location": target}))
        result = run(Feed(old), options=_no_pages())
    assert result.feeds[0].status == "ok" and len(result.feeds[0].entries) == 1


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
def test_the_second_fetch_is_conditional_and_304_reads_nothing(validator):
    stamp = "Tue, 10 Feb 2026 06:00:00 GMT"
    reply = Reply(rss([_item(1)]), "application/rss+xml")
    setattr(reply, validator, '"v1"' if validator == "etag" else stamp)
    with FeedServer() as server:
        url = server.route("/rss.xml", reply)
        first = run(Feed(url), options=_no_pages()).feeds[0]
        assert first.status == "ok" and (first.etag or first.last_modified)
        again = Feed(url, etag=first.etag, last_modified=first.last_modified)
        second = run(again, options=_no_pages()).feeds[0]
    assert second.status == "not-modified" and second.entries == ()
    headers = server.requests[-1][1]
    assert headers.get("if-none-match") == '"v1"' or headers.get("if-modified-since") == stamp
    assert (second.etag, second.last_modified) == (first.etag, first.last_modified)


def test_a_gzip_encoded_feed_is_read():
    with FeedServer() as server:
        url = server.route("/rss.xml", Reply(rss([_item(1)]), "application/rss+xml", gzip=True))
        result = run(Feed(url), options=_no_pages())
    assert result.feeds[0].status == "ok"
    assert "gzip" in server.requests[0][1]["accept-encoding"]


def test_requests_say_who_is_asking():
    with FeedServer() as server:
        url = server.route("/rss.xml", Reply(rss([_item(1)]), "application/rss+xml"))
        run(Feed(url), options=_no_pages())
    assert server.requests[0][1]["user-agent"].startswith("brief/")


@pytest.mark.parametrize("where", ["header", "meta"])
def test_a_windows_1256_page_is_read(where):
    body = page("عنوان الخبر", LONG_AR, charset="windows-1256")
    kind = "text/html; charset=windows-1256" if where == "header" else "text/html"
    if where == "header":
        body = body.replace(b'<meta charset="windows-1256">', b"")
    with FeedServer() as server:
        link = server.route("/a.html", Reply(body, kind))
        url = server.route("/rss.xml", Reply(rss([_item(1, link)]), "application/rss+xml"))
        result = run(Feed(url))
    (entry,) = result.feeds[0].entries
    assert entry.page == "fetched"
    assert "اجتماع وزراء الخارجية" in entry.record["text"]


def test_a_page_in_an_unknown_charset_is_named_and_the_run_goes_on():
    body = page("عنوان", LONG_AR).replace(b'charset="utf-8"', b'charset="x-klingon"')
    with FeedServer() as server:
        link = server.route("/a.html", Reply(body, "text/html"))
        url = server.route("/rss.xml", Reply(rss([_item(1, link)]), "application/rss+xml"))
        result = run(Feed(url))
    (entry,) = result.feeds[0].entries
    assert entry.page == "fetched" and "اجتماع" in entry.record["text"]
    (problem,) = result.problems
    assert link in problem.where and "x-klingon" in problem.message


def test_a_page_that_fails_keeps_the_abstract_and_is_named():
    with FeedServer() as server:
        link = server.url("/missing.html")
        url = server.route("/rss.xml", Reply(rss([_item(1, link)]), "application/rss+xml"))
        result = run(Feed(url))
    (entry,) = result.feeds[0].entries
    assert entry.page == "failed" and entry.record["text"] == _item(1)["description"]
    assert result.feeds[0].status == "ok" and result.pages_failed == 1
    assert any(link in p.where and "HTTP 404" in p.message for p in result.problems)


def test_robots_txt_is_respected_for_pages():
    robots = b"User-agent: *\nDisallow: /private/\n"
    with FeedServer() as server:
        server.route("/robots.txt", Reply(robots, "text/plain"))
        ok = server.route("/news/1.html", Reply(page("خبر", LONG_AR)))
        private = server.url("/private/2.html")
        server.route("/private/2.html", Reply(page("خبر", LONG_AR)))
        items = [_item(1, ok), _item(2, private)]
        url = server.route("/rss.xml", Reply(rss(items), "application/rss+xml"))
        result = run(Feed(url))
    first, second = result.feeds[0].entries
    assert first.page == "fetched" and second.page == "skipped"
    assert server.hits("/private/2.html") == 0 and result.pages_blocked == 1
    assert any("robots.txt" in p.message and private in p.where for p in result.problems)


def test_a_robots_txt_server_error_means_no_pages():
    with FeedServer() as server:
        server.route("/robots.txt", Reply(b"", status=500))
        link = server.route("/news/1.html", Reply(page("خبر", LONG_AR)))
        url = server.route("/rss.xml", Reply(rss([_item(1, link)]), "application/rss+xml"))
        result = run(Feed(url))
    assert result.feeds[0].entries[0].page == "skipped"
    assert server.hits("/news/1.html") == 0


def test_known_unchanged_entries_get_no_page_fetch(seeds_dir):
    with FeedServer() as server:
        items = seed_items(seeds_dir, server.url("").rstrip("/"), server)
        url = server.route("/rss.xml", Reply(rss(items), "application/rss+xml"))
        first = run(Feed(url))
        known = {(fetching.normalise_url(e.record["url"]), e.digest): True
                 for e in first.feeds[0].entries}  # fmt: skip
        hits = len(server.requests)
        second = run(Feed(url), seen=lambda key, digest: (key, digest) in known)
    assert {e.page for e in second.feeds[0].entries} == {"known"}
    assert len(server.requests) == hits + 1 and second.pages_fetched == 0


def test_at_most_per_host_requests_at_once():
    options = FetchOptions(timeout=5.0, per_host=2)
    with FeedServer() as server:
        items = []
        for n in range(8):
            link = server.route(f"/p{n}.html", Reply(page("خبر", LONG_AR), delay=0.15))
            items.append(_item(n, link))
        url = server.route("/rss.xml", Reply(rss(items), "application/rss+xml"))
        result = run(Feed(url), options=options)
    assert result.pages_fetched == 8
    assert server.max_active == 2


def test_an_unreachable_feed_is_named():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/rss.xml"
    result = run(Feed(url, name="Dead outlet"), options=_no_pages())
    assert "could not connect" in result.feeds[0].error
    assert "Dead outlet" in result.problems[0].where


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/rss", "not a url"])
def test_only_http_feeds(url):
    result = run(Feed(url), options=_no_pages())
    assert result.feeds[0].status == "failed" and "http(s)" in result.feeds[0].error


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.ORG:80/a?utm_source=x&id=3#top", "http://example.org/a?id=3"),
        ("https://example.org:443", "https://example.org/"),
        ("https://example.org:8443/x?fbclid=1", "https://example.org:8443/x"),
        ("https://example.org/news/1.html", "https://example.org/news/1.html"),
        ("http://[::1]:8080/a", "http://[::1]:8080/a"),
        ("http://example.org:bad/a", "http://example.org:bad/a"),
    ],
)
def test_normalise_url(url, expected):
    assert fetching.normalise_url(url) == expected


@pytest.mark.parametrize(
    ("data", "content_type", "expected", "warns"),
    [
        ("خبر".encode(), "text/html; charset=utf-8", "خبر", False),
        ("خبر".encode("cp1256"), "text/html; charset=windows-1256", "خبر", False),
        (b'<meta charset="windows-1256">' + "خبر".encode("cp1256"), None, "خبر", False),
        ("خبر".encode(), "text/html; charset=x-unknown", "خبر", True),
        ("خبر".encode(), "text/html; charset=iso-8859-1", "خبر", False),  # it lies
        ("café".encode("latin-1"), "text/html; charset=iso-8859-1", "café", False),
        ("خبر".encode(), "text/html; charset=windows-1256", "خبر", False),  # it lies
    ],
)
def test_decode_page(data, content_type, expected, warns):
    text, warning = fetching.decode_page(data, content_type)
    assert expected in text and bool(warning) == warns


def test_read_opml():
    opml = b"""<?xml version="1.0"?><opml version="2.0"><body>
    <outline text="News"><outline text="Outlet A" xmlUrl="https://a.example/rss"/>
    <outline title="Outlet B" text="b" xmlUrl="https://b.example/atom" language="ar"/></outline>
    <outline text="folder only"/></body></opml>"""
    feeds = fetching.read_opml(opml, "feeds.opml")
    assert feeds == [
        Feed("https://a.example/rss", "Outlet A"),
        Feed("https://b.example/atom", "Outlet B", "ar"),
    ]
    with pytest.raises(ValueError, match="feeds.opml"):
        fetching.read_opml(b"<opml><body>", "feeds.opml")


def _item(n: int, link: str | None = None) -> dict[str, str]:
    link = link or f"http://example.invalid/news/{n}"
    return {
        "title": f"خبر رقم {n}",
        "link": link,
        "description": f"ملخص قصير للخبر رقم {n} عن الاجتماع.",
        "guid": link,
        "pubDate": "Tue, 10 Feb 2026 06:00:00 +0300",
    }


def _no_pages() -> FetchOptions:
    return FetchOptions(timeout=2.0, backoff_initial=0.01, backoff_max=0.05, fetch_pages=False)


def test_a_host_that_keeps_timing_out_is_not_asked_again_this_run():
    options = FetchOptions(timeout=0.2, max_attempts=1, per_host=1, backoff_initial=0.01)
    with FeedServer() as server:
        items = []
        for n in range(10):
            link = server.route(f"/slow{n}.html", Reply(page("خبر", LONG_AR), delay=1.0))
            items.append(_item(n, link))
        url = server.route("/rss.xml", Reply(rss(items), "application/rss+xml"))
        started = time.monotonic()
        result = run(Feed(url), options=options)
        elapsed = time.monotonic() - started
    assert result.pages_failed == 10 and result.feeds[0].status == "ok"
    asked = sum(server.hits(f"/slow{n}.html") for n in range(10))
    assert asked <= 3 + 1  # the breaker trips after 3 failures in a row (one may be in flight)
    assert any("in a row" in p.message for p in result.problems)
    assert elapsed < 4


def test_a_windows_1256_feed_declared_only_by_its_server_is_read():
    feed = rss([_item(1)]).replace(b' encoding="utf-8"', b"").decode("utf-8").encode("cp1256")
    with FeedServer() as server:
        url = server.route("/rss.xml", Reply(feed, "application/rss+xml; charset=windows-1256"))
        result = run(Feed(url), options=_no_pages())
    (entry,) = result.feeds[0].entries
    assert entry.record["title"] == "خبر رقم 1"


def test_a_server_that_drips_its_answer_is_cut_off():
    import socketserver
    import threading

    class Drip(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.recv(65536)
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n")
            try:
                for _ in range(100):  # one byte every 0.1 s: never a read timeout
                    self.request.sendall(b" ")
                    time.sleep(0.1)
            except OSError:
                pass

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Drip)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/rss.xml"
        options = FetchOptions(timeout=0.5, max_attempts=1, fetch_pages=False)
        started = time.monotonic()
        result = run(Feed(url), options=options)
        elapsed = time.monotonic() - started
    finally:
        server.shutdown()
        server.server_close()
    assert result.feeds[0].status == "failed" and "took longer than" in result.feeds[0].error
    assert elapsed < 4
