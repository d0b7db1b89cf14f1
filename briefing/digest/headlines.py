"""The answer to the ``headlines`` prompt: headlines translated in one batched call.

Not a stage: ``generate.headlines`` asks the prompt, and this module says what a valid
answer is. The model is given numbered headlines and must give back one translation per
number; a missing or unknown number, or an empty text, is a validation error (so the
model is asked once again with the error). Importing this module registers the schema
``HeadlinesAnswer`` with ``answer.SCHEMAS``, by which prompts name their output.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from . import answer

NAMES = {"ar": "Modern Standard Arabic", "en": "English"}


class Headline(BaseModel):
    model_config = ConfigDict(extra="ignore")

    n: int
    text: str = Field(min_length=1, max_length=400)

    @field_validator("text")
    @classmethod
    def _one_line(cls, value: str) -> str:
        text = " ".join(value.split()).strip("\"'“”«» ")
        if not text:
            raise ValueError("a headline's text is empty")
        return text


class HeadlinesAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    headlines: list[Headline]

    @field_validator("headlines")
    @classmethod
    def _every_number(cls, value: list[Headline], info: ValidationInfo) -> list[Headline]:
        wanted = (info.context or {}).get("numbers")
        if wanted is None:
            return value
        given = {h.n for h in value}
        missing = sorted(set(wanted) - given)
        if missing:
            raise ValueError(
                f"headlines {', '.join(map(str, missing))} are missing: translate every one"
            )
        return [h for h in value if h.n in wanted]


answer.SCHEMAS.setdefault("HeadlinesAnswer", HeadlinesAnswer)
