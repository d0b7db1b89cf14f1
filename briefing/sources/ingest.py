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

import codecs
import functools
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .. import safety
from ..errors import ArticleError
from ..models import Article, IngestResult, InputFile, Problem
from ..text import looks_like_sentence, normalize, split_sentences
from . import decode, files, web
from .dates import parse_date

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
HTML_SUFFIXES = {".html", ".htm"}
KNOWN = TEXT_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES | HTML_SUFFIXES
SUPPORTED = sorted(KNOWN) + ["(any of them .gz)"]
MAX_FILE_BYTES = 50 * 1024 * 1024

_LINE_BREAK = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines() splits on
# the first line with something on it, and the line break after it
_FIRST_LINE = re.compile(rf"\s*([^{_LINE_BREAK}]*)(?:\r\n|[{_LINE_BREAK}]|\Z)")
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


Mapper = Callable[[Callable[[Sequence[Path]], list["_Read"]], Sequence[Path]], list["_Read"]]


def ingest(
    paths: Sequence[str | Path], *, include_briefings: bool = False, mapper: Mapper | None = None
) -> IngestResult:
    """Read every article under ``paths``; unusable files become problems, not failures.

    Briefings brief wrote itself (named ``briefing-YYYY-MM-DD.*`` and marked inside) are
    skipped with a note, unless ``include_briefings``. Each file is read on its own:
    ``mapper`` (the pipeline's, which uses worker processes for many files) maps the
    reading over them and returns the results in order; by default, one after another."""
    articles: list[Article] = []
    inputs: list[InputFile] = []
    problems: list[Problem] = []
    seen: dict[str, Article] = {}  # article id -> the article read under it
    taken: dict[str, int] = {}  # article id -> the last ~N suffix given to it
    own: list[Path] = []  # briefings brief wrote, skipped
    walked = list(files.walk(paths))
    readable = [f for f in walked if not isinstance(f, Problem) and _readable(f)]
    reading = functools.partial(_read_files, include_briefings=include_briefings)
    read = iter(mapper(reading, readable) if mapper else reading(readable))
    for file in walked:
        if isinstance(file, Problem):
            problems.append(file)
            continue
        if not _readable(file):
            problems.append(_unsupported(file))
            continue
        outcome = next(read)
        if outcome.problem is not None:
            problems.append(outcome.problem)
            continue
        if outcome.own:
            own.append(file)
            continue
        found, file_problems, sha256 = outcome.articles, outcome.problems, outcome.sha256
        problems.extend(file_problems)
        repeats = 0
        for article in found:
            before = seen.get(article.id)  # contents compared only when an id repeats
            if before is not None and _fingerprint(before) == _fingerprint(article):
                repeats += 1  # the same article again (a feed saved twice): read it once
                continue
            unique = _unique_id(article.id, seen, taken)
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
            seen[unique] = article
            articles.append(article)
        if repeats:
            problems.append(
                Problem(files.name(file), f"{repeats} article(s) already read from an earlier "
                        "file (same id and text); each is used once.")
            )  # fmt: skip
        inputs.append(InputFile(files.name(file), sha256, len(found)))
    if own:
        problems.append(_own_outputs(own))
    return IngestResult(tuple(articles), tuple(inputs), tuple(problems))


class _OwnOutput(Exception):
    """The file is a briefing brief wrote."""


def _own_outputs(found: list[Path]) -> Problem:
    """One note for every briefing skipped (a daily run writing into its input folder
    would otherwise add four notes a day)."""
    if len(found) == 1:
        return Problem(
            files.name(found[0]),
            "is a briefing brief wrote; not read as an article (pass --include-briefings to "
            "read it).",
        )
    folders = {str(f.parent) for f in found}
    where = files.name(found[0].parent) if len(folders) == 1 else f"{len(found)} files"
    names = ", ".join(files.name(f.name) for f in found[:3]) + (", …" if len(found) > 3 else "")
    return Problem(
        where,
        f"{len(found)} briefings brief wrote ({names}) were not read as articles (pass "
        "--include-briefings to read them).",
    )


def from_record(raw: dict[str, Any], origin: str) -> tuple[Article, tuple[Problem, ...]]:
    """One article from a record with the fields a JSON article has, for records that do
    not come from a file (feed entries fetched over HTTP). Raises ``ArticleError``."""
    problems: list[Problem] = []
    return _build(_record(raw, origin), origin, origin, problems), tuple(problems)


# --- walking --------------------------------------------------------------------------


