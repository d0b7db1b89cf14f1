"""The `brief` command line. The only module that prints.

Results (paths written, or the document with ``-o -``) go to stdout; progress, warnings
and errors go to stderr. Heavy modules are imported inside commands so that
``brief --help`` answers fast.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

from . import __version__

log = logging.getLogger("briefing")


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.ERROR
        if quiet
        else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_SafeFormatter("brief: %(message)s"))
    root = logging.getLogger("briefing")
    root.handlers[:] = [handler]
    root.setLevel(level)


class _SafeFormatter(logging.Formatter):
    """Each logged line made safe for the terminal (see ``_err``)."""

    def format(self, record: logging.LogRecord) -> str:
        from .safety import safe_line

        return "\n".join(safe_line(line) for line in super().format(record).split("\n"))


def _err(message: str) -> None:
    """One line on stderr, made safe: keys masked, and control, bidi and other invisible
    characters (a newline in a file name included) shown as visible escapes, so no text
    from outside can forge a line or reorder one. A closed or full stderr is ignored."""
    from .safety import safe_line

    try:
        click.echo(safe_line(message), err=True)
    except (OSError, ValueError):
        pass


class _StdoutFailed(Exception):
    """stdout is closed, full or gone (a closed pipe)."""


def _out(text: str = "", *, data: bytes | None = None, newline: bool = True) -> None:
    """Write a result to stdout; a closed or full stdout raises ``_StdoutFailed``."""
    stream = sys.stdout
    if stream is None:
        raise _StdoutFailed("stdout is closed")
    payload = data if data is not None else os.fsencode(text) + (b"\n" if newline else b"")
    try:
        stream.flush()
        try:
            fd = stream.fileno()
        except (OSError, ValueError, AttributeError):  # not a real file (a test's buffer)
            stream.buffer.write(payload)
            stream.flush()
            return
        view = memoryview(payload)
        while view:  # a reader that hangs up part-way is an error, not a short document
            view = view[os.write(fd, view) :]
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise _StdoutFailed(f"cannot write to stdout ({reason})") from exc


def _check_stdout() -> None:
    """Before any work: stdout must be open, since results (paths, or the document) go
    there."""
    try:
        if sys.stdout is None:
            raise OSError("closed")
        os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError) as exc:
        raise _StdoutFailed("stdout is closed") from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="brief")
def cli() -> None:
    """Turn Arabic and English news articles into a sourced bilingual briefing."""


@cli.command()
# readable=False: an unreadable path is a warning from ingest, never a usage error that
# stops the run before the readable ones are read. No PATHS: --since reads the store.
@click.argument("paths", nargs=-1, required=False, type=click.Path(readable=False, path_type=str))
@click.option(
    "-o",
    "--output",
    "out_dir",
    default=None,
    help="Folder for the briefing files [default: briefings]; '-' writes the one "
    "--format to stdout.",
)
@click.option(
    "--format", "formats", default=None, help="Comma-separated: md, docx, json [default: md,docx]."
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "extractive", "llm"]),
    default=None,
    help="auto (default): the LLM when an endpoint is configured, else the offline "
    "extractive engine.",
)
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1 [env: OPENAI_BASE_URL].",
)
@click.option("--model", default=None, help="Model name [env: BRIEF_MODEL; default: gpt-4o-mini].")
@click.option(
    "--grouping",
    type=click.Choice(["auto", "lexical", "embeddings"]),
    default=None,
    help="How articles are compared: lexical (words, names, numbers), or embeddings too, "
    "joining Arabic and English reports of one event [default: auto: embeddings when "
    "[llm] embeddings_model and an endpoint are set].",
)
@click.option(
    "--embeddings-model",
    default=None,
    metavar="NAME",
    help="The embeddings model for --grouping embeddings, e.g. text-embedding-3-small.",
)
@click.option(
    "--prompt",
    "prompt_pins",
    multiple=True,
    metavar="TASK=vN",
    help="Pin a prompt version, e.g. --prompt story=v1 (default: the latest).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=None,
    help="Stories sent to the model at once [default: 4].",
)
@click.option(
    "--max-attempts",
    type=click.IntRange(1, 20),
    default=None,
    help="Attempts per call on retryable errors [default: 5].",
)
@click.option(
    "--max-points",
    type=click.IntRange(1, 20),
    default=None,
    help="Key points per story and language [default: 6].",
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Stories written in full; the rest get one line each under 'Also reported' "
    "(the JSON keeps every story in full; the LLM is sent only these) [default: 10; 0 = all].",
)
@click.option(
    "--lang",
    "lang",
    type=click.Choice(["ar", "en", "ar,en", "en,ar"], case_sensitive=False),
    default=None,
    help="The documents' language(s): ar, en, or both, the first leading [default: ar,en].",
)
@click.option(
    "--page-size",
    type=click.Choice(["a4", "letter"], case_sensitive=False),
    default=None,
    help="Word page size [default: a4].",
)
@click.option(
    "--arabic-font",
    default=None,
    metavar="NAME",
    help="Word's font for Arabic text; pick one your readers have [default: Arial].",
)
@click.option(
    "--date",
    "briefing_date",
    metavar="YYYY-MM-DD",
    help="The briefing's date (default: the newest article's date).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show the tokens and estimated cost per story; call nothing, write nothing.",
)
@click.option("--no-cache", is_flag=True, help="Ask the model again even for cached answers.")
@click.option(
    "--strict",
    is_flag=True,
    default=None,
    help="Fail a story whose points fail a check, instead of printing them flagged.",
)
@click.option(
    "--no-check",
    is_flag=True,
    help="Skip the model's check of each point (one call per story); rules still check.",
)
@click.option(
    "--since",
    default=None,
    metavar="24h|ISO",
    help="Brief the articles the store (brief fetch) first saw since then: 24h, 90m, 7d, "
    "or 2026-02-09T06:00 (local time). Instead of PATHS.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, readable=False),
    default=None,
    help="Settings file [default: ./brief.toml if present; env: BRIEF_CONFIG].",
)
@click.option(
    "--include-briefings",
    is_flag=True,
    help="Also read briefings brief wrote (briefing-YYYY-MM-DD.*), which are skipped by "
    "default so a rerun never cites its own output.",
)
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debug).")
def make(
    paths: tuple[str, ...],
    out_dir: str | None,
    formats: str | None,
    engine: str | None,
    base_url: str | None,
    model: str | None,
    grouping: str | None,
    embeddings_model: str | None,
    prompt_pins: tuple[str, ...],
    concurrency: int | None,
    max_attempts: int | None,
    max_points: int | None,
    top: int | None,
    lang: str | None,
    page_size: str | None,
    arabic_font: str | None,
    briefing_date: str | None,
    dry_run: bool,
    no_cache: bool,
    strict: bool | None,
    no_check: bool,
    since: str | None,
    config_path: str | None,
    include_briefings: bool,
    quiet: bool,
    verbose: int,
) -> None:
    """Make a briefing from articles in PATHS (files or folders, read recursively), or
    from the article store with --since."""
    if not paths and not since:
        raise click.UsageError("Give PATHS (files or folders), or --since 24h to use the store.")
    if paths and since:
        raise click.UsageError("Give PATHS or --since, not both.")
    _check_stdout()
    _setup_logging(verbose, quiet)
    from . import config
    from .errors import BriefError
    from .pipeline import make as run

    try:
        settings = config.load(
            config_path,
            {
                "engine": engine,
                "output": out_dir,
                "formats": formats.split(",") if formats else None,
                "max_points": max_points,
                "base_url": base_url,
                "model": model,
                "grouping": grouping,
                "embeddings_model": embeddings_model,
                "concurrency": concurrency,
                "max_attempts": max_attempts,
                "strict": strict or None,
                "check": False if no_check else None,
                "top": top,
                "lang": lang,
                "page_size": page_size,
                "arabic_font": arabic_font,
            },
        )
        for refused in settings.refused:  # a password in brief.toml: ignored, and said so
            _err(f"brief: error: {refused}")
        options = _make_options(
            settings,
            paths=paths,
            briefing_date=briefing_date,
            prompt_pins=prompt_pins,
            dry_run=dry_run,
            use_cache=not no_cache,
            include_briefings=include_briefings,
        )
        with _progress(quiet) as progress:
            if since:
                from .pipeline.daily import make_since

                result = make_since(options, since, progress=progress)
            else:
                result = run(options, progress=progress)
    except BriefError as exc:
        _err(f"brief: error: {exc}")
        sys.exit(1)
    if not quiet:
        for problem in result.problems:
            _err(f"brief: {problem.severity}: {problem}")
    if result.plan is not None:
        _print_plan(result.plan)
        return
    if result.stdout is not None:
        _out(data=result.stdout)
    for path in result.written:
        _out(str(path))
    b = result.briefing
    if not quiet and b is not None:
        failed = sum(1 for d in b.stories if d.status == "failed")
        engine_name = b.provenance.engine + (f" {b.provenance.model}" if b.provenance.model else "")
        _err(
            f"brief: {_plural(len(b.stories), 'story', 'stories')} from "
            f"{_plural(len(b.sources), 'article', 'articles')} "
            f"({engine_name} engine)"
            + (f"; {failed} failed" if failed else "")
            + (f"; {len(result.problems)} problems listed above" if result.problems else ""),
        )
    # the stories the chosen engine wrote (with an LLM, the --top ones; the rest are offline)
    tried = [d for d in b.stories if d.engine == b.provenance.engine] if b is not None else []
    if tried and all(d.status == "failed" for d in tried):
        _err("brief: error: every story failed; the briefing written lists why.")
        sys.exit(3)


def _print_plan(plan: object) -> None:
    """--dry-run: a table of the calls that would be made."""
    from .pipeline import Plan

    assert isinstance(plan, Plan)
    _out(f"model: {plan.model}; tokens counted with {plan.tokenizer}")
    _out(f"{'story':>5}  {'articles':>8}  {'calls':>5}  {'input tokens':>12}  cut")
    for call in plan.calls:
        cut = ", ".join(f"{aid} {pct}%" for aid, pct in call.trimmed) or "-"
        calls = call.calls
        _out(
            f"{call.story_number:>5}  {call.articles:>8}  {calls:>5}  "
            f"{call.input_tokens:>12}  {cut}"
        )
    total = f"total input tokens: {plan.input_tokens}"
    if plan.cost is not None:
        total += (
            f"; estimated cost: ${plan.cost:.4f} (at ${plan.prices[0]}/"  # type: ignore[index]
            f"${plan.prices[1]} per million input/output tokens, "  # type: ignore[index]
            "assuming 1,500 output tokens per call)"
        )
    else:
        total += "; no price known for this model (set price_input_per_mtok and "
        total += "price_output_per_mtok under [llm] in brief.toml)"
    _out(total)
    if plan.not_sent:
        _out(
            f"{_plural(plan.not_sent, 'other story is', 'other stories are')} not sent to the "
            "model (--top): one line each in the documents, in full in the JSON, made offline."
        )


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on stderr when it is a terminal; nothing otherwise (cron, pipes,
    -q). stdout stays reserved for results."""
    if quiet or sys.stderr is None or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    from .pipeline import parallel

    with Progress(console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, object] = {}

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)  # type: ignore[arg-type]

        @contextlib.contextmanager
        def paused() -> Iterator[None]:
            """The bar stopped (its thread joined, stderr its own again) while worker
            processes are forked, so that none inherits a lock the thread held."""
            bar.stop()
            try:
                yield
            finally:
                bar.start()

        parallel.quiet_while_forking(paused)
        try:
            yield update
        finally:
            parallel.quiet_while_forking(None)


