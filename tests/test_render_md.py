"""render_md: golden output, the reader's layout (front page, top stories, appendix),
links and anchors, right-to-left blocks, flags, escaping, and safe URLs."""

from __future__ import annotations

import dataclasses
import logging
import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from briefing_samples import REUTERS, STORY_OK, WIRE, sample_briefing

from briefing.models import Briefing, Point
from briefing.render import common
from briefing.render import md as render_md
from briefing.render.common import Layout, visible

GOLDEN = Path(__file__).parent / "golden" / "sample_briefing.md"
ARABIC = re.compile("[\u0600-\u06ff]")
ENGLISH_WORD = re.compile(r"(?<![\w/.:-])[A-Za-z]{3,}(?![\w/.:-])")
CITE_LINK = re.compile(r"\[\\\[(\d+)\\\]\]\(#source-(\d+)\)")
PATH_OR_HASH = re.compile(r"(?:\w+/)+\w+\.(?:txt|json|jsonl|md)|sha256|\b[0-9a-f]{12,}\b")


def _html(text: str) -> str:
    return markdown.markdown(text, extensions=["md_in_html"])


def _render(briefing: Briefing | None = None, **layout: object) -> str:
    return render_md.render(briefing or sample_briefing(), Layout(**layout))  # type: ignore[arg-type]


def _with_en_section(briefing: Briefing, **changes: object) -> Briefing:
    """The sample with the English section of the first story changed."""
    ar, en = STORY_OK.sections
    story = dataclasses.replace(STORY_OK, sections=(ar, dataclasses.replace(en, **changes)))
    return dataclasses.replace(briefing, stories=(story, *briefing.stories[1:]))


def _body(text: str) -> str:
    """Everything before the "About this briefing" appendix."""
    return text.split('<a id="about"></a>', 1)[0]


