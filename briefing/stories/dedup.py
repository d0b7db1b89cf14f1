"""Drop articles that repeat another one: exact re-crawls and near copies.

*Exact* duplicates have the same words in title and text once `normalize()` has folded
digits, diacritics, alef forms, case, whitespace and punctuation: typically the same
page crawled twice under two ids.

*Near* duplicates are the same article lightly edited or syndicated: boilerplate
changed, a sentence added or removed, another title. Each article is reduced to the set
of its word 5-grams (``SHINGLE_SIZE``) and two articles are near duplicates when

- the Jaccard similarity of their sets is at least ``NEAR_JACCARD`` (0.6), or
- at least ``NEAR_CONTAINMENT`` (0.9) of the smaller set is inside the larger one and
  their Jaccard similarity is still at least ``CONTAINMENT_MIN_JACCARD`` (0.3) -- an
  article and its longer update; the floor keeps a short article from being swallowed by
  a page that merely embeds its text as a teaser among others,

and neither has fewer than ``MIN_SHINGLES`` 5-grams and their publication dates, when
both are known, are at most ``MAX_DAYS_APART`` days apart (daily template articles
such as market reports repeat most of their words). Paraphrases of one event by
different outlets are kept: the five bundled seed articles share at most 4% of their
5-grams.

Candidates come from an inverted index over a sample of the 5-gram hashes (one in
``_SAMPLE_MOD``, chosen by hash value so that two copies sample the same 5-grams): only
pairs sharing at least half their sampled hashes are compared in full, so 10,000
articles take seconds, not 50 million comparisons. A pair sharing m 5-grams is missed
with probability (3/4)^m: 3% for m = 12 (very short articles), one in a million for
m = 50. On 10,000 real articles the sample found every duplicate that indexing all
5-grams found (``benchmarks/bench_dedup.py``). A sampled 5-gram found in more than
``_MAX_POSTING`` articles is crowded (boilerplate, or mass copies of one text): each
article holding it is paired through it only with the ``_CROWDED_PEERS`` best-ranked
ones, so mass copies still meet their best copy and the work stays linear. From
``_COMPILED_FROM`` articles on, the index and the count of shared hashes per pair are
built in NumPy (one sort, one ``np.unique``): the same integer counts, the same pairs.

Of each group the better copy is kept: the longer text, then the one with more
metadata (source, url, published), then the earlier one in the input. Kept articles stay
in input order; each dropped one is recorded as a `Duplicate` with the id it repeats and
its similarity: 1.0 for exact copies, else the share of its 5-grams found in the kept
article.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..models import Article, DedupResult, Duplicate
from ..text import shingles, words

logger = logging.getLogger(__name__)

SHINGLE_SIZE = 5
NEAR_JACCARD = 0.6
NEAR_CONTAINMENT = 0.9
CONTAINMENT_MIN_JACCARD = 0.3
MIN_SHINGLES = 8
MAX_DAYS_APART = 3

_SAMPLE_MOD = 4  # index one 5-gram hash in four
_MAX_POSTING = 64  # a sampled 5-gram in more articles than this is crowded:
_CROWDED_PEERS = 4  # each article in it is compared with the best few only
_CANDIDATE_SHARE = 0.5  # compare in full when this share of sampled hashes is shared
_MIN_TITLE_FREE_WORDS = 25  # shorter texts are shingled together with their title
_HASH_MASK = 0xFFFFFFFF
_PAIR_BATCH = 1 << 18  # pair entries made and counted at a time (see _candidates_compiled)
_COMPILED_FROM = 1_000  # articles: from this many, candidates are counted in NumPy


@dataclass(frozen=True, slots=True)
class Print:
    """What dedup compares of one article: the hash of its folded words (exact copies)
    and the sorted hashes of its word 5-grams (near copies). Made per article, so that
    the pipeline can make them in worker processes alongside cleaning."""

    key: bytes
    shingles: array
    sampled: array  # the shingles whose hash is a multiple of _SAMPLE_MOD


def fingerprint(article: Article) -> Print:
    title, text = words(article.title), words(article.text)
    key = hashlib.blake2b(
        " ".join(title).encode() + b"\x00" + " ".join(text).encode(), digest_size=16
    ).digest()
    hashes = _fingerprint(title, text)
    return Print(key, hashes, array("I", (h for h in hashes if h % _SAMPLE_MOD == 0)))


def dedup(articles: Sequence[Article], prints: Sequence[Print] | None = None) -> DedupResult:
    """Drop exact and near duplicates, keeping the better copy of each group.
    ``prints``: each article's ``fingerprint``, when made already."""
    order = sorted(range(len(articles)), key=lambda i: _rank(articles[i], i))
    dropped: dict[int, Duplicate] = {}
    first_by_key: dict[bytes, int] = {}
    fingerprints: dict[int, array] = {}
    sampled: dict[int, array] = {}
    for i in order:
        article = articles[i]
        found = prints[i] if prints is not None else fingerprint(article)
        if found.key in first_by_key:
            kept = articles[first_by_key[found.key]]
            dropped[i] = Duplicate(dropped=article, kept_id=kept.id, kind="exact", similarity=1.0)
        else:
            first_by_key[found.key] = i
            fingerprints[i] = found.shingles
            sampled[i] = found.sampled

    survivors = [i for i in order if i not in dropped]
    near = _near_duplicates(articles, survivors, fingerprints, sampled)
    dropped.update(near)

    exact = len(dropped) - len(near)
    logger.info(
        "dedup: %d articles, %d exact and %d near duplicates dropped",
        len(articles),
        exact,
        len(near),
    )
    kept = tuple(a for i, a in enumerate(articles) if i not in dropped)
    duplicates = tuple(dropped[i] for i in sorted(dropped))
    return DedupResult(articles=kept, duplicates=duplicates)


