"""The sentences a point rests on: how articles are numbered for the model, and how a
point is tied to source sentences when the model did not name them.

Not a stage: ``pack`` numbers sentences with it, ``generate`` reads the model's
sentence ids with it, ``verify`` aligns and checks with it. Sentence 0 of an article is
its title; sentences 1… are ``text.split_sentences`` of its text, so ``A2.4`` always
means the same words, however much of the article was sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from ..models import Article, Evidence
from ..text import detect_lang, split_sentences, terms

SENTENCE_ID = re.compile(r"^\s*\[?\s*(A\d+)\s*[.:#]\s*(\d+)\s*\]?\s*$", re.IGNORECASE)
MAX_ALIGNED = 2  # sentences aligned to a point the model gave no evidence for


@lru_cache(maxsize=4096)
def _sentences(title: str, text: str) -> tuple[str, ...]:
    return (title, *split_sentences(text))


def sentences(article: Article) -> tuple[str, ...]:
    """The article's numbered sentences: 0 is the title, then the text's sentences."""
    return _sentences(article.title, article.text)


def parse_id(value: str) -> tuple[str, int] | None:
    """``"A2.4"`` (also ``a2:4``, ``[A2.4]``) -> ``("A2", 4)``; None if not an id."""
    match = SENTENCE_ID.match(value)
    return (match.group(1).upper(), int(match.group(2))) if match else None


def lookup(article: Article, number: int) -> Evidence | None:
    """Sentence ``number`` of ``article`` as evidence, if it exists."""
    numbered = sentences(article)
    if 0 <= number < len(numbered) and numbered[number].strip():
        return Evidence(article.id, number, numbered[number])
    return None


def align(text: str, articles: Iterable[Article], limit: int = MAX_ALIGNED) -> tuple[Evidence, ...]:
    """The sentences of ``articles`` in ``text``'s language that best hold its content
    terms: greedily, each adding terms the chosen ones lack, at most ``limit``."""
    wanted = set(terms(text))
    lang = detect_lang(text)
    if not wanted:
        return ()
    pool = [
        (article, n, sentence, set(terms(sentence)))
        for article in articles
        if article.lang == lang
        for n, sentence in enumerate(sentences(article))
    ]
    chosen: list[Evidence] = []
    held: set[str] = set()
    for _ in range(limit):
        best = max(
            pool,
            key=lambda c: (len((c[3] & wanted) - held), -c[1]),
            default=None,
        )
        if best is None or not (best[3] & wanted) - held:
            break
        chosen.append(Evidence(best[0].id, best[1], best[2]))
        held |= best[3] & wanted
        pool.remove(best)
    return tuple(chosen)


def held_share(text: str, evidence: Sequence[Evidence]) -> float:
    """Share of ``text``'s content terms that its evidence sentences hold."""
    wanted = set(terms(text))
    if not wanted:
        return 1.0
    held = {t for e in evidence for t in terms(e.text)}
    return len(wanted & held) / len(wanted)
