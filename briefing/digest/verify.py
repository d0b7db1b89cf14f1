"""Stage: check every point of a digest against the sentences it rests on.

Each point (headline, summary, key point, quote, disagreement) is tied to its evidence:
the source sentences the model named, else the sentences of its cited articles that
best hold its terms. Then deterministic checks run, each a named ``Flag`` on the point:

- ``citation``: citations to articles outside the story are removed (flagged); a point
  left citing nothing is left out;
- ``quote``: a quote must be in the article it names, word for word (spacing and
  diacritics aside); one that is not is left out, never shown as a plain statement;
- ``number``: every number it states, in any script or in words, is stated by its
  evidence or cited articles (``facts.numbers``; "about 3,000" may round 2,958);
- ``date``: every date it states agrees with one its evidence, cited articles or their
  publication dates state;
- ``language``: it is written in its section's language;
- ``support``: written in its sources' language, its evidence holds enough of its terms;
  every name it states is in its sources (Latin names, and the names of
  ``briefing.names`` in either script);
- ``parity``: the Arabic and English sections carry the same points and figures;
- ``injection``: it rests only on articles that carried instructions to an AI, or
  repeats such an instruction.

A flagged point stays visible with its flags (the renderers show them where it stands);
``enforce`` (``--strict``) fails a story with any flag instead. Each correction or doubt is also a
``Problem``, in English and Arabic, so nothing is dropped silently.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..models import (
    Article,
    Evidence,
    Flag,
    Point,
    Problem,
    Quarantined,
    Section,
    StoryDigest,
)
from ..text import detect_lang, normalize, terms
from . import evidence as sentences
from .facts import (
    SMALL,
    DateMention,
    date_numbers,
    dates,
    known_names,
    missing_names,
    numbers,
)

SUPPORT = 0.5  # share of a point's terms its evidence sentences must hold
SUPPORT_ARTICLE = 1 / 3  # share its cited articles must hold when it has no evidence
ROUNDING = 0.1  # "about 3,000" may stand for 2,958: within 10%, after a hedge word
_HEDGES = re.compile(
    r"\b(?:about|around|nearly|almost|approximately|roughly|some|over|more than|"
    r"less than|fewer than|at least|up to|close to)\s*$|"
    r"(?:نحو|حوالي|حوالى|قرابه|قرابة|زهاء|اكثر من|أكثر من|اقل من|أقل من|ما يقارب|ما يقرب من|"
    r"ما لا يقل عن|اكثر|أكثر)\s*$"
)
_YESTERDAY = re.compile(r"\b(?:yesterday)\b|امس|البارحه")
_TOMORROW = re.compile(r"\b(?:tomorrow)\b|غدا|غد")
LANG_NAMES = {"ar": ("Arabic", "العربية"), "en": ("English", "الإنجليزية")}


@dataclass(frozen=True, slots=True)
class _Context:
    """What the checks of one story need."""

    articles: dict[str, Article]
    quarantined: dict[str, tuple[str, ...]]  # article id -> passages taken out
    engine: str
    injected_words: frozenset[str] = frozenset()  # terms only the quarantined passages use


def verify(
    digest: StoryDigest,
    where: str | None = None,
    quarantined: Sequence[Quarantined] = (),
) -> tuple[StoryDigest, tuple[Problem, ...]]:
    """Return the digest with evidence and flags on every point, and what was corrected.
    ``where`` names the story for the reader (e.g. "story 2")."""
    if digest.status != "ok":
        return digest, ()
    articles = {a.id: a for a in digest.story.articles}
    passages: dict[str, tuple[str, ...]] = {}
    for q in quarantined:
        if q.article_id in articles:
            passages[q.article_id] = (*passages.get(q.article_id, ()), q.text)
    injected: set[str] = {t for texts in passages.values() for x in texts for t in terms(x)}
    if injected:
        injected -= {t for a in articles.values() for t in terms(f"{a.title}\n{a.text}")}
    context = _Context(articles, passages, digest.engine, frozenset(injected))
    problems: list[Problem] = []
    where = where or f"story {digest.story.id}"
    sections = [_check_section(section, context, where, problems) for section in digest.sections]
    twins: dict[int, Point] = {}
    if digest.engine == "llm":
        sections, twins = _parity(sections)
    sections = [_names(section, twins, context) for section in sections]
    checked = replace(digest, sections=tuple(sections))
    flagged = [p for s in sections for p in _all_points(s) if p.flags]
    for point in flagged:
        for flag in point.flags:
            problems.append(
                Problem(
                    where,
                    f"flagged ({flag.check}): {flag.en} — {_short(point.text)}",
                    ar=f"نقطة عليها ملاحظة ({flag.check}): {flag.ar} — {_short(point.text)}",
                )
            )
    return checked, tuple(problems)


def enforce(digest: StoryDigest) -> StoryDigest:
    """``--strict``: the digest failed if any point carries a flag, else as it is."""
    flagged = [p for s in digest.sections for p in _all_points(s) if p.flags]
    if digest.status != "ok" or not flagged:
        return digest
    checks = ", ".join(sorted({f.check for p in flagged for f in p.flags}))
    return replace(
        digest,
        status="failed",
        error=f"--strict: {len(flagged)} point(s) failed a check ({checks}); "
        "run without --strict to see them flagged",
    )


def _all_points(section: Section) -> list[Point]:
    head = [p for p in (section.headline, section.summary) if p is not None]
    return [*head, *section.points, *section.disagreements]


def _check_section(
    section: Section, context: _Context, where: str, problems: list[Problem]
) -> Section:
    def one(point: Point | None, role: str) -> Point | None:
        if point is None:
            return None
        return _check_point(point, section.lang, role, context, where, problems)

    return replace(
        section,
        headline=one(section.headline, "headline"),
        summary=one(section.summary, "summary"),
        points=tuple(p for p in (one(p, "point") for p in section.points) if p is not None),
        disagreements=tuple(
            p for p in (one(p, "disagreement") for p in section.disagreements) if p is not None
        ),
    )


def _check_point(
    point: Point,
    lang: str,
    role: str,
    context: _Context,
    where: str,
    problems: list[Problem],
) -> Point | None:
    articles = context.articles
    flags: list[Flag] = list(point.flags)
    valid = tuple(dict.fromkeys(c for c in point.citations if c in articles))
    if len(valid) < len(point.citations):
        flags.append(
            Flag(
                "citation",
                "a citation to an article outside this story was removed",
                "حُذفت إحالة إلى مقال من خارج هذا الخبر",
            )
        )
    if not re.search(r"\w", point.text):
        problems.append(
            Problem(
                where,
                f"point left out, it has no words: {_short(point.text)}",
                ar=f"حُذفت نقطة بلا كلمات: {_short(point.text)}",
            )
        )
        return None
    if not valid and point.quote_of is None:
        if role in {"headline", "summary"} and point.citations == ():
            return replace(point, flags=tuple(flags))  # the overview's lines cite nothing
        problems.append(
            Problem(
                where,
                f"point left out, it cites no article of the story: {_short(point.text)}",
                ar=f"حُذفت نقطة لا تستند إلى أي مقال من هذا الخبر: {_short(point.text)}",
            )
        )
        return None
    if point.quote_of is not None:
        quoted = articles.get(point.quote_of)
        if quoted is None or not _quotes(point.text, quoted):
            source = _name(quoted) if quoted else "an article outside the story"
            speaker = f"{point.speaker}: " if point.speaker else ""
            problems.append(
                Problem(
                    where,
                    f"quote left out, it is not in {source}: {speaker}{_short(point.text)}",
                    ar=f"حُذف اقتباس لا يرد في المقال المنسوب إليه: {speaker}{_short(point.text)}",
                )
            )
            return None
        valid = tuple(dict.fromkeys((point.quote_of, *valid)))
        found = _quote_evidence(point.text, quoted)
        if context.engine == "llm":  # the offline engine quotes sentences, not speakers
            flags.extend(_quote_flags(point, quoted, found))
        return replace(point, citations=valid, evidence=found, flags=tuple(_unique(flags)))
    cited = [articles[c] for c in valid]
    evidence = tuple(e for e in point.evidence if e.article_id in articles)
    given = bool(evidence) and role in {"point", "disagreement"}  # the model named them
    if not evidence:
        evidence = sentences.align(point.text, cited)
    # A key point's figures and dates must be in the sentences it rests on; a headline's
    # or summary's (and a point the model tied to nothing) anywhere in its articles.
    with_articles = [(e.text, articles.get(e.article_id)) for e in evidence]
    if not given:
        with_articles += [(f"{a.title}\n{a.text}", a) for a in cited]
    stated_in = [t for t, _ in with_articles]
    plain = _without_outlets(point.text, context)
    flags.extend(_numbers_flag(plain, stated_in, cited))
    flags.extend(_dates_flag(plain, with_articles, cited))
    flags.extend(_negation_flag(plain, stated_in))
    flags.extend(_language_flag(point.text, lang))
    flags.extend(_support_flags(point, lang, role, evidence, cited))
    flags.extend(_injection_flag(point, valid, context))
    return replace(point, citations=valid, evidence=evidence, flags=tuple(_unique(flags)))


# --- the checks ----------------------------------------------------------------------


def _numbers_flag(text: str, stated_in: Sequence[str], cited: Sequence[Article]) -> list[Flag]:
    stated: set[float] = set()
    for source in stated_in:
        days_and_years = date_numbers(source)  # "9 February" states no count of 9
        for n in numbers(source):
            if not n.values <= days_and_years:
                stated |= n.values
    in_dates = date_numbers(text)  # a date's day and year: the date check owns them
    missing: list[str] = []
    folded = normalize(text)
    for n in numbers(text):
        claimed = n.stated
        if n.in_words and max(claimed) <= SMALL:
            continue  # "the two sides", «الطرفين»: idiom as often as a figure
        if max(claimed) == 0 or claimed <= in_dates:
            continue  # "5-0": a score's nil is written every way
        if claimed & stated:
            continue
        at = folded.find(normalize(n.text).split()[0]) if n.text.split() else -1
        hedge = _HEDGES.search(folded[max(0, at - 25) : at]) if at > 0 else None
        if hedge and any(_rounds(v, s, hedge.group(0)) for v in claimed for s in stated):
            continue
        missing.append(n.text)
    if not missing:
        return []
    shown = ", ".join(dict.fromkeys(missing))
    return [
        Flag(
            "number",
            f"{shown}: not stated in its sources",
            f"{shown}: رقم لا يرد في مصادرها",
        )
    ]


_MORE = re.compile(r"more|over|at least|اكثر|أكثر|ما لا يقل|يزيد|تجاوز")
_LESS = re.compile(r"less|fewer|under|up to|اقل|أقل|ما يقل|حتى")
_NEARLY = re.compile(r"nearly|almost|close to|قرابه|قرابة|ما يقارب|ما يقرب|زهاء")


def _rounds(claimed: float, source: float, hedge: str) -> bool:
    """Whether a hedged figure may stand for a stated one: within 10%, and on the side
    the hedge says ("more than 3,000" needs a source above 3,000; "nearly" one below)."""
    if not claimed or abs(claimed - source) > ROUNDING * claimed:
        return False
    if _MORE.search(hedge):
        return source >= claimed
    if _LESS.search(hedge) or _NEARLY.search(hedge):
        return source <= claimed
    return True


_TODAY = re.compile(
    r"\b(?:today|tonight|this morning|this evening)\b|اليوم|الليله|صباح اليوم|مساء اليوم"
)
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4,
    "السبت": 5, "الاحد": 6,
}  # fmt: skip
_WEEKDAY = re.compile(
    r"(?<!\w)(?:[وب]|يوم\s+)?(" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")(?!\w)"
)


def _weekdays(text: str) -> set[int]:
    return {_WEEKDAYS[m.group(1)] for m in _WEEKDAY.finditer(normalize(text))}


def _dates_flag(
    text: str, stated_in: Sequence[tuple[str, Article | None]], cited: Sequence[Article]
) -> list[Flag]:
    """Every date the point states agrees with one its sources state (``stated_in``:
    each text with its article). A text's relative words are read against its own
    article's publication date: a weekday it names is the last such day up to it,
    "today" («اليوم») that day where no weekday is named, "yesterday" or "tomorrow" the
    day before or after. A date stated without a year is in its article's year. A
    weekday the point names must be one its sources name or date, and the weekday of a
    date the point states beside it."""
    mentioned = dates(text)
    named_days = _weekdays(text)
    if not mentioned and not named_days:
        return []
    years = {int(a.published_date[:4]) for a in cited if a.published_date}
    stated: list[DateMention] = []
    known_days: set[int] = set()
    for source, article in stated_in:
        published = article.published_date if article else None
        own_year = (
            int(published[:4]) if published else (next(iter(years)) if len(years) == 1 else None)
        )
        for d in dates(source):
            if d.year is None and own_year:
                d = DateMention(d.month, d.day, own_year, d.text)
            stated.append(d)
        folded = normalize(source)
        days = _weekdays(folded)
        known_days |= days
        if not published:
            continue
        day = datetime.date.fromisoformat(published)
        around = [day - datetime.timedelta(days=(day.weekday() - w) % 7) for w in days]
        if _TODAY.search(folded) and not days:
            around.append(day)
        if _YESTERDAY.search(folded):
            around.append(day - datetime.timedelta(days=1))
        if _TOMORROW.search(folded):
            around.append(day + datetime.timedelta(days=1))
        stated += [DateMention(d.month, d.day, d.year, d.isoformat()) for d in around]
    wrong = [d.text for d in mentioned if not any(_agree(d, s) for s in stated)]
    known_days |= {
        datetime.date(s.year, s.month, s.day).weekday()
        for s in stated
        if s.year and s.day and _valid(s.year, s.month, s.day)
    }
    wrong += [_DAY_NAMES[d] for d in sorted(named_days - known_days)]
    if len(named_days) == 1 and len(mentioned) == 1 and mentioned[0].day:  # "Tuesday 9 Feb"
        d = mentioned[0]
        year = d.year or (next(iter(years)) if len(years) == 1 else None)
        if year and _valid(year, d.month, d.day):
            if datetime.date(year, d.month, d.day).weekday() not in named_days:
                wrong.append(f"{_DAY_NAMES[next(iter(named_days))]} {d.text}")
    if not wrong:
        return []
    shown = ", ".join(dict.fromkeys(wrong))
    return [
        Flag(
            "date",
            f"the date «{shown}» does not match a date its sources state",
            f"التاريخ «{shown}» لا يطابق أي تاريخ في مصادرها",
        )
    ]


_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _valid(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _agree(point: DateMention, source: DateMention) -> bool:
    """A source date supports a point's date when months match and the day and year the
    point states are the source's (a point may leave out the day or year)."""
    return (
        point.month == source.month
        and (point.day is None or point.day == source.day)
        and (point.year is None or source.year is None or point.year == source.year)
    )


