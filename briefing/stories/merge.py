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
import operator
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
_COMPILED_FROM = 1_000  # articles: from this many, candidate pairs are first looked at in
# SciPy, and only those whose cosine may reach the threshold are compared word by word
_SLACK = 1e-6  # far above the rounding of a cosine summed in another order (~1e-14)
_ROUGH_CHUNK = 5_000  # pairs per sparse product
_PAIR_BATCH = 1 << 17  # candidate pairs gathered before they are compared


class _Cluster:
    __slots__ = (
        "days",
        "embedding",
        "lang",
        "langs",
        "members",
        "names",
        "signals",
        "size",
        "stated",
        "_centroid",
        "_mean",
        "_unit",
        "_mentions",
        "_named",
    )

    def __init__(
        self,
        members: list[int],
        centroid: dict[str, float] | None = None,
        mean: dict[str, float] | None = None,
        unit: Callable[[int], dict[str, float]] | None = None,
    ) -> None:
        """``centroid`` and ``mean`` (the plain mean of the unit vectors; the centroid
        when not given), or ``unit``, each member's unit vector, to compute both when
        first asked: most stories of a large pile are never compared word by word (see
        ``_Rough``)."""
        self.members = members
        self.size = len(members)
        self._centroid = centroid
        self._mean = mean if mean is not None else centroid
        self._unit = unit
        self.names: Counter[str] = Counter()  # complete before ``named()`` is asked
        self.days: tuple[int, int] | None = None
        self.lang = "und"
        self.langs: frozenset[str] = frozenset()  # its articles' languages, "und" aside
        self.embedding: list[float] | None = None
        self.signals: set[str] = set()  # what two scripts can share (see _signals)
        # article index -> the names its head states, adjectives included ("Turkish
        # shelling" names Turkey): asked only by the conflict test, so computed lazily
        self.stated: Callable[[int], frozenset[str]] = _no_names
        self._mentions: Counter[str] | None = None
        self._named: set[str] | None = None

    @property
    def centroid(self) -> dict[str, float]:
        if self._centroid is None:
            assert self._unit is not None
            found = [self._unit(i) for i in self.members]
            if len(found) == 1:
                self._centroid = self._mean = found[0]
            else:
                self._centroid = _mean(found)
                self._mean = _plain_mean(found, [1.0] * len(found))
        return self._centroid

    @property
    def mean(self) -> dict[str, float]:
        if self._mean is None:
            self.centroid  # noqa: B018 -- makes both
        assert self._mean is not None
        return self._mean

    def mentions(self) -> Counter[str]:
        """How many of the story's articles state each name, in any form."""
        if self._mentions is None:
            self._mentions = Counter(n for i in self.members for n in self.stated(i))
        return self._mentions

    def named(self) -> set[str]:
        """The names at least half of the story's articles state (asked once ``names``
        is complete, and kept)."""
        if self._named is None:
            self._named = {name for name, n in self.names.items() if 2 * n >= self.size}
        return self._named


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
    counts = [f.counts for f in made]
    groups, start = [], 0
    for story in stories:
        groups.append(list(range(start, start + len(story.articles))))
        start += len(story.articles)
    rough = _Rough(counts, groups) if len(flat) >= _COMPILED_FROM else None
    df = rough.df if rough is not None else Counter(itertools.chain.from_iterable(counts))
    idf = _Idf(df, len(counts))

    def unit(index: int) -> dict[str, float]:  # asked once per article: one story each
        return _unit(counts[index], idf)

    @functools.cache
    def stated(index: int) -> frozenset[str]:
        return frozenset(known_names(_head(flat[index])))

    published = _published_days(flat)
    spoken = {lang: frozenset((lang,)) - {"und"} for lang in {a.lang for a in flat}}
    clusters: list[_Cluster] = []
    for story, members in zip(stories, groups, strict=True):
        cluster = _Cluster(members, unit=unit)
        cluster.stated = stated
        if len(members) == 1:
            named = made[members[0]].named
            cluster.names = Counter(named)
            cluster._named = set(named)  # each once in a story of one: all are named
            article = story.articles[0]
            if bilingual and (not vectors or article.id not in vectors):  # else embeddings
                cluster.signals = _signals(article, named)
            day = published[members[0]]
            cluster.days = None if day is None else (day, day)
            cluster.lang = article.lang
            cluster.langs = spoken[article.lang]
        else:
            for index, article in zip(members, story.articles, strict=True):
                named = made[index].named
                cluster.names.update(named)
                if bilingual and (not vectors or article.id not in vectors):
                    cluster.signals |= _signals(article, named)
            days = [published[i] for i in members if published[i] is not None]
            cluster.days = (min(days), max(days)) if days else None  # type: ignore[type-var]
            langs = Counter(a.lang for a in story.articles)
            cluster.lang = langs.most_common(1)[0][0]
            cluster.langs = frozenset(langs) - {"und"}
        if vectors:
            found = [vectors[a.id] for a in story.articles if a.id in vectors]
            cluster.embedding = _mean_dense(found) if found else None
        clusters.append(cluster)

    joined = _join(clusters, threshold, rough)
    if vectors and bilingual:
        joined = _join_across(joined, [a.lang for a in flat], embed_threshold)
    place = [position.get(a.id, 0) for a in flat]
    outlets = [a.outlet_key for a in flat]
    merged = [sorted(c.members, key=place.__getitem__) for c in joined]

    def importance(group: list[int]) -> tuple[int, int, int, int]:
        """More outlets, more articles, later date, then earlier in the input."""
        latest = max((published[i] or 0 for i in group), default=0)
        return (-len({outlets[i] for i in group}), -len(group), -latest, place[group[0]])

    ranked = sorted(merged, key=importance)
    if len(ranked) != len(stories):
        logger.info("merge: %d stories joined into %d", len(stories), len(ranked))
    return tuple(_story([flat[i] for i in group]) for group in ranked)


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


