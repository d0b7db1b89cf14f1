"""Valid and invalid model answers for tests, built from the ids a request carries."""

from __future__ import annotations

import json
import re
from typing import Any

from fake_openai import Reply


def ids_in(body: dict[str, Any]) -> list[str]:
    text = json.dumps(body["messages"], ensure_ascii=False)
    return sorted(set(re.findall(r"id=(A\d+)", text)), key=lambda s: int(s[1:]))


_WORDS = {
    "ar": ("عنوان الخبر", "ملخص الخبر في جملة واحدة", "النقطة الرئيسية"),
    "en": ("en headline", "en summary", "en point"),
}
# Point numbers in words: a digit no article states would be flagged by verify.
_NTH = {"ar": ("الأولى", "الثانية", "الثالثة"), "en": ("one", "two", "three")}


def story_answer(ids: list[str], *, quote: tuple[str, str] | None = None, tag: str = "") -> str:
    def section(lang: str) -> dict[str, Any]:
        quotes = []
        if quote and lang == "ar":
            quotes.append({"text": quote[1], "article": quote[0], "speaker": "الشيباني"})
        words = _WORDS[lang]
        return {
            "headline": f"{words[0]} {tag}".strip(),
            "summary": words[1],
            "key_points": [
                {"text": f"{words[2]} {_NTH[lang][i]}", "citations": ids[: i + 1]} for i in range(3)
            ],
            "quotes": quotes,
        }

    return json.dumps(
        {
            "ar": section("ar"),
            "en": section("en"),
            "disagreements": [
                {"ar": "خلاف", "en": "They differ on the date.", "citations": ids[:2]}
            ]
            if len(ids) > 1
            else [],
        },
        ensure_ascii=False,
    )


def overview_answer(body: dict[str, Any]) -> str:
    numbers = sorted({int(n) for n in re.findall(r"\[(\d+)\] \(", body["messages"][-1]["content"])})
    return json.dumps({"ar": "نظرة عامة", "en": "Overview of the day.", "stories": numbers})


def check_answer(body: dict[str, Any], verdict: str = "supported") -> str:
    """Every point of a check request given the same verdict."""
    ids = re.findall(r'"id": "(P\d+)"', body["messages"][-1]["content"])
    reason = ("", "") if verdict == "supported" else ("Not in its evidence.", "ليست في مصدرها.")
    return json.dumps(
        {"points": [{"id": i, "verdict": verdict, "reason_en": reason[0], "reason_ar": reason[1]}
                    for i in dict.fromkeys(ids)]},
        ensure_ascii=False,
    )  # fmt: skip


def answering(body: dict[str, Any]) -> Reply:
    """A default for FakeOpenAI: a valid answer to whichever prompt was sent."""
    system = body["messages"][0]["content"]
    if "fact-checker" in system:
        return Reply(check_answer(body))
    if "opening overview" in system:
        return Reply(overview_answer(body))
    return Reply(story_answer(ids_in(body)))
