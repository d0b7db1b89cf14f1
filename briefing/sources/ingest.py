"""Stage 1: read articles from files and folders.

``ingest(paths)`` walks files and folders (recursively, in a stable order) and reads
``.txt``/``.md`` (first non-empty line is the title; optional YAML front matter),
``.json`` (one article object, a list of them, or ``{"articles": [...]}``),
``.jsonl`` (one object per line), RSS/Atom feeds (``.xml``, ``.rss``, ``.atom``: one
article per entry) and saved HTML pages (``.html``, ``.htm``: the main article, without
the site's boilerplate), each also as ``.gz``. A file or record that cannot be used becomes a
``Problem`` naming it; every other article is still read.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..errors import ArticleError
from ..models import Article, IngestResult, InputFile, Problem
from ..text import looks_like_sentence, normalize, split_sentences
from . import web
from .dates import parse_date

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
HTML_SUFFIXES = {".html", ".htm"}
KNOWN = TEXT_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES | HTML_SUFFIXES
SUPPORTED = sorted(KNOWN) + ["(any of them .gz)"]
MAX_FILE_BYTES = 50 * 1024 * 1024

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


class ArticleRecord(BaseModel):
    """One article as given in JSON, JSONL or front matter. Unknown keys are ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, str_strip_whitespace=True)

    id: str | None = None
    title: str | None = None
    text: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    lang: str | None = None

    @field_validator("id", "published", mode="before")
    @classmethod
    def _scalar_to_str(cls, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool) or isinstance(value, (list, dict)):
            raise ValueError("must be a string")
        return str(value)  # numbers, and dates YAML already parsed


_ALIASES = {
    "body": "text",
    "content": "text",
    "outlet": "source",
    "site": "source",
    "publisher": "source",
    "link": "url",
    "date": "published",
    "published_at": "published",
    "pubdate": "published",
    "language": "lang",
    "headline": "title",
}


def ingest(paths: Sequence[str | Path]) -> IngestResult:
    """Read every article under ``paths``; unusable files become problems, not failures."""
    articles: list[Article] = []
    inputs: list[InputFile] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}  # article id -> fingerprint of its content
    for file, problem in _walk(paths):
        if problem:
            problems.append(problem)
            continue
        assert file is not None
        try:
            data = _read_bytes(file)
            found, file_problems = _parse_file(file, data)
        except ArticleError as exc:
            problems.append(Problem(exc.path, exc.problem))
            continue
        problems.extend(file_problems)
        repeats = 0
        for article in found:
            fingerprint = _fingerprint(article)
            if seen.get(article.id) == fingerprint:
                repeats += 1  # the same article again (a feed saved twice): read it once
                continue
            unique = _unique_id(article.id, seen)
            if unique != article.id:
                problems.append(
                    Problem(
                        article.origin,
                        f"id {article.id!r} also names a different article read before (two "
                        f"sources reusing ids, or an edited copy); this one is cited as "
                        f"{unique!r}.",
                    )
                )
                article = replace(article, id=unique)
            seen[unique] = fingerprint
            articles.append(article)
        if repeats:
            problems.append(
                Problem(str(file), f"{repeats} article(s) already read from an earlier file "
                        "(same id and text); each is used once.")
            )  # fmt: skip
        inputs.append(InputFile(str(file), hashlib.sha256(data).hexdigest(), len(found)))
    return IngestResult(tuple(articles), tuple(inputs), tuple(problems))


def from_record(raw: dict[str, Any], origin: str) -> tuple[Article, tuple[Problem, ...]]:
    """One article from a record with the fields a JSON article has, for records that do
    not come from a file (feed entries fetched over HTTP). Raises ``ArticleError``."""
    problems: list[Problem] = []
    return _build(_record(raw, origin), origin, origin, problems), tuple(problems)


# --- walking --------------------------------------------------------------------------


def _walk(paths: Sequence[str | Path]) -> Iterator[tuple[Path | None, Problem | None]]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if any(part.startswith(".") for part in rel) or not child.is_file():
                    continue
                yield _check_suffix(child)
        elif path.is_file():
            yield _check_suffix(path)
        elif path.exists():
            yield None, Problem(str(path), "is not a regular file or folder; skipped.")
        else:
            yield None, Problem(str(path), "does not exist; check the path.", "error")