# --- reading --------------------------------------------------------------------------


def _kind(path: Path) -> str:
    """The article format's suffix, looking through a ``.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _unsupported(path: Path) -> Problem:
    return Problem(
        files.name(path),
        f"unsupported file type {files.name(path.suffix) or '(none)'!r}; skipped. "
        f"Supported: {' '.join(SUPPORTED)}.",
    )


def _readable(path: Path) -> bool:
    """A file of a kind brief reads, or one named like a briefing brief wrote (read to be
    recognised, and skipped)."""
    return _kind(path) in KNOWN or bool(files.OWN_OUTPUT.match(path.name.lower()))


@dataclass(frozen=True, slots=True)
class _Read:
    """What reading one file gave: its articles, problems and sha256; or the problem that
    lost it; or ``own`` for a briefing brief wrote."""

    articles: tuple[Article, ...] = ()
    problems: tuple[Problem, ...] = ()
    sha256: str = ""
    problem: Problem | None = None
    own: bool = False


def _read_files(paths: Sequence[Path], include_briefings: bool) -> list[_Read]:
    return [_read_one(path, include_briefings) for path in paths]


def _read_one(path: Path, include_briefings: bool) -> _Read:
    try:
        found, problems, sha256 = _read_file(path, include_briefings)
    except ArticleError as exc:
        return _Read(problem=Problem(exc.path, exc.problem))
    except _OwnOutput:
        return _Read(own=True)
    except Exception as exc:  # noqa: BLE001
        # a parser library (feedparser, trafilatura, lxml, yaml) failing on a hostile
        # file: that file is lost, never the run. -vv shows the traceback.
        log.debug("reading %s failed", files.name(path), exc_info=True)
        return _Read(
            problem=Problem(
                files.name(path),
                f"could not be read ({type(exc).__name__}: {str(exc)[:200]}); skipped. "
                "Please report it with the file.",
            )
        )
    return _Read(tuple(found), tuple(problems), sha256)


def _read_file(path: Path, include_briefings: bool) -> tuple[list[Article], list[Problem], str]:
    """The articles of one file, the problems met, and the sha256 of its bytes."""
    if _kind(path) in JSONL_SUFFIXES:
        streamed = _stream_jsonl(path)
        if streamed is not None:
            return streamed
    data = _read_bytes(path)
    sha256 = hashlib.sha256(data).hexdigest()
    if not include_briefings and files.OWN_OUTPUT.match(path.name.lower().removesuffix(".gz")):
        unpacked = _gunzip(path, data) if path.suffix.lower() == ".gz" else data
        if files.is_own_output(path, unpacked):
            raise _OwnOutput()
    if _kind(path) not in KNOWN:  # a .docx named like a briefing
        unsupported = _unsupported(path)
        raise ArticleError(unsupported.where, unsupported.message)
    found, problems = _parse_file(path, data)
    return found, problems, sha256


def _open_error(path: Path, exc: OSError) -> ArticleError:
    if isinstance(exc, PermissionError):
        return ArticleError(
            files.name(path), "cannot be read (permission denied); check its permissions."
        )
    if isinstance(exc, IsADirectoryError):
        return ArticleError(files.name(path), "is a folder, not a file; skipped.")
    return ArticleError(files.name(path), f"cannot be read ({exc.strerror or exc}).")


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, at most ``MAX_FILE_BYTES`` (read in one bounded read, so a file
    that grows while it is read, or a /proc file, cannot exhaust memory)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _open_error(path, exc) from exc
    if len(data) > MAX_FILE_BYTES:
        raise ArticleError(
            files.name(path),
            f"is larger than the {MAX_FILE_BYTES >> 20} MB limit for one file; split "
            "it, or give the articles as JSONL (one per line), which has no size limit.",
        )
    return data


def _gunzip(path: Path, data: bytes) -> bytes:
    import gzip
    import zlib

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
            data = unzipped.read(MAX_FILE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ArticleError(files.name(path), f"is not a readable gzip file ({exc}).") from exc
    if len(data) > MAX_FILE_BYTES:
        raise ArticleError(
            files.name(path),
            f"unpacks to more than the {MAX_FILE_BYTES >> 20} MB limit for one file; "
            "split it, or give the articles as JSONL (one per line), which has no size limit.",
        )
    return data


def _decode(path: Path, data: bytes) -> tuple[str, Problem | None]:
    try:
        found = decode.decode(data)
    except decode.NotText as exc:
        raise ArticleError(files.name(path), f"{exc}.") from None
    problem = Problem(files.name(path), found.warning + ".") if found.warning else None
    return found.text, problem


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
        raise ArticleError(files.name(path), "is empty; skipped.")
    if suffix in JSONL_SUFFIXES:
        articles, more = _parse_jsonl(path, text)
        return articles, problems + more
    if suffix in JSON_SUFFIXES:
        articles, more = _parse_json(path, text)
        return articles, problems + more
    return [_parse_text(path, text, problems)], problems


def _parse_page(path: Path, data: bytes) -> tuple[list[Article], list[Problem]]:
    if not data.strip():
        raise ArticleError(files.name(path), "is empty; skipped.")
    try:
        record = web.parse_page(data)
    except web.NotAnArticle as exc:
        raise ArticleError(files.name(path), f"{exc}; skipped.") from None
    problems: list[Problem] = []
    return [
        _build(_record(record, files.name(path)), files.name(path), files.name(path), problems)
    ], problems


def _parse_feed(path: Path, data: bytes) -> tuple[list[Article], list[Problem]]:
    if not data.strip():
        raise ArticleError(files.name(path), "is empty; skipped.")
    try:
        records, warning = web.parse_feed(data)
    except web.NotAnArticle as exc:
        raise ArticleError(files.name(path), f"{exc}; skipped.") from None
    problems = [Problem(files.name(path), warning + ".")] if warning else []
    return _build_each(
        path, ((f"{files.name(path)}#{i}", r) for i, r in enumerate(records, 1)), problems
    )


def _front_matter_loader(yaml: Any) -> Any:
    """YAML's safe loader, but dates stay text: brief reads them itself, so that
    "2026-13-45" is a warning about the date, not a lost article."""
    global _LOADER
    if _LOADER is None:

        class Loader(yaml.SafeLoader):  # type: ignore[name-defined,misc]
            pass

        Loader.yaml_implicit_resolvers = {
            first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }
        _LOADER = Loader
    return _LOADER


_LOADER: Any = None


def _parse_text(path: Path, text: str, problems: list[Problem]) -> Article:
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        import yaml

        try:
            loaded = yaml.load(match.group(1), Loader=_front_matter_loader(yaml))  # noqa: S506
        except RecursionError:
            raise ArticleError(files.name(path), "front matter is nested too deeply.") from None
        except (yaml.YAMLError, ValueError) as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 2})" if mark else ""
            raise ArticleError(
                files.name(path),
                f"front matter is not valid YAML{where}; fix it or remove the '---' block.",
            ) from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise ArticleError(files.name(path), "front matter must be 'key: value' lines.")
        meta = loaded or {}
        text = text[match.end() :]
    first = _FIRST_LINE.match(text)  # found without splitting a 50 MB text into lines
    if meta.get("title") or first is None:
        body = text
    else:
        title_line = first.group(1).strip()
        meta.setdefault("title", title_line)
        # A first line that is really the lede (a long sentence) stays in the body too.
        body = text if looks_like_sentence(title_line) else text[first.end() :]
    meta["text"] = body
    return _build(_record(meta, files.name(path)), files.name(path), files.name(path), problems)


def _parse_json(path: Path, text: str) -> tuple[list[Article], list[Problem]]:
    try:
        data = json.loads(text)
    except RecursionError:
        raise ArticleError(
            files.name(path), "is nested too deeply to be an article file."
        ) from None
    except json.JSONDecodeError as exc:
        raise ArticleError(
            files.name(path),
            f"is not valid JSON (line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg}); fix it and run again.",
        ) from exc
    except ValueError as exc:  # a number too long to convert (over 4,300 digits)
        raise ArticleError(files.name(path), f"cannot be read as JSON ({exc}).") from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, dict):
        found: list[Problem] = []
        return [
            _build(_record(data, files.name(path)), files.name(path), files.name(path), found)
        ], found
    if not isinstance(data, list):
        raise ArticleError(files.name(path), "must hold an article object or a list of them.")
    return _build_each(
        path, ((f"{files.name(path)}[{i}]", item) for i, item in enumerate(data)), []
    )


def _build_each(
    path: Path, items: Iterable[tuple[str, Any]], problems: list[Problem]
) -> tuple[list[Article], list[Problem]]:
    """Articles from (origin, record) pairs; a bad record is a problem naming its origin."""
    articles = []
    for origin, item in items:
        try:
            articles.append(_build(_record(item, origin), files.name(path), origin, problems))
        except ArticleError as exc:
            problems.append(Problem(exc.path, exc.problem))
    return articles, problems


def _parse_jsonl(path: Path, text: str) -> tuple[list[Article], list[Problem]]:
    """JSONL already decoded as a whole (UTF-16 files); see ``_stream_jsonl`` for the rest."""
    articles: list[Article] = []
    problems: list[Problem] = []
    shown = files.name(path)
    for lineno, line in enumerate(text.split("\n"), start=1):
        _jsonl_line(shown, lineno, line, articles, problems)
    if not articles and not problems:
        raise ArticleError(files.name(path), "holds no articles.")
    return articles, problems


def _jsonl_line(
    shown: str, lineno: int, line: str, articles: list[Article], problems: list[Problem]
) -> None:
    """One line of a JSONL file (``shown`` is the file's name as shown)."""
    if not line.strip():
        return
    origin = f"{shown}:{lineno}"
    try:
        item = json.loads(line)
    except RecursionError:
        problems.append(Problem(origin, "nested too deeply to be an article; line skipped."))
        return
    except json.JSONDecodeError as exc:
        problems.append(Problem(origin, f"not valid JSON ({exc.msg}); line skipped."))
        return
    except ValueError as exc:  # a number too long to convert (over 4,300 digits)
        problems.append(Problem(origin, f"cannot be read as JSON ({exc}); line skipped."))
        return
    try:
        articles.append(_build(_record(item, origin), shown, origin, problems))
    except ArticleError as exc:
        problems.append(Problem(exc.path, exc.problem))


class _HashingReader(io.RawIOBase):
    """A raw file that hashes every byte read through it."""

    def __init__(self, raw: io.RawIOBase) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer) or 0
        if n:
            self.sha256.update(memoryview(buffer)[:n])
            self.count += n
        return n


