"""Stage: fit a story's articles into the model's input budget.

Articles get short ids (``A1``…) in story order and are sent as delimited data blocks.
When the whole story does not fit: first, sentences that an earlier article already
carries (outlets repeat each other) are removed, so nothing unique is lost; then, if
still too large, the remaining budget is shared fairly between articles (short ones keep
everything, the rest are cut at sentence boundaries from the end, keeping the lede).
When a fair share would leave each article too little to be useful, the story is split
into parts that each fit (summarised separately, then combined). What was cut is
recorded per article and shown in the briefing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..models import Article, PackedArticle, PackedStory, Story
from ..text import clause_terms, coverage, normalize, split_sentences, terms

REPEATED = 0.5  # share of a clause's terms one earlier sentence must hold to carry it
CARRIED = 0.6  # share of a sentence's terms, in carried clauses, that makes it a repeat
MIN_SHARE = 250  # tokens: below this per article, split the story into parts instead
CUT = "[…]"

Count = Callable[[str], int]


def pack(story: Story, budget: int, count: Count, tokenizer: str = "") -> PackedStory:
    """Fit ``story`` into ``budget`` tokens of article blocks."""
    articles = list(story.articles)
    ids = {a.id: f"A{i}" for i, a in enumerate(articles, start=1)}
    full = {a.id: count(_block(a, ids[a.id], split_sentences(a.text))) for a in articles}
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


def _block(article: Article, short_id: str, sentences: Sequence[str]) -> str:
    attrs = [f"id={short_id}", f"lang={article.lang}"]
    if article.source:
        attrs.append(f'outlet="{_attr(article.source)}"')
    if article.published_date:
        attrs.append(f"date={article.published_date}")
    body = _defuse(" ".join(sentences))
    lede_is_title = bool(sentences) and normalize(sentences[0]) == normalize(article.title)
    title = "" if lede_is_title else f"Title: {article.title}\n"
    return f"<<<ARTICLE {' '.join(attrs)}>>>\n{_defuse(title)}{body}\n<<<END {short_id}>>>"


def _defuse(text: str) -> str:
    """An article cannot fake the markers that delimit it."""
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


def _attr(value: str) -> str:
    return value.replace('"', "'").replace(">", " ").replace("<", " ")


def _packed(
    article: Article, short_id: str, sentences: Sequence[str], count: Count, full: int
) -> PackedArticle:
    block = _block(article, short_id, sentences)
    return PackedArticle(short_id, article, block, count(block), full, _percent_cut(article, block))


def _percent_cut(article: Article, block: str) -> int:
    """How much of the article's sentence text is not in the block, in percent (a
    sentence cut short counts as left out). Measured on text, not tokens: the
    ``[also in …]`` notes add tokens without adding the article's own content."""
    sentences = split_sentences(article.text)
    total = sum(len(s) for s in sentences)
    if not total:
        return 0
    sent = sum(len(s) for s in sentences if _defuse(s) in block)
    missing = total - sent
    return 0 if missing <= 0 else max(1, round(100 * missing / total))


def _drop_repeats(articles: Sequence[Article], ids: dict[str, str]) -> dict[str, list[str]]:
    """Each article's sentences, less those an earlier article already carries.

    A clause is carried when one earlier sentence holds REPEATED of its terms; a sentence
    is a repeat when its carried clauses make up CARRIED of its terms and every number it
    states is in the carrying sentence too (so outlets that disagree on a figure are
    both kept). The carrying sentence is marked ``[also in A3]``, so the model can still
    cite every outlet that reported it; runs of removed sentences become one ``[…]``.
    """
    seen: list[tuple[str, int, frozenset[str]]] = []  # (article id, sentence index, terms)
    index: dict[str, list[int]] = {}
    kept: dict[str, list[str | None]] = {}
    also: dict[tuple[str, int], list[str]] = {}
    for article in articles:
        sentences: list[str | None] = []
        mine: list[tuple[str, int, frozenset[str]]] = []
        for sentence in split_sentences(article.text):
            carrier = _carrier(sentence, seen, index)
            if carrier is not None:
                owner, position, _ = seen[carrier]
                tags = also.setdefault((owner, position), [])
                if ids[article.id] not in tags:
                    tags.append(ids[article.id])
                sentences.append(None)
                continue
            mine.append((article.id, len(sentences), frozenset(terms(sentence))))
            sentences.append(sentence)
        for entry in mine:
            for term in entry[2]:
                index.setdefault(term, []).append(len(seen))
            seen.append(entry)
        kept[article.id] = sentences
    out: dict[str, list[str]] = {}
    for article_id, sentences in kept.items():
        rendered: list[str] = []
        for position, sentence in enumerate(sentences):
            if sentence is None:
                if not rendered or rendered[-1] != CUT:
                    rendered.append(CUT)
                continue
            tags = also.get((article_id, position))
            rendered.append(f"{sentence} [also in {', '.join(tags)}]" if tags else sentence)
        out[article_id] = rendered
    return out


def _carrier(
    sentence: str, seen: Sequence[tuple[str, int, frozenset[str]]], index: dict[str, list[int]]
) -> int | None:
    """The earlier sentence that carries this one, if any (see ``_drop_repeats``)."""
    clauses = clause_terms(sentence)
    total = sum(len(c) for c in clauses)
    if not total or not seen:
        return None
    numbers = {t for c in clauses for t in c if t.isdigit()}
    carried, best, best_cover = 0, None, 0.0
    for clause in clauses:
        candidates = {j for term in clause for j in index.get(term, ())}
        scored = [(coverage(clause, seen[j][2]), j) for j in candidates]
        cover, j = max(scored, default=(0.0, None))
        if cover >= REPEATED and j is not None:
            carried += len(clause)
            if cover * len(clause) > best_cover:
                best, best_cover = j, cover * len(clause)
    if best is None or carried / total < CARRIED or not numbers <= seen[best][2]:
        return None
    return best


def _fair_share(
    articles: Sequence[Article],
    slim: dict[str, PackedArticle],
    slim_text: dict[str, list[str]],
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
    packed: PackedArticle, sentences: Sequence[str], limit: int, count: Count
) -> PackedArticle:
    """Keep the article's first sentences (the lede first) within ``limit`` tokens."""
    article, short_id = packed.article, packed.short_id
    kept: list[str] = []
    for sentence in sentences:
        over = count(_block(article, short_id, [*kept, sentence, CUT])) > limit
        if over and kept:
            break
        if over:  # even the lede alone is over: keep as many of its words as fit
            kept.append(_cut_words(article, short_id, sentence, limit, count))
            break
        kept.append(sentence)
    if len(kept) < len(sentences) and kept[-1] != CUT:
        kept.append(CUT)
    block = _block(article, short_id, kept)
    return PackedArticle(
        short_id, article, block, count(block), packed.full_tokens, _percent_cut(article, block)
    )


def _cut_words(article: Article, short_id: str, sentence: str, limit: int, count: Count) -> str:
    """The longest word prefix of ``sentence`` whose block fits ``limit`` (at least one
    word), marked as cut."""
    words = sentence.split()
    low, high = 1, len(words)
    while low < high:
        mid = (low + high + 1) // 2
        if count(_block(article, short_id, [" ".join(words[:mid]), CUT])) <= limit:
            low = mid
        else:
            high = mid - 1
    return " ".join(words[:low]) + " " + CUT


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
