"""What XeroClient does after each attempt (retry, wait, refresh, stop), and how URLs are filled.

>>> RetryPolicy().delay("GET", 1, 503, RateLimits(), None)
(0.5, '503')
>>> RetryPolicy().delay("PUT", 1, 503, RateLimits(), None)
(None, 'writes are never retried')
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol
from urllib.parse import quote

from xero_nb.auth.tokens import Token
from xero_nb.client.result import RateLimits
from xero_nb.errors import XeroNbError
from xero_nb.models import WRITE_METHODS

_PLACEHOLDER = re.compile(r"\{([^}]+)\}")


class MissingPathParamError(XeroNbError, ValueError):
    """A URL template still has a ``{param}`` that no value was given for."""

    code = "missing_path_param"


class TokenSource(Protocol):
    """What XeroClient needs from an auth object (xero_nb.auth.flow.XeroAuth fits)."""

    def token(self) -> Token: ...

    def refresh(self) -> Token: ...


class Gate(Protocol):
    """A limiter wrapped around each attempt (the probe's per-tenant limiter)."""

    async def acquire(self) -> None: ...

    def release(self, status: int, limits: RateLimits) -> None: ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to try again: 429 by its kind and Retry-After; 5xx and dropped connections for GETs."""

    max_attempts: int = 4
    backoff: float = 0.5  # seconds before the 2nd attempt; doubles each time
    max_backoff: float = 30.0
    max_wait: float = 300.0  # a longer Retry-After is reported, not slept through

    def delay(self, method: str, attempt: int, status: int, limits: RateLimits,
              error: str | None) -> tuple[float | None, str]:
        """Seconds to wait before the next attempt (None: stop) and why."""
        if status and (status < 500 and status != 429):
            return None, ""
        if method.upper() in WRITE_METHODS:
            return None, "writes are never retried"
        if attempt >= self.max_attempts:
            return None, f"gave up after {attempt} attempts"
        backoff = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        if error is not None:
            return backoff, error.split(":", 1)[0]
        server = self.server_wait(limits)
        wait = server if server is not None else backoff
        if status == 429:
            if limits.problem == "day":
                return None, "day limit reached: retrying would take hours"
            if wait > self.max_wait:
                return None, f"Retry-After {wait:.0f}s is longer than max_wait"
            return wait, f"429 {limits.problem or 'rate limit'}"
        return min(wait, self.max_wait), str(status)

    @staticmethod
    def server_wait(limits: RateLimits) -> float | None:
        """The server's Retry-After when it is a usable wait (finite, not negative), else None."""
        wait = limits.retry_after
        return wait if wait is not None and math.isfinite(wait) and wait >= 0 else None

    def capped(self, limits: RateLimits) -> RateLimits:
        """``limits`` with Retry-After cut to ``max_wait``: the longest a limiter may hold off."""
        wait = self.server_wait(limits)
        return replace(limits, retry_after=None if wait is None else min(wait, self.max_wait))


@dataclass(frozen=True, slots=True)
class Step:
    """The decision after one attempt."""

    action: str  # "stop", "wait", "refresh" (then resend), "refresh_stop" (refresh, keep result)
    wait: float = 0.0
    why: str = ""


def next_step(policy: RetryPolicy, method: str, attempt: int, status: int, text: str,
              limits: RateLimits, error: str | None, can_refresh: bool,
              refreshed: bool) -> Step:
    """Decide what follows an attempt; a write is never sent twice."""
    if status == 401 and "TokenExpired" in text:
        if refreshed:
            return Step("stop", why="token still expired after a refresh")
        if not can_refresh:
            return Step("stop", why="token expired and no auth object to refresh it")
        if method.upper() in WRITE_METHODS:
            return Step("refresh_stop", why="writes are never retried: token refreshed, send again")
        return Step("refresh", why="TokenExpired: refreshed")
    wait, why = policy.delay(method, attempt, status, limits, error)
    return Step("stop", why=why) if wait is None else Step("wait", wait, why)


def fill(url: str, params: Mapping[str, Any]) -> str:
    """Put path parameter values into ``{name}`` placeholders (names case-insensitive)."""
    lowered = {k.lower(): v for k, v in params.items()}
    missing: list[str] = []

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.lower() not in lowered:
            missing.append(name)
            return match.group(0)
        return quote(str(lowered[name.lower()]), safe="")

    filled = _PLACEHOLDER.sub(sub, url)
    if missing:
        raise MissingPathParamError(f"no value for path parameter(s) {', '.join(missing)} "
                                    f"in {url}; pass path_params={{...}}")
    return filled
