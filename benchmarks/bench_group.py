"""Score `group` against editors' story labels, and time dedup + group on a large pool.

    python benchmarks/bench_group.py /work/shared/data/ant_events_dev.jsonl \\
        [--labels benchmarks/data/ant_day_*.labels.jsonl \\
         --texts /work/shared/data/ant_pool_31k.jsonl.gz] \\
        [--also wikiref220.jsonl] [--errors 5] [--pool /work/shared/data/ant_pool_10k.jsonl.gz]

A labelled day is either a JSONL file whose records carry their own ``cluster`` label
(the positional files and ``--also``), or a labels file of ``{"id", "cluster"}`` lines
(``--labels``, kept in ``benchmarks/data``) whose texts are looked up by id in
``--texts`` (default: the ``--pool`` file): the texts stay in ``/work/shared/data``,
whose licences forbid copying them into the repository.

Each day goes through the stages as ``brief make`` runs them: ``ingest`` (of a
temporary JSONL file), ``clean`` (with the day's newest publication date as today),
``dedup``, ``group``, then the ``merge`` pass (with ``--embeddings-model NAME``, on the
embeddings of that model at ``OPENAI_BASE_URL``, as ``--grouping embeddings`` does, at
``--embeddings-threshold``; vectors are kept in brief's cache, so a second run sends
nothing; ``--sweep T ...`` scores each day at several embeddings thresholds, with the
pairs within one language and across two counted apart).
A day in two languages also gets the pairs across languages counted: how many of those
labelled together were found together, and how many found together are labelled so.
An article dropped as a duplicate counts as a member of the
story of the article it repeats, as the briefing lists it there.

For each day, and for all days together: pairwise precision, recall and F1 (a pair of
articles is "together" when they share a story; all days together sum the pairs of each
day, as articles of two days are never compared), B-cubed precision, recall and F1 (per
article: the share of its found story that belongs to its labelled story, and of its
labelled story that it was found with; averaged over articles), the adjusted Rand index
and the time ``group`` took; then the mean of the days' scores, each day weighing the
same (pairs grow with the square of a story's size, so one day's big story dominates
"all together"). ``--errors N`` lists, per day, the N labelled stories split
the most and the N found stories that merge the most labels, with their titles. ``--loo`` adds
leave-one-day-out: the merge pass's threshold tuned on all days but one, the day left
out scored with it; with ``--loo-min-precision P``, only among thresholds keeping every
other day's B-cubed precision at P or more.

``--unrelated FILE`` adds a labelled file's articles to every day as stories of their own
(the English WikiRef articles to the Arabic days of 2018: a control for grouping across
languages, in which every pair of an added article and a day's article found together
is a wrong join).

``--pool`` also times dedup then group on a large pool, with peak resident memory.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from math import comb
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing.models import Article  # noqa: E402
from briefing.sources.clean import clean  # noqa: E402
from briefing.sources.ingest import ingest  # noqa: E402
from briefing.stories.dedup import dedup  # noqa: E402
from briefing.stories.group import group  # noqa: E402
from briefing.stories.merge import EMBED_THRESHOLD, THRESHOLD, merge  # noqa: E402


def load(path: str | Path) -> tuple[list[Article], list[str | None]]:
    """The articles of a JSONL (or .jsonl.gz) file and their ``cluster`` labels."""
    path = Path(path)
    articles: list[Article] = []
    labels: list[str | None] = []
    for lineno, record in _records(path):
        articles.append(
            Article(
                id=str(record["id"]),
                title=record.get("title") or "",
                text=record.get("text") or "",
                origin=f"{path}:{lineno}",
                source=record.get("source"),
                url=record.get("url"),
                published=record.get("published"),
                lang=record.get("lang") or "und",
            )
        )
        labels.append(record.get("cluster"))
    return articles, labels


def _records(path: Path) -> Iterator[tuple[int, dict]]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as lines:
            for lineno, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    sys.exit(f"{path}:{lineno}: not valid JSON ({exc.msg}); fix or drop the line.")
                if not isinstance(record, dict) or "id" not in record:
                    sys.exit(f"{path}:{lineno}: expected a JSON object with an 'id'.")
                yield lineno, record
    except OSError as exc:
        sys.exit(f"{path}: cannot read it ({exc.strerror or exc}); check the path.")


# --- scores ---------------------------------------------------------------------------


@dataclass
class Counts:
    """What the scores of one day, or of several days together, are computed from."""

    articles: int = 0
    pairs_both: int = 0  # pairs together in the labels and in the found stories
    pairs_truth: int = 0
    pairs_found: int = 0
    pairs_all: int = 0  # pairs within one day: the ARI's universe
    bcubed_precision: float = 0.0  # sums over articles
    bcubed_recall: float = 0.0
    seconds: float = 0.0
    days: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        for name in (
            "articles",
            "pairs_both",
            "pairs_truth",
            "pairs_found",
            "pairs_all",
            "bcubed_precision",
            "bcubed_recall",
            "seconds",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.days.extend(other.days)


def counts(truth: Sequence[object], found: Sequence[object]) -> Counts:
    """Pair and B-cubed counts of one day's labels against the stories found."""
    joint = Counter(zip(truth, found, strict=True))
    truth_sizes, found_sizes = Counter(truth), Counter(found)
    result = Counts(articles=len(truth), pairs_all=comb(len(truth), 2))
    result.pairs_both = sum(comb(n, 2) for n in joint.values())
    result.pairs_truth = sum(comb(n, 2) for n in truth_sizes.values())
    result.pairs_found = sum(comb(n, 2) for n in found_sizes.values())
    for (label, story), n in joint.items():  # n articles share this label and story
        result.bcubed_precision += n * n / found_sizes[story]
        result.bcubed_recall += n * n / truth_sizes[label]
    return result


