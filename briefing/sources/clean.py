"""Stage 2: strip site boilerplate from each article and complete its metadata.

What goes: aggregator credits («هذا الخبر بعنوان … نشر أولاً على موقع … بتاريخ …») and
disclaimers («لا يتحمل موقعنا مضمونه…»), share / read-also / author / copyright footers,
separator debris, lone section tags («سياسة», «اقتصاد»), hashtag-only lines, the title
repeated at the top, and a dateline at the top. What a removed line says about the
article (the outlet and date an aggregator names, the date of a dateline) becomes
metadata, unless the input already gave it. The language is detected when not given,
and the dates the text states are collected. Every removed line is kept in
``Article.removed`` so the cleaning can be audited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from ..models import Article
from ..text import detect_lang, looks_like_sentence, normalize, strip_diacritics
from .dates import find_dates

_INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]"  # control characters XML forbids
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")  # a space but " "


def _loose(pattern: str) -> str:
    """Let a pattern written with bare letters match alef/ya/ta-marbuta variants."""
    return pattern.replace("ا", "[اأإآ]").replace("ي", "[يى]").replace("ه", "[هة]")


# An aggregator's credit line; outlet and date are read from it (on diacritics-free text).
_AGGREGATOR = re.compile(
    _loose(r"(?:هذا الخبر|هذا المقال|هذه المادة).{0,200}?(?:نشر|ظهر|ورد)\s+(?:اولا|لاول مره)?\s*")
    + r"(?:على|علي|في)\s+"
    + _loose(r"موقع\s+(?P<outlet>.+?)\s+")
    + _loose(r"(?:وتم|و\s*تم)\s+جلبه")
    + r"(?:.*?"
    + _loose(r"بتاريخ")
    + r"\s+(?P<date>[^.\n]+))?",
)
_DISCLAIMER = re.compile(
    _loose(
        r"(?:لا يتحمل (?:موقعنا|الموقع)[^.\n]*|بامكانكم الاطلاع على تفاصيل هذا الخبر[^.\n]*"
        r"|المقال يعبر عن راي كاتبه[^.\n]*)[.\n]?"
    )
)


def _may_disclaim(folded: str) -> bool:
    """Whether the folded line holds a word every disclaimer holds."""
    return "يتحمل" in folded or "بامكانكم" in folded or "يعبر" in folded


_FOOTER_WORDS = {
    "شاركها", "شارك", "مشاركه", "شارك الخبر", "شارك المقال", "طباعه", "ارسل", "تغريد",
    "share", "share this", "share this article", "tweet", "print", "email", "comments",
}  # fmt: skip
_FOOTER_PREFIX = re.compile(
    r"^(?:مشاركه|شاركها|شارك عبر|الكاتب|كتب|بقلم|تحرير|اعداد|المحرر|حقوق النشر|جميع الحقوق"
    r"|تابعونا|تابعوا|اشترك|by|written by|copyright|all rights reserved|follow us|subscribe)"
    r"\s*[:：\-–—]",
)
_BYLINE = re.compile(r"^(?:by|بقلم|كتب)\s+\S+(?:\s+\S+){0,3}\s*:?$")
_FOOTER_ANYWHERE = re.compile(r"(?:جميع الحقوق محفوظه|all rights reserved|©)")
_RELATED = re.compile(
    r"^(?:اقرا ايضا|اقرا كذلك|اقرا المزيد|اقرا اكثر|المزيد|اخبار ذات صله|مواضيع ذات صله"
    r"|قد يعجبك ايضا|شاهد ايضا|read more|read also|related|see also|more on this)\b"
)
_SECTION_TAGS = {
    "سياسه", "اقتصاد", "رياضه", "ثقافه", "فن", "فنون", "منوعات", "محلي", "محليات", "دولي",
    "دوليه", "عربي", "عربيه", "عالمي", "العالم", "اخبار", "عاجل", "صحه", "تكنولوجيا", "علوم",
    "مجتمع", "حوادث", "تقارير", "تقرير", "مقالات", "راي", "اراء", "سياحه", "تعليم",
    "politics", "economy", "business", "sport", "sports", "world", "local", "news", "opinion",
    "culture", "tech", "technology", "health", "science", "breaking",
}  # fmt: skip
_DATELINE_WORDS = {
    "نشر", "في", "تاريخ", "النشر", "اخر", "تحديث", "محدث", "يوم", "ص", "م", "published",
    "updated", "on", "at", "gmt", "utc", "am", "pm", "الاحد", "الاثنين", "الثلاثاء",
    "الاربعاء", "الخميس", "الجمعه", "السبت", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday",
}  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?؟…:؛][\"'”’»)]*$")


def clean(articles: Sequence[Article], reference: date | None = None) -> tuple[Article, ...]:
    """Clean every article. ``reference`` (normally today) lets a stated weekday fix the
    year of a date written without one (see ``dates.find_dates``)."""
    return tuple(clean_article(article, reference) for article in articles)


def clean_article(article: Article, reference: date | None = None) -> Article:
    title = _tidy(article.title)
    lines = [_tidy(line) for line in article.text.splitlines()]
    lines = [line for line in lines if line]
    removed: list[str] = []
    source, published = article.source, article.published
    kept: list[str] = []
    in_related = False
    bare_title = _bare(normalize(title))
    lede = title if looks_like_sentence(title) else None
    for index, line in enumerate(lines):
        folded = normalize(line)
        bare = _bare(folded)
        if in_related and not _is_sentence(line):
            removed.append(line)
            continue
        in_related = False
        plain = strip_diacritics(line)
        # the patterns are tried at every position: first a word each match must hold
        # (in the folded line, where the patterns' letter variants are one letter)
        agg = _AGGREGATOR.search(plain) if "جلب" in folded else None
        if agg:
            if not source:
                source = agg.group("outlet").strip(" .،,\"'«»“”")
            if not published and agg.group("date"):
                found = find_dates(agg.group("date"), reference)
                published = found[0].iso if found else None
            line = _AGGREGATOR.sub("", plain).strip(" .")
            plain = strip_diacritics(line)
            removed.append(agg.group(0))
            if not _bare(normalize(line)):
                continue
            folded, bare = normalize(line), _bare(normalize(line))
        if _may_disclaim(folded) and _DISCLAIMER.search(plain):
            rest = _DISCLAIMER.sub("", plain).strip()
            removed.append(line)
            if not _bare(normalize(rest)):
                continue
            line, folded, bare = rest, normalize(rest), _bare(normalize(rest))
        if not bare or ("#" in folded and all(t.startswith("#") for t in folded.split())):
            removed.append(line)  # separator debris, bullets, hashtag-only lines
            continue
        if index < 6 and bare == bare_title and (not kept or kept == [lede]):
            if lede and not kept:
                kept.append(line)  # a title that is really the lede stays in the text once
            else:
                removed.append(line)  # the title repeated at the top
            continue
        if (
            bare in _FOOTER_WORDS
            or _FOOTER_PREFIX.match(folded)
            or _BYLINE.match(folded)
            or (_FOOTER_ANYWHERE.search(folded) and len(folded.split()) <= 12)
        ):
            removed.append(line)
            continue
        if _RELATED.match(folded):
            removed.append(line)
            in_related = len(bare.split()) <= 3  # a bare marker: related headlines follow
            continue
        if _is_section_tag(bare):
            removed.append(line)
            continue
        if len(kept) < 3 and _is_dateline(line, reference):
            if not published:
                published = find_dates(line, reference)[0].iso
            removed.append(line)
            continue
        kept.append(line)
    kept, tail = _drop_tag_tail(kept)
    removed.extend(tail)
    text = "\n".join(kept)
    detected = detect_lang(f"{title}\n{text}")
    # a stated language the script contradicts (a feed tagged en-us carrying Arabic) is wrong
    contradicted = {article.lang, detected} == {"ar", "en"}
    lang = detected if article.lang == "und" or contradicted else article.lang
    mentioned = tuple(dict.fromkeys(d.iso for d in find_dates(text, reference)))
    return replace(
        article,
        title=title,
        text=text,
        source=source or None,
        published=published,
        lang=lang,
        mentioned_dates=mentioned,
        removed=article.removed + tuple(removed),
    )


def _tidy(line: str) -> str:
    line = _INVISIBLE.sub("", line)
    if "  " in line or _ODD_SPACE.search(line):  # else every match would be " " for " "
        line = _SPACES.sub(" ", line)
    return line.strip()


_WORD_RUN = re.compile(r"[^\W_\u0640]+")


def _bare(folded: str) -> str:
    """Words only: punctuation, bullets and tatweel gone. (Collecting the words is a
    third faster than replacing every gap between them with a space.)"""
    return " ".join(_WORD_RUN.findall(folded))


def _is_sentence(line: str) -> bool:
    return len(line.split()) >= 12 or bool(_SENTENCE_END.search(line) and len(line.split()) > 4)


def _is_section_tag(bare: str) -> bool:
    tokens = bare.split()
    return 0 < len(tokens) <= 3 and all(tok in _SECTION_TAGS for tok in tokens)


def _is_dateline(line: str, reference: date | None) -> bool:
    found = find_dates(line, reference)
    if not found:
        return False
    rest = line
    for item in reversed(found):
        rest = rest[: item.start] + " " + rest[item.end :]
    words = [
        w for w in _bare(normalize(rest)).split()
        if w not in _SECTION_TAGS and w not in _DATELINE_WORDS and not w.isdigit()
    ]  # fmt: skip
    return not words


def _drop_tag_tail(lines: list[str]) -> tuple[list[str], list[str]]:
    """Drop a closing block of short label lines (tag clouds like «سوريا محلي»), when one
    of them holds a known section tag."""
    end = len(lines)
    while end > 0 and len(lines[end - 1].split()) <= 3 and not _SENTENCE_END.search(lines[end - 1]):
        end -= 1
    tail = lines[end:]
    tagged = any(tok in _SECTION_TAGS for t in tail for tok in _bare(normalize(t)).split())
    if tail and tagged and end > 0:
        return lines[:end], tail
    return lines, []
