"""Writing output files atomically: a temp file in the same folder, then a rename.

A reader (a mail job, a sync client) never sees a half-written briefing, and a failed
write leaves the previous file as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import OutputError


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
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        ) as tmp:
            tmp_name = tmp.name
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, path)
    except OSError as exc:
        if tmp_name and os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise OutputError(
            f"Cannot write {path} ({exc.strerror or exc}); check the folder's permissions "
            "and free space, or choose another with -o DIR."
        ) from exc
    return path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
