"""What one re-tested Xero call came back with, as a frozen value, with secrets redacted.

>>> limits = RateLimits.from_headers({"X-MinLimit-Remaining": "59", "Retry-After": "3"})
>>> limits.minute_remaining, limits.retry_after
(59, 3.0)
"""

from __future__ import annotations

import json
import math
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from xero_nb import jsonsafe
from xero_nb.http import Request, Response
from xero_nb.models import Endpoint
from xero_nb.redact import (
    redact_body,
    redact_headers,
    redact_json,
    redact_url,
    scrub,
)

if TYPE_CHECKING:  # pragma: no cover
    from xero_nb.diagnose.diagnosis import Diagnosis

JSON_MAX_DEPTH = jsonsafe.MAX_DEPTH  # Xero's bodies nest a few levels; deeper ones are kept as text
_COUNT = re.compile(r"[0-9]{1,18}")  # a header count: plain ASCII digits, no sign, no exponent
_SECONDS = re.compile(r"[0-9]{1,300}(?:\.[0-9]{1,9})?")  # RFC 9110 delay-seconds, a fraction allowed


def _int(value: str | None) -> int | None:
    """A non-negative count from a header, or None for anything else (signs, nan, 10**5000)."""
    text = (value or "").strip()
    return int(text) if _COUNT.fullmatch(text) else None


def _seconds(value: str | None, date: str | None) -> float | None:
    """Retry-After as finite, non-negative seconds, or None when it is no such thing.

    Delay-seconds are read as digits only (no sign, exponent, nan or inf); an HTTP-date is
    measured against the response's own ``Date`` header (no Date: None). How long a caller
    actually waits is RetryPolicy's decision, not the parser's.
    """
    text = (value or "").strip()
    if _SECONDS.fullmatch(text):
        seconds = float(text)
        return seconds if math.isfinite(seconds) else None
    if not text or date is None:
        return None
    try:
        until, now = parsedate_to_datetime(text), parsedate_to_datetime(date.strip())
        seconds = (until - now).total_seconds()
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return max(0.0, seconds) if math.isfinite(seconds) else None


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Xero's limit headers: remaining calls, which limit was hit, how long to wait."""

    day_remaining: int | None = None
    minute_remaining: int | None = None
    app_minute_remaining: int | None = None
    problem: str | None = None  # X-Rate-Limit-Problem: "minute", "day", ...
    retry_after: float | None = None  # seconds

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimits:
        """Read the limit headers (case-insensitive); a value that is not a sane number is None."""
        low = {k.lower(): v for k, v in headers.items()}
        return cls(
            day_remaining=_int(low.get("x-daylimit-remaining")),
            minute_remaining=_int(low.get("x-minlimit-remaining")),
            app_minute_remaining=_int(low.get("x-appminlimit-remaining")),
            problem=(low.get("x-rate-limit-problem") or None),
            retry_after=_seconds(low.get("retry-after"), low.get("date")),
        )


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """The request as sent, already redacted (no token, no secret)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None

    @classmethod
    def of(cls, method: str, url: str, sent: Request | None,
           secrets: Iterable[str] = ()) -> RequestRecord:
        """The redacted record of a request as sent (or of the URL when nothing was built)."""
        secrets = tuple(secrets)
        if sent is None:
            return cls(method, redact_url(url, secrets))
        content = sent.content.decode("utf-8", "replace") if sent.content else None
        return cls(method, redact_url(str(sent.url), secrets),
                   redact_headers(sent.headers.multi_items(), secrets),
                   redact_body(content, secrets) if content else None)

    def header(self, name: str) -> str | None:
        """One header's value (case-insensitive)."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def curl(self) -> str:
        """A reproducible curl command with the token as a placeholder."""
        parts = ["curl", "-X", self.method, shlex.quote(self.url)]
        for name, value in self.headers:
            if name.lower() in ("host", "content-length", "accept-encoding", "connection"):
                continue
            parts += ["-H", shlex.quote(f"{name}: {value}")]
        if self.body:
            parts += ["--data", shlex.quote(self.body)]
        return " ".join(parts)


_DETAIL = re.compile(r"\b(TokenExpired|AuthorizationUnsuccessful|AuthenticationUnsuccessful)\b")


