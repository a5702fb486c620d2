"""Xero's rate limits: per connection (app x tenant) per minute and day, per app per minute."""

from __future__ import annotations

import math
from collections import deque
from typing import NamedTuple

from xero_nb import facts
from xero_nb.simulator.clock import SimClock

MINUTE = 60.0
DAY = 86400.0


class LimitVerdict(NamedTuple):
    """The remaining quotas after this call, and the problem if it was refused."""

    headers: dict[str, str]
    problem: str | None = None  # "minute", "day", "appminute", "concurrent"
    retry_after: int = 0


def _purge(window: deque[float], now: float, span: float) -> None:
    edge = now - span
    while window and window[0] <= edge:
        window.popleft()


class RateLimits:
    """Sliding-window counters; ``enabled=False`` lets everything through without headers."""

    def __init__(self, clock: SimClock, enabled: bool = True) -> None:
        self.clock = clock
        self.enabled = enabled
        self.concurrent = facts.TENANT_CONCURRENT
        self.per_minute = facts.TENANT_PER_MINUTE
        self.app_per_minute = facts.APP_PER_MINUTE
        self._minute: dict[tuple[str, str], deque[float]] = {}
        self._day: dict[tuple[str, str], deque[float]] = {}
        self._app: dict[str, deque[float]] = {}
        self._inflight: dict[tuple[str, str], int] = {}

    def day_quota(self, tier: str) -> int:
        """5,000 a day per tenant, 1,000 on the Starter tier."""
        return facts.TENANT_PER_DAY_STARTER if tier == "starter" else facts.TENANT_PER_DAY

    def enter(self, key: tuple[str, str]) -> bool:
        """Admit a call to this connection; False when 5 are already in flight."""
        n = self._inflight.get(key, 0)
        if n >= self.concurrent:
            return False
        self._inflight[key] = n + 1
        return True

    def leave(self, key: tuple[str, str]) -> None:
        """A call to this connection finished."""
        n = self._inflight.get(key, 0) - 1
        if n > 0:
            self._inflight[key] = n
        else:
            self._inflight.pop(key, None)

    def _retry(self, window: deque[float], span: float, now: float) -> int:
        """Seconds on the simulator's clock until the window frees a call (one clock: a client
        sleeping this long on ``SimClock.sleep`` gets through, whatever the time scale)."""
        wait = window[0] + span - now if window else 1.0
        return max(1, math.ceil(max(wait, 0.0)))

    def check(self, client_id: str, tenant_id: str, tier: str, now: float,
              busy: bool = False) -> LimitVerdict | None:
        """Count one call (unless refused) and say what remains; None when limits are off.

        ``busy``: the call arrived while the connection already had 5 calls in flight.
        """
        if not self.enabled:
            return None
        key = (client_id, tenant_id)
        minute = self._minute.get(key)
        if minute is None:
            minute = self._minute[key] = deque()
            self._day[key] = deque()
        day = self._day[key]
        app = self._app.get(client_id)
        if app is None:
            app = self._app[client_id] = deque()
        if minute and minute[0] <= now - MINUTE:
            _purge(minute, now, MINUTE)
        if day and day[0] <= now - DAY:
            _purge(day, now, DAY)
        if app and app[0] <= now - MINUTE:
            _purge(app, now, MINUTE)
        quota = self.day_quota(tier)
        if busy:
            problem, retry = "concurrent", 1
        elif len(day) >= quota:
            problem, retry = "day", self._retry(day, DAY, now)
        elif len(app) >= self.app_per_minute:
            problem, retry = "appminute", self._retry(app, MINUTE, now)
        elif len(minute) >= self.per_minute:
            problem, retry = "minute", self._retry(minute, MINUTE, now)
        else:
            minute.append(now)
            day.append(now)
            app.append(now)
            return LimitVerdict(self._left(quota, day, minute, app))
        headers = self._left(quota, day, minute, app)
        headers["X-Rate-Limit-Problem"] = problem
        headers["Retry-After"] = str(retry)
        return LimitVerdict(headers, problem, retry)

    def _left(self, quota: int, day: deque[float], minute: deque[float],
              app: deque[float]) -> dict[str, str]:
        """The three quotas left, as Xero's headers spell them (never below 0)."""
        left_day, left_minute = quota - len(day), self.per_minute - len(minute)
        left_app = self.app_per_minute - len(app)
        return {"X-DayLimit-Remaining": str(left_day if left_day > 0 else 0),
                "X-MinLimit-Remaining": str(left_minute if left_minute > 0 else 0),
                "X-AppMinLimit-Remaining": str(left_app if left_app > 0 else 0)}

    def peek(self, client_id: str, tenant_id: str | None, tier: str, now: float) -> dict[str, str]:
        """The remaining quotas without counting a call (for answers the limiter never saw).

        ``tenant_id=None``: no connection is known, so only the app-wide header is given.
        """
        if not self.enabled:
            return {}
        app = self._app.get(client_id, deque())
        _purge(app, now, MINUTE)
        headers = {"X-AppMinLimit-Remaining": str(max(0, self.app_per_minute - len(app)))}
        if tenant_id is not None:
            key = (client_id, tenant_id)
            minute = self._minute.get(key, deque())
            day = self._day.get(key, deque())
            _purge(minute, now, MINUTE)
            _purge(day, now, DAY)
            headers["X-DayLimit-Remaining"] = str(max(0, self.day_quota(tier) - len(day)))
            headers["X-MinLimit-Remaining"] = str(max(0, self.per_minute - len(minute)))
        return headers

    def reset(self) -> None:
        """Forget every count (a new day for everyone)."""
        self._minute.clear()
        self._day.clear()
        self._app.clear()
