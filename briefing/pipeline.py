"""Wires the stages together:
ingest -> clean -> dedup -> group -> (pack -> generate | extractive) -> verify -> render.

The only module that imports stages. It returns values and writes output files; it
never prints (the CLI reports what it returns).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from . import __version__, clean, dedup, extractive, group, ingest, verify
from .config import Settings, api_key, endpoint_configured
from .errors import ConfigError, LLMFatalError, NoArticlesError, NoEndpointError
from .models import (
    Article,
    Briefing,
    Notice,
    PackedStory,
    Problem,
    Provenance,
    Section,
    Story,
    StoryDigest,
)
from .output import write_atomic

log = logging.getLogger(__name__)

FORMATS = ("md", "docx", "json", "html")
ENGINES = ("auto", "extractive", "llm")
OUTPUT_ESTIMATE = 1500  # completion tokens per call assumed by --dry-run cost estimates

EXTRACTIVE_NOTICE = Notice(
    en="Extractive digest made without an LLM: every sentence below is quoted verbatim from "
    "the sources and cited; nothing is generated, rewritten or translated.",
    ar="موجز استخراجي أُعدّ دون نموذج لغوي: كل جملة فيه منقولة حرفياً من المصادر مع الإحالة "
    "إليها، ولم يُولَّد أي نص ولم تُعَد صياغته ولم يُترجَم.",
)


def llm_notice(model: str) -> Notice:
    return Notice(
        en=f"Written by the language model {model} from the cited sources, in Arabic and "
        "English. Check key points against their sources before relying on them.",
        ar=f"كتب هذا الموجز النموذج اللغوي {model} بالعربية والإنجليزية استناداً إلى المصادر "
        "المشار إليها. راجِع النقاط الرئيسية في مصادرها قبل الاعتماد عليها.",
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
    settings: Settings = field(default_factory=Settings)
    prompt_pins: tuple[str, ...] = ()  # "story=v2"
    dry_run: bool = False
    use_cache: bool = True


@dataclass(frozen=True, slots=True)
class PlannedCall:
    story_number: int
    story_id: str
    articles: int
    parts: int
    input_tokens: int  # prompt + articles, all calls of the story
    trimmed: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """What --dry-run reports: the calls that would be made, and their cost."""

    model: str
    tokenizer: str
    calls: tuple[PlannedCall, ...]
    prices: tuple[float, float] | None  # USD per million tokens (input, output)

    @property
    def input_tokens(self) -> int:
        return sum(c.input_tokens for c in self.calls)

    @property
    def cost(self) -> float | None:
        if self.prices is None:
            return None
        calls = sum(c.parts + (1 if c.parts > 1 else 0) for c in self.calls)
        return (self.input_tokens * self.prices[0] + calls * OUTPUT_ESTIMATE * self.prices[1]) / 1e6


@dataclass(frozen=True, slots=True)
class MakeResult:
    briefing: Briefing | None  # None for a dry run
    written: tuple[Path, ...]
    stdout: bytes | None  # the document, when out_dir is "-"
    problems: tuple[Problem, ...]
    plan: Plan | None = None


Progress = Callable[[str, int, int], None]  # (what, done, total)


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
    cleaned = clean.clean(ingested.articles, reference=options.today)
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
        llm = _LLMRun(options)
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
        extracted = []
        for number, story in enumerate(stories, start=1):
            extracted.append(_extract(story, options))
            report("stories", number, len(stories))
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


class _LLMRun:
    """The LLM engine's state for one run: client, prompts, cache, tokenizer."""

    def __init__(self, options: MakeOptions) -> None:
        from . import prompts
        from .cache import Store
        from .generate import Engine
        from .llm import PLACEHOLDER_KEY, Endpoint, LLMClient
        from .tokens import counter_for

        self.options = options
        s = options.settings.llm
        pins = {**options.settings.prompts, **prompts.parse_pins(options.prompt_pins)}
        story_prompt = prompts.load("story", pins.get("story"))
        merge_prompt = _optional_prompt(prompts, "merge", pins.get("merge"))
        overview_prompt = _optional_prompt(prompts, "overview", pins.get("overview"))
        self.counter = counter_for(s.model)
        empty = story_prompt.render(articles="", article_ids="", schema="{}", max_points="7")
        from .answer import json_schema

        schema_tokens = self.counter.count(str(json_schema("StoryAnswer")))
        self.overhead = self.counter.count("\n".join(empty)) + schema_tokens
        self.budget = s.budget(self.overhead)
        self.run_id = uuid.uuid4().hex[:12]
        store = None
        if options.use_cache and options.settings.cache and not options.dry_run:
            store = Store()
        self.store = store
        client = None
        if not options.dry_run:
            endpoint = Endpoint(
                model=s.model,
                base_url=s.base_url,
                api_key=api_key() or PLACEHOLDER_KEY,
                timeout=s.timeout,
                max_attempts=s.max_attempts,
                max_retry_seconds=s.max_retry_seconds,
            )
            client = LLMClient(endpoint)
        self.engine = Engine(
            client=client,  # type: ignore[arg-type]
            story_prompt=story_prompt,
            merge_prompt=merge_prompt,
            overview_prompt=overview_prompt,
            store=store,
            run_id=self.run_id,
            max_points=options.max_points,
            base_url=s.base_url,
        )

    def pack(self, story: Story) -> PackedStory:
        from . import pack

        return pack.pack(story, self.budget, self.counter.count, self.counter.name)

    def plan(self, packed: Sequence[PackedStory]) -> Plan:
        calls = tuple(
            PlannedCall(
                n,
                p.story.id,
                len(p.story.articles),
                len(p.parts),
                p.tokens + self.overhead * len(p.parts),
                p.trimmed,
            )
            for n, p in enumerate(packed, start=1)
        )
        s = self.options.settings.llm
        return Plan(s.model, self.counter.name, calls, s.prices())

    def generate_all(self, packed: Sequence[PackedStory], report: Progress) -> list[StoryDigest]:
        from . import generate

        s = self.options.settings.llm
        done = 0
        results: list[StoryDigest | None] = [None] * len(packed)
        report("stories", 0, len(packed))
        pool = ThreadPoolExecutor(max_workers=s.concurrency)
        futures = {
            pool.submit(_guarded, generate.generate, p, self.engine): i
            for i, p in enumerate(packed)
        }
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                done += 1
                report("stories", done, len(packed))
        except BaseException:
            # a refused key, or Ctrl-C: send nothing more (calls in flight finish)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return [r for r in results if r is not None]

    def overview(self, digests: Sequence[StoryDigest]) -> tuple[tuple[Section, ...], list[Problem]]:
        from . import generate
        from .errors import BriefError

        try:
            return generate.overview(digests, self.engine), []
        except LLMFatalError:
            raise
        except BriefError as exc:
            return (), [Problem("overview", f"no overview: {exc}")]

    def provenance(self) -> dict[str, object]:
        s = self.options.settings.llm
        return {
            "engine_version": __version__,
            "model": s.model,
            "base_url": s.base_url,
            "prompts": tuple(dict.fromkeys(self.engine.used)),  # threads may add one twice
            "tokenizer": self.counter.name,
            "parameters": (
                ("max_points", str(self.options.max_points)),
                ("input_budget", str(self.budget)),
                ("run_id", self.run_id),
                ("cache", "on" if self.store else "off"),
            ),
        }


