"""One probe's outcome: the prediction, Xero's answer, and why they differ.

Verdicts: ``match`` (Xero answered as predicted), ``mismatch`` (it did not, and the catalog
should explain why), ``gated`` (refused by a gate the probe knows: the app's developer tier or
the organisation's plan, see ``gates``), ``not_this_region`` (another country's payroll API),
``inconclusive`` (no answer that settles it, or the organisation's payroll region is unknown)
and ``skipped`` (not sent).

Causes when a granted scope is refused: ``tier`` (Journals on the Advanced tier), ``restricted``
(closed API or restricted scope), ``region`` (another country's payroll), ``role`` (the user's
role in the organisation), ``plan`` (the product is not on the organisation's plan), ``tenant``
(connection or tenant id), ``scope`` (Xero wants another scope than the rules say). A call that
succeeds though the rules predict a refusal is ``catalog``: the catalog is out of date.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xero_nb.catalog.scopes import JOURNALS_GATE, JOURNALS_SCOPE, family, is_allowed, required_scopes
from xero_nb.client.result import CallResult
from xero_nb.models import Endpoint, Tenant
from xero_nb.probe.gates import PLAN_APIS, plan_refusal, tier_gate, tier_gated
from xero_nb.probe.plan import ProbeTarget

if TYPE_CHECKING:  # pragma: no cover
    from xero_nb.diagnose.diagnosis import Diagnosis

VERDICTS = ("match", "mismatch", "gated", "not_this_region", "inconclusive", "skipped")
CONCLUSIVE = frozenset({"match", "mismatch", "gated", "not_this_region"})  # Xero's answer settled it
CAUSES = ("tier", "restricted", "region", "role", "plan", "tenant", "scope", "catalog",
          "token_expired", "rate_limited", "error", "unknown")
UNKNOWN_REGION = "unknown"  # payroll_region when the organisation's country was not read
_ROLE_WORDS = ("role", "permission", "not permitted", "payroll admin", "reports access")
_PLAN_WORDS = ("plan", "subscription", "subscribe", "not enabled for", "feature")


@dataclass(frozen=True)
class ProbeResult:
    """One probe: predicted access, observed access, the verdict and its cause."""

    family: str
    endpoint: Endpoint
    tenant_id: str | None
    tenant_name: str
    predicted: bool | None  # None: the scope rules cannot say (the payroll region is unknown)
    restriction: str | None
    observed: bool | None  # None: no conclusive answer (429, 5xx, no response, skipped)
    verdict: str  # one of VERDICTS
    cause: str | None  # one of CAUSES for mismatches, gated and inconclusive results
    reason: str
    call: CallResult | None = None
    # Payroll rows: the organisation's payroll region as the probe judged it ("AU", "NZ", "UK",
    # "NZ or UK" when its answers could not tell them apart, "none (US)" for a country without
    # Xero payroll, "unknown"); None for other APIs.
    payroll_region: str | None = None
    api_label: str | None = None  # the API the row names when the endpoint's own would mislead

    @property
    def status(self) -> int | None:
        """The HTTP status Xero answered (None when not sent)."""
        return self.call.status if self.call is not None else None

    def row(self) -> dict[str, Any]:
        """A flat dict for tables."""
        call = self.call
        return {
            "tenant_id": self.tenant_id or "", "tenant": self.tenant_name, "family": self.family,
            "api": self.api_label or self.endpoint.api, "payroll_region": self.payroll_region or "",
            "method": self.endpoint.method, "path": self.endpoint.path,
            "operation_id": self.endpoint.operation_id, "predicted": self.predicted,
            "observed": self.observed, "verdict": self.verdict, "cause": self.cause or "",
            "reason": self.reason, "status": self.status,
            "correlation_id": call.correlation_id if call is not None else None,
            "attempts": call.attempts if call is not None else 0,
        }

    def diagnosis(self, **context: Any) -> Diagnosis:
        """The ranked diagnosis of this probe's answer (needs a call that was sent)."""
        if self.call is None:
            raise ValueError("this probe was not sent; there is nothing to diagnose")
        return self.call.diagnosis(**context)


def _text(body: Any) -> str:
    return (body if isinstance(body, str) else json.dumps(body, default=str)).lower()


def _refusal_cause(target: ProbeTarget, call: CallResult,
                   region: str | None) -> tuple[str, str, bool]:
    """``(cause, reason, gated)``: why a granted scope was refused, and whether Xero's answer
    itself shows a known gate (a plan refusal)."""
    ep, text, status = target.endpoint, _text(call.body), call.status
    if target.restriction is not None:
        tiered = "tier" in target.restriction.lower()
        return ("tier" if tiered else "restricted"), target.restriction, False
    if status == 401 and JOURNALS_SCOPE in required_scopes(ep, "granular"):
        # Whatever the era passed in, a refused Journals call with the scope held is the gate.
        return "tier", JOURNALS_GATE, False
    if "invalid-application" in text:
        return "restricted", "the app is not enabled for this API", False
    if ep.payroll_region is not None:
        country = {"GB": "UK"}.get(region.upper(), region.upper()) if region else None
        serves = target.regions or frozenset({ep.payroll_region})
        if country is not None and country not in serves:
            return "region", (f"{ep.path} serves {'/'.join(sorted(serves))} organisations, "
                              f"this one is {region}"), False
        if status in (404, 405):
            return "region", f"{ep.api} answered {status}: likely another region's payroll", False
    if any(w in text for w in _ROLE_WORDS):
        return "role", "the user's role in this organisation does not allow it", False
    if any(w in text for w in _PLAN_WORDS):
        return "plan", f"{ep.api} is not on this organisation's plan", True
    if status == 403 and "authenticationunsuccessful" in text:
        return "tenant", "tenant id not authorised for this token (revoked or not connected)", False
    if status == 401:
        return "scope", "Xero wants another scope than the rules say (or the app may not use it)", False
    if plan_refusal(ep, status, call.body):
        product = "Payroll" if ep.payroll_region else ep.api.capitalize()
        return "plan", (f"{product} is not on this organisation's plan (a 403 with no problem body, "
                        "as Xero answers for a product the organisation lacks)"), True
    if status == 403 and ep.api in PLAN_APIS:
        return "plan", f"403 from {ep.api}: product not on the plan, or the user's role", False
    return "unknown", f"refused with {status}", False