def scores(c: Counts) -> dict[str, float]:
    precision = c.pairs_both / c.pairs_found if c.pairs_found else 1.0
    recall = c.pairs_both / c.pairs_truth if c.pairs_truth else 1.0
    b_precision = c.bcubed_precision / c.articles if c.articles else 1.0
    b_recall = c.bcubed_recall / c.articles if c.articles else 1.0
    expected = c.pairs_truth * c.pairs_found / c.pairs_all if c.pairs_all else 0.0
    top = (c.pairs_truth + c.pairs_found) / 2
    return {
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "b_precision": b_precision,
        "b_recall": b_recall,
        "b_f1": _f1(b_precision, b_recall),
        "ari": (c.pairs_both - expected) / (top - expected) if top != expected else 1.0,
    }


def pair_scores(truth: Sequence[object], predicted: Sequence[object]) -> dict[str, float]:
    """Pairwise precision, recall, F1 and the adjusted Rand index of two labellings."""
    found = scores(counts(truth, predicted))
    return {name: found[name] for name in ("precision", "recall", "f1", "ari")}


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# --- labelled days --------------------------------------------------------------------


@dataclass
class Day:
    name: str
    records: list[dict]  # with title, text, source, url, published, lang
    labels: dict[str, str]  # article id -> story label


def labelled_file(path: str) -> Day:
    """A JSONL file whose records carry their own ``cluster`` label."""
    records, labels = [], {}
    for lineno, record in _records(Path(path)):
        if record.get("cluster") is None:
            sys.exit(f"{path}:{lineno}: no 'cluster' label; give every article one.")
        records.append(record)
        labels[str(record["id"])] = str(record["cluster"])
    _check_unique(path, records)
    return Day(Path(path).name, records, labels)