# The vectors are dicts and their arithmetic is Python's, term by term, in the order of
# the dicts: a cosine or a mean moved to another summation order (NumPy's pairwise sums,
# a sparse product) could differ in the last bit and turn a threshold decision. The
# helpers below loop in C (``map``, ``filter``, ``zip``) but add the same products in the
# same order as a plain loop would, so they give the same bits.


def _vectors(counts: Sequence[Counter[str]]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors, document frequencies capped at DF_CAP of the articles."""
    idf = _idf(counts)
    return [_unit(found, idf) for found in counts]


def _idf(counts: Sequence[Counter[str]]) -> dict[str, float]:
    """Each term's IDF, its document frequency capped at DF_CAP of the articles."""
    return _idf_of(Counter(itertools.chain.from_iterable(counts)), len(counts))


def _idf_of(df: Mapping[str, int], n: int) -> dict[str, float]:
    cap = max(2.0, DF_CAP * n)
    return {term: math.log((n + 1) / (min(d, cap) + 1)) + 1 for term, d in df.items()}


class _Idf(dict[str, float]):
    """``_idf_of(df, n)``, each term's worked out when first asked (a large pile's
    stories are mostly never compared word by word): the same values."""

    def __init__(self, df: Mapping[str, int], n: int) -> None:
        super().__init__()
        self.df, self.n, self.cap = df, n, max(2.0, DF_CAP * n)

    def __missing__(self, term: str) -> float:
        value = math.log((self.n + 1) / (min(self.df[term], self.cap) + 1)) + 1
        self[term] = value
        return value


def _unit(found: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    """The unit TF-IDF vector of one article's term counts."""
    values = list(map(operator.mul, map(math.log1p, found.values()), map(idf.__getitem__, found)))
    norm = math.sqrt(sum(map(operator.mul, values, values))) or 1.0
    return dict(zip(found, map(operator.truediv, values, itertools.repeat(norm)), strict=True))


class _Rough:
    """The stories' centroids as rows of a sparse matrix (SciPy): the vectors ``_unit``
    and ``_mean`` make, but computed in another order, so equal to them only up to the
    last bits. They give a first look at many pairs at once, never a decision: a pair
    whose rough cosine is more than ``_SLACK`` below the threshold has its cosine below
    the threshold too (the sums of a few hundred products of unit vectors differ by
    about 1e-14), and is left without building its vectors or summing them again."""

    def __init__(self, counts: Sequence[Counter[str]], stories: Sequence[list[int]]):
        import numpy as np
        import scipy.sparse as sp

        n = len(counts)
        terms = dict.fromkeys(itertools.chain.from_iterable(counts))
        self.column = dict(zip(terms, range(len(terms)), strict=True))
        columns = np.fromiter(
            map(self.column.__getitem__, itertools.chain.from_iterable(counts)),
            dtype=np.int64,
            count=sum(map(len, counts)),
        )
        df = np.bincount(columns, minlength=len(terms))
        # each term's document frequency, exactly as Counter counts it: the idf is exact
        self.df: dict[str, int] = dict(zip(terms, df.tolist(), strict=True))
        weights = np.fromiter(
            itertools.chain.from_iterable(map(Counter.values, counts)),
            dtype=np.float64,
            count=len(columns),
        )
        idf = np.log((n + 1) / (np.minimum(df, max(2.0, DF_CAP * n)) + 1)) + 1
        lengths = np.fromiter(map(len, counts), dtype=np.int64, count=n)
        articles = sp.csr_matrix(
            (np.log1p(weights) * idf[columns], columns, np.r_[0, np.cumsum(lengths)]),
            shape=(n, len(terms)),
        )
        sizes = np.fromiter(map(len, stories), dtype=np.int64, count=len(stories))
        members = np.fromiter(itertools.chain.from_iterable(stories), dtype=np.int64, count=n)
        story = sp.csr_matrix(
            (np.ones(n), members, np.r_[0, np.cumsum(sizes)]), shape=(len(stories), n)
        )
        self.rows = _normalised((story @ _normalised(articles)).tocsr())
        self.rows.sort_indices()
        self.starts: list[int] = self.rows.indptr.tolist()
        self.dense = np.zeros(len(terms))

    def sift(
        self,
        ids: Sequence[int],
        found: Sequence[set[int]],
        langs: Sequence[str],
        threshold: float,
    ) -> tuple[list[tuple[int, int]], list[float]]:
        """Of the pairs (i, j > i) of stories, i in ``ids`` and j in the matching set of
        ``found``, those that may join,
        in that order, with their rough cosines: those in two languages (compared on
        signals, not words: see ``_similarity``) and those whose rough cosine reaches the
        lowest threshold a pair can have (``SHARED_NAMES_RELIEF`` below ``threshold``)
        less ``_SLACK`` (the lowest of the values ``_similarity`` holds ``near``
        against). ``_similarity`` would give the others 0."""
        import numpy as np

        sizes = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
        second = np.fromiter(
            itertools.chain.from_iterable(found), dtype=np.int64, count=int(sizes.sum())
        )
        first = np.repeat(np.asarray(ids, dtype=np.int64), sizes)
        upper = second > first
        first, second = first[upper], second[upper]
        near = np.empty(len(first))
        for k in range(0, len(first), _ROUGH_CHUNK):
            a = self.rows[first[k : k + _ROUGH_CHUNK]]
            b = self.rows[second[k : k + _ROUGH_CHUNK]]
            near[k : k + _ROUGH_CHUNK] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
        codes: dict[str, int] = {"und": -1}
        lang = np.array([codes.setdefault(x, len(codes)) for x in langs])
        across = (lang[first] != lang[second]) & (lang[first] >= 0) & (lang[second] >= 0)
        lowest = min(threshold, threshold - SHARED_NAMES_RELIEF)
        keep = across | (near >= lowest - _SLACK)
        pairs = list(zip(first[keep].tolist(), second[keep].tolist(), strict=True))
        return pairs, near[keep].tolist()

    def against(self, centroid: dict[str, float], stories: list[int]) -> list[float | None]:
        """The rough cosines of ``centroid`` with ``stories`` (None for a story made by
        joining: it has no row)."""
        import numpy as np

        if all(k >= len(self.starts) - 1 for k in stories):
            return [None] * len(stories)
        columns = np.fromiter(map(self.column.__getitem__, centroid), np.int64, len(centroid))
        dense, data, indices, starts = self.dense, self.rows.data, self.rows.indices, self.starts
        dense[columns] = np.fromiter(centroid.values(), np.float64, len(centroid))
        out: list[float | None] = []
        for k in stories:
            if k >= len(starts) - 1:
                out.append(None)
            else:
                a, b = starts[k], starts[k + 1]
                out.append(float(data[a:b] @ dense[indices[a:b]]))
        dense[columns] = 0.0
        return out


def _normalised(matrix: Any) -> Any:
    """``matrix`` (CSR) with its rows scaled to unit length."""
    import numpy as np

    lengths = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    norms = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=matrix.shape[0]))
    norms[norms == 0] = 1.0
    matrix.data /= np.repeat(norms, lengths)
    return matrix


