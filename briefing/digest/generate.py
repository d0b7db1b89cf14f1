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
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import AnswerError, LLMError, LLMFatalError
from ..models import (
    Article,
    Evidence,
    Flag,
    PackedArticle,
    PackedStory,
    Point,
    PromptRef,
    Section,
    StoryDigest,
)
from ..text import detect_lang
from . import answer as answers
from . import evidence as sentences
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
    check_prompt: Prompt | None = None  # the model check of each point; None: not checked


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
    articles = "\n\n".join(p.block for p in part)
    return _story_call(engine, engine.story_prompt, part, packed, articles=articles)


def _merge(
    partials: Sequence[answers.StoryAnswer], packed: PackedStory, engine: Engine
) -> answers.StoryAnswer:
    if engine.merge_prompt is None:
        raise AnswerError("the story is too large for one call and no merge prompt is available")
    parts = [{"part": i, "answer": p.model_dump()} for i, p in enumerate(partials, start=1)]
    partials_json = json.dumps(parts, ensure_ascii=False, indent=1)
    return _story_call(engine, engine.merge_prompt, packed.articles, packed, partials=partials_json)


def _story_call(
    engine: Engine,
    prompt: Prompt,
    cited: Sequence[PackedArticle],
    packed: PackedStory,
    **values: str,
) -> answers.StoryAnswer:
    """Ask a prompt whose answer is a StoryAnswer citing only the ``cited`` articles and
    their sentences."""
    ids = [p.short_id for p in cited]
    values |= {
        "article_ids": ", ".join(ids),
        "schema": _schema("StoryAnswer"),
        "max_points": str(_asked(engine.max_points)),
    }
    context = {
        "ids": set(ids),
        "sentences": {p.short_id: len(sentences.sentences(p.article)) for p in cited},
    }
    return _ask(engine, prompt, values, "StoryAnswer", context, story_id=packed.story.id)


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
            if ask == 1:
                # still invalid after the re-ask: let point-level faults through for
                # verify to flag or leave out on the page, rather than lose the story
                try:
                    result = answers.parse(done.text, schema, context | {"lenient": True})
                except answers.AnswerInvalid:
                    pass
                else:
                    log.info("story %s: taking the re-asked answer with its faults flagged",
                             story_id)  # fmt: skip
                    if store:
                        store.log_call(**log_row, **usage, outcome="invalid", error=error[:500])
                    return result
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
        _record(store, log_row, usage, key, model, prompt, done)
        return result
    raise AnswerError(f"The model's answer was invalid twice ({error}).")


def _record(
    store: Store | None,
    log_row: dict[str, Any],
    usage: dict[str, Any],
    key: str,
    model: str,
    prompt: Prompt,
    done: Any,
) -> None:
    """Log a valid answer and cache it."""
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


def _asked(wanted: int) -> int:
    """The most key points the prompt asks for: the user's number, within 3 to 7."""
    return min(max(wanted, 3), answers.MAX_POINTS)


def _schema(name: str) -> str:
    return json.dumps(answers.json_schema(name), ensure_ascii=False)


# --- answer to digest ----------------------------------------------------------------


def _digest(result: answers.StoryAnswer, packed: PackedStory, max_points: int) -> StoryDigest:
    to_id = {p.short_id: p.article.id for p in packed.articles}
    by_short = {p.short_id: p.article for p in packed.articles}

    def cite(ids: Sequence[str]) -> tuple[str, ...]:
        """Article ids; an id the story lacks (let through on the last answer) is kept
        as ``?A9`` for verify to remove and flag."""
        return tuple(dict.fromkeys(to_id.get(i, f"?{i}") for i in ids))

    def point(text: str, citations: Sequence[str], refs: Sequence[str]) -> Point:
        found = _evidence(refs, by_short)
        cited = cite(citations) + tuple(e.article_id for e in found)
        flags = []
        if len(found) < len(refs):
            flags.append(UNKNOWN_SENTENCE)
        if not citations and found:
            flags.append(NO_CITATION)
        return Point(text, tuple(dict.fromkeys(cited)), evidence=found, flags=tuple(flags))

    disagreements = {
        lang: tuple(point(getattr(d, lang), d.citations, d.evidence) for d in result.disagreements)
        for lang in ("ar", "en")
    }
    # A quote is shown in the section of the language it is written in (quotes are never
    # translated), whichever section the model put it in.
    quotes: dict[str, list[Point]] = {"ar": [], "en": []}
    for home in ("ar", "en"):
        for q in getattr(result, home).quotes:
            lang = detect_lang(q.text)
            source = to_id.get(q.article, f"?{q.article}")
            quoted = Point(q.text, cite([q.article]), quote_of=source, speaker=q.speaker or None)
            quotes[lang if lang in quotes else home].append(quoted)
    sections = []
    for lang in ("ar", "en"):
        part: answers.LangAnswer = getattr(result, lang)
        kept = part.key_points[:max_points]
        points = [point(kp.text, kp.citations, kp.evidence) for kp in kept]
        every = tuple(dict.fromkeys(c for p in points for c in p.citations if c[0] != "?"))
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


