"""What grouping and the merge pass read of an article: the terms of its title and of
its lede.

Not a stage: both stages use it. The lede is the first words of the body with
headline-like lines left out: short lines without closing punctuation and "read also:"
lines (BBC, CNN and France 24 pages carry the headlines of *other*, related articles as
such lines, and trusting them glues unrelated stories together), and the title repeated
in the text. Grouping reads ``LEDE_WORDS`` words of it, the merge pass the first
``HEAD_WORDS`` of those; the per-article pass reads an article once for both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Article
from ..text import normalize, terms

LEDE_WORDS = 200  # grouping's lede
HEAD_WORDS = 60  # the merge pass's: the first words of grouping's

_TITLE_LIKE_WORDS = 12  # a line this short without closing punctuation is a headline
_SENTENCE_END = re.compile(r"[.!?؟…:;\"'”’»)\]]\s*$")
_LINK_LINE = re.compile(r"^(?:[اأ]قر[اأ]|شاهد|read|see|watch|related)\b.{0,20}:", re.IGNORECASE)


def is_title_like(line: str) -> bool:
    """A headline-like line: short and without closing punctuation, or a "read also" link."""
    if _LINK_LINE.match(line):
        return True
    return len(line.split()) <= _TITLE_LIKE_WORDS and not _SENTENCE_END.search(line)


def lede_words(article: Article, limit: int = LEDE_WORDS) -> list[str]:
    """The first ``limit`` words of the body, headline-like lines and the title repeated
    left out."""
    title = normalize(article.title)
    words: list[str] = []
    for line in article.text.splitlines():
        line = line.strip()
        if not line or is_title_like(line):
            continue
        if abs(len(line) - len(article.title)) < 10 and normalize(line) == title:
            continue  # the title repeated in the text
        words.extend(line.split())
        if len(words) >= limit:
            break
    return words[:limit]


@dataclass(frozen=True, slots=True)
class Reading:
    """An article's title terms, its lede (``LEDE_WORDS`` words) and the lede's terms, of
    which the first ``head`` are those of its first ``HEAD_WORDS`` words."""

    title_terms: tuple[str, ...]
    lede: str
    lede_terms: tuple[str, ...]
    head: int


def read(article: Article) -> Reading:
    # a term never spans white space, so the terms of the lede are those of its first
    # HEAD_WORDS words followed by those of the rest
    words = lede_words(article)
    head = terms(" ".join(words[:HEAD_WORDS]))
    rest = terms(" ".join(words[HEAD_WORDS:]))
    return Reading(tuple(terms(article.title)), " ".join(words), (*head, *rest), len(head))
