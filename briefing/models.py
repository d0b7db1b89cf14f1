"""The values that flow through the pipeline.

Every stage takes values from here and returns new ones; nothing is mutated. The
pipeline is ``ingest -> clean -> dedup -> group -> (pack) -> generate -> verify -> render``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Lang = str  # "ar", "en", or another ISO 639-1 code; "und" when unknown


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, as read from an input file and later cleaned.

    ``id`` is the input's own id when it gave one, else a stable hash of the content,
    so that the same article has the same id on every machine and every run.
    ``published`` is an ISO 8601 date (``YYYY-MM-DD``) or datetime, only when the input
    states it; ``mentioned_dates`` are the ISO dates the text itself states.
    ``origin`` names where it came from: the file, plus ``:LINE`` for JSONL or ``[i]``
    for a JSON list.
    """

    id: str
    title: str
    text: str
    origin: str
    source: str | None = None
    url: str | None = None
    published: str | None = None
    lang: Lang = "und"
    mentioned_dates: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()  # lines the cleaner dropped, kept for audit

    @property
    def published_date(self) -> str | None:
        """The date part of ``published`` (``YYYY-MM-DD``), if any."""
        return self.published[:10] if self.published else None

    @property
    def published_day(self) -> int | None:
        """The publication date as a day number (``date.toordinal``), if well formed."""
        from datetime import date

        if not self.published_date:
            return None
        try:
            return date.fromisoformat(self.published_date).toordinal()
        except ValueError:
            return None

    @property
    def outlet_key(self) -> str:
        """What counts as one outlet: the named source, else the article itself."""
        return (self.source or "").strip().casefold() or f"article:{self.id}"


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file given to `brief make`, with its content hash, for provenance."""

    path: str
    sha256: str
    articles: int


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one input or one story that did not stop the briefing."""

    where: str  # a file path, "path:line", or "story 3"
    message: str  # an instruction the user can follow
    severity: Literal["warning", "error"] = "warning"
    ar: str | None = None  # the message in Arabic, for notes a reader of Arabic sees

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class IngestResult:
    articles: tuple[Article, ...]
    inputs: tuple[InputFile, ...]
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An article dropped because it repeats another one."""

    dropped: Article
    kept_id: str
    kind: Literal["exact", "near"]
    similarity: float


@dataclass(frozen=True, slots=True)
class DedupResult:
    articles: tuple[Article, ...]
    duplicates: tuple[Duplicate, ...] = ()


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one event, from one or many outlets."""

    id: str  # stable: derived from the ids of its articles
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class PackedArticle:
    """An article as it is sent to the model: a short id and the delimited text block."""

    short_id: str  # "A1", "A2"… in story order; what the model cites
    article: Article
    block: str  # the exact text sent, delimiters included
    tokens: int
    full_tokens: int  # the block's tokens before anything was cut
    percent_cut: int = 0  # share of the article's own text left out of the block


@dataclass(frozen=True, slots=True)
class PackedStory:
    """A story fitted into the input budget: one part, or several (map, then reduce)."""

    story: Story
    parts: tuple[tuple[PackedArticle, ...], ...]
    budget: int
    tokenizer: str

    @property
    def articles(self) -> tuple[PackedArticle, ...]:
        return tuple(p for part in self.parts for p in part)

    @property
    def tokens(self) -> int:
        return sum(p.tokens for p in self.articles)

    @property
    def full_tokens(self) -> int:
        return sum(p.full_tokens for p in self.articles)

    @property
    def trimmed(self) -> tuple[tuple[str, int], ...]:
        return tuple((p.article.id, p.percent_cut) for p in self.articles if p.percent_cut)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One source sentence a point rests on: ``A2.4`` in the prompt is sentence 4 of the
    story's second article. ``text`` is the sentence exactly as the article has it."""

    article_id: str
    sentence: int  # 1-based, as numbered for the model
    text: str