@cli.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Settings file [default: ./brief.toml if present; env: BRIEF_CONFIG].",
)
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debug).")
def fetch(config_path: str | None, quiet: bool, verbose: int) -> None:
    """Collect the feeds and folders of [sources] in brief.toml into the article store."""
    _setup_logging(verbose, quiet)
    from . import config
    from .errors import BriefError
    from .pipeline import daily

    try:
        settings = config.load(config_path)
        collected = daily.fetch(settings)
    except BriefError as exc:
        _err(f"brief: error: {exc}")
        sys.exit(1)
    _print_problems(collected.problems, quiet)
    if not quiet:
        _err(f"brief: {_collected(collected)}")


def _collected(c: object) -> str:
    from .pipeline.daily import Collected

    assert isinstance(c, Collected)
    feeds = c.feeds_ok + c.feeds_not_modified + c.feeds_failed
    line = (
        f"{_plural(feeds, 'feed', 'feeds')}: {c.feeds_ok} read, {c.feeds_not_modified} "
        f"unchanged (304), {c.feeds_failed} failed"
    )
    if c.folders_ok or c.folders_failed:
        line += f"; {_plural(c.folders_ok + c.folders_failed, 'folder', 'folders')}"
    line += (
        f"; {c.pages_fetched} pages fetched"
        + (f" ({c.pages_failed} failed)" if c.pages_failed else "")
        + f"; {c.articles_new} new, {c.articles_updated} updated articles; "
        f"{c.requests} requests"
    )
    return line


