"""The shape of the model's answers, validated with pydantic, and how to find the JSON.

Not a stage: ``generate`` uses it to parse and check what the model wrote. Article ids
in an answer are the short ids the prompt gave (``A1``, ``A2``…) and sentence ids
(``A2.4``); an id the story does not have is a validation error, so the model is asked
again with the error, and so is a section, or a single point, not written in its
language (the second answer is then taken as it is, and the point is flagged).

What a model commonly varies without meaning anything different is normalised rather
than refused, since a refusal costs a re-ask and often the story: ids written ``a1``,
``1`` or ``"A1, A2"``, ``null`` for an empty list, and extra keys (ignored — a
deliberate exception to the house rule of ``extra="forbid"``, which here would fail
stories over harmless additions).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..safety import safe_text
from ..text import detect_lang

MAX_POINTS = 7

_THINK = re.compile(r"<think(?:ing)?>.*?</think(?:ing)?>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


class AnswerInvalid(ValueError):
    """The model's text is not a valid answer; ``str()`` is what the model is told."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


def _id_list(value: Any) -> Any:
    """``"A1, A2"``, ``["a1", 2]`` or ``"[A1]"`` -> ``["A1", "A2"]`` (order kept, no repeats)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, bool):
            out.append(str(item))
            continue
        if isinstance(item, int):
            item = f"A{item}"
        if isinstance(item, str):
            for piece in re.split(r"[,\s;]+", item.strip().strip("[]")):
                piece = piece.strip("[]()")
                if piece:
                    out.append(piece.upper() if re.fullmatch(r"[aA]\d+", piece) else piece)
        else:
            out.append(item)
    return list(dict.fromkeys(out))


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


def _lenient(info: ValidationInfo | Any) -> bool:
    """The last chance of an answer still invalid after the re-ask: point-level faults
    (unknown ids, a missing citation, a sentence in the wrong language) are let through
    for ``verify`` to flag or leave out on the page, instead of losing the whole story."""
    return bool((info.context or {}).get("lenient"))


def _check_ids(value: list[str], info: ValidationInfo) -> list[str]:
    valid = (info.context or {}).get("ids")
    cleaned = [v.strip() for v in value]
    if valid is not None and not _lenient(info):
        unknown = [v for v in cleaned if v not in valid]
        if unknown:
            raise ValueError(
                f"unknown article id(s) {', '.join(unknown)}; cite only {', '.join(sorted(valid))}"
            )
    return cleaned


def _sentence_ids(value: Any) -> Any:
    """``"A2.4, a3:1"`` or ``["A2.4"]`` -> ``["A2.4", "A3.1"]``; null -> []."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        for piece in re.split(r"[,;\s]+", str(item).strip().strip("[]")):
            piece = piece.strip("[]()")
            match = re.fullmatch(r"[aA](\d+)\s*[.:#]\s*(\d+)", piece)
            if match:
                out.append(f"A{match.group(1)}.{match.group(2)}")
            elif piece:
                out.append(piece)
    return list(dict.fromkeys(out))


def _check_sentences(value: list[str], info: ValidationInfo) -> list[str]:
    """Every id names a sentence the story's articles have (``sentences``: short article
    id -> how many numbered sentences it has, title included)."""
    counts = (info.context or {}).get("sentences")
    if counts is None or _lenient(info):
        return value
    bad = []
    for ref in value:
        match = re.fullmatch(r"(A\d+)\.(\d+)", ref)
        if (
            not match
            or match.group(1) not in counts
            or int(match.group(2)) >= counts[match.group(1)]
        ):
            bad.append(ref)
    if bad:
        raise ValueError(
            f"unknown sentence id(s) {', '.join(bad)}: use only ids shown in the articles, "
            "such as A1.2"
        )
    return value


def _in_language(text: str, info: ValidationInfo) -> str:
    """A point written in the other language than its section's is refused while the
    context asks for it (``lang`` is set per section by ``LangAnswer``)."""
    context = info.context or {}
    lang = context.get("section_lang")
    if lang and not context.get("lenient") and _letters(text) >= 12:
        written = detect_lang(text)
        if written in {"ar", "en"} and written != lang:
            name = {"ar": "Arabic", "en": "English"}[lang]
            raise ValueError(f"this sentence is not in {name}, the language of its section")
    return text


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _cited(value: list[str], info: ValidationInfo) -> list[str]:
    if not value and not _lenient(info):
        raise ValueError("cite at least one article id")
    return value


