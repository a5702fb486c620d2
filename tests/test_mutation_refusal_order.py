"""The simulator's order of refusals beyond token -> scope -> tenant: rate limit before scope,
tenant before the app's gates, the app's gates before the organisation's plan and region, the
organisation before the user's role. Each call here fails two checks at once, so only the order
decides which answer comes back (and the diagnosis a user gets is read from that answer)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from xero_nb.http import Client, Response
from xero_nb.simulator import XeroSimulator
from xero_nb.simulator.api import tiers_apply
from xero_nb.simulator.problems import NOT_FOUND, NOT_PERMITTED, PAYROLL_ADMIN

API = "https://api.xero.com"


def call(sim: XeroSimulator, tok: dict[str, Any], path: str, tenant: str) -> Response:
    headers = {"Authorization": "Bearer " + tok["access_token"],
               "xero-tenant-id": sim.tenant(tenant).tenant_id}
    with Client(transport=sim.transport()) as http:
        return http.get(API + path, headers=headers)


def detail(r: Response) -> str:
    body = r.json()
    return str(body.get("Detail", body.get("detail")))


def test_app_gate_comes_before_the_users_role() -> None:
    # Cara is Invoice-only in AU (the user check: 403 Not Permitted for /Journals) and the pkce
    # app is on the Starter tier without Journals approval (the app check: 401).
    sim = XeroSimulator(limits=False)
    tok = sim.issue_token(scopes=["accounting.journals.read"], app="pkce", user="cara@example.com",
                          tenants=["AU"])
    r = call(sim, tok, "/api.xro/2.0/Journals", "AU")
    assert (r.status_code, detail(r)) == (401, "AuthorizationUnsuccessful")
    assert r.headers["WWW-Authenticate"] == "insufficient_scope"
    # the same user on an app that passes the app check meets the role check
    ok_app = sim.issue_token(scopes=["accounting.journals.read"], app="partner", user="cara@example.com",
                             tenants=["AU"])
    r = call(sim, ok_app, "/api.xro/2.0/Journals", "AU")
    assert (r.status_code, detail(r)) == (403, NOT_PERMITTED)


def test_the_organisations_region_comes_before_the_users_payroll_role() -> None:
    # Eve has no payroll admin role in AU (user check: 403); the UK payroll API does not exist
    # for an AU organisation (organisation check: 404).
    sim = XeroSimulator(limits=False)
    tok = sim.issue_token(scopes=["payroll.employees.read"], user="eve@example.com", tenants=["AU"])
    r = call(sim, tok, "/payroll.xro/2.0/Employees", "AU")
    assert (r.status_code, detail(r)) == (404, NOT_FOUND)
    # on AU's own payroll URL the organisation passes and the role refuses
    r = call(sim, tok, "/payroll.xro/1.0/Employees", "AU")
    assert (r.status_code, detail(r)) == (403, PAYROLL_ADMIN)


def test_the_organisations_plan_comes_before_the_users_payroll_role() -> None:
    sim = XeroSimulator(limits=False)
    sim.set_role("eve@example.com", "Harbour Cafe (NZ)", "standard", payroll_admin=False)
    tok = sim.issue_token(scopes=["payroll.employees.read"], user="eve@example.com", tenants=["Harbour Cafe (NZ)"])
    r = call(sim, tok, "/payroll.xro/2.0/Employees", "Harbour Cafe (NZ)")
    assert r.status_code == 403 and "plan does not include Payroll" in detail(r)


def test_the_tenant_comes_before_the_apps_gates() -> None:
    # Not connected to NZ (tenant check: 403) and a Starter-tier app asking for Journals (401).
    sim = XeroSimulator(limits=False)
    tok = sim.issue_token(scopes=["accounting.journals.read"], app="pkce", tenants=["AU"])
    r = call(sim, tok, "/api.xro/2.0/Journals", "NZ")
    assert (r.status_code, detail(r)) == (403, "AuthenticationUnsuccessful")
    assert "WWW-Authenticate" not in r.headers


def test_the_rate_limit_comes_before_the_scope_check() -> None:
    sim = XeroSimulator()
    tok = sim.issue_token(scopes=["accounting.contacts.read"], tenants=["AU"])
    statuses = [call(sim, tok, "/api.xro/2.0/Contacts", "AU").status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
    # a call this token has no scope for is still counted against the minute first
    r = call(sim, tok, "/api.xro/2.0/Accounts", "AU")
    assert r.status_code == 429 and r.headers.get("X-Rate-Limit-Problem") == "minute"


@pytest.mark.parametrize("tz", ["UTC", "America/Los_Angeles", "Pacific/Auckland"])
def test_the_developer_tiers_start_on_2_march_2026_utc_wherever_the_kernel_runs(
        tz: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", tz)
    time.tzset()
    try:
        start = datetime(2026, 3, 2, tzinfo=UTC).timestamp()
        assert tiers_apply(start) and tiers_apply(start + 86400 * 30)
        assert not tiers_apply(start - 1)
    finally:
        monkeypatch.undo()
        time.tzset()
