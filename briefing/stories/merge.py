"""Join stories that `group` split: a second pass over whole stories.

Grouping compares articles with an IDF taken from the day itself, so on a day one event
dominates (a hundred reports of strikes on Syria) the event's own words -- its place,
its actors, "strike" -- become cheap and its reports fall apart into dozens of small
stories. This pass compares *stories*, not articles, in a way that day cannot mislead:

- each article is a TF-IDF vector of its title (``TITLE_WEIGHT`` times) and its lede
  (the first ``LEDE_WORDS`` words of the body, headline-like lines left out), but a
  term's document frequency is capped at ``DF_CAP`` of the articles, so that a word in
  half the day's reports weighs like one in a twentieth of them;
- a story is the unit-length mean (centroid) of its articles' vectors;
- two stories join when their centroids' cosine reaches ``THRESHOLD``, they share a
  *named* place, country or organisation most of each story's articles state in their
  title or first ``NAME_CHARS`` characters (``briefing.names``, either script), and
  their dates stay within ``MAX_DAYS_APART`` days. The best pair joins first and the
  joined story is compared again (centroid linkage).

The name gate keeps apart what shares vocabulary but not an actor: the day's oil, gold
and dollar reports; coalition strikes in two Yemeni provinces name different places.

With article embeddings (``vectors``, see ``stories/embed.py``), stories in two
languages are compared on the cosine of their mean embeddings instead, and join at
``EMBED_THRESHOLD``: the lexical signals still decide within a language.

Parameters were tuned on all four labelled days together
(``benchmarks/bench_group.py``, leave-one-day-out included), favouring precision.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from ..models import Article, Story
from ..names import known_names
from ..text import normalize, terms

logger = logging.getLogger(__name__)

THRESHOLD = 0.28
TITLE_WEIGHT = 5.0
LEDE_WORDS = 60
DF_CAP = 0.03
NAME_CHARS = 300
MAX_DAYS_APART = 3
EMBED_THRESHOLD = 0.80

_TITLE_LIKE_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?؟…:;\"'”’»)\]]\s*$")
_LINK_LINE = re.compile(r"^(?:[اأ]قر[اأ]|شاهد|read|see|watch|related)\b.{0,20}:", re.IGNORECASE)


class _Cluster:
    __slots__ = ("centroid", "days", "embedding", "lang", "members", "names", "size")

    def __init__(self, members: list[int], centroid: dict[str, float]) -> None:
        self.members = members
        self.size = len(members)
        self.centroid = centroid
        self.names: Counter[str] = Counter()
        self.days: tuple[int, int] | None = None
        self.lang = "und"
        self.embedding: list[float] | None = None

    def named(self) -> set[str]:
        """The names at least half of the story's articles state."""
        return {name for name, n in self.names.items() if 2 * n >= self.size}


def merge(
    articles: Sequence[Article],
    stories: Sequence[Story],
    vectors: Mapping[str, Sequence[float]] | None = None,
    threshold: float = THRESHOLD,
) -> tuple[Story, ...]:
    """Join the stories of ``articles`` that tell one event; most widely reported first."""
    position = {a.id: i for i, a in enumerate(articles)}
    flat = [a for story in stories for a in story.articles]
    unit = _vectors(flat)
    clusters: list[_Cluster] = []
    start = 0
    for story in stories:
        members = list(range(start, start + len(story.articles)))
        start += len(story.articles)
        centroid = unit[start - 1] if len(members) == 1 else _mean([unit[i] for i in members])
        cluster = _Cluster(members, centroid)
        for article in story.articles:
            cluster.names.update(
                known_names(article.title + "\n" + article.text[:NAME_CHARS], nouns_only=True)
            )
        days = [a.published_day for a in story.articles if a.published_day is not None]
        cluster.days = (min(days), max(days)) if days else None
        langs = Counter(a.lang for a in story.articles)
        cluster.lang = langs.most_common(1)[0][0]
        if vectors:
            found = [vectors[a.id] for a in story.articles if a.id in vectors]
            cluster.embedding = _mean_dense(found) if found else None
        clusters.append(cluster)

    joined = _join(clusters, threshold)
    merged = [
        sorted((flat[i] for i in c.members), key=lambda a: position.get(a.id, 0)) for c in joined
    ]
    ranked = sorted(merged, key=lambda group: _importance(group, position))
    if len(ranked) != len(stories):
        logger.info("merge: %d stories joined into %d", len(stories), len(ranked))
    return tuple(_story(group) for group in ranked)


# --- representation ------------------------------------------------------------------


def _lede(article: Article) -> str:
    """The first LEDE_WORDS words of the body, headline-like and "read also" lines out."""
    title = normalize(article.title)
    words: list[str] = []
    for line in article.text.splitlines():
        line = line.strip()
        if not line or _LINK_LINE.match(line):
            continue
        if len(line.split()) <= _TITLE_LIKE_WORDS and not _SENTENCE_END.search(line):
            continue
        if abs(len(line) - len(article.title)) < 10 and normalize(line) == title:
            continue
        words.extend(line.split())
        if len(words) >= LEDE_WORDS:
            break
    return " ".join(words[:LEDE_WORDS])