def _rank(article: Article, index: int) -> tuple[int, int, int]:
    """Sort key: the better copy first (longer text, more metadata, earlier input)."""
    metadata = sum(1 for value in (article.source, article.url, article.published) if value)
    return (-len(article.text.strip()), -metadata, index)


def _fingerprint(title: list[str], text: list[str]) -> array:
    """The sorted 32-bit hashes of the article's word 5-grams."""
    tokens = text if len(text) >= _MIN_TITLE_FREE_WORDS else title + text
    # Words become CRC-32 codes so that the tuple hash below is the same on every run
    # (str hashes are salted per process; int hashes are not).
    codes = [zlib.crc32(word.encode()) for word in tokens]
    if len(codes) < SHINGLE_SIZE:  # a short text is one gram (as ``shingles`` makes it)
        grams = shingles(codes, SHINGLE_SIZE)
    else:  # the windows, hashed and masked without a Python step per gram
        grams = zip(*(codes[k:] for k in range(SHINGLE_SIZE)), strict=False)
    return array("I", sorted(set(map(_HASH_MASK.__and__, map(hash, grams)))))


def _near_duplicates(
    articles: Sequence[Article],
    order: list[int],
    fingerprints: dict[int, array],
    sampled: dict[int, array],
) -> dict[int, Duplicate]:
    """Near duplicates among ``order`` (best copy first), keyed by input index."""
    indexed = [i for i in order if len(fingerprints[i]) >= MIN_SHINGLES]
    find = _candidates_compiled if len(indexed) >= _COMPILED_FROM else _candidates
    candidates = find(indexed, sampled)

    position = {i: p for p, i in enumerate(order)}
    dropped: dict[int, Duplicate] = {}
    for i in order:
        if i not in candidates:
            continue
        day = articles[i].published_day
        best: tuple[float, int, int] | None = None  # similarity, -position, index
        for j in candidates[i]:  # in any order: the best is the same
            if j in dropped:
                continue
            if day is not None:
                other = articles[j].published_day
                if other is not None and abs(day - other) > MAX_DAYS_APART:
                    continue
            similarity = _near_similarity(fingerprints[i], fingerprints[j])
            candidate = (similarity or 0.0, -position[j], j)
            if similarity is not None and (best is None or candidate > best):
                best = candidate
        if best is not None:
            similarity, _, j = best
            dropped[i] = Duplicate(
                dropped=articles[i], kept_id=articles[j].id, kind="near", similarity=similarity
            )
    return dropped


def _candidates(indexed: list[int], sampled: dict[int, array]) -> dict[int, list[int]]:
    """Each article of ``indexed`` (best copy first) -> the better ones sharing at least
    ``_CANDIDATE_SHARE`` of the smaller one's sampled hashes."""
    postings: dict[int, list[int]] = defaultdict(list)
    for i in indexed:
        for h in sampled[i]:
            postings[h].append(i)

    shared: dict[int, Counter[int]] = defaultdict(Counter)
    for members in postings.values():
        if len(members) < 2:
            continue
        # members are in rank order: the later (worse) one points at the better ones; in
        # a crowded posting (boilerplate, or mass copies of one text) only at the best few
        # (enough for copies, and the work stays linear)
        better = len(members) if len(members) <= _MAX_POSTING else _CROWDED_PEERS
        for pos, worse in enumerate(members):
            shared[worse].update(members[: min(pos, better)])

    found: dict[int, list[int]] = {}
    for i, counts in shared.items():
        peers = [
            j
            for j, count in counts.items()
            if count >= _CANDIDATE_SHARE * min(len(sampled[i]), len(sampled[j]))
        ]
        if peers:
            found[i] = peers
    return found