def judge(target: ProbeTarget, tenant: Tenant | None, call: CallResult,
          region: str | None = None, *, tier: str | None = None) -> ProbeResult:
    """Compare Xero's answer with the prediction.

    ``region``: the organisation's country when known; ``tier``: the app's developer tier when
    known (a refusal it explains is ``gated``, not a mismatch). A target predicted None (its
    payroll region is unknown) is inconclusive unless a known gate refused it.
    """
    status = call.status
    observed: bool | None
    cause: str | None
    gated = False
    if status == 0:
        observed, cause, reason = None, "error", call.error or "no response"
    elif status == 429:
        observed, cause, reason = None, "rate_limited", call.stopped or "rate limited"
    elif status >= 500:
        observed, cause, reason = None, "error", f"Xero answered {status}"
    elif status == 401 and call.problem == "TokenExpired":
        observed, cause, reason = None, "token_expired", "the access token expired"
    elif status == 401 and call.problem == "AuthenticationUnsuccessful" and "insufficient_scope" not in (
            call.header("WWW-Authenticate") or ""):
        # Xero did not accept the token at all (facts.ASSUMPTIONS "auth_401_unauthenticated"): no
        # verdict on this call's scope can be read from it
        observed, cause, reason = None, "token_expired", (
            "Xero did not accept the token (401 AuthenticationUnsuccessful, no insufficient_scope): "
            "expired, revoked or another app's; no scope verdict")
    elif 200 <= status < 300:
        observed = True
        if target.predicted is None:
            cause, reason = "region", "answered, but the organisation's payroll region is not known"
        else:
            cause, reason = (None, "allowed as predicted") if target.predicted else (
                "catalog", "Xero allowed it though no granted scope should: catalog out of date")
    elif status in (401, 403, 404, 405):
        observed = False
        if target.predicted is False:
            cause, reason = None, "refused as predicted (scope not granted)"
        else:
            cause, reason, gated = _refusal_cause(target, call, region)
            gate = tier_gate(target.endpoint, tier) if cause == "tier" else None
            if gate is not None:
                gated, reason = True, gate
            elif cause == "tier" and tier is None and tier_gated(target.endpoint):
                reason = f"{reason}; the app's tier is not known (tier= would count this as gated)"
            if target.predicted is None and not gated:
                reason = f"{reason} (the organisation's payroll region is not known)"
    else:
        observed, cause, reason = None, "unknown", f"Xero answered {status}"
    if observed is None or (target.predicted is None and not gated):
        verdict = "inconclusive"
    elif gated:
        verdict = "gated"
    else:
        verdict = "match" if observed == target.predicted else "mismatch"
    return ProbeResult(
        family=target.family, endpoint=target.endpoint,
        tenant_id=tenant.tenant_id if tenant else None,
        tenant_name=tenant.tenant_name if tenant else "", predicted=target.predicted,
        restriction=target.restriction, observed=observed, verdict=verdict, cause=cause,
        reason=reason, call=call,
        payroll_region=(UNKNOWN_REGION if target.predicted is None else None)
        if target.region is not None else None)


def skipped(target: ProbeTarget, tenant: Tenant | None, reason: str,
            cause: str | None = None) -> ProbeResult:
    """A planned probe that was not sent (cancelled, day limit used up)."""
    return ProbeResult(
        family=target.family, endpoint=target.endpoint,
        tenant_id=tenant.tenant_id if tenant else None,
        tenant_name=tenant.tenant_name if tenant else "", predicted=target.predicted,
        restriction=target.restriction, observed=None, verdict="skipped", cause=cause,
        reason=reason)


def beside(results: Iterable[ProbeResult], granted: frozenset[str], era: str,
           tenant_id: str | None, endpoints: Iterable[Endpoint]) -> list[dict[str, Any]]:
    """Every endpoint's predicted access beside what the probe of its scope family observed.

    An endpoint inherits the answer of the probe that verified the family granting it (for
    payroll, the probe on the same payroll API base); endpoints of unprobed families show None.
    """
    mine = [r for r in results if r.tenant_id in (tenant_id, None)]
    rows = []
    for ep in endpoints:
        fams = {family(s) for s in required_scopes(ep, era) & granted}
        probe = next((r for r in mine if r.family in fams and (
            ep.payroll_region is None or r.endpoint.base_url == ep.base_url)), None)
        rows.append({
            "api": ep.api, "method": ep.method, "path": ep.path, "operation_id": ep.operation_id,
            "predicted": is_allowed(ep, granted, era),
            "verified_by": f"{probe.endpoint.method} {probe.endpoint.path}" if probe else "",
            "observed": probe.observed if probe else None,
            "verdict": probe.verdict if probe else "",
            "cause": (probe.cause or "") if probe else "",
        })
    return rows
