"""Probe engine: limiter windows, throughput without 429s, faults, cancel, the sync facade.

Everything timed runs on simulated time (``VirtualLoop``): the simulator, the client and the
probe share the loop's clock, so the schedules asserted here are the same on any machine.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from xero_nb.client.call import XeroClient
from xero_nb.facts import TENANT_CONCURRENT, TENANT_PER_MINUTE
from xero_nb.http import AsyncBaseTransport, MockTransport, Request, Response
from xero_nb.probe.engine import ProbeReport, aprobe, probe
from xero_nb.probe.limits import Window, run_virtual
from xero_nb.probe.plan import plan_probes
from xero_nb.simulator import XeroSimulator

T0 = 1_800_000_000.0  # the simulated clock's start (epoch seconds, as the simulator keeps them)


class FakeTime:
    """A clock that only sleeping moves forward (no real waiting)."""

    def __init__(self) -> None:
        self.t = 0.0

    def clock(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += max(0.0, seconds)
        await asyncio.sleep(0)


async def _hammer(window: Window, fake: FakeTime, n: int, duration: float) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    active = [0, 0]  # now, max

    async def one() -> None:
        await window.acquire()
        start = fake.clock()
        active[0] += 1
        active[1] = max(active)
        fake.t += duration  # the call takes this long
        await asyncio.sleep(0)
        active[0] -= 1
        spans.append((start, fake.clock()))
        window.release()

    await asyncio.gather(*(one() for _ in range(n)))
    assert active[1] <= window.concurrent
    return spans


@pytest.mark.anyio
async def test_window_never_lets_61_calls_into_a_minute() -> None:
    fake = FakeTime()
    w = Window(60, 60.0, 5, fake.clock, fake.sleep)
    spans = await _hammer(w, fake, 200, 0.05)
    starts = sorted(s for s, _ in spans)
    ends = sorted(e for _, e in spans)
    # A call counts from its start until a minute after it ends: no 61 in any window.
    for k in range(60, len(starts)):
        assert starts[k] >= ends[k - 60] + 60.0 - 1e-9
    assert starts[-1] < 4 * 60.0 + 10  # and no slower than the limit needs


@pytest.mark.anyio
async def test_server_remaining_and_retry_after_hold_the_window() -> None:
    fake = FakeTime()
    w = Window(60, 60.0, 5, fake.clock, fake.sleep)
    await w.acquire()
    w.release(remaining=0)  # someone else used this tenant's minute
    await w.acquire()
    assert fake.clock() >= 60.0
    w.release(retry_after=30.0)
    t = fake.clock()
    await w.acquire()
    assert fake.clock() >= t + 30.0


async def _settle() -> None:
    """Let every task that can run, run (the fake clock does not move)."""
    for _ in range(20):
        await asyncio.sleep(0)


@pytest.mark.anyio
async def test_calls_in_flight_count_against_the_minute() -> None:
    # 57 calls finished and 3 still in flight fill the minute: a 61st must wait, although only
    # 3 of the 5 concurrent slots are taken and only 57 calls have finished.
    fake = FakeTime()
    w = Window(60, 60.0, 5, fake.clock, fake.sleep)
    for _ in range(57):
        await w.acquire()
        w.release()
    for _ in range(3):
        await w.acquire()
    assert w.inflight == 3 and fake.clock() == 0.0
    assert w.opens(0.0) == 60.0  # the earliest finished call leaves the window at 60 s
    await w.acquire()  # FakeTime's sleep moves the clock to when the 61st may start
    assert fake.clock() >= 60.0, "a 61st call started inside the minute"
    assert w.started == 61 and w.inflight == 4


@pytest.mark.anyio
async def test_calls_that_ended_exactly_a_minute_ago_leave_the_window() -> None:
    fake = FakeTime()
    w = Window(2, 60.0, 5, fake.clock, fake.sleep)
    for _ in range(2):
        await w.acquire()
        w.release()
    fake.t = 60.0  # both left the window this instant: two may start, not a third
    await w.acquire()
    await w.acquire()
    assert fake.clock() == 60.0
    third = asyncio.ensure_future(w.acquire())
    await _settle()
    assert not third.done(), "a third call started while two were in flight in a window of two"
    assert w.opens(60.0) == 60.0  # full by calls in flight: opens() leaves those aside
    fake.t = 61.0
    w.release()
    await third
    assert fake.clock() == 121.0


@pytest.mark.anyio
@pytest.mark.parametrize("retry_after", [0.5, 30.0])
async def test_retry_after_holds_exactly_that_long_from_when_it_came(retry_after: float) -> None:
    fake = FakeTime()
    w = Window(60, 60.0, 5, fake.clock, fake.sleep)
    fake.t = 10.0
    await w.acquire()
    w.release(retry_after=retry_after)
    await w.acquire()
    assert fake.clock() == 10.0 + retry_after


@pytest.mark.anyio
async def test_a_call_in_flight_is_counted_until_a_minute_after_it_ends() -> None:
    fake = FakeTime()
    w = Window(2, 60.0, 5, fake.clock, fake.sleep)
    await w.acquire()
    await w.acquire()  # two in flight, nothing finished: the window is full
    third = asyncio.ensure_future(w.acquire())
    await _settle()
    assert not third.done()
    fake.t = 10.0
    w.release()  # one ends at 10 s: it still counts until 70 s
    await third
    assert fake.clock() >= 70.0


@pytest.mark.anyio
@pytest.mark.parametrize(("problem", "held"), [("minute", "tenant"), (None, "tenant"),
                                               ("appminute", "app")])
async def test_a_429s_retry_after_holds_the_window_it_names(problem: str | None, held: str) -> None:
    from xero_nb.client.result import RateLimits
    from xero_nb.probe.limits import Limits

    fake = FakeTime()
    limits = Limits(fake.clock, fake.sleep)
    gate, other = limits.gate("tenant-a"), limits.gate("tenant-b")
    assert gate.day_exhausted is False and gate.rate_limited == 0
    await gate.acquire()
    gate.release(429, RateLimits(problem=problem, retry_after=30.0))
    assert gate.rate_limited == 1 and gate.day_exhausted is False
    assert limits.next_call_at() == 30.0
    await gate.acquire()  # this tenant waits out the Retry-After whichever window holds it
    assert fake.clock() >= 30.0
    gate.release(200, RateLimits())
    # an app-wide 429 holds every tenant; a tenant's 429 holds that tenant only
    t = fake.clock()
    await gate.acquire()
    gate.release(429, RateLimits(problem=problem, retry_after=45.0))
    await other.acquire()
    assert (fake.clock() >= t + 45.0) == (held == "app")


@pytest.mark.anyio
async def test_a_day_429_marks_the_tenant_exhausted_and_a_200_does_not_hold() -> None:
    from xero_nb.client.result import RateLimits
    from xero_nb.probe.limits import Limits

    fake = FakeTime()
    limits = Limits(fake.clock, fake.sleep)
    gate = limits.gate("t")
    await gate.acquire()
    gate.release(200, RateLimits(retry_after=500.0))  # Retry-After on a success is not a hold
    await gate.acquire()
    assert fake.clock() == 0.0 and not gate.day_exhausted
    gate.release(429, RateLimits(problem="day", retry_after=3600.0))
    assert gate.day_exhausted and limits.rate_limited == 1
    await gate.acquire()
    gate.release(429, RateLimits(problem="minute", retry_after=1.0))
    assert gate.rate_limited == 2 and limits.rate_limited == 2


@pytest.mark.anyio
@pytest.mark.parametrize("which", ["tenant", "app"])
async def test_the_servers_remaining_count_holds_the_window_it_counts(which: str) -> None:
    from xero_nb.client.result import RateLimits
    from xero_nb.probe.limits import Limits

    fake = FakeTime()
    limits = Limits(fake.clock, fake.sleep, app_per_minute=100)
    gate, other = limits.gate("a"), limits.gate("b")
    await gate.acquire()
    # another process used up the rest of this minute: only the server's count shows it
    gate.release(200, RateLimits(minute_remaining=0) if which == "tenant"
                 else RateLimits(app_minute_remaining=0))
    await other.acquire()
    assert fake.clock() == (60.0 if which == "app" else 0.0)
    await gate.acquire()
    assert fake.clock() == 60.0


@dataclass
class Traced(AsyncBaseTransport):
    """Wraps the simulator's transport and records every request's tenant and span."""

    inner: AsyncBaseTransport
    clock: Callable[[], float]
    spans: list[tuple[str, float, float]] = field(default_factory=list)  # tenant, start, end
    order: list[str] = field(default_factory=list)  # tenant of each request, as they start
    inflight: Counter[str] = field(default_factory=Counter)
    most_per_tenant: int = 0
    most_in_all: int = 0

    async def handle_async_request(self, request: Request) -> Response:
        tenant = request.headers.get("xero-tenant-id", "")
        start = self.clock()
        self.order.append(tenant)
        self.inflight[tenant] += 1
        self.most_per_tenant = max(self.most_per_tenant, self.inflight[tenant])
        self.most_in_all = max(self.most_in_all, sum(self.inflight.values()))
        try:
            return await self.inner.handle_async_request(request)
        finally:
            self.inflight[tenant] -= 1
            self.spans.append((tenant, start, self.clock()))


def _run_virtual(tenants: int, calls: int, latency: float = 0.0) -> tuple[ProbeReport, Traced]:
    """``calls`` cheap GETs per tenant, each taking ``latency`` simulated seconds, through the
    probe under Xero's limits, all on one simulated clock (no real waiting)."""

    async def main() -> tuple[ProbeReport, Traced]:
        clock = asyncio.get_running_loop().time
        sim = XeroSimulator(clock=clock)
        sim.record_calls = False  # long runs: keep memory flat
        if latency:
            sim.faults.add("latency", seconds=latency)
        traced = Traced(sim.transport(), clock)
        client = XeroClient(token=sim.issue_token(scopes=["accounting.settings.read"]),
                            transport=traced, clock=clock)
        target = plan_probes("accounting.settings.read")[0]
        report = await aprobe(client, sim.tenants[:tenants], targets=[target] * calls,
                              clock=clock)
        return report, traced

    return run_virtual(main(), start=T0)


