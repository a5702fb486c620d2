"""Each diagnosis code provoked live: the simulator answers, diagnose() names the cause."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from xero_nb.diagnose.diagnosis import DIAGNOSIS_CODES, Diagnosis, diagnose
from xero_nb.facts import XeroURLs
from xero_nb.http import Client, Response
from xero_nb.simulator import XeroSimulator

XERO = XeroURLs.xero()
API = XERO.api_root


def call(sim: XeroSimulator, path: str, tok: dict[str, Any] | None, tenant: str | None = "AU",
         method: str = "GET") -> Response:
    headers = {"Authorization": "Bearer " + tok["access_token"]} if tok else {}
    if tenant:
        headers["xero-tenant-id"] = sim.tenant(tenant).tenant_id
    with Client(transport=sim.transport()) as c:
        return c.request(method, API + path, headers=headers)


def connections(sim: XeroSimulator, tok: dict[str, Any]) -> list[dict[str, Any]]:
    with Client(transport=sim.transport()) as c:
        r = c.get(XERO.connections, headers={"Authorization": "Bearer " + tok["access_token"]})
    assert r.status_code == 200
    rows: list[dict[str, Any]] = r.json()
    return rows


def expect(d: Diagnosis, code: str) -> Diagnosis:
    assert d.top.code == code, d.to_markdown()
    assert tok_free(d)
    return d


def tok_free(d: Diagnosis) -> bool:
    out = d.to_markdown() + d._repr_html_() + repr(d.observed)
    return "eyJ" not in out


def test_missing_scope(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["openid", "offline_access"])
    r = call(sim, "/api.xro/2.0/Accounts", tok)
    d = expect(diagnose(r, token=tok, era=sim.apps["web"].era, client_id=sim.apps["web"].client_id,
                        redirect_uri="http://localhost:8765/callback"), "missing_scope")
    assert "accounting.settings.read" in d.top.title and d.observed.correlation_id
    assert any("scope=offline_access+openid+accounting.settings.read" in s for s in d.top.fix)


def test_missing_scope_from_the_jwt_in_the_request_alone(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["openid", "accounting.contacts.read"])
    r = call(sim, "/api.xro/2.0/Accounts", tok)
    d = expect(diagnose(r), "missing_scope")  # scopes read from the request's bearer JWT
    assert d.decisive_fact is None


def test_not_reconsented(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["openid", "offline_access"])
    r = call(sim, "/api.xro/2.0/Contacts", tok)
    expect(diagnose(r, token=tok, requested="openid offline_access accounting.contacts"),
           "not_reconsented")


def test_token_expired(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings"])
    sim.advance(1801)
    expect(diagnose(call(sim, "/api.xro/2.0/Accounts", tok), token=tok, clock=sim.clock),
           "token_expired")


def test_tenant_header_missing(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings"])
    expect(diagnose(call(sim, "/api.xro/2.0/Accounts", tok, tenant=None), token=tok),
           "tenant_header_missing")


def test_tenant_not_connected(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings"], tenants=["AU"])
    r = call(sim, "/api.xro/2.0/Accounts", tok, tenant="UK")
    d = expect(diagnose(r, token=tok, connections=connections(sim, tok)), "tenant_not_connected")
    assert any("Demo Company (AU)" in e for e in d.top.evidence)


def test_connection_revoked(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings"], tenants=["AU"])
    sim.disconnect("AU")
    r = call(sim, "/api.xro/2.0/Accounts", tok)
    expect(diagnose(r, token=tok, connections=connections(sim, tok)), "connection_revoked")


@pytest.mark.parametrize(("user", "tenant", "path"), [
    ("cara@example.com", "AU", "/api.xro/2.0/Accounts"),          # invoice-only: Not Permitted
    ("eve@example.com", "AU", "/api.xro/2.0/Reports/ProfitAndLoss"),  # no reporting role
    ("eve@example.com", "AU", "/payroll.xro/1.0/Employees"),       # not a payroll admin
])
def test_user_role(sim: XeroSimulator, user: str, tenant: str, path: str) -> None:
    tok = sim.issue_token(scopes=["accounting.settings", "accounting.reports.read",
                                  "payroll.employees.read"], user=user, tenants=[tenant])
    r = call(sim, path, tok, tenant)
    assert r.status_code == 403
    expect(diagnose(r, token=tok, connections=connections(sim, tok)), "user_role")


def test_user_role_from_the_demo_user_record(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["payroll.employees.read"], user="eve@example.com", tenants=["AU"])
    r = call(sim, "/payroll.xro/1.0/Employees", tok)
    d = expect(diagnose(r, token=tok, user_role=sim.user("eve@example.com"),
                        organisation=sim.tenant("AU")), "user_role")
    assert "payroll admin" in d.top.title


def test_feature_not_in_plan(sim: XeroSimulator) -> None:
    cafe = sim.tenant("Harbour Cafe (NZ)")
    tok = sim.issue_token(scopes=["projects.read"], tenants=[cafe])
    r = call(sim, "/projects.xro/2.0/Projects", tok, cafe.tenant_id)
    assert r.status_code == 403
    expect(diagnose(r, token=tok, organisation=cafe, connections=connections(sim, tok)),
           "feature_not_in_plan")
    expect(diagnose(r, token=tok), "feature_not_in_plan")  # from Xero's words alone


def test_payroll_region_mismatch(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["payroll.employees.read"], tenants=["AU"])
    r = call(sim, "/payroll.xro/2.0/Employees", tok)
    assert r.status_code == 404
    d = expect(diagnose(r, token=tok, organisation=sim.tenant("AU")), "payroll_region_mismatch")
    assert "payroll.xro/1.0" in d.top.fix[0]


def test_restricted_scope_closed_api(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["bankfeeds"])
    expect(diagnose(call(sim, "/bankfeeds.xro/1.0/Statements", tok), token=tok), "restricted_scope")


def test_restricted_scope_bank_statement_report(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.reports.read"])
    r = call(sim, "/api.xro/2.0/Reports/BankStatement", tok)
    assert r.status_code == 401
    expect(diagnose(r, token=tok, era="broad"), "restricted_scope")


def test_tier_gated_journals(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.journals.read"], app="pkce")
    r = call(sim, "/api.xro/2.0/Journals", tok)
    assert r.status_code == 401
    expect(diagnose(r, token=tok, era=sim.apps["pkce"].era), "tier_gated")
    assert call(sim, "/api.xro/2.0/Journals", sim.issue_token(scopes=["accounting.journals.read"],
                                                              app="partner")).status_code == 200


def test_broad_scope_on_granular_app(sim: XeroSimulator) -> None:
    app = sim.apps["pkce"]
    query = {"response_type": "code", "client_id": app.client_id, "scope": "accounting.transactions",
             "redirect_uri": "http://localhost:8765/callback", "state": "xyz",
             "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
             "code_challenge_method": "S256"}
    with Client(transport=sim.transport()) as c:
        r = c.get(XERO.authorize + "?" + urlencode(query))
    expect(diagnose(text=r.headers["location"], requested=query["scope"], era=app.era),
           "broad_scope_on_granular_app")


def _token_post(sim: XeroSimulator, app: str, **form: str) -> Response:
    a = sim.apps[app]
    with Client(transport=sim.transport()) as c:
        return c.post(XERO.token, auth=(a.client_id, a.client_secret or ""), data=form)


def test_invalid_grant(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["offline_access", "accounting.settings"])
    assert _token_post(sim, "web", grant_type="refresh_token",
                       refresh_token=tok["refresh_token"]).status_code == 200
    sim.advance(31 * 60)  # past the 30-minute grace period for the rotated refresh token
    reused = _token_post(sim, "web", grant_type="refresh_token", refresh_token=tok["refresh_token"])
    d = expect(diagnose(reused), "invalid_grant")
    assert tok["refresh_token"] not in d.to_markdown()


def test_invalid_client(sim: XeroSimulator) -> None:
    with Client(transport=sim.transport()) as c:
        r = c.post(XERO.token, auth=("NOPE", "x"), data={"grant_type": "client_credentials"})
    expect(diagnose(r), "invalid_client")


def test_invalid_scope_requested(sim: XeroSimulator) -> None:
    r = _token_post(sim, "custom", grant_type="client_credentials", scope="accounting.budgets.read")
    assert r.status_code == 400
    expect(diagnose(r, requested="accounting.budgets.read", era="granular"), "invalid_scope_requested")
    broad = _token_post(sim, "custom", grant_type="client_credentials",
                        scope="accounting.transactions accounting.settings")
    expect(diagnose(broad, requested="accounting.transactions accounting.settings"),
           "broad_scope_on_granular_app")


def test_rate_limited() -> None:
    sim = XeroSimulator()
    tok = sim.issue_token(scopes=["accounting.settings"])
    for _ in range(60):
        call(sim, "/api.xro/2.0/Accounts", tok)
    r = call(sim, "/api.xro/2.0/Accounts", tok)
    d = expect(diagnose(r, token=tok), "rate_limited")
    assert "minute" in d.top.title and r.headers["Retry-After"] in d.top.title


def test_unknown_when_the_organisation_is_offline(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings"])
    sim.faults.add("503", "/api.xro/2.0/*")
    d = expect(diagnose(call(sim, "/api.xro/2.0/Accounts", tok), token=tok), "unknown")
    assert "503" in d.top.title


def live_assertions(source: str) -> dict[str, list[str]]:
    """Diagnosis code -> the tests that assert it on a live answer: a test function that calls
    the simulator (``call``, ``_token_post`` or a client on ``sim.transport()``) and passes
    ``expect()`` a ``diagnose(...)`` result (directly or through a name) with the code as a
    literal. A test merely named after a code, or one that never sends anything, does not count."""
    found: dict[str, list[str]] = {}
    for fn in ast.parse(source).body:
        if not (isinstance(fn, ast.FunctionDef) and fn.name.startswith("test_")):
            continue
        calls = [n for n in ast.walk(fn) if isinstance(n, ast.Call)]
        live = any((isinstance(c.func, ast.Name) and c.func.id in ("call", "_token_post"))
                   or (isinstance(c.func, ast.Attribute) and c.func.attr == "transport")
                   for c in calls)
        diagnosed = {t.id for n in ast.walk(fn) if isinstance(n, ast.Assign)
                     and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Name)
                     and n.value.func.id == "diagnose" for t in n.targets if isinstance(t, ast.Name)}
        for c in calls:
            if not (live and isinstance(c.func, ast.Name) and c.func.id == "expect" and len(c.args) == 2):
                continue
            subject, code = c.args
            from_diagnose = ((isinstance(subject, ast.Call) and isinstance(subject.func, ast.Name)
                              and subject.func.id == "diagnose")
                             or (isinstance(subject, ast.Name) and subject.id in diagnosed))
            if from_diagnose and isinstance(code, ast.Constant) and isinstance(code.value, str):
                found.setdefault(code.value, []).append(fn.name)
    return found


def test_expect_fails_on_another_top_code() -> None:
    d = diagnose(text="HTTP/1.1 429 Too Many Requests\nX-Rate-Limit-Problem: minute")
    assert expect(d, d.top.code) is d
    for other in (c for c in DIAGNOSIS_CODES if c != d.top.code):
        with pytest.raises(AssertionError):
            expect(d, other)


def test_every_code_has_a_live_test() -> None:
    """Each code is asserted (``expect``) on a diagnosis of a simulator's answer in some test."""
    found = live_assertions(Path(__file__).read_text(encoding="utf-8"))
    missing = [c for c in DIAGNOSIS_CODES if c not in found]
    assert not missing, missing
    assert set(found) <= set(DIAGNOSIS_CODES), set(found) - set(DIAGNOSIS_CODES)  # no typo'd code


def test_the_live_test_check_reads_assertions_not_names() -> None:
    named_only = textwrap.dedent("""
        def test_missing_scope(sim):
            r = call(sim, "/api.xro/2.0/Accounts", None)
            assert r.status_code == 401
        def test_token_expired(sim):
            expect(diagnose(text="401 TokenExpired"), "token_expired")  # nothing sent
        def test_user_role(sim):
            d = diagnose(call(sim, "/x", None))
            expect(d, "user_role")
    """)
    assert live_assertions(named_only) == {"user_role": ["test_user_role"]}
