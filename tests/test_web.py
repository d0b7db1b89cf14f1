"""Feeds and HTML pages: entries become articles with their metadata; site boilerplate
goes; a file that is not a feed or holds no article is a problem naming it."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from briefing.sources.clean import clean_article
from briefing.sources.ingest import ingest
from briefing.sources.web import html_to_text

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>قناة الإخبارية</title><language>ar</language>
<item><title>السعودية تستضيف اجتماع التحالف</title><link>https://example.org/a1</link>
<guid>urn:news:1</guid><pubDate>Tue, 10 Feb 2026 08:30:00 +0300</pubDate>
<description><![CDATA[<p>استضافت المملكة العربية السعودية اجتماعاً رفيع المستوى.</p>
<p>رحب المجتمعون بانضمام سوريا كعضو رقم 90.</p><script>track()</script>]]></description></item>
<item><title>خبر ثان</title><link>https://example.org/a2</link>
<description>نص الخبر الثاني &amp; تفاصيله.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>Example Wire</title>
<entry><title>Coalition meets in Riyadh</title><id>tag:wire,2026:1</id>
<link href="https://wire.example/1"/><updated>2026-02-09T18:00:00Z</updated>
<content type="html">&lt;p&gt;The coalition met in Riyadh on Monday.&lt;/p&gt;</content>
</entry></feed>"""

PAGE = """<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8">
<title>اجتماع التحالف | موقع الخبر</title><meta property="og:site_name" content="موقع الخبر">
<meta property="article:published_time" content="2026-02-10T08:00:00+03:00">
<link rel="canonical" href="https://example.org/news/1"></head><body>
<nav><a href="/">الرئيسية</a> | <a href="/p">سياسة</a> | <a href="/e">اقتصاد</a></nav>
<article><h1>السعودية تستضيف اجتماع التحالف الدولي</h1>
<p>استضافت المملكة العربية السعودية، يوم الإثنين 9 شباط، اجتماعاً رفيع المستوى ضم كبار
المسؤولين الدبلوماسيين والدفاعيين من المجموعة المصغرة للتحالف الدولي.</p>
<p>رحب المجتمعون بانضمام الحكومة السورية كعضو رقم 90 في التحالف، مما يعزز من الشراكة
الدولية في مواجهة الإرهاب.</p></article>
<footer>جميع الحقوق محفوظة © 2026 — تابعونا على فيسبوك وتويتر</footer></body></html>"""


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_rss_entries_become_articles_with_feed_metadata(tmp_path: Path) -> None:
    result = ingest([write(tmp_path / "feed.xml", RSS)])
    first, second = result.articles
    assert (first.id, first.source, first.url, first.lang) == (
        "urn:news:1",
        "قناة الإخبارية",
        "https://example.org/a1",
        "ar",
    )
    assert first.published_date == "2026-02-10"
    assert first.text.splitlines() == [
        "استضافت المملكة العربية السعودية اجتماعاً رفيع المستوى.",
        "رحب المجتمعون بانضمام سوريا كعضو رقم 90.",
    ]
    assert "track()" not in first.text and first.origin == f"{tmp_path / 'feed.xml'}#1"
    assert second.id == "https://example.org/a2" and second.text == "نص الخبر الثاني & تفاصيله."


def test_atom_feed_and_gzip(tmp_path: Path) -> None:
    (article,) = ingest([write(tmp_path / "wire.atom.gz", gzip.compress(ATOM.encode()))]).articles
    assert (article.title, article.source, article.lang) == (
        "Coalition meets in Riyadh",
        "Example Wire",
        "en",
    )
    assert article.published.startswith("2026-02-09T18:00:00")
    assert article.text == "The coalition met in Riyadh on Monday."