def test_virtual_loop_jumps_to_each_timer_in_turn() -> None:
    woke: list[tuple[int, float]] = []

    async def nap(seconds: int) -> None:
        await asyncio.sleep(seconds)
        woke.append((seconds, asyncio.get_running_loop().time() - T0))

    async def main() -> float:
        await asyncio.gather(nap(5), nap(1), nap(60), nap(3))
        return asyncio.get_running_loop().time() - T0

    total = run_virtual(main(), start=T0)
    assert [s for s, _ in woke] == [1, 3, 5, 60]
    for seconds, at in woke:
        assert at == pytest.approx(seconds, abs=1e-6)
    assert total == pytest.approx(60, abs=1e-6)  # sleeps side by side: the longest, not the sum


def test_throughput_at_the_ceiling_without_429() -> None:
    report, traced = _run_virtual(1, 120, latency=0.25)  # two full windows
    assert report.rate_limited == 0 and report.calls == 120
    assert all(r.verdict == "match" for r in report.results)
    assert traced.most_per_tenant == TENANT_CONCURRENT  # five at once, never six
    # On simulated time the limiter's schedule is exact: >= 90% of Xero's ceiling. (The same
    # goal on the real clock, where the machine's speed counts too, is benchmarks/bench_probe.py.)
    assert report.calls_per_minute >= 0.9 * TENANT_PER_MINUTE, report.calls_per_minute


