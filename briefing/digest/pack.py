"""Stage: fit a story's articles into the model's input budget.

Articles get short ids (``A1``…) in story order and are sent as delimited data blocks,
one numbered sentence a line (``[A2.4]`` is sentence 4 of article A2; ``[A2.0]`` its
title), so the model can name the sentences each point rests on.

When the whole story does not fit: first, sentences that an earlier article already
carries (outlets repeat each other) are removed, so nothing unique is lost. A sentence
is never a repeat when it states a number, date, month, year, number word or name the
carrying sentence lacks, or quotes words the carrying sentence does not quote; the
carrying sentence is marked ``[A1.3; also A2.5]`` only when the two say the same (each
holds most of the other's terms), so a citation of A2 never rests on words A2 lacks;
and an article always keeps at least its lede. Then, if still too large, the remaining
budget is shared fairly between articles (short ones keep everything, the rest are cut
at sentence boundaries from the end, keeping the lede). When a fair share would leave
each article too little to be useful, the story is split into parts that each fit
(summarised separately, then combined). What was cut is recorded per article and shown
in the briefing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..models import Article, PackedArticle, PackedStory, Story
from ..text import clause_terms, coverage, normalize, terms
from .evidence import sentences as numbered
from .facts import dates, latin_names, numbers

REPEATED = 0.5  # share of a clause's terms one earlier sentence must hold to carry it
CARRIED = 0.6  # share of a sentence's terms, in carried clauses, that makes it a repeat
SAME = 0.6  # share of the carrier's terms the repeat must hold for "also" (same content)
MIN_SHARE = 250  # tokens: below this per article, split the story into parts instead
CUT = "[…]"

Count = Callable[[str], int]


@dataclass(frozen=True, slots=True)
class _Line:
    """One sentence to send: its number in the article, its text, and the sentences of
    later articles that say the same (``A2.5``)."""

    number: int
    text: str
    also: tuple[str, ...] = ()


def pack(story: Story, budget: int, count: Count, tokenizer: str = "") -> PackedStory:
    """Fit ``story`` into ``budget`` tokens of article blocks."""
    articles = list(story.articles)
    ids = {a.id: f"A{i}" for i, a in enumerate(articles, start=1)}
    full = {a.id: count(_block(a, ids[a.id], _all_lines(a))) for a in articles}
    slim_text = _drop_repeats(articles, ids)
    slim = {a.id: _packed(a, ids[a.id], slim_text[a.id], count, full[a.id]) for a in articles}
    if sum(p.tokens for p in slim.values()) <= budget:
        return PackedStory(story, (tuple(slim[a.id] for a in articles),), budget, tokenizer)
    if budget // len(articles) >= MIN_SHARE or len(articles) == 1:
        part = _fair_share(articles, slim, slim_text, budget, count)
        return PackedStory(story, (part,), budget, tokenizer)
    parts = [
        _fair_share(group, slim, slim_text, budget, count)
        for group in _split(articles, slim, budget)
    ]
    return PackedStory(story, tuple(parts), budget, tokenizer)


def _all_lines(article: Article) -> list[_Line | None]:
    return [_Line(n, s) for n, s in enumerate(numbered(article)) if n > 0]


def _block(article: Article, short_id: str, lines: Sequence[_Line | None]) -> str:
    """The article as sent: its marker, its title as ``[A1.0]`` (unless the lede repeats
    it), then one numbered sentence a line; ``None`` is a run of left-out sentences."""
    attrs = [f"id={short_id}", f"lang={article.lang}"]
    if article.source:
        attrs.append(f'outlet="{_attr(article.source)}"')
    if article.published_date:
        attrs.append(f"date={article.published_date}")
    body: list[str] = []
    first = next((line for line in lines if line is not None), None)
    lede_is_title = (
        first is not None
        and first.number == 1
        and normalize(first.text) == normalize(article.title)
    )
    if article.title and not lede_is_title:
        body.append(f"[{short_id}.0] {_defuse(article.title)}")
    for line in lines:
        if line is None:
            if not body or body[-1] != CUT:
                body.append(CUT)
            continue
        also = f"; also {', '.join(line.also)}" if line.also else ""
        body.append(f"[{short_id}.{line.number}{also}] {_defuse(line.text)}")
    return f"<<<ARTICLE {' '.join(attrs)}>>>\n" + "\n".join(body) + f"\n<<<END {short_id}>>>"


def _defuse(text: str) -> str:
    """An article cannot fake the markers that delimit it, nor a sentence number."""
    text = text.replace("<<<", "‹‹‹").replace(">>>", "›››")
    return re.sub(r"\[(A\d+\.\d+)", r"(\1", text)


def _attr(value: str) -> str:
    return value.replace('"', "'").replace(">", " ").replace("<", " ")


def _packed(
    article: Article, short_id: str, lines: Sequence[_Line | None], count: Count, full: int
) -> PackedArticle:
    block = _block(article, short_id, lines)
    return PackedArticle(short_id, article, block, count(block), full, _percent_cut(article, block))


def _percent_cut(article: Article, block: str) -> int:
    """How much of the article's sentence text is not in the block, in percent (a
    sentence cut short counts as left out). Measured on text, not tokens: the sentence
    numbers add tokens without adding the article's own content."""
    sentences = numbered(article)[1:]
    total = sum(len(s) for s in sentences)
    if not total:
        return 0
    sent = sum(len(s) for s in sentences if _defuse(s) in block)
    missing = total - sent
    return 0 if missing <= 0 else max(1, round(100 * missing / total))