_LATIN_RUN = re.compile(r"(?:\b[A-Za-z][A-Za-z'’\-]*[\s,;:]+){5,}[A-Za-z]")
_ARABIC_RUN = re.compile(r"(?:[\u0621-\u064a\u0671-\u06d3]+[\s،,]+){3,}[\u0621-\u064a]")


def _language_flag(text: str, lang: str) -> list[Flag]:
    """Written in its section's language: by the script most of its letters are in, and
    with no sentence of the other language inside it (a run of six Latin words in an
    Arabic point, four Arabic words in an English one; names are shorter)."""
    written = detect_lang(text)
    if lang not in LANG_NAMES or written not in LANG_NAMES:
        return []
    if written == lang:
        other = _LATIN_RUN if lang == "ar" else _ARABIC_RUN
        if not other.search(text):
            return []
        written = "en" if lang == "ar" else "ar"
    elif sum(ch.isalpha() for ch in text) < 12:
        return []
    en, ar = LANG_NAMES[written]
    return [
        Flag(
            "language",
            f"written in {en}, not in the language of this section",
            f"مكتوبة باللغة {ar} لا بلغة هذا القسم",
        )
    ]


_NEGATIONS = re.compile(
    r"\b(?:not|no|never|neither|nor|refused|refuses|denied|denies|rejected|rejects|declined)\b"
    r"|n't\b|(?<!\w)[وف]?(?:لم|لن|لا|ليس|ليست|ليسوا|غير|عدم|رفض|رفضت|رفضوا|نفي|نفت|نفوا)(?!\w)"
)


