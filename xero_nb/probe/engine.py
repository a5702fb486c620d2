"""Probe a token: what the scope rules predict beside what Xero actually answers, per tenant.

>>> report = probe(XeroClient(token=tok, transport=sim.transport()), tier="core")  # doctest: +SKIP
>>> [(r.family, r.verdict, r.cause) for r in report.gated()]                      # doctest: +SKIP
[('accounting.journals', 'gated', 'tier')]

GET only. A small async engine keeps each tenant under Xero's limits (5 at once, 60 a minute)
and the app under 10,000 a minute; tenants run in parallel. ``probe()`` also works inside a
running event loop (Jupyter): it then runs the engine on a worker thread with its own loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from xero_nb.catalog.index import Catalog, load_catalog
from xero_nb.client.call import XeroClient
from xero_nb.facts import APP_PER_MINUTE, TENANT_CONCURRENT, TENANT_PER_MINUTE
from xero_nb.models import Tenant
from xero_nb.probe.gates import UNKNOWN_TIER, check_tier
from xero_nb.probe.limits import Clock, Limits, Sleep, scaled_clock, scaled_sleep
from xero_nb.probe.plan import ProbeTarget, Unprobed, get_endpoint_count, infer_era, plan_with_gaps
from xero_nb.probe.regions import READ_COUNTRY, country_of, no_payroll, own_api, payroll_region, settle
from xero_nb.probe.verdict import CONCLUSIVE, UNKNOWN_REGION, ProbeResult, beside, judge, skipped

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
    elapsed: float = 0.0  # seconds on the probe's clock, from its start to its end
    cancelled: bool = False
    connections: Any = None  # the CallResult of GET /connections when the probe listed tenants
    started: float = 0.0  # the probe's clock when the probe started (before any call)
    next_call_at: float = 0.0  # the probe's clock when its limiter would let another call start
    tier: str | None = None  # the app's developer tier the probe was told (None: not known)

    @property
    def calls_per_minute(self) -> float:
        """HTTP requests a minute, all tenants together, timed from the probe's start (so the
        first calls' latency counts) until its limiter would let the next call start (so a last
        minute that ended early is not counted as a short one); 0.0 when nothing was timed."""
        span = self.next_call_at - self.started
        return self.calls / span * 60.0 if span > 0 else 0.0

    def mismatches(self) -> list[ProbeResult]:
        """Results where Xero disagreed with the prediction (known gates and other regions'
        payroll apart): what the catalog should explain."""
        return [r for r in self.results if r.verdict == "mismatch"]

    def gated(self) -> list[ProbeResult]:
        """Refusals a known gate explains: the app's tier (Journals) or the organisation's plan."""
        return [r for r in self.results if r.verdict == "gated"]

    def notes(self) -> list[str]:
        """What would make this run say more: reading the countries, telling the app's tier."""
        out = []
        unread = sorted({r.tenant_name or r.tenant_id or "" for r in self.results
                         if r.payroll_region == UNKNOWN_REGION or " or " in (r.payroll_region or "")})
        if unread:
            out.append(f"the payroll region of {len(unread)} organisation(s) ({', '.join(unread)}) "
                       f"was not read: {READ_COUNTRY}")
        if self.tier is None and any(r.verdict == "mismatch" and r.cause == "tier" for r in self.results):
            out.append(f"Journals were refused and {UNKNOWN_TIER}")
        return out

    def unanswered(self) -> str | None:
        """Why a run that probed something verified nothing (no probe got a conclusive answer:
        Xero down, the day limit used up), else None. Such a run is no pass."""
        if not self.results or any(r.verdict in CONCLUSIVE for r in self.results):
            return None
        causes: dict[str, int] = {}
        for r in self.results:
            key = r.reason or r.cause or r.verdict
            causes[key] = causes.get(key, 0) + 1
        said = "; ".join(f"{n} x {why}" for why, n in sorted(causes.items(), key=lambda kv: -kv[1])[:3])
        return (f"nothing was verified: none of the {len(self.results)} probes got a conclusive answer "
                f"({said}); a 503 or 500 means the organisation is offline or the API unavailable "
                "(retry later), a 429 day limit can mean hours")

    def by_tenant(self) -> dict[str, list[ProbeResult]]:
        """Results grouped by tenant id ("" for token-wide calls)."""
        out: dict[str, list[ProbeResult]] = {}
        for r in self.results:
            out.setdefault(r.tenant_id or "", []).append(r)
        return out

    def rows(self) -> list[dict[str, Any]]:
        """One dict per result (for a DataFrame or CSV)."""
        return [r.row() for r in self.results]

    def coverage_rows(self, tenant_id: str | None = None, *, method: str | None = "GET",
                      catalog: Catalog | None = None) -> list[dict[str, Any]]:
        """Predicted access for every endpoint beside what its scope family's probe observed.

        ``tenant_id``: whose answers (default: the first tenant); ``method=None``: all methods.
        """
        tid = tenant_id or (self.tenants[0].tenant_id if self.tenants else None)
        eps = [ep for ep in (catalog or load_catalog()) if method is None or ep.method == method]
        return beside(self.results, self.granted, self.era, tid, eps)

    def summary(self) -> dict[str, Any]:
        """Counts by verdict plus the cost figures (JSON-ready)."""
        counts: dict[str, int] = {}
        for r in self.results:
            counts[r.verdict] = counts.get(r.verdict, 0) + 1
        return {"era": self.era, **({"tier": self.tier} if self.tier else {}),
                "tenants": len(self.tenants), "probes": len(self.results),
                "calls": self.calls, "get_endpoints": self.get_endpoints,
                "rate_limited": self.rate_limited, "cancelled": self.cancelled,
                "elapsed": round(self.elapsed, 3), **counts}


