"""The probe limiter's edges its main tests (tests/test_probe_engine.py) left open, found by
mutation testing: the scaled clock and sleep a real probe runs on, the virtual loop's jumps, and
the windows' bookkeeping when the server reports calls we did not make. Everything on fake or
simulated time."""

from __future__ import annotations

import asyncio
import math
import threading

import pytest

from xero_nb.client.result import RateLimits
from xero_nb.probe import limits as limits_module
from xero_nb.probe.limits import (
    Limits,
    TenantGate,
    VirtualLoop,
    Window,
    run_virtual,
    scaled_clock,
    scaled_sleep,
)


class FakeTime:
    """A clock that only sleeping moves forward; every sleep is recorded."""

    def __init__(self, t: float = 0.0) -> None:
        self.t = t
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += max(0.0, seconds)
        await asyncio.sleep(0)


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


# -- the real clock, scaled -----------------------------------------------------------------

def test_a_scaled_clock_starts_at_zero_and_runs_time_scale_times_faster(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [500.0]
    monkeypatch.setattr(limits_module.time, "monotonic", lambda: now[0])
    fast, plain = scaled_clock(60.0), scaled_clock()
    assert fast() == 0.0 and plain() == 0.0
    now[0] = 502.5
    assert fast() == 150.0 and plain() == 2.5


def test_a_scaled_sleep_sleeps_the_real_share_and_never_a_negative_time(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(limits_module.asyncio, "sleep", record)
    fast, plain = scaled_sleep(60.0), scaled_sleep()

    async def main() -> None:
        await fast(120.0)
        await fast(-5.0)
        await plain(1.5)

    asyncio.run(main())
    assert slept == [2.0, 0.0, 1.5]


# -- the virtual loop ---------------------------------------------------------------------------

def test_the_virtual_clock_starts_where_asked_and_jumps_just_past_each_timer() -> None:
    seen: list[float] = []

    async def main() -> float:
        loop = asyncio.get_running_loop()
        seen.append(loop.time())
        await asyncio.sleep(60)
        seen.append(loop.time())
        await asyncio.sleep(0.5)
        seen.append(loop.time())
        return loop.time()

    assert run_virtual(main(), start=1_800_000_000.0) == seen[-1]
    start = 1_800_000_000.0
    assert seen[0] == start
    # just past each due time (one float step), never before it and never a whole tick later
    assert start + 60 <= seen[1] <= math.nextafter(math.nextafter(start + 60, math.inf), math.inf)
    assert seen[1] + 0.5 <= seen[2] <= seen[1] + 0.5 + 1e-6

    async def now() -> float:
        return asyncio.get_running_loop().time()

    assert run_virtual(now()) == 0.0  # start 0 by default
    loop = VirtualLoop()
    try:
        assert loop.time() == 0.0
    finally:
        loop.close()


def test_with_no_timer_pending_the_virtual_loop_waits_for_another_thread() -> None:
    """Nothing scheduled: the loop blocks on its selector until a thread wakes it, and the clock
    does not move meanwhile (it jumps only to timers)."""

    async def main() -> tuple[str, float, float]:
        loop = asyncio.get_running_loop()
        before = loop.time()
        done: asyncio.Future[str] = loop.create_future()
        threading.Thread(target=lambda: loop.call_soon_threadsafe(done.set_result, "woken")).start()
        return await done, before, loop.time()

    woken, before, after = run_virtual(main(), start=42.0)
    assert (woken, before, after) == ("woken", 42.0, 42.0)


def test_ready_work_runs_before_any_jump() -> None:
    order: list[tuple[str, float]] = []

    async def ticker(name: str, n: int) -> None:
        loop = asyncio.get_running_loop()
        for _ in range(n):
            order.append((name, loop.time()))
            await asyncio.sleep(0)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        later = loop.create_task(asyncio.sleep(10))
        await asyncio.gather(ticker("a", 3), ticker("b", 3))
        await later
        order.append(("end", loop.time()))

    run_virtual(main(), start=0.0)
    assert [t for _, t in order[:-1]] == [0.0] * 6  # all the ready work at t=0
    assert order[-1][0] == "end" and 10.0 <= order[-1][1] < 10.0 + 1e-9


# -- calls the server counted and we did not make ----------------------------------------------

@pytest.mark.anyio
async def test_the_servers_remaining_count_holds_exactly_the_calls_we_did_not_see() -> None:
    fake = FakeTime()
    w = Window(10, 60.0, 100, fake.clock, fake.sleep)
    await w.acquire()
    w.release(remaining=6)  # the server counted 4 this minute: ours and 3 made elsewhere
    for _ in range(6):
        await w.acquire()
    assert fake.clock() == 0.0 and w.inflight == 6 and len(w.finished) == 4
    await w.acquire()  # the 11th of the minute waits for the first to leave it
    assert fake.clock() == 60.0


@pytest.mark.anyio
async def test_a_remaining_count_above_what_we_expect_holds_nothing_extra() -> None:
    fake = FakeTime()
    w = Window(10, 60.0, 100, fake.clock, fake.sleep)
    await w.acquire()
    w.release(remaining=50)  # another limit's count, or a new window at the server: no harm
    assert list(w.finished) == [0.0]
    for _ in range(9):
        await w.acquire()
    assert fake.clock() == 0.0


@pytest.mark.anyio
async def test_unseen_calls_leave_the_window_when_the_servers_retry_after_ends() -> None:
    fake = FakeTime(100.0)
    w = Window(10, 60.0, 100, fake.clock, fake.sleep)
    await w.acquire()
    w.release(remaining=0, retry_after=20.0)  # the server's window ends in 20 s, not 60
    assert w.blocked_until == 120.0
    await w.acquire()
    assert fake.clock() == 120.0
    # at 120 s only our own call (ended at 100 s) is still in the window: 9 may start
    for _ in range(8):
        await w.acquire()
    assert fake.clock() == 120.0
    await w.acquire()  # the 11th: when our call leaves, a minute after it ended
    assert fake.clock() == 160.0
    assert list(w.finished) == []


@pytest.mark.anyio
async def test_a_longer_retry_after_blocks_from_when_it_came_and_keeps_the_longest() -> None:
    fake = FakeTime(10.0)
    w = Window(10, 60.0, 100, fake.clock, fake.sleep)
    await w.acquire()
    await w.acquire()
    w.release(retry_after=90.0)
    fake.t = 20.0
    w.release(retry_after=5.0)  # a shorter one later does not cut the first short
    assert w.blocked_until == 100.0
    assert w.opens(20.0) == 100.0 and w.opens(100.0) == 100.0
    await w.acquire()
    assert fake.clock() == 100.0 and fake.slept == [80.0]


@pytest.mark.anyio
async def test_opens_and_the_window_count_calls_not_seconds() -> None:
    fake = FakeTime()
    w = Window(3, 60.0, 2, fake.clock, fake.sleep)
    assert w.opens(0.0) == 0.0
    await w.acquire()
    w.release()
    fake.t = 10.0
    await w.acquire()
    w.release()
    fake.t = 20.0
    await w.acquire()
    w.release()
    assert w.opens(20.0) == 60.0  # full: the first call leaves at 0 + 60
    assert w.opens(60.0) == 60.0 and w.opens(65.0) == 65.0 and w.opens(70.0) == 70.0
    assert list(w.finished) == [20.0] and w.started == 3  # opens() forgot the calls that left


@pytest.mark.anyio
async def test_a_full_concurrency_waits_for_a_release_not_a_timer() -> None:
    fake = FakeTime()
    w = Window(100, 60.0, 2, fake.clock, fake.sleep)
    await w.acquire()
    await w.acquire()
    assert w.opens(0.0) == 0.0  # the minute has room: opens() leaves calls in flight aside
    third = asyncio.ensure_future(w.acquire())
    await settle()
    assert not third.done() and fake.slept == []  # waiting on the condition, not sleeping
    fake.t = 3.0
    w.release()
    await third
    assert fake.clock() == 3.0 and w.inflight == 2 and w.started == 3


# -- the gate of one tenant inside the app's window ---------------------------------------------

@pytest.mark.anyio
async def test_a_call_cancelled_while_waiting_for_the_app_gives_its_tenant_slot_back() -> None:
    fake = FakeTime()
    app = Window(1, 60.0, math.inf, fake.clock, fake.sleep)
    gate = TenantGate(Window(5, 60.0, 5, fake.clock, fake.sleep), app)
    await gate.acquire()
    assert (gate.tenant.inflight, app.inflight) == (1, 1)

    async def never(_: float) -> None:
        await asyncio.Event().wait()

    app.sleep = never  # the app's window is full for a minute: the next call waits there
    waiting = asyncio.ensure_future(gate.acquire())
    await settle()
    assert gate.tenant.inflight == 2 and not waiting.done()
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert gate.tenant.inflight == 1 and app.inflight == 1  # the slot is free again


def test_with_no_tenant_yet_the_next_call_may_start_now_and_nothing_was_rate_limited() -> None:
    fake = FakeTime(7.5)
    limits = Limits(fake.clock, fake.sleep)
    assert limits.next_call_at() == 7.5 and limits.rate_limited == 0
    gate = limits.gate("t")
    assert limits.gate("t") is gate and limits.gate("u") is not gate
    assert gate.app is limits.app and limits.gate("u").app is limits.app
    assert (gate.tenant.limit, gate.tenant.concurrent, gate.tenant.period) == (60, 5, 60.0)
    assert (limits.app.limit, limits.app.concurrent) == (10_000, math.inf)


@pytest.mark.anyio
async def test_next_call_at_is_the_slowest_tenants_window() -> None:
    fake = FakeTime()
    limits = Limits(fake.clock, fake.sleep, per_minute=2, app_per_minute=100)
    a, b = limits.gate("a"), limits.gate("b")
    for _ in range(2):
        await a.acquire()
        a.release(200, RateLimits())
    await b.acquire()
    b.release(200, RateLimits())
    fake.t = 30.0
    assert limits.next_call_at() == 60.0  # a is full until its first call leaves; b is open
    b.tenant.blocked_until = 90.0
    assert limits.next_call_at() == 90.0