def _print_problems(problems: object, quiet: bool) -> None:
    """Warnings unless -q; errors (a feed that failed, a page refused) always."""
    for problem in problems:  # type: ignore[attr-defined]
        if problem.severity == "error" or not quiet:
            _err(f"brief: {problem.severity}: {problem}")


@cli.command("run")
@click.option("-o", "--output", "out_dir", default=None, help="Folder for the briefings.")
@click.option("--format", "formats", default=None, help="Comma-separated: md, docx, json, html.")
@click.option(
    "--engine", type=click.Choice(["auto", "extractive", "llm"]), default=None, help="As for make."
)
@click.option("--base-url", default=None, metavar="URL", help="OpenAI-compatible endpoint.")
@click.option("--model", default=None, help="Model name.")
@click.option("--max-points", type=click.IntRange(1, 20), default=None, help="As for make.")
@click.option(
    "--since",
    default=None,
    metavar="24h|ISO",
    help="Brief what was first seen since then [default: since the last successful run].",
)
@click.option("--no-deliver", is_flag=True, help="Do not mail or copy the briefing.")
@click.option("--no-fetch", is_flag=True, help="Brief from the store without fetching first.")
@click.option("--no-cache", is_flag=True, help="Ask the model again even for cached answers.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Settings file [default: ./brief.toml if present; env: BRIEF_CONFIG].",
)
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debug).")
def run_command(
    out_dir: str | None,
    formats: str | None,
    engine: str | None,
    base_url: str | None,
    model: str | None,
    max_points: int | None,
    since: str | None,
    no_deliver: bool,
    no_fetch: bool,
    no_cache: bool,
    config_path: str | None,
    quiet: bool,
    verbose: int,
) -> None:
    """The daily job: fetch, brief what is new since the last run, deliver.

    Exit 0: a briefing was written, or there was nothing new; 1: an error (another run
    holds the lock, every source failed, a bad setting); 3: every story failed.
    """
    _setup_logging(verbose, quiet)
    from . import config
    from .errors import BriefError
    from .pipeline import daily

    try:
        settings = config.load(
            config_path,
            {
                "engine": engine,
                "output": out_dir,
                "formats": formats.split(",") if formats else None,
                "max_points": max_points,
                "base_url": base_url,
                "model": model,
            },
        )
        options = _make_options(settings, paths=(), use_cache=not no_cache)
        if options.out_dir == "-":
            raise click.UsageError("brief run writes files: give -o a folder, not '-'.")
        with _progress(quiet) as progress:
            result = daily.run(
                settings,
                daily.RunOptions(
                    since=since, deliver=not no_deliver, fetch=not no_fetch, options=options
                ),
                progress=progress,
            )
    except BriefError as exc:
        _err(f"brief: error: {exc}")
        sys.exit(1)
    _print_problems(result.problems, quiet)
    for path in result.written:
        _out(str(path))
    if not quiet:
        _err(f"brief: {_collected(result.collected)}")
        _err(f"brief: {result.status.message}")
    delivery = result.status.delivery
    for error in result.delivery_errors:
        _err(f"brief: error: delivery: {error}")
    if delivery is not None and not quiet and delivery.outcome == "sent" and delivery.to:
        _err(f"brief: mailed to {', '.join(delivery.to)}")
    sys.exit(result.status.exit_code)