class _Unpacking(io.RawIOBase):
    """A gzip file as a raw file: each read unpacks once (at most what is asked), so the
    lines before a truncated end are still read."""

    def __init__(self, packed: Any) -> None:
        self.packed = packed

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self.packed.readinto1(buffer)


# unpacked / packed: news JSONL gzips 3-10x, even very repetitive text under 300x, while
# deflate's ceiling (a bomb) is about 1,030x
MAX_RATIO = 500
_RATIO_FLOOR = 256 << 20  # below 256 MiB unpacked, any ratio is harmless


def _bomb(unpacked: int, packed: int) -> bool:
    return unpacked > _RATIO_FLOOR and unpacked > MAX_RATIO * max(packed, 1)


def _bomb_problem(shown: str, lineno: int) -> Problem:
    return Problem(
        shown,
        f"unpacks to more than {MAX_RATIO} times its size (a gzip bomb?); stopped at line "
        f"{lineno}, keeping the articles before it.",
    )


def _stream_jsonl(path: Path) -> tuple[list[Article], list[Problem], str] | None:
    """A JSONL file (or .jsonl.gz) read line by line: no size limit for the file, at most
    ``MAX_FILE_BYTES`` per line, memory bounded by one line plus the articles. ``None`` for
    a UTF-16/32 file, which is read whole instead."""
    import gzip
    import zlib

    try:
        raw = open(path, "rb", buffering=0)  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise _open_error(path, exc) from exc
    hashing = _HashingReader(raw)  # type: ignore[arg-type]
    buffered = io.BufferedReader(hashing, 1 << 20)
    reader: Any = buffered
    if path.suffix.lower() == ".gz":
        # GzipFile keeps 8 KiB of unpacked text: a line of news takes one or two fills of
        # it, each a call into Python's gzip reader; a MiB at a time reads the 31k pool's
        # lines in a sixth less time (unpacking at most a MiB a call: a bomb is still
        # stopped at the same line)
        reader = io.BufferedReader(_Unpacking(gzip.GzipFile(fileobj=buffered)), 1 << 20)
    shown = files.name(path)
    articles: list[Article] = []
    problems: list[Problem] = []
    bad: list[int] = []  # offsets of the first bad bytes
    bad_count = 0
    bad_lines: list[int] = []
    legacy: dict[str, list[int]] = {}
    lineno = offset = 0
    try:
        try:
            head = reader.peek(4096)[:4096]
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
                return None
            if head.startswith(codecs.BOM_UTF8):
                reader.read(3)
                offset = 3
            packed = reader is not buffered
            while True:
                line = reader.readline(MAX_FILE_BYTES + 1)
                if not line:
                    break
                lineno += 1
                start, offset = offset, offset + len(line)
                if packed and _bomb(offset, hashing.count):
                    problems.append(_bomb_problem(shown, lineno))
                    break
                if len(line) > MAX_FILE_BYTES and not line.endswith(b"\n"):
                    while (more := reader.readline(1 << 20)) and not more.endswith(b"\n"):
                        offset += len(more)
                        if packed and _bomb(offset, hashing.count):
                            break
                    offset += len(more)
                    if packed and _bomb(offset, hashing.count):
                        problems.append(_bomb_problem(shown, lineno))
                        break
                    problems.append(
                        Problem(
                            f"{shown}:{lineno}",
                            f"is longer than the {MAX_FILE_BYTES >> 20} MB limit for "
                            "one article; line skipped.",
                        )
                    )
                    continue
                decoded = decode.decode_line(line)
                if decoded.bad_count:
                    bad_count += decoded.bad_count
                    room = decode.SHOWN_OFFSETS - len(bad)
                    bad.extend(start + o for o in decoded.bad_offsets[: max(room, 0)])
                    if len(bad_lines) <= 5:  # the first five are named, then "…"
                        bad_lines.append(lineno)
                elif decoded.encoding != "utf-8":
                    named = legacy.setdefault(decoded.encoding, [])
                    if len(named) <= 5:
                        named.append(lineno)
                _jsonl_line(shown, lineno, decoded.text, articles, problems)
        except (OSError, EOFError, zlib.error) as exc:
            if lineno == 0 and path.suffix.lower() == ".gz":
                raise ArticleError(shown, f"is not a readable gzip file ({exc}).") from exc
            problems.append(
                Problem(
                    shown,
                    f"could be read only up to line {lineno} ({exc}); the articles before it "
                    "were kept. Check the file (a truncated download or copy?).",
                )
            )
        while hashing.read(1 << 20):  # the sha256 covers the whole file
            pass
    finally:
        raw.close()
    if bad_count:
        problems.append(
            Problem(
                shown,
                f"is UTF-8 with {decode.describe_offsets(bad_count, bad)} (line(s) "
                f"{', '.join(map(str, bad_lines[:5]))}{' …' if len(bad_lines) > 5 else ''}); "
                "they were read as U+FFFD (�). Check the file for damage.",
            )
        )
    for encoding, lines in legacy.items():
        problems.append(
            Problem(
                shown,
                f"line(s) {', '.join(map(str, lines[:5]))}{' …' if len(lines) > 5 else ''} "
                f"are not UTF-8; each reads as {encoding} text, so they were read that way. "
                "Save the file as UTF-8 to be sure.",
            )
        )
    if lineno == 0:
        raise ArticleError(shown, "is empty; skipped.")
    if not articles and not problems:
        raise ArticleError(shown, "holds no articles.")
    return articles, problems, hashing.sha256.hexdigest()


