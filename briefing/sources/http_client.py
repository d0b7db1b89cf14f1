"""The HTTP side of fetching: one httpx client per run, with the project's one retry
style, a limit of requests per host, a size cap and a total time per response, and
robots.txt read once per site. ``fetch.py`` asks it for feeds and pages.

``Client.get(url)`` returns the response or raises ``FetchFailed`` whose text says why,
for a person to act on: "HTTP 404 Not Found; check the URL", "timed out waiting for the
answer after 3 attempt(s)", "redirects more than 5 times (a redirect loop?)".
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .. import __version__

log = logging.getLogger(__name__)

ROBOTS_AGENT = "brief"
MAX_REDIRECTS = 5
RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}
MAX_ROBOTS_BYTES = 500_000
WORKERS = 8  # requests at once, all hosts together
HOST_FAILURES = 3  # a host that fails this many requests in a row is not asked again this run
USER_AGENT = f"brief/{__version__} (news briefing; +https://pypi.org/project/brief/)"


@dataclass(frozen=True, slots=True)
class FetchOptions:
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    per_host: int = 2
    max_attempts: int = 3
    max_retry_seconds: float = 60.0
    backoff_initial: float = 1.0
    backoff_max: float = 20.0
    max_entries: int = 200
    fetch_pages: bool = True
    user_agent: str = USER_AGENT


class FetchFailed(Exception):
    """One request failed for good; ``str()`` says why, for a person to act on."""


class _Transient(Exception):
    """A status worth asking again (408, 429, 5xx), with the server's headers."""

    def __init__(self, status: int, headers: Any) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.headers = headers


