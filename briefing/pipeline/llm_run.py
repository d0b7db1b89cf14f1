"""The LLM engine's part of the pipeline: prompts, client, cache and tokenizer for one
run; packing, concurrent generation, the overview, the --dry-run plan and provenance."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from .. import __version__
from ..config import api_key
from ..errors import LLMFatalError
from ..models import (
    Notice,
    PackedStory,
    Problem,
    Section,
    Story,
    StoryDigest,
    TranslatedTitle,
)
from ..safety import mask_secrets
from .options import MakeOptions, Progress

log = logging.getLogger(__name__)

OUTPUT_ESTIMATE = 1500  # completion tokens per call assumed by --dry-run cost estimates
CHECK_POINTS_ESTIMATE = 1500  # tokens of the points and evidence a model check adds


def llm_notice(model: str) -> Notice:
    return Notice(
        en=f"Written by the language model {model} from the cited sources. Check key points "
        "against their sources before relying on them.",
        ar=f"كتب هذا الموجز النموذج اللغوي {model} استناداً إلى المصادر المشار إليها. راجِع "
        "النقاط الرئيسية في مصادرها قبل الاعتماد عليها.",
    )


@dataclass(frozen=True, slots=True)
class PlannedCall:
    story_number: int
    story_id: str
    articles: int
    parts: int
    input_tokens: int  # prompt + articles, all calls of the story (the model check too)
    trimmed: tuple[tuple[str, int], ...]
    checks: int = 0  # model-check calls (1 when the check is on)

    @property
    def calls(self) -> int:
        return self.parts + (1 if self.parts > 1 else 0) + self.checks


@dataclass(frozen=True, slots=True)
class Plan:
    """What --dry-run reports: the calls that would be made, and their cost."""

    model: str
    tokenizer: str
    calls: tuple[PlannedCall, ...]
    prices: tuple[float, float] | None  # USD per million tokens (input, output)
    not_sent: int = 0  # stories beyond --top: not sent, one line each in the documents

    @property
    def input_tokens(self) -> int:
        return sum(c.input_tokens for c in self.calls)

    @property
    def cost(self) -> float | None:
        if self.prices is None:
            return None
        calls = sum(c.calls for c in self.calls)
        return (self.input_tokens * self.prices[0] + calls * OUTPUT_ESTIMATE * self.prices[1]) / 1e6


class LLMRun:
    """The LLM engine's state for one run: client, prompts, cache, tokenizer."""

    def __init__(self, options: MakeOptions) -> None:
        from ..digest import prompts
        from ..digest.cache import Store
        from ..digest.generate import Engine
        from ..digest.llm import PLACEHOLDER_KEY, Endpoint, LLMClient
        from ..digest.tokens import counter_for

        self.options = options
        s = options.settings.llm
        pins = {**options.settings.prompts, **prompts.parse_pins(options.prompt_pins)}
        story_prompt = prompts.load("story", pins.get("story"))
        merge_prompt = _optional_prompt(prompts, "merge", pins.get("merge"))
        overview_prompt = _optional_prompt(prompts, "overview", pins.get("overview"))
        check_prompt = _optional_prompt(prompts, "check", pins.get("check")) if s.check else None
        headlines_prompt = _optional_prompt(prompts, "headlines", pins.get("headlines"))
        self.counter = counter_for(s.model)
        empty = story_prompt.render(articles="", article_ids="", schema="{}", max_points="7")
        from ..digest.answer import json_schema

        schema_tokens = self.counter.count(str(json_schema("StoryAnswer")))
        self.overhead = self.counter.count("\n".join(empty)) + schema_tokens
        self.run_id = uuid.uuid4().hex[:12]
        store = None
        if options.use_cache and options.settings.cache and not options.dry_run:
            store = Store()
            if not store.usable:  # said once by the store; the run goes on without it
                store = None
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
                max_output_tokens=s.output_reserve,
                circuit_breaker=s.circuit_breaker,
            )
            client = LLMClient(endpoint)
        unknown = s.window()[1].startswith("assumed")
        served = client.context_window() if client is not None and unknown else None
        self.window, self.window_source = s.window(served)
        self.budget = s.budget(self.overhead, self.window)
        self.engine = Engine(
            client=client,  # type: ignore[arg-type]
            story_prompt=story_prompt,
            merge_prompt=merge_prompt,
            overview_prompt=overview_prompt,
            store=store,
            run_id=self.run_id,
            max_points=options.max_points,
            base_url=mask_secrets(s.base_url) if s.base_url else None,  # logged in the cache
            check_prompt=check_prompt,
            headlines_prompt=headlines_prompt,
        )
        self.checked = 0  # points the model checked

    def pack(self, story: Story) -> PackedStory:
        from ..digest import pack

        return pack.pack(story, self.budget, self.counter.count, self.counter.name)

    def plan(self, packed: Sequence[PackedStory], not_sent: int = 0) -> Plan:
        checks = 1 if self.engine.check_prompt is not None else 0
        calls = tuple(
            PlannedCall(
                n,
                p.story.id,
                len(p.story.articles),
                len(p.parts),
                p.tokens
                + self.overhead * len(p.parts)
                + checks * (p.tokens + self.overhead + CHECK_POINTS_ESTIMATE),
                p.trimmed,
                checks,
            )
            for n, p in enumerate(packed, start=1)
        )
        s = self.options.settings.llm
        return Plan(s.model, self.counter.name, calls, s.prices(), not_sent)

    def generate_all(self, packed: Sequence[PackedStory], report: Progress) -> list[StoryDigest]:
        from ..digest import generate

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
        from ..digest import generate
        from ..errors import BriefError

        try:
            return generate.overview(digests, self.engine), []
        except LLMFatalError:
            raise
        except BriefError as exc:
            return (), [Problem("overview", f"the overview was left out: {exc}")]

    def check_all(
        self, digests: Sequence[StoryDigest], packed: Sequence[PackedStory], report: Progress
    ) -> list[StoryDigest]:
        """The model check of every story's points, ``concurrency`` stories at a time. A
        story whose check fails keeps its points, marked not checked by the model."""
        from ..digest import generate

        if self.engine.check_prompt is None:
            return list(digests)
        by_story = {p.story.id: p for p in packed}
        results: list[StoryDigest] = list(digests)
        todo = [i for i, d in enumerate(digests) if d.status == "ok"]
        report("checks", 0, len(todo))
        pool = ThreadPoolExecutor(max_workers=self.options.settings.llm.concurrency)
        futures = {
            pool.submit(generate.check, digests[i], by_story[digests[i].story.id], self.engine): i
            for i in todo
        }
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                results[futures[future]] = future.result()
                report("checks", done, len(todo))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        self.checked = sum(
            1
            for d in results
            for section in d.sections
            for p in (*section.points, *section.disagreements)
            if p.model_check is not None
        )
        return results

    def translate_titles(
        self, digests: Sequence[StoryDigest], langs: Sequence[str]
    ) -> tuple[tuple[TranslatedTitle, ...], list[Problem]]:
        """The titles of the stories not written in full, translated in one batched call
        into a one-language document's language where a title is in another. A failure
        keeps the original titles (marked by language) and is reported."""
        from ..digest import generate
        from ..errors import BriefError
        from ..text import detect_lang

        if len(langs) != 1 or not digests:
            return (), []
        lang = langs[0]
        wanted: list[tuple[int, str]] = []
        ids: dict[int, str] = {}
        for n, digest in enumerate(digests, start=1):
            title = _own_title(digest)
            if title and detect_lang(title) != lang:
                wanted.append((n, title))
                ids[n] = digest.story.id
        if not wanted:
            return (), []
        try:
            found = generate.headlines(wanted, lang, self.engine)
        except LLMFatalError:
            raise
        except BriefError as exc:
            return (), [
                Problem(
                    "headlines",
                    f"the other stories' titles were not translated ({exc}); they are shown "
                    "in their own language.",
                )
            ]
        return tuple(TranslatedTitle(ids[n], lang, text) for n, text in found.items()), []

    def provenance(self) -> dict[str, object]:
        s = self.options.settings.llm
        return {
            "engine_version": __version__,
            "model": s.model,
            "base_url": mask_secrets(s.base_url) if s.base_url else None,
            "prompts": tuple(dict.fromkeys(self.engine.used)),  # threads may add one twice
            "tokenizer": self.counter.name,
            "parameters": (
                ("max_points", str(self.options.max_points)),
                ("input_budget", str(self.budget)),
                ("context_window", f"{self.window} ({self.window_source})"),
                ("model_check", "on" if self.engine.check_prompt else "off"),
                ("points_checked_by_model", str(self.checked)),
                ("run_id", self.run_id),
                ("cache", "on" if self.store else "off"),
            ),
        }