def _published_days(articles: Sequence[Article]) -> list[int | None]:
    """Each article's ``published_day``, worked out once per distinct ``published``."""
    known: dict[str | None, int | None] = {}
    out = []
    for article in articles:
        if article.published not in known:
            known[article.published] = article.published_day
        out.append(known[article.published])
    return out


def _total(vectors: Sequence[dict[str, float]], weights: Sequence[float]) -> dict[str, float]:
    """The weighted sum of vectors, each term's summed in the vectors' order; terms in
    the order they first appear."""
    total: dict[str, float] = {}
    for vector, weight in zip(vectors, weights, strict=True):
        scaled = dict(
            zip(vector, map(operator.mul, vector.values(), itertools.repeat(weight)), strict=True)
        )
        if total:
            # terms already there: the running sum plus this one's, written into
            # ``scaled`` so that one update keeps their place and appends the new ones
            common = list(filter(total.__contains__, vector))
            scaled.update(
                zip(
                    common,
                    map(
                        operator.add,
                        map(total.__getitem__, common),
                        map(scaled.__getitem__, common),
                    ),
                    strict=True,
                )
            )
        total.update(scaled)
    return total


def _mean(
    vectors: Sequence[dict[str, float]], weights: Sequence[float] | None = None
) -> dict[str, float]:
    """The unit-length (weighted) mean of unit vectors."""
    total = _total(vectors, weights or [1.0] * len(vectors))
    values = list(total.values())
    norm = math.sqrt(sum(map(operator.mul, values, values))) or 1.0
    return dict(zip(total, map(operator.truediv, values, itertools.repeat(norm)), strict=True))


