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
  joined story is compared again (centroid linkage). A centroid grown over many reports
  is generic ("World Cup", "Russia") and would draw in the day's other matches, so the
  mean similarity of the two stories' articles (average linkage) must also reach
  ``AVERAGE_FLOOR``.

The name gate keeps apart what shares vocabulary but not an actor: the day's oil, gold
and dollar reports; coalition strikes in two Yemeni provinces name different places.
A tournament's day is the opposite trap: its matches share the tournament's words and
its host country, so two stories of ``CONFLICT_MIN_SIZE`` reports or more never join
when each keeps naming a country (most of its reports) that the other hardly states in
any form (fewer than ``CONFLICT_SHARE`` of its reports; «القصف التركي» states Turkey):
Russia v Saudi Arabia and Egypt v Uruguay on the World Cup's opening day. A reaction
naming one more country than the event's reports (Tehran on the strikes) is no
conflict: both sides must have their own. Stories sharing ``SHARED_NAMES`` names or
more (two or more actors in common) need less of the same wording: their threshold is
``SHARED_NAMES_RELIEF`` lower. Names are read from the title and the first
``NAME_CHARS`` characters, a wire dateline ("Dubai, United Arab Emirates (CNN)--") left
out: where an outlet writes from is not what its story is about.

With article embeddings (``vectors``, see ``stories/embed.py``), a second pass joins
stories *across* languages once the words have decided within each language: two
stories join when the cosine of their mean embeddings reaches ``embed_threshold``
(``[llm] embeddings_threshold``: a cosine's scale depends on the model), their dates are
within ``MAX_DAYS_APART`` days, and they have no language in common. The last rule keeps
the lexical pass's word within a language: an English report joins one Arabic story,
never two English stories the words kept apart, so embeddings add pairs across
languages and change no pair within one.

Parameters were tuned on all six labelled days together
(``benchmarks/bench_group.py``, leave-one-day-out included), favouring precision: the
threshold rose from 0.28 to 0.33 when the World Cup's opening day (2018-06-14) showed the
lower one gluing a tournament's side stories to its opening match; stories sharing two
names still join from 0.28.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import itertools
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..models import Article, Story
from ..names import NAMES, known_names, skeleton
from ..text import normalize
from .reading import HEAD_WORDS, Reading, read

logger = logging.getLogger(__name__)

THRESHOLD = 0.33
TITLE_WEIGHT = 5.0
LEDE_WORDS = HEAD_WORDS  # 60: the first words of grouping's lede
DF_CAP = 0.03
NAME_CHARS = 300
MAX_DAYS_APART = 3
EMBED_THRESHOLD = 0.80  # the default of [llm] embeddings_threshold
AVERAGE_FLOOR = 0.12
CROSS_SHARED = 3
CROSS_RARE = 2
CONFLICT_MIN_SIZE = 3
CONFLICT_SHARE = 0.25
SHARED_NAMES = 2
SHARED_NAMES_RELIEF = 0.05
_SIGNAL_POSTINGS = 200  # a signal more stories share is too common to find candidates by


class _Cluster:
    __slots__ = (
        "centroid",
        "days",
        "embedding",
        "lang",
        "langs",
        "mean",
        "members",
        "names",
        "signals",
        "size",
        "stated",
        "_mentions",
    )

    def __init__(self, members: list[int], centroid: dict[str, float]) -> None:
        self.members = members
        self.size = len(members)
        self.centroid = centroid
        self.mean: dict[str, float] = centroid  # the plain mean of the unit vectors
        self.names: Counter[str] = Counter()
        self.days: tuple[int, int] | None = None
        self.lang = "und"
        self.langs: frozenset[str] = frozenset()  # its articles' languages, "und" aside
        self.embedding: list[float] | None = None
        self.signals: set[str] = set()  # what two scripts can share (see _signals)
        # article index -> the names its head states, adjectives included ("Turkish
        # shelling" names Turkey): asked only by the conflict test, so computed lazily
        self.stated: Callable[[int], frozenset[str]] = _no_names
        self._mentions: Counter[str] | None = None

    def mentions(self) -> Counter[str]:
        """How many of the story's articles state each name, in any form."""
        if self._mentions is None:
            self._mentions = Counter(n for i in self.members for n in self.stated(i))
        return self._mentions

    def named(self) -> set[str]:
        """The names at least half of the story's articles state."""
        return {name for name, n in self.names.items() if 2 * n >= self.size}


def merge(
    articles: Sequence[Article],
    stories: Sequence[Story],
    vectors: Mapping[str, Sequence[float]] | None = None,
    threshold: float = THRESHOLD,
    embed_threshold: float = EMBED_THRESHOLD,
    found: Mapping[str, Features] | None = None,
) -> tuple[Story, ...]:
    """Join the stories of ``articles`` that tell one event; most widely reported first;
    across languages on ``vectors`` too, when given (cosine ``embed_threshold``).
    ``found``: the ``features`` of articles by id, when made already."""
    position = {a.id: i for i, a in enumerate(articles)}
    if vectors:  # vectors of one size only (a server that changed models mid-run…)
        size = Counter(len(v) for v in vectors.values()).most_common(1)[0][0]
        vectors = {k: v for k, v in vectors.items() if len(v) == size}
    flat = [a for story in stories for a in story.articles]
    bilingual = len({a.lang for a in flat} - {"und"}) > 1  # else no signals are needed
    made = [(found or {}).get(a.id) or features(a) for a in flat]
    unit = _vectors([f.counts for f in made])

    @functools.cache
    def stated(index: int) -> frozenset[str]:
        return frozenset(known_names(_head(flat[index])))

    clusters: list[_Cluster] = []
    start = 0
    for story in stories:
        members = list(range(start, start + len(story.articles)))
        start += len(story.articles)
        centroid = unit[start - 1] if len(members) == 1 else _mean([unit[i] for i in members])
        cluster = _Cluster(members, centroid)
        cluster.stated = stated
        if len(members) > 1:
            cluster.mean = _plain_mean([unit[i] for i in members], [1.0] * len(members))
        for index, article in zip(members, story.articles, strict=True):
            named = made[index].named
            cluster.names.update(named)
            if bilingual and (not vectors or article.id not in vectors):  # else embeddings
                cluster.signals |= _signals(article, named)
        days = [a.published_day for a in story.articles if a.published_day is not None]
        cluster.days = (min(days), max(days)) if days else None
        langs = Counter(a.lang for a in story.articles)
        cluster.lang = langs.most_common(1)[0][0]
        cluster.langs = frozenset(langs) - {"und"}
        if vectors:
            found = [vectors[a.id] for a in story.articles if a.id in vectors]
            cluster.embedding = _mean_dense(found) if found else None
        clusters.append(cluster)

    joined = _join(clusters, threshold)
    if vectors and bilingual:
        joined = _join_across(joined, [a.lang for a in flat], embed_threshold)
    merged = [
        sorted((flat[i] for i in c.members), key=lambda a: position.get(a.id, 0)) for c in joined
    ]
    ranked = sorted(merged, key=lambda group: _importance(group, position))
    if len(ranked) != len(stories):
        logger.info("merge: %d stories joined into %d", len(stories), len(ranked))
    return tuple(_story(group) for group in ranked)


# --- representation ------------------------------------------------------------------


# The countries of ``briefing.names`` (its first section, up to the first city): what the
# conflict test compares. Cities, organisations and people are left out: a report names
# Washington or Trump where another names the United States.
_COUNTRIES = frozenset(itertools.takewhile(lambda name: name != "Damascus", NAMES))
# A wire dateline opening the text, "دبي، الإمارات العربية المتحدة (CNN)--" or
# "CAIRO (Reuters) -": where the outlet writes from, not what the story is about.
_DATELINE = re.compile(r"^[^\n()]{0,60}\([^()\n]{1,30}\)\s*[-–—]+\s*")


def _no_names(index: int) -> frozenset[str]:
    return frozenset()


def _head(article: Article) -> str:
    """The title and the first NAME_CHARS characters of the text, a dateline left out."""
    text = _DATELINE.sub("", article.text[: NAME_CHARS + 100].lstrip(), count=1)
    return article.title + "\n" + text[:NAME_CHARS]


@dataclass(frozen=True, slots=True)
class Features:
    """What the merge pass reads of one article: its weighted term counts (title and
    lede) and the names its head states as nouns. Made per article, so that the pipeline
    can make them in worker processes alongside cleaning (a plain dict: it crosses back
    from a worker faster than a Counter)."""

    counts: dict[str, float]
    named: frozenset[str]


def features(article: Article, reading: Reading | None = None) -> Features:
    """``reading``: the article's ``reading.read``, when made already."""
    found = reading or read(article)
    counts: Counter[str] = Counter()
    for term in found.title_terms:
        counts[term] += TITLE_WEIGHT
    counts.update(found.lede_terms[: found.head])
    return Features(dict(counts), frozenset(known_names(_head(article), nouns_only=True)))


def _vectors(counts: Sequence[Counter[str]]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors, document frequencies capped at DF_CAP of the articles."""
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


def _plain_mean(vectors: Sequence[dict[str, float]], weights: Sequence[float]) -> dict[str, float]:
    total: Counter[str] = Counter()
    for vector, weight in zip(vectors, weights, strict=True):
        for term, value in vector.items():
            total[term] += value * weight
    size = sum(weights)
    return {t: v / size for t, v in total.items()}


def _mean_dense(vectors: Sequence[Sequence[float]]) -> list[float]:
    total = [math.fsum(column) for column in zip(*vectors, strict=True)]
    norm = math.sqrt(math.fsum(v * v for v in total)) or 1.0
    return [v / norm for v in total]


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


_LATIN_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-Z][a-z'’-]*[a-z](?![\w'’-])")
_ARABIC_WORD = re.compile("[\u0621-\u064a]{4,}")
_NUMBER = re.compile(r"\d{2,}")


def _signals(article: Article, named: set[str]) -> set[str]:
    """What an Arabic and an English report of one event can share, from the title and
    the first NAME_CHARS characters: ``named``, the names of the table it states (``m:``),
    numbers of two digits or more (``n:``), Latin-script words (``t:``, an Arabic text
    quoting "MH370" or "Netflix") and the consonant skeletons of names (``k:``):
    capitalised words of English, every longer word of Arabic, «باريس» and "Paris"
    both BRS. Skeletons of fewer than four consonants say too little to count."""
    head = _head(article)
    found = {"m:" + key for key in named}
    found |= {"n:" + n.lstrip("0") for n in _NUMBER.findall(normalize(head))}
    if article.lang == "ar":
        found |= {"t:" + w.casefold() for w in _LATIN_WORD.findall(head) if len(w) >= 3}
        words = _ARABIC_WORD.findall(head)
    else:
        found |= {
            "t:" + w.casefold()
            for w in _LATIN_WORD.findall(head)
            if any(c.isdigit() for c in w) or w.isupper()
        }
        words = _CAPITALISED.findall(head)
    found |= {"k:" + k for k in map(skeleton, words) if len(k) >= 4}
    return found


def _across(a: _Cluster, b: _Cluster) -> float:
    """Stories in two languages, without embeddings: joined when they share at least
    CROSS_SHARED signals, CROSS_RARE of them not a name of the table (two countries in
    common say little); the similarity is the share of the smaller story's signals."""
    shared = a.signals & b.signals
    rare = [s for s in shared if not s.startswith("m:")]
    if len(shared) < CROSS_SHARED or len(rare) < CROSS_RARE:
        return 0.0
    return max(len(shared) / min(len(a.signals), len(b.signals)), 1e-6)


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
        if len(a.langs) > 1 or len(b.langs) > 1:
            # one join across languages per story: a joined story pools its parts'
            # numbers and names, and would go on to match ever more unrelated stories
            return 0.0
        return _across(a, b)
    shared = a.named() & b.named()
    if not shared:
        return 0.0
    if _conflict(a, b):
        return 0.0
    if len(shared) >= SHARED_NAMES:  # more actors in common, less wording needed
        threshold -= SHARED_NAMES_RELIEF
    cosine = _cosine(a.centroid, b.centroid)
    if cosine < threshold or (a.size + b.size > 2 and _cosine(a.mean, b.mean) < AVERAGE_FLOOR):
        return 0.0
    return cosine


def _conflict(a: _Cluster, b: _Cluster) -> bool:
    """Two stories of CONFLICT_MIN_SIZE reports or more that each keep naming a country
    the other hardly states, adjectives included (fewer than CONFLICT_SHARE of its
    reports): two events on one topic, such as two matches of one tournament, not one
    event told twice."""
    if min(a.size, b.size) < CONFLICT_MIN_SIZE:
        return False
    in_b = b.mentions()
    if not any(in_b[n] < CONFLICT_SHARE * b.size for n in a.named() & _COUNTRIES):
        return False
    in_a = a.mentions()
    return any(in_a[n] < CONFLICT_SHARE * a.size for n in b.named() & _COUNTRIES)


def _join(clusters: list[_Cluster], threshold: float) -> list[_Cluster]:
    """Centroid linkage: join the most similar pair, compare the joined story again.

    Only stories sharing a name are compared within a language (the name gate), and
    stories in two languages sharing a rare signal."""
    alive = dict(enumerate(clusters))
    # name -> first day (None: undated) -> stories: only stories within the date window
    # of each other are looked at
    by_name: dict[str, dict[int | None, set[int]]] = {}
    # signal -> stories, to find stories in two languages sharing a rare one
    by_signal: dict[str, set[int]] = {}
    bilingual = len({c.lang for c in clusters} - {"und"}) > 1

    def index(i: int, cluster: _Cluster, add: bool) -> None:
        day = cluster.days[0] if cluster.days else None
        for name in cluster.named():
            bucket = by_name.setdefault(name, {}).setdefault(day, set())
            if add:
                bucket.add(i)
            else:
                bucket.discard(i)
        if bilingual:
            for signal in cluster.signals:
                if not signal.startswith("m:"):
                    bucket = by_signal.setdefault(signal, set())
                    (bucket.add if add else bucket.discard)(i)

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
        if bilingual:
            for signal in cluster.signals:
                bucket = by_signal.get(signal, ())
                if len(bucket) <= _SIGNAL_POSTINGS:
                    found.update(k for k in bucket if alive[k].lang != cluster.lang)
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
        joined.stated = a.stated
        joined.mean = _plain_mean([a.mean, b.mean], [a.size, b.size])
        joined.names = a.names + b.names
        joined.signals = a.signals | b.signals
        joined.days = _span(a.days, b.days)
        joined.lang = a.lang if a.size >= b.size else b.lang
        joined.langs = a.langs | b.langs
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


def _join_across(
    clusters: list[_Cluster], langs: Sequence[str], threshold: float
) -> list[_Cluster]:
    """The embeddings pass: join stories in two languages whose mean embeddings' cosine
    reaches ``threshold``, best pair first, comparing the joined story again. A story's
    languages are its articles' (``langs``, by member; "und" aside); two stories join
    only when they have none in common and their dates are within MAX_DAYS_APART days.
    Candidates come from one matrix product per pair of language sets (NumPy)."""
    import numpy as np

    alive: dict[int, _Cluster] = {}
    spoken: dict[int, frozenset[str]] = {}
    unit: dict[int, Any] = {}
    kept: list[_Cluster] = []  # without an embedding or a language: as they are
    for cluster in clusters:
        found = frozenset(langs[i] for i in cluster.members) - {"und"}
        if cluster.embedding is None or not found:
            kept.append(cluster)
            continue
        k = len(alive)
        alive[k], spoken[k] = cluster, found
        unit[k] = np.asarray(cluster.embedding, dtype=np.float64)
    if len(frozenset().union(*spoken.values())) < 2:
        return clusters

    def near(a: int, b: int, cosine: float) -> bool:
        span = _span(alive[a].days, alive[b].days)
        return cosine >= threshold and (span is None or span[1] - span[0] <= MAX_DAYS_APART)

    heap: list[tuple[float, int, int]] = []
    groups: dict[frozenset[str], list[int]] = {}
    for k, found in spoken.items():
        groups.setdefault(found, []).append(k)
    keys = sorted(groups, key=sorted)
    for n, first in enumerate(keys):
        matrix = np.array([unit[k] for k in groups[first]])
        for second in keys[n + 1 :]:
            if first & second:
                continue
            other = np.array([unit[k] for k in groups[second]])
            sims = matrix @ other.T
            for r, c in zip(*np.nonzero(sims >= threshold), strict=True):
                a, b = groups[first][r], groups[second][c]
                if near(a, b, float(sims[r, c])):
                    heap.append((-float(sims[r, c]), a, b))
    heapq.heapify(heap)
    next_id = len(alive)
    while heap:
        _, i, j = heapq.heappop(heap)
        if i not in alive or j not in alive:
            continue
        a, b = alive.pop(i), alive.pop(j)
        joined = _Cluster(a.members + b.members, a.centroid)
        joined.days = _span(a.days, b.days)
        mean = unit.pop(i) * a.size + unit.pop(j) * b.size
        mean /= np.linalg.norm(mean) or 1.0
        joined.embedding = mean.tolist()
        found = spoken.pop(i) | spoken.pop(j)
        others = [k for k in alive if not (spoken[k] & found)]
        alive[next_id], spoken[next_id], unit[next_id] = joined, found, mean
        if others:
            sims = np.array([unit[k] for k in others]) @ mean
            for k, cosine in zip(others, sims.tolist(), strict=True):
                if near(k, next_id, cosine):
                    heapq.heappush(heap, (-cosine, k, next_id))
        next_id += 1
    return kept + list(alive.values())


# --- stories -------------------------------------------------------------------------


def _story(articles: list[Article]) -> Story:
    ids = "\x00".join(sorted(a.id for a in articles))
    return Story(id="s-" + hashlib.sha256(ids.encode()).hexdigest()[:12], articles=tuple(articles))


def _importance(articles: list[Article], position: dict[str, int]) -> tuple[int, int, int, int]:
    """Sort key: more outlets, more articles, later date, then earlier in the input."""
    outlets = len({a.outlet_key for a in articles})
    latest = max((a.published_day or 0 for a in articles), default=0)
    return (-outlets, -len(articles), -latest, min(position.get(a.id, 0) for a in articles))