class _TooLarge(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    headers: Any
    content: bytes
    url: str


class Client:
    """One httpx client for the run: limits per host, retries, robots.txt per host."""

    def __init__(self, options: FetchOptions, sleep: Callable[[float], None]) -> None:
        import httpx

        self.options = options
        self._httpx = httpx
        self._sleep = sleep
        self._client = httpx.Client(
            headers={"User-Agent": options.user_agent},
            timeout=httpx.Timeout(options.timeout, connect=min(options.timeout, 10.0)),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            limits=httpx.Limits(max_connections=WORKERS * 2, max_keepalive_connections=WORKERS),
            trust_env=True,  # HTTP(S)_PROXY and NO_PROXY, as curl and pip honour them
        )
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.BoundedSemaphore] = {}
        self._failures: dict[str, int] = {}  # host -> requests failed in a row (down, slow)
        self._robots: dict[str, Any] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self.requests = 0

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def get(self, url: str, headers: dict[str, str] | None = None) -> _Response:
        """GET with retries on transient failures; raises ``FetchFailed`` saying why."""
        from tenacity import (
            RetryError,
            Retrying,
            retry_if_exception,
            stop_after_attempt,
            stop_after_delay,
            wait_exponential_jitter,
        )

        o = self.options
        host = urlsplit(url).netloc.lower()
        backoff = wait_exponential_jitter(
            multiplier=o.backoff_initial, jitter=o.backoff_initial, max=o.backoff_max
        )
        started = time.monotonic()

        def remaining() -> float:
            return o.max_retry_seconds - (time.monotonic() - started)

        def wait(state: Any) -> float:
            hinted = _retry_after(state.outcome.exception() if state.outcome else None)
            chosen = hinted if hinted is not None else backoff(state)
            return max(0.0, min(chosen, remaining()))

        def asked_too_long(state: Any) -> bool:
            hinted = _retry_after(state.outcome.exception() if state.outcome else None)
            return hinted is not None and hinted > remaining()

        def before_sleep(state: Any) -> None:
            log.info(
                "%s: attempt %d failed (%s); retrying in %.1fs",
                url,
                state.attempt_number,
                _describe(state.outcome.exception()),
                state.next_action.sleep if state.next_action else 0,
            )

        retrying = Retrying(
            retry=retry_if_exception(self._retryable),
            wait=wait,
            stop=stop_after_attempt(o.max_attempts)
            | stop_after_delay(o.max_retry_seconds)
            | asked_too_long,
            before_sleep=before_sleep,
            sleep=self._sleep,
            reraise=False,
        )
        attempts = 0
        try:
            for attempt in retrying:
                with attempt:
                    attempts += 1
                    response = self._once(url, headers or {})
                    with self._lock:
                        self._failures[host] = 0
                    return response
        except RetryError as exc:
            last = exc.last_attempt.exception()
            with self._lock:
                self._failures[host] = self._failures.get(host, 0) + 1
            raise FetchFailed(
                f"{_describe(last)} after {attempts} attempt(s); it will be asked again next run"
            ) from last
        except _TooLarge as exc:
            raise FetchFailed(str(exc)) from None
        except self._httpx.TooManyRedirects:
            raise FetchFailed(
                f"redirects more than {MAX_REDIRECTS} times (a redirect loop?); check the URL"
            ) from None
        except self._httpx.UnsupportedProtocol as exc:
            raise FetchFailed(f"leads to an address that is not http(s) ({exc})") from None
        except self._httpx.InvalidURL as exc:
            raise FetchFailed(f"is not a valid URL ({exc})") from None
        except self._httpx.HTTPError as exc:
            raise FetchFailed(_describe(exc)) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _retryable(self, exc: BaseException) -> bool:
        if isinstance(exc, _Transient):
            return True
        httpx = self._httpx
        return isinstance(exc, httpx.TransportError) and not isinstance(
            exc, httpx.UnsupportedProtocol
        )

    def _once(self, url: str, headers: dict[str, str]) -> _Response:
        o = self.options
        host = urlsplit(url).netloc.lower()
        with self._host(url):
            with self._lock:
                failed = self._failures.get(host, 0)
                if failed < HOST_FAILURES:
                    self.requests += 1
            if failed >= HOST_FAILURES:  # checked in turn, so waiting requests see it too
                raise FetchFailed(
                    f"was not asked: {host} failed {failed} requests in a row in this run "
                    "(down or too slow); it will be asked again next run"
                )
            deadline = time.monotonic() + o.timeout * 3
            with self._client.stream("GET", url, headers=headers) as r:
                if r.status_code in RETRYABLE_STATUS:
                    raise _Transient(r.status_code, r.headers)
                if r.status_code == 304:
                    return _Response(304, r.headers, b"", str(r.url))
                if r.status_code >= 400:
                    raise FetchFailed(_status_text(r.status_code, r.reason_phrase))
                declared = r.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > o.max_bytes:
                    raise _TooLarge(_too_large(o.max_bytes))
                body = bytearray()
                for chunk in r.iter_bytes():
                    body += chunk
                    if len(body) > o.max_bytes:
                        raise _TooLarge(_too_large(o.max_bytes))
                    if time.monotonic() > deadline:
                        raise self._httpx.ReadTimeout(
                            f"took longer than {o.timeout * 3:.0f}s to send its answer"
                        )
                return _Response(r.status_code, r.headers, bytes(body), str(r.url))

    def _host(self, url: str) -> threading.BoundedSemaphore:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            if host not in self._hosts:
                self._hosts[host] = threading.BoundedSemaphore(self.options.per_host)
            return self._hosts[host]

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets ``brief`` fetch the page (asked once per host)."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}".lower()
        with self._lock:
            site_lock = self._robots_locks.setdefault(site, threading.Lock())
        with site_lock:
            if site not in self._robots:
                self._robots[site] = self._read_robots(site)
        rules = self._robots[site]
        if rules is True or rules is False:
            return rules
        return bool(rules.can_fetch(ROBOTS_AGENT, url))

    def _read_robots(self, site: str) -> Any:
        from urllib.robotparser import RobotFileParser

        try:
            response = self.get(f"{site}/robots.txt")
        except FetchFailed as exc:
            if str(exc).startswith("HTTP 4"):
                return True  # no robots.txt: everything is allowed
            log.warning("%s/robots.txt could not be read (%s); not fetching its pages", site, exc)
            return False  # RFC 9309: an unreachable robots.txt means "disallow all"
        parser = RobotFileParser()
        text = response.content[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        parser.parse(text.splitlines())
        return parser


def _status_text(status: int, reason: str) -> str:
    hint = {
        401: "it needs a login",
        403: "the server refuses access",
        404: "check the URL",
        410: "it is gone for good; remove it from brief.toml",
    }.get(status, "check the URL")
    return f"HTTP {status} {reason}".rstrip() + f"; {hint}"


def _too_large(limit: int) -> str:
    return (
        f"is larger than the {limit // 1_000_000 or limit / 1_000_000:g} MB limit per response; "
        "raise [sources] max_bytes if it is genuine"
    )


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return "no error"
    if isinstance(exc, _Transient):
        return f"HTTP {exc.status}"
    name = type(exc).__name__
    text = {
        "ConnectError": "could not connect",
        "ConnectTimeout": "timed out connecting",
        "ReadTimeout": "timed out waiting for the answer",
        "WriteTimeout": "timed out sending the request",
        "PoolTimeout": "timed out waiting for a connection",
        "RemoteProtocolError": "the server broke the HTTP protocol",
        "ReadError": "the connection broke while reading",
    }.get(name, name)
    detail = str(exc).strip()
    return f"{text} ({detail})" if detail and len(detail) < 200 else text


def _retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked to wait (Retry-After), if it said."""
    headers = getattr(exc, "headers", None)
    value = headers.get("retry-after") if headers is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, parsed.timestamp() - time.time())
