"""Finding the files to read under the paths a user gave, and recognising brief's own
briefings among them.

Not a stage: ingest calls it. ``walk(paths)`` yields each regular file to read, or a
``Problem`` naming a path that cannot be used (missing, a broken link, a link loop, a
folder that cannot be listed, a pipe, socket or device) so the run goes on with the
rest. Folders are read recursively in a stable order, hidden files and folders skipped;
a folder reached twice (through a symbolic link) is read once. File names are shown with
``safety.visible``, so a name holding a newline or a bidi control cannot forge a line or
reorder a message.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..models import Problem
from ..safety import visible

OWN_OUTPUT = re.compile(r"^briefing-\d{4}-\d{2}-\d{2}[^/]*\.(md|markdown|html|htm|json|docx)$")
# What the renderers write today (see render/): the JSON schema id, the Markdown and HTML
# provenance block, the .docx author. A renderer that adds an explicit generator marker
# (a ``<meta name="generator" content="brief">`` or ``<!-- brief.briefing/1 -->``) is
# recognised by it too.
_JSON_MARK = re.compile(rb'\A\s*\{\s*"schema"\s*:\s*"brief\.briefing/')
_TEXT_MARKS = (
    re.compile(rb"brief\.briefing/\d"),
    re.compile(rb'<meta name="generator" content="brief'),
    re.compile(rb"Provenance[\s\S]{0,400}Tool version[\s\S]{0,200}Engine"),
)
_DOCX_MARK = re.compile(rb"<dc:creator>brief</dc:creator>")


def name(path: str | Path) -> str:
    """A path as shown to the user: control and bidi characters made visible."""
    return visible(os.fsdecode(path) if isinstance(path, bytes) else str(path))


def walk(paths: Sequence[str | Path]) -> Iterator[Path | Problem]:
    """Every regular file under ``paths`` (folders read recursively, hidden entries
    skipped, sorted by name), or a ``Problem`` for a path that cannot be used."""
    seen_folders: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(raw)
        found = _stat(path)
        if isinstance(found, Problem):
            yield found
        elif stat.S_ISDIR(found.st_mode):
            yield from _walk_folder(path, found, seen_folders)
        elif stat.S_ISREG(found.st_mode):
            yield path
        else:
            yield _special(path, found)


def _walk_folder(
    top: Path, top_stat: os.stat_result, seen: set[tuple[int, int]]
) -> Iterator[Path | Problem]:
    """Depth first, each folder's entries in name order (as ``sorted(rglob)`` would), with
    an explicit stack so that a deep tree cannot exhaust Python's recursion limit."""
    stack: list[Iterator[tuple[Path, os.stat_result | Problem]]] = []
    first = _enter(top, top_stat, seen)
    if isinstance(first, Problem):
        yield first
        return
    stack.append(first)
    while stack:
        try:
            child, found = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        if isinstance(found, Problem):
            yield found
        elif stat.S_ISDIR(found.st_mode):
            inner = _enter(child, found, seen)
            if isinstance(inner, Problem):
                yield inner
            else:
                stack.append(inner)
        elif stat.S_ISREG(found.st_mode):
            yield child
        else:
            yield _special(child, found)


def _enter(
    folder: Path, folder_stat: os.stat_result, seen: set[tuple[int, int]]
) -> Iterator[tuple[Path, os.stat_result | Problem]] | Problem:
    key = (folder_stat.st_dev, folder_stat.st_ino)
    if key in seen:
        return Problem(
            name(folder),
            "leads to a folder already being read (a symbolic link loop, or the same folder "
            "twice); read once.",
        )
    seen.add(key)
    try:
        with os.scandir(folder) as listing:
            names = sorted(e.name for e in listing if not e.name.startswith("."))
    except PermissionError:
        return Problem(
            name(folder),
            "is a folder that cannot be read (permission denied); the files in it were "
            "skipped. Check its permissions.",
        )
    except OSError as exc:
        return Problem(name(folder), f"is a folder that cannot be read ({_reason(exc)}).")
    return ((folder / n, _stat(folder / n)) for n in names)


def _stat(path: Path) -> os.stat_result | Problem:
    try:
        return path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return Problem(name(path), "is a broken symbolic link (its target is gone); skipped.")
        return Problem(name(path), "does not exist; check the path.", "error")
    except PermissionError:
        return Problem(
            name(path),
            "cannot be reached (permission denied on a folder above it); check the permissions.",
        )
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return Problem(name(path), "is a symbolic link loop (it points to itself); skipped.")
        return Problem(name(path), f"cannot be read ({_reason(exc)}); skipped.")


def _special(path: Path, found: os.stat_result) -> Problem:
    mode = found.st_mode
    kind = (
        "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    return Problem(name(path), f"is {kind}, not a file or folder of articles; skipped.")


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def is_own_output(path: Path, head: bytes) -> bool:
    """A briefing brief wrote: its name (``briefing-YYYY-MM-DD….md|html|json|docx``) and a
    marker inside (``head`` is the file's bytes, or at least its first 64 KiB for JSON;
    Markdown and HTML carry the provenance at the end, so they are given whole)."""
    lowered = path.name.lower()
    if lowered.endswith(".gz"):
        lowered = lowered[:-3]
    match = OWN_OUTPUT.match(lowered)
    if not match:
        return False
    kind = match.group(1)
    if kind == "json":
        return bool(_JSON_MARK.match(head))
    if kind == "docx":
        return _docx_by_brief(head)
    return any(mark.search(head) for mark in _TEXT_MARKS)


def _docx_by_brief(data: bytes) -> bool:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            core = archive.read("docProps/core.xml")[:65536]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    return bool(_DOCX_MARK.search(core))
