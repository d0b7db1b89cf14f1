"""The one place that talks to an OpenAI-compatible endpoint.

The client is built with ``max_retries=0``; every retry is owned by one tenacity policy:
connection errors, timeouts, 408, 409, 429 and 5xx are retried, waiting what
``Retry-After`` says when the server sends it, else exponential backoff with jitter;
400/401/403/404/422 never are. Attempts and total time are bounded. Only this module
catches ``openai`` exceptions, and it re-raises them as ``LLMError``s ``from`` the original.

Structured output degrades by itself: JSON-schema output is asked for first; an endpoint
that rejects it is asked for JSON mode, then for plain text containing JSON. The mode
that worked is remembered for the rest of the run.
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import LLMAuthError, LLMModelError, LLMRequestError, LLMUnavailableError
from ..safety import mask_secrets, safe_line, safe_text

log = logging.getLogger(__name__)

MODES = ("json_schema", "json_object", "text")
RETRYABLE_STATUS = {408, 409, 429}
PLACEHOLDER_KEY = "not-needed"  # local servers (vLLM, Ollama, llama.cpp) need no key
ANNOUNCE_WAIT = 5.0  # a retry wait at least this long is said on stderr (WARNING), not -v only
ANNOUNCE_SLOW = 30.0  # a request still unanswered after this long is said on stderr
ANNOUNCE_EVERY = 60.0  # at most one "still waiting" line per this many seconds, run-wide
MIN_ATTEMPT_SECONDS = 0.5  # less left in the budget than this: no further attempt


class _Malformed(Exception):
    """The endpoint answered 200 with a body that is not a chat completion: an HTML error
    page, a truncated or non-JSON body, JSON of the wrong shape. Retried like a 5xx."""


class _BreakerOpen(Exception):
    """The run-wide circuit breaker is open: no further request is sent."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where and how to call the model. The key is never shown in repr or logs."""

    model: str
    base_url: str | None = None
    api_key: str = field(default=PLACEHOLDER_KEY, repr=False)
    timeout: float = 120.0
    max_attempts: int = 5
    max_retry_seconds: float = 300.0  # total time budget for one call, waits included
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    max_output_tokens: int | None = 2500  # sent so servers with short defaults don't cut off
    # consecutive transport failures, across every story of the run, after which no
    # further request is sent (the remaining stories fail at once)
    circuit_breaker: int = 5

    def __repr__(self) -> str:  # belt and braces: the key never appears
        return f"Endpoint(model={self.model!r}, base_url={self.base_url!r}, api_key='***')"


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    attempts: int
    latency: float
    mode: str
    model: str
    finish_reason: str | None = None  # "length": the answer hit the output limit


