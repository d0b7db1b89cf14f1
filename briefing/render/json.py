"""Render a briefing as JSON data (schema ``brief.briefing/1``).

Every story is here in full, whether or not the documents write it in full (``in_full``
says which do, after ``--top``); every point carries its ``flags`` (``{check, en, ar}``,
empty when every check passed), its ``evidence`` (the source sentences it rests on) and
``model_check`` (the model's verdict, or null when no model checked it).

The keys come in a fixed, deliberate order (``schema`` first), the text is UTF-8
(``ensure_ascii=False``) and indented by two spaces, so the output is stable and
diffable. Citations are given twice: as article ids (``citations``) and, in the same
order, as the numbers printed ``[n]`` (``cite_numbers``; ``null`` for an id that is not
in the sources, which the verify stage should never let through).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Any

from ..models import (
    Article,
    Briefing,
    Duplicate,
    Point,
    Problem,
    Provenance,
    Section,
    StoryDigest,
)
from .common import Layout
from .outline import check_counts

SCHEMA = "brief.briefing/1"

Json = dict[str, Any]


def render(briefing: Briefing, layout: Layout | None = None) -> str:
    """The briefing as a JSON document, ending with a newline."""
    layout = layout or Layout()
    numbering = briefing.numbering()
    full = layout.in_full(len(briefing.stories))
    checked, flagged, dropped, by_model = check_counts(briefing)
    data: Json = {
        "schema": SCHEMA,
        "date": briefing.date,
        "layout": {"top": layout.top, "langs": list(layout.langs)},
        "notice": asdict(briefing.notice) if briefing.notice else None,
        "checks": {
            "points": checked,
            "flagged": flagged,
            "left_out": dropped,
            "by_model": by_model,
        },
        "overview": [_section(s, numbering) for s in briefing.overview],
        "stories": [
            _story(n, digest, numbering, n <= full)
            for n, digest in enumerate(briefing.stories, start=1)
        ],
        "sources": [_source(n, a) for n, a in enumerate(briefing.sources, start=1)],
        "duplicates": [_duplicate(d, numbering) for d in briefing.duplicates],
        "problems": [_problem(p) for p in briefing.problems],
        "quarantined": [asdict(q) for q in briefing.quarantined],
        "translated_titles": [
            {**asdict(t), "machine_translated": True} for t in briefing.translated_titles
        ],
        "provenance": _provenance(briefing.provenance),
    }
    return _dumps(data) + "\n"


# Where orjson writes a number otherwise than json.dumps: below 1e-4 it writes 0.00001 and
# 1e-7 for 1e-05 and 1e-07. Text that may hold one (even inside a string) is written again
# by json.dumps. Literal searches first: a pattern with a look-behind is tried at every
# position, 2.3 s on a 48 MB briefing.
_SHORT_EXPONENT = re.compile(r"e-\d(?!\d)")


def _maybe_otherwise(text: str) -> bool:
    if "0.0000" in text:
        return True
    return any(text[m.start() - 1 : m.start()].isdigit() for m in _SHORT_EXPONENT.finditer(text))


def _dumps(data: Json) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)``, by orjson: the same text (tests
    hold them equal) six times faster, which counts for a 50 MB briefing. What orjson
    refuses (an integer past 64 bits, a non-text key) or may write otherwise (a number
    below 1e-4) goes to ``json.dumps``. A NaN or infinite number, which no briefing
    field holds, would be written ``null`` (valid JSON) where ``json.dumps`` writes
    ``NaN``."""
    import orjson

    try:
        text = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(data, ensure_ascii=False, indent=2)
    if _maybe_otherwise(text):
        return json.dumps(data, ensure_ascii=False, indent=2)
    return text


def _point(point: Point | None, numbering: dict[str, int]) -> Json | None:
    if point is None:
        return None
    return {
        "text": point.text,
        "citations": list(point.citations),
        "cite_numbers": [numbering.get(article_id) for article_id in point.citations],
        "quote_of": point.quote_of,
        "speaker": point.speaker,
        "flags": [asdict(f) for f in point.flags],
        "evidence": [asdict(e) for e in point.evidence],
        "model_check": point.model_check,
    }


def _problem(problem: Problem) -> Json:
    return {
        "where": problem.where,
        "message": problem.message,
        "ar": problem.ar,
        "severity": problem.severity,
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


def _story(number: int, digest: StoryDigest, numbering: dict[str, int], in_full: bool) -> Json:
    update = digest.update
    return {
        "number": number,
        "id": digest.story.id,
        "in_full": in_full,
        "update": (
            {
                "previous_date": update.previous_date,
                "previous_headline": update.previous_headline,
                "new_article_ids": list(update.new_article_ids),
                "new_cite_numbers": [numbering.get(i) for i in update.new_article_ids],
            }
            if update
            else None
        ),
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
