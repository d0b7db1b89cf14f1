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

The weights and the threshold were tuned on real labelled data (six days, see
``benchmarks/bench_group.py``), favouring precision: a wrong merge in a briefing costs
more than a split, and the merge pass (``merge.py``) joins what an event's own frequent
words split here. ``THRESHOLD`` rose from 0.18 to 0.22 with the fifth and sixth days:
pairs of the day's separate reports on one topic (two coaches' futures, two players'
awards, two countries' debt figures) stopped joining, at no cost in mean B-cubed F1.

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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

from ..models import Article, Story
from ..text import terms
from .reading import LEDE_WORDS, Reading, read

if TYPE_CHECKING:  # imported when grouping runs: `brief --help` stays fast
    import numpy as np
    from scipy import sparse

logger = logging.getLogger(__name__)

THRESHOLD = 0.22
TITLE_WEIGHT = 4.0
LEDE_WEIGHT = 0.5
MAX_DAYS_APART = 3
CROSS_MIN_SHARED = 3

_LATIN = re.compile("[a-z]")
_CAPITALISED = re.compile(r"\b(?:[A-Z][\w'’-]*|\d[\d,.]*)")
_EDGE_FLOOR = 0.05  # weaker similarities count as 0: fewer pairs to keep


@dataclass(slots=True)
class _Doc:
    strong: dict[str, float]  # numbers and names -> IDF, for cross-language comparison
    lang: str
    day: int | None


@dataclass(frozen=True, slots=True)
class Features:
    """What grouping reads of one article: its weighted term counts (title and lede)
    and its strong terms (numbers and Latin-script names). Made per article, so that the
    pipeline can make them in worker processes alongside cleaning (a plain dict: it
    crosses back from a worker twice as fast as a Counter)."""

    counts: dict[str, float]
    strong: frozenset[str]


def features(article: Article, reading: Reading | None = None) -> Features:
    """``reading``: the article's ``reading.read``, when made already."""
    found = reading or read(article)
    title, lede, lede_terms = article.title, found.lede, found.lede_terms
    if not lede:  # a text of short lines only: keep its first line
        first = next((line.split() for line in article.text.splitlines() if line.strip()), [])
        lede = " ".join(first[:LEDE_WORDS])
        lede_terms = tuple(terms(lede))
    # counted first, weighted after (in C): n * 4.0 + m * 0.5 is exact, so the same floats
    # as adding each weight once per occurrence, and the terms in the same order (the
    # title's first, then the lede's new ones)
    in_title, in_lede = Counter(found.title_terms), Counter(lede_terms)
    title_weights = dict(zip(in_title, map(TITLE_WEIGHT.__mul__, in_title.values()), strict=True))
    lede_weights = dict(zip(in_lede, map(LEDE_WEIGHT.__mul__, in_lede.values()), strict=True))
    counts = title_weights | lede_weights
    for term in title_weights.keys() & lede_weights.keys():
        counts[term] = title_weights[term] + lede_weights[term]
    strong = _strong_terms(article, title + "\n" + lede, counts)
    return Features(counts, frozenset(strong))


def group(
    articles: Sequence[Article], found: Sequence[Features | None] | None = None
) -> tuple[Story, ...]:
    """Group articles into stories, most widely reported first. ``found``: each
    article's ``features`` when made already (None where not)."""
    counts, docs = _counts(articles, found)
    if len(articles) < _COMPILED_FROM:
        pairs = _similarities_small(_unit_vectors(counts, docs), docs)
        clusters = _average_linkage(len(docs), pairs, [d.day for d in docs])
    else:
        matrix = _matrix(counts, docs)
        clusters = _clusters(len(docs), _similarities(docs, matrix), [d.day for d in docs])
    ranked = sorted(
        (sorted(members) for members in clusters), key=lambda m: _importance(articles, m)
    )
    logger.info("group: %d articles in %d stories", len(articles), len(ranked))
    return tuple(_story([articles[i] for i in members]) for members in ranked)


# --- representation ------------------------------------------------------------------