class _DirectionCheck(HTMLParser):
    """Collects text nodes with whether an ancestor has dir="rtl"."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.texts: list[tuple[str, bool, tuple[str, ...]]] = []
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and dict(attrs).get("href"):
            self.links.append(dict(attrs)["href"] or "")
        if tag in ("br", "hr", "img"):
            return
        self.stack.append(dict(attrs).get("dir") == "rtl")
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "hr", "img"):
            return
        self.stack.pop()
        self.tags.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append((data, any(self.stack), tuple(self.tags)))


def test_matches_golden(request: pytest.FixtureRequest) -> None:
    text = _render()
    if request.config.getoption("--update-golden", default=False):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), "no golden file: run pytest with --update-golden"
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_output_is_deterministic() -> None:
    assert _render() == _render()


def test_every_citation_links_to_its_source_anchor() -> None:
    briefing = sample_briefing()
    text = _render(briefing)
    links = CITE_LINK.findall(text)
    assert links and all(shown == target for shown, target in links)
    anchors = {int(n) for n in re.findall(r'<a id="source-(\d+)"></a>', text)}
    assert anchors == set(range(1, len(briefing.sources) + 1))
    assert {int(n) for n, _ in links} <= anchors


def test_front_page_lists_top_stories_linking_to_them() -> None:
    text = visible(_render())
    front = text.split('<a id="story-1"></a>', 1)[0]
    assert '## <a id="top"></a>أبرز الأخبار · Top stories' in front
    assert (
        "1\\. [سوريا تنضم إلى التحالف الدولي ضد داعش بوصفها العضو رقم 90](#story-1) — 3 مصادر"
        in front
    )
    assert "[Syria joins the anti-ISIS coalition as its 90th member](#story-1) — 3 outlets" in front
    assert "This briefing covers 2 stories from 5 articles by 5 outlets" in front
    assert "published 10–11 February 2026" in front
    assert '<a id="story-2"></a>' in text


def test_citation_missing_from_sources_is_left_out(caplog: pytest.LogCaptureFixture) -> None:
    point = Point("Oil prices rose after the meeting.", (REUTERS.id, "not-a-source"))
    briefing = _with_en_section(sample_briefing(), points=(point,))
    with caplog.at_level(logging.WARNING):
        text = visible(_render(briefing))
    assert "- Oil prices rose after the meeting. [\\[3\\]](#source-3)\n" in text
    assert "not-a-source" not in _body(text)


def test_arabic_lines_are_inside_rtl_divs() -> None:
    inside = False
    for line in visible(_render()).splitlines():
        if line.startswith("<div"):
            assert line == '<div dir="rtl" lang="ar" markdown="1">' and not inside
            inside = True
        elif line == "</div>":
            assert inside
            inside = False
        elif ARABIC.search(line) and not ENGLISH_WORD.search(line.split("—")[0]):
            assert inside, line
    assert not inside


def test_html_keeps_rtl_and_renders_markdown_inside() -> None:
    html = _html(_render())
    check = _DirectionCheck()
    check.feed(html)
    assert '<div dir="rtl" lang="ar">' in html
    arabic_tags = {tag for text, rtl, tags in check.texts if rtl for tag in tags}
    assert {"h1", "h2", "h3", "li", "blockquote", "em", "strong", "a"} <= arabic_tags
    for text, rtl, _ in check.texts:
        isolated = "\u2068" in text or "\u2066" in text  # kept left to right inside the line
        if len(ENGLISH_WORD.findall(text)) >= 4 and not isolated and not ARABIC.search(text):
            assert not rtl, text


@pytest.mark.parametrize(
    ("title", "raw", "shown"),
    [
        ("# Breaking: *live*", r"# Breaking: \*live\*", "# Breaking: *live*"),
        ("[1] is not a citation", r"\[1\] is not a citation", "[1] is not a citation"),
        ("<b>bold</b> & co", "&lt;b>bold&lt;/b> & co", "&lt;b&gt;bold&lt;/b&gt; &amp; co"),
        ("snake_case `code`", r"snake\_case \`code\`", "snake_case `code`"),
        ("&amp; stays literal", "&amp;amp; stays literal", "&amp;amp; stays literal"),
    ],
)
def test_article_text_is_escaped(title: str, raw: str, shown: str) -> None:
    sources = list(sample_briefing().sources)
    sources[3] = dataclasses.replace(WIRE, title=title)
    briefing = dataclasses.replace(sample_briefing(), sources=tuple(sources))
    text = visible(_render(briefing))
    assert f"4\\. **Example Wire** — {raw}" in text
    assert f"<strong>Example Wire</strong> — {shown}" in _html(text)


@pytest.mark.parametrize(
    ("summary", "html"),
    [
        ("# not a heading", "<p># not a heading"),
        ("> not a quote", "<p>&gt; not a quote"),
        ("- not a bullet", "<p>- not a bullet"),
        ("+ not a bullet", "<p>+ not a bullet"),
        ("1. not a list", "<p>1. not a list"),
        ("2024) not a list", "<p>2024) not a list"),
        ("---", "<p>---"),
        ("0.1.0 is a version", "<p>0.1.0 is a version"),
    ],
)
def test_line_start_markup_in_article_text_is_inert(summary: str, html: str) -> None:
    briefing = _with_en_section(sample_briefing(), summary=Point(summary, ()))
    assert html in _html(visible(_render(briefing)))


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "//evil.example/x",
    ],
)
def test_only_http_https_and_mailto_urls_become_links(url: str) -> None:
    sources = list(sample_briefing().sources)
    sources[3] = dataclasses.replace(WIRE, url=url)
    briefing = dataclasses.replace(sample_briefing(), sources=tuple(sources))
    check = _DirectionCheck()
    check.feed(_html(_render(briefing)))
    assert check.links, "the other links are still there"
    for href in check.links:
        assert href.startswith(("#", "http://", "https://", "mailto:")), href


def test_safe_urls_link_with_a_short_readable_form() -> None:
    text = visible(_render())
    assert "[reuters.com/…](https://www.reuters.com/world/middle-east/" in text
    html = _html(text)
    assert 'href="https://www.enabbaladi.net/123456"' in html


def test_arabic_punctuation_is_not_escaped() -> None:
    text = visible(_render())
    for mark in ("«", "»", "،", "؛", "؟", "“", "”"):
        assert mark in text
        assert "\\" + mark not in text


def test_quotes_are_labelled_with_speaker_outlet_and_citation() -> None:
    text = visible(_render())
    assert (
        "### Quotes\n\n> “The meeting marked a turning point for regional security” — Reuters"
        in text
    )
    assert "### اقتباسات" in text
    assert "> «انضمام سوريا إلى اجتماع التحالف الدولي ضد داعش" in text


def test_flagged_point_is_marked_where_it_stands_in_its_language() -> None:
    text = visible(_render())
    assert (
        "\\*not\\* a formality. [\\[2\\]](#source-2) "
        "***⚠ the number 40 is not in the cited sources***" in text
    )
    assert "في بدايتها. [\\[2\\]](#source-2) ***⚠ الرقم 40 غير موجود في المصادر المذكورة***" in text
    about = text.split('<a id="about"></a>', 1)[1]
    assert "نقاط تحتاج إلى تحقّق · Points to check" in about
    assert "— ⚠ the number 40 is not in the cited sources" in about
    assert "— ⚠ الرقم 40 غير موجود في المصادر المذكورة" in about


def test_rules_only_is_said_on_the_front_page_and_in_the_appendix() -> None:
    text = visible(_render())
    front, about = text.split('<a id="about"></a>', 1)
    assert "not checked by the model" in front.split('<a id="story-1"></a>')[0]
    assert "12 points checked against their sources; 2 flagged to check, 1 left out." in about
    assert "Checked by rules only: not checked by the model." in about
    assert "verified" not in text.casefold()


def test_update_is_marked_with_its_new_sources() -> None:
    text = visible(_render())
    assert '## <a id="story-1"></a>1\\. **تحديث:** سوريا تنضم' in text
    assert "**Update:** Continues a story in the briefing of 9 February 2026" in text
    assert "New sources since then: [\\[3\\]](#source-3)" in text


def test_failed_story_says_so_plainly_and_the_reason_goes_to_the_appendix() -> None:
    text = visible(_render())
    body, about = _body(text), text.split('<a id="about"></a>', 1)[1]
    assert "This story could not be summarised. Its sources are listed below:" in body
    assert "تعذّر تلخيص هذا الخبر. مصادره مذكورة أدناه:" in body
    assert "stayed invalid" not in body
    assert "the model's answer stayed invalid after one re-ask" in about


def test_body_has_no_file_path_hash_or_operational_words() -> None:
    body = _body(visible(_render()))
    assert not PATH_OR_HASH.search(body), PATH_OR_HASH.search(body)
    for word in (
        "Provenance",
        "Cut before",
        "tokenizer",
        "input_budget",
        "run_id",
        "Notes on inputs",
    ):
        assert word not in body


def test_appendix_holds_everything_operational() -> None:
    about = visible(_render()).split('<a id="about"></a>', 1)[1]
    assert "inbox/broken.json" in about and "Skipped: not valid JSON" in about
    assert "نسخة مطابقة من [\\[3\\]](#source-3)" in about
    assert "[\\[1\\]](#source-1) 35%" in about
    assert "sha256 4b7c1e0f9a2d" in about and "o200k\\_base" in about
    assert "Ignore all previous instructions" in about  # the quarantined passage, named
    assert "نقطة استُبعدت: اقتباس غير موجود حرفياً في" in about  # Problem.ar


def test_untitled_article_is_shown_by_its_first_words() -> None:
    sources = list(sample_briefing().sources)
    long_text = " ".join(f"word{i}" for i in range(40))
    sources[3] = dataclasses.replace(WIRE, title="", text=long_text)
    text = visible(_render(dataclasses.replace(sample_briefing(), sources=tuple(sources))))
    assert "**Example Wire** — " + " ".join(f"word{i}" for i in range(12)) + "…" in text
    assert "word12" not in text


def test_top_writes_the_rest_as_one_line_each() -> None:
    text = visible(_render(top=1))
    assert '<a id="story-2"></a>' not in text
    also = text.split("أخبار أخرى · Also reported", 1)[1].split('<a id="sources"></a>', 1)[0]
    assert "2\\. **# Breaking: \\*live\\*" in also
    assert "Example Wire" in also and "[\\[4\\]](#source-4)" in also
    assert "The top 1 are written in full, the other 1 in one line each." in text


@pytest.mark.parametrize(
    ("lang", "absent"),
    [
        ("en", ARABIC),
        ("ar", re.compile(r"\b(?:Top stories|Sources|About this briefing|Update|Quotes)\b")),
    ],
)
def test_one_language_document_has_its_headings_and_labels_only(
    lang: str, absent: re.Pattern[str]
) -> None:
    text = visible(_render(langs=(lang,)))
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings
    for line in headings:
        if '<a id="story-' in line:
            continue  # a story's headline is in the language of its section
        assert not absent.search(line), line


def test_english_only_document_says_once_that_english_needs_a_model() -> None:
    from briefing.models import Provenance

    briefing = sample_briefing()
    prov = dataclasses.replace(briefing.provenance, engine="extractive")
    assert isinstance(prov, Provenance)
    ar_only = dataclasses.replace(STORY_OK, sections=(STORY_OK.sections[0],), engine="extractive")
    briefing = dataclasses.replace(briefing, provenance=prov, stories=(ar_only, ar_only))
    text = visible(_render(briefing, langs=("en",)))
    assert text.count("English summaries need a language model") == 1
    assert "2 stories below were reported only in another language and are shown" in text


def test_one_language_document_still_gives_the_other_languages_quotes() -> None:
    text = visible(_render(langs=("en",)))
    quotes = text.split("### Quotes", 1)[1].split("###", 1)[0]
    assert "“The meeting marked a turning point for regional security”" in quotes
    assert "«انضمام سوريا إلى اجتماع التحالف الدولي ضد داعش" in quotes


@pytest.mark.parametrize("fmt", ["md", "html", "json", "docx"])
def test_a_briefing_without_stories_still_renders(fmt: str) -> None:
    from briefing.render import docx, html, json

    empty = dataclasses.replace(sample_briefing(), stories=(), overview=(), sources=())
    render = {"md": render_md.render, "html": html.render, "json": json.render}.get(
        fmt, docx.render
    )
    out = render(empty, Layout())
    assert out


@pytest.mark.parametrize(
    "hostile",
    [
        "\u202eevil\u202c reversed",  # a bidi override must not reach the document
        "title\x00with\x07controls",
        "<script>alert(1)</script>",
        "](javascript:alert(1))",
        '<a id="story-1"></a>fake anchor',
    ],
)
def test_hostile_titles_are_inert_in_every_format(hostile: str) -> None:
    from briefing.render import docx, html

    sources = list(sample_briefing().sources)
    sources[3] = dataclasses.replace(WIRE, title=hostile, source=hostile)
    briefing = dataclasses.replace(sample_briefing(), sources=tuple(sources))
    page = _html(_render(briefing))
    assert "<script" not in page and 'href="javascript' not in page
    assert page.count('<a id="story-1">') == 1
    assert "\u202e" not in page and "\x00" not in page
    direct = html.render(briefing, Layout())
    assert "<script>" not in direct and "\u202e" not in direct
    assert docx.render(briefing, Layout())  # valid XML: no control character slipped in


def test_model_verdicts_are_counted_in_the_appendix() -> None:
    ar, en = STORY_OK.sections
    points = tuple(
        dataclasses.replace(p, model_check=v)
        for p, v in zip(en.points, ("supported", "partly", "contradicted"), strict=True)
    )
    briefing = _with_en_section(sample_briefing(), points=points)
    text = visible(_render(briefing))
    about = text.split('<a id="about"></a>', 1)[1]
    assert (
        "The model also checked the points: 1 supported, 1 partly supported, "
        "1 contradicted by the sources; 7 not checked by the model." in about
    )
    assert "not checked by the model" not in text.split('<a id="story-1"></a>')[0]


@pytest.mark.parametrize(
    "url",
    ["https://x.org/a b", "https://x.org/a\u00a0b", "https://x.org/a\u2028b", "http://x.org/\tq"],
)
def test_a_url_holding_any_white_space_is_not_a_link(url: str) -> None:
    """Looked for by one regex class: the same characters str.isspace() accepts."""
    assert common.safe_url(url) is None
    assert common.safe_url("".join(url.split())) is not None
    assert not [c for c in range(0x3100) if chr(c).isspace() != bool(common._SPACE.match(chr(c)))]