def _negation_flag(text: str, stated_in: Sequence[str]) -> list[Flag]:
    """A point that says something did not happen needs sources that say so too: a
    negation («لم», «لن», "not", "refused"…) none of them has turns a fact around."""
    if not _NEGATIONS.search(normalize(text)):
        return []
    if any(_NEGATIONS.search(normalize(source)) for source in stated_in):
        return []
    return [
        Flag(
            "support",
            "it says something did not happen, or was refused; its sources do not",
            "تنفي ما لا تنفيه مصادرها أو تذكر رفضاً لا تذكره",
        )
    ]


def _support_flags(
    point: Point, lang: str, role: str, evidence: Sequence[Evidence], cited: Sequence[Article]
) -> list[Flag]:
    flags: list[Flag] = []
    same = [a for a in cited if a.lang == lang]
    if role in {"headline", "disagreement"} or not same or detect_lang(point.text) != lang:
        return flags
    wanted = set(terms(point.text))
    if len(wanted) < 4:
        return flags
    model_evidence = [e for e in evidence if e.article_id in {a.id for a in same}]
    if role == "point" and point.evidence and model_evidence:
        share = sentences.held_share(point.text, model_evidence)
        if share < SUPPORT:
            flags.append(_unsupported(share))
        return flags
    held = wanted & {t for a in same for t in terms(f"{a.title}\n{a.text}")}
    if len(held) / len(wanted) < SUPPORT_ARTICLE:
        flags.append(_unsupported(len(held) / len(wanted)))
    return flags


