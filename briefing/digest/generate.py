"""Stage: the LLM engine. A packed story in, a bilingual digest with citations out.

Each story is sent with the ``story`` prompt; its answer is parsed and validated
(``answer.StoryAnswer``). An invalid answer gets exactly one re-ask that shows the model
its reply and the validation error; still invalid, the story is marked failed and the
briefing goes on. A story packed in several parts is summarised part by part, then the
parts are combined with the ``merge`` prompt, keeping citations to the original
articles. Valid answers are cached; every call is logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import AnswerError, LLMError, LLMFatalError
from ..models import PackedArticle, PackedStory, Point, PromptRef, Section, StoryDigest
from ..text import detect_lang
from . import answer as answers
from .cache import Store, cache_key
from .describe import story_facts
from .llm import LLMClient
from .prompts import Prompt

log = logging.getLogger(__name__)

ENGINE = "llm"


@dataclass(frozen=True, slots=True)
class Engine:
    """What a call needs besides the story: the client, prompts, cache and run id."""

    client: LLMClient
    story_prompt: Prompt
    merge_prompt: Prompt | None
    overview_prompt: Prompt | None
    store: Store | None
    run_id: str
    max_points: int = 6  # key points kept per language (the prompt asks for 3 to 7)
    base_url: str | None = None
    headlines_prompt: Prompt | None = None
    used: list[PromptRef] = field(default_factory=list)


def generate(packed: PackedStory, engine: Engine) -> StoryDigest:
    """Digest one story with the model. Endpoint-wide failures (a refused key, an
    unknown model) are raised; anything else fails only this story."""
    story = packed.story
    try:
        if len(packed.parts) == 1:
            result = _ask_story(packed.parts[0], packed, engine)
        else:
            partials = [_ask_story(part, packed, engine) for part in packed.parts]
            result = _merge(partials, packed, engine)
    except LLMFatalError:
        raise
    except (LLMError, AnswerError) as exc:
        return StoryDigest(
            story=story,
            sections=(),
            engine=ENGINE,
            status="failed",
            error=str(exc),
            trimmed=packed.trimmed,
        )
    return _digest(result, packed, engine.max_points)


def overview(digests: Sequence[StoryDigest], engine: Engine) -> tuple[Section, ...]:
    """A short bilingual summary of the stories that succeeded (none if under two)."""
    ok = [(n, d) for n, d in enumerate(digests, start=1) if d.status == "ok"]
    if len(ok) < 2 or engine.overview_prompt is None:
        return ()
    lines = []
    for number, digest in ok:
        for section in digest.sections:
            head = section.headline.text if section.headline else ""
            summary = section.summary.text if section.summary else ""
            lines.append(f"[{number}] ({section.lang}) {head} — {summary}")
    values = {"stories": "\n".join(lines), "schema": _schema("OverviewAnswer")}
    result = _ask(
        engine,
        engine.overview_prompt,
        values,
        "OverviewAnswer",
        {"stories": {n for n, _ in ok}},
        story_id=None,
    )
    return (
        Section(lang="ar", headline=None, summary=Point(result.ar, ())),
        Section(lang="en", headline=None, summary=Point(result.en, ())),
    )


def headlines(titles: Sequence[tuple[int, str]], lang: str, engine: Engine) -> dict[int, str]:
    """Numbered headlines translated into ``lang`` in one call (``headlines`` prompt),
    cached and logged like every call; {number: translation}. Raises ``LLMError`` or
    ``AnswerError`` when it cannot be done, so the caller keeps the original titles."""
    from . import headlines as headline_answers

    if not titles or engine.headlines_prompt is None:
        return {}
    values = {
        "headlines": "\n".join(f"[{n}] {' '.join(title.split())}" for n, title in titles),
        "language": headline_answers.NAMES.get(lang, lang),
        "schema": _schema("HeadlinesAnswer"),
    }
    result = _ask(
        engine,
        engine.headlines_prompt,
        values,
        "HeadlinesAnswer",
        {"numbers": {n for n, _ in titles}},
        story_id=None,
    )
    return {h.n: h.text for h in result.headlines}


# --- calls ---------------------------------------------------------------------------


def _ask_story(
    part: Sequence[PackedArticle], packed: PackedStory, engine: Engine
) -> answers.StoryAnswer:
    ids = [p.short_id for p in part]
    articles = "\n\n".join(p.block for p in part)
    return _story_call(engine, engine.story_prompt, ids, packed, articles=articles)


def _merge(
    partials: Sequence[answers.StoryAnswer], packed: PackedStory, engine: Engine
) -> answers.StoryAnswer:
    if engine.merge_prompt is None:
        raise AnswerError("the story is too large for one call and no merge prompt is available")
    ids = [p.short_id for p in packed.articles]
    parts = [{"part": i, "answer": p.model_dump()} for i, p in enumerate(partials, start=1)]
    partials_json = json.dumps(parts, ensure_ascii=False, indent=1)
    return _story_call(engine, engine.merge_prompt, ids, packed, partials=partials_json)


def _story_call(
    engine: Engine, prompt: Prompt, ids: Sequence[str], packed: PackedStory, **values: str
) -> answers.StoryAnswer:
    """Ask a prompt whose answer is a StoryAnswer citing only ``ids``."""
    values |= {
        "article_ids": ", ".join(ids),
        "schema": _schema("StoryAnswer"),
        "max_points": str(_asked(engine.max_points)),
    }
    return _ask(engine, prompt, values, "StoryAnswer", {"ids": set(ids)}, story_id=packed.story.id)


def _ask(
    engine: Engine,
    prompt: Prompt,
    values: dict[str, str],
    schema: str,
    context: dict[str, Any],
    story_id: str | None,
) -> Any:
    """One prompt, answered and validated: from the cache, or the model with one re-ask."""
    if prompt.ref not in engine.used:
        engine.used.append(prompt.ref)
    system, user = prompt.render(**values)
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    model = engine.client.endpoint.model
    key = cache_key(
        model=model, prompt=prompt.sha256, temperature=prompt.temperature, messages=messages
    )
    log_row = {
        "run_id": engine.run_id,
        "story_id": story_id,
        "prompt_id": prompt.id,
        "prompt_version": prompt.version,
        "prompt_sha256": prompt.sha256,
        "model": model,
        "base_url": engine.base_url,
    }
    store = engine.store
    cached = store.get(key) if store else None
    if cached is not None:
        try:
            result = answers.parse(cached.text, schema, context)
            store.log_call(
                **log_row,
                prompt_tokens=cached.prompt_tokens,  # type: ignore[union-attr]
                completion_tokens=cached.completion_tokens,
                latency=0.0,
                attempts=0,
                outcome="cache",
            )
            return result
        except answers.AnswerInvalid:
            log.info("cached answer no longer valid; asking again")
    error: str | None = None
    for ask in range(2):  # the answer, then at most one re-ask
        try:
            done = engine.client.complete(
                messages,
                schema=answers.json_schema(schema),
                schema_name=schema,
                temperature=prompt.temperature,
            )
        except LLMError as exc:
            if store:
                store.log_call(**log_row, outcome="error", error=str(exc)[:500])
            raise
        usage = {
            "prompt_tokens": done.prompt_tokens,
            "completion_tokens": done.completion_tokens,
            "latency": round(done.latency, 3),
            "attempts": done.attempts,
        }
        try:
            result = answers.parse(done.text, schema, context)
        except answers.AnswerInvalid as exc:
            error = str(exc)
            if done.finish_reason == "length":
                error += (
                    f" (the answer was cut off at the output limit after "
                    f"{done.completion_tokens} tokens: raise [llm] output_reserve)"
                )
            if store:
                store.log_call(**log_row, **usage, outcome="invalid", error=error[:500])
            log.info(
                "story %s: invalid answer (%s)%s",
                story_id,
                error,
                "; asking again" if ask == 0 else "",
            )
            messages = [
                *messages,
                {"role": "assistant", "content": done.text},
                {
                    "role": "user",
                    "content": f"Your answer is not valid: {error}. Reply again "
                    "with only the corrected JSON object, following every rule.",
                },
            ]
            continue
        if store:
            store.log_call(**log_row, **usage, outcome="ok")
            store.put(
                key,
                model=model,
                prompt_id=prompt.id,
                prompt_sha256=prompt.sha256,
                text=done.text,
                prompt_tokens=done.prompt_tokens,
                completion_tokens=done.completion_tokens,
            )
        return result
    raise AnswerError(f"The model's answer was invalid twice ({error}).")


def _asked(wanted: int) -> int:
    """The most key points the prompt asks for: the user's number, within 3 to 7."""
    return min(max(wanted, 3), answers.MAX_POINTS)


