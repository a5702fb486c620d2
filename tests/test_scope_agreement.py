"""One scope rule: the simulator refuses a call for scope exactly when ``is_allowed`` says no.

Over every catalog operation, every era, and every scope Xero documents: each scope that
``required_scopes`` lists must get the call past the simulator's scope check on its own, and a
token holding every other known scope must be refused with ``insufficient_scope``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.scopes import ERAS, RESTRICTED_SCOPES, is_allowed, known_scopes, required_scopes
from xero_nb.http import Client
from xero_nb.simulator import XeroSimulator

GUID = "00000000-0000-4000-8000-000000000001"
ENDPOINTS = [ep for ep in load_catalog() if ep.api != "identity"]
REGION_ORG = {"AU": "AU", "NZ": "NZ", "UK": "UK"}


@pytest.fixture(scope="module")
def sim() -> XeroSimulator:
    sim = XeroSimulator(limits=False)
    for era in ERAS:  # apps Xero approved for every restricted scope, on the top tier
        sim.add_app(f"all-{era}", era=era, tier="enterprise",
                    approved_scopes=set(RESTRICTED_SCOPES) | {"accounting.journals.read"})
    return sim


def _url(ep: Any) -> str:
    return re.sub(r"\{[^}]+\}", GUID, ep.url)


def _refused_for_scope(sim: XeroSimulator, token: dict[str, Any], ep: Any, tenant: str) -> bool:
    with Client(transport=sim.transport()) as http:
        r = http.request(ep.method, _url(ep), headers={
            "Authorization": "Bearer " + token["access_token"], "xero-tenant-id": tenant,
            "Accept": "application/json"})
    return r.status_code == 401 and r.headers.get("WWW-Authenticate") == "insufficient_scope"


@pytest.mark.parametrize("era", ERAS)
def test_the_simulator_and_is_allowed_agree_for_every_operation_and_scope(sim: XeroSimulator,
                                                                          era: str) -> None:
    app = f"all-{era}"
    tenants = {region: sim.tenant(region).tenant_id for region in REGION_ORG}
    everyone = sorted(known_scopes())

    @cache
    def token(scopes: frozenset[str]) -> dict[str, Any]:
        return sim.issue_token(scopes=sorted(scopes), app=app)

    disagree = []
    checked = 0
    for ep in ENDPOINTS:
        tenant = tenants[ep.payroll_region or "AU"]
        need = required_scopes(ep, era)
        for scope in sorted(need):  # each granting scope, on its own, passes the scope check
            assert is_allowed(ep, [scope], era)
            if _refused_for_scope(sim, token(frozenset({scope})), ep, tenant):
                disagree.append((ep.method, ep.path, era, scope, "refused"))
            checked += 1
        others = frozenset(everyone) - need  # every other scope Xero documents, all at once
        if is_allowed(ep, others, era) != (not _refused_for_scope(sim, token(others), ep, tenant)):
            disagree.append((ep.method, ep.path, era, "all others", is_allowed(ep, others, era)))
        checked += 1
    assert disagree == []
    assert checked > len(ENDPOINTS)


def test_add_app_registers_an_app_and_refuses_bad_input(sim: XeroSimulator) -> None:
    from xero_nb.errors import UnknownEraError
    from xero_nb.simulator.sim import SimulatorError

    app = sim.app("all-granular")
    assert app.era == "granular" and app.tier == "enterprise" and app.confidential
    assert sim.app(app.client_id) is app  # found by client id too, as authorize does
    with pytest.raises(SimulatorError, match="exists"):
        sim.add_app("all-granular", era="granular")
    with pytest.raises(UnknownEraError, match="era must be one of"):
        sim.add_app("x", era="modern")
    with pytest.raises(SimulatorError, match="kind must be"):
        sim.add_app("y", era="mixed", kind="custom")
