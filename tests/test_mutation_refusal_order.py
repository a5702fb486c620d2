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
    assert (r.status_code, r.content) == (403, b"")  # the plan's empty 403, not the role's Detail


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


# -- what each refusal looks like, and whose limits count (found by mutation testing) ----------

def test_a_scope_the_call_does_not_need_never_triggers_that_scopes_gate() -> None:
    # The pkce app is on the Starter tier: Journals are refused to it. Holding the Journals
    # scope must not refuse its other calls.
    sim = XeroSimulator(limits=False)
    tok = sim.issue_token(scopes=["accounting.journals.read", "accounting.settings.read"], app="pkce",
                          tenants=["AU"])
    assert call(sim, tok, "/api.xro/2.0/Journals", "AU").status_code == 401
    assert call(sim, tok, "/api.xro/2.0/Accounts", "AU").status_code == 200


def test_payroll_of_another_region_is_xeros_404_in_that_apis_shape() -> None:
    sim = XeroSimulator(limits=False)
    tok = sim.issue_token(scopes=["payroll.employees.read"], tenants=["AU"])
    r = call(sim, tok, "/payroll.xro/2.0/Employees", "AU")
    body = r.json()
    assert r.status_code == 404 and (body["title"], body["status"], body["detail"]) == ("NotFound", 404, NOT_FOUND)


def test_a_shared_payroll_url_without_a_known_organisation_is_the_tenant_refusal() -> None:
    sim = XeroSimulator(limits=False)
    tok = sim.issue_token(scopes=["payroll.employees.read"], tenants=["NZ"])
    headers = {"Authorization": "Bearer " + tok["access_token"]}
    with Client(transport=sim.transport()) as http:
        for extra in ({}, {"xero-tenant-id": "00000000-0000-0000-0000-000000000000"}):
            r = http.get(API + "/payroll.xro/2.0/Employees", headers=headers | extra)
            assert (r.status_code, r.json()["detail"]) == (403, "AuthenticationUnsuccessful")


@pytest.mark.parametrize("path", ["/payroll.xro/2.0/Employees", "/api.xro/2.0/Accounts"])
def test_a_bad_token_is_refused_in_the_apis_own_shape(path: str) -> None:
    sim = XeroSimulator(limits=False)
    r = call(sim, {"access_token": "not-a-token"}, path, "NZ")
    body = r.json()
    assert r.status_code == 401
    if path.startswith("/payroll.xro/2.0"):  # payroll 2.0 writes its problems in lower case
        assert (body["title"], body["detail"]) == ("Unauthorized", "AuthenticationUnsuccessful")
    else:
        assert (body["Title"], body["Detail"]) == ("Unauthorized", "AuthenticationUnsuccessful")


def test_the_minute_limit_is_per_app_and_per_organisation() -> None:
    sim = XeroSimulator()
    web = sim.issue_token(scopes=["accounting.settings.read"], tenants=["AU", "NZ"])
    other = sim.issue_token(scopes=["accounting.settings.read"], app="partner", tenants=["AU"])
    assert [call(sim, web, "/api.xro/2.0/Accounts", "AU").status_code for _ in range(61)][-2:] == [200, 429]
    assert call(sim, web, "/api.xro/2.0/Accounts", "NZ").status_code == 200  # another organisation
    assert call(sim, other, "/api.xro/2.0/Accounts", "AU").status_code == 200  # another app


def test_a_429_says_which_limit_in_the_apis_own_shape() -> None:
    sim = XeroSimulator()
    tok = sim.issue_token(scopes=["accounting.settings.read", "payroll.employees.read"], tenants=["NZ"])
    for _ in range(60):
        call(sim, tok, "/api.xro/2.0/Accounts", "NZ")
    pascal = call(sim, tok, "/api.xro/2.0/Accounts", "NZ")
    lower = call(sim, tok, "/payroll.xro/2.0/Employees", "NZ")
    assert (pascal.status_code, lower.status_code) == (429, 429)
    p, q = pascal.json(), lower.json()
    assert (p["Title"], p["Status"], p["Detail"]) == ("Too Many Requests", 429, "Rate limit exceeded: minute")
    assert (q["title"], q["status"], q["detail"]) == ("Too Many Requests", 429, "Rate limit exceeded: minute")
    assert p["Instance"] == pascal.headers["Xero-Correlation-Id"]
    assert q["instance"] == lower.headers["Xero-Correlation-Id"]
    assert lower.headers["X-Rate-Limit-Problem"] == "minute" and lower.headers["Retry-After"]


def test_a_missing_scope_on_payroll_2_is_refused_in_its_lower_case_shape() -> None:
    sim = XeroSimulator(limits=False)
    tok = sim.issue_token(scopes=["accounting.settings.read"], tenants=["NZ"])
    r = call(sim, tok, "/payroll.xro/2.0/Employees", "NZ")
    body = r.json()
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "insufficient_scope"
    assert (body["status"], body["detail"]) == (401, "AuthorizationUnsuccessful") and "Detail" not in body
    assert body["instance"] == r.headers["Xero-Correlation-Id"]


def test_app_store_billing_needs_xeros_approval_though_no_organisation_is_involved() -> None:
    sim = XeroSimulator(limits=False)
    url = "/appstore/2.0/subscriptions/00000000-0000-0000-0000-000000000001"
    for app, allowed in (("web", False), ("partner", True)):
        tok = sim.issue_token(scopes=["marketplace.billing"], app=app)
        with Client(transport=sim.transport()) as http:
            r = http.get(API + url, headers={"Authorization": "Bearer " + tok["access_token"]})
        if allowed:  # approved: past the gate (the subscription itself may not exist)
            assert r.status_code != 401, r.text
        else:
            assert (r.status_code, detail(r)) == (401, "AuthorizationUnsuccessful")
            assert r.headers["WWW-Authenticate"] == "insufficient_scope"