def _record(raw: Any, origin: str) -> ArticleRecord:
    if not isinstance(raw, dict):
        raise ArticleError(origin, "an article must be a JSON object with at least 'text'.")
    data = {}
    for key, value in raw.items():
        name = str(key).lower()
        data[_ALIASES.get(name, name)] = value
    # The body is the one long field, and pydantic would copy it to UTF-8 and back only to
    # strip it (0.2 s for 10,000 articles): a body that is a string pydantic accepts (no
    # lone surrogate) is stripped here the same way, and the rest validated without it.
    text = data.get("text")
    by_hand = type(text) is str and _SURROGATE.search(text) is None
    if by_hand:
        data["text"] = None
    try:
        record = ArticleRecord.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ArticleError(origin, f"field '{field}': {first['msg']}.") from exc
    if by_hand:
        record.text = text.strip(_WHITE_SPACE)
    return record


# What pydantic's ``str_strip_whitespace`` strips (Unicode's White_Space, as Rust's
# ``str::trim``), which is not what ``str.strip()`` strips (that also takes \x1c-\x1f).
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SURROGATE = re.compile("[\ud800-\udfff]")  # pydantic refuses a string holding one


def _build(
    record: ArticleRecord, path: str, origin: str, problems: list[Problem] | None = None
) -> Article:
    # Text from outside: keys masked, bidi controls and invisible characters removed;
    # one-line fields kept on one line.
    secrets = safety.configured_secrets()  # read once for the five fields
    text = safety.safe_text(record.text or "", secrets=secrets).strip()
    title = _one_line(record.title, secrets)
    if not text and not title:
        raise ArticleError(origin, "has no text; give each article a 'text' field.")
    if not text:
        text = title
    if not title or len(title) > MAX_TITLE_CHARS:
        title = _title_from_text(title or text)
    published = None
    if record.published:
        published = _normalise_published(record.published)
        if published is None and problems is not None:
            problems.append(
                Problem(
                    origin,
                    f"published date {safety.safe_line(record.published[:100])!r} not "
                    "understood; left empty. Write it as YYYY-MM-DD.",
                )
            )
    given_id = _one_line(record.id, secrets)[:200] if record.id else ""
    article_id = given_id or "a-" + _content_digest(title, text)[:12]
    return Article(
        id=article_id,
        title=title,
        text=text,
        origin=origin,
        source=_one_line(record.source, secrets)[:300] or None,
        url=_url(record.url, origin, problems, secrets),
        published=published,
        lang=_normalise_lang(record.lang),
    )