@dataclass(frozen=True, slots=True)
class _Seen:
    article_id: str
    position: int  # index in its article's line list
    terms: frozenset[str]
    keys: frozenset[str]  # what a repeat must also state: numbers, months, names, quotes


def _drop_repeats(
    articles: Sequence[Article], ids: dict[str, str]
) -> dict[str, list[_Line | None]]:
    """Each article's sentences, less those an earlier article already carries.

    A clause is carried when one earlier sentence holds REPEATED of its terms; a sentence
    is a repeat when its carried clauses make up CARRIED of its terms and the carrying
    sentence states every number, date, month, name and quoted phrase it states (so
    outlets that disagree on a figure or a date are both kept). The carrying sentence
    names the repeat (``also A3.2``) only when they say the same: each holds SAME of the
    other's terms. Otherwise the sentence is kept. An article left with no
    sentence keeps its lede. Runs of removed sentences are sent as one ``[…]``.
    """
    seen: list[_Seen] = []
    index: dict[str, list[int]] = {}
    kept: dict[str, list[_Line | None]] = {}
    also: dict[tuple[str, int], list[str]] = {}
    for article in articles:
        lines: list[_Line | None] = []
        mine: list[_Seen] = []
        for line in _all_lines(article):
            assert line is not None
            carrier = _carrier(line.text, seen, index)
            if carrier is not None:
                owner = seen[carrier]
                also.setdefault((owner.article_id, owner.position), []).append(
                    f"{ids[article.id]}.{line.number}"
                )
                lines.append(None)
                continue
            mine.append(
                _Seen(article.id, len(lines), frozenset(terms(line.text)), _keys(line.text))
            )
            lines.append(line)
        if lines and all(line is None for line in lines):  # never reduced to nothing
            lines[0] = _all_lines(article)[0]  # its lede (still named by its carrier)
        for entry in mine:
            for term in entry.terms:
                index.setdefault(term, []).append(len(seen))
            seen.append(entry)
        kept[article.id] = lines
    out: dict[str, list[_Line | None]] = {}
    for article_id, lines in kept.items():
        out[article_id] = [
            None
            if line is None
            else _Line(line.number, line.text, tuple(also.get((article_id, position), ())))
            for position, line in enumerate(lines)
        ]
    return out


_QUOTED = re.compile(r"[\"“«]([^\"”»]{3,})[\"”»]")


def _keys(text: str) -> frozenset[str]:
    """What a sentence states that a repeat of it must state too."""
    keys = {f"n:{v}" for n in numbers(text) for v in sorted(n.values)[:1]}
    keys |= {f"d:{d.month}:{d.day}:{d.year}" for d in dates(text)}
    keys |= {f"m:{d.month}" for d in dates(text)}
    keys |= {f"name:{normalize(name)}" for name in latin_names(text)}
    keys |= {f"q:{' '.join(terms(q))}" for q in _QUOTED.findall(text)}
    if _NEGATION.search(normalize(text)):
        keys.add("not")  # «لم توافق» is not a repeat of «وافقت», nor the reverse
    return frozenset(keys)


