"""Stories from articles: group, then the merge pass, with embeddings when chosen.

``grouping`` (``--grouping``, brief.toml's ``grouping``): ``lexical`` compares words,
names and numbers only; ``embeddings`` also asks the ``[llm] embeddings_model`` for a
vector per article, so that reports of one event in Arabic and in English join;
``auto`` (the default) uses embeddings when that model and an endpoint are configured.
Stories in two languages join when their mean embeddings' cosine reaches
``[llm] embeddings_threshold`` (by default the value measured for the model, see
``config.EMBEDDINGS_THRESHOLDS``).
A failed embeddings call never costs an article or the run: grouping goes on by words
alone, with a warning saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ..config import api_key, endpoint_configured
from ..digest.cache import Store
from ..digest.llm import PLACEHOLDER_KEY, Endpoint, LLMClient
from ..errors import ConfigError, LLMError
from ..models import Article, Story
from ..stories import embed, group, merge
from .options import MakeOptions

log = logging.getLogger(__name__)


def stories_of(
    articles: Sequence[Article],
    options: MakeOptions,
    features: Sequence[group.Features | None] | None = None,
    merging: Sequence[merge.Features] | None = None,
) -> tuple[Story, ...]:
    """The stories of ``articles``, most widely reported first; ``features`` and
    ``merging``: what grouping and the merge pass compare of each article, when made
    already (see prepare.py)."""
    found = group.group(articles, features)
    vectors = None
    if wants_embeddings(options):
        if options.dry_run:  # a dry run sends nothing, embeddings included
            log.info("dry run: stories grouped without embeddings")
        else:
            vectors = _vectors(articles, options)
    cutoff, source = options.settings.llm.embeddings_cutoff()
    if vectors and source.startswith("a guess"):
        log.warning(
            "stories in two languages join when their embeddings' cosine reaches %.2f, a "
            "guess for %s: a cosine's scale depends on the model. Set [llm] "
            "embeddings_threshold in brief.toml to the value measured for it (README, "
            '"Grouping across languages", says how).',
            cutoff,
            options.settings.llm.embeddings_model,
        )
    elif vectors:
        log.info("embeddings: stories in two languages join at cosine %.2f (%s)", cutoff, source)
    made = None
    if merging is not None:
        made = {a.id: f for a, f in zip(articles, merging, strict=True)}
    return merge.merge(articles, found, vectors=vectors, embed_threshold=cutoff, found=made)


def wants_embeddings(options: MakeOptions) -> bool:
    """Whether to embed the articles; a ``ConfigError`` saying what is missing when
    ``--grouping embeddings`` cannot be honoured (checked before any work starts)."""
    settings = options.settings
    model = settings.llm.embeddings_model
    if settings.grouping == "lexical":
        return False
    if settings.grouping == "embeddings":
        if not endpoint_configured(settings):
            raise ConfigError(
                "--grouping embeddings needs an endpoint: set OPENAI_API_KEY, or pass "
                "--base-url, or use --grouping lexical."
            )
        if not model:
            raise ConfigError(
                "--grouping embeddings needs an embeddings model: set [llm] embeddings_model "
                '(e.g. "text-embedding-3-small", or your server\'s) in brief.toml, or pass '
                "--embeddings-model, or use --grouping lexical."
            )
        return True
    return bool(model) and endpoint_configured(settings)


def _vectors(articles: Sequence[Article], options: MakeOptions) -> dict[str, list[float]] | None:
    """Each article's embedding, or None (with a warning) when the endpoint fails."""
    s = options.settings.llm
    model = s.embeddings_model or ""
    endpoint = Endpoint(
        model=model,
        base_url=s.base_url,
        api_key=api_key() or PLACEHOLDER_KEY,
        timeout=s.timeout,
        max_attempts=s.max_attempts,
        max_retry_seconds=s.max_retry_seconds,
        circuit_breaker=s.circuit_breaker,
    )
    client = LLMClient(endpoint)
    store = None
    if options.use_cache and options.settings.cache:
        store = Store()
        if not store.usable:  # said once by the store
            store = None
    try:
        return embed.vectors(articles, lambda texts: client.embed(texts, model), model, store)
    except LLMError as exc:
        log.warning(
            "embeddings from %s (model %s) failed, so stories are grouped by words, names "
            "and numbers alone; no article is lost. %s",
            client.where,
            model,
            exc,
        )
        return None
    finally:
        if store is not None:
            store.close()