def labels_files(paths: Sequence[str], texts: str | Sequence[str]) -> list[Day]:
    """Days given as ``{"id", "cluster"}`` lines, their texts looked up in ``texts`` (one
    file or several: the mixed set takes English texts from one, Arabic from another)."""
    texts = [texts] if isinstance(texts, str) else list(texts)
    wanted: dict[str, dict[str, str]] = {}
    for path in paths:
        labels: dict[str, str] = {}
        for lineno, record in _records(Path(path)):
            if record.get("cluster") is None:
                sys.exit(f"{path}:{lineno}: no 'cluster' label; give every article one.")
            article_id = str(record["id"])
            if article_id in labels:
                sys.exit(f"{path}:{lineno}: id {article_id!r} is labelled twice; keep one.")
            labels[article_id] = str(record["cluster"])
        wanted[path] = labels
    every_id = {i for labels in wanted.values() for i in labels}
    found = {
        str(r["id"]): r
        for source in texts
        for _, r in _records(Path(source))
        if str(r["id"]) in every_id
    }  # a pool holds each id once; were it repeated, the last copy would win
    days = []
    for path, labels in wanted.items():
        missing = [i for i in labels if i not in found]
        if missing:
            sys.exit(
                f"{path}: {len(missing)} of its {len(labels)} ids are not in "
                f"{', '.join(texts)} "
                f"(first: {missing[0]!r}); pass the pool the labels were made from with --texts."
            )
        name = Path(path).name.removesuffix(".jsonl").removesuffix(".labels")
        days.append(Day(name, [found[i] for i in labels], labels))
    return days


def with_unrelated(day: Day, unrelated: Day) -> Day:
    """``day`` with the articles of ``unrelated`` added, their labels kept apart from the
    day's (``unrelated:`` before each), so that none is labelled with a day's article."""
    ids = {str(r["id"]) for r in day.records}
    extra = [r for r in unrelated.records if str(r["id"]) not in ids]
    labels = dict(day.labels)
    labels.update({str(r["id"]): "unrelated:" + unrelated.labels[str(r["id"])] for r in extra})
    return Day(f"{day.name}+{unrelated.name.removesuffix('.jsonl')}", day.records + extra, labels)


def _check_unique(path: str, records: list[dict]) -> None:
    ids = Counter(str(r["id"]) for r in records)
    repeated = [i for i, n in ids.items() if n > 1]
    if repeated:
        sys.exit(f"{path}: id {repeated[0]!r} names two articles; give each article its own id.")


@dataclass
class Result:
    day: Day
    counts: Counts
    truth: list[str]  # per article, in input order
    found: list[str]
    titles: list[str]
    stories: int
    langs: list[str] = field(default_factory=list)


def score_day(
    day: Day, threshold: float = THRESHOLD, embed_threshold: float | None = None
) -> Result:
    """Run ingest -> clean -> dedup -> group -> merge on one day and count against its
    labels (``threshold``: the merge pass's; ``embed_threshold``: its embeddings pass's,
    default ``--embeddings-threshold``)."""
    with tempfile.TemporaryDirectory(prefix="bench-group-") as folder:
        path = Path(folder) / "day.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for record in day.records:
                out.write(json.dumps({k: v for k, v in record.items() if k != "cluster"}) + "\n")
        ingested = ingest([path])
    if len(ingested.articles) != len(day.records):
        sys.exit(
            f"{day.name}: ingest read {len(ingested.articles)} of {len(day.records)} articles "
            f"({'; '.join(str(p) for p in ingested.problems[:3])})."
        )
    record_of = {a.id: day.records[int(a.origin.rsplit(":", 1)[1]) - 1] for a in ingested.articles}
    cleaned = clean(ingested.articles, reference=_today(ingested.articles))
    deduped = dedup(cleaned)
    start = time.perf_counter()
    vectors = _vectors(deduped.articles) if EMBEDDINGS_MODEL else None
    stories = merge(
        deduped.articles,
        group(deduped.articles),
        vectors=vectors,
        threshold=threshold,
        embed_threshold=EMBEDDINGS_THRESHOLD if embed_threshold is None else embed_threshold,
    )
    elapsed = time.perf_counter() - start
    story_of = {a.id: story.id for story in stories for a in story.articles}
    for duplicate in deduped.duplicates:  # listed under the story of the article it repeats
        story_of[duplicate.dropped.id] = story_of[duplicate.kept_id]
    ids = [a.id for a in ingested.articles]
    truth = [day.labels[str(record_of[i]["id"])] for i in ids]
    found = [story_of[i] for i in ids]
    result = counts(truth, found)
    result.seconds = elapsed
    result.days.append(day.name)
    titles = [record_of[i].get("title") or "" for i in ids]
    langs = [str(record_of[i].get("lang") or "und") for i in ids]
    return Result(day, result, truth, found, titles, len(stories), langs)


