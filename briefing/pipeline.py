"""Wires the stages together: ingest -> clean -> dedup -> group -> generate -> verify -> render.

The only module that imports stages. It returns values and writes output files; it
never prints (the CLI reports what it returns).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from . import __version__, clean, dedup, extractive, group, ingest, verify
from .errors import ConfigError, NoArticlesError, NoEndpointError
from .models import (
    Article,
    Briefing,
    Notice,
    Problem,
    Provenance,
    Story,
    StoryDigest,
)
from .output import write_atomic

log = logging.getLogger(__name__)

FORMATS = ("md", "docx", "json")
ENGINES = ("auto", "extractive", "llm")

EXTRACTIVE_NOTICE = Notice(
    en="Extractive digest made without an LLM: every sentence below is quoted verbatim from "
    "the sources and cited; nothing is generated, rewritten or translated.",
    ar="موجز استخراجي أُعدّ دون نموذج لغوي: كل جملة فيه منقولة حرفياً من المصادر مع الإحالة "
    "إليها، ولم يُولَّد أي نص ولم تُعَد صياغته ولم يُترجَم.",
)


@dataclass(frozen=True, slots=True)
class MakeOptions:
    paths: tuple[str, ...]
    out_dir: str = "briefings"  # "-" writes the one requested format to stdout
    formats: tuple[str, ...] = ("md", "docx")
    engine: str = "auto"
    max_points: int = 6
    briefing_date: str | None = None  # default: the newest article date
    today: date = field(default_factory=date.today)
    endpoint_configured: bool = False


@dataclass(frozen=True, slots=True)
class MakeResult:
    briefing: Briefing
    written: tuple[Path, ...]
    stdout: bytes | None  # the document, when out_dir is "-"
    problems: tuple[Problem, ...]


Progress = Callable[[str], None]


def make(options: MakeOptions, progress: Progress | None = None) -> MakeResult:
    """Run the whole pipeline and write the requested formats."""
    report = progress or (lambda message: None)
    _check_options(options)
    engine = _choose_engine(options)

    ingested = ingest.ingest(options.paths)
    problems = list(ingested.problems)
    if not ingested.articles:
        listed = "; ".join(str(p) for p in problems[:5])
        raise NoArticlesError(
            "No articles found in "
            + ", ".join(options.paths)
            + (f" ({listed})" if listed else "")
            + ". Give .txt, .md, .json or .jsonl files, or folders holding them."
        )
    report(f"read {len(ingested.articles)} articles from {len(ingested.inputs)} files")

    cleaned = clean.clean(ingested.articles, reference=options.today)
    deduped = dedup.dedup(cleaned)
    stories = group.group(deduped.articles)
    report(f"{len(deduped.duplicates)} duplicates dropped; {len(stories)} stories")

    digests: list[StoryDigest] = []
    for number, story in enumerate(stories, start=1):
        report(f"story {number}/{len(stories)}: {len(story.articles)} articles")
        digest = _digest(story, engine, options)
        digest, found = verify.verify(digest)
        problems.extend(found)
        if digest.status == "failed":
            problems.append(Problem(f"story {number}", digest.error or "failed", "error"))
        digests.append(digest)

    briefing = Briefing(
        date=options.briefing_date or _briefing_date(deduped.articles, options.today),
        stories=tuple(digests),
        sources=_sources(stories),
        provenance=Provenance(
            tool_version=__version__,
            engine=engine,
            engine_version=extractive.ENGINE_VERSION,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            inputs=ingested.inputs,
            parameters=(("max_points", str(options.max_points)),),
        ),
        notice=EXTRACTIVE_NOTICE,
        duplicates=deduped.duplicates,
        problems=tuple(problems),
    )
    written, stdout = _write(briefing, options)
    return MakeResult(briefing, written, stdout, tuple(problems))


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
    if options.engine == "llm":
        if not options.endpoint_configured:
            raise NoEndpointError(
                "No LLM endpoint: set OPENAI_API_KEY, or OPENAI_BASE_URL (or pass --base-url), "
                "or use --engine extractive."
            )
        raise ConfigError(
            "The LLM engine is not available in this version; use --engine extractive."
        )
    return "extractive"


def _digest(story: Story, engine: str, options: MakeOptions) -> StoryDigest:
    try:
        return extractive.summarise(story, max_points=options.max_points)
    except Exception as exc:  # one failed story never sinks the briefing
        log.exception("story %s failed", story.id)
        return StoryDigest(
            story=story,
            sections=(),
            engine=engine,
            status="failed",
            error=f"internal error in the {engine} engine ({type(exc).__name__}: {exc}); "
            "please report it with the input files",
        )


def _briefing_date(articles: Sequence[Article], today: date) -> str:
    published = [a.published_date for a in articles if a.published_date]
    if published:
        return max(published)
    mentioned = [d for a in articles for d in a.mentioned_dates]
    return max(mentioned) if mentioned else today.isoformat()


def _sources(stories: Sequence[Story]) -> tuple[Article, ...]:
    seen: dict[str, Article] = {}
    for story in stories:
        for article in story.articles:
            seen.setdefault(article.id, article)
    return tuple(seen.values())


def _render(briefing: Briefing, fmt: str) -> bytes:
    if fmt == "md":
        from . import render_md

        return render_md.render(briefing).encode("utf-8")
    if fmt == "json":
        from . import render_json

        return render_json.render(briefing).encode("utf-8")
    from . import render_docx

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
