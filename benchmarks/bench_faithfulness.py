"""Faithfulness figures: planted errors caught, honest points flagged, and how closely
the packer's "also" tags match.

    python benchmarks/bench_faithfulness.py [--day ../shared/data/ant_events_dev.jsonl]
                                           [--honest DIR]

1. The planted-error suite of tests/data/faithfulness (Arabic, English and mixed stories):
   every planted answer is replayed through the real engine (fake server on 127.0.0.1,
   rules only, no model check) and counted caught when its mistake is flagged on a point,
   left out, or fails the story; every point of the honest answers counts as a false
   flag when flagged.
2. With --day and --honest: honest answers written for stories of a real day
   (``story<k>.json``, the k-th largest editor-labelled story of --day; kept outside the
   repository because they quote licensed articles) are replayed the same way and their
   flagged points counted.
3. A hostile review's variants (tests/data/faithfulness/review: 94 answers, each the
   honest answer with one realistic mistake: wrong figures in words, units, hedges,
   dates, weekdays, years, negations, swapped roles, invented people and places,
   altered and misattributed quotes, paraphrased injections, headline and summary
   inventions, cross-language inventions): how many are caught.
4. With --day: every "also" tag the packer writes for the day's multi-article stories,
   and how much of each tagged sentence and its carrier hold of each other's terms.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from faithfulness import (  # noqa: E402
    CASES,
    answer_text,
    caught,
    flagged,
    manifest,
    points,
    replay,
)

from briefing.digest import evidence as numbered  # noqa: E402
from briefing.digest.pack import pack  # noqa: E402
from briefing.models import Story  # noqa: E402
from briefing.sources.clean import clean  # noqa: E402
from briefing.sources.ingest import ingest  # noqa: E402
from briefing.text import coverage, terms  # noqa: E402


def planted_suite(data: Path) -> None:
    print("planted-error suite (rules only, no model check)")
    total_caught = total_planted = total_flags = total_points = 0
    for case, files in CASES.items():
        honest = replay(files, answer_text(case, "honest.json"), data_dir=data)
        n_points = len(points(honest.digest))
        false = flagged(honest.digest)
        hits = 0
        missed = []
        for entry in manifest(case):
            run = replay(files, answer_text(case, entry["file"]), data_dir=data)
            if caught(honest, run):
                hits += 1
            else:
                missed.append(entry["kind"])
        kinds = len(manifest(case))
        print(f"  {case:<6} caught {hits}/{kinds}   false flags {len(false)}/{n_points} honest "
              f"points" + (f"   missed: {', '.join(missed)}" if missed else ""))  # fmt: skip
        total_caught += hits
        total_planted += kinds
        total_flags += len(false)
        total_points += n_points
    print(f"  all    caught {total_caught}/{total_planted}   false flags "
          f"{total_flags}/{total_points} honest points")  # fmt: skip


def review_set(data: Path) -> None:
    folder = ROOT / "tests" / "data" / "faithfulness" / "review"
    cases = {"ar": "ar", "en": "en", "m": "mixed"}
    caught_n, missed = 0, []
    files = sorted(folder.glob("*.json"))
    for path in files:
        case = cases[path.name.split("_")[0]]
        run = replay(CASES[case], path.read_text(encoding="utf-8"), data_dir=data)
        left_out = [p for p in run.problems if "left out" in p.message]
        if run.digest.status != "ok" or flagged(run.digest) or left_out:
            caught_n += 1
        else:
            missed.append(path.stem)
    print(f"hostile review's variants: caught {caught_n}/{len(files)}")
    print(f"  not caught: {', '.join(missed)}")


def by_story(day: Path) -> list[tuple[str, list]]:
    articles = clean(ingest([str(day)]).articles)
    labels = {}
    with day.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            labels[record["id"]] = record.get("cluster")
    grouped: dict[str, list] = collections.defaultdict(list)
    for article in articles:
        grouped[labels.get(article.id)].append(article)
    multi = sorted((c for c in grouped if len(grouped[c]) >= 2), key=lambda c: -len(grouped[c]))
    return [(c, grouped[c]) for c in multi]


def honest_day(day: Path, answers: Path, data: Path) -> None:
    from fake_openai import FakeOpenAI, Reply

    from briefing import config
    from briefing.pipeline import MakeOptions, _verified
    from briefing.pipeline.llm_run import LLMRun

    stories = by_story(day)
    total = flags = 0
    for k, (label, articles) in enumerate(stories, start=1):
        path = answers / f"story{k}.json"
        if not path.exists():
            break
        answer = path.read_text(encoding="utf-8")
        with FakeOpenAI(default=lambda body, a=answer: Reply(a)) as server:
            settings = config.load(None, {"base_url": server.base_url, "check": False})
            run = LLMRun(MakeOptions(paths=(), settings=settings, use_cache=False))
            packed = [run.pack(Story(label, tuple(articles)))]
            digests, _ = _verified(run.generate_all(packed, lambda *a: None))
        n, f = len(points(digests[0])), len(flagged(digests[0]))
        total, flags = total + n, flags + f
        print(f"  story{k} {label}: {f} of {n} honest points flagged")
    print(f"honest answers on {day.name}: {flags} of {total} points flagged")


def also_tags(day: Path) -> None:
    mutual = []
    for label, articles in by_story(day):
        packed = pack(Story(label, tuple(articles)), 10**6, lambda s: len(s) // 4)
        by_short = {p.short_id: p.article for p in packed.articles}
        for p in packed.articles:
            for line in p.block.splitlines():
                if "; also " not in line:
                    continue
                head = line[1 : line.index("]")]
                own, others = head.split("; also ")
                carrier = numbered.sentences(by_short[own.split(".")[0]])[int(own.split(".")[1])]
                for ref in others.split(", "):
                    short, n = ref.split(".")
                    tagged = numbered.sentences(by_short[short])[int(n)]
                    a, b = terms(carrier), terms(tagged)
                    mutual.append(min(coverage(a, b), coverage(b, a)))
    if mutual:
        low, mid = min(mutual), statistics.median(mutual)
        print(f"'also' tags on {day.name}: {len(mutual)}; mutual term coverage of tagged and "
              f"carrying sentence: min {low:.2f}, median {mid:.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--day", type=Path, help="an editor-labelled day (JSONL with cluster)")
    parser.add_argument("--honest", type=Path, help="folder of story<k>.json honest answers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        planted_suite(Path(data))
        review_set(Path(data))
        if args.day and args.honest:
            honest_day(args.day, args.honest, Path(data))
    if args.day:
        also_tags(args.day)


if __name__ == "__main__":
    main()
