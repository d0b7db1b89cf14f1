"""answer: what a model's reply must be, what is normalised, what earns a re-ask."""

from __future__ import annotations

import json

import pytest

from briefing.digest.answer import AnswerInvalid, OverviewAnswer, StoryAnswer, extract_json, parse

IDS = {"ids": {"A1", "A2", "A3"}}


def section(lang: str, **over: object) -> dict:
    text = {"ar": ("عنوان", "ملخص الخبر", "نقطة"), "en": ("Headline", "Summary", "A point")}[lang]
    base = {
        "headline": text[0],
        "summary": text[1],
        "key_points": [{"text": text[2], "citations": ["A1"]}],
        "quotes": [],
    }
    return {**base, **over}


def reply(**over: object) -> str:
    return json.dumps(
        {"ar": section("ar"), "en": section("en"), "disagreements": [], **over}, ensure_ascii=False
    )


@pytest.mark.parametrize(
    "citations, expected",
    [
        (["A1"], ["A1"]),
        (["a1", "A2"], ["A1", "A2"]),
        ([1, 3], ["A1", "A3"]),
        ("A1, A2", ["A1", "A2"]),
        (["[A2]", "A2"], ["A2"]),
        (["A1,A3"], ["A1", "A3"]),
    ],
)
def test_citation_spellings_are_normalised(citations: object, expected: list[str]) -> None:
    en = section("en", key_points=[{"text": "A point", "citations": citations}])
    answer = parse(reply(en=en), "StoryAnswer", IDS)
    assert isinstance(answer, StoryAnswer) and answer.en.key_points[0].citations == expected


def test_unknown_id_is_an_error_that_names_the_valid_ones() -> None:
    en = section("en", key_points=[{"text": "A point", "citations": ["A9"]}])
    with pytest.raises(AnswerInvalid, match="unknown article id.*A9.*A1, A2, A3"):
        parse(reply(en=en), "StoryAnswer", IDS)


def test_nulls_and_extra_keys_are_tolerated() -> None:
    en = section("en", quotes=None, confidence=0.9)
    answer = parse(reply(en=en, disagreements=None, notes="extra"), "StoryAnswer", IDS)
    assert answer.en.quotes == [] and answer.disagreements == []


def test_disagreement_may_rest_on_one_article_and_repeats_collapse() -> None:
    d = [{"ar": "خلاف", "en": "They differ", "citations": ["A1", "A1"]}]
    assert parse(reply(disagreements=d), "StoryAnswer", IDS).disagreements[0].citations == ["A1"]


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_section_in_the_wrong_language_earns_a_re_ask(lang: str) -> None:
    other = "en" if lang == "ar" else "ar"
    with pytest.raises(AnswerInvalid, match=f"'{lang}' section must be written"):
        parse(reply(**{lang: section(other)}), "StoryAnswer", IDS)


@pytest.mark.parametrize("missing", ["headline", "summary", "key_points"])
def test_required_fields(missing: str) -> None:
    en = section("en")
    del en[missing]
    with pytest.raises(AnswerInvalid, match=missing):
        parse(reply(en=en), "StoryAnswer", IDS)


def test_too_many_key_points() -> None:
    en = section("en", key_points=[{"text": f"P {i}", "citations": ["A1"]} for i in range(8)])
    with pytest.raises(AnswerInvalid, match="at most 7"):
        parse(reply(en=en), "StoryAnswer", IDS)


def test_overview_drops_story_numbers_that_do_not_exist() -> None:
    text = json.dumps({"ar": "نظرة", "en": "Overview", "stories": [1, 2, 7]})
    answer = parse(text, "OverviewAnswer", {"stories": {1, 2}})
    assert isinstance(answer, OverviewAnswer) and answer.stories == [1, 2]


@pytest.mark.parametrize(
    "text",
    [
        '<think>plan {"x": 1}</think>{"a": 1}',
        'Here you go:\n```json\n{"a": 1}\n```',
        'Sure! {"a": 1} Hope this helps.',
        'reasoning...</think>\n{"a": 1}',
    ],
)
def test_json_is_found_around_reasoning_fences_and_prose(text: str) -> None:
    assert extract_json(text) == {"a": 1}


@pytest.mark.parametrize(
    "text", ["no json at all", "<think>cut off before answering {", "[" * 50_000 + "]" * 50_000]
)
def test_no_usable_json_is_an_answer_error(text: str) -> None:
    with pytest.raises(AnswerInvalid):
        extract_json(text)
