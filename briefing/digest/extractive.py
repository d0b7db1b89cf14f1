"""The offline extractive engine: a story's digest made of its own sentences, no LLM.

It selects the sentences that carry the story, preferring what several outlets report,
and quotes them verbatim, each citing every article that carries the same content.
Outlets paraphrase one another, so a sentence counts as carried by another article when
that article has a sentence covering most of its content terms (normalised, light-stemmed,
weighted by rarity within the story), not only when the text is identical.

It writes a language's section only from articles in that language: it never translates.
For a language with no articles it gives the story's metadata and says why there is no
summary.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Article, Point, Section, Story, StoryDigest
from ..text import clause_terms, coverage, looks_like_sentence, split_sentences, terms
from .describe import story_facts

ENGINE = "extractive"
ENGINE_VERSION = "1"
CLAUSE_SUPPORT = 0.6  # share of a clause's weighted terms one sentence must hold to carry it
SUPPORT = 0.5  # share of a sentence's weight (in carried clauses) an article must carry
REDUNDANT = 0.5  # a candidate this covered by an already selected point adds nothing
MIN_WORDS, MAX_WORDS = 8, 80
MIN_TERMS = 5  # fewer content terms: too generic to be a point, and "carried" by anything
# What is examined, so that time stays linear in the size of the input: the first
# MAX_CHARS characters and MAX_SENTENCES sentences of each article (real news articles
# have under 200 sentences and 25,000 characters), and, for ranking, the articles of a
# story in story order until they hold MAX_RANKED_SENTENCES candidate sentences. Every
# article, ranked or not, is still cited for the points it carries.
MAX_CHARS = 100_000
MAX_SENTENCES = 200
MAX_RANKED_SENTENCES = 600
# Openings that lean on an earlier sentence ("But he said…"): such a sentence reads badly
# on its own (see _leans_on_context).
_DANGLING = re.compile(
    r"^(?:but|however|he|she|they|it|this|that|these|those|his|her|their|also|and|"
    r"لكن|ولكن|إلا أن|الا ان)\b",
    re.IGNORECASE,
)
_QUOTE_MARKS = "\"'“”«»‘’"


@dataclass(frozen=True, slots=True)
class _Sentence:
    article: Article
    position: int  # index among the article's sentences
    text: str
    terms: frozenset[str]
    clauses: tuple[frozenset[str], ...]  # the sentence's clauses, each with >= 3 terms


@dataclass(frozen=True, slots=True)
class _Candidate:
    sentence: _Sentence
    supporters: tuple[Article, ...]  # every article carrying it, its own included
    outlets: int
    strength: float


def summarise(story: Story, max_points: int = 6) -> StoryDigest:
    """Digest one story: for each of Arabic and English, a headline and key points quoted
    from that language's articles, with citations; metadata in both languages."""
    sections = []
    for lang in ("ar", "en"):
        in_lang = [a for a in story.articles if a.lang == lang]
        sections.append(_section(lang, in_lang, story, max_points))
    return StoryDigest(story=story, sections=tuple(sections), engine=ENGINE)


def _section(lang: str, articles: Sequence[Article], story: Story, max_points: int) -> Section:
    facts = story_facts(lang, story)
    if not articles:
        return Section(lang=lang, headline=None, facts=facts, note=_NO_SOURCES[lang])
    # one article: nothing else can carry its sentences, so their clauses are not needed
    per_article = [_sentences(a, clauses=len(articles) > 1) for a in articles]
    ranked_articles, sentences = _ranked_share(articles, per_article)
    idf = _idf(sentences)
    candidates = _rank(sentences, idf)
    points: list[Point] = []
    chosen: list[_Sentence] = []
    everyone = len(ranked_articles) < len(articles)  # some articles were not ranked
    if everyone:
        all_sentences = [s for found in per_article for s in found]
        index = _index(all_sentences)
    for cand in candidates:
        if len(points) >= max_points:
            break
        if any(
            coverage(cand.sentence.terms, c.terms, idf) >= REDUNDANT
            or coverage(c.terms, cand.sentence.terms, idf) >= REDUNDANT
            for c in chosen
        ):
            continue
        chosen.append(cand.sentence)
        supporters = cand.supporters
        if everyone:  # cite every article that carries it, ranked or not
            carried = _carried(cand.sentence, all_sentences, index, idf)
            supporters = tuple(
                a for a in articles if a.id == cand.sentence.article.id or a.id in carried
            )
        points.append(_point(cand.sentence.text, supporters, cand.sentence.article, story))
    headline = _headline(ranked_articles, articles, story, idf)
    return Section(
        lang=lang, headline=headline, points=tuple(points), facts=facts, note=_EXTRACTIVE_NOTE[lang]
    )


