"""The `brief` command line. The only module that prints.

Results (paths written, or the document with ``-o -``) go to stdout; progress, warnings
and errors go to stderr. Heavy modules are imported inside commands so that
``brief --help`` answers fast.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable, Iterator

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
    handler.setFormatter(logging.Formatter("brief: %(message)s"))
    root = logging.getLogger("briefing")
    root.handlers[:] = [handler]
    root.setLevel(level)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="brief")
def cli() -> None:
    """Turn Arabic and English news articles into a sourced bilingual briefing."""


@cli.command()
@click.argument("paths", nargs=-1, required=False, type=click.Path())
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
    "--since",
    default=None,
    metavar="24h|ISO",
    help="Brief the articles the store (brief fetch) first saw since then: 24h, 90m, 7d, "
    "or 2026-02-09T06:00 (local time). Instead of PATHS.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Settings file [default: ./brief.toml if present; env: BRIEF_CONFIG].",
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
    prompt_pins: tuple[str, ...],
    concurrency: int | None,
    max_attempts: int | None,
    max_points: int | None,
    briefing_date: str | None,
    dry_run: bool,
    no_cache: bool,
    since: str | None,
    config_path: str | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Make a briefing from articles in PATHS (files or folders, read recursively), or
    from the article store with --since."""
    if not paths and not since:
        raise click.UsageError("Give PATHS (files or folders), or --since 24h to use the store.")
    if paths and since:
        raise click.UsageError("Give PATHS or --since, not both.")
    _setup_logging(verbose, quiet)
    from . import config
    from .errors import BriefError
    from .pipeline import MakeOptions
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
                "concurrency": concurrency,
                "max_attempts": max_attempts,
            },
        )
        for refused in settings.refused:  # a password in brief.toml: ignored, and said so
            click.echo(f"brief: error: {refused}", err=True)
        options = MakeOptions(
            paths=paths,
            out_dir=settings.output,
            formats=tuple(f.strip().lower() for f in settings.formats if f.strip()),
            engine=settings.engine,
            max_points=settings.max_points,
            briefing_date=briefing_date,
            settings=settings,
            prompt_pins=prompt_pins,
            dry_run=dry_run,
            use_cache=not no_cache,
        )
        with _progress(quiet) as progress:
            if since:
                from .pipeline.daily import make_since

                result = make_since(options, since, progress=progress)
            else:
                result = run(options, progress=progress)
    except BriefError as exc:
        click.echo(f"brief: error: {exc}", err=True)
        sys.exit(1)
    if not quiet:
        for problem in result.problems:
            click.echo(f"brief: {problem.severity}: {problem}", err=True)
    if result.plan is not None:
        _print_plan(result.plan)
        return
    if result.stdout is not None:
        sys.stdout.buffer.write(result.stdout)
        sys.stdout.flush()
    for path in result.written:
        click.echo(str(path))
    b = result.briefing
    if not quiet and b is not None:
        failed = sum(1 for d in b.stories if d.status == "failed")
        engine_name = b.provenance.engine + (f" {b.provenance.model}" if b.provenance.model else "")
        click.echo(
            f"brief: {_plural(len(b.stories), 'story', 'stories')} from "
            f"{_plural(len(b.sources), 'article', 'articles')} "
            f"({engine_name} engine)"
            + (f"; {failed} failed" if failed else "")
            + (f"; {len(result.problems)} problems listed above" if result.problems else ""),
            err=True,
        )
    if b is not None and b.stories and all(d.status == "failed" for d in b.stories):
        click.echo("brief: error: every story failed; the briefing written lists why.", err=True)
        sys.exit(3)


def _print_plan(plan: object) -> None:
    """--dry-run: a table of the calls that would be made."""
    from .pipeline import Plan

    assert isinstance(plan, Plan)
    click.echo(f"model: {plan.model}; tokens counted with {plan.tokenizer}")
    click.echo(f"{'story':>5}  {'articles':>8}  {'calls':>5}  {'input tokens':>12}  cut")
    for call in plan.calls:
        cut = ", ".join(f"{aid} {pct}%" for aid, pct in call.trimmed) or "-"
        calls = call.parts + (1 if call.parts > 1 else 0)
        click.echo(
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
    click.echo(total)


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on stderr when it is a terminal; nothing otherwise (cron, pipes,
    -q). stdout stays reserved for results."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, object] = {}

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)  # type: ignore[arg-type]

        yield update


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
        click.echo(f"brief: error: {exc}", err=True)
        sys.exit(1)
    _print_problems(collected.problems, quiet)
    if not quiet:
        click.echo(f"brief: {_collected(collected)}", err=True)


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
            click.echo(f"brief: {problem.severity}: {problem}", err=True)


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
    from .pipeline import MakeOptions, daily

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
        options = MakeOptions(
            paths=(),
            out_dir=settings.output,
            formats=tuple(f.strip().lower() for f in settings.formats if f.strip()),
            engine=settings.engine,
            max_points=settings.max_points,
            settings=settings,
            use_cache=not no_cache,
        )
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
        click.echo(f"brief: error: {exc}", err=True)
        sys.exit(1)
    _print_problems(result.problems, quiet)
    for path in result.written:
        click.echo(str(path))
    if not quiet:
        click.echo(f"brief: {_collected(result.collected)}", err=True)
        click.echo(f"brief: {result.status.message}", err=True)
    delivery = result.status.delivery
    for error in result.delivery_errors:
        click.echo(f"brief: error: delivery: {error}", err=True)
    if delivery is not None and not quiet and delivery.outcome == "sent" and delivery.to:
        click.echo(f"brief: mailed to {', '.join(delivery.to)}", err=True)
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
        click.echo(f"brief: error: {exc}", err=True)
        sys.exit(1)
    for line in lines:
        click.echo(line)
    click.echo("brief: the settings are valid", err=True)


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
        click.echo(f"brief: error: {exc}", err=True)
        sys.exit(1)
    for p in found:
        click.echo(f"{p.id}.v{p.version}  sha256:{p.sha256[:12]}  {p.description}")


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
        click.echo(f"brief: error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"# {prompt.id}.v{prompt.version} sha256:{prompt.sha256}", err=True)
    sys.stdout.write(Path(prompt.path).read_text(encoding="utf-8"))


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def main() -> None:
    cli(prog_name="brief")


if __name__ == "__main__":
    main()