MAX_TITLE_CHARS = 400  # a longer "title" is a paragraph: the headline is taken from it


def _url(
    value: str | None, origin: str, problems: list[Problem] | None, secrets: Sequence[str]
) -> str | None:
    """The article's URL, unless following it could run something (``javascript:``,
    ``data:``…): such a URL is left out, with a warning, so no output can link to it."""
    url = _one_line(value, secrets).replace(" ", "%20")[:2000]
    if not url:
        return None
    if safety.safe_url(url) is None:
        if problems is not None:
            problems.append(
                Problem(
                    origin,
                    f"url {safety.safe_line(url[:60])!r} is not a web address (its scheme "
                    f"is {safety.url_scheme(url)!r}); left out, so no output links to it.",
                )
            )
        return None
    return url


def _one_line(value: str | None, secrets: Sequence[str]) -> str:
    """A field that is one line (title, outlet, URL, id): made safe, whitespace folded."""
    return " ".join(safety.safe_text(value, secrets=secrets).split()) if value else ""


def _title_from_text(text: str) -> str:
    first_line = text.strip()[:2000].partition("\n")[0].strip()  # bounded: a 50 MB line
    if len(first_line.split()) <= 20:
        return first_line
    sentence = split_sentences(first_line)[0]
    words = sentence.split()
    return sentence if len(words) <= 20 else " ".join(words[:16]) + " …"


