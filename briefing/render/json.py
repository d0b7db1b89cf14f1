"""Render a briefing as JSON data (schema ``brief.briefing/1``).

The keys come in a fixed, deliberate order (``schema`` first), the text is UTF-8
(``ensure_ascii=False``) and indented by two spaces, so the output is stable and
diffable. Citations are given twice: as article ids (``citations``) and, in the same
order, as the numbers printed ``[n]`` (``cite_numbers``; ``null`` for an id that is not
in the sources, which the verify stage should never let through).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from ..models import (
    Article,
    Briefing,
    Duplicate,
    Point,
    Provenance,
    Section,
    StoryDigest,
)

SCHEMA = "brief.briefing/1"

Json = dict[str, Any]


def render(briefing: Briefing) -> str:
    """The briefing as a JSON document, ending with a newline."""
    numbering = briefing.numbering()
    data: Json = {
        "schema": SCHEMA,
        "date": briefing.date,
        "notice": asdict(briefing.notice) if briefing.notice else None,
        "overview": [_section(s, numbering) for s in briefing.overview],
        "stories": [
            _story(n, digest, numbering) for n, digest in enumerate(briefing.stories, start=1)
        ],
        "sources": [_source(n, a) for n, a in enumerate(briefing.sources, start=1)],
        "duplicates": [_duplicate(d, numbering) for d in briefing.duplicates],
        "problems": [
            {"where": p.where, "message": p.message, "severity": p.severity}
            for p in briefing.problems
        ],
        "provenance": _provenance(briefing.provenance),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _point(point: Point | None, numbering: dict[str, int]) -> Json | None:
    if point is None:
        return None
    return {
        "text": point.text,
        "citations": list(point.citations),
        "cite_numbers": [numbering.get(article_id) for article_id in point.citations],
        "quote_of": point.quote_of,
        "speaker": point.speaker,
    }


def _section(section: Section, numbering: dict[str, int]) -> Json:
    return {
        "lang": section.lang,
        "headline": _point(section.headline, numbering),
        "summary": _point(section.summary, numbering),
        "points": [_point(p, numbering) for p in section.points],
        "disagreements": [_point(p, numbering) for p in section.disagreements],
        "facts": list(section.facts),
        "note": section.note,
    }


def _story(number: int, digest: StoryDigest, numbering: dict[str, int]) -> Json:
    return {
        "number": number,
        "id": digest.story.id,
        "status": digest.status,
        "error": digest.error,
        "engine": digest.engine,
        "article_ids": [article.id for article in digest.story.articles],
        "sections": [_section(s, numbering) for s in digest.sections],
        "trimmed": [
            {"article_id": article_id, "cite_number": numbering.get(article_id), "percent": pct}
            for article_id, pct in digest.trimmed
        ],
    }


def _source(number: int, article: Article) -> Json:
    return {
        "number": number,
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published,
        "lang": article.lang,
        "origin": article.origin,
        "mentioned_dates": list(article.mentioned_dates),
    }


def _duplicate(duplicate: Duplicate, numbering: dict[str, int]) -> Json:
    dropped = duplicate.dropped
    return {
        "dropped_id": dropped.id,
        "dropped_title": dropped.title,
        "dropped_origin": dropped.origin,
        "kept_id": duplicate.kept_id,
        "kept_number": numbering.get(duplicate.kept_id),
        "kind": duplicate.kind,
        "similarity": duplicate.similarity,
    }


def _provenance(prov: Provenance) -> Json:
    return {
        "tool_version": prov.tool_version,
        "engine": prov.engine,
        "engine_version": prov.engine_version,
        "model": prov.model,
        "base_url": prov.base_url,
        "prompts": [asdict(p) for p in prov.prompts],
        "tokenizer": prov.tokenizer,
        "parameters": [{"name": k, "value": v} for k, v in prov.parameters],
        "created_at": prov.created_at,
        "inputs": [asdict(i) for i in prov.inputs],
    }
