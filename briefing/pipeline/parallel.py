"""Per-article work in several processes, for large piles.

Cleaning is a map over articles, and the extractive engine a map over stories: each is
done on its own. From ``PARALLEL_FROM`` articles on, and with more than one CPU, the
work is cut into chunks that worker processes do side by side; the results come back in
input order, so the output is the same as in one process. Below that size, starting the
workers (each imports the modules it needs) costs more than it saves.

``BRIEF_WORKERS`` sets the number of processes (``1`` turns it off); by default, the
CPUs this process may use, at most ``MAX_WORKERS``.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

log = logging.getLogger(__name__)

PARALLEL_FROM = 4_000  # articles
MAX_WORKERS = 4
_CHUNKS_PER_WORKER = 4  # smaller chunks even out slow and fast workers

Item = TypeVar("Item")
Result = TypeVar("Result")

# What to quiet while worker processes are forked: the command line's progress bar, whose
# refresh thread holds its console's locks ten times a second. A child forked while one
# is held would inherit it held, and hang the first time it writes to stderr (a traceback
# on Ctrl-C, a warning). Set by the command line (see ``quiet_while_forking``).
Guard = Callable[[], contextlib.AbstractContextManager[None]]
_forking: Guard = contextlib.nullcontext


def quiet_while_forking(guard: Guard | None) -> None:
    """``guard()`` is entered around the moments worker processes are forked."""
    global _forking
    _forking = guard or contextlib.nullcontext


def workers(count: int) -> int:
    """How many processes to use for ``count`` articles (1: this one only)."""
    configured = os.environ.get("BRIEF_WORKERS", "").strip()
    if configured.isdigit() and int(configured) >= 1:
        wanted = int(configured)
    else:
        try:
            wanted = min(len(os.sched_getaffinity(0)), MAX_WORKERS)
        except AttributeError:  # not on Linux
            wanted = min(os.cpu_count() or 1, MAX_WORKERS)
        if count < PARALLEL_FROM:
            return 1
    return max(1, min(wanted, count))


def map_chunks(
    function: Callable[[Sequence[Item]], Sequence[Result]],
    items: Sequence[Item],
    weight: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Result]:
    """``function`` over chunks of ``items``, in worker processes when it pays; the
    results concatenated in input order. ``function`` must be picklable (a module-level
    function, or a ``partial`` of one). ``weight`` is the number of articles the items
    hold (default: one each); ``progress`` is told how many items are done."""
    processes = workers(len(items) if weight is None else weight)
    processes = min(processes, len(items)) or 1
    if processes == 1:
        if progress is None:
            return list(function(items))
        results = []
        for item in items:  # one at a time, to report each
            results.extend(function([item]))
            progress(len(results))
        return results
    size = -(-len(items) // (processes * _CHUNKS_PER_WORKER))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    log.info("%d items in %d processes", len(items), processes)
    results: list[Result] = []
    try:
        with ProcessPoolExecutor(max_workers=processes, mp_context=_context()) as pool:
            with _forking():  # with fork, every worker starts at the first submission
                done_chunks = pool.map(function, chunks)
            for done in done_chunks:
                results.extend(done)
                if progress:
                    progress(len(results))
    except (BrokenProcessPool, OSError) as exc:
        # a worker died (killed, out of memory, no __main__ guard), or none could be
        # started (no memory or processes left to fork): the work is done here instead
        log.warning("worker processes failed (%s); going on in this process", exc)
        results = list(function(items))
        if progress:
            progress(len(results))
    return results


_inherited: Callable[[Item], Result] | None = None  # see map_inherited


def map_inherited(
    function: Callable[[Item], Result], items: Sequence[Item], weight: int
) -> list[Result]:
    """``function`` over a few ``items`` (the formats of one briefing), one process each
    when ``weight`` articles make it pay and processes can be forked: ``function`` and
    the data it refers to (the whole briefing) are inherited by the forked workers, never
    pickled; only the items and the results cross. Elsewhere, in this process."""
    global _inherited
    processes = min(workers(weight), len(items))
    if processes <= 1 or not sys.platform.startswith("linux"):
        return [function(item) for item in items]
    _inherited = function
    try:
        with ProcessPoolExecutor(max_workers=processes, mp_context=_context()) as pool:
            with _forking():
                done = pool.map(_call_inherited, items)
            return list(done)
    except (BrokenProcessPool, OSError) as exc:  # as in map_chunks
        log.warning("worker processes failed (%s); going on in this process", exc)
        return [function(item) for item in items]
    finally:
        _inherited = None


def _call_inherited(item: Item) -> Result:
    assert _inherited is not None, "map_inherited's workers are forked"
    return _inherited(item)


def _context() -> multiprocessing.context.BaseContext:
    """Fork where it is safe and cheap (Linux): the workers start at once, share the
    parent's pages, and do not import the caller's main script again (which ``spawn``
    does, and which breaks a script without a ``__main__`` guard). The workers only
    compute and return values; logging re-creates its locks after a fork. Elsewhere
    (macOS, Windows), spawn."""
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method)


@contextlib.contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a pile is read, grouped, digested
    and written. It scans every object the run holds each time enough new ones were made,
    and a large pile is millions of them (articles, terms, counts, digests), none in a
    reference cycle: 7% of a 10,000-article run went into those scans, which found
    nothing. Memory is still freed as usual (by reference counting); any cycle made
    meanwhile is collected once the collector is back. Worker processes forked meanwhile
    inherit the pause."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