def test_probe_rate_is_timed_from_the_probe_start() -> None:
    # 120 calls of 1 s each, 5 at a time: the first minute's 60 finish at 1, 2, ..., 12 s; the
    # second minute's start a minute after the first ones finished (61..72 s) and end at
    # 62..73 s, so the limiter would let call 121 start at 62 + 60 = 122 s.
    report, traced = _run_virtual(1, 120, latency=1.0)
    assert report.rate_limited == 0 and report.calls == 120
    assert report.started == T0  # the clock at the probe's start, before any call
    first_finished = min(end for _, _, end in traced.spans)
    assert first_finished == pytest.approx(T0 + 1.0, abs=1e-5)
    assert report.next_call_at == pytest.approx(T0 + 122.0, abs=1e-5)
    # Timed from the start: 120 calls in 122 s. Timed from the first finished call (as the
    # benchmark did) it would read 120 in 121 s, hiding the first call's latency.
    assert report.calls_per_minute == pytest.approx(120 / 122 * 60, rel=1e-6)
    assert report.calls_per_minute != pytest.approx(120 / 121 * 60, rel=1e-4)


def test_tenants_run_in_parallel() -> None:
    single, one = _run_virtual(1, 120, latency=0.3)
    many, four = _run_virtual(4, 120, latency=0.3)
    assert single.rate_limited == 0 and many.rate_limited == 0 and len(many.results) == 480
    assert {t for t, _, _ in four.spans} == {t.tenant_id for t in many.tenants}
    # Overlap, counted: one tenant never has more than 5 calls in flight, so more than 5 at
    # once means several tenants' calls were in flight together.
    assert one.most_per_tenant == four.most_per_tenant == TENANT_CONCURRENT
    assert four.most_in_all > TENANT_CONCURRENT, four.most_in_all
    # Interleaved from the start: the first 20 requests already reach all four tenants.
    assert len(set(four.order[:20])) == 4, four.order[:20]
    # And on the shared simulated clock four tenants take one tenant's time (serial: four times).
    assert many.elapsed == pytest.approx(single.elapsed, rel=0.01), (single.elapsed, many.elapsed)
    assert many.calls_per_minute == pytest.approx(4 * single.calls_per_minute, rel=0.01)


