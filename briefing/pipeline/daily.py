"""The daily job, wired: collect (``collect.py``: fetch -> clean -> store), then make from
the store -> publish -> deliver.

- ``collect``: every feed of ``[sources]`` (and its OPML list) and every folder, into the
  article store; each failure becomes a problem naming the feed, page or folder.
- ``fetch``: ``brief fetch``: ``collect`` under the lock, then prune the store.
- ``make_since``: ``brief make --since``: a briefing of the articles the store first saw
  since then.
- ``run``: ``brief run``: collect, then brief what is new since the last successful run,
  mark stories that continue the previous briefing as updates, replace
  ``briefing-latest.<fmt>``, write ``status.json``, and deliver (retrying earlier
  deliveries that failed).

Returns values; never prints (the CLI reports them).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

from ..config import Settings, resolve, smtp_password
from ..daily import deliver as delivery
from ..daily import lock
from ..daily import run as daily
from ..errors import BriefError, ConfigError, FetchError, NoArticlesError
from ..models import Article, Briefing, InputFile, Problem
from ..sources.store import ArticleStore, Told
from . import MakeResult, _render
from . import make as make_briefing
from .collect import Collected, collect, feeds, store_path
from .options import MakeOptions, Progress

log = logging.getLogger(__name__)

OUTBOX = ".outbox"
FIRST_RUN_SPAN = 86_400  # a first run (no earlier one, no --since) briefs the last 24 hours


@dataclass(frozen=True, slots=True)
class RunOptions:
    since: str | None = None  # --since; default: the end of the last successful run
    deliver: bool = True  # --no-deliver skips mail and copies
    fetch: bool = True
    options: MakeOptions = field(default_factory=lambda: MakeOptions(paths=()))


@dataclass(frozen=True, slots=True)
class RunResult:
    status: daily.Status
    collected: Collected
    problems: tuple[Problem, ...]
    briefing: Briefing | None = None
    written: tuple[Path, ...] = ()
    delivery_errors: tuple[str, ...] = ()


def check(settings: Settings) -> list[str]:
    """``brief config check``: what the settings will do, one line each; raises
    ``ConfigError`` naming the first thing wrong."""
    if settings.refused:
        raise ConfigError(settings.refused[0])
    listed = feeds(settings)
    bad = [f.url for f in listed if not f.url.lower().startswith(("http://", "https://"))]
    if bad:
        raise ConfigError(
            f"[sources] feed {bad[0]!r} is not an http(s) URL; list local feed files under "
            "[sources] folders instead."
        )
    lines = [f"feeds: {len(listed)}"]
    for feed in listed:
        extra = ", ".join(x for x in (feed.name, feed.lang) if x)
        lines.append(f"feed: {feed.url}" + (f" ({extra})" if extra else ""))
    for folder in settings.sources.folders:
        path = resolve(settings, folder)
        lines.append(f"folder: {path}" + ("" if path.is_dir() else " (does not exist yet)"))
    lines.append(f"store: {store_path(settings)} (keep_days = {settings.keep_days})")
    lines.append(f"output: {settings.output} ({', '.join(settings.formats)})")
    d = settings.deliver
    delivery.check(d)
    if d.email_to:
        tls = "SSL" if d.smtp_ssl else {True: "STARTTLS", False: "no TLS", None: "STARTTLS "
                                        "when offered"}[d.smtp_starttls]  # fmt: skip
        login = f"login as {d.smtp_user!r}" if d.smtp_user else "no login"
        lines.append(f"mail: to {', '.join(d.email_to)} via {d.smtp_host}:{d.smtp_port} "
                     f"({tls}, {login})")  # fmt: skip
        if d.smtp_user and not smtp_password():
            lines.append("warning: BRIEF_SMTP_PASSWORD is not set here; set it for the job")
    for folder in d.copy_to:
        lines.append(f"copy to: {resolve(settings, folder)}")
    if not listed and not settings.sources.folders:
        lines.append("warning: [sources] lists no feeds and no folders; brief run has nothing "
                     "to collect")  # fmt: skip
    return lines


@contextmanager
def _locked(folders: Sequence[Path], command: str) -> Iterator[list[Problem]]:
    """Hold the lock on each distinct folder (the store's and the output's); yield a note
    for each lock taken over from a run that died."""
    seen: list[Path] = []
    notes: list[Problem] = []
    with ExitStack() as stack:
        for folder in folders:
            resolved = folder.resolve()
            if resolved in seen:
                continue
            seen.append(resolved)
            taken = stack.enter_context(lock.hold(folder, command))  # it logs the takeover
            if taken.took_over:
                notes.append(
                    Problem(
                        f"lock {taken.path}",
                        "taken over from a run that is no longer running "
                        f"({taken.took_over.describe()}); check why that run died.",
                    )
                )
        yield notes


def fetch(settings: Settings, today: date | None = None) -> Collected:
    """``brief fetch``: collect into the store, under the store's lock."""
    path = store_path(settings)
    with _locked([path.parent], "brief fetch"), ArticleStore(path) as store:
        collected = collect(settings, store, today)
    _raise_if_nothing_worked(collected)
    return collected