class LLMClient:
    """A thread-safe client for one endpoint."""

    def __init__(self, endpoint: Endpoint, sleep: Callable[[float], None] = time.sleep) -> None:
        import openai

        self.endpoint = endpoint
        self._sleep = sleep
        self._openai = openai
        self._client = openai.OpenAI(
            api_key=endpoint.api_key or PLACEHOLDER_KEY,
            base_url=endpoint.base_url,
            max_retries=0,
            timeout=endpoint.timeout,
        )
        self._mode_index = 0
        self._no_temperature = False
        self._token_param: str | None = "max_tokens" if endpoint.max_output_tokens else None
        self._lock = threading.Lock()
        self._failures = 0  # consecutive transport failures, run-wide
        self._last_failure = ""
        self._open: str | None = None  # why the circuit breaker opened, once it has
        self._announced = -ANNOUNCE_EVERY  # monotonic time of the last "still waiting" line

    @property
    def where(self) -> str:
        """The endpoint as shown to the user: a password in its URL masked."""
        return mask_secrets(self.endpoint.base_url or "https://api.openai.com/v1")

    @property
    def breaker_open(self) -> bool:
        return self._open is not None

    def _breaker_error(self) -> LLMUnavailableError:
        return LLMUnavailableError(
            f"Given up: the model endpoint {self.where} failed {self.endpoint.circuit_breaker} "
            f"times in a row ({self._open}), so the run stopped sending stories to it. Check "
            "that the server is running and reachable, then run again; or use --engine "
            "extractive."
        )

    def _note_failure(self, exc: BaseException) -> None:
        """Count a transport failure towards the circuit breaker; a server that answers
        at all (a 4xx, a 429 or 503 asking to wait) is alive and resets the count."""
        o = self._openai
        transport = isinstance(exc, (o.APIConnectionError, o.APITimeoutError, _Malformed)) or (
            isinstance(exc, o.APIStatusError)
            and exc.status_code >= 500
            and _retry_after(exc) is None
        )
        with self._lock:
            if not transport:
                self._failures = 0
                return
            self._failures += 1
            self._last_failure = _describe(exc)
            if self._open is None and self._failures >= self.endpoint.circuit_breaker:
                self._open = f"last: {self._last_failure}"
                log.info(  # the run's one message about it is the failed stories' note
                    "the model endpoint %s failed %d times in a row (%s); the remaining "
                    "stories are not sent",
                    self.where,
                    self._failures,
                    self._last_failure,
                )

    def _note_success(self) -> None:
        with self._lock:
            self._failures = 0

    def _still_waiting(self, started: float, limit: float) -> None:
        """Said on stderr (WARNING) while a request hangs, at most every ANNOUNCE_EVERY s."""
        now = time.monotonic()
        with self._lock:
            if now - self._announced < ANNOUNCE_EVERY:
                return
            self._announced = now
        log.warning(
            "still waiting for the model endpoint %s (%.0fs so far; this attempt gives up "
            "after %.0fs)",
            self.where,
            now - started,
            limit,
        )

    @property
    def mode(self) -> str:
        return MODES[self._mode_index]

    def complete(
        self,
        messages: list[dict[str, str]],
        *,
        schema: dict[str, Any] | None = None,
        schema_name: str = "answer",
        temperature: float = 0.2,
    ) -> Completion:
        """One chat completion, with retries and structured-output fallback."""
        while True:
            mode = self.mode
            request = self._request(messages, schema, schema_name, temperature, mode)
            try:
                return self._with_retries(request, mode)
            except LLMRequestError as exc:
                if self._drop_refused_parameter(exc, "temperature" in request):
                    continue
                if mode != "text" and _rejects_format(exc):
                    with self._lock:
                        if self.mode == mode:
                            self._mode_index += 1
                            log.info(
                                "endpoint rejected %s output; falling back to %s", mode, self.mode
                            )
                    continue
                raise

    def context_window(self) -> int | None:
        """The model's context window as the server states it, or None: vLLM gives
        ``max_model_len`` in ``GET /models``, llama.cpp its ``n_ctx`` (or the model's
        ``n_ctx_train``) in the model's ``meta``, others ``context_length`` or nothing.
        One short request, never retried: a server that does not say costs nothing."""
        try:
            listed = self._client.with_options(timeout=min(10.0, self.endpoint.timeout))
            models = list(listed.models.list())
        except self._openai.OpenAIError as exc:
            log.info("the endpoint did not list its models (%s)", _describe(exc))
            return None
        chosen = [m for m in models if m.id == self.endpoint.model] or models[:1]
        for model in chosen:
            extra = model.model_dump()
            meta = extra.get("meta") if isinstance(extra.get("meta"), dict) else {}
            for value in (
                extra.get("max_model_len"),
                meta.get("n_ctx"),
                extra.get("context_length"),
                extra.get("context_window"),
                extra.get("max_context_length"),
                meta.get("n_ctx_train"),
            ):
                if isinstance(value, int) and not isinstance(value, bool) and value >= 512:
                    return value
        return None

    def _drop_refused_parameter(self, exc: LLMRequestError, sent_temperature: bool) -> bool:
        """Reasoning models (o1, o3…) refuse a temperature and ``max_tokens`` (they want
        ``max_completion_tokens``); some servers know neither limit. Adapt once, for the
        rest of the run, and say whether to ask again."""
        detail = str(getattr(exc, "detail", "")).lower()
        if getattr(exc, "status", None) != 400:
            return False
        with self._lock:
            if sent_temperature and "temperature" in detail:
                log.info("endpoint refused the temperature; sending none")
                self._no_temperature = True
                return True
            if self._token_param and self._token_param in detail:
                refused = self._token_param
                self._token_param = "max_completion_tokens" if refused == "max_tokens" else None
                log.info("endpoint refused %s; sending %s", refused, self._token_param or "none")
                return True
        return False

    def _with_retries(self, request: dict[str, Any], mode: str) -> Completion:
        """One chat completion through the retry policy (``_retry``)."""

        def call(limit: float) -> tuple[Any, tuple[str, str | None, str | None]]:
            response = self._attempt(self._client.chat.completions.create, request, limit)
            return response, _completion_parts(response)

        (response, (text, finish, model)), attempts, started = self._retry(call)
        usage = getattr(response, "usage", None)
        return Completion(
            text=text,
            prompt_tokens=_count(getattr(usage, "prompt_tokens", 0)),
            completion_tokens=_count(getattr(usage, "completion_tokens", 0)),
            attempts=attempts,
            latency=time.monotonic() - started,
            mode=mode,
            model=model or self.endpoint.model,
            finish_reason=finish,
        )

    def embed(self, texts: Sequence[str], model: str, batch: int = 64) -> list[list[float]]:
        """Embedding vectors of ``texts`` from ``model``, ``batch`` texts a request, each
        request through the same retry policy, breaker and errors as completions. A body
        that is not a list of one vector per text is malformed (retried like a 5xx)."""
        vectors: list[list[float]] = []
        for start in range(0, len(texts), batch):
            chunk = [text or " " for text in texts[start : start + batch]]
            request = {"model": model, "input": chunk, "encoding_format": "float"}

            def call(limit: float, request: dict[str, Any] = request, n: int = len(chunk)) -> Any:
                return _embedding_parts(
                    self._attempt(self._client.embeddings.create, request, limit), n
                )

            found, _, _ = self._retry(call)
            vectors.extend(found)
        return vectors

    def _retry(self, call: Callable[[float], Any]) -> tuple[Any, int, float]:
        """``call(timeout)`` with attempts bounded in number and in wall-clock time
        (request timeouts included: each attempt's timeout is shrunk to what the budget
        has left); its result, the attempts made and when the first began."""
        from tenacity import (
            RetryError,
            Retrying,
            retry_if_exception,
            stop_after_attempt,
            stop_after_delay,
            wait_exponential_jitter,
        )

        ep = self.endpoint
        backoff = wait_exponential_jitter(
            multiplier=ep.backoff_initial, jitter=ep.backoff_initial, max=ep.backoff_max
        )

        def remaining() -> float:
            return ep.max_retry_seconds - (time.monotonic() - started)

        def wait(state: Any) -> float:
            exc = state.outcome.exception() if state.outcome else None
            hinted = _retry_after(exc)
            chosen = hinted if hinted is not None else backoff(state)
            return max(0.0, min(chosen, remaining() - MIN_ATTEMPT_SECONDS))

        def before_sleep(state: Any) -> None:
            exc = state.outcome.exception()
            sleep = state.next_action.sleep if state.next_action else 0
            level = logging.WARNING if sleep >= ANNOUNCE_WAIT else logging.INFO
            log.log(
                level,
                "attempt %d of %d at %s failed (%s); retrying in %.1fs",
                state.attempt_number,
                ep.max_attempts,
                self.where,
                _describe(exc),
                sleep,
            )

        def out_of_time(state: Any) -> bool:
            """The budget cannot fit another attempt, or the server asks to wait longer
            than it has left, or the circuit breaker opened: give up now."""
            hinted = _retry_after(state.outcome.exception() if state.outcome else None)
            left = remaining()
            return (
                self.breaker_open
                or left < MIN_ATTEMPT_SECONDS
                or (hinted is not None and hinted > left)
            )

        started = time.monotonic()
        attempts = 0
        retrying = Retrying(
            retry=retry_if_exception(self._retryable),
            wait=wait,
            stop=stop_after_attempt(ep.max_attempts)
            | stop_after_delay(ep.max_retry_seconds)
            | out_of_time,
            before_sleep=before_sleep,
            sleep=self._sleep,
            reraise=False,
        )
        try:
            for attempt in retrying:
                with attempt:
                    if self.breaker_open:
                        raise _BreakerOpen()
                    attempts += 1
                    limit = max(MIN_ATTEMPT_SECONDS, min(ep.timeout, remaining()))
                    try:
                        result = call(limit)
                    except BaseException as exc:
                        self._note_failure(exc)
                        raise
                    self._note_success()
        except _BreakerOpen:
            raise self._breaker_error() from None
        except RetryError as exc:
            last = exc.last_attempt.exception()
            if isinstance(last, _BreakerOpen) or (self.breaker_open and attempts < ep.max_attempts):
                raise self._breaker_error() from last
            hinted = _retry_after(last)
            asked = f", asked to wait {hinted:.0f}s more" if hinted else ""
            raise LLMUnavailableError(
                f"The model endpoint {self.where} is unavailable after "
                f"{attempts} attempt(s) over {time.monotonic() - started:.0f}s "
                f"({_describe(last)}{asked}). Try again later, raise --max-attempts or "
                "[llm] max_retry_seconds, or use --engine extractive."
            ) from last
        except self._openai.APIStatusError as exc:
            raise _status_error(exc, ep) from exc
        except self._openai.APIError as exc:
            raise LLMUnavailableError(
                f"The model endpoint {self.where} failed: {_describe(exc)}."
            ) from exc
        return result, attempts, started

    def _attempt(self, create: Callable[..., Any], request: dict[str, Any], limit: float) -> Any:
        """One request with ``limit`` seconds of timeout; a body that cannot be parsed is
        ``_Malformed``. A request still unanswered after ANNOUNCE_SLOW seconds is said."""
        started = time.monotonic()
        timer = None
        if limit > ANNOUNCE_SLOW:
            timer = threading.Timer(ANNOUNCE_SLOW, self._still_waiting, (started, limit))
            timer.daemon = True
            timer.start()
        try:
            return create(**request, timeout=limit)
        except (ValueError, TypeError) as exc:  # json.JSONDecodeError on a 200 body
            raise _Malformed(f"a body that is not valid JSON ({type(exc).__name__})") from exc
        finally:
            if timer is not None:
                timer.cancel()

    def _retryable(self, exc: BaseException) -> bool:
        o = self._openai
        if isinstance(exc, (o.APIConnectionError, o.APITimeoutError, _Malformed)):
            return True
        if isinstance(exc, o.APIStatusError):
            return exc.status_code in RETRYABLE_STATUS or exc.status_code >= 500
        return False

    def _request(
        self,
        messages: list[dict[str, str]],
        schema: dict[str, Any] | None,
        schema_name: str,
        temperature: float,
        mode: str,
    ) -> dict[str, Any]:
        """The chat.completions arguments, shaped by what this endpoint has accepted."""
        kwargs: dict[str, Any] = {"model": self.endpoint.model, "messages": messages}
        if not self._no_temperature:
            kwargs["temperature"] = temperature
        if self._token_param and self.endpoint.max_output_tokens:
            kwargs[self._token_param] = self.endpoint.max_output_tokens
        if mode == "json_schema" and schema is not None:
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema_name, "schema": schema, "strict": False},
            }
        elif mode == "json_object" or (mode == "json_schema" and schema is None):
            kwargs["response_format"] = {"type": "json_object"}
        return kwargs