CheckName = Literal[
    "citation", "quote", "number", "date", "language", "support", "parity", "model", "injection"
]
ModelVerdict = Literal["supported", "partly", "unsupported", "contradicted"]


@dataclass(frozen=True, slots=True)
class Flag:
    """A check a point failed, explained for a reader in both languages. The point stays
    visible; the flag is shown on it where it stands."""

    check: CheckName
    en: str
    ar: str


@dataclass(frozen=True, slots=True)
class Point:
    """One statement of a digest, with the ids of the articles it rests on.

    ``quote_of`` is set when the text is quoted verbatim from that article (the
    extractive engine quotes every sentence it selects; an LLM marks direct quotes).
    ``evidence`` holds the source sentences it rests on; ``flags`` the checks it failed
    (empty when every check passed). ``model_check`` is the model's verdict on it, or
    None when no model checked it (the check was off, failed, or there is no LLM).
    """

    text: str
    citations: tuple[str, ...]
    quote_of: str | None = None
    speaker: str | None = None  # who the quoted article says spoke the words
    evidence: tuple[Evidence, ...] = ()
    flags: tuple[Flag, ...] = ()
    model_check: ModelVerdict | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A story told in one language."""

    lang: Lang
    headline: Point | None
    summary: Point | None = None
    points: tuple[Point, ...] = ()
    disagreements: tuple[Point, ...] = ()
    facts: tuple[str, ...] = ()  # plain metadata lines (outlets, dates, counts)
    note: str | None = None  # e.g. why there is no summary in this language


@dataclass(frozen=True, slots=True)
class Update:
    """The story continues one told in an earlier briefing (the daily run): the reader is
    told it is an update («تحديث») and which of its articles are new since then."""

    previous_date: str  # YYYY-MM-DD of the earlier briefing
    previous_headline: str
    new_article_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoryDigest:
    """What an engine made of one story."""

    story: Story
    sections: tuple[Section, ...]  # "ar" first, then "en"
    engine: str
    status: Literal["ok", "failed"] = "ok"
    error: str | None = None
    trimmed: tuple[tuple[str, int], ...] = ()  # (article id, percent of text cut to fit)
    update: Update | None = None  # set when it continues a story of an earlier briefing

    def section(self, lang: Lang) -> Section | None:
        return next((s for s in self.sections if s.lang == lang), None)


@dataclass(frozen=True, slots=True)
class PromptRef:
    id: str
    version: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Provenance:
    tool_version: str
    engine: str
    engine_version: str
    created_at: str  # ISO 8601 UTC
    inputs: tuple[InputFile, ...]
    model: str | None = None
    base_url: str | None = None
    prompts: tuple[PromptRef, ...] = ()
    tokenizer: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Notice:
    """What the reader must know about how the briefing was made, in both languages."""

    en: str
    ar: str


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A passage of an article that addresses an AI or gives it instructions: never sent
    to the model, and named in the briefing so a reader knows which article carried it."""

    article_id: str
    text: str


@dataclass(frozen=True, slots=True)
class TranslatedTitle:
    """A story's title put into another language by the model (the ``headlines`` prompt),
    for the one-line entries of stories not written in full; always shown as
    machine-translated."""

    story_id: str
    lang: Lang
    text: str


@dataclass(frozen=True, slots=True)
class Briefing:
    """The finished briefing, ready to render.

    ``sources`` are the cited articles in citation order: source number ``n`` (as
    printed ``[n]``) is ``sources[n - 1]``.
    """

    date: str  # YYYY-MM-DD
    stories: tuple[StoryDigest, ...]
    sources: tuple[Article, ...]
    provenance: Provenance
    notice: Notice | None = None
    overview: tuple[Section, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    quarantined: tuple[Quarantined, ...] = ()
    translated_titles: tuple[TranslatedTitle, ...] = ()

    def numbering(self) -> dict[str, int]:
        """Article id -> the 1-based number it is cited by (``[n]``) in the sources list."""
        return {article.id: n for n, article in enumerate(self.sources, start=1)}
