"""Wires the stages together:
ingest -> clean -> dedup -> group -> (pack -> generate | extractive) -> verify -> render.

The only package that imports stages (``llm_run.py`` holds the LLM engine's share of
the wiring). It returns values and writes output files; it never prints (the CLI
reports what it returns).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from .. import __version__
from ..config import endpoint_configured
from ..digest import extractive, verify
from ..errors import ConfigError, NoArticlesError, NoEndpointError
from ..models import (
    Article,
    Briefing,
    Notice,
    Problem,
    Provenance,
    Section,
    Story,
    StoryDigest,
)
from ..render.output import write_atomic
from ..sources import clean, ingest
from ..stories import dedup, group
from .llm_run import OUTPUT_ESTIMATE, LLMRun, Plan, PlannedCall, failed_digest, llm_notice
from .options import ENGINES, FORMATS, MakeOptions, Progress
from .parallel import map_chunks

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


def make(options: MakeOptions, progress: Progress | None = None) -> MakeResult:
    """Run the whole pipeline and write the requested formats."""
    report = progress or (lambda what, done, total: None)
    _check_options(options)
    engine = _choose_engine(options)
    if options.dry_run and engine != "llm":
        raise ConfigError(
            "--dry-run shows what an LLM would be sent; the extractive engine makes no calls. "
            "Configure an endpoint or drop --dry-run."
        )

    ingested = ingest.ingest(options.paths)
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
    # a map over articles: in worker processes for large piles (see parallel.py)
    cleaned = tuple(map_chunks(partial(clean.clean, reference=options.today), ingested.articles))
    deduped = dedup.dedup(cleaned)
    stories = group.group(deduped.articles)
    log.info(
        "%d articles, %d duplicates dropped, %d stories",
        len(cleaned),
        len(deduped.duplicates),
        len(stories),
    )

    overview: tuple[Section, ...] = ()
    if engine == "llm":
        if options.max_points > 7:
            problems.append(
                Problem(
                    "--max-points",
                    "the LLM engine writes at most 7 key points per language; 7 were asked for.",
                )
            )
        llm = LLMRun(options)
        packed = [llm.pack(story) for story in stories]
        if options.dry_run:
            plan = llm.plan(packed)
            return MakeResult(None, (), None, tuple(problems), plan)
        digests, found = _verified(llm.generate_all(packed, report))
        problems.extend(found)
        overview, overview_problem = llm.overview(digests)
        problems.extend(overview_problem)
        provenance_extra = llm.provenance()
        notice = llm_notice(options.settings.llm.model)
    else:
        extracted = map_chunks(  # a map over stories: in worker processes for large piles
            partial(_extract_all, max_points=options.max_points),
            stories,
            weight=len(deduped.articles),
            progress=lambda done: report("stories", done, len(stories)),
        )
        digests, found = _verified(extracted)
        problems.extend(found)
        provenance_extra = {"engine_version": extractive.ENGINE_VERSION}
        notice = EXTRACTIVE_NOTICE

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
    )
    written, stdout = _write(briefing, options)
    return MakeResult(briefing, written, stdout, tuple(problems))


def _verified(digests: Sequence[StoryDigest]) -> tuple[list[StoryDigest], list[Problem]]:
    """Each digest checked against its story; corrections and failures as problems."""
    checked: list[StoryDigest] = []
    problems: list[Problem] = []
    for number, digest in enumerate(digests, start=1):
        digest, found = verify.verify(digest, where=f"story {number}")
        problems.extend(found)
        if digest.status == "failed":
            problems.append(Problem(f"story {number}", digest.error or "failed", "error"))
        checked.append(digest)
    return checked, problems


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


def _extract_all(stories: Sequence[Story], max_points: int) -> list[StoryDigest]:
    return [_extract(story, max_points) for story in stories]


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


def _render(briefing: Briefing, fmt: str) -> bytes:
    if fmt == "md":
        from ..render import md as render_md

        return render_md.render(briefing).encode("utf-8")
    if fmt == "json":
        from ..render import json as render_json

        return render_json.render(briefing).encode("utf-8")
    if fmt == "html":
        from ..render import html as render_html

        return render_html.render(briefing).encode("utf-8")
    from ..render import docx as render_docx

    return render_docx.render(briefing)


def _write(briefing: Briefing, options: MakeOptions) -> tuple[tuple[Path, ...], bytes | None]:
    if options.out_dir == "-":
        return (), _render(briefing, options.formats[0])
    out = Path(options.out_dir)
    written = []
    for fmt in options.formats:
        path = out / f"briefing-{briefing.date}.{fmt}"
        written.append(write_atomic(path, _render(briefing, fmt)))
    return tuple(written), None
