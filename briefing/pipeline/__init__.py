"""Wires the stages together:
ingest -> clean -> dedup -> group -> (pack -> generate | extractive) -> verify -> render.

The only package that imports stages (``llm_run.py`` holds the LLM engine's share of
the wiring). It returns values and writes output files; it never prints (the CLI
reports what it returns).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from .. import __version__
from ..config import endpoint_configured
from ..daily.lock import hold
from ..daily.run import continuing
from ..digest import extractive, verify
from ..errors import ConfigError, NoArticlesError, NoEndpointError, OutputError
from ..models import (
    Article,
    Briefing,
    IngestResult,
    Notice,
    Problem,
    Provenance,
    Quarantined,
    Section,
    Story,
    StoryDigest,
    TranslatedTitle,
    Update,
)
from ..render.common import Layout
from ..render.output import write_all
from ..sources import ingest
from ..stories import dedup
from .grouping import stories_of, wants_embeddings
from .llm_run import OUTPUT_ESTIMATE, LLMRun, Plan, PlannedCall, failed_digest, llm_notice
from .options import ENGINES, FORMATS, MakeOptions, Progress
from .parallel import map_chunks, map_inherited, without_cycle_collection
from .prepare import prepare

__all__ = [
    "ENGINES",
    "FORMATS",
    "OUTPUT_ESTIMATE",
    "MakeOptions",
    "MakeResult",
    "Plan",
    "PlannedCall",
    "Progress",
    "llm_notice",
    "make",
]

log = logging.getLogger(__name__)

EXTRACTIVE_NOTICE = Notice(
    en="Extractive digest made without an LLM: every sentence below is quoted verbatim from "
    "the sources and cited; nothing is generated, rewritten or translated.",
    ar="موجز استخراجي أُعدّ دون نموذج لغوي: كل جملة فيه منقولة حرفياً من المصادر مع الإحالة "
    "إليها، ولم يُولَّد أي نص ولم تُعَد صياغته ولم يُترجَم.",
)


@dataclass(frozen=True, slots=True)
class MakeResult:
    briefing: Briefing | None  # None for a dry run
    written: tuple[Path, ...]
    stdout: bytes | None  # the document, when out_dir is "-"
    problems: tuple[Problem, ...]
    plan: Plan | None = None
    repeated: int = 0  # stories left out: the previous briefing told them, nothing is new
    nothing_new: bool = False  # every story was a repeat: nothing was written


def make(options: MakeOptions, progress: Progress | None = None) -> MakeResult:
    """Run the whole pipeline and write the requested formats."""
    report = progress or (lambda what, done, total: None)
    _check_options(options)
    wants_embeddings(options)  # --grouping embeddings without a model: said before any work
    engine = _choose_engine(options)
    if options.dry_run and engine != "llm":
        raise ConfigError(
            "--dry-run shows what an LLM would be sent; the extractive engine makes no calls. "
            "Configure an endpoint or drop --dry-run."
        )

    with without_cycle_collection():  # see parallel.py: the pile holds no cycles
        if options.articles is not None:  # from the article store: read and cleaned already
            ingested = IngestResult(options.articles, options.inputs)
        else:
            ingested = ingest.ingest(  # file by file, in worker processes for many files
                options.paths, include_briefings=options.include_briefings, mapper=map_chunks
            )
        problems = list(ingested.problems)
        if not ingested.articles:
            listed = "; ".join(str(p) for p in problems[:5])
            raise NoArticlesError(
                "No articles found in "
                + ", ".join(options.paths)
                + (f" ({listed})" if listed else "")
                + ". Give .txt, .md, .json, .jsonl, feed (.xml .rss .atom) or .html files, or "
                "folders holding them."
            )
        # One pass over each article (clean, fingerprint, screen, term counts): a map, in
        # worker processes for large piles (see prepare.py and parallel.py).
        prepared = map_chunks(
            partial(prepare, reference=options.today, cleaned=options.articles is not None),
            ingested.articles,
        )
        ingested = IngestResult((), ingested.inputs, ingested.problems)  # the raw texts go
        cleaned = tuple(p.article for p in prepared)
        deduped = dedup.dedup(cleaned, [p.print for p in prepared])
        kept = {id(a) for a in deduped.articles}
        survivors = [p for p in prepared if id(p.article) in kept]
        screened = tuple(p.screened for p in survivors)
        quarantined = tuple(q for p in survivors for q in p.quarantined)
        features = [p.features for p in survivors]
        merging = [p.merging for p in survivors]
        del prepared, survivors  # the prints: memory is held only as long as it is needed
        for q in quarantined:
            log.warning("article %s addresses an AI; quarantined: %s", q.article_id, q.text[:120])
        stories = stories_of(screened, options, features, merging)
        del features, merging
    updates: dict[str, Update] = {}
    repeated = 0
    if options.previous:
        stories, updates, repeated = continuing(stories, options.previous)
        if not stories:
            return MakeResult(None, (), None, tuple(problems), repeated=repeated, nothing_new=True)
    log.info(
        "%d articles, %d duplicates dropped, %d stories",
        len(cleaned),
        len(deduped.duplicates),
        len(stories),
    )

    overview: tuple[Section, ...] = ()
    translated: tuple[TranslatedTitle, ...] = ()
    if engine == "llm":
        if options.max_points > 7:
            problems.append(
                Problem(
                    "--max-points",
                    "the LLM engine writes at most 7 key points per language; 7 were asked for.",
                )
            )
        llm = LLMRun(options)
        # Only the stories written in full go to the model; the others get an offline
        # digest (one line in the documents, in full in the JSON), at no cost.
        in_full = len(stories) if options.top <= 0 else min(options.top, len(stories))
        packed = [llm.pack(story) for story in stories[:in_full]]
        if options.dry_run:
            plan = llm.plan(packed, not_sent=len(stories) - in_full)
            return MakeResult(None, (), None, tuple(problems), plan)
        generated = llm.generate_all(packed, report)
        checked = [_checked(n, d, quarantined) for n, d in enumerate(generated, start=1)]
        rest = _with_stories(
            map_chunks(  # the offline digests of the others, as in the extractive run
                partial(_extract_checked, max_points=options.max_points, quarantined=quarantined),
                list(enumerate(stories[in_full:], start=in_full + 1)),
                weight=len(deduped.articles),
            ),
            stories[in_full:],
        )
        digests, found = _gathered([*checked, *rest])
        problems.extend(found)
        digests = [*llm.check_all(digests[:in_full], packed, report), *digests[in_full:]]
        overview, overview_problem = llm.overview(digests[:in_full])
        problems.extend(overview_problem)
        translated, translate_problems = llm.translate_titles(digests[in_full:], options.langs)
        problems.extend(translate_problems)
        provenance_extra = llm.provenance()
        notice = llm_notice(options.settings.llm.model)
    else:
        with without_cycle_collection():
            # written and checked story by story: a map, in worker processes for large piles
            digests, found = _gathered(
                _with_stories(
                    map_chunks(
                        partial(
                            _extract_checked, max_points=options.max_points, quarantined=quarantined
                        ),
                        list(enumerate(stories, start=1)),
                        weight=len(deduped.articles),
                        progress=lambda done: report("stories", done, len(stories)),
                    ),
                    stories,
                )
            )
        problems.extend(found)
        provenance_extra = {"engine_version": extractive.ENGINE_VERSION}
        notice = EXTRACTIVE_NOTICE

    digests = [
        replace(d, update=updates[d.story.id]) if d.story.id in updates else d for d in digests
    ]
    if options.strict or options.settings.strict:
        digests, failed = _strict(digests)
        problems.extend(failed)
    provenance_extra["parameters"] = (
        *provenance_extra.get("parameters", ()),  # type: ignore[misc]
        *_check_counts(digests, problems),
    )
    briefing = Briefing(
        date=_normalised_date(options.briefing_date)
        or _briefing_date(deduped.articles, options.today),
        stories=tuple(digests),
        sources=_sources(stories),
        provenance=Provenance(
            tool_version=__version__,
            engine=engine,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            inputs=ingested.inputs,
            **provenance_extra,  # type: ignore[arg-type]
        ),
        notice=notice,
        overview=overview,
        duplicates=deduped.duplicates,
        problems=tuple(problems),
        quarantined=quarantined,
        translated_titles=translated,
    )
    with without_cycle_collection():
        written, stdout = _write(briefing, options)
    return MakeResult(briefing, written, stdout, tuple(problems), repeated=repeated)


def _verified(
    digests: Sequence[StoryDigest], quarantined: Sequence[Quarantined] = ()
) -> tuple[list[StoryDigest], list[Problem]]:
    """Each digest checked against its story; corrections and failures as problems."""
    return _gathered([_checked(n, d, quarantined) for n, d in enumerate(digests, start=1)])


def _checked(
    number: int, digest: StoryDigest, quarantined: Sequence[Quarantined]
) -> tuple[StoryDigest, tuple[Problem, ...]]:
    """One digest checked against its story (story ``number`` of the briefing)."""
    try:
        checked, found = verify.verify(digest, where=f"story {number}", quarantined=quarantined)
    except Exception as exc:  # a bug in one story's checks never sinks the briefing
        log.exception("story %d: the checks failed", number)
        checked, found = (
            failed_digest(
                digest.story,
                digest.engine,
                f"internal error in the checks ({type(exc).__name__}: {exc}); please "
                "report it with the input files",
            ),
            (),
        )
    return checked, tuple(found)


def _gathered(
    results: Sequence[tuple[StoryDigest, tuple[Problem, ...]]],
) -> tuple[list[StoryDigest], list[Problem]]:
    """The checked digests and their problems, one problem per error that failed stories
    (a dead endpoint fails them all the same way)."""
    checked: list[StoryDigest] = []
    problems: list[Problem] = []
    failed: dict[str, list[int]] = {}
    for number, (digest, found) in enumerate(results, start=1):
        problems.extend(found)
        if digest.status == "failed":
            failed.setdefault(digest.error or "failed", []).append(number)
        checked.append(digest)
    for error, numbers in failed.items():
        where = f"story {numbers[0]}" if len(numbers) == 1 else f"stories {_ranges(numbers)}"
        problems.append(Problem(where, error, "error"))
    return checked, problems


def _strict(digests: Sequence[StoryDigest]) -> tuple[list[StoryDigest], list[Problem]]:
    """--strict: a story with any flagged point fails, rather than print the point."""
    out: list[StoryDigest] = []
    problems: list[Problem] = []
    for number, digest in enumerate(digests, start=1):
        failed = verify.enforce(digest)
        if failed is not digest:
            problems.append(Problem(f"story {number}", failed.error or "failed", "error"))
        out.append(failed)
    return out, problems


def _check_counts(
    digests: Sequence[StoryDigest], problems: Sequence[Problem]
) -> tuple[tuple[str, str], ...]:
    """How many points were checked, flagged and left out, for the provenance."""
    points = [
        p
        for d in digests
        if d.status == "ok"
        for s in d.sections
        for p in (s.headline, s.summary, *s.points, *s.disagreements)
        if p is not None
    ]
    left_out = sum(
        1 for p in problems if p.message.startswith(("point left out", "quote left out"))
    )
    return (
        ("points_checked", str(len(points))),
        ("points_flagged", str(sum(1 for p in points if p.flags))),
        ("points_left_out", str(left_out)),
    )


def _ranges(numbers: Sequence[int]) -> str:
    """[1, 2, 3, 5] -> "1–3, 5"."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _check_options(options: MakeOptions) -> None:
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown or not options.formats:
        raise ConfigError(
            f"Unknown format {', '.join(unknown) or '(none)'}: use --format with any of "
            f"{','.join(FORMATS)}."
        )
    if options.engine not in ENGINES:
        raise ConfigError(f"Unknown engine {options.engine!r}: use one of {', '.join(ENGINES)}.")
    if options.out_dir == "-" and len(options.formats) != 1:
        raise ConfigError("-o - writes one document to stdout: pick one --format.")
    if options.max_points < 1:
        raise ConfigError("--max-points must be 1 or more.")
    if options.top < 0:
        raise ConfigError("--top must be 0 (every story in full) or more.")
    if ",".join(options.langs) not in ("ar", "en", "ar,en", "en,ar"):
        raise ConfigError(
            f"Unknown language choice {','.join(options.langs)!r}: use --lang ar, en or ar,en."
        )
    if options.page_size not in ("a4", "letter"):
        raise ConfigError(f"Unknown page size {options.page_size!r}: use --page-size a4 or letter.")
    if options.briefing_date is not None:
        try:
            date.fromisoformat(options.briefing_date)
        except ValueError:
            raise ConfigError(
                f"--date {options.briefing_date!r} is not a date: use YYYY-MM-DD."
            ) from None


