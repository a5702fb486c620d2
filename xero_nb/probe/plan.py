"""Which few GET calls verify a token: one cheap endpoint per scope family, not every endpoint.

>>> targets = plan_probes(["accounting.settings.read", "accounting.contacts.read"])
>>> [t.endpoint.operation_id for t in targets]
['getContactGroups', 'getOrganisations']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from xero_nb.catalog.index import Catalog, load_catalog
from xero_nb.catalog.scopes import (
    DEPRECATED_BROAD,
    GRANULAR_SCOPES,
    OIDC_SCOPES,
    family,
    is_allowed,
    parse_scopes,
    required_scopes,
    restriction,
)
from xero_nb.models import Endpoint

# The cheapest useful call per family where several qualify (Organisation also tells the
# probe each tenant's country, which settles payroll regions).
PREFERRED = {"accounting.settings": ("accounting", "getOrganisations")}
# Reports, statements and feeds cost Xero more than list calls; use them last.
_HEAVY = ("/Reports", "/FinancialStatements", "/Statements", "/CashValidation")


@dataclass(frozen=True, slots=True)
class ProbeTarget:
    """One planned GET: the scope family it verifies and what the scope rules predict."""

    family: str
    endpoint: Endpoint
    predicted: bool | None  # the scope rules say Xero lets this token through (None: they
    # cannot say, as for payroll while the organisation's region is unknown)
    restriction: str | None  # why Xero may refuse it even so (tier, closed API, ...)
    per_tenant: bool  # False: one call per token (no xero-tenant-id)
    regions: frozenset[str] = frozenset()  # payroll: the countries this URL serves (NZ and UK share)

    @property
    def region(self) -> str | None:
        """The payroll region of the endpoint (AU, NZ, UK) or None."""
        return self.endpoint.payroll_region

    def serves(self, region: str) -> bool:
        """True if this payroll URL is the one an organisation of ``region`` uses."""
        return region in self.regions


@dataclass(frozen=True, slots=True)
class Unprobed:
    """A granted family that no cheap GET can verify (every GET needs an id)."""

    family: str
    reason: str


def infer_era(granted: Any) -> str:
    """``granular`` for tokens holding only granular scopes, ``mixed`` for both, else ``broad``."""
    have = parse_scopes(granted, strict=False)
    new, old = bool(have & GRANULAR_SCOPES), bool(have & DEPRECATED_BROAD)
    return "mixed" if new and old else "granular" if new else "broad"


def _cheap(ep: Endpoint) -> bool:
    return ep.method == "GET" and not ep.path_params and not any(p.required for p in ep.params)


def _cost(ep: Endpoint) -> tuple[int, int, int, int, str]:
    heavy = any(ep.path.startswith(h) for h in _HEAVY)
    return (heavy, len(ep.query_params), ep.path.count("/"), len(ep.path), ep.key[0] + ep.path)


def families(granted: Iterable[str]) -> list[str]:
    """The scope families in ``granted`` (``X`` and ``X.read`` are one family), sorted."""
    return sorted({family(s) for s in granted if s not in OIDC_SCOPES})


def _family_of(ep: Endpoint, era: str) -> set[str]:
    return {family(s) for s in required_scopes(ep, era)}


def _pick(cands: list[Endpoint], fam: str) -> Endpoint:
    pref = PREFERRED.get(fam)
    for ep in cands:
        if pref is not None and ep.key == pref:
            return ep
    return min(cands, key=_cost)


def plan_probes(granted: Any, era: str | None = None, *, check_absent: bool = False,
                catalog: Catalog | None = None) -> list[ProbeTarget]:
    """One cheap GET per granted scope family (and per payroll API: regions differ).

    ``check_absent`` adds one per family the token lacks, to catch a catalog that is out of date
    (Xero allowing what the rules say it refuses).
    """
    targets, _ = plan_with_gaps(granted, era, check_absent=check_absent, catalog=catalog)
    return targets


def plan_with_gaps(granted: Any, era: str | None = None, *, check_absent: bool = False,
                   catalog: Catalog | None = None) -> tuple[list[ProbeTarget], list[Unprobed]]:
    """``plan_probes`` plus the granted families it cannot verify with a cheap GET."""
    have = parse_scopes(granted, strict=False)
    era = era or infer_era(have)
    cat = catalog or load_catalog()
    cheap = [ep for ep in cat if _cheap(ep) and required_scopes(ep, era)]
    held = families(have)
    wanted = list(held)
    if check_absent:
        every = sorted({f for ep in cheap for f in _family_of(ep, era)})
        wanted += [f for f in every if f not in held]
    targets: list[ProbeTarget] = []
    gaps: list[Unprobed] = []
    for fam in wanted:
        granted_here = fam in held
        cands = [ep for ep in cheap if fam in _family_of(ep, era)
                 and (is_allowed(ep, have, era) == granted_here)]
        if not granted_here:
            cands = [ep for ep in cands if restriction(ep, era) is None]
        if not cands:
            if granted_here and era == "broad" and fam in GRANULAR_SCOPES:
                gaps.append(Unprobed(fam, "a 2026 granular scope, which grants nothing in the broad era "
                                          "(the specs' scopes only); not probed: judge in the mixed or "
                                          "granular era"))
            elif granted_here:
                gaps.append(Unprobed(fam, "no GET without an id grants it; not probed"))
            continue
        # Payroll APIs differ by region: one per API, and the engine keeps the tenant's own.
        by_api: dict[str, list[Endpoint]] = {}
        for ep in cands:
            api = ep.api if ep.payroll_region is None else f"payroll:{ep.payroll_region}"
            by_api.setdefault(api, []).append(ep)
        if not any(k.startswith("payroll:") for k in by_api):
            by_api = {"": cands}
        picked = [_pick(group, fam) for group in by_api.values()]
        # NZ and UK payroll share URLs: one call answers for both, by the organisation's country.
        urls: dict[str, list[Endpoint]] = {}
        for ep in picked:
            urls.setdefault(ep.url.lower(), []).append(ep)
        for same in urls.values():
            ep = same[0]
            regions = frozenset(e.payroll_region for e in cat if e.method == "GET"
                                and e.url.lower() == ep.url.lower() and e.payroll_region)
            targets.append(ProbeTarget(fam, ep, is_allowed(ep, have, era), restriction(ep, era),
                                       ep.tenant_header, regions))
    return targets, gaps


def get_endpoint_count(catalog: Catalog | None = None) -> int:
    """How many GET endpoints the catalog has (what probing every one would cost)."""
    return sum(1 for ep in (catalog or load_catalog()) if ep.method == "GET")