def test_html_page_keeps_the_article_and_drops_the_site(tmp_path: Path) -> None:
    (raw,) = ingest([write(tmp_path / "page.html", PAGE)]).articles
    article = clean_article(raw)
    assert article.title == "السعودية تستضيف اجتماع التحالف الدولي"
    assert (article.source, article.url, article.published, article.lang) == (
        "موقع الخبر",
        "https://example.org/news/1",
        "2026-02-10",
        "ar",
    )
    assert "رحب المجتمعون بانضمام الحكومة السورية كعضو رقم 90" in article.text
    for boilerplate in ("الرئيسية", "جميع الحقوق محفوظة", "تابعونا"):
        assert boilerplate not in article.text
    assert article.title not in article.text  # the page's h1 repeated at the top is dropped


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("config.xml", "<settings><a>1</a></settings>", "no entries"),
        ("empty.html", "<html><body><nav>menu</nav></body></html>", "no article text"),
    ],
)
def test_not_a_feed_or_no_article_is_a_problem(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    bad = write(tmp_path / name, content)
    good = write(tmp_path / "good.txt", "Title\nBody.\n")
    result = ingest([bad, good])
    assert [a.title for a in result.articles] == ["Title"]
    assert result.problems[0].where == str(bad) and message in result.problems[0].message


def test_malformed_feed_is_read_with_a_warning(tmp_path: Path) -> None:
    broken = RSS[: RSS.index("<item><title>خبر ثان")] + "<item><title>cut off"
    result = ingest([write(tmp_path / "cut.rss", broken)])
    assert result.articles[0].title == "السعودية تستضيف اجتماع التحالف"
    assert "malformed feed" in result.problems[0].message


def test_html_to_text_keeps_paragraphs_and_drops_scripts() -> None:
    text = html_to_text("<p>One <b>bold</b> line.</p><script>x()</script><p>Two &amp; three</p>")
    assert text == "One bold line.\nTwo & three"


def test_page_in_windows_1256_with_its_charset_is_read(tmp_path: Path) -> None:
    page = PAGE.replace('<meta charset="utf-8">', '<meta charset="windows-1256">')
    css = "".join(
        f".block-{i} {{ font-family: Arial; margin: 0 auto; padding: {i}px; }}\n" for i in range(60)
    )  # real pages: far more Latin markup than Arabic text
    page = page.replace("<head>", f"<head><style>{css}</style>")
    (article,) = ingest([write(tmp_path / "cp.html", page.encode("cp1256"))]).articles
    assert "رحب المجتمعون بانضمام الحكومة السورية" in article.text


def test_page_date_comes_from_metadata_never_from_the_text(tmp_path: Path) -> None:
    page = PAGE.replace(
        '<meta property="article:published_time" content="2026-02-10T08:00:00+03:00">', ""
    )
    page = page.replace(
        "</article>",
        "<p>وتأسس التحالف في 10 September 2014 في جدة بمشاركة عشرات الدول.</p></article>",
    )
    (article,) = ingest([write(tmp_path / "nodate.html", page)]).articles
    assert article.published is None


def test_feed_date_keeps_the_outlet_time_zone(tmp_path: Path) -> None:
    early = RSS.replace("Tue, 10 Feb 2026 08:30:00 +0300", "Tue, 10 Feb 2026 01:30:00 +0300")
    first = ingest([write(tmp_path / "early.xml", early)]).articles[0]
    assert first.published == "2026-02-10T01:30:00+03:00" and first.published_date == "2026-02-10"


def test_empty_content_falls_back_to_the_summary(tmp_path: Path) -> None:
    feed = RSS.replace(
        '<rss version="2.0">',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
    )
    feed = feed.replace(
        "<guid>urn:news:1</guid>",
        '<guid>urn:news:1</guid><content:encoded><![CDATA[<img src="x.jpg">]]></content:encoded>',
    )
    first = ingest([write(tmp_path / "f.xml", feed)]).articles[0]
    assert "رحب المجتمعون بانضمام سوريا" in first.text


def test_a_feed_language_the_script_contradicts_is_corrected(tmp_path: Path) -> None:
    wrong = RSS.replace("<language>ar</language>", "<language>en-us</language>")
    (raw, _) = ingest([write(tmp_path / "f.xml", wrong)]).articles
    assert raw.lang == "en" and clean_article(raw).lang == "ar"


def test_the_same_feed_saved_twice_is_read_once(tmp_path: Path) -> None:
    a = write(tmp_path / "monday.xml", RSS)
    b = write(tmp_path / "tuesday.xml", RSS)
    result = ingest([a, b])
    assert len(result.articles) == 2
    assert [p.where for p in result.problems] == [str(b)] and "2 article(s)" in result.problems[
        0
    ].message