def _normalise_published(value: str) -> str | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_date(value)
    has_time = "T" in value or " " in value.strip()
    return parsed.isoformat() if has_time else parsed.date().isoformat()


_LANG_CODE = re.compile(r"[a-z]{2,3}")


def _normalise_lang(value: str | None) -> str:
    """An ISO 639 code (``ar``, ``en``…), or ``und``: anything else a file states (a
    name, markup, a sentence) is not a language tag and goes no further (it would end up
    in an HTML ``lang`` attribute)."""
    if not value:
        return "und"
    code = value.strip().lower().replace("_", "-").split("-")[0]
    code = {"arabic": "ar", "ara": "ar", "english": "en", "eng": "en"}.get(code, code)
    return code if _LANG_CODE.fullmatch(code) else "und"


def _unique_id(article_id: str, seen: dict[str, Article], taken: dict[str, int]) -> str:
    """``article_id``, or ``article_id~N`` for the next free N (remembered per id, so that
    50,000 records sharing one id take linear time, not quadratic)."""
    if article_id not in seen:
        return article_id
    n = taken.get(article_id, 1)
    candidate = article_id
    while candidate in seen:
        n += 1
        candidate = f"{article_id}~{n}"
    taken[article_id] = n
    return candidate


def _fingerprint(article: Article) -> str:
    return _content_digest(article.title, article.text)


_CHUNK = 1 << 20
_SPACE = re.compile(r"\s")


@functools.lru_cache(maxsize=8)
def _content_digest(title: str, text: str) -> str:
    """sha256 of ``normalize(title) + "\\n" + normalize(text)``, with the text normalised
    in pieces cut at whitespace (``normalize`` works per character and folds whitespace,
    so the result is the same) so that a 50 MB article needs no 50 MB of word objects.
    Cached: the id and the repeat check of one article both need it."""
    sha = hashlib.sha256(normalize(title).encode())
    sha.update(b"\n")
    separator = b""
    start = 0
    while start < len(text):
        end = start + _CHUNK
        if end < len(text):
            space = _SPACE.search(text, end)
            end = space.start() if space else len(text)
        piece = normalize(text[start:end])
        if piece:
            sha.update(separator + piece.encode())
            separator = b" "
        start = end
    return sha.hexdigest()