@cli.group("config")
def config_group() -> None:
    """Check the settings file."""


@config_group.command("check")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Settings file [default: ./brief.toml if present; env: BRIEF_CONFIG].",
)
def config_check(config_path: str | None) -> None:
    """Validate brief.toml (every key, the OPML list, [deliver]) and say what it sets up."""
    from . import config
    from .errors import BriefError
    from .pipeline import daily

    try:
        settings = config.load(config_path)
        lines = daily.check(settings)
    except BriefError as exc:
        _err(f"brief: error: {exc}")
        sys.exit(1)
    for line in lines:
        _out(line)
    _err("brief: the settings are valid")


@cli.group()
def prompts() -> None:
    """List and show the versioned prompts the LLM engine uses."""


@prompts.command("list")
def prompts_list() -> None:
    """Every prompt version, latest last, with its sha256."""
    from .digest import prompts as registry
    from .errors import BriefError

    try:
        found = registry.list_prompts()
    except BriefError as exc:
        _err(f"brief: error: {exc}")
        sys.exit(1)
    for p in found:
        _out(f"{p.id}.v{p.version}  sha256:{p.sha256[:12]}  {p.description}")


@prompts.command("show")
@click.argument("prompt_id", metavar="TASK[.vN]")
def prompts_show(prompt_id: str) -> None:
    """Print a prompt file as it is, e.g. `brief prompts show story` or `story.v1`."""
    from pathlib import Path

    from .digest import prompts as registry
    from .errors import BriefError

    task, _, version = prompt_id.replace("=", ".").partition(".")
    try:
        pins = registry.parse_pins([f"{task}={version}"]) if version else {}
        prompt = registry.load(task, pins.get(task))
    except BriefError as exc:
        _err(f"brief: error: {exc}")
        sys.exit(1)
    _err(f"# {prompt.id}.v{prompt.version} sha256:{prompt.sha256}")
    _out(data=Path(prompt.path).read_bytes())