def _raise_if_nothing_worked(collected: Collected) -> None:
    tried = collected.feeds_ok + collected.feeds_not_modified + collected.feeds_failed
    tried += collected.folders_ok + collected.folders_failed
    if tried and not (collected.feeds_ok + collected.feeds_not_modified + collected.folders_ok):
        first = "; ".join(str(p) for p in collected.problems if p.severity == "error")[:600]
        raise FetchError(
            f"Every source failed ({first}). Check the network and the URLs in brief.toml; "
            "nothing was collected."
        )


# --- making from the store ------------------------------------------------------------


def make_since(options: MakeOptions, since: str, progress: Progress | None = None) -> MakeResult:
    """``brief make --since``: the articles the store first saw since then."""
    start = daily.parse_since(since)
    path = store_path(options.settings)
    if not path.exists():
        raise NoArticlesError(
            f"There is no article store at {path} yet: run `brief fetch` first (with "
            "[sources] in brief.toml)."
        )
    with ArticleStore(path) as store:
        articles = store.since(start)
    if not articles:
        raise NoArticlesError(
            f"The store {path} has no article first seen since {daily.iso(start)}; run "
            "`brief fetch`, or give an earlier --since."
        )
    return make_briefing(
        replace(options, articles=tuple(articles), inputs=_inputs(articles)), progress
    )


def _inputs(articles: Sequence[Article]) -> tuple[InputFile, ...]:
    """Provenance for stored articles: one line per feed or folder, with a hash of what
    the briefing took from it."""
    by_origin: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_origin[article.origin].append(article)
    inputs = []
    for origin, group in by_origin.items():
        digest = hashlib.sha256()
        for article in sorted(group, key=lambda a: a.id):
            digest.update(f"{article.id}\n{article.title}\n{article.text}\n".encode())
        inputs.append(InputFile(origin, digest.hexdigest(), len(group)))
    return tuple(inputs)


# --- the daily run --------------------------------------------------------------------


def run(settings: Settings, run_options: RunOptions, progress: Progress | None = None) -> RunResult:
    """``brief run``. Raises ``LockedError`` when another run holds the lock (and writes
    no status: that run's status stands); any other failure is in the status."""
    started = time.time()
    out = Path(settings.output)
    path = store_path(settings)
    with _locked([out, path.parent], "brief run") as notes:
        collected = Collected()
        try:
            with ArticleStore(path) as store:
                if run_options.fetch:
                    collected = collect(settings, store, run_options.options.today)
                    _raise_if_nothing_worked(collected)
                if notes:
                    collected = replace(collected, problems=(*notes, *collected.problems))
                return _brief(settings, run_options, store, collected, started, progress)
        except BriefError as exc:
            status = daily.Status(
                command="brief run",
                started=daily.iso(started) or "",
                ended=daily.iso(time.time()) or "",
                outcome="error",
                exit_code=1,
                counts=collected.counts(),
                failures=_failures(collected.problems),
                error=str(exc),
                message=f"The run failed: {exc}",
            )
            _write_status(out, status)
            raise