def _kind(path: Path) -> str:
    """The article format's suffix, looking through a ``.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _check_suffix(path: Path) -> tuple[Path | None, Problem | None]:
    if _kind(path) in KNOWN:
        return path, None
    return None, Problem(
        str(path),
        f"unsupported file type {path.suffix or '(none)'!r}; skipped. "
        f"Supported: {' '.join(SUPPORTED)}.",
    )


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ArticleError(
                str(path), f"is {size // 1_000_000} MB, larger than the 50 MB limit; split it."
            )
        return path.read_bytes()
    except PermissionError:
        raise ArticleError(
            str(path), "cannot be read (permission denied); check its permissions."
        ) from None
    except OSError as exc:
        raise ArticleError(str(path), f"cannot be read ({exc.strerror or exc}).") from exc


def _gunzip(path: Path, data: bytes) -> bytes:
    import gzip
    import zlib

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
            data = unzipped.read(MAX_FILE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ArticleError(str(path), f"is not a readable gzip file ({exc}).") from exc
    if len(data) > MAX_FILE_BYTES:
        raise ArticleError(str(path), "unpacks to more than the 50 MB limit; split it.")
    return data


def _decode(path: Path, data: bytes) -> tuple[str, Problem | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise ArticleError(
                str(path), f"is not valid UTF-16 ({exc.reason}); save it as UTF-8 and run again."
            ) from exc
    if b"\x00" in data[:4096]:
        raise ArticleError(str(path), "looks like a binary file, not text; skipped.")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1256", errors="replace")
    arabic = sum(1 for ch in text if "\u0621" <= ch <= "\u064a")
    letters = sum(1 for ch in text if ch.isalpha())
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t")
    looks_like_text = controls <= len(text) / 200 and text.count(" ") >= len(text) / 30
    if letters and arabic / letters > 0.5 and "\ufffd" not in text and looks_like_text:
        return text, Problem(
            str(path),
            "is not UTF-8; read it as Windows-1256 (Arabic). Save it as UTF-8 to be sure.",
        )
    raise ArticleError(str(path), "is not UTF-8 text; save it as UTF-8 and run again.")


# --- parsing --------------------------------------------------------------------------


def _parse_file(path: Path, data: bytes) -> tuple[list[Article], list[Problem]]:
    if path.suffix.lower() == ".gz":
        data = _gunzip(path, data)
    if _kind(path) in FEED_SUFFIXES:  # feeds and pages declare their own encoding
        return _parse_feed(path, data)
    if _kind(path) in HTML_SUFFIXES:
        return _parse_page(path, data)
    text, problem = _decode(path, data)
    problems = [problem] if problem else []
    suffix = _kind(path)
    if not text.strip():
        raise ArticleError(str(path), "is empty; skipped.")
    if suffix in JSONL_SUFFIXES:
        articles, more = _parse_jsonl(path, text)
        return articles, problems + more
    if suffix in JSON_SUFFIXES:
        articles, more = _parse_json(path, text)
        return articles, problems + more
    return [_parse_text(path, text, problems)], problems


def _parse_page(path: Path, data: bytes) -> tuple[list[Article], list[Problem]]:
    if not data.strip():
        raise ArticleError(str(path), "is empty; skipped.")
    try:
        record = web.parse_page(data)
    except web.NotAnArticle as exc:
        raise ArticleError(str(path), f"{exc}; skipped.") from None
    problems: list[Problem] = []
    return [_build(_record(record, str(path)), str(path), str(path), problems)], problems


def _parse_feed(path: Path, data: bytes) -> tuple[list[Article], list[Problem]]:
    if not data.strip():
        raise ArticleError(str(path), "is empty; skipped.")
    try:
        records, warning = web.parse_feed(data)
    except web.NotAnArticle as exc:
        raise ArticleError(str(path), f"{exc}; skipped.") from None
    problems = [Problem(str(path), warning + ".")] if warning else []
    return _build_each(path, ((f"{path}#{i}", r) for i, r in enumerate(records, 1)), problems)


def _parse_text(path: Path, text: str, problems: list[Problem]) -> Article:
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        import yaml

        try:
            loaded = yaml.safe_load(match.group(1))
        except RecursionError:
            raise ArticleError(str(path), "front matter is nested too deeply.") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 2})" if mark else ""
            raise ArticleError(
                str(path),
                f"front matter is not valid YAML{where}; fix it or remove the '---' block.",
            ) from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise ArticleError(str(path), "front matter must be 'key: value' lines.")
        meta = loaded or {}
        text = text[match.end() :]
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if meta.get("title") or first is None:
        body = text
    else:
        title_line = lines[first].strip()
        meta.setdefault("title", title_line)
        # A first line that is really the lede (a long sentence) stays in the body too.
        body = text if looks_like_sentence(title_line) else "\n".join(lines[first + 1 :])
    meta["text"] = body
    return _build(_record(meta, str(path)), str(path), str(path), problems)


def _parse_json(path: Path, text: str) -> tuple[list[Article], list[Problem]]:
    try:
        data = json.loads(text)
    except RecursionError:
        raise ArticleError(str(path), "is nested too deeply to be an article file.") from None
    except json.JSONDecodeError as exc:
        raise ArticleError(
            str(path),
            f"is not valid JSON (line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg}); fix it and run again.",
        ) from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, dict):
        found: list[Problem] = []
        return [_build(_record(data, str(path)), str(path), str(path), found)], found
    if not isinstance(data, list):
        raise ArticleError(str(path), "must hold an article object or a list of them.")
    return _build_each(path, ((f"{path}[{i}]", item) for i, item in enumerate(data)), [])


def _build_each(
    path: Path, items: Iterable[tuple[str, Any]], problems: list[Problem]
) -> tuple[list[Article], list[Problem]]:
    """Articles from (origin, record) pairs; a bad record is a problem naming its origin."""
    articles = []
    for origin, item in items:
        try:
            articles.append(_build(_record(item, origin), str(path), origin, problems))
        except ArticleError as exc:
            problems.append(Problem(exc.path, exc.problem))
    return articles, problems


def _parse_jsonl(path: Path, text: str) -> tuple[list[Article], list[Problem]]:
    articles, problems = [], []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        origin = f"{path}:{lineno}"
        try:
            item = json.loads(line)
        except RecursionError:
            problems.append(Problem(origin, "nested too deeply to be an article; line skipped."))
            continue
        except json.JSONDecodeError as exc:
            problems.append(Problem(origin, f"not valid JSON ({exc.msg}); line skipped."))
            continue
        try:
            articles.append(_build(_record(item, origin), str(path), origin, problems))
        except ArticleError as exc:
            problems.append(Problem(exc.path, exc.problem))
    if not articles and not problems:
        raise ArticleError(str(path), "holds no articles.")
    return articles, problems


def _record(raw: Any, origin: str) -> ArticleRecord:
    if not isinstance(raw, dict):
        raise ArticleError(origin, "an article must be a JSON object with at least 'text'.")
    data = {_ALIASES.get(str(k).lower(), str(k).lower()): v for k, v in raw.items()}
    try:
        return ArticleRecord.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ArticleError(origin, f"field '{field}': {first['msg']}.") from exc


def _build(
    record: ArticleRecord, path: str, origin: str, problems: list[Problem] | None = None
) -> Article:
    text = (record.text or "").strip()
    title = (record.title or "").strip()
    if not text and not title:
        raise ArticleError(origin, "has no text; give each article a 'text' field.")
    if not text:
        text = title
    if not title:
        title = _title_from_text(text)
    published = None
    if record.published:
        published = _normalise_published(record.published)
        if published is None and problems is not None:
            problems.append(
                Problem(
                    origin,
                    f"published date {record.published!r} not understood; left "
                    "empty. Write it as YYYY-MM-DD.",
                )
            )
    article_id = (
        record.id
        or "a-" + hashlib.sha256(f"{normalize(title)}\n{normalize(text)}".encode()).hexdigest()[:12]
    )
    return Article(
        id=article_id,
        title=title,
        text=text,
        origin=origin,
        source=record.source or None,
        url=record.url or None,
        published=published,
        lang=_normalise_lang(record.lang),
    )


def _title_from_text(text: str) -> str:
    first_line = text.strip().splitlines()[0].strip()
    if len(first_line.split()) <= 20:
        return first_line
    sentence = split_sentences(first_line)[0]
    words = sentence.split()
    return sentence if len(words) <= 20 else " ".join(words[:16]) + " …"


def _normalise_published(value: str) -> str | None:
    from datetime import datetime

    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_date(value)
    has_time = "T" in value or " " in value.strip()
    return parsed.isoformat() if has_time else parsed.date().isoformat()


def _normalise_lang(value: str | None) -> str:
    if not value:
        return "und"
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return {"arabic": "ar", "ara": "ar", "english": "en", "eng": "en"}.get(code, code) or "und"


def _unique_id(article_id: str, seen: dict[str, str]) -> str:
    candidate, n = article_id, 1
    while candidate in seen:
        n += 1
        candidate = f"{article_id}~{n}"
    return candidate


def _fingerprint(article: Article) -> str:
    return hashlib.sha256(
        f"{normalize(article.title)}\n{normalize(article.text)}".encode()
    ).hexdigest()
