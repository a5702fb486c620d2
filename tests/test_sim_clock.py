"""One clock: Retry-After is in the simulator's seconds, so waiting on its clock gets through."""

from __future__ import annotations

import asyncio

from xero_nb.client import XeroClient
from xero_nb.simulator import XeroSimulator
from xero_nb.simulator.clock import SimClock


def _client(sim: XeroSimulator, waits: list[float]) -> XeroClient:
    def sleep(seconds: float) -> None:
        waits.append(seconds)
        sim.clock.sleep(seconds)

    async def asleep(seconds: float) -> None:
        waits.append(seconds)
        await sim.clock.asleep(seconds)

    return XeroClient(token=sim.issue_token(scopes=["accounting.settings.read"]),
                      transport=sim.transport(), tenant_id=sim.tenant("AU").tenant_id,
                      sleep=sleep, asleep=asleep, clock=sim.clock)


def test_a_429_on_scaled_time_is_waited_out_on_the_simulators_clock() -> None:
    sim = XeroSimulator(time_scale=600)  # a Xero minute passes in a tenth of a real second
    sim.limits.per_minute = 3
    waits: list[float] = []
    c = _client(sim, waits)
    results = [c.call("/Organisation") for _ in range(4)]
    assert [r.status for r in results] == [200, 200, 200, 200]
    assert results[-1].retries == ("429 minute",)  # one wait was enough
    # the wait was the rest of the simulated minute, not its wall-clock share (0.1 s)
    assert len(waits) == 1 and 30 <= waits[0] <= 60
    refused = sim.calls[-2][1]
    assert refused.status_code == 429 and float(refused.headers["Retry-After"]) == waits[0]


def test_the_async_client_recovers_the_same_way() -> None:
    sim = XeroSimulator(time_scale=600)
    sim.limits.per_minute = 2
    waits: list[float] = []
    c = _client(sim, waits)

    async def run() -> list[int]:
        return [(await c.acall("/Organisation")).status for _ in range(3)]

    assert asyncio.run(run()) == [200, 200, 200] and len(waits) == 1 and waits[0] >= 30


def test_sleep_on_a_given_clock_advances_it() -> None:
    now = [1_800_000_000.0]
    clock = SimClock(lambda: now[0], time_scale=60)
    clock.sleep(90)
    assert clock() == 1_800_000_090.0
    asyncio.run(clock.asleep(10))
    assert clock() == 1_800_000_100.0
    clock.sleep(-5)  # nothing to wait for
    assert clock() == 1_800_000_100.0
