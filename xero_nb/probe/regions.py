"""Payroll regions: which payroll API is an organisation's, from its country or from its answers.

AU payroll is ``payroll.xro/1.0`` (and AU v2 Timesheets on 2.0); NZ and UK payroll share
``payroll.xro/2.0``, so one URL means a different API per region (docs/xero-facts.md §1, oddity
4). The country comes from ``Organisation.CountryCode``, which needs accounting.settings(.read)
(§8). Without it the probe calls every region's API and learns the region from the answers: a
404 (or 405) rules out the regions a URL serves (facts ASSUMPTIONS "payroll_region_status"), an
answer narrows to them. NZ and UK are told apart only by the country or by a URL one of them
alone serves; otherwise the rows say "NZ or UK" and how to settle it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from xero_nb.catalog.index import Catalog
from xero_nb.models import Tenant
from xero_nb.probe.plan import ProbeTarget
from xero_nb.probe.verdict import UNKNOWN_REGION, ProbeResult, judge, skipped

PAYROLL_REGIONS = frozenset({"AU", "NZ", "UK"})  # Xero has payroll nowhere else (facts §2)
WRONG_REGION = frozenset({404, 405})  # facts ASSUMPTIONS "payroll_region_status"
READ_COUNTRY = "grant accounting.settings.read so the probe reads the organisation's country first"
NO_ANSWER = ("no region's payroll API answered, and the organisation's country is unknown (Xero has "
             f"payroll only in AU, NZ and the UK); {READ_COUNTRY}")
CONTRADICTED = f"the payroll APIs' answers name no single region; {READ_COUNTRY}"

Pair = tuple[ProbeTarget, ProbeResult]


def payroll_region(country: str) -> str | None:
    """The payroll region of an organisation's country (None: Xero has no payroll there)."""
    return {"AU": "AU", "NZ": "NZ", "GB": "UK", "UK": "UK"}.get(country.strip().upper())


def country_of(body: Any) -> str | None:
    """``CountryCode`` from a ``GET /Organisation`` answer (None when it is not there)."""
    if isinstance(body, dict):
        orgs = body.get("Organisations")
        if isinstance(orgs, list) and orgs and isinstance(orgs[0], dict):
            code = orgs[0].get("CountryCode")
            return str(code).upper() if code else None
    return None


def _serves(target: ProbeTarget) -> frozenset[str]:
    return target.regions or frozenset({target.region} if target.region else ())


def own_api(catalog: Catalog, result: ProbeResult, home: str) -> ProbeResult:
    """``result`` named after the organisation's own payroll API (NZ and UK share 2.0 URLs)."""
    ep = result.endpoint
    if ep.payroll_region in (None, home):
        return replace(result, payroll_region=home)
    ours = catalog.find(ep.method, ep.url, region=home)
    return replace(result, endpoint=ours or ep, payroll_region=home)


def no_payroll(target: ProbeTarget, tenant: Tenant, country: str) -> ProbeResult:
    """One payroll family's row for an organisation whose country has no Xero payroll (US):
    predicted refused, not called, naming no other country's API."""
    row = skipped(target, tenant, f"Xero has no payroll API for {country} organisations; not called",
                  cause="region")
    return replace(row, predicted=False, payroll_region=f"none ({country})",
                   api_label=f"no Xero payroll in {country}")


def possible_regions(pairs: Sequence[Pair]) -> tuple[frozenset[str], bool]:
    """The payroll regions one organisation's answers leave, and whether any answer showed that
    it has payroll at all (a success, or else a plan or role refusal, which Xero gives only
    after it found the region's API)."""
    left = set(PAYROLL_REGIONS)
    for target, result in pairs:
        if result.status in WRONG_REGION:
            left -= _serves(target)
    answered = [_serves(t) for t, r in pairs if r.observed]
    if not answered:
        answered = [_serves(t) for t, r in pairs if r.status == 403 and r.cause in ("plan", "role")]
    for regions in answered:
        left &= regions
    return frozenset(left), bool(answered)


def _elsewhere(target: ProbeTarget, result: ProbeResult, home: str) -> ProbeResult:
    serves = "/".join(sorted(_serves(target)))
    return replace(result, predicted=False, verdict="not_this_region", cause="region",
                   payroll_region=home, reason=(
                       f"{target.endpoint.api} serves {serves} organisations; this one's payroll "
                       f"region is {home} (from its answers), so the refusal is expected"))


def settle(tenant: Tenant, pairs: Sequence[Pair], catalog: Catalog,
           tier: str | None = None) -> list[ProbeResult]:
    """Judge again, once every payroll API has answered, the payroll rows of an organisation
    whose country was not known: its own API's rows against the scope rules, the others
    ``not_this_region``, and inconclusive (with the way to settle it) what the answers leave open."""
    left, has_payroll = possible_regions(pairs)
    out: list[ProbeResult] = []
    if not has_payroll or not left:
        why = NO_ANSWER if not has_payroll else CONTRADICTED
        for _, r in pairs:
            if r.call is None or r.cause != "region":
                out.append(replace(r, predicted=None, payroll_region=UNKNOWN_REGION))
            else:
                out.append(replace(r, predicted=None, observed=None, verdict="inconclusive",
                                   reason=why, payroll_region=UNKNOWN_REGION))
        return out
    label = " or ".join(sorted(left))
    for target, r in pairs:
        if not (_serves(target) & left):
            out.append(_elsewhere(target, r, label))
        elif r.call is None:  # not sent (cancelled, day limit): nothing to judge again
            out.append(replace(r, payroll_region=label))
        elif len(left) == 1:
            res = own_api(catalog, judge(target, tenant, r.call, label, tier=tier), label)
            out.append(replace(res, reason=f"{res.reason} (payroll region {label}, learned from "
                                           "the payroll APIs' answers)"))
        elif left <= _serves(target):  # its own API whichever of the regions left it is in
            ep = target.endpoint
            apis = sorted({f.api for f in (catalog.find(ep.method, ep.url, region=x) for x in left) if f})
            res = judge(target, tenant, r.call, None, tier=tier)
            out.append(replace(res, payroll_region=label, api_label=" or ".join(apis) or None, reason=(
                f"{res.reason}; {label} payroll share this URL and the answers do not tell "
                f"them apart: {READ_COUNTRY}")))
        else:
            out.append(replace(r, predicted=None, observed=None, verdict="inconclusive",
                               cause="region", payroll_region=label, reason=(
                                   f"{target.endpoint.api} serves {'/'.join(sorted(_serves(target)))} "
                                   f"organisations only, and this one is {label}: {READ_COUNTRY}")))
    return out
