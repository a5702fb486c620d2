"""Probe a token: what the scope rules predict beside what Xero actually answers, per tenant.

>>> report = probe(XeroClient(token=tok, transport=sim.transport()))   # doctest: +SKIP
>>> [(r.family, r.verdict, r.cause) for r in report.mismatches()]        # doctest: +SKIP
[('accounting.journals', 'mismatch', 'tier')]

GET only. A small async engine keeps each tenant under Xero's limits (5 at once, 60 a minute)
and the app under 10,000 a minute; tenants run in parallel. ``probe()`` also works inside a
running event loop (Jupyter): it then runs the engine on a worker thread with its own loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from xero_nb.client import XeroClient
from xero_nb.facts import APP_PER_MINUTE, TENANT_CONCURRENT, TENANT_PER_MINUTE
from xero_nb.models import Tenant
from xero_nb.probe_limits import Clock, Limits, Sleep, scaled_clock, scaled_sleep
from xero_nb.probe_plan import ProbeTarget, Unprobed, get_endpoint_count, infer_era, plan_with_gaps
from xero_nb.probe_verdict import ProbeResult, judge, skipped

__all__ = ["CancelToken", "ProbeReport", "ProbeResult", "aprobe", "probe"]

Progress = Callable[[int, int, ProbeResult], None]


class CancelToken(Protocol):
    """Anything with ``is_set()``: a ``threading.Event`` works (set it from any thread)."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class ProbeReport:
    """Every planned probe's result (skipped ones included), with what the run cost."""

    results: tuple[ProbeResult, ...]
    era: str
    granted: frozenset[str]
    tenants: tuple[Tenant, ...]
    unprobed: tuple[Unprobed, ...] = ()
    calls: int = 0  # HTTP requests sent, retries and /connections included
    get_endpoints: int = 0  # what one call per GET endpoint per tenant would cost, per tenant
    rate_limited: int = 0  # 429s met
    elapsed: float = 0.0  # seconds on the probe's clock
    cancelled: bool = False
    connections: Any = None  # the CallResult of GET /connections when the probe listed tenants

    def mismatches(self) -> list[ProbeResult]:
        """Results where Xero disagreed with the prediction."""
        return [r for r in self.results if r.verdict == "mismatch"]

    def by_tenant(self) -> dict[str, list[ProbeResult]]:
        """Results grouped by tenant id ("" for token-wide calls)."""
        out: dict[str, list[ProbeResult]] = {}
        for r in self.results:
            out.setdefault(r.tenant_id or "", []).append(r)
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One dict per result (for a DataFrame or CSV)."""
        return [r.row() for r in self.results]

    def summary(self) -> dict[str, Any]:
        """Counts by verdict plus the cost figures (JSON-ready)."""
        counts: dict[str, int] = {}
        for r in self.results:
            counts[r.verdict] = counts.get(r.verdict, 0) + 1
        return {"era": self.era, "tenants": len(self.tenants), "probes": len(self.results),
                "calls": self.calls, "get_endpoints": self.get_endpoints,
                "rate_limited": self.rate_limited, "cancelled": self.cancelled,
                "elapsed": round(self.elapsed, 3), **counts}


@dataclass
class _Run:
    """Mutable state of one probe run (never leaves this module)."""

    total: int
    progress: Progress | None
    results: list[ProbeResult] = field(default_factory=list)

    def add(self, result: ProbeResult) -> None:
        self.results.append(result)
        if self.progress is not None:
            self.progress(len(self.results), self.total, result)


def _country(body: Any) -> str | None:
    if isinstance(body, dict):
        orgs = body.get("Organisations")
        if isinstance(orgs, list) and orgs and isinstance(orgs[0], dict):
            code = orgs[0].get("CountryCode")
            return str(code).upper() if code else None
    return None


async def _tenant_list(client: XeroClient, tenants: Iterable[Any] | None,
                       session: Any) -> tuple[list[Tenant], Any]:
    if tenants is not None:
        out = []
        for t in tenants:
            if isinstance(t, Tenant):
                out.append(t)
            elif isinstance(t, str):
                out.append(Tenant("", t, ""))
            else:  # a simulator DemoOrg or anything with tenant_id / name
                out.append(Tenant("", str(t.tenant_id), str(getattr(t, "name", ""))))
        return out, None
    result = await client.acall(client.urls.connections, session=session)
    rows = result.body if result.status == 200 and isinstance(result.body, list) else []
    return [Tenant.from_connection(r) for r in rows if isinstance(r, dict)], result


async def aprobe(
    client: XeroClient,
    tenants: Iterable[Any] | None = None,
    *,
    era: str | None = None,
    check_absent: bool = False,
    regions: Mapping[str, str] | None = None,
    targets: Sequence[ProbeTarget] | None = None,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    clock: Clock | None = None,
    sleep: Sleep | None = None,
    time_scale: float = 1.0,
    per_minute: int = TENANT_PER_MINUTE,
    concurrent: int = TENANT_CONCURRENT,
    app_per_minute: int = APP_PER_MINUTE,
) -> ProbeReport:
    """The async engine: plan, then run every tenant's probes in parallel under the limits.

    ``tenants``: Tenant objects or ids (default: the token's ``GET /connections``).
    ``regions``: tenant id -> country for payroll (default: read from ``GET /Organisation``).
    ``targets``: an explicit plan (default: ``plan_probes``). ``clock``/``sleep``/``time_scale``
    match the probe's limiter to a time-scaled simulator.
    """
    clock = clock or scaled_clock(time_scale)
    sleep = sleep or scaled_sleep(time_scale)
    started = clock()
    granted = client.granted
    era = era or infer_era(granted)
    plan, gaps = plan_with_gaps(granted, era, check_absent=check_absent, catalog=client.catalog)
    plan = list(targets) if targets is not None else plan
    limits = Limits(clock, sleep, per_minute, concurrent, app_per_minute)
    regions = dict(regions or {})
    cancelled = False
    async with client.async_session() as session:
        tenant_list, conn = await _tenant_list(client, tenants, session)
        token_wide = [t for t in plan if not t.per_tenant]
        per_tenant = [t for t in plan if t.per_tenant]
        run = _Run(len(token_wide) + len(per_tenant) * len(tenant_list), progress)

        async def one(target: ProbeTarget, tenant: Tenant | None, region: str | None) -> None:
            tid = tenant.tenant_id if tenant else None
            gate = limits.gate(tid or "")
            if cancel is not None and cancel.is_set():
                run.add(skipped(target, tenant, "cancelled before it was sent"))
                return
            if gate.day_exhausted:
                run.add(skipped(target, tenant, "the tenant's day limit is used up"))
                return
            call = await client.acall(target.endpoint, tenant_id=tid, session=session,
                                      gate=gate, asleep=sleep)
            run.add(judge(target, tenant, call, region))

        async def tenant_run(tenant: Tenant) -> None:
            # Organisation first: its CountryCode tells which payroll API is the tenant's.
            first = [t for t in per_tenant if t.region is None]
            payroll = [t for t in per_tenant if t.region is not None]
            await asyncio.gather(*(one(t, tenant, regions.get(tenant.tenant_id)) for t in first))
            region = regions.get(tenant.tenant_id) or next(
                (_country(r.call.body) for r in run.results if r.call is not None
                 and r.tenant_id == tenant.tenant_id and r.endpoint.operation_id ==
                 "getOrganisations"), None)
            mine = [t for t in payroll if region is None or t.region == _payroll_region(region)]
            run.total -= len(payroll) - len(mine)  # other regions' payroll APIs: not this tenant's
            await asyncio.gather(*(one(t, tenant, region) for t in mine))

        async def everything() -> None:
            await asyncio.gather(*(one(t, None, None) for t in token_wide),
                                 *(tenant_run(t) for t in tenant_list))

        work = asyncio.ensure_future(everything())
        if cancel is not None:
            while not work.done():
                await asyncio.wait({work}, timeout=0.02)
                if cancel.is_set() and not work.done():
                    work.cancel()
                    cancelled = True
        try:
            await work
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        done = {(r.family, r.endpoint.key, r.tenant_id) for r in run.results}
        for t in token_wide:
            if (t.family, t.endpoint.key, None) not in done:
                run.add(skipped(t, None, "cancelled"))
        for tenant in tenant_list:
            for t in per_tenant:
                if (t.family, t.endpoint.key, tenant.tenant_id) not in done:
                    run.add(skipped(t, tenant, "cancelled"))
    calls = sum(r.call.attempts for r in run.results if r.call is not None)
    calls += conn.attempts if conn is not None else 0
    return ProbeReport(
        results=tuple(run.results), era=era, granted=granted, tenants=tuple(tenant_list),
        unprobed=tuple(gaps), calls=calls, get_endpoints=get_endpoint_count(client.catalog),
        rate_limited=limits.rate_limited, elapsed=clock() - started,
        cancelled=cancelled or bool(cancel is not None and cancel.is_set()), connections=conn)


def _payroll_region(country: str) -> str | None:
    return {"AU": "AU", "NZ": "NZ", "GB": "UK", "UK": "UK"}.get(country.upper())


def probe(client: XeroClient, tenants: Iterable[Any] | None = None,
          **options: Any) -> ProbeReport:
    """Run ``aprobe`` to completion from sync code, inside Jupyter's running loop too."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(aprobe(client, tenants, **options))
    # A loop already runs in this thread (Jupyter): asyncio.run would refuse, and blocking
    # it with run_until_complete is impossible, so the engine gets a thread and a loop of its own.
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="xero-nb-probe") as pool:
        return pool.submit(asyncio.run, aprobe(client, tenants, **options)).result()