@dataclass(frozen=True)
class CallResult:
    """One call's outcome: status 0 means no response arrived (see ``error``)."""

    method: str
    url: str
    status: int
    elapsed: float  # seconds, all attempts and waits included
    request: RequestRecord
    endpoint: Endpoint | None = None
    tenant_id: str | None = None
    correlation_id: str | None = None
    limits: RateLimits = field(default_factory=RateLimits)
    headers: tuple[tuple[str, str], ...] = ()
    body: Any = None
    attempts: int = 1
    retries: tuple[str, ...] = ()  # why each extra attempt was made ("503", "429 minute", ...)
    stopped: str | None = None  # why a failure was not retried ("day limit", "write", ...)
    error: str | None = None  # transport failure, no secrets
    granted: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return 200 <= self.status < 300

    @property
    def rate_limited(self) -> bool:
        """True when the final answer was 429."""
        return self.status == 429

    def header(self, name: str) -> str | None:
        """One response header's value (case-insensitive)."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def problem(self) -> str | None:
        """Xero's short problem word (TokenExpired, AuthorizationUnsuccessful, ...) if any."""
        text = self.body if isinstance(self.body, str) else json.dumps(self.body, default=str)
        found = _DETAIL.search(text or "")
        return found.group(1) if found else None

    def diagnosis(self, **context: Any) -> Diagnosis:
        """Rank the likely causes of this answer (xero_nb.diagnose.diagnosis) with what the call knows."""
        from xero_nb.diagnose.diagnosis import diagnose

        context.setdefault("endpoint", self.endpoint)
        context.setdefault("granted", sorted(self.granted) if self.granted else None)
        context.setdefault("request_headers", dict(self.request.headers))
        context.setdefault("tenant_id", self.tenant_id)
        context.setdefault("method", self.method)
        context.setdefault("url", self.url)  # the concrete path (e.g. /Reports/BankStatement)
        return diagnose(status=self.status, headers=dict(self.headers), body=self.body, **context)

    def summary(self) -> str:
        """One line: method, URL, status, correlation id, attempts."""
        cid = f" [{self.correlation_id}]" if self.correlation_id else ""
        what = str(self.status) if self.status else f"no response ({self.error})"
        return f"{self.method} {self.url} -> {what}{cid} in {self.attempts} attempt(s)"

    def __repr__(self) -> str:
        return f"<CallResult {self.summary()}>"


def response_parts(response: Response | None, secrets: Iterable[str] = ()) -> tuple[
        int, tuple[tuple[str, str], ...], Any, RateLimits, str | None]:
    """``(status, redacted headers, decoded body, limits, correlation id)``; status 0: none."""
    if response is None:
        return 0, (), None, RateLimits(), None
    secrets = tuple(secrets)
    body = decode_body(response.content, response.headers.get("content-type", ""))
    return (response.status_code, redact_headers(response.headers.multi_items(), secrets),
            _scrub_values(redact_json(body), secrets), RateLimits.from_headers(response.headers),
            response.headers.get("xero-correlation-id"))


def _scrub_values(value: Any, secrets: tuple[str, ...]) -> Any:
    """Every string in a decoded body with known secret values replaced (servers echo them)."""
    if not secrets:
        return value
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, dict):
        return {k: _scrub_values(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_values(v, secrets) for v in value]
    return value


def decode_body(content: bytes, content_type: str) -> Any:
    """JSON when it parses, else text, else a short note on binary content.

    JSON nested deeper than ``JSON_MAX_DEPTH`` (which would exhaust the stack here or in
    whatever reads the value next) comes back as its text, after a one-line note.
    """
    if not content:
        return None
    if "json" in content_type or content[:1] in (b"{", b"["):
        try:
            return jsonsafe.loads(content, max_depth=JSON_MAX_DEPTH)
        except jsonsafe.TooDeepError:
            return _too_deep_note(content, content_type)
        except ValueError:
            pass
    return _text(content, content_type)


def _text(content: bytes, content_type: str) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(content)} bytes of {content_type or 'binary'}>"


def _too_deep_note(content: bytes, content_type: str) -> str:
    note = f"[xero-nb: JSON nested deeper than {JSON_MAX_DEPTH} levels, kept as text]"
    return f"{note}\n{_text(content, content_type)}"