def _counts(
    articles: Sequence[Article], found: Sequence[Features | None] | None = None
) -> tuple[list[dict[str, float]], list[_Doc]]:
    """Each article's weighted term counts, and its strong terms (IDF filled in later),
    language and day."""
    weighted: list[dict[str, float]] = []
    docs = []
    for i, article in enumerate(articles):
        made = found[i] if found is not None else None
        if made is None:
            made = features(article)
        weighted.append(made.counts)
        docs.append(_Doc(dict.fromkeys(made.strong, 0.0), article.lang, article.published_day))
    return weighted, docs


def _unit_vectors(weighted: list[dict[str, float]], docs: list[_Doc]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors as dicts (the pure-Python path, for small piles); fills in
    the strong terms' IDF."""
    df = Counter(term for counts in weighted for term in counts)
    n = len(weighted)
    vectors = []
    for counts, doc in zip(weighted, docs, strict=True):
        vector = {t: _tf(w) * _idf(n, df[t]) for t, w in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({t: v / norm for t, v in vector.items()})
        doc.strong = {t: _idf(n, df[t]) for t in doc.strong}
    return vectors


def _idf(n: int, df: int) -> float:
    return math.log((n + 1) / (df + 1)) + 1


def _tf(weight: float) -> float:
    return math.log1p(weight)


def _matrix(weighted: list[dict[str, float]], docs: list[_Doc]) -> sparse.csr_matrix:
    """The unit TF-IDF vectors as the rows of a sparse matrix; fills in the strong
    terms' IDF."""
    import numpy as np
    from scipy import sparse

    # the same vocabulary order (first seen) and columns as a loop over every term, but
    # iterated in C: a million terms at 10,000 articles
    flat = list(chain.from_iterable(weighted))
    vocabulary = {term: i for i, term in enumerate(dict.fromkeys(flat))}
    weights = list(chain.from_iterable(counts.values() for counts in weighted))
    indptr = np.cumsum([0, *map(len, weighted)], dtype=np.int64)
    n = len(weighted)
    columns = np.fromiter(map(vocabulary.__getitem__, flat), dtype=np.int64, count=len(flat))
    df = np.bincount(columns, minlength=len(vocabulary))
    idf = np.log((n + 1) / (df + 1)) + 1
    values = np.log1p(np.array(weights, dtype=np.float64)) * idf[columns]
    matrix = sparse.csr_matrix(
        (values, columns, indptr),
        shape=(n, max(len(vocabulary), 1)),
    )
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    idf_of = idf.tolist()
    for doc in docs:
        doc.strong = {t: idf_of[vocabulary[t]] for t in doc.strong}
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def _strong_terms(article: Article, head: str, counts: dict[str, float]) -> set[str]:
    """Numbers and Latin-script names: what articles in two languages can share."""
    if article.lang == "ar":
        found = {t for t in counts if t.isdigit()}
        if _LATIN.search(" ".join(counts)):  # most Arabic articles hold no Latin term
            found.update(t for t in counts if _LATIN.search(t))
    else:
        found = set(terms(" ".join(_CAPITALISED.findall(head)))) & counts.keys()
    return {t for t in found if not t.isdigit() or len(t) >= 2}


def _similarities_small(
    vectors: list[dict[str, float]], docs: list[_Doc]
) -> dict[tuple[int, int], float]:
    """Cosine similarity of the pairs above the floor and within the date window, in pure
    Python: for piles below _COMPILED_FROM, where importing SciPy costs more than it saves.

    Dated documents are visited by date, and each looks only forward, to the documents
    at most MAX_DAYS_APART days later, through postings sorted the same way.
    """
    order = sorted(range(len(docs)), key=lambda i: (docs[i].day is None, docs[i].day or 0, i))
    rank = {i: r for r, i in enumerate(order)}
    postings: dict[str, tuple[list[int], list[int], list[int], list[float]]] = {}
    undated: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for i in order:
        doc = docs[i]
        for term, weight in vectors[i].items():
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
        for term, weight in vectors[i].items():
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


_COMPILED_FROM = 1_000  # articles: fewer are grouped in pure Python
_BLOCK_ROWS = 1024  # rows per sparse product: bounds the memory of one product
_DENSE_MAX = 12_000  # larger groups of candidates are clustered by the heap below


def _similarities(
    docs: list[_Doc], matrix: sparse.csr_matrix
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cosine similarity of the pairs above the floor and within the date window, as
    arrays (i, j, similarity) with i < j.

    The unit vectors form a sparse matrix, and the similarities are its product with its
    own transpose, taken a block of rows at a time: documents sorted by date, each block
    against the documents from its first row to MAX_DAYS_APART days after its last, so
    only pairs inside the date window are ever multiplied. Undated documents are compared
    with every document. Pairs in two languages are scored on their strong signals, by
    the same products over the matrices of those.
    """
    import numpy as np

    n = len(docs)
    dated = sorted((d.day, i) for i, d in enumerate(docs) if d.day is not None)
    order = np.array(
        [i for _, i in dated] + [i for i, d in enumerate(docs) if d.day is None], dtype=np.int64
    )
    days = np.array([day for day, _ in dated], dtype=np.int64)
    codes = {lang: k for k, lang in enumerate(sorted({d.lang for d in docs} - {"und"}))}
    langs = np.array([codes.get(d.lang, -1) for d in docs], dtype=np.int64)
    strong = _strong_matrices(docs) if len(codes) > 1 else None
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    first_undated = len(dated)
    hi = 0
    while hi < n:
        lo = hi
        hi = min(lo + _BLOCK_ROWS, n if lo >= first_undated else first_undated)
        if lo < first_undated:
            stop = int(np.searchsorted(days, days[hi - 1] + MAX_DAYS_APART, side="right"))
            start = lo
        else:  # undated: against every document
            start, stop = 0, n
        rows, cols = order[lo:hi], order[start:stop]
        for r, c, v in _block(matrix, strong, langs, rows, cols):
            r_pos, c_pos = r + lo, c + start  # positions in date order
            if lo < first_undated:  # each pair once, from the earlier one; in the window
                keep = (c_pos > r_pos) & (days[c_pos] - days[r_pos] <= MAX_DAYS_APART)
            else:  # every dated one, and the later undated ones
                keep = (c_pos < first_undated) | (c_pos > r_pos)
            found.append((rows[r[keep]], cols[c[keep]], v[keep]))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    i = np.concatenate([f[0] for f in found])
    j = np.concatenate([f[1] for f in found])
    sims = np.concatenate([f[2] for f in found])
    return np.minimum(i, j), np.maximum(i, j), sims


def _block(
    matrix: sparse.csr_matrix,
    strong: tuple[sparse.csr_matrix, sparse.csr_matrix, sparse.csr_matrix, np.ndarray] | None,
    langs: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The pairs of one block at or above the floor, as positions in ``rows`` and ``cols``
    and similarities: cosine for pairs in one language, strong signals for two."""
    import numpy as np

    product = matrix[rows] @ matrix[cols].T
    product.data[product.data < _EDGE_FLOOR] = 0.0
    product.eliminate_zeros()
    product = product.tocoo()
    r, c = product.row, product.col
    lr, lc = langs[rows[r]], langs[cols[c]]
    same = (lr == lc) | (lr < 0) | (lc < 0)
    yield r[same], c[same], product.data[same]
    if strong is None:
        return
    present, names, weighted, norms = strong
    shared = (present[rows] @ present[cols].T).tocoo()
    r, c = shared.row, shared.col
    lr, lc = langs[rows[r]], langs[cols[c]]
    cross = (lr != lc) & (lr >= 0) & (lc >= 0) & (shared.data >= CROSS_MIN_SHARED)
    r, c = r[cross], c[cross]
    if not len(r):
        return
    has_name = np.asarray((names[rows] @ names[cols].T)[r, c]).ravel() > 0
    dot = np.asarray((weighted[rows] @ present[cols].T)[r, c]).ravel()
    sims = dot / np.sqrt(norms[rows[r]] * norms[cols[c]])
    keep = has_name & (sims >= _EDGE_FLOOR)
    yield r[keep], c[keep], sims[keep]


def _strong_matrices(
    docs: list[_Doc],
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, sparse.csr_matrix, np.ndarray]:
    """Rows of the documents' strong terms: present (1), names only (1), IDF², and each
    row's sum of IDF² (the square of its norm)."""
    import numpy as np
    from scipy import sparse

    vocabulary: dict[str, int] = {}
    indptr, indices, idf2, is_name = [0], [], [], []  # type: list[int], list[int], list[float], list[bool]
    for doc in docs:
        for term, idf in doc.strong.items():
            indices.append(vocabulary.setdefault(term, len(vocabulary)))
            idf2.append(idf * idf)
            is_name.append(not term.isdigit())
        indptr.append(len(indices))
    shape = (len(docs), max(len(vocabulary), 1))
    columns, pointers = np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)
    squares = np.array(idf2, dtype=np.float64)
    present = sparse.csr_matrix((np.ones(len(indices)), columns, pointers), shape=shape)
    names = sparse.csr_matrix((np.array(is_name, dtype=np.float64), columns, pointers), shape=shape)
    names.eliminate_zeros()
    weighted = sparse.csr_matrix((squares, columns, pointers), shape=shape)
    norms = np.asarray(weighted.sum(axis=1)).ravel()
    return present, names, weighted, norms


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


def _clusters(
    n: int, pairs: tuple[np.ndarray, np.ndarray, np.ndarray], days: list[int | None]
) -> list[list[int]]:
    """Average-linkage clusters, one connected set of candidates at a time.

    Two groups merge only if some pair across them reaches THRESHOLD, so no cluster
    leaves the connected component of the pairs that do. A component whose dates span
    at most MAX_DAYS_APART days (a day's news) is clustered in compiled code (SciPy's
    average linkage on its similarities, cut at THRESHOLD); the date rule cannot bind
    there. Others go through the heap below, which also keeps each group within the
    date window.
    """
    import numpy as np
    from scipy import sparse
    from scipy.sparse import csgraph

    i, j, sims = pairs
    strong = sims >= THRESHOLD
    graph = sparse.coo_matrix((np.ones(int(strong.sum())), (i[strong], j[strong])), shape=(n, n))
    count, labels = csgraph.connected_components(graph, directed=False)
    members = [[] for _ in range(count)]  # type: list[list[int]]
    for index, label in enumerate(labels.tolist()):
        members[label].append(index)
    position = np.zeros(n, dtype=np.int64)  # each document's index within its component
    for group_members in members:
        position[group_members] = np.arange(len(group_members))
    inside = labels[i] == labels[j]  # pairs across components never merge
    i, j, sims = i[inside], j[inside], sims[inside]
    pair_label = labels[i]
    by_label = np.argsort(pair_label, kind="stable")
    bounds = np.searchsorted(pair_label[by_label], np.arange(count + 1))
    clusters: list[list[int]] = []
    for label, group_members in enumerate(members):
        if len(group_members) == 1:
            clusters.append(group_members)
            continue
        picked = by_label[bounds[label] : bounds[label + 1]]
        li, lj, ls = position[i[picked]], position[j[picked]], sims[picked]
        local_days = [days[g] for g in group_members]
        stated = [d for d in local_days if d is not None]
        if (
            len(group_members) <= _DENSE_MAX
            and max(stated, default=0) - min(stated, default=0) <= MAX_DAYS_APART
        ):
            found = _dense_linkage(len(group_members), li, lj, ls)
        else:
            local_pairs = zip(zip(li.tolist(), lj.tolist(), strict=True), ls.tolist(), strict=True)
            found = _average_linkage(len(group_members), dict(local_pairs), local_days)
        clusters.extend([group_members[k] for k in cluster] for cluster in found)
    return clusters


def _dense_linkage(n: int, i: np.ndarray, j: np.ndarray, sims: np.ndarray) -> list[list[int]]:
    """Average linkage in compiled code: distances 1 - similarity (1 for pairs below the
    floor), merged while the mean similarity reaches THRESHOLD."""
    import numpy as np
    from scipy.cluster import hierarchy

    distances = np.ones(n * (n - 1) // 2)
    distances[n * i - i * (i + 1) // 2 + (j - i - 1)] = 1.0 - sims
    tree = hierarchy.linkage(distances, method="average")
    labels = hierarchy.fcluster(tree, t=1.0 - THRESHOLD, criterion="distance")
    found: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels.tolist()):
        found[label].append(index)
    return list(found.values())


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
