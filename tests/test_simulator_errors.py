"""One test per row of docs/xero-facts.md §6 (the error catalogue) that the simulator produces."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from xero_nb.facts import ASSUMPTIONS, XeroURLs
from xero_nb.http import Client, Response
from xero_nb.simulator import XeroSimulator

XERO = XeroURLs.xero()
API = XERO.api_root
PASCAL_KEYS = ["Type", "Title", "Status", "Detail", "Instance", "Extensions"]
LOWER_KEYS = ["type", "title", "status", "detail", "instance"]


def get(sim: XeroSimulator, path: str, tok: dict[str, Any] | None, tenant: str | None = "AU",
        method: str = "GET") -> Response:
    headers = {"Authorization": "Bearer " + tok["access_token"]} if tok else {}
    if tenant:
        headers["xero-tenant-id"] = sim.tenant(tenant).tenant_id
    return Client(transport=sim.transport()).request(method, API + path, headers=headers)


def pascal(r: Response) -> dict[str, Any]:
    body = r.json()
    assert list(body) == PASCAL_KEYS and body["Type"] is None and body["Extensions"] == {}
    assert body["Instance"] == r.headers["Xero-Correlation-Id"] and body["Status"] == r.status_code
    return body


def lower(r: Response) -> dict[str, Any]:
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert list(body) == LOWER_KEYS and body["instance"] == r.headers["Xero-Correlation-Id"]
    return body


def test_row_401_token_expired(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings"])
    sim.advance(1800)
    r = get(sim, "/api.xro/2.0/Accounts", tok)
    body = pascal(r)
    assert r.status_code == 401 and body["Title"] == "Unauthorized"
    assert re.fullmatch(r"TokenExpired: token expired at \d\d/\d\d/\d{4} \d\d:\d\d:\d\d", body["Detail"])
    assert "WWW-Authenticate" not in r.headers


@pytest.mark.parametrize(("path", "case"), [
    ("/api.xro/2.0/Accounts", "pascal"), ("/assets.xro/1.0/Assets?status=DRAFT", "pascal"),
    ("/projects.xro/2.0/Projects", "pascal"), ("/payroll.xro/1.0/Employees", "pascal"),
    ("/payroll.xro/2.0/Employees", "lower"), ("/finance.xro/1.0/CashValidation", "lower"),
    ("/bankfeeds.xro/1.0/Statements", "lower"),
])
def test_row_401_insufficient_scope(sim: XeroSimulator, path: str, case: str) -> None:
    tok = sim.issue_token(scopes=["openid", "offline_access"])
    tenant = "UK" if "payroll.xro/2.0" in path else "AU"
    r = get(sim, path, tok, tenant)
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "insufficient_scope"
    body = pascal(r) if case == "pascal" else lower(r)
    assert body.get("Detail", body.get("detail")) == "AuthorizationUnsuccessful"
    assert body.get("Title", body.get("title")) == "Unauthorized"


def test_row_401_authentication_unsuccessful_for_a_token_xero_did_not_issue(sim: XeroSimulator) -> None:
    r = get(sim, "/api.xro/2.0/Accounts", {"access_token": "eyJhbGciOiJub25lIn0.e30.x"})
    assert r.status_code == 401 and pascal(r)["Detail"] == "AuthenticationUnsuccessful"
    assert get(sim, "/api.xro/2.0/Accounts", None).status_code == 401


def test_row_403_tenant_missing_wrong_or_revoked(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings"], tenants=["AU"])
    for tenant in (None, "UK"):
        r = get(sim, "/api.xro/2.0/Accounts", tok, tenant)
        body = pascal(r)
        assert (r.status_code, body["Title"], body["Detail"]) == (403, "Forbidden",
                                                                   "AuthenticationUnsuccessful")
    sim.disconnect("AU")
    assert get(sim, "/api.xro/2.0/Accounts", tok).status_code == 403


def test_row_403_invalid_application(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["bankfeeds"])
    r = get(sim, "/bankfeeds.xro/1.0/Statements", tok)
    assert r.status_code == 403
    assert {k: v for k, v in lower(r).items() if k != "instance"} == {
        "type": "invalid-application", "title": "Invalid Application", "status": 403,
        "detail": "The application has not been configured to use these API endpoints."}


def test_row_403_not_permitted_user_role(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings"], user="cara@example.com", tenants=["AU"])
    r = get(sim, "/api.xro/2.0/Accounts", tok)
    assert r.status_code == 403 and pascal(r)["Detail"].startswith("Not Permitted")


def test_row_404_not_found_and_unknown_connection(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings"])
    r = get(sim, "/api.xro/2.0/Accounts/2f7c1c3e-3d7b-4b8e-9a55-5f0b1a2c3d4e", tok)
    assert r.status_code == 404
    assert pascal(r)["Detail"] == "The resource you have specified cannot be found"
    gone = Client(transport=sim.transport()).delete(
        XERO.connections + "/" + sim.tenant("AU").tenant_id,
        headers={"Authorization": "Bearer " + tok["access_token"]})
    assert gone.status_code == 404


def test_row_405_and_payroll_region_mismatch(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["payroll.employees.read", "accounting.settings"])
    # The one 405 report is single-source; the simulator answers a wrong region with 404
    # (facts ASSUMPTIONS "payroll_region_status") and a wrong method with 405.
    assert any(a.key == "payroll_region_status" for a in ASSUMPTIONS)
    r = get(sim, "/payroll.xro/2.0/Employees", tok, "AU")
    assert r.status_code == 404
    assert get(sim, "/api.xro/2.0/Accounts", tok, method="PATCH").status_code == 405


@pytest.mark.parametrize(("base", "tenant", "lower_case"), [
    ("/payroll.xro/2.0", "NZ", True), ("/payroll.xro/2.0", "UK", True), ("/finance.xro/1.0", "AU", True),
    ("/bankfeeds.xro/1.0", "AU", True), ("/api.xro/2.0", "AU", False), ("/assets.xro/1.0", "AU", False),
    ("/projects.xro/2.0", "AU", False)])
def test_405_and_unknown_paths_in_each_apis_key_case(sim: XeroSimulator, base: str, tenant: str,
                                                     lower_case: bool) -> None:
    # docs/xero-facts.md §6: finance, bankfeeds and payroll NZ/UK answer lower-case problem+json
    tok = sim.issue_token(scopes=["accounting.settings"])
    known = {"/payroll.xro/2.0": "/Employees", "/finance.xro/1.0": "/CashValidation",
             "/bankfeeds.xro/1.0": "/FeedConnections", "/api.xro/2.0": "/Accounts",
             "/assets.xro/1.0": "/Assets", "/projects.xro/2.0": "/Projects"}[base]
    wrong_method = get(sim, base + known, tok, tenant, method="PATCH")
    unknown = get(sim, base + "/NoSuchThing", tok, tenant)
    for r, status in ((wrong_method, 405), (unknown, 404)):
        assert r.status_code == status
        body = lower(r) if lower_case else pascal(r)
        assert body["status" if lower_case else "Status"] == status
        assert r.headers["content-type"].startswith(
            "application/problem+json" if lower_case else "application/json")


def test_row_429_rate_limited() -> None:
    sim = XeroSimulator()
    tok = sim.issue_token(scopes=["accounting.settings"])
    for _ in range(60):
        assert get(sim, "/api.xro/2.0/Accounts", tok).status_code == 200
    r = get(sim, "/api.xro/2.0/Accounts", tok)
    assert r.status_code == 429 and r.headers["X-Rate-Limit-Problem"] == "minute"
    assert 0 < int(r.headers["Retry-After"]) <= 60
    for h in ("X-DayLimit-Remaining", "X-MinLimit-Remaining", "X-AppMinLimit-Remaining"):
        assert h in r.headers


def test_row_503_organisation_offline(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings"])
    sim.faults.add("503", "/api.xro/2.0/*")
    r = get(sim, "/api.xro/2.0/Accounts", tok)
    assert r.status_code == 503 and pascal(r)["Detail"] == "The Organisation is offline"


def _token_post(sim: XeroSimulator, app: str, **form: str) -> Response:
    a = sim.apps[app]
    return Client(transport=sim.transport()).post(XERO.token, auth=(a.client_id, a.client_secret or ""),
                                                  data=form)


def test_row_400_invalid_grant(sim: XeroSimulator) -> None:
    r = _token_post(sim, "web", grant_type="refresh_token", refresh_token="0" * 64)
    assert (r.status_code, r.json()) == (400, {"error": "invalid_grant"})


def test_row_400_invalid_client_and_unsupported_grant_type(sim: XeroSimulator) -> None:
    r = Client(transport=sim.transport()).post(XERO.token, auth=("NOPE", "x"),
                                               data={"grant_type": "client_credentials"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid_client"})
    r = _token_post(sim, "web")
    assert (r.status_code, r.json()) == (400, {"error": "unsupported_grant_type"})


def test_row_400_client_credentials_invalid_scope(sim: XeroSimulator) -> None:
    r = _token_post(sim, "custom", grant_type="client_credentials",
                    scope="accounting.transactions accounting.settings")
    assert (r.status_code, r.json()) == (400, {"error": "invalid_scope", "error_description":
                                               "Client credentials scope validation failed"})


def test_row_authorize_unauthorized_client(sim: XeroSimulator) -> None:
    app = sim.apps["pkce"]
    r = Client(transport=sim.transport()).get(XERO.authorize, params={
        "response_type": "code", "client_id": app.client_id, "scope": "accounting.transactions",
        "redirect_uri": "http://localhost:8765/callback", "state": "xyz",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"})
    q = {k: v[0] for k, v in parse_qs(urlsplit(r.headers["location"]).query).items()}
    assert q == {"error": "unauthorized_client", "error_description": "Invalid scope for client",
                 "state": "xyz"}


def test_correlation_id_on_every_response(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings", "offline_access"])
    get(sim, "/api.xro/2.0/Accounts", tok)
    get(sim, "/api.xro/2.0/Accounts", tok, method="DELETE")
    _token_post(sim, "web", grant_type="refresh_token", refresh_token=tok["refresh_token"])
    c = Client(transport=sim.transport())
    c.get(XERO.jwks)
    c.get(XERO.authorize)
    assert len(sim.calls) == 5
    assert all(resp.headers.get("Xero-Correlation-Id") for _, resp in sim.calls)
