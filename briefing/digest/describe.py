"""Plain metadata lines about a story, in Arabic and English: counts, outlets, dates.

Not a stage: both engines use it, so the briefing describes a story the same way
whichever engine wrote it. The lines are templates filled with the story's own
metadata; nothing is translated.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Story


def story_facts(lang: str, story: Story) -> tuple[str, ...]:
    articles = story.articles
    named = list(dict.fromkeys(a.source for a in articles if a.source))
    unnamed = sum(1 for a in articles if not a.source)
    published = sorted({a.published_date for a in articles if a.published_date})
    mentioned = sorted({d for a in articles for d in a.mentioned_dates})
    langs = sorted({a.lang for a in articles})
    if lang == "ar":
        lines = [f"عدد المقالات: {len(articles)}؛ المصادر: " + _ar_outlets(named, unnamed)]
        if published:
            lines.append("تاريخ النشر: " + _span(published))
        if mentioned:
            lines.append("تواريخ مذكورة في النصوص: " + "، ".join(mentioned))
        return tuple(lines)
    names = {"ar": "Arabic", "en": "English", "und": "other-language"}
    language = " and ".join(names.get(code, code) for code in langs)
    lines = [
        f"{len(articles)} {language} article{'s' if len(articles) != 1 else ''}; "
        f"outlets: " + _en_outlets(named, unnamed)
    ]
    if published:
        lines.append("Published: " + _span(published))
    if mentioned:
        lines.append("Dates stated in the texts: " + ", ".join(mentioned))
    return tuple(lines)


def _span(dates: Sequence[str]) -> str:
    return dates[0] if len(dates) == 1 else f"{dates[0]} – {dates[-1]}"


def _en_outlets(named: Sequence[str], unnamed: int) -> str:
    parts = list(named)
    if unnamed:
        parts.append(f"{unnamed} not named in the text")
    return ", ".join(parts)


def _ar_outlets(named: Sequence[str], unnamed: int) -> str:
    parts = list(named)
    if unnamed:
        parts.append(f"{unnamed} غير مسماة في النص")
    return "، ".join(parts)
