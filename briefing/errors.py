"""The one error tree of `brief`.

Every error the user can cause or fix is a ``BriefError``; ``str(exc)`` is shown to
the user as it is, so each message says what to do. Anything else that escapes is a
bug and keeps its traceback.

    BriefError
    ├── InputError            an input path or file cannot be used
    │   ├── NoArticlesError   nothing usable was found in the given paths
    │   └── ArticleError      one file or record is unreadable or malformed
    ├── ConfigError           a flag, environment variable or brief.toml value is wrong
    │   └── NoEndpointError   the LLM engine was asked for but no endpoint is configured
    ├── PromptError           a prompt file is missing, malformed or pinned to an unknown version
    ├── LLMError              the endpoint failed (raised only by llm.py, from the openai error)
    │   ├── LLMFatalError     the endpoint cannot serve this run at all: the run stops
    │   │   ├── LLMAuthError  401/403: the key is wrong or lacks access
    │   │   └── LLMModelError 404: unknown model or wrong base URL
    │   ├── LLMRequestError   400/422: one request refused (too long, filtered): one story fails
    │   └── LLMUnavailableError  retries exhausted on 408/409/429/5xx, timeouts, connection errors
    ├── AnswerError           the model's answer stayed invalid after the re-ask
    ├── OutputError           an output file could not be written
    ├── LockedError           another run holds the folder's lock
    ├── FetchError            no feed or folder of [sources] could be read at all
    └── DeliveryError         the briefing could not be mailed or copied (kept for next run)
"""

from __future__ import annotations


class BriefError(Exception):
    """Base of every error `brief` reports to the user."""


class InputError(BriefError):
    """An input path or file cannot be used."""


class NoArticlesError(InputError):
    """None of the given paths held a usable article."""


class ArticleError(InputError):
    """One file or record is unreadable or malformed; the others still run."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class ConfigError(BriefError):
    """A flag, environment variable or brief.toml value is wrong."""


class NoEndpointError(ConfigError):
    """The LLM engine was requested but no endpoint is configured."""


class PromptError(BriefError):
    """A prompt file is missing, malformed, or pinned to a version that does not exist."""


class LLMError(BriefError):
    """The model endpoint failed."""


class LLMFatalError(LLMError):
    """The endpoint cannot serve this run at all; every further call would fail too."""


class LLMAuthError(LLMFatalError):
    """The endpoint refused the key (401/403)."""


class LLMModelError(LLMFatalError):
    """The endpoint does not know the model, or the base URL is wrong (404)."""


class LLMRequestError(LLMError):
    """The endpoint refused this one request (400/422): too long, filtered, malformed."""


class LLMUnavailableError(LLMError):
    """The endpoint stayed unavailable after every allowed retry."""


class AnswerError(BriefError):
    """The model's answer was still invalid after one re-ask."""


class OutputError(BriefError):
    """An output file could not be written."""


class LockedError(BriefError):
    """Another `brief` run holds the lock on the folder (its pid and start are named)."""


class FetchError(BriefError):
    """Every feed and folder of ``[sources]`` failed: nothing could be collected."""


class DeliveryError(BriefError):
    """The briefing could not be mailed or copied; it is kept and retried next run."""
