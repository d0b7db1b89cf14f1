"""Stage: check a digest's citations against the story's own articles.

Every citation must name an article of the story; a point left with no valid citation
is removed. A point marked as a quote must appear word for word in the article it
quotes (spacing and diacritics aside); a quote that is not there is removed, since
printing it would put invented words in someone's mouth. Every number a point states
must appear in one of the articles it cites, and a point in the language of its cited
articles must share at least a third of its content terms with them; a point failing
either check is kept but reported as possibly unsupported. Each correction or doubt
becomes a ``Problem`` so the reader of the briefing sees it; nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..models import Article, Point, Problem, StoryDigest
from ..text import detect_lang, normalize, terms, to_ascii_digits

MIN_SUPPORT = 1 / 3  # share of a point's content terms its same-language sources must hold
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def verify(
    digest: StoryDigest, where: str | None = None
) -> tuple[StoryDigest, tuple[Problem, ...]]:
    """Return the digest with only verifiable citations, and what was corrected.
    ``where`` names the story for the reader (e.g. "story 2")."""
    if digest.status != "ok":
        return digest, ()
    articles = {a.id: a for a in digest.story.articles}
    problems: list[Problem] = []
    where = where or f"story {digest.story.id}"
    sections = []
    for section in digest.sections:
        checked = {
            name: _check_points(getattr(section, name), articles, where, problems)
            for name in ("points", "disagreements")
        }
        headline = summary = None
        if section.headline:
            headline = (_check_points((section.headline,), articles, where, problems) or (None,))[0]
        if section.summary:
            summary = (_check_points((section.summary,), articles, where, problems) or (None,))[0]
        sections.append(replace(section, headline=headline, summary=summary, **checked))
    return replace(digest, sections=tuple(sections)), tuple(problems)


def _check_points(
    points: tuple[Point, ...],
    articles: dict[str, Article],
    where: str,
    problems: list[Problem],
) -> tuple[Point, ...]:
    kept = []
    for point in points:
        valid = tuple(dict.fromkeys(c for c in point.citations if c in articles))
        unknown = [c for c in point.citations if c not in articles]
        if unknown:
            problems.append(
                Problem(where, f"a citation to an article outside the story was removed from: "
                        f"{_short(point.text)}")
            )  # fmt: skip
        if not valid:
            problems.append(
                Problem(where, f"point left out, it cites no article of the story: "
                        f"{_short(point.text)}")
            )  # fmt: skip
            continue
        if point.quote_of is not None and not _quotes(point.text, articles.get(point.quote_of)):
            speaker = f"{point.speaker}: " if point.speaker else ""
            quoted = articles.get(point.quote_of)
            source = _name(quoted) if quoted else "an article outside the story"
            problems.append(
                Problem(where, f"quote left out, it is not in {source}: "
                        f"{speaker}{_short(point.text)}")
            )  # fmt: skip
            continue
        if point.quote_of is not None and point.quote_of not in valid:
            valid = (point.quote_of, *valid)
        doubt = None if point.quote_of else _support_doubt(point.text, [articles[c] for c in valid])
        if doubt:
            problems.append(
                Problem(where, f"possibly unsupported by its sources ({doubt}): "
                        f"{_short(point.text)}")
            )  # fmt: skip
        kept.append(replace(point, citations=valid))
    return tuple(kept)


def _numbers(text: str) -> set[str]:
    """Digit runs as written, any digit script, thousands and decimal marks kept."""
    return set(_NUMBER.findall(to_ascii_digits(text).replace("٫", ".").replace("٬", ",")))


def _support_doubt(text: str, cited: list[Article]) -> str | None:
    """Why the cited articles may not support ``text``, or None."""
    bodies = [f"{a.title}\n{a.text}" for a in cited]
    stated = _numbers(" ".join(bodies))
    missing = sorted(_numbers(text) - stated, key=lambda n: (len(n), n))
    if missing:
        return f"{', '.join(missing)} not in the cited articles"
    lang = detect_lang(text)
    same = [body for body, a in zip(bodies, cited, strict=True) if a.lang == lang]
    wanted = set(terms(text))
    if same and len(wanted) >= 4:
        held = wanted & {t for body in same for t in terms(body)}
        if len(held) / len(wanted) < MIN_SUPPORT:
            return f"only {len(held)} of its {len(wanted)} terms are in them"
    return None


def _quotes(text: str, article: Article | None) -> bool:
    if article is None:
        return False
    needle = normalize(text).strip(" .،,\"'“”«»")
    return bool(needle) and needle in normalize(f"{article.title}\n{article.text}")


def _name(article: Article) -> str:
    return f"the article «{_short(article.title, 60)}»"


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