UNKNOWN_SENTENCE = Flag(
    "citation",
    "it named a source sentence that does not exist",
    "أحالت إلى جملة غير موجودة في المصادر",
)


NO_CITATION = Flag(
    "citation",
    "it cited no article; its sources are the sentences it names",
    "لم تُحِل إلى أي مقال؛ مصادرها هي الجمل التي أشارت إليها",
)


def _evidence(refs: Sequence[str], articles: dict[str, Article]) -> tuple[Evidence, ...]:
    """The sentences named by ids such as ``A2.4`` that exist."""
    found: list[Evidence] = []
    for ref in refs:
        parsed = sentences.parse_id(ref)
        if parsed and parsed[0] in articles:
            hit = sentences.lookup(articles[parsed[0]], parsed[1])
            if hit is not None and hit not in found:
                found.append(hit)
    return tuple(found)


# --- the model check -----------------------------------------------------------------

VERDICT_NOTES = {
    "partly": (
        "The model check found it only partly supported",
        "وجد فحص النموذج أنها مدعومة جزئياً فقط",
    ),
    "unsupported": ("The model check found no support for it", "لم يجد فحص النموذج ما يدعمها"),
    "contradicted": (
        "The model check found another article contradicting it",
        "وجد فحص النموذج مقالاً آخر يناقضها",
    ),
}


def check(digest: StoryDigest, packed: PackedStory, engine: Engine) -> StoryDigest:
    """Ask the model, in one call, whether each point's evidence supports it. A failed
    call leaves every point unchecked by the model (``model_check`` None); endpoint-wide
    failures are raised."""
    if engine.check_prompt is None or digest.status != "ok":
        return digest
    numbered: list[tuple[str, int, str, int]] = []  # (id, section, field, position)
    payload = []
    for s_index, section in enumerate(digest.sections):
        for name in ("headline", "summary", "points", "disagreements"):
            items = getattr(section, name)
            items = (items,) if name in {"headline", "summary"} else items
            for position, p in enumerate(items):
                if p is None:
                    continue
                if p.quote_of is not None:
                    continue  # quotes are checked word for word against their article
                pid = f"P{len(numbered) + 1}"
                numbered.append((pid, s_index, name, position))
                payload.append(
                    {
                        "id": pid,
                        "section": section.lang,
                        "text": p.text,
                        "evidence": [
                            {"id": _short_ref(e, packed), "text": e.text} for e in p.evidence
                        ],
                    }
                )
    if not numbered:
        return digest
    values = {
        "articles": "\n\n".join(p.block for p in packed.articles),
        "points": json.dumps(payload, ensure_ascii=False, indent=1),
        "schema": _schema("CheckAnswer"),
    }
    try:
        result = _ask(
            engine,
            engine.check_prompt,
            values,
            "CheckAnswer",
            {"points": [n[0] for n in numbered]},
            story_id=packed.story.id,
        )
    except LLMFatalError:
        raise
    except (LLMError, AnswerError) as exc:
        log.warning(
            "story %s: the model check failed (%s); its points are not checked by the model",
            packed.story.id,
            exc,
        )
        return digest
    verdicts = {c.id: c for c in result.points}
    lists = {
        (i, name): [getattr(section, name)]
        if name in {"headline", "summary"}
        else list(getattr(section, name))
        for i, section in enumerate(digest.sections)
        for name in ("headline", "summary", "points", "disagreements")
    }
    for pid, s_index, name, position in numbered:
        verdict = verdicts[pid]
        p = lists[s_index, name][position]
        flags = p.flags
        if verdict.verdict in VERDICT_NOTES:
            en, ar = VERDICT_NOTES[verdict.verdict]
            flag = Flag("model", _join(en, verdict.reason_en), _join(ar, verdict.reason_ar))
            flags = (*flags, flag)
        lists[s_index, name][position] = replace(p, model_check=verdict.verdict, flags=flags)
    return replace(
        digest,
        sections=tuple(
            replace(
                section,
                headline=lists[i, "headline"][0],
                summary=lists[i, "summary"][0],
                points=tuple(lists[i, "points"]),
                disagreements=tuple(lists[i, "disagreements"]),
            )
            for i, section in enumerate(digest.sections)
        ),
    )


def _join(lead: str, reason: str) -> str:
    reason = reason.strip().rstrip(".")
    return f"{lead}: {reason}." if reason else f"{lead}."


def _short_ref(evidence: Evidence, packed: PackedStory) -> str:
    short = next((p.short_id for p in packed.articles if p.article.id == evidence.article_id), "")
    return f"{short}.{evidence.sentence}"