def _unsupported(share: float) -> Flag:
    percent = round(100 * share)
    return Flag(
        "support",
        f"its source sentences state little of what it says ({percent}% of its words)",
        f"الجمل التي تستند إليها لا تذكر معظم ما تقوله ({percent}٪ من كلماتها)",
    )


def _injection_flag(point: Point, cited: Sequence[str], context: _Context) -> list[Flag]:
    if not context.quarantined:
        return []
    only_injected = all(c in context.quarantined for c in cited)
    wanted = set(terms(point.text))
    echoes = bool(wanted & context.injected_words) or any(
        wanted and len(wanted & set(terms(passage))) / len(wanted) >= 0.5
        for passages in context.quarantined.values()
        for passage in passages
    )
    if not (only_injected or echoes):
        return []
    return [
        Flag(
            "injection",
            "it rests on an article that carried instructions to AI systems"
            if only_injected
            else "it repeats instructions an article addressed to AI systems",
            "تستند إلى مقال تضمّن تعليمات موجّهة إلى أنظمة الذكاء الاصطناعي"
            if only_injected
            else "تكرّر تعليمات وجّهها مقال إلى أنظمة الذكاء الاصطناعي",
        )
    ]


# --- parity --------------------------------------------------------------------------


def _parity(sections: list[Section]) -> tuple[list[Section], dict[int, Point]]:
    """The Arabic and English key points are twins: pair them (by evidence, citations,
    figures, then order), flag a point with no twin and a figure one twin lacks, and
    lend a point with no evidence its twin's. Returns the sections and each point's
    twin (by ``id`` of the returned point)."""
    by_lang = {s.lang: s for s in sections}
    if set(by_lang) != {"ar", "en"}:
        return sections, {}
    ar = [p for p in by_lang["ar"].points if p.quote_of is None]
    en = [p for p in by_lang["en"].points if p.quote_of is None]
    pairs = _pair(ar, en)
    updated: dict[str, dict[int, Point]] = {"ar": {}, "en": {}}
    for lang, mine, other, other_lang in (("ar", ar, en, "en"), ("en", en, ar, "ar")):
        for i, p in enumerate(mine):
            j = pairs[lang].get(i)
            flags = list(p.flags)
            if j is None:
                flags.append(_no_twin(other_lang))
            else:
                twin = other[j]
                extra = _extra_figures(_figures(p.text), _figures(twin.text))
                if extra:
                    shown = ", ".join(sorted(_show(v) for v in extra))
                    flags.append(_figure_once(shown, other_lang))
                mine, theirs = known_names(p.text, True), known_names(twin.text, True)
                if mine - theirs and theirs - mine:  # each names what the other does not
                    flags.append(_other_names(mine - theirs, theirs - mine, other_lang))
                if not p.evidence and twin.evidence:
                    p = replace(p, evidence=twin.evidence)
            updated[lang][i] = replace(p, flags=tuple(_unique(flags)))
    result = []
    for section in sections:
        plain = [p for p in section.points if p.quote_of is None]
        index = {id(p): i for i, p in enumerate(plain)}
        points = tuple(
            updated[section.lang][index[id(p)]] if id(p) in index else p for p in section.points
        )
        result.append(replace(section, points=points))
    twins = {
        id(updated[lang][i]): updated[other][j]
        for lang, other in (("ar", "en"), ("en", "ar"))
        for i, j in pairs[lang].items()
    }
    return result, twins