def _plain_mean(vectors: Sequence[dict[str, float]], weights: Sequence[float]) -> dict[str, float]:
    total = _total(vectors, weights)
    size = sum(weights)
    return dict(
        zip(total, map(operator.truediv, total.values(), itertools.repeat(size)), strict=True)
    )


def _mean_dense(vectors: Sequence[Sequence[float]]) -> list[float]:
    total = [math.fsum(column) for column in zip(*vectors, strict=True)]
    norm = math.sqrt(math.fsum(v * v for v in total)) or 1.0
    return [v / norm for v in total]


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """The dot product of two unit vectors: the terms of the smaller one in its order
    (the terms it alone has add 0.0, which changes no sum, so they are left out)."""
    if len(a) > len(b):
        a, b = b, a
    common = list(filter(b.__contains__, a))
    return sum(map(operator.mul, map(a.__getitem__, common), map(b.__getitem__, common)), 0.0)


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


def _similarity(a: _Cluster, b: _Cluster, threshold: float, near: float | None = None) -> float:
    """How alike two stories are, 0 when they may not join. ``near``: their cosine
    summed in another order (``_Rough``); when it is more than ``_SLACK`` below the
    threshold, so is the cosine, and the pair is left without summing it again. The
    checks are pure, so their order changes no result: the cheap ones come first."""
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
    if len(shared) >= SHARED_NAMES:  # more actors in common, less wording needed
        threshold -= SHARED_NAMES_RELIEF
    if near is not None and near < threshold - _SLACK:
        return 0.0
    if _conflict(a, b):
        return 0.0
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


def _join(
    clusters: list[_Cluster], threshold: float, rough: _Rough | None = None
) -> list[_Cluster]:
    """Centroid linkage: join the most similar pair, compare the joined story again.

    Only stories sharing a name are compared within a language (the name gate), and
    stories in two languages sharing a rare signal. ``rough``: the stories' centroids
    as a sparse matrix, to look at many pairs at once (see ``_Rough``)."""
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
                bucket = days.get(day)
                if bucket:
                    found |= bucket
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
    langs = [c.lang for c in clusters]

    def compare(ids: list[int], sets: list[set[int]]) -> None:
        if rough is None:
            pairs = [(i, j) for i, js in zip(ids, sets, strict=True) for j in js if j > i]
            near: list[float] | list[None] = [None] * len(pairs)
        else:
            pairs, near = rough.sift(ids, sets, langs, threshold)
        for (i, j), bound in zip(pairs, near, strict=True):
            sim = _similarity(alive[i], alive[j], threshold, bound)
            if sim > 0:
                heap.append((-sim, i, j))

    # the candidates of a batch of stories at a time: where many stories name one place
    # on the same days, the candidate sets of all of them at once grow with the square
    ids: list[int] = []
    sets: list[set[int]] = []
    held = 0
    for i, cluster in alive.items():
        ids.append(i)
        sets.append(others(i, cluster))
        held += len(sets[-1])
        if held >= _PAIR_BATCH:
            compare(ids, sets)
            ids, sets, held = [], [], 0
    compare(ids, sets)
    heapq.heapify(heap)  # the pairs' order is total: the heap pops the same way
    next_id = len(clusters)
    while heap:
        _, i, j = heapq.heappop(heap)
        if i not in alive or j not in alive:
            continue
        a, b = alive.pop(i), alive.pop(j)
        index(i, a, False)
        index(j, b, False)
        joined = _Cluster(
            a.members + b.members,
            _mean([a.centroid, b.centroid], [a.size, b.size]),
            _plain_mean([a.mean, b.mean], [a.size, b.size]),
        )
        joined.stated = a.stated
        if a._mentions is not None and b._mentions is not None:
            joined._mentions = a._mentions + b._mentions  # counts: the same as counting anew
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
        found = list(others(next_id, joined))
        near = rough.against(joined.centroid, found) if rough else [None] * len(found)
        for k, bound in zip(found, near, strict=True):
            sim = _similarity(joined, alive[k], threshold, bound)
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