def _candidates_compiled(indexed: list[int], sampled: dict[int, array]) -> dict[int, list[int]]:
    """``_candidates`` in NumPy, for large piles: every (sampled hash, rank) pair in one
    array, sorted by hash with ranks in order, so that a run of equal hashes is one
    posting with its members best first; each member is paired with the better ones
    before it (in a crowded posting with the ``_CROWDED_PEERS`` best only), and the pairs
    are counted with one ``np.unique``. The counts are integers: the same candidates."""
    import numpy as np

    n = len(indexed)
    sizes = np.fromiter((len(sampled[i]) for i in indexed), dtype=np.int64, count=n)
    if all(sampled[i].itemsize == 4 for i in indexed):  # array("I"): 4 bytes, usually
        hashes = np.frombuffer(b"".join(sampled[i].tobytes() for i in indexed), np.uint32)
    else:
        hashes = np.fromiter((h for i in indexed for h in sampled[i]), dtype=np.uint32)
    ranks = np.repeat(np.arange(n, dtype=np.int64), sizes)
    by_hash = np.argsort(hashes, kind="stable")  # stable: ranks stay in order
    hashes, ranks = hashes[by_hash], ranks[by_hash]
    # postings: runs of one hash; pos: each entry's place in its run
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    lengths = np.diff(np.r_[starts, len(hashes)])
    start_of = np.repeat(starts, lengths)
    pos = np.arange(len(hashes)) - start_of
    better = np.where(lengths <= _MAX_POSTING, lengths, _CROWDED_PEERS)
    peers = np.minimum(pos, np.repeat(better, lengths))  # how many better ones each meets
    if not peers.any():
        return {}
    # The pairs are made and counted a batch of entries at a time, and the counts merged:
    # near-copies share nearly all their hashes, so the pairs made before counting can be
    # dozens of times the distinct pairs (a wire story republished by 60 outlets), and
    # memory stays bounded by those plus one batch.
    ends = np.cumsum(peers)
    cuts = np.searchsorted(ends, np.arange(_PAIR_BATCH, int(ends[-1]), _PAIR_BATCH), "right")
    pending: list[tuple[np.ndarray, np.ndarray]] = []
    waiting = 0
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(peers)], strict=True):
        some = peers[lo:hi]
        if not some.any():
            continue
        worse = np.repeat(ranks[lo:hi], some)
        offset = np.arange(len(worse)) - np.repeat(np.cumsum(some) - some, some)
        best = ranks[np.repeat(start_of[lo:hi], some) + offset]
        pending.append(np.unique(worse * n + best, return_counts=True))
        waiting += len(pending[-1][0])
        if waiting > 4 * _PAIR_BATCH and len(pending) > 1:
            pending = [_summed(pending)]
            waiting = len(pending[0][0])
    pairs, counts = _summed(pending)
    worse, best = pairs // n, pairs % n
    # the same float product and comparison as in ``_candidates``
    keep = counts >= _CANDIDATE_SHARE * np.minimum(sizes[worse], sizes[best])
    found: dict[int, list[int]] = defaultdict(list)
    for w, b in zip(worse[keep].tolist(), best[keep].tolist(), strict=True):
        found[indexed[w]].append(indexed[b])
    return found


def _summed(parts: list[tuple[Any, Any]]) -> tuple[Any, Any]:
    """Counts of (sorted, distinct) pair keys from several batches, added up."""
    import numpy as np

    if len(parts) == 1:
        return parts[0]
    keys, inverse = np.unique(np.concatenate([k for k, _ in parts]), return_inverse=True)
    counts = np.bincount(inverse, weights=np.concatenate([c for _, c in parts]))
    return keys, counts.astype(np.int64)  # sums of integers below 2**53: exact


def _near_similarity(dropped: array, kept: array) -> float | None:
    """The share of ``dropped``'s 5-grams inside ``kept`` if they are near duplicates."""
    common = len(set(dropped).intersection(kept))
    union = len(dropped) + len(kept) - common
    jaccard = common / union if union else 0.0
    containment = common / min(len(dropped), len(kept))
    if jaccard >= NEAR_JACCARD or (
        containment >= NEAR_CONTAINMENT and jaccard >= CONTAINMENT_MIN_JACCARD
    ):
        return round(common / len(dropped), 4)
    return None