def _names(section: Section, twins: dict[int, Point], context: _Context) -> Section:
    """Every name a point states must be in its evidence (or its twin's: the same
    sentences in the other language's answer); a headline or summary, or a point
    without evidence, in its cited articles. Outlets of the story count as named."""
    outlets = " ".join(a.source or "" for a in context.articles.values())

    def check(point: Point | None, whole: bool) -> Point | None:
        if point is None or point.quote_of is not None:
            return point
        twin = twins.get(id(point))
        evidence = [*point.evidence, *(twin.evidence if twin else ())]
        if whole or not evidence:
            cited = [context.articles[c] for c in point.citations if c in context.articles]
            scope = " ".join(f"{a.title}\n{a.text}" for a in cited)
        else:  # a key point: the names it states are in the sentences it rests on
            scope = " ".join(e.text for e in evidence)
        unnamed = missing_names(_without_outlets(point.text, context), f"{outlets}\n{scope}")
        if not unnamed:
            return point
        shown = ", ".join(unnamed)
        flag = Flag(
            "support",
            f"{shown}: not named in the sentences it rests on",
            f"{shown}: لا يرد في الجمل التي تستند إليها",
        )
        return replace(point, flags=tuple(_unique([*point.flags, flag])))

    return replace(
        section,
        headline=check(section.headline, True),
        summary=check(section.summary, True),
        points=tuple(check(p, False) for p in section.points),  # type: ignore[misc]
        disagreements=tuple(check(p, True) for p in section.disagreements),  # type: ignore[misc]
    )


