"""render_html: one self-contained page; Arabic elements right to left; text escaped;
citations link to sources that exist."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

from briefing_samples import sample_briefing

from briefing.render import html as render_html

ARABIC = re.compile("[\u0600-\u06ff]")


class Elements(HTMLParser):
    """Every element as (tag, attrs), and the text that falls under the nearest element
    before it that declares a direction."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[int, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        for i in range(len(self.found) - 1, -1, -1):
            if "dir" in self.found[i][1]:
                self.texts.setdefault(i, []).append(data)
                break


def parse(text: str) -> Elements:
    parser = Elements()
    parser.feed(text)
    return parser


def test_page_is_complete_and_self_contained() -> None:
    page = render_html.render(sample_briefing())
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<meta charset="utf-8">' in page
    assert "<script" not in page and "http" not in page.split("<body>")[0]


def test_arabic_elements_are_right_to_left_and_english_left_to_right() -> None:
    parsed = parse(render_html.render(sample_briefing()))
    checked = 0
    for i, (tag, attrs) in enumerate(parsed.found):
        own = "".join(parsed.texts.get(i, []))
        if "dir" not in attrs or not own.strip():
            continue
        if attrs.get("lang") == "ar":
            assert attrs["dir"] == "rtl", (tag, own)
            checked += 1
        elif attrs.get("lang") == "en":
            assert attrs["dir"] == "ltr", (tag, own)
    assert checked >= 5


def test_every_citation_links_to_a_source_entry() -> None:
    page = render_html.render(sample_briefing())
    targets = set(re.findall(r'id="source-(\d+)"', page))
    links = re.findall(r'href="#source-(\d+)"', page)
    assert links and set(links) <= targets


def test_article_text_is_escaped() -> None:
    briefing = sample_briefing()
    evil = dataclasses.replace(briefing.sources[0], title='<script>alert("x")</script> & co')
    briefing = dataclasses.replace(briefing, sources=(evil, *briefing.sources[1:]))
    page = render_html.render(briefing)
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; co" in page


def test_front_page_links_to_stories_and_stories_have_anchors() -> None:
    page = render_html.render(sample_briefing())
    assert re.findall(r'href="#(story-\d+)"', page)
    for target in set(re.findall(r'href="#(story-\d+)"', page)):
        assert f'id="{target}"' in page


def test_only_http_https_and_mailto_become_links() -> None:
    page = render_html.render(sample_briefing())
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(h.startswith(("#", "http://", "https://", "mailto:")) for h in hrefs)
    assert "javascript:alert(document.cookie)" in page  # shown as text
    assert 'href="javascript' not in page.lower()


def test_flagged_point_shows_a_mark_and_its_reason_in_its_language() -> None:
    page = render_html.render(sample_briefing())
    assert '<span class="flag">⚠ the number 40 is not in the cited sources</span>' in page
    assert '<span class="flag">⚠ الرقم 40 غير موجود في المصادر المذكورة</span>' in page
    assert page.count('class="flagged"') >= 2