def _vectors(articles: Sequence[Article]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors, document frequencies capped at DF_CAP of the articles."""
    counts: list[Counter[str]] = []
    for article in articles:
        found: Counter[str] = Counter()
        for term in terms(article.title):
            found[term] += TITLE_WEIGHT
        found.update(terms(_lede(article)))
        counts.append(found)
    n = len(counts)
    df = Counter(term for found in counts for term in found)
    cap = max(2.0, DF_CAP * n)
    idf = {term: math.log((n + 1) / (min(d, cap) + 1)) + 1 for term, d in df.items()}
    vectors = []
    for found in counts:
        vector = {t: math.log1p(w) * idf[t] for t, w in found.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({t: v / norm for t, v in vector.items()})
    return vectors


def _mean(
    vectors: Sequence[dict[str, float]], weights: Sequence[float] | None = None
) -> dict[str, float]:
    """The unit-length (weighted) mean of unit vectors."""
    total: Counter[str] = Counter()
    for vector, weight in zip(vectors, weights or [1.0] * len(vectors), strict=True):
        for term, value in vector.items():
            total[term] += value * weight
    norm = math.sqrt(sum(v * v for v in total.values())) or 1.0
    return {t: v / norm for t, v in total.items()}


def _mean_dense(vectors: Sequence[Sequence[float]]) -> list[float]:
    total = [math.fsum(column) for column in zip(*vectors, strict=True)]
    norm = math.sqrt(math.fsum(v * v for v in total)) or 1.0
    return [v / norm for v in total]


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


# --- joining ----------------------------------------------------------------------------


def _span(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1])


def _similarity(a: _Cluster, b: _Cluster, threshold: float) -> float:
    """How alike two stories are, 0 when they may not join."""
    span = _span(a.days, b.days)
    if span is not None and span[1] - span[0] > MAX_DAYS_APART:
        return 0.0
    if a.lang != b.lang and "und" not in (a.lang, b.lang):
        if a.embedding is None or b.embedding is None:
            return 0.0  # across languages, only with embeddings: group already tried
        cosine = math.fsum(x * y for x, y in zip(a.embedding, b.embedding, strict=True))
        return cosine if cosine >= EMBED_THRESHOLD else 0.0
    if not (a.named() & b.named()):
        return 0.0
    cosine = _cosine(a.centroid, b.centroid)
    return cosine if cosine >= threshold else 0.0


def _join(clusters: list[_Cluster], threshold: float) -> list[_Cluster]:
    """Centroid linkage: join the most similar pair, compare the joined story again.

    Only stories sharing a name are compared within a language (the name gate), and
    every pair in two languages when both have embeddings."""
    alive = dict(enumerate(clusters))
    # name -> first day (None: undated) -> stories: only stories within the date window
    # of each other are looked at
    by_name: dict[str, dict[int | None, set[int]]] = {}
    embedded = {i for i, c in enumerate(clusters) if c.embedding is not None}

    def index(i: int, cluster: _Cluster, add: bool) -> None:
        day = cluster.days[0] if cluster.days else None
        for name in cluster.named():
            bucket = by_name.setdefault(name, {}).setdefault(day, set())
            if add:
                bucket.add(i)
            else:
                bucket.discard(i)
        if cluster.embedding is not None:
            (embedded.add if add else embedded.discard)(i)

    def others(i: int, cluster: _Cluster) -> set[int]:
        found: set[int] = set()
        for name in cluster.named():
            days = by_name.get(name, {})
            if cluster.days is None:
                for bucket in days.values():
                    found |= bucket
                continue
            lo, hi = cluster.days
            for day in (*range(hi - MAX_DAYS_APART, lo + MAX_DAYS_APART + 1), None):
                found |= days.get(day, set())
        if cluster.embedding is not None:
            found |= embedded
        found.discard(i)
        return found

    for i, cluster in alive.items():
        index(i, cluster, True)

    heap: list[tuple[float, int, int]] = []
    for i, cluster in alive.items():
        for j in others(i, cluster):
            if j > i:
                sim = _similarity(cluster, alive[j], threshold)
                if sim > 0:
                    heap.append((-sim, i, j))
    heapq.heapify(heap)
    next_id = len(clusters)
    while heap:
        _, i, j = heapq.heappop(heap)
        if i not in alive or j not in alive:
            continue
        a, b = alive.pop(i), alive.pop(j)
        index(i, a, False)
        index(j, b, False)
        joined = _Cluster(a.members + b.members, _mean([a.centroid, b.centroid], [a.size, b.size]))
        joined.names = a.names + b.names
        joined.days = _span(a.days, b.days)
        joined.lang = a.lang if a.size >= b.size else b.lang
        if a.embedding is not None and b.embedding is not None:
            joined.embedding = _mean_dense(
                [[x * a.size for x in a.embedding], [y * b.size for y in b.embedding]]
            )
        else:
            joined.embedding = a.embedding or b.embedding
        for k in others(next_id, joined):
            sim = _similarity(joined, alive[k], threshold)
            if sim > 0:
                heapq.heappush(heap, (-sim, k, next_id))
        alive[next_id] = joined
        index(next_id, joined, True)
        next_id += 1
    return list(alive.values())


# --- stories -------------------------------------------------------------------------


def _story(articles: list[Article]) -> Story:
    ids = "\x00".join(sorted(a.id for a in articles))
    return Story(id="s-" + hashlib.sha256(ids.encode()).hexdigest()[:12], articles=tuple(articles))


def _importance(articles: list[Article], position: dict[str, int]) -> tuple[int, int, int, int]:
    """Sort key: more outlets, more articles, later date, then earlier in the input."""
    outlets = len({a.outlet_key for a in articles})
    latest = max((a.published_day or 0 for a in articles), default=0)
    return (-outlets, -len(articles), -latest, min(position.get(a.id, 0) for a in articles))
