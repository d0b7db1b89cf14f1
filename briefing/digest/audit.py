"""`brief verify BRIEFING.json`: the share of an existing briefing's points that pass
each check, read from its JSON (``flags`` on every point, ``model_check`` when a model
checked it). Not a stage: it reads a finished briefing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import InputError

CHECKS = (
    "citation", "quote", "number", "date", "language", "support", "parity", "model", "injection",
)  # fmt: skip


class _Flag(BaseModel):
    model_config = ConfigDict(extra="ignore")
    check: str
    en: str = ""
    ar: str = ""


class _Point(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str
    flags: list[_Flag]
    model_check: str | None = None


@dataclass(frozen=True, slots=True)
class Audit:
    """What ``brief verify`` reports for one briefing."""

    points: int
    failed: dict[str, int]  # check -> points that failed it
    flagged: int  # points with any flag
    model_checked: int  # points the model checked

    def passed(self, check: str) -> int:
        return self.points - self.failed.get(check, 0)


def audit(path: Path) -> Audit:
    """Count the points of a JSON briefing and the checks each failed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"Cannot read {path} ({exc}); give a briefing written with --format json."
        ) from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path} is not JSON (line {exc.lineno}): give a briefing written with --format json."
        ) from exc
    points = list(_points(data))
    if not points and not (isinstance(data, dict) and "stories" in data):
        raise InputError(
            f"{path} is not a brief briefing: give the .json file that `brief make --format json` "
            "wrote."
        )
    failed: dict[str, int] = {}
    for point in points:
        for check in {f.check for f in point.flags}:
            failed[check] = failed.get(check, 0) + 1
    return Audit(
        points=len(points),
        failed=failed,
        flagged=sum(1 for p in points if p.flags),
        model_checked=sum(1 for p in points if p.model_check),
    )


def _points(value: Any) -> Iterator[_Point]:
    """Every point in the JSON, wherever the layout puts it: an object with ``text`` and
    ``flags``."""
    if isinstance(value, dict):
        if "text" in value and "flags" in value:
            try:
                yield _Point.model_validate(value)
            except ValidationError:
                pass
            return
        for item in value.values():
            yield from _points(item)
    elif isinstance(value, list):
        for item in value:
            yield from _points(item)