EMBEDDINGS_MODEL: str | None = None  # --embeddings-model
EMBEDDINGS_THRESHOLD = EMBED_THRESHOLD  # --embeddings-threshold
_VECTORS: dict[str, list[float]] = {}  # by article id: leave-one-day-out asks again


def _vectors(articles: Sequence[Article]) -> dict[str, list[float]]:
    """The articles' embeddings from EMBEDDINGS_MODEL at OPENAI_BASE_URL."""
    import os

    from briefing.digest.cache import Store
    from briefing.digest.llm import PLACEHOLDER_KEY, Endpoint, LLMClient
    from briefing.stories import embed

    missing = [a for a in articles if a.id not in _VECTORS]
    if missing:
        assert EMBEDDINGS_MODEL
        endpoint = Endpoint(
            model=EMBEDDINGS_MODEL,
            base_url=os.environ.get("OPENAI_BASE_URL"),
            api_key=os.environ.get("OPENAI_API_KEY") or PLACEHOLDER_KEY,
        )
        client = LLMClient(endpoint)
        model = EMBEDDINGS_MODEL
        store = Store()  # brief's own cache (BRIEF_DATA_DIR): a second run embeds nothing
        try:
            _VECTORS.update(embed.vectors(missing, lambda t: client.embed(t, model), model, store))
        finally:
            store.close()
    return {a.id: _VECTORS[a.id] for a in articles}


def _today(articles: Sequence[Article]) -> date | None:
    published = [a.published_date for a in articles if a.published_date]
    return date.fromisoformat(max(published)) if published else None


# --- report ---------------------------------------------------------------------------

_HEADER = (
    f"{'day':<24} {'articles':>8} {'stories':>7} {'found':>5}  "
    f"{'pairwise P':>10} {'R':>5} {'F1':>5}  {'B-cubed P':>9} {'R':>5} {'F1':>5}  "
    f"{'ARI':>5} {'group':>6}"
)


def _row(name: str, c: Counts, stories: int | str, found: int | str) -> str:
    s = scores(c)
    return (
        f"{name:<24} {c.articles:>8} {stories:>7} {found:>5}  "
        f"{s['precision']:>10.3f} {s['recall']:>5.3f} {s['f1']:>5.3f}  "
        f"{s['b_precision']:>9.3f} {s['b_recall']:>5.3f} {s['b_f1']:>5.3f}  "
        f"{s['ari']:>5.3f} {c.seconds:>5.2f}s"
    )


def _mean_row(each: Sequence[dict[str, float]]) -> str:
    """The per-day scores averaged, each day weighing the same: one day's big story
    (thousands of pairs) does not drown the others as it does in "all together"."""
    m = {name: sum(s[name] for s in each) / len(each) for name in each[0]}
    return (
        f"{'mean of days':<24} {'':>8} {'':>7} {'':>5}  "
        f"{m['precision']:>10.3f} {m['recall']:>5.3f} {m['f1']:>5.3f}  "
        f"{m['b_precision']:>9.3f} {m['b_recall']:>5.3f} {m['b_f1']:>5.3f}  "
        f"{m['ari']:>5.3f}"
    )


def report(results: Sequence[Result], errors: int = 0) -> Counts:
    print(_HEADER)
    total = Counts()
    for r in results:
        print(_row(r.day.name, r.counts, len(set(r.truth)), r.stories))
        total.add(r.counts)
    if len(results) > 1:
        print(
            _row(
                "all together",
                total,
                sum(len(set(r.truth)) for r in results),
                sum(r.stories for r in results),
            )
        )
        print(_mean_row([scores(r.counts) for r in results]))
    for r in results:
        if len(set(r.langs)) > 1:
            _cross_language(r)
    for r in results if errors else ():
        _show_errors(r, errors)
    return total


