"""Probe throughput against the simulator with Xero's limits, time-scaled.

Goals (issue 5): one tenant at >= 90% of its ceiling (60 calls a minute) with zero 429s;
N tenants together >= 0.8 * N times one tenant; and the calls needed to verify a token
against one call per GET endpoint. Figures are printed as one JSON object on the last line.

    .venv/bin/python benchmarks/bench_probe.py [--scale 60] [--calls 240] [--tenants 4]
"""

from __future__ import annotations

import argparse
import json
import time

from xero_nb.client.call import XeroClient
from xero_nb.facts import TENANT_PER_MINUTE
from xero_nb.probe.engine import ProbeReport, probe
from xero_nb.probe.limits import scaled_sleep
from xero_nb.probe.plan import get_endpoint_count, plan_probes
from xero_nb.simulator import XeroSimulator

FULL_BROAD = ("offline_access accounting.transactions.read accounting.settings.read "
              "accounting.contacts.read accounting.reports.read accounting.journals.read "
              "accounting.attachments.read accounting.budgets.read "
              "accounting.reports.tenninetynine.read assets.read projects.read files.read "
              "payroll.employees.read payroll.payruns.read payroll.payslip.read "
              "payroll.settings.read payroll.timesheets.read")


def per_minute(done: list[tuple[str, float]], window: int = TENANT_PER_MINUTE) -> float:
    """Calls a minute, all tenants together, over the time until each tenant's limiter would
    let its next call start (a minute after its ``window``-th last call finished)."""
    by_tenant: dict[str, list[float]] = {}
    for tenant, t in done:
        by_tenant.setdefault(tenant, []).append(t)
    first = min(min(ts) for ts in by_tenant.values())
    reopen = max(sorted(ts)[len(ts) - window] + 60.0 for ts in by_tenant.values())
    return len(done) / (reopen - first) * 60.0


def throughput(tenants: int, calls: int, scale: float) -> tuple[float, ProbeReport, float]:
    """Run ``calls`` cheap GETs per tenant through the probe engine; calls/min per tenant."""
    sim = XeroSimulator(time_scale=scale)
    sim.record_calls = False  # long runs: keep memory flat
    client = XeroClient(token=sim.issue_token(scopes=["accounting.settings.read"]),
                        transport=sim.transport())
    target = plan_probes("accounting.settings.read")[0]
    done: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    report = probe(client, sim.tenants[:tenants], targets=[target] * calls, clock=sim.clock,
                   sleep=scaled_sleep(scale),
                   progress=lambda d, t, r: done.append((r.tenant_id or "", sim.clock())))
    return per_minute(done) / tenants, report, time.perf_counter() - t0


def verification_cost() -> dict[str, float]:
    """Calls the default probe makes for a token holding every broad read scope."""
    sim = XeroSimulator()
    client = XeroClient(token=sim.issue_token(scopes=FULL_BROAD.split()), transport=sim.transport())
    one = probe(client, [sim.tenants[0]])
    every = probe(client)
    gets = get_endpoint_count()
    return {
        "get_endpoints": gets,
        "probe_calls_one_tenant": one.calls,
        "fewer_calls_factor_one_tenant": round(gets / one.calls, 1),
        "verify_tenants": len(every.tenants),
        "probe_calls_all_tenants": every.calls,
        "fewer_calls_factor_all_tenants": round(gets * len(every.tenants) / every.calls, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=60.0, help="simulated seconds per real second")
    ap.add_argument("--calls", type=int, default=240, help="calls per tenant (whole minutes: x60)")
    ap.add_argument("--tenants", type=int, default=4)
    args = ap.parse_args()

    one_rate, one, one_real = throughput(1, args.calls, args.scale)
    print(f"1 tenant: {one_rate:.1f} calls/min ({one_rate / TENANT_PER_MINUTE:.0%} of "
          f"{TENANT_PER_MINUTE}), {one.rate_limited} x 429, {one_real:.1f} s real")
    n_rate, many, n_real = throughput(args.tenants, args.calls, args.scale)
    scaling = n_rate * args.tenants / (args.tenants * one_rate)
    print(f"{args.tenants} tenants: {n_rate * args.tenants:.1f} calls/min together "
          f"({scaling:.2f} x {args.tenants} x one tenant), {many.rate_limited} x 429, "
          f"{n_real:.1f} s real")
    cost = verification_cost()
    print(f"verify a full broad token: {cost['probe_calls_one_tenant']} calls for one tenant vs "
          f"{cost['get_endpoints']} GET endpoints ({cost['fewer_calls_factor_one_tenant']}x fewer)")
    figures = {
        "time_scale": args.scale,
        "one_tenant_calls_per_min": round(one_rate, 2),
        "one_tenant_share_of_ceiling": round(one_rate / TENANT_PER_MINUTE, 3),
        "one_tenant_429s": one.rate_limited,
        "tenants": args.tenants,
        "n_tenants_calls_per_min": round(n_rate * args.tenants, 2),
        "n_tenants_scaling": round(scaling, 3),
        "n_tenants_429s": many.rate_limited,
        **cost,
        "goals_met": bool(one_rate >= 0.9 * TENANT_PER_MINUTE and one.rate_limited == 0
                          and many.rate_limited == 0 and scaling >= 0.8
                          and cost["fewer_calls_factor_one_tenant"] >= 10),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