def _brief(
    settings: Settings,
    run_options: RunOptions,
    store: ArticleStore,
    collected: Collected,
    started: float,
    progress: Progress | None,
) -> RunResult:
    out = Path(settings.output)
    until = time.time()
    seconds = {"collect": round(until - started, 2)}
    if run_options.since:
        since: float | None = daily.parse_since(run_options.since)
    else:
        since = store.last_success()
        if since is None:
            since = until - FIRST_RUN_SPAN
    new = store.since(since, until)
    problems = list(collected.problems)
    counts: dict[str, int | None] = {
        **collected.counts(),
        "articles_briefed": len(new),
        "stories": 0,
        "stories_failed": 0,
        "stories_updated": 0,
        "stories_repeated_left_out": 0,
        "llm_calls": 0,
        "flagged_points": 0,
    }
    result: MakeResult | None = None
    if new:
        told = {t.article_id: (t.briefing_date, t.headline) for t in store.last_told()}
        new_ids = {a.id for a in new}
        previous = {k: v for k, v in told.items() if k not in new_ids}
        earlier = store.by_ids(sorted(previous))
        articles = tuple(earlier + new)
        o = run_options.options
        now = datetime.now()
        day = o.briefing_date or now.date().isoformat()
        options = replace(
            o,
            paths=(),
            articles=articles,
            inputs=_inputs(articles),
            previous=previous,
            briefing_date=day,
            file_stem=daily.file_stem(out, day, o.formats, now),
            holds_lock=True,
        )
        result = make_briefing(options, progress)
        seconds["brief"] = round(time.time() - until, 2)
        problems.extend(result.problems)
        counts["stories_repeated_left_out"] = result.repeated
    briefing = result.briefing if result else None
    if briefing is None:
        outcome, code = "nothing-new", 0
        message = (
            f"Nothing new since {daily.iso(since)}: no new briefing; the last one stands."
            if not result
            else f"Nothing new since {daily.iso(since)}: every story was in the last briefing "
            "already; no new briefing."
        )
    elif briefing.stories and all(d.status == "failed" for d in briefing.stories):
        outcome, code = "all-stories-failed", 3
        message = (
            "Every story failed; the briefing written lists why. briefing-latest is unchanged."
        )
    else:
        outcome, code = "written", 0
        n = len(briefing.stories)
        updated = sum(1 for d in briefing.stories if d.update is not None)
        message = f"Wrote the briefing of {n} {'story' if n == 1 else 'stories'}" + (
            f" ({updated} updating the last briefing)." if updated else "."
        )
    written = result.written if result else ()
    latest: tuple[Path, ...] = ()
    if briefing is not None:
        counts.update(_briefing_counts(briefing))
    if outcome == "written" and briefing is not None:
        latest = daily.publish_latest(written, out)
        told_now = _told(briefing)
        store.record_run(started, since, until, outcome, _main_file(written), told_now)
    else:
        store.record_run(started, since, until, outcome, _main_file(written))
    deliveries = daily.Delivery("off")
    if run_options.deliver:
        delivering = time.time()
        deliveries = _deliver(settings, briefing if outcome == "written" else None, written, out)
        seconds["deliver"] = round(time.time() - delivering, 2)
    elif settings.deliver.email_to or settings.deliver.copy_to:
        deliveries = daily.Delivery("skipped")
    status = daily.Status(
        command="brief run",
        started=daily.iso(started) or "",
        ended=daily.iso(time.time()) or "",
        outcome=outcome,
        exit_code=code,
        since=daily.iso(since),
        until=daily.iso(until),
        briefing=_main_file(written) or store.last_briefing(),
        files=tuple(str(p) for p in written),
        latest=tuple(str(p) for p in latest),
        counts=counts,
        failures=_failures(problems),
        delivery=deliveries,
        message=message,
        seconds=seconds,
    )
    _write_status(out, status)
    return RunResult(status, collected, tuple(problems), briefing, written, deliveries.errors)


def _briefing_counts(briefing: Briefing) -> dict[str, int | None]:
    flagged = 0
    for digest in briefing.stories:
        for section in digest.sections:
            points = (section.headline, section.summary, *section.points, *section.disagreements)
            flagged += sum(1 for p in points if p is not None and p.flags)
    return {
        "stories": len(briefing.stories),
        "stories_failed": sum(1 for d in briefing.stories if d.status == "failed"),
        "stories_updated": sum(1 for d in briefing.stories if d.update is not None),
        "articles_in_briefing": len(briefing.sources),
        "llm_calls": _llm_calls(briefing),
        "flagged_points": flagged,
    }