def test_probe_under_ten_percent_faults_accounts_for_everything(sim_nolimits: XeroSimulator) -> None:
    sim = sim_nolimits
    for kind, share in (("500", 0.03), ("503", 0.03), ("drop", 0.03), ("truncate", 0.01)):
        sim.faults.add(kind, share=share)
    tok = sim.issue_token(scopes=["accounting.settings.read", "accounting.contacts.read"])
    client = XeroClient(token=tok, transport=sim.transport())
    targets = plan_probes("accounting.settings.read accounting.contacts.read") * 100

    async def no_wait(_: float) -> None:
        await asyncio.sleep(0)

    report = probe(client, sim.tenants, targets=targets, sleep=no_wait,
                   per_minute=10**6, app_per_minute=10**7)
    assert len(report.results) == 1000
    verdicts = {r.verdict for r in report.results}
    assert verdicts <= {"match", "inconclusive"} and "match" in verdicts
    for r in report.results:
        assert r.call is not None
        if r.verdict == "inconclusive":
            assert r.cause == "error" and r.call.attempts == client.retry.max_attempts
    assert sum(r.call.attempts for r in report.results if r.call) > 1000  # faults were retried
    assert all(req.method == "GET" for req, _ in sim.calls)


def test_cancel_stops_cleanly_while_waiting_for_the_window() -> None:
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int, last: object) -> None:
        seen.append(done)
        if done == 10:  # the 11th call waits for the window to reopen, a minute away
            asyncio.get_running_loop().call_later(0.2, cancel.set)

    async def main() -> tuple[ProbeReport, XeroSimulator]:
        clock = asyncio.get_running_loop().time
        sim = XeroSimulator(clock=clock)
        client = XeroClient(token=sim.issue_token(scopes=["accounting.settings.read"]),
                            transport=sim.transport(), clock=clock)
        target = plan_probes("accounting.settings.read")[0]
        report = await aprobe(client, [sim.tenants[0]], targets=[target] * 40, per_minute=10,
                              progress=progress, cancel=cancel, clock=clock)
        return report, sim

    report, sim = run_virtual(main(), start=T0)
    # Stopped on the simulated clock just after the cancel (0.2 s plus one 0.02 s poll), not
    # when the window reopened a minute later.
    assert 0.2 <= report.elapsed < 0.3, report.elapsed
    assert report.next_call_at - report.started == pytest.approx(60.0, abs=1e-5)
    assert report.cancelled and len(report.results) == 40
    sent = [r for r in report.results if r.call is not None]
    assert len(sent) == 10 and all(r.verdict == "match" for r in sent)
    assert {r.verdict for r in report.results if r.call is None} == {"skipped"}
    assert len(sim.calls) == 10
    assert seen == list(range(1, 41))


