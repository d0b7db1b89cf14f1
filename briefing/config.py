"""Settings: flags, then environment, then ``brief.toml``, then defaults.

``brief.toml`` (in the current folder, or ``--config PATH``, or ``BRIEF_CONFIG``) is
validated with pydantic; an unknown key is an error naming it. The API key is read only
from ``OPENAI_API_KEY`` and only when an LLM is actually built; a key in ``brief.toml``
is refused, so it never ends up in a shared file.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError

DEFAULT_MODEL = "gpt-4o-mini"

# USD per million tokens (input, output), for --dry-run estimates; brief.toml can override.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
}
# Context windows in tokens; unknown models (local servers) get a cautious default.
CONTEXT: dict[str, int] = {
    "gpt-4o": 128_000,
    "gpt-4o-mini": 128_000,
    "gpt-4.1": 1_000_000,
    "gpt-4.1-mini": 1_000_000,
    "gpt-4.1-nano": 1_000_000,
}
DEFAULT_CONTEXT = 8_192
MIN_ARTICLE_TOKENS = 500


def _no_bool(value: Any, info: Any, fields: dict[str, Any]) -> Any:
    """TOML ``true`` is not a number: pydantic would read it as 1."""
    field = fields.get(info.field_name)
    if isinstance(value, bool) and field is not None and field.annotation is not bool:
        raise ValueError("must be a number or text, not true/false")
    return value


class LLMSettings(BaseModel):
    # allow_inf_nan=False: `timeout = inf` or `nan` is refused, naming the key
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    model: str = Field(default=DEFAULT_MODEL, min_length=1)
    base_url: str | None = None
    timeout: float = Field(default=120.0, gt=0, le=3600)
    max_attempts: int = Field(default=5, ge=1, le=20)
    max_retry_seconds: float = Field(default=300.0, gt=0, le=86_400)
    # consecutive transport failures (across stories) after which the run stops asking
    circuit_breaker: int = Field(default=5, ge=1, le=1000)
    concurrency: int = Field(default=4, ge=1, le=64)
    input_budget: int = Field(default=6000, ge=500)
    context_window: int | None = Field(default=None, ge=2048)
    output_reserve: int = Field(default=2500, ge=256)
    price_input_per_mtok: float | None = Field(default=None, ge=0)
    price_output_per_mtok: float | None = Field(default=None, ge=0)

    @field_validator("*", mode="before")
    @classmethod
    def _not_bool(cls, value: Any, info: Any) -> Any:
        return _no_bool(value, info, cls.model_fields)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s/]+\S*", value.strip()):
            raise ValueError("must be an http:// or https:// URL, e.g. http://127.0.0.1:8000/v1")
        return value.strip() if value else value

    def budget(self, prompt_overhead: int) -> int:
        """Tokens available for article blocks in one call."""
        window = self.context_window or CONTEXT.get(self.model, DEFAULT_CONTEXT)
        room = window - self.output_reserve - prompt_overhead
        if room < MIN_ARTICLE_TOKENS:
            raise ConfigError(
                f"The context window of {window} tokens leaves {max(room, 0)} for articles "
                f"after the prompt ({prompt_overhead}) and the answer ({self.output_reserve}); "
                f"at least {MIN_ARTICLE_TOKENS} are needed. Set [llm] context_window to the "
                "model's real window, or lower [llm] output_reserve."
            )
        return min(self.input_budget, room)

    def prices(self) -> tuple[float, float] | None:
        if self.price_input_per_mtok is not None and self.price_output_per_mtok is not None:
            return self.price_input_per_mtok, self.price_output_per_mtok
        return PRICES.get(self.model)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    engine: str = "auto"
    output: str = Field(default="briefings", min_length=1)
    formats: list[str] = ["md", "docx"]
    max_points: int = Field(default=6, ge=1, le=20)
    prompts: dict[str, Annotated[int, Field(ge=1)]] = {}  # task -> pinned version
    cache: bool = True
    llm: LLMSettings = LLMSettings()

    @field_validator("*", mode="before")
    @classmethod
    def _not_bool(cls, value: Any, info: Any) -> Any:
        return _no_bool(value, info, cls.model_fields)


def load(config_path: str | None = None, flags: dict[str, Any] | None = None) -> Settings:
    """Merge defaults, brief.toml, environment and flags (later wins)."""
    data: dict[str, Any] = {}
    path = config_path or os.environ.get("BRIEF_CONFIG")
    if path is None and Path("brief.toml").is_file():
        path = "brief.toml"
    if path:
        data = _read_toml(Path(path))
    if not isinstance(data.get("llm", {}), dict):
        raise ConfigError(
            f"In {path}, 'llm' must be a table, not {data['llm']!r}: write [llm] on its own "
            'line, followed by its settings (model = "...", timeout = 120, ...).'
        )
    if not isinstance(data.get("prompts", {}), dict):
        raise ConfigError(f"In {path}, 'prompts' must be a table: write [prompts].")
    llm = dict(data.get("llm", {}))
    origin: dict[str, str] = {}  # "llm.model" -> where the value came from, if not the file
    env_names = {
        "base_url": "OPENAI_BASE_URL" if os.environ.get("OPENAI_BASE_URL") else "BRIEF_BASE_URL",
        "model": "BRIEF_MODEL",
        "concurrency": "BRIEF_CONCURRENCY",
    }
    for key, name in env_names.items():
        if os.environ.get(name):
            llm[key] = os.environ[name]
            origin[f"llm.{key}"] = f"the environment variable {name}"
    for key, value in (flags or {}).items():
        if value is None:
            continue
        flag = "--" + key.replace("_", "-")
        if key in LLMSettings.model_fields:
            llm[key] = value
            origin[f"llm.{key}"] = f"the flag {flag}"
        else:
            data[key] = value
            origin[key] = f"the flag {flag}"
    data["llm"] = llm
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        top = (
            where.split(".")[0] if not where.startswith("llm.") else ".".join(where.split(".")[:2])
        )
        source = origin.get(top) or (f"{path}" if path else "the defaults")
        message = str(err["msg"]).removeprefix("Value error, ")
        given = err.get("input")
        shown = f" (given: {given!r})" if isinstance(given, str | int | float) else ""
        raise ConfigError(
            f"Setting '{where}' from {source}{shown}: {message}. Fix it and run again."
        ) from exc


def api_key() -> str | None:
    """The API key, from the environment only (looked up when an LLM is built)."""
    return os.environ.get("OPENAI_API_KEY") or None


def endpoint_configured(settings: Settings) -> bool:
    return bool(api_key() or settings.llm.base_url)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"Config file {path} does not exist; check --config.") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Config file {path} cannot be read: {exc}. Fix it.") from exc
    llm = data.get("llm", {})
    keys = [*data, *(llm if isinstance(llm, dict) else ())]
    secret = [k for k in keys if "key" in k.lower()]
    if secret:
        raise ConfigError(
            f"{path} holds '{secret[0]}': the API key is read only from the OPENAI_API_KEY "
            "environment variable, never from brief.toml. Remove it from the file."
        )
    return data
