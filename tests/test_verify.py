"""verify: citations must name the story's articles; quotes must be in the quoted article."""

from __future__ import annotations

import pytest

from briefing.digest.verify import verify
from briefing.models import Article, Point, Section, Story, StoryDigest

A1 = Article(id="a1", title="T1", text="The minister arrived in Riyadh on Sunday.", origin="1")
A2 = Article(id="a2", title="T2", text="Talks ended on Monday.", origin="2")


def digest(*points: Point, headline: Point | None = None) -> StoryDigest:
    section = Section(lang="en", headline=headline, points=points)
    return StoryDigest(Story("s1", (A1, A2)), (section,), engine="test")


def test_valid_points_pass_with_their_evidence_and_no_flag() -> None:
    point = Point("The minister arrived in Riyadh on Sunday.", ("a1",), quote_of="a1")
    checked, problems = verify(digest(point))
    (kept,) = checked.sections[0].points
    assert (kept.text, kept.citations, kept.flags) == (point.text, ("a1",), ()) and problems == ()
    assert [(e.article_id, e.sentence) for e in kept.evidence] == [("a1", 1)]


def test_unknown_citation_is_removed_and_flagged() -> None:
    checked, problems = verify(digest(Point("Talks ended.", ("a2", "a9"))))
    point = checked.sections[0].points[0]
    assert point.citations == ("a2",) and [f.check for f in point.flags] == ["citation"]
    assert "outside this story" in problems[0].message and problems[0].where == "story s1"
    assert problems[0].ar and "خارج" in problems[0].ar


def test_point_without_valid_citation_is_dropped_and_reported() -> None:
    checked, problems = verify(digest(Point("Invented.", ("zz",)), Point("Talks.", ("a2",))))
    assert [p.text for p in checked.sections[0].points] == ["Talks."]
    assert any("left out" in p.message for p in problems)


def test_quote_not_in_article_is_left_out_not_shown_as_fact() -> None:
    invented = Point("The minister left Riyadh.", ("a1",), quote_of="a1", speaker="The minister")
    kept = Point("Talks ended on Monday.", ("a2",))
    checked, problems = verify(digest(invented, kept), where="story 3")
    assert checked.sections[0].points == (kept,)
    assert problems[0].where == "story 3" and "quote left out" in problems[0].message
    assert "The minister: The minister left Riyadh." in problems[0].message


def test_quote_match_ignores_spacing_and_diacritics() -> None:
    article = Article(id="a1", title="T", text="وصلَ الوزيرُ  إلى الرياض.", origin="1")
    d = StoryDigest(
        Story("s", (article,)),
        (Section("ar", None, points=(Point("وصل الوزير إلى الرياض.", ("a1",), "a1"),)),),
        engine="t",
    )
    checked, problems = verify(d)
    assert checked.sections[0].points[0].quote_of == "a1" and problems == ()


def test_quoted_article_is_added_to_citations() -> None:
    checked, _ = verify(digest(Point("Talks ended on Monday.", ("a1",), quote_of="a2")))
    assert checked.sections[0].points[0].citations == ("a2", "a1")


def test_headline_is_checked_too() -> None:
    checked, problems = verify(digest(headline=Point("Headline", ("nope",))))
    assert checked.sections[0].headline is None and problems


def test_failed_digest_passes_through() -> None:
    failed = StoryDigest(Story("s", (A1,)), (), engine="t", status="failed", error="boom")
    assert verify(failed) == (failed, ())


def test_number_missing_from_cited_articles_is_flagged_not_dropped() -> None:
    checked, problems = verify(digest(Point("Talks ended on Monday with 40 delegates.", ("a2",))))
    point = checked.sections[0].points[0]
    assert point.text.startswith("Talks ended") and [f.check for f in point.flags] == ["number"]
    assert "40: not stated in its sources" in point.flags[0].en and "40" in point.flags[0].ar
    assert "40: not stated" in problems[0].message


def test_number_in_arabic_indic_digits_matches() -> None:
    article = Article(id="a1", title="T", text="قتل ٤٠ شخصاً في الفيضانات.", origin="1", lang="ar")
    d = StoryDigest(
        Story("s", (article,)),
        (Section("en", None, points=(Point("40 people died in floods.", ("a1",)),)),),
        engine="t",
    )
    assert verify(d)[1] == ()  # English point, Arabic source: only the number is checkable


def test_same_language_point_with_little_overlap_is_reported() -> None:
    text = "The minister arrived in Riyadh on Sunday for talks on trade and fishing quotas."
    source = Article(id="a1", title="T", text=text, origin="1", lang="en")
    off = Point("Volcanic eruption destroyed several villages near Naples overnight.", ("a1",))
    on = Point("The minister arrived in Riyadh for trade talks.", ("a1",))
    d = StoryDigest(Story("s", (source,)), (Section("en", None, points=(on, off)),), engine="t")
    checked, problems = verify(d)
    kept_on, kept_off = checked.sections[0].points
    assert kept_on.flags == () and {f.check for f in kept_off.flags} == {"support"}
    assert problems and all("Volcanic" in p.message for p in problems)


