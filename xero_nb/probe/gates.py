"""Known gates: refusals that the app's developer tier or the organisation's plan explain.

A granted scope can still be refused. From 2 Mar 2026 Journals answer only to apps on the
Advanced tier or above (facts ASSUMPTIONS "journals_tier"), and Payroll or Projects answer 403
with no problem body when they are not on the organisation's plan ("unprovisioned_product_body").
No catalog can explain such a refusal and none is out of date: the probe calls it *gated*, apart
from mismatches, when it knows the gate, from the app's tier (``tier=``; the simulator's demo
apps and ``xero-nb probe`` on the simulator know theirs) or from the answer itself.
"""

from __future__ import annotations

from typing import Any

from xero_nb.catalog.scopes import JOURNALS_GATE, JOURNALS_SCOPE, required_scopes
from xero_nb.models import Endpoint

TIERS = ("starter", "core", "plus", "advanced", "enterprise")  # Xero's developer tiers (facts §7)
JOURNALS_TIERS = frozenset({"advanced", "enterprise"})  # the tiers that keep /Journals
# APIs that are products on an organisation's plan rather than part of every subscription.
PLAN_APIS = frozenset({"projects", "payroll_au", "payroll_au_v2", "payroll_nz", "payroll_uk",
                       "files", "assets"})
UNKNOWN_TIER = ("the app's developer tier is not known to the probe: pass tier= (starter, core, "
                "plus, advanced or enterprise) and a refusal the tier explains counts as gated")


def check_tier(tier: str | None) -> str | None:
    """``tier`` in lower case (None: not known); ValueError for a name Xero does not use."""
    if tier is None or not str(tier).strip():
        return None
    low = str(tier).strip().lower()
    if low not in TIERS:
        raise ValueError(f"tier must be one of {', '.join(TIERS)}, not {tier!r}")
    return low


def tier_gated(ep: Endpoint) -> bool:
    """True for endpoints a developer tier gates (Journals, whatever the era)."""
    return JOURNALS_SCOPE in required_scopes(ep, "granular")


def tier_gate(ep: Endpoint, tier: str | None) -> str | None:
    """Why an app on ``tier`` is refused ``ep`` whatever its scopes (None: no gate, or tier unknown)."""
    if tier is None or not tier_gated(ep) or tier in JOURNALS_TIERS:
        return None
    return f"the app is on the {tier} tier: {JOURNALS_GATE}"


def plan_refusal(ep: Endpoint, status: int, body: Any) -> bool:
    """True when Xero's answer is a plan refusal's: a 403 with no problem body from a product API."""
    return status == 403 and ep.api in PLAN_APIS and body in (None, "", b"")