def _embedding_parts(response: Any, expected: int) -> list[list[float]]:
    """The vectors of an embeddings response, in input order, or ``_Malformed``."""
    data = getattr(response, "data", None)
    if not isinstance(data, list) or len(data) != expected:
        raise _Malformed(f"an embeddings body without {expected} vectors")
    ordered = sorted(data, key=lambda item: getattr(item, "index", 0) or 0)
    vectors = []
    for item in ordered:
        vector = getattr(item, "embedding", None)
        if not isinstance(vector, list) or not vector:
            raise _Malformed("an embedding that is not a list of numbers")
        try:
            vectors.append([float(x) for x in vector])
        except (TypeError, ValueError) as exc:
            raise _Malformed("an embedding that is not a list of numbers") from exc
    if len({len(v) for v in vectors}) > 1:
        raise _Malformed("embeddings of different lengths")
    return vectors


def _completion_parts(response: Any) -> tuple[str, str | None, str | None]:
    """The answer's text, finish reason and model, or ``_Malformed`` when a 200 body is
    not a chat completion (an HTML page, a list, no choices, no message). Text from the
    model is made safe here, before it reaches the cache, the parser or a file."""
    if isinstance(response, str | bytes):
        snippet = safe_line(str(response)[:80])
        raise _Malformed(f"a body that is not a chat completion ({snippet!r}…)")
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list) or not choices:
        error = getattr(response, "error", None)  # a proxy's error, served with 200
        said = error.get("message") if isinstance(error, dict) else error
        if isinstance(said, str) and said:
            raise _Malformed(f"an error in its body ({safe_line(mask_secrets(said))[:200]!r})")
        raise _Malformed("a JSON body without choices")
    message = getattr(choices[0], "message", None)
    if message is None:
        raise _Malformed("a JSON body whose first choice has no message")
    content = getattr(message, "content", None)
    if content is not None and not isinstance(content, str):
        raise _Malformed("a JSON body whose message content is not text")
    finish = getattr(choices[0], "finish_reason", None)
    model = getattr(response, "model", None)
    return (
        safe_text(content or ""),
        finish if isinstance(finish, str) else None,
        safe_line(model)[:200] if isinstance(model, str) else None,
    )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (Retry-After / retry-after-ms), if any."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None  # an unreadable hint is no hint: back off as usual
    return max(0.0, parsed.timestamp() - time.time())


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return "no error"
    if isinstance(exc, _Malformed):
        return f"HTTP 200 with {exc}"
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    return f"HTTP {status} {name}" if status else name