class KeyPoint(_Strict):
    text: str = Field(min_length=1)
    citations: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)

    _at_least_one = field_validator("citations")(_cited)

    _normal = field_validator("citations", mode="before")(_id_list)
    _ids = field_validator("citations")(_check_ids)
    _evidence_normal = field_validator("evidence", mode="before")(_sentence_ids)
    _evidence = field_validator("evidence")(_check_sentences)


class Quote(_Strict):
    text: str = Field(min_length=1)
    article: str
    speaker: str | None = None

    @field_validator("article", mode="before")
    @classmethod
    def _one_id(cls, value: Any) -> Any:
        ids = _id_list(value)
        return ids[0] if len(ids) == 1 else value

    @field_validator("article")
    @classmethod
    def _known(cls, value: str, info: ValidationInfo) -> str:
        return _check_ids([value], info)[0]


class LangAnswer(_Strict):
    headline: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    key_points: list[KeyPoint] = Field(min_length=1, max_length=MAX_POINTS)
    quotes: list[Quote] = Field(default_factory=list)

    _lists = field_validator("quotes", mode="before")(_none_as_empty)

    @field_validator("key_points", "quotes", mode="before")
    @classmethod
    def _last_chance(cls, value: Any, info: ValidationInfo) -> Any:
        """On the lenient last answer, a point with no text is dropped and points past
        the limit are cut, rather than losing the story for them."""
        if not _lenient(info) or not isinstance(value, list):
            return value
        kept = [v for v in value if isinstance(v, dict) and str(v.get("text") or "").strip()]
        return kept[:MAX_POINTS] if info.field_name == "key_points" else kept

    @model_validator(mode="after")
    def _points_in_language(self, info: ValidationInfo) -> LangAnswer:
        lang = (info.context or {}).get("_section")
        if lang:
            context = {**(info.context or {}), "section_lang": lang}
            for n, point in enumerate(self.key_points):
                try:
                    _in_language(point.text, _Info(context))
                except ValueError as exc:
                    raise ValueError(f"{lang}.key_points.{n}: {exc}") from None
            for field_name in ("headline", "summary"):
                try:
                    _in_language(getattr(self, field_name), _Info(context))
                except ValueError as exc:
                    raise ValueError(f"{lang}.{field_name}: {exc}") from None
        return self

    def written_in(self) -> str:
        """The language its own text (not the quotes) is written in."""
        return detect_lang(
            " ".join([self.headline, self.summary, *(k.text for k in self.key_points)])
        )


class Disagreement(_Strict):
    ar: str = Field(min_length=1)
    en: str = Field(min_length=1)
    citations: list[str] = Field(default_factory=list)  # one article may report both sides
    evidence: list[str] = Field(default_factory=list)

    _normal = field_validator("citations", mode="before")(_id_list)
    _ids = field_validator("citations")(_check_ids)
    _at_least_one = field_validator("citations")(_cited)
    _evidence_normal = field_validator("evidence", mode="before")(_sentence_ids)
    _evidence = field_validator("evidence")(_check_sentences)


class _Info:
    """The ``context`` of a ValidationInfo, for checks run by hand inside a validator."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context


class StoryAnswer(_Strict):
    ar: LangAnswer
    en: LangAnswer
    disagreements: list[Disagreement] = Field(default_factory=list)

    _lists = field_validator("disagreements", mode="before")(_none_as_empty)

    @model_validator(mode="before")
    @classmethod
    def _sections_know_their_language(cls, data: Any, info: ValidationInfo) -> Any:
        """Each section is validated knowing its language (for the per-point check)."""
        if isinstance(data, dict) and info.context is not None:
            for lang in ("ar", "en"):
                section = data.get(lang)
                if isinstance(section, dict):
                    data = {**data, lang: LangAnswer.model_validate(
                        section, context={**info.context, "_section": lang}
                    )}  # fmt: skip
        return data

    @model_validator(mode="after")
    def _languages(self) -> StoryAnswer:
        for lang, name in (("ar", "Arabic"), ("en", "English")):
            if getattr(self, lang).written_in() != lang:
                raise ValueError(f"the '{lang}' section must be written in {name}")
        return self


class OverviewAnswer(_Strict):
    ar: str = Field(min_length=1)
    en: str = Field(min_length=1)
    stories: list[int] = Field(default_factory=list)

    _lists = field_validator("stories", mode="before")(_none_as_empty)

    @field_validator("stories")
    @classmethod
    def _known_stories(cls, value: list[int], info: ValidationInfo) -> list[int]:
        """Numbers of stories that do not exist are dropped: the list only orders the
        overview's references, it is never shown, and is no reason to lose the overview."""
        valid = (info.context or {}).get("stories")
        return value if valid is None else [v for v in value if v in valid]


