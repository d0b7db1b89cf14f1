"""The shape of the model's answers, validated with pydantic, and how to find the JSON.

Not a stage: ``generate`` uses it to parse and check what the model wrote. Article ids
in an answer are the short ids the prompt gave (``A1``, ``A2``…); an id the story does
not have is a validation error, so the model is asked again with the error, and so is a
section not written in its language.

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


def _check_ids(value: list[str], info: ValidationInfo) -> list[str]:
    valid = (info.context or {}).get("ids")
    cleaned = [v.strip() for v in value]
    if valid is not None:
        unknown = [v for v in cleaned if v not in valid]
        if unknown:
            raise ValueError(
                f"unknown article id(s) {', '.join(unknown)}; cite only {', '.join(sorted(valid))}"
            )
    return cleaned


class KeyPoint(_Strict):
    text: str = Field(min_length=1)
    citations: list[str] = Field(min_length=1)

    _normal = field_validator("citations", mode="before")(_id_list)
    _ids = field_validator("citations")(_check_ids)


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

    def written_in(self) -> str:
        """The language its own text (not the quotes) is written in."""
        return detect_lang(
            " ".join([self.headline, self.summary, *(k.text for k in self.key_points)])
        )


class Disagreement(_Strict):
    ar: str = Field(min_length=1)
    en: str = Field(min_length=1)
    citations: list[str] = Field(min_length=1)  # one article may report both sides

    _normal = field_validator("citations", mode="before")(_id_list)
    _ids = field_validator("citations")(_check_ids)


class StoryAnswer(_Strict):
    ar: LangAnswer
    en: LangAnswer
    disagreements: list[Disagreement] = Field(default_factory=list)

    _lists = field_validator("disagreements", mode="before")(_none_as_empty)

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


SCHEMAS: dict[str, type[BaseModel]] = {"StoryAnswer": StoryAnswer, "OverviewAnswer": OverviewAnswer}


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


def parse(text: str, schema: str, context: dict[str, Any]) -> BaseModel:
    """Validate a reply against a schema; ``AnswerInvalid`` says what to fix."""
    data = extract_json(text)
    try:
        return SCHEMAS[schema].model_validate(data, context=context)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:8]:
            where = ".".join(str(p) for p in err["loc"]) or "(top level)"
            problems.append(f"{where}: {err['msg']}")
        raise AnswerInvalid("the JSON does not match the schema: " + "; ".join(problems)) from exc