def _ranked_share(
    articles: Sequence[Article], per_article: Sequence[list[_Sentence]]
) -> tuple[list[Article], list[_Sentence]]:
    """The articles ranked (in story order, until MAX_RANKED_SENTENCES) and their
    sentences; always at least the first article."""
    ranked: list[Article] = []
    sentences: list[_Sentence] = []
    for article, found in zip(articles, per_article, strict=True):
        if ranked and len(sentences) + len(found) > MAX_RANKED_SENTENCES:
            break
        ranked.append(article)
        sentences.extend(found)
    return ranked, sentences


def _examined(text: str) -> str:
    """The part of an article the engine reads: its first MAX_CHARS characters, ended at
    the last line break within them so that no sentence is cut."""
    if len(text) <= MAX_CHARS:
        return text
    cut = text.rfind("\n", 0, MAX_CHARS)
    return text[: cut if cut > 0 else MAX_CHARS]


def _sentences(article: Article, clauses: bool = True) -> list[_Sentence]:
    out = []
    for position, text in enumerate(split_sentences(_examined(article.text))[:MAX_SENTENCES]):
        n_words = len(text.split())
        if not (MIN_WORDS <= n_words <= MAX_WORDS):
            continue
        if text.rstrip().endswith((":", "؟", "?")):
            continue  # lead-ins to a list or quote, and questions, are not facts
        if n_words < 12 and text.rstrip()[-1] not in ".!…\"'”»)":
            continue  # a subheading, not a statement
        # a sentence's terms are its clauses' (clauses are cut at non-word characters)
        split = clause_terms(text) if clauses else ()
        found = frozenset().union(*split) if clauses else frozenset(terms(text))
        if len(found) >= MIN_TERMS:
            out.append(_Sentence(article, position, text, found, split))
    return out


def _idf(sentences: Sequence[_Sentence]) -> dict[str, float]:
    df: dict[str, int] = defaultdict(int)
    for s in sentences:
        for term in s.terms:
            df[term] += 1
    n = len(sentences)
    return {term: math.log((n + 1) / (count + 1)) + 1.0 for term, count in df.items()}


def _index(sentences: Sequence[_Sentence]) -> dict[str, list[int]]:
    """Term -> the sentences (by position in ``sentences``) holding it."""
    index: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sentences):
        for term in s.terms:
            index[term].append(i)
    return index


def _rank(sentences: Sequence[_Sentence], idf: dict[str, float]) -> list[_Candidate]:
    """Rank sentences by how many outlets carry them, then by how fully they do."""
    order = _story_order(sentences)
    index = _index(sentences) if len(order) > 1 else {}
    candidates = []
    for s in sentences:
        # with one article, no other article carries anything
        carried = _carried(s, sentences, index, idf) if len(order) > 1 else {}
        supporters = tuple(a for a in order if a.id == s.article.id or a.id in carried)
        outlets = len({a.outlet_key for a in supporters})
        candidates.append(_Candidate(s, supporters, outlets, math.fsum(carried.values())))
    candidates.sort(
        key=lambda c: (
            -(c.outlets - _leans_on_context(c.sentence.text)),
            -c.strength,
            c.sentence.position,
            -len(c.sentence.terms),
        )
    )
    return candidates


