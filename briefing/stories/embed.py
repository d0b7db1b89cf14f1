"""Article embeddings for grouping across languages, cached by model and text.

Not a stage of its own: the pipeline asks for vectors before the merge pass
(``stories/merge.py``), which compares stories in two languages on them. What an
article is embedded as: its title and the start of its text (``EMBED_CHARS``), the part
that says what happened. Each vector is cached in the answers table of the project's
one SQLite cache (``digest/cache.py``) under a key made of the model and the SHA-256 of
that text, so a daily run embeds only its new articles. Only the texts missing from the
cache are sent, ``embed`` batching them through the LLM client's retry layer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Sequence

from ..digest.cache import Store, cache_key
from ..models import Article

logger = logging.getLogger(__name__)

EMBED_CHARS = 600  # about 300 tokens of Arabic: within a 512-token embeddings model

Embed = Callable[[Sequence[str]], list[list[float]]]


def text_of(article: Article) -> str:
    """What an article is embedded as: its title and the start of its text."""
    return (article.title.strip() + "\n" + article.text[:EMBED_CHARS]).strip()


def vectors(
    articles: Sequence[Article], embed: Embed, model: str, store: Store | None = None
) -> dict[str, list[float]]:
    """Each article's embedding by id, from the cache or from ``embed`` (which may raise
    an ``LLMError``: the caller decides what a failure means)."""
    texts = {a.id: text_of(a) for a in articles}
    keys = {
        i: cache_key(kind="embedding", model=model, text=hashlib.sha256(t.encode()).hexdigest())
        for i, t in texts.items()
    }
    found: dict[str, list[float]] = {}
    for article_id, key in keys.items():
        cached = store.get(key) if store is not None else None
        vector = _parsed(cached.text) if cached is not None else None
        if vector is not None:
            found[article_id] = vector
    missing = [i for i in texts if i not in found]
    if missing:
        fresh = embed([texts[i] for i in missing])
        for article_id, vector in zip(missing, fresh, strict=True):
            found[article_id] = vector
            if store is not None:
                store.put(
                    keys[article_id],
                    model=model,
                    prompt_id="embedding",
                    prompt_sha256="",
                    text=json.dumps(vector),
                    prompt_tokens=0,
                    completion_tokens=0,
                )
    logger.info("embeddings: %d articles, %d from the cache", len(texts), len(texts) - len(missing))
    return found


def _parsed(text: str) -> list[float] | None:
    """A cached vector, or None when the row does not hold one (then it is embedded anew)."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in value)
        or not all(math.isfinite(x) for x in value)
    ):
        return None
    return [float(x) for x in value]
