"""The daily run's own rules, as plain functions the pipeline calls.

- ``parse_since``: ``24h``, ``90m``, ``7d``, ``2w`` or an ISO date/time (local time when
  it names no zone) as a UTC timestamp;
- ``continuing``: which stories of a new briefing continue one the previous briefing
  told (marked as updates, with their new articles), and which only repeat it (left out);
- ``Status`` and ``write_status``: ``status.json`` in the output folder, for monitoring;
- ``publish_latest``: ``briefing-latest.<fmt>`` replaced atomically by the newest good
  briefing;
- ``file_stem``: the briefing's file name, which never overwrites an earlier run's.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..models import Story, Update
from ..render.output import write_atomic

STATUS_NAME = "status.json"
STATUS_SCHEMA = "brief.status/1"
_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86_400, "w": 604_800}


def parse_since(value: str, now: datetime | None = None) -> float:
    """``--since`` as a UTC timestamp: a span back from now (``24h``, ``90m``, ``7d``,
    ``2w``) or an ISO date or date-time (local time unless it names a zone)."""
    now = now or datetime.now(UTC)
    span = _SPAN.match(value)
    if span:
        seconds = float(span.group(1)) * _UNITS[span.group(2).lower()]
        return (now - timedelta(seconds=seconds)).timestamp()
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"--since {value!r} is neither a span nor a date: write e.g. 24h, 90m, 7d, or "
            "2026-02-09T06:00 (local time) or 2026-02-09T06:00+03:00."
        ) from None
    if when.tzinfo is None:
        when = when.astimezone()  # the machine's local time, as a person typing it means
    return when.timestamp()


def continuing(
    stories: Sequence[Story], previous: Mapping[str, tuple[str, str]]
) -> tuple[list[Story], dict[str, Update], int]:
    """The stories to tell, the update mark of those that continue an earlier story, and
    how many stories were left out because the previous briefing told all their
    articles already (nothing new in them)."""
    kept: list[Story] = []
    updates: dict[str, Update] = {}
    repeated = 0
    for story in stories:
        old = [previous[a.id] for a in story.articles if a.id in previous]
        if not old:
            kept.append(story)
            continue
        new = tuple(a.id for a in story.articles if a.id not in previous)
        if not new:
            repeated += 1
            continue
        (when, headline), _ = Counter(old).most_common(1)[0]
        updates[story.id] = Update(when, headline, new)
        kept.append(story)
    return kept, updates, repeated


def file_stem(out_dir: Path, day: str, formats: Sequence[str], clock: datetime) -> str:
    """``briefing-DAY``, or ``briefing-DAY-HHMM`` when an earlier run today wrote that
    name: a second run never replaces the first one's files (only ``briefing-latest``)."""
    stem = f"briefing-{day}"
    if any((out_dir / f"{stem}.{fmt}").exists() for fmt in formats):
        stem = f"{stem}-{clock.strftime('%H%M%S')}"
    return stem


def publish_latest(written: Sequence[Path], out_dir: Path) -> tuple[Path, ...]:
    """Copy each written briefing to ``briefing-latest.<fmt>`` atomically."""
    latest = []
    for path in written:
        target = out_dir / f"briefing-latest{path.suffix}"
        latest.append(write_atomic(target, path.read_bytes()))
    return tuple(latest)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of sending and copying the briefing."""

    outcome: str  # "sent", "failed", "skipped" (--no-deliver), "off" (nothing configured)
    to: tuple[str, ...] = ()
    copies: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    pending: int = 0  # deliveries kept to retry next run
    retried: int = 0  # earlier failed deliveries sent this time


@dataclass(frozen=True, slots=True)
class Status:
    """The content of status.json: one run, as a monitor reads it."""

    command: str
    started: str
    ended: str
    outcome: str  # "written", "nothing-new", "all-stories-failed", "error"
    exit_code: int
    since: str | None = None
    until: str | None = None
    briefing: str | None = None  # the main file written (docx when written, else the first)
    files: tuple[str, ...] = ()
    latest: tuple[str, ...] = ()
    counts: Mapping[str, int | None] = field(default_factory=dict)
    failures: tuple[Mapping[str, str], ...] = ()  # {"where": feed/page/story, "message"}
    delivery: Delivery | None = None
    error: str | None = None
    message: str = ""
    seconds: Mapping[str, float] = field(default_factory=dict)  # collect, brief, deliver

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data = {"schema": STATUS_SCHEMA, **data}
        data["ok"] = self.exit_code == 0
        return data


def write_status(out_dir: Path, status: Status) -> Path:
    blob = json.dumps(status.as_dict(), ensure_ascii=False, indent=2) + "\n"
    return write_atomic(out_dir / STATUS_NAME, blob.encode("utf-8"))


def iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")
