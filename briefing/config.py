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
from typing import Annotated, Any, Literal

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
# The cosine two stories' mean embeddings must reach to join across languages
# ([llm] embeddings_threshold), for the models measured with benchmarks/bench_group.py
# (README, "Grouping across languages"); a cosine's scale depends on the model. Keyed by
# the name's last part, so "intfloat/multilingual-e5-small" is found too.
# multilingual-e5-small is not listed: no threshold of its kept unrelated stories apart
# while joining related ones (README).
EMBEDDINGS_THRESHOLDS: dict[str, float] = {
    "use-multilingual-v3": 0.65,
}
DEFAULT_EMBEDDINGS_THRESHOLD = 0.80  # a model not measured: a guess, said with a warning
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
    input_budget: int = Field(default=8000, ge=500)
    context_window: int | None = Field(default=None, ge=2048)
    output_reserve: int = Field(default=2500, ge=256)
    price_input_per_mtok: float | None = Field(default=None, ge=0)
    price_output_per_mtok: float | None = Field(default=None, ge=0)
    check: bool = True  # the model check of every point (one more call per story)
    # the embeddings model stories are compared with across languages (--grouping)
    embeddings_model: str | None = Field(default=None, min_length=1)
    # the cosine of two stories' mean embeddings at which they join across languages
    embeddings_threshold: float | None = Field(default=None, gt=0, lt=1)

    def window(self, from_server: int | None = None) -> tuple[int, str]:
        """The context window and where it comes from: brief.toml, the known models,
        the server's own word, else a cautious default."""
        if self.context_window:
            return self.context_window, "brief.toml"
        if self.model in CONTEXT:
            return CONTEXT[self.model], "known model"
        if from_server:
            return from_server, "from the server"
        return DEFAULT_CONTEXT, "assumed: the server did not say"

    def embeddings_cutoff(self) -> tuple[float, str]:
        """The embeddings threshold and where it comes from: brief.toml, the models
        measured, else a guess (``DEFAULT_EMBEDDINGS_THRESHOLD``)."""
        if self.embeddings_threshold is not None:
            return self.embeddings_threshold, "brief.toml"
        name = (self.embeddings_model or "").rstrip("/").rsplit("/", 1)[-1].casefold()
        if name in EMBEDDINGS_THRESHOLDS:
            return EMBEDDINGS_THRESHOLDS[name], "measured for this model"
        return DEFAULT_EMBEDDINGS_THRESHOLD, "a guess: not measured for this model"

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

    def budget(self, prompt_overhead: int, window: int | None = None) -> int:
        """Tokens available for article blocks in one call."""
        window = window or self.window()[0]
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


LANG_CHOICES = ("ar", "en", "ar,en", "en,ar")
PAGE_SIZES = ("a4", "letter")


class FeedSettings(BaseModel):
    """One feed in ``[sources] feeds``: a URL, or a table naming the outlet and the
    language when the feed itself gets them wrong."""

    model_config = ConfigDict(extra="forbid")

    url: str
    name: str | None = None
    lang: str | None = None