def _choose_engine(options: MakeOptions) -> str:
    configured = endpoint_configured(options.settings)
    if options.engine == "llm" and not configured:
        raise NoEndpointError(
            "No LLM endpoint: set OPENAI_API_KEY, or OPENAI_BASE_URL (or pass --base-url), "
            "or use --engine extractive."
        )
    if options.engine == "llm" or (options.engine == "auto" and configured):
        return "llm"
    return "extractive"


def _extract_checked(
    numbered: Sequence[tuple[int, Story]], max_points: int, quarantined: Sequence[Quarantined]
) -> list[tuple[StoryDigest, tuple[Problem, ...]]]:
    """Digests written and checked, each without its story's articles (``_with_stories``
    puts them back): from a worker process, they need not travel back."""
    out = []
    for n, story in numbered:
        digest, found = _checked(n, _extract(story, max_points), quarantined)
        out.append((replace(digest, story=replace(story, articles=())), found))
    return out


def _with_stories(
    results: Sequence[tuple[StoryDigest, tuple[Problem, ...]]], stories: Sequence[Story]
) -> list[tuple[StoryDigest, tuple[Problem, ...]]]:
    return [
        (replace(digest, story=story), found)
        for (digest, found), story in zip(results, stories, strict=True)
    ]


def _extract(story: Story, max_points: int) -> StoryDigest:
    try:
        return extractive.summarise(story, max_points=max_points)
    except Exception as exc:  # one failed story never sinks the briefing
        log.exception("story %s failed", story.id)
        return failed_digest(
            story,
            "extractive",
            f"internal error in the extractive engine "
            f"({type(exc).__name__}: {exc}); please report it with the input files",
        )