_NEGATION = re.compile(
    r"\b(?:not|no|never|neither|nor|refused|denied|rejected)\b|n't\b"
    r"|(?<!\w)[وف]?(?:لم|لن|لا|ليس|ليست|غير|عدم|رفض|رفضت|نفي|نفت)(?!\w)"
)


def _carrier(sentence: str, seen: Sequence[_Seen], index: dict[str, list[int]]) -> int | None:
    """The earlier sentence that carries this one, if any (see ``_drop_repeats``)."""
    clauses = clause_terms(sentence)
    total = sum(len(c) for c in clauses)
    if not total or not seen:
        return None
    carried, best, best_cover = 0, None, 0.0
    for clause in clauses:
        candidates = {j for term in clause for j in index.get(term, ())}
        scored = [(coverage(clause, seen[j].terms), j) for j in candidates]
        cover, j = max(scored, default=(0.0, None))
        if cover >= REPEATED and j is not None:
            carried += len(clause)
            if cover * len(clause) > best_cover:
                best, best_cover = j, cover * len(clause)
    if best is None or carried / total < CARRIED:
        return None
    carrier = seen[best]
    mine_keys = _keys(sentence)
    if not mine_keys <= carrier.keys or ("not" in carrier.keys) != ("not" in mine_keys):
        return None  # it states something the carrier does not: a date, a figure, a name
    mine = {t for c in clauses for t in c}
    if min(coverage(carrier.terms, mine), coverage(mine, carrier.terms)) < SAME:
        return None  # not the same content: keep it, rather than cite A2 for A1's words
    return best


def _fair_share(
    articles: Sequence[Article],
    slim: dict[str, PackedArticle],
    slim_text: dict[str, list[_Line | None]],
    budget: int,
    count: Count,
) -> tuple[PackedArticle, ...]:
    """Water-filling: articles under the equal share keep all; the rest split what is left."""
    remaining, pending = budget, sorted(articles, key=lambda a: slim[a.id].tokens)
    allot: dict[str, int] = {}
    while pending:
        share = remaining // len(pending)
        article = pending[0]
        if slim[article.id].tokens <= share:
            allot[article.id] = slim[article.id].tokens
            remaining -= slim[article.id].tokens
            pending.pop(0)
        else:
            for a in pending:
                allot[a.id] = share
            break
    result = []
    for article in articles:
        packed = slim[article.id]
        if packed.tokens > allot[article.id]:
            packed = _truncate(packed, slim_text[article.id], allot[article.id], count)
        result.append(packed)
    return tuple(result)


def _truncate(
    packed: PackedArticle, lines: Sequence[_Line | None], limit: int, count: Count
) -> PackedArticle:
    """Keep the article's first sentences (the lede first) within ``limit`` tokens."""
    article, short_id = packed.article, packed.short_id
    kept: list[_Line | None] = []
    for line in lines:
        over = count(_block(article, short_id, [*kept, line, None])) > limit
        if over and any(k is not None for k in kept):
            break
        if over and line is not None:  # even the lede alone is over: keep what fits
            kept.append(_cut_words(article, short_id, line, limit, count))
            break
        kept.append(line)
    if len(kept) < len(lines) and kept and kept[-1] is not None:
        kept.append(None)
    block = _block(article, short_id, kept)
    return PackedArticle(
        short_id, article, block, count(block), packed.full_tokens, _percent_cut(article, block)
    )


def _cut_words(article: Article, short_id: str, line: _Line, limit: int, count: Count) -> _Line:
    """The longest word prefix of ``line`` whose block fits ``limit`` (at least one
    word), marked as cut."""
    words = line.text.split()
    low, high = 1, len(words)
    while low < high:
        mid = (low + high + 1) // 2
        trial = _Line(line.number, " ".join(words[:mid]) + " " + CUT, line.also)
        if count(_block(article, short_id, [trial])) <= limit:
            low = mid
        else:
            high = mid - 1
    return _Line(line.number, " ".join(words[:low]) + " " + CUT, line.also)


def _split(
    articles: Sequence[Article], slim: dict[str, PackedArticle], budget: int
) -> list[list[Article]]:
    """Consecutive groups of articles whose slimmed blocks fit the budget together."""
    groups: list[list[Article]] = [[]]
    used = 0
    for article in articles:
        tokens = slim[article.id].tokens
        if groups[-1] and (used + tokens > budget or len(groups[-1]) * MIN_SHARE >= budget):
            groups.append([])
            used = 0
        groups[-1].append(article)
        used += tokens
    return groups