def _cross_language(r: Result) -> None:
    """Pairs of articles in two languages: how many of those labelled together were found
    together (recall), and how many found together are labelled so (precision)."""
    split = pairs_by_language(r)
    truth, found, both = split["across"]
    precision = both / found if found else 1.0
    recall = both / truth if truth else 1.0
    print(
        f"{r.day.name}: pairs across languages: {truth} labelled together, {found} found "
        f"together, {both} both (precision {precision:.3f}, recall {recall:.3f})"
    )
    truth, found, both = split["within"]
    print(
        f"{r.day.name}: pairs within one language: precision "
        f"{both / found if found else 1.0:.3f}, recall {both / truth if truth else 1.0:.3f}"
    )


def pairs_by_language(r: Result) -> dict[str, tuple[int, int, int]]:
    """Pairs labelled together, found together and both, for pairs of articles in one
    language ("within") and in two ("across")."""
    tally = {"within": [0, 0, 0], "across": [0, 0, 0]}
    n = len(r.truth)
    for a in range(n):
        for b in range(a + 1, n):
            kind = tally["within" if r.langs[a] == r.langs[b] else "across"]
            same_truth = r.truth[a] == r.truth[b]
            same_found = r.found[a] == r.found[b]
            kind[0] += same_truth
            kind[1] += same_found
            kind[2] += same_truth and same_found
    return {name: (t[0], t[1], t[2]) for name, t in tally.items()}


def sweep(days: Sequence[Day], thresholds: Sequence[float]) -> None:
    """Each day scored at each embeddings threshold: overall pairwise and B-cubed scores,
    and the pairs within one language and across two (labelled/found/both, P, R)."""
    print(f"\nembeddings threshold sweep ({EMBEDDINGS_MODEL})")
    print(
        f"{'day':<24} {'threshold':>9}  {'pairwise P':>10} {'R':>5} {'F1':>5}  "
        f"{'B-cubed P':>9} {'R':>5} {'F1':>5}  {'within P':>8} {'R':>5}  "
        f"{'across: labelled':>16} {'found':>5} {'both':>5} {'P':>5} {'R':>5}"
    )
    for day in days:
        for t in thresholds:
            r = score_day(day, embed_threshold=t)
            s = scores(r.counts)
            split = pairs_by_language(r)
            (wt, wf, wb), (at, af, ab) = split["within"], split["across"]
            print(
                f"{day.name:<24} {t:>9.3f}  {s['precision']:>10.3f} {s['recall']:>5.3f} "
                f"{s['f1']:>5.3f}  {s['b_precision']:>9.3f} {s['b_recall']:>5.3f} "
                f"{s['b_f1']:>5.3f}  {wb / wf if wf else 1:>8.3f} {wb / wt if wt else 1:>5.3f}  "
                f"{at:>16} {af:>5} {ab:>5} {ab / af if af else 1:>5.3f} "
                f"{ab / at if at else 1:>5.3f}"
            )


def _show_errors(r: Result, limit: int) -> None:
    """The labelled stories split the most, and the found stories merging the most labels."""
    by_label: dict[str, list[int]] = defaultdict(list)
    by_story: dict[str, list[int]] = defaultdict(list)
    for index, (label, story) in enumerate(zip(r.truth, r.found, strict=True)):
        by_label[label].append(index)
        by_story[story].append(index)
    story_number = {story: n for n, story in enumerate(dict.fromkeys(r.found), start=1)}
    split = sorted(
        (members for members in by_label.values() if len({r.found[i] for i in members}) > 1),
        key=lambda members: (-len({r.found[i] for i in members}), -len(members)),
    )
    merged = sorted(
        (members for members in by_story.values() if len({r.truth[i] for i in members}) > 1),
        key=lambda members: (-len({r.truth[i] for i in members}), -len(members)),
    )
    print(f"\n{r.day.name}: {len(split)} labelled stories split, {len(merged)} found stories merge")
    for members in split[:limit]:
        parts = len({r.found[i] for i in members})
        print(f"  split  {r.truth[members[0]]} ({len(members)} articles in {parts} stories)")
        for i in sorted(members, key=lambda i: story_number[r.found[i]]):
            print(f"         [{story_number[r.found[i]]}] {r.titles[i][:90]}")
    for members in merged[:limit]:
        print(f"  merged [{story_number[r.found[members[0]]]}] ({len(members)} articles)")
        for i in sorted(members, key=lambda i: r.truth[i]):
            print(f"         {r.truth[i]}: {r.titles[i][:80]}")