def _normalised_date(value: str | None) -> str | None:
    """--date as YYYY-MM-DD, whichever ISO form was given (20260210, 2026-W07-2…)."""
    return date.fromisoformat(value).isoformat() if value else None


def _briefing_date(articles: Sequence[Article], today: date) -> str:
    """The newest publication date, else today. Dates merely mentioned in the texts are
    not used: they are as often history ("in March 2011") as the news of the day."""
    published = [a.published_date for a in articles if a.published_date]
    return max(published) if published else today.isoformat()


def _sources(stories: Sequence[Story]) -> tuple[Article, ...]:
    seen: dict[str, Article] = {}
    for story in stories:
        for article in story.articles:
            seen.setdefault(article.id, article)
    return tuple(seen.values())


def layout_of(options: MakeOptions) -> Layout:
    """How the documents are laid out, from the options."""
    return Layout(
        top=options.top,
        langs=options.langs,
        page_size=options.page_size,
        arabic_font=options.arabic_font,
    )


def _render(briefing: Briefing, fmt: str, layout: Layout | None = None) -> bytes:
    layout = layout or Layout()
    if fmt == "md":
        from ..render import md as render_md

        return render_md.render(briefing, layout).encode("utf-8")
    if fmt == "json":
        from ..render import json as render_json

        return render_json.render(briefing, layout).encode("utf-8")
    if fmt == "html":
        from ..render import html as render_html

        return render_html.render(briefing, layout).encode("utf-8")
    from ..render import docx as render_docx

    return render_docx.render(briefing, layout)