def _message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
        if isinstance(err, str):
            return err
    return str(getattr(exc, "message", "") or exc)


def _status_error(exc: Any, ep: Endpoint) -> Exception:
    status = exc.status_code
    detail = safe_line(mask_secrets(_mask(_message(exc), ep.api_key)))[:300]
    where = mask_secrets(ep.base_url or "https://api.openai.com/v1")
    if status in (401, 403):
        return LLMAuthError(
            f"The model endpoint {where} refused the request (HTTP {status}: {detail}). Check "
            "OPENAI_API_KEY (and that it may use this model), or OPENAI_BASE_URL."
        )
    if status == 404:
        return LLMModelError(
            f"The endpoint {where} does not know model {ep.model!r} or the path (HTTP 404: "
            f"{detail}). Check --model and --base-url (it usually ends in /v1)."
        )
    error = LLMRequestError(
        f"The model endpoint {where} rejected the request (HTTP {status}: {detail}). Check "
        "--model and the endpoint's documentation."
    )
    error.status = status  # type: ignore[attr-defined]
    error.detail = detail  # type: ignore[attr-defined]
    return error


_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "structured", "schema")


def _mask(text: str, key: str) -> str:
    """A proxy may echo the key back in its error: never pass it on."""
    return text.replace(key, "***") if key and len(key) >= 8 else text


def _rejects_format(exc: LLMRequestError) -> bool:
    """A 400/422 that is about the requested output format: try the next, plainer mode.
    Any other 400/422 is a real error and is not sent again."""
    detail = str(getattr(exc, "detail", "")).lower()
    return getattr(exc, "status", None) in (400, 422) and any(w in detail for w in _FORMAT_WORDS)