# --- leave one day out ----------------------------------------------------------------

GRID = (0.20, 0.22, 0.24, 0.26, 0.28, 0.30, 0.32, 0.33, 0.35, 0.40, 1.01)  # 1.01: no merging


def leave_one_day_out(days: Sequence[Day], min_precision: float | None = None) -> None:
    """Tune the merge threshold on all days but one (best mean B-cubed F1, precision
    breaking ties), score the day left out with it; print each day and the mean.

    With ``min_precision``, only thresholds keeping every other day's B-cubed precision at
    or above it are candidates (the one with the highest lowest precision if none does):
    precision first, as the grouping is tuned."""
    table = {t: [scores(score_day(day, t).counts) for day in days] for t in GRID}
    rule = f", every other day's B-cubed P >= {min_precision}" if min_precision else ""
    print(f"\nleave one day out (merge threshold tuned on the other days{rule}, of {GRID})")
    print(
        f"{'held-out day':<24} {'threshold':>9}  {'B-cubed P':>9} {'R':>5} {'F1':>5}  "
        f"{'pairwise F1':>11}"
    )
    held = []
    for k, day in enumerate(days):

        def others(t: float, k: int = k) -> tuple[float, float]:
            rest = [s for i, s in enumerate(table[t]) if i != k]
            return (
                sum(s["b_f1"] for s in rest) / len(rest),
                sum(s["b_precision"] for s in rest) / len(rest),
            )

        candidates = list(GRID)
        if min_precision is not None:

            def lowest(t: float, k: int = k) -> float:
                return min(s["b_precision"] for i, s in enumerate(table[t]) if i != k)

            candidates = [t for t in GRID if lowest(t) >= min_precision] or [max(GRID, key=lowest)]
        best = max(candidates, key=others)
        s = table[best][k]
        held.append(s)
        print(
            f"{day.name:<24} {best:>9.2f}  {s['b_precision']:>9.3f} {s['b_recall']:>5.3f} "
            f"{s['b_f1']:>5.3f}  {s['f1']:>11.3f}"
        )
    mean = {name: sum(s[name] for s in held) / len(held) for name in held[0]}
    print(
        f"{'mean':<24} {'':>9}  {mean['b_precision']:>9.3f} {mean['b_recall']:>5.3f} "
        f"{mean['b_f1']:>5.3f}  {mean['f1']:>11.3f}"
    )


# --- pool timing ----------------------------------------------------------------------


def measure(path: str) -> dict[str, float]:
    """Score one file with its own labels (kept for scripts that call it)."""
    result = score_day(labelled_file(path))
    report([result])
    return scores(result.counts)