def _carried(
    s: _Sentence,
    sentences: Sequence[_Sentence],
    index: dict[str, list[int]],
    idf: dict[str, float],
) -> dict[str, float]:
    """Article id -> share of ``s``'s weight it carries, for the articles that carry ``s``.

    An article carries a clause when one of its sentences holds CLAUSE_SUPPORT of the
    clause's weighted terms; it carries the sentence when those clauses make up
    SUPPORT of the sentence's weight.
    """
    weights = [math.fsum(idf[t] for t in clause) for clause in s.clauses]
    total = math.fsum(weights) or 1.0
    per_article: dict[str, float] = defaultdict(float)
    for clause, weight in zip(s.clauses, weights, strict=True):
        shared: dict[int, float] = defaultdict(float)
        for term in sorted(clause):  # a fixed order: float sums must not depend on hashing
            for j in index[term]:
                if sentences[j].article.id != s.article.id:
                    shared[j] += idf[term]
        carrying = {
            sentences[j].article.id for j, w in shared.items() if w / weight >= CLAUSE_SUPPORT
        }
        for article_id in carrying:
            per_article[article_id] += weight / total
    return {aid: share for aid, share in per_article.items() if share >= SUPPORT}


def _leans_on_context(text: str) -> int:
    """1 for a sentence that opens mid-quote or on a word pointing back ("But he…"): it
    counts as carried by one outlet less, so a self-contained sentence comes first."""
    return int(text[0] in _QUOTE_MARKS or bool(_DANGLING.match(text)))


def _story_order(sentences: Sequence[_Sentence]) -> list[Article]:
    return list({s.article.id: s.article for s in sentences}.values())


def _point(text: str, supporters: Sequence[Article], quoted: Article, story: Story) -> Point:
    ids = {a.id for a in supporters}
    order = [a.id for a in story.articles if a.id in ids]
    return Point(text=text, citations=tuple(order), quote_of=quoted.id)


def _headline(
    ranked: Sequence[Article], articles: Sequence[Article], story: Story, idf: dict[str, float]
) -> Point:
    """The title (of a ranked article) that the other ranked articles' texts cover best;
    short titles before ledes. Every article whose text covers it is cited."""
    if len(articles) == 1:  # the only title, cited by its own article
        return _point(articles[0].title, articles, articles[0], story)
    bodies = {a.id: frozenset(terms(f"{a.title}\n{_examined(a.text)}")) for a in articles}

    def score(article: Article) -> tuple[int, float, int]:
        title_terms = frozenset(terms(article.title))
        cover = [coverage(title_terms, bodies[o.id], idf) for o in ranked if o.id != article.id]
        lede = looks_like_sentence(article.title)
        return (0 if lede else 1, math.fsum(cover), -len(article.title))

    best = max(ranked, key=score)
    title_terms = frozenset(terms(best.title))
    supporters = [
        a for a in articles
        if a.id == best.id or coverage(title_terms, bodies[a.id], idf) >= SUPPORT
    ]  # fmt: skip
    return _point(best.title, supporters, best, story)


# --- notes, in each language -------------------------------------------------------

_NO_SOURCES = {
    "ar": "لا توجد مقالات عربية في هذا الخبر، ولا يترجم الموجز الاستخراجي؛ "
    "للحصول على ملخص عربي اضبط نقطة اتصال لنموذج لغوي.",
    "en": "No English summary: this story's articles are not in English, and the extractive "
    "digest quotes sources without translating them. Configure an LLM endpoint "
    "(OPENAI_API_KEY or OPENAI_BASE_URL) for an English summary.",
}
_EXTRACTIVE_NOTE = {
    "ar": "جمل منقولة حرفياً من المصادر، مرتبة بحسب عدد المصادر التي تذكرها.",
    "en": "Sentences quoted verbatim from the sources, ranked by how many outlets report them.",
}
