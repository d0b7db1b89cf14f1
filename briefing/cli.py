"""The `brief` command line. The only module that prints.

Results (paths written, or the document with ``-o -``) go to stdout; progress, warnings
and errors go to stderr. Heavy modules are imported inside commands so that
``brief --help`` answers fast.
"""

from __future__ import annotations

import logging
import os
import sys

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
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="briefings",
    show_default=True,
    help="Folder for the briefing files; '-' writes the one --format to stdout.",
)
@click.option(
    "--format",
    "formats",
    default="md,docx",
    show_default=True,
    help="Comma-separated: md, docx, json.",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "extractive", "llm"]),
    default="auto",
    show_default=True,
    help="auto: the LLM when an endpoint is configured, else the offline extractive engine.",
)
@click.option(
    "--max-points",
    type=click.IntRange(1, 20),
    default=6,
    show_default=True,
    help="Key points per story and language.",
)
@click.option(
    "--date",
    "briefing_date",
    metavar="YYYY-MM-DD",
    help="The briefing's date (default: the newest article's date).",
)
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debug).")
def make(
    paths: tuple[str, ...],
    out_dir: str,
    formats: str,
    engine: str,
    max_points: int,
    briefing_date: str | None,
    quiet: bool,
    verbose: int,
) -> None:
    """Make a briefing from articles in PATHS (files or folders, read recursively)."""
    _setup_logging(verbose, quiet)
    from .errors import BriefError
    from .pipeline import MakeOptions
    from .pipeline import make as run

    options = MakeOptions(
        paths=paths,
        out_dir=out_dir,
        formats=tuple(f.strip().lower() for f in formats.split(",") if f.strip()),
        engine=engine,
        max_points=max_points,
        briefing_date=briefing_date,
        endpoint_configured=bool(
            os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL")
        ),
    )
    progress = None if quiet else (lambda message: log.info(message))
    try:
        result = run(options, progress=progress)
    except BriefError as exc:
        click.echo(f"brief: error: {exc}", err=True)
        sys.exit(1)
    if not quiet:
        for problem in result.problems:
            click.echo(f"brief: {problem.severity}: {problem}", err=True)
    if result.stdout is not None:
        sys.stdout.buffer.write(result.stdout)
        sys.stdout.flush()
        return
    for path in result.written:
        click.echo(str(path))
    if not quiet:
        b = result.briefing
        failed = sum(1 for d in b.stories if d.status == "failed")
        click.echo(
            f"brief: {_plural(len(b.stories), 'story', 'stories')} from "
            f"{_plural(len(b.sources), 'article', 'articles')} "
            f"({b.provenance.engine} engine)"
            + (f"; {failed} failed" if failed else "")
            + (f"; {len(result.problems)} problems listed above" if result.problems else ""),
            err=True,
        )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def main() -> None:
    cli(prog_name="brief")


if __name__ == "__main__":
    main()