def _llm_calls(briefing: Briefing) -> int | None:
    """Requests sent to the model in this run (cache hits not counted), from the call log;
    None when it is unknown (the cache and its log were off)."""
    if briefing.provenance.engine != "llm":
        return 0
    params = dict(briefing.provenance.parameters)
    if params.get("cache") != "on" or "run_id" not in params:
        return None
    from ..digest.cache import Store

    store = Store()
    try:
        calls = store.calls(params["run_id"])
    finally:
        store.close()
    return sum(int(c.get("attempts") or 1) for c in calls if c.get("outcome") != "cache")


def _told(briefing: Briefing) -> list[Told]:
    from ..daily.deliver import language

    lang = language(briefing)
    told = []
    for digest in briefing.stories:
        if digest.status != "ok":
            continue
        headline = ""
        for section in (digest.section(lang), *digest.sections):
            if section is not None and section.headline is not None:
                headline = section.headline.text
                break
        for article in digest.story.articles:
            told.append(Told(article.id, briefing.date, headline))
    return told


def _main_file(written: Sequence[Path]) -> str | None:
    for path in written:
        if path.suffix == ".docx":
            return str(path)
    return str(written[0]) if written else None


def _failures(problems: Sequence[Problem]) -> tuple[dict[str, str], ...]:
    return tuple({"where": p.where, "message": p.message, "severity": p.severity}
                 for p in problems)  # fmt: skip


def _write_status(out: Path, status: daily.Status) -> None:
    try:
        daily.write_status(out, status)
    except BriefError as exc:
        log.error("status.json could not be written: %s", exc)


def _deliver(
    settings: Settings, briefing: Briefing | None, written: Sequence[Path], out: Path
) -> daily.Delivery:
    """Mail and copy the new briefing (if any) and every earlier delivery still pending.
    Whatever goes wrong here is reported: the briefing is written already."""
    try:
        return _deliver_all(settings, briefing, written, out)
    except Exception as exc:  # a bug here must not cost the run its status
        log.exception("delivery failed")
        return daily.Delivery(
            "failed",
            errors=(
                f"internal error in delivery ({type(exc).__name__}: {exc}); please report it",
            ),  # fmt: skip
        )


def _deliver_all(
    settings: Settings, briefing: Briefing | None, written: Sequence[Path], out: Path
) -> daily.Delivery:
    d = settings.deliver
    outbox = delivery.Outbox(out / OUTBOX)
    errors: list[str] = []
    if not d.email_to and not d.copy_to and not outbox.pending():
        return daily.Delivery("off")
    added = None
    if briefing is not None and (d.email_to or d.copy_to):
        message = None
        try:
            if d.email_to:
                delivery.check(d)
                message = _message(settings, briefing, written)
        except BriefError as exc:
            errors.append(str(exc))
        added = outbox.add(message, written, d.copy_to)
    done = outbox.deliver(d, smtp_password(), lambda folder: resolve(settings, folder))
    errors.extend(done.errors)
    if errors:
        outcome = "failed"
    elif done.sent or done.copied:
        outcome = "sent"
    else:
        outcome = "off" if briefing is None else "sent"
    return daily.Delivery(
        outcome=outcome,
        to=tuple(d.email_to) if done.sent else (),
        copies=tuple(done.copied),
        errors=tuple(errors),
        pending=done.pending,
        retried=sum(1 for ident in done.sent if added is None or ident != added.id),
    )


def _message(settings: Settings, briefing: Briefing, written: Sequence[Path]) -> EmailMessage:
    """The mail, from the files just written where there are some (no second rendering)."""
    files = {p.suffix.lstrip("."): p for p in written}

    def content(fmt: str) -> bytes:
        return files[fmt].read_bytes() if fmt in files else _render(briefing, fmt)

    stem = written[0].stem if written else f"briefing-{briefing.date}"
    return delivery.compose(
        briefing,
        settings.deliver,
        html=content("html").decode("utf-8"),
        text=content("md").decode("utf-8"),
        docx=content("docx"),
        docx_name=f"{stem}.docx",
    )
