"""A small, polite HTTP client for the commands a person runs by hand to look at the web: `make watch`,
`make check-links` and `make update-duties-data`. The pipeline never uses it, and the tests replay recorded answers
(``Recorded``) instead of reaching the network.

Politeness: a user agent naming the project, a timeout, a few retries of a 429 or 5xx answer with exponential backoff
(honouring ``Retry-After``), a minimum delay between two requests to one host, redirects followed by hand (so each
hop is visible) and a limit on the pages one query may take. A feed that cannot be read raises ``FeedError``, whose
message is one sentence naming the feed and the HTTP status (or saying that no answer came).
"""

from __future__ import annotations

import email.utils
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

USER_AGENT = "DealClock/0.3 (open research repository; hand-run source watch and link check)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_BODY = 20_000_000  # bytes read from one answer (a feed page is far smaller; a cited PDF is not needed whole)


class Unreachable(OSError):
    """No HTTP answer at all (no network, a host that does not resolve, a refused connection, a timeout)."""


class FeedError(RuntimeError):
    """A feed could not be read. ``str(error)`` is one sentence (without a final full stop, so a caller can add what
    was left untouched) naming the feed and the HTTP status; ``status`` is None when no answer came."""

    def __init__(self, feed: str, status: int | None, what: str):
        self.feed, self.status = feed, status
        super().__init__(f"{feed}: {what}")