def test_cancel_before_start_sends_nothing(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings.read"])
    cancel = threading.Event()
    cancel.set()
    report = probe(XeroClient(token=tok, transport=sim.transport()), sim.tenants, cancel=cancel)
    assert report.cancelled and report.results
    assert all(r.verdict == "skipped" for r in report.results)
    assert len(sim.calls) == 0


@pytest.mark.anyio
async def test_sync_facade_inside_a_running_loop(sim: XeroSimulator) -> None:
    asyncio.get_running_loop()  # as in Jupyter: a loop is already running here
    threads: set[str] = set()
    tok = sim.issue_token(scopes=["accounting.settings.read"])
    report = probe(XeroClient(token=tok, transport=sim.transport()),
                   progress=lambda d, t, r: threads.add(threading.current_thread().name))
    assert len(report.results) == len(sim.tenants)
    assert threads and all(n.startswith("xero-nb-probe") for n in threads)


@pytest.mark.anyio
async def test_async_engine_directly(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings.read"])
    report = await aprobe(XeroClient(token=tok, transport=sim.transport()))
    assert len(report.results) == len(sim.tenants) and report.calls == len(sim.tenants) + 1


def _limited_transport(problem: str, first: int) -> tuple[MockTransport, list[int]]:
    """Answers the first ``first`` API calls with a 429 of this kind, then 200s."""
    seen = [0]

    def handle(request: Request) -> Response:
        if request.url.path == "/connections":
            return Response(200, json=[{"id": "c", "tenantId": "t1", "tenantName": "Org"}])
        seen[0] += 1
        if seen[0] <= first:
            return Response(429, headers={"X-Rate-Limit-Problem": problem, "Retry-After": "5",
                                          "X-MinLimit-Remaining": "0"})
        return Response(200, json={"Organisations": [{"CountryCode": "NZ"}]},
                        headers={"X-MinLimit-Remaining": "50"})

    return MockTransport(handle), seen


def test_minute_429_waits_and_retries_within_the_probe() -> None:
    transport, _ = _limited_transport("minute", 1)

    async def main() -> ProbeReport:
        clock = asyncio.get_running_loop().time
        client = XeroClient(token={"access_token": "a" * 20, "scope": "accounting.settings.read"},
                            transport=transport, clock=clock)
        return await aprobe(client, clock=clock)

    report = run_virtual(main(), start=T0)
    (r,) = report.results
    assert r.verdict == "match" and r.call is not None and r.call.retries == ("429 minute",)
    assert report.rate_limited == 1 and report.calls == 3  # /connections, 429, 200
    assert report.elapsed >= 5.0, report.elapsed  # on the simulated clock: Retry-After was honoured


def test_day_429_stops_the_tenant_and_skips_the_rest() -> None:
    transport, seen = _limited_transport("day", 10**6)
    client = XeroClient(token={"access_token": "a" * 20, "scope": "accounting.settings.read"},
                        transport=transport)
    target = plan_probes("accounting.settings.read")[0]
    report = probe(client, targets=[target] * 30, concurrent=1)
    first = report.results[0]
    assert first.verdict == "inconclusive" and first.cause == "rate_limited"
    assert first.call is not None and "day limit" in (first.call.stopped or "")
    assert seen[0] == 1 and len(report.results) == 30
    assert all(r.verdict == "skipped" and "day limit" in r.reason for r in report.results[1:])


@pytest.mark.anyio
async def test_a_minute_429_with_nothing_remaining_waits_the_retry_after_not_a_minute() -> None:
    from xero_nb.client.result import RateLimits
    from xero_nb.probe.limits import Limits

    fake = FakeTime()
    limits = Limits(fake.clock, fake.sleep)
    gate = limits.gate("tenant-a")
    await gate.acquire()
    # Others on the connection spent the minute: Xero says none remain, retry in 5 seconds.
    gate.release(429, RateLimits(problem="minute", minute_remaining=0, retry_after=5.0))
    await gate.acquire()
    assert 5.0 <= fake.clock() < 60.0  # the server's window, not a full minute from now
    gate.release(200, RateLimits(minute_remaining=58))