@pytest.mark.parametrize(
    "text, point, flagged",
    [
        ("أصيب و450 شخصاً في الحادث.", "450 people were injured.", False),
        ("وقع الاتفاق في عام 2025م.", "The deal was signed in 2025.", False),
        ("Syria became the 90th member of the coalition.", "Syria became the 91st member.", True),
        ("The cost was 2,500 dollars.", "It cost 2,500 dollars.", False),
    ],
)
def test_numbers_are_compared_as_digit_runs(text: str, point: str, flagged: bool) -> None:
    article = Article(id="a1", title="T", text=text, origin="1", lang="ar")
    d = StoryDigest(
        Story("s", (article,)), (Section("en", None, points=(Point(point, ("a1",)),)),), engine="t"
    )
    assert bool(verify(d)[1]) is flagged


SOURCE = Article(
    id="s1",
    title="Coalition meets in Riyadh",
    text="The coalition met in Riyadh on Monday and welcomed Syria as its 90th member. "
    "Some 170 thousand people returned, officials said. "
    'The envoy Tom Barrack said: "this is a new chapter in collective security".',
    origin="s",
    lang="en",
    published="2026-02-10",
)


def llm_point(text: str, evidence: tuple[int, ...] = (1,), **kw: object) -> list[str]:
    """The checks a key point with model evidence fails, against SOURCE."""
    from briefing.digest.evidence import lookup

    found = tuple(lookup(SOURCE, n) for n in evidence)
    point = Point(text, ("s1",), evidence=found, **kw)  # type: ignore[arg-type]
    d = StoryDigest(Story("s", (SOURCE,)), (Section("en", None, points=(point,)),), "llm")
    checked, _ = verify(d)
    return sorted({f.check for p in checked.sections[0].points for f in p.flags})


@pytest.mark.parametrize(
    "text, evidence, checks",
    [
        ("The coalition met in Riyadh on Monday and welcomed Syria as its 90th member.", (1,), []),
        ("The coalition met in Riyadh on 9 February and welcomed Syria.", (1,), []),  # Monday
        ("The coalition met in Riyadh on 10 February and welcomed Syria.", (1,), ["date"]),
        ("The coalition met in Riyadh on Tuesday and welcomed Syria.", (1,), ["date"]),
        ("The coalition welcomed Syria as its 9th member in Riyadh.", (1,), ["number"]),
        ("Some 170,000 people returned, officials said.", (2,), []),
        ("Some 170 million people returned, officials said.", (2,), ["number"]),
        ("More than 190,000 people returned, officials said.", (2,), ["number"]),
        ("The coalition did not welcome Syria as its 90th member in Riyadh.", (1,), ["support"]),
        ("The coalition met in Riyadh and agreed to open a joint operations centre in "
         "Damascus next month.", (1,), ["support"]),  # most of it is in no source
    ],
)  # fmt: skip
def test_a_key_points_facts_are_checked_against_the_sentences_it_names(
    text: str, evidence: tuple[int, ...], checks: list[str]
) -> None:
    assert llm_point(text, evidence) == checks


def test_a_sentence_of_the_other_language_inside_a_point_is_flagged() -> None:
    text = "رحب المشاركون بسوريا and the members said they welcome Syria as a partner now"
    point = Point(text, ("s1",))
    d = StoryDigest(Story("s", (SOURCE,)), (Section("ar", None, points=(point,)),), "llm")
    checked, _ = verify(d)
    assert "language" in {f.check for f in checked.sections[0].points[0].flags}


@pytest.mark.parametrize(
    "quote, speaker, flagged",
    [
        ("this is a new chapter in collective security", "Tom Barrack", False),
        ("this is a new chapter in collective security", "Faisal Mekdad", True),
        ("collective", "Tom Barrack", True),  # too short to stand as a quotation
        ("The coalition met in Riyadh on Monday", None, True),  # the reporter's words
    ],
)
def test_a_quote_is_someones_words_and_its_speaker_is_named(
    quote: str, speaker: str | None, flagged: bool
) -> None:
    point = Point(quote, ("s1",), quote_of="s1", speaker=speaker)
    d = StoryDigest(Story("s", (SOURCE,)), (Section("en", None, points=(point,)),), "llm")
    checked, _ = verify(d)
    (kept,) = checked.sections[0].points
    assert bool([f for f in kept.flags if f.check == "quote"]) is flagged


def test_a_huge_number_in_an_answer_is_no_crash() -> None:
    assert llm_point("The coalition has " + "9" * 400 + " members.", (1,)) == ["number"]