def _without_outlets(text: str, context: _Context) -> str:
    """The text with the story's outlet names blanked ("France 24" is no figure)."""
    outlets = sorted({a.source for a in context.articles.values() if a.source}, key=len)[::-1]
    for outlet in outlets:
        text = re.sub(re.escape(outlet), " ", text, flags=re.IGNORECASE)
    for number in {n for outlet in outlets for n in re.findall(r"\d+", outlet)}:
        text = re.sub(rf"(?<![\d.,]){number}(?![\d.,])", " ", text)  # «فرانس 24»
    return text


def _pair(ar: list[Point], en: list[Point]) -> dict[str, dict[int, int]]:
    scores = []
    for i, a in enumerate(ar):
        for j, e in enumerate(en):
            shared_evidence = len(set(a.evidence) & set(e.evidence))
            shared_cites = len(set(a.citations) & set(e.citations))
            same_figures = _figures(a.text) == _figures(e.text)
            scores.append(
                (-(shared_evidence * 4 + shared_cites + same_figures * 2), abs(i - j), i, j)
            )
    scores.sort()
    pairs: dict[str, dict[int, int]] = {"ar": {}, "en": {}}
    for score, distance, i, j in scores:
        if i in pairs["ar"] or j in pairs["en"]:
            continue
        if score == 0 and distance > 1:
            continue  # nothing shared and far apart: not twins
        pairs["ar"][i] = j
        pairs["en"][j] = i
    return pairs


def _figures(text: str) -> set[float]:
    """The figures a point states (digits, and number words above SMALL), as stated, not
    counting its dates' days and years (the date check owns them): the values its twin
    must state too."""
    in_dates = date_numbers(text)
    return {
        max(n.stated)
        for n in numbers(text)
        if not (n.in_words and max(n.stated) <= SMALL)
        and max(n.stated) != 0
        and not n.stated <= in_dates
    }


