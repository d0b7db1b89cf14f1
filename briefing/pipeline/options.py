"""What `brief make` was asked to do: the options every part of the pipeline reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..config import Settings
from ..models import Article, InputFile

FORMATS = ("md", "docx", "json", "html")
ENGINES = ("auto", "extractive", "llm")

Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass(frozen=True, slots=True)
class MakeOptions:
    paths: tuple[str, ...]
    out_dir: str = "briefings"  # "-" writes the one requested format to stdout
    formats: tuple[str, ...] = ("md", "docx")
    engine: str = "auto"
    max_points: int = 6
    briefing_date: str | None = None  # default: the newest article date
    today: date = field(default_factory=date.today)
    settings: Settings = field(default_factory=Settings)
    prompt_pins: tuple[str, ...] = ()  # "story=v2"
    dry_run: bool = False
    use_cache: bool = True
    strict: bool = False  # fail a story whose points fail a check, instead of flagging
    include_briefings: bool = False  # read briefings brief wrote as articles too
    top: int = 10  # stories written in full (and sent to the LLM); 0 = all
    langs: tuple[str, ...] = ("ar", "en")  # the documents' languages, first leads
    page_size: str = "a4"  # Word: a4 or letter
    arabic_font: str = "Arial"  # Word: the complex-script font
    # The daily run's way in: articles already read and cleaned (from the article store)
    # instead of ``paths``, the provenance of where they came from, what the previous
    # briefing told (article id -> (its date, the story's headline)) so that continuing
    # stories are marked as updates and repeated ones left out, and the files' name.
    articles: tuple[Article, ...] | None = None
    inputs: tuple[InputFile, ...] = ()
    previous: dict[str, tuple[str, str]] = field(default_factory=dict)
    file_stem: str | None = None  # default: briefing-<date>
    holds_lock: bool = False  # the caller (brief run) holds the output folder's lock already