class SourcesSettings(BaseModel):
    """``[sources]``: what `brief fetch` and `brief run` collect into the article store."""

    model_config = ConfigDict(extra="forbid")

    feeds: list[FeedSettings] = []  # in brief.toml: URLs, or {url, name, lang} tables
    folders: list[str] = []
    opml: str | None = None
    timeout: float = Field(default=20.0, gt=0, le=600)  # seconds to connect / between bytes
    max_bytes: int = Field(default=5_000_000, ge=10_000, le=100_000_000)  # per response
    per_host: int = Field(default=2, ge=1, le=16)  # requests at once to one host
    max_attempts: int = Field(default=3, ge=1, le=10)  # per request, on transient failures
    max_entries: int = Field(default=200, ge=1, le=10_000)  # entries read from one feed
    fetch_pages: bool = True  # fetch the page of an entry that carries only an abstract
    user_agent: str | None = None  # default: brief/VERSION (+project URL)

    @field_validator("feeds", mode="before")
    @classmethod
    def _urls_are_feeds(cls, value: Any) -> Any:
        if isinstance(value, (str, dict)):  # one feed written without the list
            value = [value]
        if isinstance(value, list):
            return [{"url": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("folders", mode="before")
    @classmethod
    def _one_folder(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class DeliverSettings(BaseModel):
    """``[deliver]``: where `brief run` sends or copies a new briefing. The SMTP password
    is read only from BRIEF_SMTP_PASSWORD."""

    model_config = ConfigDict(extra="forbid")

    email_to: list[str] = []
    email_from: str | None = None
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool | None = None  # None: when the server offers it (required to log in)
    smtp_ssl: bool = False  # implicit TLS (port 465)
    smtp_user: str | None = None
    smtp_timeout: float = Field(default=30.0, gt=0, le=600)
    copy_to: list[str] = []

    @field_validator("email_to", "copy_to", mode="before")
    @classmethod
    def _one_is_a_list(cls, value: Any) -> Any:
        """``email_to = "desk@example.org"``: one address (or folder) without the list."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    engine: str = "auto"
    # lexical: words, names and numbers only; embeddings: also the [llm] embeddings_model
    # across languages; auto: embeddings when that model and an endpoint are configured
    grouping: Literal["auto", "lexical", "embeddings"] = "auto"
    output: str = Field(default="briefings", min_length=1)
    formats: list[str] = ["md", "docx"]
    max_points: int = Field(default=6, ge=1, le=20)
    top: int = Field(default=10, ge=0)  # stories written in full; 0 = all
    lang: str = "ar,en"  # the document's languages: ar, en, ar,en or en,ar
    page_size: str = "a4"  # Word page: a4 or letter
    arabic_font: str = Field(default="Arial", min_length=1, max_length=64)

    @field_validator("lang", mode="before")
    @classmethod
    def _lang(cls, value: Any) -> Any:
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        if isinstance(value, str):
            value = ",".join(p.strip().lower() for p in value.split(",") if p.strip())
            if value not in LANG_CHOICES:
                raise ValueError(f"must be one of {', '.join(LANG_CHOICES)}")
        return value

    @field_validator("page_size", mode="before")
    @classmethod
    def _page_size(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            if value not in PAGE_SIZES:
                raise ValueError(f"must be one of {', '.join(PAGE_SIZES)}")
        return value

    prompts: dict[str, Annotated[int, Field(ge=1)]] = {}  # task -> pinned version
    cache: bool = True
    strict: bool = False  # a story with a point failing a check fails instead
    llm: LLMSettings = LLMSettings()
    sources: SourcesSettings = SourcesSettings()
    deliver: DeliverSettings = DeliverSettings()
    keep_days: int = Field(default=30, ge=1, le=3650)  # days the article store keeps rows
    store: str | None = None  # the article store's file; default: in the data directory
    config_dir: str | None = None  # where brief.toml was read (relative paths start there)
    refused: list[str] = []  # passwords found in brief.toml, ignored: what to tell the user

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
    if path:
        data["config_dir"] = str(Path(path).resolve().parent)
    if os.environ.get("BRIEF_STORE") and not (flags or {}).get("store"):
        data["store"] = os.environ["BRIEF_STORE"]
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
    data["refused"] = _refuse_password(path, data)
    llm = data.get("llm", {})
    keys = [*data, *(llm if isinstance(llm, dict) else ())]
    secret = [k for k in keys if "key" in k.lower()]
    if secret:
        raise ConfigError(
            f"{path} holds '{secret[0]}': the API key is read only from the OPENAI_API_KEY "
            "environment variable, never from brief.toml. Remove it from the file."
        )
    return data


_SECRET_WORDS = ("password", "passwd", "secret")


def _refuse_password(
    path: Path, data: dict[str, Any], where: str = "", refused: list[str] | None = None
) -> list[str]:
    """Passwords (SMTP or other) in brief.toml are refused: taken out of the settings, each
    named in a message, and never used. The file is shared, copied and committed; secrets
    come from the environment. Returns the messages; the run goes on without them."""
    refused = [] if refused is None else refused
    for key in list(data):
        value = data[key]
        name = f"{where}{key}"
        if isinstance(value, dict):
            _refuse_password(path, value, f"{name}.", refused)
        elif any(word in key.lower() for word in _SECRET_WORDS):
            del data[key]
            refused.append(
                f"{path} holds '{name}': a password is never read from brief.toml, and this "
                "one was ignored. Remove it from the file and set the BRIEF_SMTP_PASSWORD "
                "environment variable instead."
            )
    return refused


def resolve(settings: Settings, value: str) -> Path:
    """A path from brief.toml: ``~`` expanded; relative ones start at brief.toml's folder
    (so a cron job finds them whatever its working folder), else the current one."""
    path = Path(value).expanduser()
    if path.is_absolute() or not settings.config_dir:
        return path
    return Path(settings.config_dir) / path


def smtp_password() -> str | None:
    """The SMTP password, from the environment only (never from brief.toml)."""
    return os.environ.get("BRIEF_SMTP_PASSWORD") or None