def _optional_prompt(prompts_module: ModuleType, task: str, version: int | None) -> Any:
    """A prompt the run can do without (merge, overview), unless the user pinned it."""
    from ..errors import PromptError

    try:
        return prompts_module.load(task, version)
    except PromptError:
        if version is not None:
            raise
        return None


def _guarded(fn: Callable[..., StoryDigest], packed: PackedStory, engine: Any) -> StoryDigest:
    """Any bug in one story fails that story only; endpoint-wide errors still propagate."""
    from ..errors import BriefError

    try:
        return fn(packed, engine)
    except LLMFatalError:
        raise
    except BriefError as exc:
        return failed_digest(packed.story, "llm", str(exc))
    except Exception as exc:  # one failed story never sinks the briefing
        log.exception("story %s failed", packed.story.id)
        return failed_digest(
            packed.story,
            "llm",
            f"internal error ({type(exc).__name__}: {exc}); please report it with the input files",
        )


def _own_title(digest: StoryDigest) -> str:
    """The story's own title: its (extractive) headline, else its first article's title."""
    for section in digest.sections:
        if section.headline is not None and section.headline.text.strip():
            return section.headline.text
    return digest.story.articles[0].title if digest.story.articles else ""


def failed_digest(story: Story, engine: str, error: str) -> StoryDigest:
    return StoryDigest(story=story, sections=(), engine=engine, status="failed", error=error)