@cli.command("verify")
@click.argument("briefing", type=click.Path(dir_okay=False))
def verify_command(briefing: str) -> None:
    """Print the share of a JSON briefing's points that pass each check."""
    from pathlib import Path

    from .digest.audit import CHECKS, audit
    from .errors import BriefError

    try:
        found = audit(Path(briefing))
    except BriefError as exc:
        _err(f"brief: error: {exc}")
        sys.exit(1)
    total = found.points
    _out(f"{briefing}: {_plural(total, 'point', 'points')}")
    if not total:
        return
    _out(f"{'check':<12}{'passed':>12}{'share':>9}")
    for check in CHECKS:
        passed = found.passed(check)
        _out(f"{check:<12}{f'{passed}/{total}':>12}{100 * passed / total:>8.1f}%")
    clean = total - found.flagged
    _out(f"{'all checks':<12}{f'{clean}/{total}':>12}{100 * clean / total:>8.1f}%")
    unchecked = total - found.model_checked
    _out(
        f"checked by the model: {found.model_checked} of {total}"
        + (f" ({unchecked} not checked by the model)" if unchecked else "")
    )


def _make_options(settings: Any, **given: Any) -> Any:
    """What `brief make` and `brief run` were asked to do: the merged settings (flags,
    environment, brief.toml) plus what only the command knows."""
    from .pipeline import MakeOptions

    return MakeOptions(
        out_dir=settings.output,
        formats=tuple(f.strip().lower() for f in settings.formats if f.strip()),
        engine=settings.engine,
        max_points=settings.max_points,
        settings=settings,
        strict=settings.strict,
        top=settings.top,
        langs=tuple(settings.lang.split(",")),
        page_size=settings.page_size,
        arabic_font=settings.arabic_font,
        **given,
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def main() -> None:
    """Run the CLI with the exit codes a scheduler expects: 0 written, 1 a brief error (one
    line), 2 a usage error, 3 every story failed, 130 interrupted (Ctrl-C); a closed or
    full stdout is 1 with one line, never a traceback."""
    _guard_stderr()
    try:
        cli.main(prog_name="brief", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):
        _interrupted()
    except _StdoutFailed as exc:
        _stdout_failed(str(exc))
    except click.exceptions.Exit as exc:
        _exit(exc.exit_code)
    except SystemExit as exc:
        _exit(exc.code if isinstance(exc.code, int) else 1)
    except click.ClickException as exc:
        try:
            exc.show()
        except (OSError, ValueError):
            pass
        _exit(exc.exit_code)
    except OSError as exc:
        if exc.errno in (errno.EPIPE, errno.ENOSPC, errno.EBADF) and _is_stdout_error():
            _stdout_failed(f"cannot write to stdout ({exc.strerror})")
        raise
    _exit(0)


def _guard_stderr() -> None:
    """Started with stderr closed (``2>&-``): point fd 2 at /dev/null, so that no file
    brief opens can take its number and receive what is written to stderr."""
    try:
        os.fstat(2)
    except OSError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            if devnull != 2:
                os.dup2(devnull, 2)
                os.close(devnull)
        except OSError:
            pass


def _exit(code: int) -> None:
    """Exit after flushing stdout; a stdout that fails now still gets one line."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError) as exc:
        _stdout_failed(f"cannot write to stdout ({getattr(exc, 'strerror', None) or exc})")
    sys.exit(code)


def _is_stdout_error() -> bool:
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):
        return True
    return False


def _stdout_failed(reason: str) -> None:
    _err(
        f"brief: error: {reason}; results (the paths written, or the document) go to stdout: "
        "run brief with stdout open, e.g. > list.txt or > /dev/null."
    )
    _silence_stdout()
    sys.exit(1)


def _interrupted() -> None:
    """Ctrl-C: one line, exit 130 at once. Threads still waiting on the model are not
    waited for; files are only ever replaced whole, and a dead run's temp files are
    removed by the next run."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _err("brief: interrupted; no briefing was written by this run unless listed above.")
    _silence_stdout()
    try:
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    os._exit(130)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's own flush at exit cannot fail loudly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass
    sys.stdout = None  # type: ignore[assignment]


if __name__ == "__main__":
    main()
