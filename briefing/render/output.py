"""Writing output files atomically: a temp file in the same folder, then a rename.

A reader (a mail job, a sync client) never sees a half-written briefing, and a failed
write leaves the previous file as it was. ``write_all`` writes one run's formats
together: every file to its temp file first (flushed to disk), and only when all of
them are written are they renamed into place, so a full disk or a failed format leaves
every previous file as it was and a folder never mixes two runs' formats. Temp files
are named ``.briefing-….tmp``; those left by a run that was killed are removed by the
next ``write_all`` in that folder (the caller holds the folder's lock, so no live run
owns them).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import OutputError

log = logging.getLogger(__name__)

_TEMP = re.compile(r"^\.briefing-.*\.tmp$")


def write_all(files: Sequence[tuple[Path, bytes]]) -> tuple[Path, ...]:
    """Write every ``(path, data)`` as one change: all temp files first, then all renamed.
    On any failure nothing is replaced and no temp file is left."""
    folders = {path.parent for path, _ in files}
    for folder in folders:
        _make_folder(folder)
        remove_leftovers(folder)
    temps: list[tuple[str, Path]] = []
    replaced: list[Path] = []
    current = files[0][0] if files else None
    try:
        for path, data in files:
            current = path
            temps.append((_write_temp(path, data), path))
        for tmp_name, path in temps:
            current = path
            os.replace(tmp_name, path)
            replaced.append(path)
    except OSError as exc:
        for tmp_name, _ in temps:
            _unlink(tmp_name)
        done = (
            "no file of this briefing was replaced"
            if not replaced
            else f"only {', '.join(p.name for p in replaced)} was replaced"
        )
        raise OutputError(
            f"Cannot write {current} ({exc.strerror or exc}); {done}. Check the folder's "
            "permissions and free space, or choose another with -o DIR."
        ) from exc
    for folder in folders:
        _sync_folder(folder)
    return tuple(path for path, _ in files)


def remove_leftovers(folder: Path) -> int:
    """Remove the ``.briefing-….tmp`` files a killed run left in ``folder``."""
    removed = 0
    try:
        names = [n for n in os.listdir(folder) if _TEMP.match(n)]
    except OSError:
        return 0
    for name in names:
        try:
            os.unlink(folder / name)
            removed += 1
        except OSError:
            pass
    if removed:
        log.info("removed %d temp file(s) left in %s by an interrupted run", removed, folder)
    return removed


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"Cannot create the output folder {folder} ({exc.strerror or exc}); "
            "choose another with -o DIR."
        ) from exc


def _write_temp(path: Path, data: bytes) -> str:
    """``data`` in a temp file beside ``path``, flushed to disk; its name."""
    tmp_name = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as tmp:
            tmp_name = tmp.name
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, 0o666 & ~_umask())
    except OSError:
        if tmp_name:
            _unlink(tmp_name)
        raise
    return tmp_name


def _unlink(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make the renames durable (a crash right after still shows the new files)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"Cannot create the output folder {path.parent} ({exc.strerror or exc}); "
            "choose another with -o DIR."
        ) from exc
    tmp_name = None
    try:
        tmp_name = _write_temp(path, data)  # removes its temp file itself if it fails
        os.replace(tmp_name, path)
    except OSError as exc:
        if tmp_name:
            _unlink(tmp_name)
        raise OutputError(
            f"Cannot write {path} ({exc.strerror or exc}); check the folder's permissions "
            "and free space, or choose another with -o DIR."
        ) from exc
    return path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
