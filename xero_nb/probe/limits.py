"""Client-side rate limiting that keeps a probe under Xero's limits instead of meeting 429s.

Each window counts a call from when it starts until ``period`` after it *finishes*: the server
saw the call somewhere in between, so no ``period``-long stretch can hold more than ``limit``
calls as the server counts them, whatever the latency.
"""

from __future__ import annotations

import asyncio
import bisect
import math
import selectors
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from xero_nb.client.result import RateLimits
from xero_nb.facts import APP_PER_MINUTE, TENANT_CONCURRENT, TENANT_PER_MINUTE

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")


def scaled_clock(time_scale: float = 1.0) -> Clock:
    """A monotonic clock that runs ``time_scale`` times faster than real time."""
    start = time.monotonic()
    return lambda: (time.monotonic() - start) * time_scale


def scaled_sleep(time_scale: float = 1.0) -> Sleep:
    """``asyncio.sleep`` in scaled seconds."""
    async def sleep(seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / time_scale)

    return sleep


class _JumpingSelector(selectors.DefaultSelector):
    """A selector that, instead of blocking until a timer is due, moves its clock to that timer."""

    def __init__(self, start: float) -> None:
        super().__init__()
        self.now = start

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = super().select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None:  # no timer pending: only another thread can wake the loop
            return super().select(None)
        # One float step past the timer: the loop runs only timers due *before* its clock plus
        # a nanosecond, which adds nothing to an epoch-sized clock.
        self.now = math.nextafter(self.now + timeout, math.inf)
        return []


class VirtualLoop(asyncio.SelectorEventLoop):
    """An asyncio loop on simulated time: whenever nothing is ready to run, its clock jumps to
    the next timer, so ``asyncio.sleep(60)`` returns at once with ``loop.time()`` 60 s later.

    Timing becomes exact and independent of the machine: give ``loop.time`` to the simulator
    (``clock=``), the client and the probe (``clock=``) and a probe that spends four minutes
    under Xero's limits ends in milliseconds, with the same schedule on any computer. Only for
    work without real I/O (the simulator's in-process transport): a thread's or a socket's
    answer arrives in real time, by which point the clock may have jumped past its timers.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._jumping = _JumpingSelector(start)
        super().__init__(self._jumping)

    def time(self) -> float:
        return self._jumping.now


def run_virtual(main: Coroutine[Any, Any, T], start: float = 0.0) -> T:
    """``asyncio.run(main)`` on a fresh ``VirtualLoop`` whose clock starts at ``start``."""
    with asyncio.Runner(loop_factory=lambda: VirtualLoop(start)) as runner:
        return runner.run(main)


class Window:
    """At most ``limit`` calls per ``period`` and ``concurrent`` at once; honours Retry-After."""

    def __init__(self, limit: int, period: float, concurrent: float, clock: Clock,
                 sleep: Sleep) -> None:
        self.limit, self.period, self.concurrent = limit, period, concurrent
        self.clock, self.sleep = clock, sleep
        self.inflight = 0
        self.finished: deque[float] = deque()  # finish times still inside the window
        self.blocked_until = 0.0
        self.started = 0
        self._cond: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        # Created lazily so the window binds to the loop that actually runs the probe.
        if self._cond is None:
            self._cond = asyncio.Condition()
        return self._cond

    def _wait(self, now: float) -> float:
        while self.finished and self.finished[0] <= now - self.period:
            self.finished.popleft()
        if now < self.blocked_until:
            return self.blocked_until - now
        if self.inflight >= self.concurrent:
            return math.inf
        if self.inflight + len(self.finished) < self.limit:
            return 0.0
        return self.finished[0] + self.period - now if self.finished else math.inf

    def opens(self, now: float) -> float:
        """When (on the clock) this window would let one more call start (calls in flight aside)."""
        wait = self._wait(now)
        return now if math.isinf(wait) else now + wait

    async def acquire(self) -> None:
        """Wait until a call may start, then count it as in flight."""
        cond = self._condition()
        async with cond:
            while True:
                wait = self._wait(self.clock())
                if wait <= 0:
                    self.inflight += 1
                    self.started += 1
                    return
                if math.isinf(wait):
                    await cond.wait()
                    continue
                cond.release()
                try:
                    await self.sleep(wait)
                finally:
                    await cond.acquire()

    def release(self, remaining: int | None = None, retry_after: float | None = None) -> None:
        """Count a call as finished; trust the server's remaining count and Retry-After."""
        now = self.clock()
        self.inflight -= 1
        self.finished.append(now)
        if remaining is not None:
            # Calls made by others on the same connection (another process, another app
            # instance) appear only in the server's count: hold their slots too, until the
            # server's Retry-After when it names one (its window, not a full period from now).
            unseen = (self.limit - self.inflight - len(self.finished)) - remaining
            stamp = now if retry_after is None else min(now, now + retry_after - self.period)
            for _ in range(max(0, unseen)):
                bisect.insort(self.finished, stamp)  # kept in time order: the oldest is first
        if retry_after is not None:
            self.blocked_until = max(self.blocked_until, now + retry_after)
        cond = self._condition()

        async def wake() -> None:
            async with cond:
                cond.notify_all()

        asyncio.get_running_loop().create_task(wake())


class TenantGate:
    """The per-tenant window (5 at once, 60/min) inside the app-wide one (10,000/min)."""

    def __init__(self, tenant: Window, app: Window) -> None:
        self.tenant, self.app = tenant, app
        self.day_exhausted = False
        self.rate_limited = 0  # 429s seen (the probe aims for none)

    async def acquire(self) -> None:
        """Wait for both the tenant's and the app's window."""
        await self.tenant.acquire()
        try:
            await self.app.acquire()
        except BaseException:
            self.tenant.release()
            raise

    def release(self, status: int, limits: RateLimits) -> None:
        """Feed back what the server said about its limits."""
        wait = limits.retry_after if status == 429 else None
        if status == 429:
            self.rate_limited += 1
            if limits.problem == "day":
                self.day_exhausted = True
        app_wait = wait if status == 429 and limits.problem == "appminute" else None
        self.app.release(limits.app_minute_remaining, app_wait)
        self.tenant.release(limits.minute_remaining, wait if app_wait is None else None)


class Limits:
    """All windows of one probe run: one per tenant, one for the whole app."""

    def __init__(self, clock: Clock, sleep: Sleep, per_minute: int = TENANT_PER_MINUTE,
                 concurrent: int = TENANT_CONCURRENT, app_per_minute: int = APP_PER_MINUTE,
                 period: float = 60.0) -> None:
        self.clock, self.sleep = clock, sleep
        self.per_minute, self.concurrent, self.period = per_minute, concurrent, period
        self.app = Window(app_per_minute, period, math.inf, clock, sleep)
        self.gates: dict[str, TenantGate] = {}

    def gate(self, tenant_id: str) -> TenantGate:
        """The gate for one tenant (token-wide calls use the key "")."""
        if tenant_id not in self.gates:
            window = Window(self.per_minute, self.period, self.concurrent, self.clock, self.sleep)
            self.gates[tenant_id] = TenantGate(window, self.app)
        return self.gates[tenant_id]

    def next_call_at(self) -> float:
        """When the slowest tenant's limiter (its window or the app's) would let a call start."""
        now = self.clock()
        return max((max(g.tenant.opens(now), g.app.opens(now)) for g in self.gates.values()),
                   default=now)

    @property
    def rate_limited(self) -> int:
        """429s met across all tenants."""
        return sum(g.rate_limited for g in self.gates.values())