def _schema(name: str) -> str:
    return json.dumps(answers.json_schema(name), ensure_ascii=False)


# --- answer to digest ----------------------------------------------------------------


def _digest(result: answers.StoryAnswer, packed: PackedStory, max_points: int) -> StoryDigest:
    to_id = {p.short_id: p.article.id for p in packed.articles}

    def cite(ids: Sequence[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(to_id[i] for i in ids if i in to_id))

    disagreements = {
        lang: tuple(Point(getattr(d, lang), cite(d.citations)) for d in result.disagreements)
        for lang in ("ar", "en")
    }
    # A quote is shown in the section of the language it is written in (quotes are never
    # translated), whichever section the model put it in.
    quotes: dict[str, list[Point]] = {"ar": [], "en": []}
    for home in ("ar", "en"):
        for q in getattr(result, home).quotes:
            lang = detect_lang(q.text)
            point = Point(q.text, cite([q.article]), quote_of=to_id.get(q.article),
                          speaker=q.speaker or None)  # fmt: skip
            quotes[lang if lang in quotes else home].append(point)
    sections = []
    for lang in ("ar", "en"):
        part: answers.LangAnswer = getattr(result, lang)
        every = cite([c for kp in part.key_points for c in kp.citations])
        points = [Point(kp.text, cite(kp.citations)) for kp in part.key_points[:max_points]]
        points += quotes[lang]
        sections.append(
            Section(
                lang=lang,
                headline=Point(part.headline, every),
                summary=Point(part.summary, every),
                points=tuple(points),
                disagreements=disagreements[lang],
                facts=story_facts(lang, packed.story),
            )
        )
    return StoryDigest(
        story=packed.story, sections=tuple(sections), engine=ENGINE, trimmed=packed.trimmed
    )