class PointCheck(_Strict):
    id: str
    verdict: str
    reason_en: str = ""
    reason_ar: str = ""

    @field_validator("verdict", mode="before")
    @classmethod
    def _verdict(cls, value: Any) -> Any:
        """ "Partly supported", "not_supported"… -> the four verdicts."""
        text = re.sub(r"[\s_\-]+", " ", str(value).strip().casefold())
        aliases = {
            "supported": "supported", "fully supported": "supported", "yes": "supported",
            "partly": "partly", "partly supported": "partly", "partially supported": "partly",
            "partial": "partly", "partially": "partly",
            "unsupported": "unsupported", "not supported": "unsupported", "no": "unsupported",
            "contradicted": "contradicted", "contradicts": "contradicted",
        }  # fmt: skip
        if text not in aliases:
            raise ValueError("verdict must be supported, partly, unsupported or contradicted")
        return aliases[text]


class CheckAnswer(_Strict):
    points: list[PointCheck]

    @field_validator("points")
    @classmethod
    def _every_point(cls, value: list[PointCheck], info: ValidationInfo) -> list[PointCheck]:
        wanted = (info.context or {}).get("points")
        if wanted is not None:
            given = {p.id for p in value}
            missing = [p for p in wanted if p not in given]
            if missing:
                raise ValueError(f"no verdict for point(s) {', '.join(missing)}")
        return value


SCHEMAS: dict[str, type[BaseModel]] = {
    "StoryAnswer": StoryAnswer,
    "OverviewAnswer": OverviewAnswer,
    "CheckAnswer": CheckAnswer,
}


@functools.cache
def json_schema(name: str) -> dict[str, Any]:
    """The JSON schema sent with every request: built once, not per call."""
    return SCHEMAS[name].model_json_schema()


def extract_json(text: str) -> Any:
    """The JSON object in a model's reply: reasoning blocks and code fences are removed,
    and surrounding prose is tolerated."""
    text = _THINK.sub("", text)
    lower = text.lower()
    if "</think>" in lower:  # a closing tag without its opening one: the answer follows it
        text = text[lower.rfind("</think>") + len("</think>") :]
    elif "<think>" in lower:  # reasoning cut off before it closed: only what precedes counts
        text = text[: lower.find("<think>")]
    text = text.strip()
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    try:
        return json.loads(text)
    except RecursionError:
        raise AnswerInvalid(
            "the JSON is nested too deeply: answer with the schema's shape"
        ) from None
    except json.JSONDecodeError:
        pass
    start = text.find("{")
    while start != -1:
        try:
            value, _ = json.JSONDecoder().raw_decode(text[start:])
            return value
        except RecursionError:
            break
        except json.JSONDecodeError:
            start = text.find("{", start + 1)
    raise AnswerInvalid("the reply is not JSON: answer with one JSON object and nothing else")


def _cleaned(value: Any) -> Any:
    """Every string of a parsed answer made safe: a key or a bidi control the model
    wrote as a JSON escape (``\\u202e``) is only a character once parsed."""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    return value


def parse(text: str, schema: str, context: dict[str, Any]) -> BaseModel:
    """Validate a reply against a schema; ``AnswerInvalid`` says what to fix."""
    data = _cleaned(extract_json(text))
    try:
        return SCHEMAS[schema].model_validate(data, context=context)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:8]:
            where = ".".join(str(p) for p in err["loc"]) or "(top level)"
            problems.append(f"{where}: {err['msg']}")
        raise AnswerInvalid("the JSON does not match the schema: " + "; ".join(problems)) from exc