@dataclass(frozen=True)
class RawAnswer:
    """One HTTP answer as a transport returns it: redirects are not followed."""

    status: int
    headers: dict[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class Response:
    """The answer to a request after redirects: ``url`` was asked for, ``final_url`` answered."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    final_url: str
    redirects: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def text(self) -> str:
        """The body decoded as UTF-8 (bytes that are not UTF-8 replaced)."""
        return self.body.decode("utf-8", errors="replace")


Transport = Callable[[str, str, dict[str, str], float], RawAnswer]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 - urllib's hook
        return None  # the client follows redirects itself, one visible hop at a time


def urllib_transport(method: str, url: str, headers: dict[str, str], timeout: float) -> RawAnswer:
    """The real transport (standard library only): every HTTP status comes back as a ``RawAnswer``; no answer at
    all raises ``Unreachable`` with the reason."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with opener.open(request, timeout=timeout) as answer:
            body = b"" if method == "HEAD" else answer.read(MAX_BODY)
            return RawAnswer(answer.status, {k.lower(): v for k, v in answer.headers.items()}, body)
    except urllib.error.HTTPError as exc:
        body = b"" if method == "HEAD" else (exc.read(MAX_BODY) if exc.fp else b"")
        return RawAnswer(exc.code, {k.lower(): v for k, v in (exc.headers or {}).items()}, body)
    except (urllib.error.URLError, OSError, ValueError) as exc:  # URLError, timeouts, resets; ValueError: bad URL
        raise Unreachable(str(getattr(exc, "reason", exc))) from None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (a number of seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class Client:
    """HTTP with manners; see the module docstring. ``transport``, ``sleep`` and ``clock`` can be replaced (tests
    pass ``Recorded`` and a fake clock, so no test waits or touches the network)."""

    def __init__(self, transport: Transport | None = None, *, user_agent: str = USER_AGENT, timeout: float = 30.0,
                 max_retries: int = 3, backoff: float = 2.0, max_backoff: float = 60.0, host_delay: float = 1.0,
                 max_redirects: int = 5, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.transport = transport or urllib_transport
        self.user_agent, self.timeout = user_agent, timeout
        self.max_retries, self.backoff, self.max_backoff = max_retries, backoff, max_backoff
        self.host_delay, self.max_redirects = host_delay, max_redirects
        self.sleep, self.clock = sleep, clock
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()
        self.waited: list[float] = []  # every pause taken (host delay and backoff), for tests and the log

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self.waited.append(seconds)
            self.sleep(seconds)

    def _wait_turn(self, host: str) -> None:
        """At most one request to ``host`` every ``host_delay`` seconds, across threads."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = start + self.host_delay
        self._pause(start - now)

    def request(self, url: str, method: str = "GET", accept: str = "*/*", headers: dict[str, str] | None = None) -> Response:
        """One request, redirects followed (up to ``max_redirects``), a 429 or 5xx retried (up to ``max_retries``,
        waiting ``Retry-After`` or ``backoff * 2**attempt`` seconds, at most ``max_backoff``). Any final status is
        returned; no answer at all raises ``Unreachable``. ``headers`` are sent besides the user agent and ``Accept``."""
        current, hops, attempt = url, [], 0
        headers = {"User-Agent": self.user_agent, "Accept": accept, **(headers or {})}
        while True:
            self._wait_turn(urlsplit(current).netloc.lower())
            raw = self.transport(method, current, headers, self.timeout)
            if raw.status in RETRY_STATUSES and attempt < self.max_retries:
                wait = retry_after_seconds(raw.headers.get("retry-after"))
                self._pause(min(self.max_backoff, wait if wait is not None else self.backoff * 2 ** attempt))
                attempt += 1
                continue
            location = raw.headers.get("location")
            if raw.status in REDIRECT_STATUSES and location and len(hops) < self.max_redirects:
                hops.append(current)
                current = urljoin(current, location)
                if raw.status == 303:
                    method = "GET" if method != "HEAD" else "HEAD"
                continue
            return Response(url, raw.status, raw.headers, raw.body, current, tuple(hops))

    # --- feeds: a failure is a FeedError, one sentence -----------------------------------------------------------

    def fetch(self, url: str, feed: str, accept: str = "*/*") -> Response:
        """GET a feed: a 2xx answer is returned; anything else raises ``FeedError`` naming ``feed`` and the status."""
        try:
            answer = self.request(url, accept=accept)
        except Unreachable as exc:
            raise FeedError(feed, None, f"no answer from {urlsplit(url).netloc} ({exc}), so no HTTP status; "
                                        "this command needs internet access") from None
        if not answer.ok:
            tried = f" after {self.max_retries + 1} attempts" if answer.status in RETRY_STATUSES else ""
            raise FeedError(feed, answer.status, f"HTTP {answer.status} from {answer.final_url}{tried}")
        return answer

    def get_json(self, url: str, feed: str):
        """GET and parse JSON; an empty answer (HTTP 204, or no body) is None. Raises ``FeedError`` for a failed
        request or a body that is not JSON (naming the status: the server said OK but sent something else)."""
        answer = self.fetch(url, feed, accept="application/json")
        if answer.status == 204 or not answer.body.strip():
            return None
        try:
            return json.loads(answer.body)
        except ValueError as exc:
            raise FeedError(feed, answer.status, f"HTTP {answer.status} but the body is not JSON ({exc.__class__.__name__}: "
                                                 f"{str(exc)[:80]})") from None

    def pages(self, url: str, feed: str, next_url: Callable[[object], str | None], max_pages: int = 20) -> Iterator:
        """Yield each JSON page of a paged query, following ``next_url(page)`` until it gives None. More than
        ``max_pages`` pages, or a next page that points back to one already read, raises ``FeedError`` rather than
        returning part of the answer."""
        seen: set[str] = set()
        while url:
            if url in seen:
                raise FeedError(feed, 200, f"HTTP 200 but the next page points back to {url}")
            if len(seen) == max_pages:
                raise FeedError(feed, 200, f"HTTP 200 on {max_pages} pages and still more to read; narrow the query or raise "
                                           "the page limit")
            seen.add(url)
            page = self.get_json(url, feed)
            yield page
            url = next_url(page) if page is not None else None


# --- URLs as cited ---------------------------------------------------------------------------------------------

URL_PATTERN = re.compile(r"https?://[^\s<>\"'`|]+")
_TRAILING = ".,;:!?'\""


def find_urls(text: str) -> list[tuple[int, str]]:
    """(offset, url) of every http(s) URL in ``text``; punctuation that ends a sentence and an unbalanced closing
    bracket are not part of the URL."""
    found = []
    for match in URL_PATTERN.finditer(text):
        url = match.group(0)
        while url:
            if url[-1] in _TRAILING:
                url = url[:-1]
            elif url[-1] in ")]}" and url.count(url[-1]) > url.count({")": "(", "]": "[", "}": "{"}[url[-1]]):
                url = url[:-1]
            else:
                break
        if len(url) > len("https://"):
            found.append((match.start(), url))
    return found


def normalize_url(url: str) -> str:
    """A URL reduced for comparing citations: scheme, ``www.``, a trailing slash and the fragment ignored, host in
    lower case."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    return host + path + (f"?{parts.query}" if parts.query else "")


# --- recorded answers: how the tests (and a dry run) replay the web ------------------------------------------------

class Recorded:
    """A transport that replays answers recorded in JSON files instead of using the network.

    Each file holds ``{"note": ..., "exchanges": [...]}``; an exchange is ``{"request": {"method", "url"}, "response":
    {"status", "headers", "body" | "json"}}`` or, for a request that got no answer, ``{"request": ..., "error": reason}``.
    Several exchanges for one request are replayed in order (a 429, then a 200); the last one repeats. A request with
    no recording raises ``LookupError``, so code under test cannot reach the network by mistake; ``default`` (a
    ``RawAnswer``) answers every unrecorded request instead, for tests over many URLs."""

    def __init__(self, *files: Path | str, default: RawAnswer | None = None):
        self.queues: dict[tuple[str, str], list[dict]] = {}
        self.default = default
        self.calls: list[tuple[str, str]] = []
        for file in files:
            for exchange in json.loads(Path(file).read_text(encoding="utf-8"))["exchanges"]:
                key = (exchange["request"].get("method", "GET"), exchange["request"]["url"])
                self.queues.setdefault(key, []).append(exchange)

    def __call__(self, method: str, url: str, headers: dict[str, str], timeout: float) -> RawAnswer:
        self.calls.append((method, url))
        queue = self.queues.get((method, url))
        if not queue:
            if self.default is not None:
                return self.default
            raise LookupError(f"no recorded answer for {method} {url}")
        exchange = queue.pop(0) if len(queue) > 1 else queue[0]
        if "error" in exchange:
            raise Unreachable(exchange["error"])
        response = exchange["response"]
        body = response.get("body", "")
        if "json" in response:
            body = json.dumps(response["json"])
        return RawAnswer(int(response["status"]), {k.lower(): v for k, v in response.get("headers", {}).items()},
                         body.encode("utf-8"))


class Recorder:
    """Wraps a transport and keeps every exchange, to save as a recording (``--record FILE`` of the scripts):
    how a maintainer with network refreshes the fixtures of ``tests/fixtures/http``."""

    def __init__(self, transport: Transport | None = None, note: str = ""):
        self.transport = transport or urllib_transport
        self.note = note
        self.exchanges: list[dict] = []

    def __call__(self, method: str, url: str, headers: dict[str, str], timeout: float) -> RawAnswer:
        request = {"method": method, "url": url}
        try:
            raw = self.transport(method, url, headers, timeout)
        except Unreachable as exc:
            self.exchanges.append({"request": request, "error": str(exc)})
            raise
        kept = {k: v for k, v in raw.headers.items() if k in ("content-type", "location", "retry-after")}
        self.exchanges.append({"request": request, "response": {"status": raw.status, "headers": kept,
                                                                "body": raw.body.decode("utf-8", errors="replace")}})
        return raw

    def save(self, path: Path | str) -> None:
        """Write the exchanges as a recording ``Recorded`` can replay."""
        text = json.dumps({"note": self.note, "exchanges": self.exchanges}, indent=1, ensure_ascii=False)
        Path(path).write_text(text + "\n", encoding="utf-8")