def pool(path: str) -> None:
    start = time.perf_counter()
    articles, _ = load(path)
    loaded = time.perf_counter()
    rss_loaded = _peak_rss()
    result = dedup(articles)
    deduped = time.perf_counter()
    found = group(result.articles)
    grouped_only = time.perf_counter()
    stories = merge(result.articles, found)
    grouped = time.perf_counter()
    rss_peak = _peak_rss()
    kinds = Counter(d.kind for d in result.duplicates)
    sizes = Counter(len(s.articles) for s in stories)
    print(f"{Path(path).name}: {len(articles)} articles loaded in {loaded - start:.1f}s")
    print(
        f"  dedup: {deduped - loaded:.1f}s, dropped {kinds['exact']} exact "
        f"and {kinds['near']} near duplicates"
    )
    print(
        f"  group: {grouped_only - deduped:.1f}s, {len(found)} stories; merge: "
        f"{grouped - grouped_only:.1f}s, {len(stories)} stories "
        f"({sum(n for k, n in sizes.items() if k > 1)} with 2+ articles, "
        f"largest {max(sizes)})"
    )
    print(
        f"  peak RSS: {rss_peak / 2**20:.0f} MiB "
        f"({rss_loaded / 2**20:.0f} MiB after loading the articles)"
    )


def _peak_rss() -> int:
    """The process's peak resident memory in bytes (tracemalloc would slow it 5-fold)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "labelled", nargs="*", help="JSONL files with a `cluster` label per article"
    )
    parser.add_argument("--also", action="append", default=[], help="more labelled files")
    parser.add_argument(
        "--labels",
        "--pool-labels",
        nargs="+",
        default=[],
        metavar="LABELS",
        help='days as {"id", "cluster"} lines (benchmarks/data/ant_day_*.labels.jsonl)',
    )
    parser.add_argument(
        "--texts",
        nargs="+",
        help="the file(s) holding the texts of --labels (default --pool)",
    )
    parser.add_argument(
        "--embeddings-model",
        metavar="NAME",
        help="also compare articles with this embeddings model, at OPENAI_BASE_URL "
        "(OPENAI_API_KEY if it needs one): what `brief make --grouping embeddings` does",
    )
    parser.add_argument(
        "--embeddings-threshold",
        type=float,
        default=EMBED_THRESHOLD,
        metavar="COSINE",
        help=f"the embeddings pass's threshold ([llm] embeddings_threshold; {EMBED_THRESHOLD})",
    )
    parser.add_argument(
        "--sweep",
        type=float,
        nargs="+",
        metavar="COSINE",
        help="with --embeddings-model: score every day at each of these thresholds",
    )
    parser.add_argument(
        "--unrelated",
        metavar="JSONL",
        help="add these labelled articles (e.g. wikiref220.jsonl) to every day, each story "
        "its own: a control in which every pair they form with the day's articles is wrong",
    )
    parser.add_argument(
        "--errors", type=int, default=0, metavar="N", help="list the N worst splits and merges"
    )
    parser.add_argument("--pool", help="a large (gzip) JSONL to time dedup + group on")
    parser.add_argument(
        "--loo", action="store_true", help="also leave one day out (tune merge on the others)"
    )
    parser.add_argument(
        "--loo-min-precision",
        type=float,
        metavar="P",
        help="with --loo, tune only among thresholds keeping every other day's B-cubed "
        "precision >= P (precision first)",
    )
    args = parser.parse_args(argv)
    texts = args.texts or ([args.pool] if args.pool else None)
    global EMBEDDINGS_MODEL, EMBEDDINGS_THRESHOLD
    EMBEDDINGS_MODEL = args.embeddings_model
    EMBEDDINGS_THRESHOLD = args.embeddings_threshold
    if args.sweep and not args.embeddings_model:
        parser.error("--sweep needs --embeddings-model NAME")
    if args.labels and not texts:
        parser.error("--labels needs --texts POOL (or --pool): the texts are looked up there")
    if not (args.labelled or args.also or args.labels or args.pool):
        parser.error("give a labelled file, --labels or --pool")
    days = [labelled_file(path) for path in [*args.labelled, *args.also]]
    days += labels_files(args.labels, texts) if args.labels else []
    if args.unrelated:
        days = [with_unrelated(day, labelled_file(args.unrelated)) for day in days]
    if days:
        report([score_day(day) for day in days], args.errors)
    if args.sweep and days:
        sweep(days, args.sweep)
    if args.loo and len(days) > 1:
        leave_one_day_out(days, args.loo_min_precision)
    if args.pool:
        print()
        pool(args.pool)


if __name__ == "__main__":
    main()