def _write(briefing: Briefing, options: MakeOptions) -> tuple[tuple[Path, ...], bytes | None]:
    layout = layout_of(options)
    if options.out_dir == "-":
        return (), _render(briefing, options.formats[0], layout)
    out = Path(options.out_dir)
    # Every format rendered first, then written together under the folder's lock (shared
    # with the daily run, which holds it already): a folder never mixes two runs, and a
    # failed write replaces nothing.
    stem = options.file_stem or f"briefing-{briefing.date}"
    # the formats side by side in worker processes for large briefings (see parallel.py),
    # Word first: it takes longest, and the others share the second process meanwhile
    formats = sorted(options.formats, key=lambda fmt: fmt != "docx")
    documents = dict(
        zip(
            formats,
            map_inherited(
                partial(_render, briefing, layout=layout), formats, weight=len(briefing.sources)
            ),
            strict=True,
        )
    )
    rendered = [(out / f"{stem}.{fmt}", documents[fmt]) for fmt in options.formats]
    try:
        if options.holds_lock:
            return write_all(rendered), None
        with hold(out, command="brief make"):
            return write_all(rendered), None
    except OSError as exc:  # the lock file itself could not be written (a full disk)
        raise OutputError(
            f"Cannot write to {out} ({exc.strerror or exc}); no file of this briefing was "
            "replaced. Check the folder's free space and permissions, or choose another "
            "with -o DIR."
        ) from exc
