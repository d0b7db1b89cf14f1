"""Articles built straight from text, without ingest or clean, for stage tests."""

from __future__ import annotations

from pathlib import Path

from briefing.models import Article


def article(id: str, title: str, text: str, **meta: str) -> Article:
    return Article(id=id, title=title, text=text, origin=f"test:{id}", **meta)  # type: ignore[arg-type]


def seed_articles(seeds_dir: Path) -> list[Article]:
    """The five seed articles (one event, five outlets): title is the first line, text the
    rest, as they are on disk."""
    articles = []
    for path in sorted(seeds_dir.glob("*.txt")):
        title, _, text = path.read_text(encoding="utf-8").partition("\n")
        articles.append(article(path.stem, title.strip(), text.strip(), lang="ar"))
    return articles
