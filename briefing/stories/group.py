"""Group articles into stories: what an editor would put under one headline.

Each article becomes a TF-IDF vector over `terms()` of its title, counted
``TITLE_WEIGHT`` times, and of its lede -- the first ``LEDE_WORDS`` words of the body --
counted ``LEDE_WEIGHT`` times; term frequencies are damped (``log(1 + tf)``) and the
IDF comes from the articles being grouped. Short lines without closing punctuation and
"read also:" lines are left out of the lede: BBC, CNN and France 24 pages carry the
headlines of *other*, related articles as such lines, and trusting them glues
unrelated stories together. The tail of a long article is left out too: it drifts into
background that neighbouring stories share.

Articles are joined by average-linkage agglomeration on cosine similarity: two groups
merge while the mean similarity over all their cross pairs is at least ``THRESHOLD``,
so a single strong pair cannot chain two stories together. A group never spans more
than ``MAX_DAYS_APART`` days of publication dates (undated articles are not bound).

Articles in two languages share almost no terms, so they are compared only on their
strong signals: numbers of two digits or more and Latin-script names (the capitalised
words of an English title and lede; any Latin-script term in an Arabic one). They need
``CROSS_MIN_SHARED`` of them in common, one a name; their similarity is then the cosine
of those IDF-weighted sets.

The weights and the threshold were tuned on real labelled data (see
``benchmarks/bench_group.py``), favouring precision: a wrong merge in a briefing costs
more than a split.

Stories come most distinct outlets first, then most articles, then latest date, then
first in the input; the articles of a story keep their input order; a story's id is
``s-`` and a hash of its sorted article ids, so it is the same on every run.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Article, Story
from ..text import normalize, terms

logger = logging.getLogger(__name__)

THRESHOLD = 0.18
TITLE_WEIGHT = 4.0
LEDE_WEIGHT = 0.5
LEDE_WORDS = 200
MAX_DAYS_APART = 3
CROSS_MIN_SHARED = 3

_TITLE_LIKE_WORDS = 12  # a line this short without closing punctuation is a headline
_SENTENCE_END = re.compile(r"[.!?؟…:;\"'”’»)\]]\s*$")
_LINK_LINE = re.compile(r"^(?:[اأ]قر[اأ]|شاهد|read|see|watch|related)\b.{0,20}:", re.IGNORECASE)
_LATIN = re.compile("[a-z]")
_CAPITALISED = re.compile(r"\b(?:[A-Z][\w'’-]*|\d[\d,.]*)")
_EDGE_FLOOR = 0.05  # weaker similarities count as 0: fewer pairs to keep


@dataclass(slots=True)
class _Doc:
    vector: dict[str, float]  # unit length
    strong: dict[str, float]  # numbers and names -> IDF, for cross-language comparison
    lang: str
    day: int | None


def group(articles: Sequence[Article]) -> tuple[Story, ...]:
    """Group articles into stories, most widely reported first."""
    docs = _vectorise(articles)
    pairs = _similarities(docs)
    clusters = _average_linkage(len(docs), pairs, [d.day for d in docs])
    ranked = sorted(
        (sorted(members) for members in clusters), key=lambda m: _importance(articles, m)
    )
    logger.info("group: %d articles in %d stories", len(articles), len(ranked))
    return tuple(_story([articles[i] for i in members]) for members in ranked)


# --- representation ------------------------------------------------------------------


def _is_title_like(line: str) -> bool:
    """A headline-like line: short and without closing punctuation, or a "read also" link."""
    if _LINK_LINE.match(line):
        return True
    return len(line.split()) <= _TITLE_LIKE_WORDS and not _SENTENCE_END.search(line)


def _sections(article: Article) -> tuple[str, str]:
    """The title and the lede: the first LEDE_WORDS words of the body, headlines left out."""
    title = normalize(article.title)
    lede: list[str] = []
    for line in article.text.splitlines():
        line = line.strip()
        if not line or _is_title_like(line):
            continue
        if abs(len(line) - len(article.title)) < 10 and normalize(line) == title:
            continue  # the title repeated in the text
        lede.extend(line.split())
        if len(lede) >= LEDE_WORDS:
            break
    if not lede:  # a text of short lines only: keep its first line
        lede = next((line.split() for line in article.text.splitlines() if line.strip()), [])
    return article.title, " ".join(lede[:LEDE_WORDS])


def _vectorise(articles: Sequence[Article]) -> list[_Doc]:
    weighted: list[Counter[str]] = []
    strong: list[set[str]] = []
    for article in articles:
        title, lede = _sections(article)
        counts: Counter[str] = Counter()
        for part, weight in ((title, TITLE_WEIGHT), (lede, LEDE_WEIGHT)):
            for term in terms(part):
                counts[term] += weight
        weighted.append(counts)
        strong.append(_strong_terms(article, title + "\n" + lede, counts))

    df = Counter(term for counts in weighted for term in counts)
    n = len(articles)
    docs = []
    for article, counts, names in zip(articles, weighted, strong, strict=True):
        vector = {t: _tf(w) * _idf(n, df[t]) for t, w in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vector = {t: v / norm for t, v in vector.items()}
        idf = {t: _idf(n, df[t]) for t in names}
        docs.append(_Doc(vector, idf, article.lang, article.published_day))
    return docs


def _idf(n: int, df: int) -> float:
    return math.log((n + 1) / (df + 1)) + 1


def _tf(weight: float) -> float:
    return math.log1p(weight)


def _strong_terms(article: Article, head: str, counts: Counter[str]) -> set[str]:
    """Numbers and Latin-script names: what articles in two languages can share."""
    if article.lang == "ar":
        found = {t for t in counts if t.isdigit() or _LATIN.search(t)}
    else:
        found = set(terms(" ".join(_CAPITALISED.findall(head)))) & counts.keys()
    return {t for t in found if not t.isdigit() or len(t) >= 2}


def _similarities(docs: list[_Doc]) -> dict[tuple[int, int], float]:
    """Cosine similarity of the pairs above the floor and within the date window.

    Dated documents are visited by date, and each looks only forward, to the documents
    at most MAX_DAYS_APART days later, through postings sorted the same way.
    """
    order = sorted(range(len(docs)), key=lambda i: (docs[i].day is None, docs[i].day or 0, i))
    rank = {i: r for r, i in enumerate(order)}
    postings: dict[str, tuple[list[int], list[int], list[int], list[float]]] = {}
    undated: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for i in order:
        doc = docs[i]
        for term, weight in doc.vector.items():
            if doc.day is None:
                undated[term].append((rank[i], i, weight))
                continue
            ranks, days, ids, weights = postings.setdefault(term, ([], [], [], []))
            ranks.append(rank[i])
            days.append(doc.day)
            ids.append(i)
            weights.append(weight)

    pairs: dict[tuple[int, int], float] = {}
    for i in order:
        doc = docs[i]
        dots: dict[int, float] = defaultdict(float)
        for term, weight in doc.vector.items():
            if doc.day is not None and term in postings:
                ranks, days, ids, weights = postings[term]
                start = bisect_right(ranks, rank[i])
                stop = bisect_right(days, doc.day + MAX_DAYS_APART, lo=start)
                for k in range(start, stop):
                    dots[ids[k]] += weight * weights[k]
            for other_rank, j, other in undated.get(term, ()):
                if doc.day is not None or other_rank > rank[i]:
                    dots[j] += weight * other
        for j, dot in dots.items():
            if _cross_language(doc, docs[j]):
                dot = _cross_similarity(doc, docs[j])
            if dot >= _EDGE_FLOOR:
                pairs[min(i, j), max(i, j)] = dot
    return pairs


def _cross_language(a: _Doc, b: _Doc) -> bool:
    return a.lang != b.lang and "und" not in (a.lang, b.lang)


def _cross_similarity(a: _Doc, b: _Doc) -> float:
    """Cosine of the IDF-weighted sets of numbers and names, if they share enough."""
    shared = a.strong.keys() & b.strong.keys()
    if len(shared) < CROSS_MIN_SHARED or all(t.isdigit() for t in shared):
        return 0.0
    dot = math.fsum(a.strong[t] ** 2 for t in shared)
    norms = math.sqrt(sum(v * v for v in a.strong.values()) * sum(v * v for v in b.strong.values()))
    return dot / norms


# --- clustering ----------------------------------------------------------------------


def _average_linkage(
    n: int, pairs: dict[tuple[int, int], float], days: list[int | None]
) -> list[list[int]]:
    """Merge while the mean cross-pair similarity of two groups reaches THRESHOLD."""
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    span = {i: None if d is None else (d, d) for i, d in enumerate(days)}
    links: dict[int, dict[int, float]] = defaultdict(dict)  # sums of cross similarities
    heap: list[tuple[float, int, int]] = []
    for (i, j), sim in pairs.items():
        links[i][j] = links[j][i] = sim
        if sim >= THRESHOLD:
            heap.append((-sim, i, j))
    heapq.heapify(heap)

    next_id = n
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue  # one of them has merged since
        merged_span = _merge_span(span[a], span[b])
        if merged_span is not None and merged_span[1] - merged_span[0] > MAX_DAYS_APART:
            continue
        c, next_id = next_id, next_id + 1
        members[c] = members.pop(a) + members.pop(b)
        span[c] = merged_span
        for x in links[a].keys() | links[b].keys():
            if x in (a, b):
                continue
            total = links[x].pop(a, 0.0) + links[x].pop(b, 0.0)
            links[c][x] = links[x][c] = total
            mean = total / (len(members[c]) * len(members[x]))
            if mean >= THRESHOLD:
                heapq.heappush(heap, (-mean, min(c, x), max(c, x)))
        del links[a], links[b]
    return list(members.values())


def _merge_span(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1])


# --- stories -------------------------------------------------------------------------


def _story(articles: list[Article]) -> Story:
    ids = "\x00".join(sorted(a.id for a in articles))
    return Story(id="s-" + hashlib.sha256(ids.encode()).hexdigest()[:12], articles=tuple(articles))


def _importance(articles: Sequence[Article], members: list[int]) -> tuple[int, int, int, int]:
    """Sort key: more outlets, more articles, later date, then earlier in the input."""
    outlets = len({articles[i].outlet_key for i in members})
    latest = max((articles[i].published_day or 0 for i in members), default=0)
    return (-outlets, -len(members), -latest, members[0])
