"""One run at a time per folder: an advisory lock file that names its holder.

``hold(folder)`` takes ``folder/.brief.lock`` with ``flock``; the kernel releases it when
the holding process dies, so a lock left by a crashed run is simply taken over, with a
note naming the dead run (a run that ends cleanly empties the file; one that finds it
still filled knows its holder died). A second live run gets a ``LockedError`` naming the holder's
pid and start time. `brief make` holds it on its output folder, the daily run on its
store and output folder.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import LockedError, OutputError

LOCK_NAME = ".brief.lock"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds (or last held) a lock."""

    pid: int
    since: str  # ISO 8601, UTC
    host: str
    command: str

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, since {self.since}: {self.command}"


@dataclass(frozen=True, slots=True)
class Taken:
    """A lock now held by this process; ``took_over`` names a dead run it replaced."""

    path: Path
    took_over: Holder | None


@contextmanager
def hold(folder: Path, command: str = "brief") -> Iterator[Taken]:
    """Hold the lock on ``folder`` for the ``with`` block, or raise ``LockedError``."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no advisory locks; runs are not kept apart
        yield Taken(folder / LOCK_NAME, None)
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(
            f"Cannot create the lock file in {folder} ({exc.strerror or exc}); check the "
            "folder's permissions, or choose another with -o DIR."
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _read(fd)
            who = holder.describe() if holder else "another brief run"
            raise LockedError(
                f"{folder} is in use by {who}. Wait for that run to finish, or stop it, "
                "then run again."
            ) from None
        took_over = _read(fd)  # still filled: its run died without releasing it
        if took_over:
            log.warning(
                "took over the lock on %s left by a run that is no longer running (%s)",
                folder,
                took_over.describe(),
            )
        me = Holder(
            pid=os.getpid(),
            since=datetime.now(UTC).isoformat(timespec="seconds"),
            host=socket.gethostname(),
            command=command,
        )
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(asdict(me)).encode("utf-8"), 0)
        try:
            yield Taken(folder / LOCK_NAME, took_over)
        finally:
            os.ftruncate(fd, 0)  # an empty lock file means "free, left cleanly"
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read(fd: int) -> Holder | None:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"null")
        return Holder(int(data["pid"]), str(data["since"]), str(data["host"]), str(data["command"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None
