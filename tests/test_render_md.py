"""render_md: golden output, citations, right-to-left blocks, escaping."""

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
from briefing.render import md as render_md

GOLDEN = Path(__file__).parent / "golden" / "sample_briefing.md"
ARABIC = re.compile("[\u0600-\u06ff]")
ENGLISH_WORD = re.compile(r"(?<![\w/.:-])[A-Za-z]{3,}(?![\w/.:-])")
CITE = re.compile(r"(?<!\\)\[(\d+)\]")


def visible(text: str) -> str:
    """The text as a reader sees it: joiners and isolates gone, no-break spaces as spaces."""
    for invisible in ("\u2060", "\u2066", "\u2069"):
        text = text.replace(invisible, "")
    return text.replace("\u00a0", " ")


def _html(text: str) -> str:
    return markdown.markdown(text, extensions=["md_in_html"])


def _with_en_section(briefing: Briefing, **changes: object) -> Briefing:
    """The sample with the English section of the first story changed."""
    ar, en = STORY_OK.sections
    story = dataclasses.replace(STORY_OK, sections=(ar, dataclasses.replace(en, **changes)))
    return dataclasses.replace(briefing, stories=(story, *briefing.stories[1:]))


class _DirectionCheck(HTMLParser):
    """Collects text nodes with whether an ancestor has dir="rtl"."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.texts: list[tuple[str, bool, tuple[str, ...]]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
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
    text = render_md.render(sample_briefing())
    if request.config.getoption("--update-golden", default=False):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), "no golden file: run pytest with --update-golden"
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_output_is_deterministic() -> None:
    assert render_md.render(sample_briefing()) == render_md.render(sample_briefing())


def test_every_citation_resolves_to_a_source() -> None:
    briefing = sample_briefing()
    numbers = {int(n) for n in CITE.findall(visible(render_md.render(briefing)))}
    assert numbers == set(range(1, len(briefing.sources) + 1))


def test_citation_missing_from_sources_is_left_out_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    point = Point("Oil prices rose after the meeting.", (REUTERS.id, "not-a-source"))
    briefing = _with_en_section(sample_briefing(), points=(point,))
    with caplog.at_level(logging.WARNING):
        text = visible(render_md.render(briefing))
    assert "- Oil prices rose after the meeting. [3]\n" in text
    assert "not-a-source" in caplog.text


def test_arabic_lines_are_inside_rtl_divs() -> None:
    inside = False
    for line in visible(render_md.render(sample_briefing())).splitlines():
        if line.startswith("<div"):
            assert line == '<div dir="rtl" lang="ar" markdown="1">' and not inside
            inside = True
        elif line == "</div>":
            assert inside
            inside = False
        elif ARABIC.search(line):
            assert inside, line
    assert not inside


def test_html_keeps_rtl_and_renders_markdown_inside() -> None:
    html = _html(render_md.render(sample_briefing()))
    check = _DirectionCheck()
    check.feed(html)
    assert '<div dir="rtl" lang="ar">' in html
    for text, rtl, _ in check.texts:
        if ARABIC.search(text):
            assert rtl, text
        elif len(ENGLISH_WORD.findall(text)) >= 2:  # English prose, not a URL or a path
            assert not rtl, text
    arabic_tags = {tag for text, rtl, tags in check.texts if rtl for tag in tags}
    assert {"h1", "h3", "h4", "li", "blockquote", "em", "strong"} <= arabic_tags


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
    text = visible(render_md.render(briefing))
    assert f"4\\. Example Wire — {raw} — en" in text
    assert f"<p>4. Example Wire — {shown} — en — inbox/feeds.jsonl:7</p>" in _html(text)


@pytest.mark.parametrize(
    ("fact", "html"),
    [
        ("# not a heading", "<p># not a heading</p>"),
        ("> not a quote", "<p>&gt; not a quote</p>"),
        ("- not a bullet", "<p>- not a bullet</p>"),
        ("+ not a bullet", "<p>+ not a bullet</p>"),
        ("1. not a list", "<p>1. not a list</p>"),
        ("2024) not a list", "<p>2024) not a list</p>"),
        ("---", "<p>---</p>"),
        ("0.1.0 is a version", "<p>0.1.0 is a version</p>"),
    ],
)
def test_line_start_markup_in_article_text_is_inert(fact: str, html: str) -> None:
    text = visible(render_md.render(_with_en_section(sample_briefing(), facts=(fact,))))
    assert html in _html(text)


def test_arabic_punctuation_is_not_escaped() -> None:
    text = visible(render_md.render(sample_briefing()))
    for mark in ("«", "»", "،", "؛", "؟", "“", "”"):
        assert mark in text
        assert "\\" + mark not in text


def test_quotes_use_the_marks_of_the_section_language() -> None:
    text = visible(render_md.render(sample_briefing()))
    assert "- «انضمام سوريا إلى اجتماع التحالف الدولي ضد داعش" in text
    assert "- “The meeting marked a turning point for regional security” [3]" in text


def test_failed_story_shows_its_error_and_articles() -> None:
    text = visible(render_md.render(sample_briefing()))
    story2 = text.split("## Story 2", 1)[1].split("## Notes on inputs", 1)[0]
    assert "**This story could not be summarised:** the model's answer stayed invalid" in story2
    assert "**تعذّر تلخيص هذا الخبر.**" in story2
    assert "Articles: [4][5]" in story2


def test_notes_on_inputs_list_problems_and_duplicates() -> None:
    text = visible(render_md.render(sample_briefing()))
    notes = text.split("## Notes on inputs", 1)[1].split("## Sources", 1)[0]
    assert "- inbox/broken.json: Skipped: not valid JSON" in notes
    assert "- **Error:** story 2:" in notes
    assert "same as [3] (exact)" in notes
    assert "مطابقة لـ [1] (تشابه كبير، 0.91)" in notes


def test_sources_are_numbered_and_leave_out_missing_parts() -> None:
    text = visible(render_md.render(sample_briefing()))
    sources = text.split("## Sources", 1)[1].split("## Provenance", 1)[0]
    numbers = [int(n) for n in re.findall(r"^(\d+)\\\. ", sources, re.MULTILINE)]
    assert numbers == [1, 2, 3, 4, 5]
    assert "2\\. مصدر غير معروف\u200f — باراك" in sources
    assert "4\\. Example Wire — " in sources and "None" not in sources


def test_trimmed_articles_are_reported() -> None:
    text = visible(render_md.render(sample_briefing()))
    cut = "*Cut before sending to the model (sentences other articles repeat go first): [1] 35%*"
    assert cut in text