def _optional_prompt(prompts_module: ModuleType, task: str, version: int | None) -> Any:
    """A prompt the run can do without (merge, overview), unless the user pinned it."""
    from .errors import PromptError

    try:
        return prompts_module.load(task, version)
    except PromptError:
        if version is not None:
            raise
        return None


def _verified(digests: Sequence[StoryDigest]) -> tuple[list[StoryDigest], list[Problem]]:
    """Each digest checked against its story; corrections and failures as problems."""
    checked: list[StoryDigest] = []
    problems: list[Problem] = []
    for number, digest in enumerate(digests, start=1):
        digest, found = verify.verify(digest)
        problems.extend(found)
        if digest.status == "failed":
            problems.append(Problem(f"story {number}", digest.error or "failed", "error"))
        checked.append(digest)
    return checked, problems


def _guarded(fn: Callable[..., StoryDigest], packed: PackedStory, engine: Any) -> StoryDigest:
    """Any bug in one story fails that story only; endpoint-wide errors still propagate."""
    from .errors import BriefError

    try:
        return fn(packed, engine)
    except LLMFatalError:
        raise
    except BriefError as exc:
        return _failed(packed.story, "llm", str(exc))
    except Exception as exc:  # one failed story never sinks the briefing
        log.exception("story %s failed", packed.story.id)
        return _failed(
            packed.story,
            "llm",
            f"internal error ({type(exc).__name__}: {exc}); please report it with the input files",
        )


def _failed(story: Story, engine: str, error: str) -> StoryDigest:
    return StoryDigest(story=story, sections=(), engine=engine, status="failed", error=error)


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


def _extract(story: Story, options: MakeOptions) -> StoryDigest:
    try:
        return extractive.summarise(story, max_points=options.max_points)
    except Exception as exc:  # one failed story never sinks the briefing
        log.exception("story %s failed", story.id)
        return _failed(
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
        from . import render_md

        return render_md.render(briefing).encode("utf-8")
    if fmt == "json":
        from . import render_json

        return render_json.render(briefing).encode("utf-8")
    if fmt == "html":
        from . import render_html

        return render_html.render(briefing).encode("utf-8")
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