def _extra_figures(mine: set[float], theirs: set[float]) -> set[float]:
    """Figures of a point its twin lacks; a twin's "nearly 3,000" for 2,958 is the same."""
    return {
        v
        for v in mine
        if not any(v == t or (v > 100 and abs(v - t) <= ROUNDING * v) for t in theirs)
    }


def _show(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:g}"


def _no_twin(other: str) -> Flag:
    en, ar = LANG_NAMES[other]
    return Flag(
        "parity",
        f"it has no counterpart in the {en} section",
        f"لا تقابلها نقطة في القسم {'العربي' if other == 'ar' else 'الإنجليزي'}",
    )


def _other_names(mine: set[str], theirs: set[str], other: str) -> Flag:
    en, _ = LANG_NAMES[other]
    ar_other = "العربية" if other == "ar" else "الإنجليزية"
    return Flag(
        "parity",
        f"it names {', '.join(sorted(mine))}; its {en} version names "
        f"{', '.join(sorted(theirs))} instead",
        f"تذكر {', '.join(sorted(mine))}، ونسختها {ar_other} تذكر {', '.join(sorted(theirs))}",
    )


def _figure_once(shown: str, other: str) -> Flag:
    en, _ = LANG_NAMES[other]
    return Flag(
        "parity",
        f"{shown}: not in its {en} version",
        f"{shown}: لا يرد في نسختها {'العربية' if other == 'ar' else 'الإنجليزية'}",
    )


# --- helpers -------------------------------------------------------------------------


def _unique(flags: list[Flag]) -> list[Flag]:
    return list(dict.fromkeys(flags))


def _quotes(text: str, article: Article) -> bool:
    needle = normalize(text).strip(" .،,\"'“”«»")
    return bool(needle) and needle in _body(article)


def _body(article: Article) -> str:
    return normalize(f"{article.title}\n{article.text}")  # cached by normalize itself


_SPEECH = re.compile(
    r"[\"“”«»]|\b(?:said|says|told|added|stated|declared|wrote|according to|quoted)\b|"
    r"(?<!\w)[وف]?(?:قال|قالت|اكد|اكدت|اضاف|اضافت|صرح|صرحت|اعلن|اعلنت|كتب|وفق|بحسب|حسب)(?!\w)"
)


def _quote_flags(point: Point, article: Article, evidence: Sequence[Evidence]) -> list[Flag]:
    """A quote must be someone's words: long enough to stand as a quotation, in a
    sentence the article presents as speech, and said by someone the article names."""
    flags: list[Flag] = []
    if len(point.text.split()) < 3:
        flags.append(Flag("quote", "too short to stand as a quotation", "أقصر من أن تكون اقتباساً"))
    if evidence and not any(_SPEECH.search(normalize(e.text)) for e in evidence):
        flags.append(
            Flag(
                "quote",
                "the article does not present these words as anyone's",
                "لا يقدّم المقال هذه الكلمات على أنها كلام أحد",
            )
        )
    if point.speaker and not _names_speaker(point.speaker, article):
        flags.append(
            Flag(
                "quote",
                f"the article does not name {point.speaker}",
                f"لا يذكر المقال {point.speaker}",
            )
        )
    return flags


def _names_speaker(speaker: str, article: Article) -> bool:
    body = f"{article.source or ''}\n{article.title}\n{article.text}"
    if re.search("[A-Za-z]", speaker):
        return not missing_names(speaker, body)
    folded = normalize(body)
    words = [w for w in normalize(speaker).split() if len(w) > 2]
    bare = [w[2:] if w.startswith("ال") and len(w) > 4 else w for w in words]
    return not bare or sum(1 for w in bare if w in folded) * 2 >= len(bare)


def _quote_evidence(text: str, article: Article) -> tuple[Evidence, ...]:
    """The sentence(s) of ``article`` that hold the quote."""
    needle = normalize(text).strip(" .،,\"'“”«»")
    numbered = sentences.sentences(article)
    hits = []
    for n, sentence in enumerate(numbered):
        folded = normalize(sentence).strip(" .")
        if folded and (needle[:60] in folded or folded in needle):
            hits.append(Evidence(article.id, n, sentence))
    return tuple(hits[:3]) or sentences.align(text, [article])


def _name(article: Article) -> str:
    return f"the article «{_short(article.title, 60)}»"


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