@dataclass
class _Run:
    """Mutable state of one probe run (never leaves this module): results by job number."""

    total: int
    progress: Progress | None
    results: dict[int, ProbeResult] = field(default_factory=dict)

    def add(self, job: int, result: ProbeResult) -> None:
        self.results[job] = result
        if self.progress is not None:
            self.progress(len(self.results), self.total, result)


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
    tier: str | None = None,
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
    ``tier``: the app's developer tier (starter ... enterprise) when known: a refusal it explains
    (Journals below Advanced) is ``gated``, not a mismatch.
    ``regions``: tenant id -> country for payroll (default: read from ``GET /Organisation``; without
    it every region's payroll API is called and the region learned from the answers).
    ``targets``: an explicit plan (default: ``plan_probes``). ``clock``/``sleep``/``time_scale``
    match the probe's limiter to a time-scaled simulator.
    """
    clock = clock or scaled_clock(time_scale)
    sleep = sleep or scaled_sleep(time_scale)
    started = clock()
    tier = check_tier(tier)
    granted = client.granted
    era = era or infer_era(granted)
    plan, gaps = plan_with_gaps(granted, era, check_absent=check_absent, catalog=client.catalog)
    plan = list(targets) if targets is not None else plan
    limits = Limits(clock, sleep, per_minute, concurrent, app_per_minute)
    regions = dict(regions or {})
    cancelled = False
    async with client.async_session() as session:
        tenant_list, conn = await _tenant_list(client, tenants, session)
        # Every (target, tenant) pair gets a job number; each ends with exactly one result.
        jobs: list[tuple[ProbeTarget, Tenant | None]] = [(t, None) for t in plan if not t.per_tenant]
        jobs += [(t, tn) for tn in tenant_list for t in plan if t.per_tenant]
        run = _Run(len(jobs), progress)
        dropped: set[int] = set()  # other regions' payroll jobs, never sent

        async def one(job: int, region: str | None) -> None:
            target, tenant = jobs[job]
            gate = limits.gate(tenant.tenant_id if tenant else "")
            if cancel is not None and cancel.is_set():
                run.add(job, skipped(target, tenant, "cancelled before it was sent"))
                return
            if gate.day_exhausted:
                run.add(job, skipped(target, tenant, "the tenant's day limit is used up"))
                return
            call = await client.acall(target.endpoint, tenant_id=tenant.tenant_id if tenant
                                      else None, session=session, gate=gate, asleep=sleep)
            home = payroll_region(region) if region else None
            if target.region is not None and region is None:
                # The organisation's region is not known yet: no prediction until it is (settle).
                run.add(job, judge(replace(target, predicted=None), tenant, call, None, tier=tier))
                return
            result = judge(target, tenant, call, region, tier=tier)
            # NZ and UK payroll share this URL: for a UK organisation it is UK payroll.
            run.add(job, own_api(client.catalog, result, home) if home and target.region else result)

        async def tenant_run(tenant: Tenant) -> None:
            mine = [j for j, (_, tn) in enumerate(jobs) if tn is tenant]
            # Organisation first: its CountryCode tells which payroll API is the tenant's.
            first = [j for j in mine if jobs[j][0].region is None]
            payroll = [j for j in mine if jobs[j][0].region is not None]
            region = regions.get(tenant.tenant_id)
            await asyncio.gather(*(one(j, region) for j in first))
            region = region or next((country_of(run.results[j].call.body) for j in first  # type: ignore[union-attr]
                                     if j in run.results and run.results[j].call is not None
                                     and jobs[j][0].endpoint.operation_id == "getOrganisations"),
                                    None)
            home = payroll_region(region) if region else None
            keep = [j for j in payroll if region is None or (home and jobs[j][0].serves(home))]
            if region is not None and home is None:  # e.g. US: Xero has no payroll API there
                seen: set[str] = set()
                for j in payroll:
                    if jobs[j][0].family not in seen:
                        seen.add(jobs[j][0].family)
                        keep.append(j)
                        run.add(j, no_payroll(jobs[j][0], tenant, region))
                keep = [j for j in keep if j not in run.results]
                dropped.update(j for j in payroll if j not in run.results)
            else:
                dropped.update(set(payroll) - set(keep))
            run.total -= len(dropped & set(payroll))
            await asyncio.gather(*(one(j, region) for j in keep))
            if region is None:
                sent = [j for j in keep if j in run.results]
                pairs = [(jobs[j][0], run.results[j]) for j in sent]
                for j, settled in zip(sent, settle(tenant, pairs, client.catalog, tier), strict=True):
                    run.results[j] = settled

        async def everything() -> None:
            await asyncio.gather(*(one(j, None) for j, (_, tn) in enumerate(jobs) if tn is None),
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
    for job, (target, tenant) in enumerate(jobs):
        if job not in run.results and job not in dropped:
            run.add(job, skipped(target, tenant, "cancelled"))
    order = {t.tenant_id: i for i, t in enumerate(tenant_list)}
    results = sorted(run.results.values(), key=lambda r: (
        order.get(r.tenant_id or "", -1), r.endpoint.payroll_region or "", r.family, r.endpoint.api))
    calls = sum(r.call.attempts for r in results if r.call is not None)
    calls += conn.attempts if conn is not None else 0
    return ProbeReport(
        results=tuple(results), era=era, granted=granted, tenants=tuple(tenant_list),
        unprobed=tuple(gaps), calls=calls, get_endpoints=get_endpoint_count(client.catalog),
        rate_limited=limits.rate_limited, elapsed=clock() - started,
        cancelled=cancelled or bool(cancel is not None and cancel.is_set()), connections=conn,
        started=started, next_call_at=limits.next_call_at(), tier=tier)


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

