"""The article store: each article once, first-seen kept, edits update, pruning, runs."""

from __future__ import annotations

import sqlite3

import pytest

from briefing.models import Article
from briefing.sources.store import ArticleStore, Told, article_id, content_key

DAY = 86_400.0
T0 = 1_770_000_000.0  # a fixed "now"


def art(text: str = "نص الخبر الأول عن الاجتماع.", title: str = "عنوان", **kw) -> Article:
    return Article(id="x", title=title, text=text, origin="feed", lang="ar", **kw)


@pytest.fixture
def store(tmp_path):
    with ArticleStore(tmp_path / "articles.sqlite3") as s:
        yield s


def test_an_article_is_stored_once_by_url(store):
    url = "https://example.org/news/1"
    assert store.put(art(), feed="f", url=url, digest="d1", now=T0) == ("new", article_id(url))
    assert store.put(art(), feed="f", url=url, digest="d1", now=T0 + DAY)[0] == "same"
    assert store.count() == 1


def test_a_feed_repeating_yesterdays_items_stores_them_once_and_keeps_first_seen(store):
    urls = [f"https://example.org/news/{n}" for n in range(3)]
    for url in urls:
        store.put(art(text=url), feed="f", url=url, now=T0)
    for url in urls + ["https://example.org/news/new"]:  # the next day: same items, one new
        store.put(art(text=url), feed="f", url=url, now=T0 + DAY)
    assert store.count() == 4
    assert len(store.since(T0 + DAY - 1)) == 1  # only the new one is new today
    assert len(store.since(T0 - 1)) == 4


def test_an_edited_article_updates_its_row_and_stays_old_news(store):
    url = "https://example.org/news/1"
    store.put(art("النص الأول للخبر."), feed="f", url=url, digest="a", now=T0)
    change, aid = store.put(art("النص بعد التعديل."), feed="f", url=url, digest="b", now=T0 + 60)
    assert change == "updated" and aid == article_id(url)
    (only,) = store.since(T0 - 1)
    assert only.text == "النص بعد التعديل." and only.id == aid
    assert store.since(T0 + 1) == []  # first seen is unchanged
    assert store.seen(url, "b") and not store.seen(url, "a")


def test_a_canonical_url_joins_two_links_to_one_article(store):
    canonical = "https://example.org/news/1"
    store.put(art(), feed="f1", url="https://m.example.org/1", canonical=canonical, now=T0)
    change, _ = store.put(art(), feed="f2", url=canonical, now=T0 + 5)
    assert change == "same" and store.count() == 1


def test_without_url_the_content_is_the_key(store):
    a = art("خبر بلا رابط.")
    first = store.put(a, feed="inbox", now=T0)
    again = store.put(a, feed="inbox", now=T0 + 5)
    other = store.put(art("خبر آخر بلا رابط."), feed="inbox", now=T0 + 5)
    assert first == ("new", article_id(content_key(a)))
    assert again[0] == "same" and other[0] == "new" and store.count() == 2


def test_articles_come_back_whole(store):
    a = art(source="سانا", published="2026-02-10", mentioned_dates=("2026-02-09",),
            removed=("شاركها",))  # fmt: skip
    _, aid = store.put(a, feed="https://f/rss", url="https://f/1", now=T0)
    (back,) = store.by_ids([aid])
    assert (back.id, back.title, back.text, back.source, back.published, back.lang) == (
        aid, a.title, a.text, "سانا", "2026-02-10", "ar"
    )  # fmt: skip
    assert back.mentioned_dates == ("2026-02-09",) and back.removed == ("شاركها",)
    assert back.origin == "https://f/rss" and back.url == "https://f/1"


def test_since_is_by_first_seen_within_bounds(store):
    for n in range(5):
        store.put(art(text=f"خبر {n}"), feed="f", url=f"https://e/{n}", now=T0 + n * 100)
    assert [a.text for a in store.since(T0 + 100, T0 + 300)] == ["خبر 1", "خبر 2"]


def test_prune_removes_what_was_not_seen_for_keep_days(store):
    store.put(art(text="old"), feed="f", url="https://e/old", now=T0)
    store.put(art(text="kept"), feed="f", url="https://e/kept", now=T0)
    store.touch(["https://e/kept"], now=T0 + 20 * DAY)
    assert store.prune(keep_days=10, now=T0 + 25 * DAY) == 1
    assert [a.text for a in store.since(None)] == ["kept"]


def test_feed_validators_are_kept(store):
    assert store.feed_state("https://f/rss").etag is None
    store.save_feed("https://f/rss", "ok", '"v1"', "Tue, 10 Feb 2026 06:00:00 GMT", now=T0)
    store.save_feed("https://f/rss", "not-modified", '"v1"', None, now=T0 + 5)
    state = store.feed_state("https://f/rss")
    assert state.etag == '"v1"' and state.last_modified is None


def test_runs_remember_the_last_success_and_what_it_told(store):
    assert store.last_success() is None and store.last_told() == []
    store.record_run(T0, None, T0 + 10, "written", "b.docx", [Told("a-1", "2026-02-10", "H")])
    store.record_run(T0 + 50, T0 + 10, T0 + 60, "error")
    assert store.last_success() == T0 + 10
    store.record_run(T0 + 70, T0 + 10, T0 + 80, "nothing-new")
    assert store.last_success() == T0 + 80
    assert store.last_told() == [Told("a-1", "2026-02-10", "H")]
    assert store.last_briefing() == "b.docx"


def test_a_store_that_cannot_be_opened_says_what_to_do(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from briefing.errors import ConfigError

    with pytest.raises(ConfigError, match="BRIEF_DATA_DIR"):
        ArticleStore(blocker / "articles.sqlite3")


def test_the_store_is_plain_sqlite(tmp_path):
    with ArticleStore(tmp_path / "s.sqlite3") as store:
        store.put(art(), feed="f", url="https://e/1", now=T0)
    rows = sqlite3.connect(tmp_path / "s.sqlite3").execute("SELECT feed, url FROM articles")
    assert rows.fetchall() == [("f", "https://e/1")]


def test_readers_see_the_link_as_the_feed_gave_it(store):
    link = "https://example.org/news/1?utm_source=rss"
    _, aid = store.put(art(url=link), feed="f", url="https://example.org/news/1", now=T0)
    assert store.by_ids([aid])[0].url == link
