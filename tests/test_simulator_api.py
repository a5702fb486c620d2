"""The simulator's API side: every catalog route, Xero's order of checks, organisations and users."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.scopes import ERAS, restriction
from xero_nb.catalog.scopes import known_scopes as sc_known
from xero_nb.facts import ASSUMPTIONS
from xero_nb.http import Client, Response
from xero_nb.models import Endpoint
from xero_nb.simulator import XeroSimulator

API = "https://api.xero.com"
GUID = "2f7c1c3e-3d7b-4b8e-9a55-5f0b1a2c3d4e"


def fill(ep: Endpoint) -> str:
    """A concrete URL path for an endpoint template."""
    return re.sub(r"\{([^}]+)\}", lambda m: GUID if m.group(1).endswith(("ID", "Id", "id"))
                  else "Sample", ep.url[len(API):])


def call(sim: XeroSimulator, tok: dict[str, Any] | None, method: str, path: str,
         tenant: str | None = "AU", client: Client | None = None, **kw: Any) -> Response:
    headers = {"Authorization": "Bearer " + tok["access_token"]} if tok else {}
    headers.update(kw.pop("headers", {}))
    if tenant:
        headers["xero-tenant-id"] = tenant if len(tenant) > 3 else sim.tenant(tenant).tenant_id
    c = client or Client(transport=sim.transport())
    return c.request(method, API + path, headers=headers, **kw)


def assert_problem(r: Response, status: int, detail: str) -> dict[str, Any]:
    body = r.json()
    assert r.status_code == status
    if "Detail" in body:
        assert body["Detail"] == detail and body["Status"] == status
        assert body["Instance"] == r.headers["Xero-Correlation-Id"]
    else:
        assert r.headers["content-type"].startswith("application/problem+json")
        assert body["detail"] == detail and body["status"] == status
        assert body["instance"] == r.headers["Xero-Correlation-Id"]
    return body


ROUTED = [ep for ep in load_catalog() if ep.api != "identity"]


@pytest.mark.parametrize("era_app", ["web", "pkce"])
def test_every_catalog_route_exists_and_checks_scope(sim_nolimits: XeroSimulator, era_app: str) -> None:
    sim = sim_nolimits
    tok = sim.issue_token(scopes=["offline_access"], app=era_app)
    client = Client(transport=sim.transport())
    for ep in ROUTED:
        path = fill(ep)
        assert ep in [m.endpoint for m in sim._core.routes.match(ep.method, path)], ep
        r = call(sim, tok, ep.method, path, client=client)
        assert r.status_code == 401, (ep, r.status_code, r.text)
        assert r.headers["WWW-Authenticate"] == "insufficient_scope", ep
        assert_problem(r, 401, "AuthorizationUnsuccessful")


def test_checks_run_in_xeros_order(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.contacts.read"])
    # scope before tenant: a missing scope with no tenant header is still 401
    assert call(sim, tok, "GET", "/api.xro/2.0/Accounts", tenant=None).status_code == 401
    assert_problem(call(sim, tok, "GET", "/api.xro/2.0/Contacts", tenant=None), 403,
                   "AuthenticationUnsuccessful")
    assert call(sim, tok, "GET", "/api.xro/2.0/Contacts").status_code == 200
    sim.advance(1801)
    # token expiry before scope and tenant
    body = call(sim, tok, "GET", "/api.xro/2.0/Accounts", tenant=None).json()
    assert re.fullmatch(r"TokenExpired: token expired at \d\d/\d\d/\d{4} \d\d:\d\d:\d\d", body["Detail"])


def test_tenant_must_be_connected_to_this_user(sim: XeroSimulator) -> None:
    ada = sim.issue_token(scopes=["accounting.settings"], tenants=["AU"])
    ben = sim.issue_token(scopes=["accounting.settings"], user="ben@example.com", tenants=["NZ"])
    assert call(sim, ada, "GET", "/api.xro/2.0/Accounts", tenant="AU").status_code == 200
    for tenant, tok in (("NZ", ada), ("AU", ben), (GUID, ada), ("not-a-guid", ada)):
        assert_problem(call(sim, tok, "GET", "/api.xro/2.0/Accounts", tenant=tenant), 403,
                       "AuthenticationUnsuccessful")
    sim.disconnect("AU")
    assert call(sim, ada, "GET", "/api.xro/2.0/Accounts", tenant="AU").status_code == 403


def test_custom_connection_needs_no_tenant_header(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.invoices"], app="custom")
    assert call(sim, tok, "GET", "/api.xro/2.0/Invoices", tenant=None).status_code == 200
    assert call(sim, tok, "GET", "/api.xro/2.0/Invoices", tenant="AU").status_code == 200
    assert call(sim, tok, "GET", "/api.xro/2.0/Invoices", tenant="UK").status_code == 403


def test_granular_and_mixed_eras(sim: XeroSimulator) -> None:
    granular = sim.issue_token(scopes=["accounting.invoices"], app="pkce")
    assert call(sim, granular, "GET", "/api.xro/2.0/Invoices").status_code == 200
    assert call(sim, granular, "GET", "/api.xro/2.0/Payments").status_code == 401
    broad_on_new = sim.issue_token(scopes=["accounting.transactions"], app="pkce")
    assert call(sim, broad_on_new, "GET", "/api.xro/2.0/Invoices").status_code == 401
    for scopes in (["accounting.transactions"], ["accounting.invoices.read"]):
        tok = sim.issue_token(scopes=scopes, app="migrating")
        assert call(sim, tok, "GET", "/api.xro/2.0/Invoices").status_code == 200
    # An app created before 2 Mar 2026 holds the granular scopes too (docs/xero-facts.md §2b).
    assert sim.apps["web"].created.year == 2025 and sim.apps["web"].era == "mixed"
    for scopes in (["accounting.invoices"], ["accounting.transactions.read"]):
        old = sim.issue_token(scopes=scopes, app="web")
        assert call(sim, old, "GET", "/api.xro/2.0/Invoices").status_code == 200
    expense = sim.issue_token(scopes=["accounting.invoices", "accounting.payments"], app="migrating")
    assert call(sim, expense, "GET", "/api.xro/2.0/ExpenseClaims").status_code == 401
    everything = sim.issue_token(scopes=sorted(sc_known() - {"accounting.transactions",
                                                            "accounting.transactions.read"}), app="pkce")
    r = call(sim, everything, "GET", "/api.xro/2.0/Receipts")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "insufficient_scope"


def test_journals_need_the_advanced_tier(sim: XeroSimulator) -> None:
    # facts ASSUMPTIONS "journals_tier": below Advanced, /Journals is 401 from 2 Mar 2026,
    # whatever the era; scopes.restriction says the same for every era.
    assert any(a.key == "journals_tier" for a in ASSUMPTIONS)
    journals = load_catalog().find("GET", API + "/api.xro/2.0/Journals")
    assert all("Advanced tier" in (restriction(journals, era) or "") for era in ERAS)
    expected = {"pkce": 401, "migrating": 401, "web": 401, "partner": 200}
    assert {a: sim.apps[a].tier for a in expected} == {
        "pkce": "starter", "migrating": "plus", "web": "core", "partner": "advanced"}
    for app, status in expected.items():
        tok = sim.issue_token(scopes=["accounting.journals.read"], app=app)
        r = call(sim, tok, "GET", "/api.xro/2.0/Journals")
        assert r.status_code == status, app
        if status == 401:
            assert r.headers["WWW-Authenticate"] == "insufficient_scope"
            assert_problem(r, 401, "AuthorizationUnsuccessful")
        else:
            journals = r.json()["Journals"]  # an unseeded collection: one record from the spec
            assert len(journals) == 1 and journals[0]["JournalID"] and journals[0]["JournalNumber"] == 1


def test_journals_tier_gate_starts_on_2_march_2026() -> None:
    day = datetime(2026, 3, 2, tzinfo=UTC).timestamp()
    sim = XeroSimulator(clock=lambda: day - 3600)  # an hour before the tiers began
    web = sim.issue_token(scopes=["accounting.journals.read"], app="web")
    assert call(sim, web, "GET", "/api.xro/2.0/Journals").status_code == 200
    pkce = sim.issue_token(scopes=["accounting.journals.read"], app="pkce")  # no approval
    assert call(sim, pkce, "GET", "/api.xro/2.0/Journals").status_code == 401
    sim.advance(3600)
    assert call(sim, web, "GET", "/api.xro/2.0/Journals").status_code == 401


def test_closed_apis_answer_invalid_application(sim: XeroSimulator) -> None:
    scopes = ["finance.statements.read", "bankfeeds"]
    web = sim.issue_token(scopes=scopes, app="web")
    for path in ("/finance.xro/1.0/FinancialStatements/BalanceSheet", "/bankfeeds.xro/1.0/FeedConnections"):
        body = assert_problem(call(sim, web, "GET", path), 403,
                              "The application has not been configured to use these API endpoints.")
        assert body["type"] == "invalid-application" and body["title"] == "Invalid Application"
        partner = sim.issue_token(scopes=scopes, app="partner")
        assert call(sim, partner, "GET", path).status_code == 200


def test_bank_statement_report_is_restricted(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.reports.read"])
    assert call(sim, tok, "GET", "/api.xro/2.0/Reports/BankStatement").status_code == 401
    r = call(sim, tok, "GET", "/api.xro/2.0/Reports/ProfitAndLoss")
    assert r.status_code == 200 and r.json()["Reports"][0]["ReportID"] == "ProfitAndLoss"


def test_payroll_regions_plans_and_admins(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["payroll.employees.read", "payroll.timesheets.read",
                                  "payroll.settings.read"])
    au = call(sim, tok, "GET", "/payroll.xro/1.0/Employees", tenant="AU")
    assert au.status_code == 200 and au.json()["Employees"][0]["FirstName"] == "Oliver"
    nz = call(sim, tok, "GET", "/payroll.xro/2.0/Employees", tenant="NZ")
    assert nz.status_code == 200 and nz.json()["employees"][0]["firstName"] == "Oliver"
    assert call(sim, tok, "GET", "/payroll.xro/2.0/Employees", tenant="UK").status_code == 200
    assert call(sim, tok, "GET", "/payroll.xro/2.0/Timesheets", tenant="AU").status_code == 200
    assert_problem(call(sim, tok, "GET", "/payroll.xro/1.0/Employees", tenant="NZ"), 404,
                   "The resource you have specified cannot be found")
    assert_problem(call(sim, tok, "GET", "/payroll.xro/2.0/Benefits", tenant="NZ"), 404,
                   "The resource you have specified cannot be found")  # a UK-only path
    assert call(sim, tok, "GET", "/payroll.xro/2.0/Employees", tenant="US").status_code == 404
    cafe = sim.tenant("Harbour Cafe (NZ)").tenant_id
    # no Payroll on its plan: a 403 without Xero's problem body (facts "unprovisioned_product_body"),
    # no made-up Detail text
    unprovisioned = call(sim, tok, "GET", "/payroll.xro/2.0/Employees", tenant=cafe)
    assert (unprovisioned.status_code, unprovisioned.content) == (403, b"")
    assert unprovisioned.headers["Xero-Correlation-Id"]
    ben = sim.issue_token(scopes=["payroll.employees.read"], user="ben@example.com")
    assert_problem(call(sim, ben, "GET", "/payroll.xro/1.0/Employees", tenant="AU"), 403,
                   "You are not permitted to access payroll without the payroll admin role")
    missing = call(sim, ben, "GET", "/payroll.xro/2.0/PayRuns", tenant="NZ")
    assert_problem(missing, 401, "AuthorizationUnsuccessful")  # lower-case problem+json on NZ


def test_projects_plan_and_data(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["projects.read", "assets.read", "files.read"])
    r = call(sim, tok, "GET", "/projects.xro/2.0/Projects", tenant="AU")
    assert r.status_code == 200 and r.json()["items"][0]["name"] == "Website refresh"
    assert call(sim, tok, "GET", "/projects.xro/2.0/Projects", tenant="NZ").status_code == 403
    assets = call(sim, tok, "GET", "/assets.xro/1.0/Assets?status=REGISTERED").json()
    assert assets["pagination"]["itemCount"] == 2
    files = call(sim, tok, "GET", "/files.xro/1.0/Files").json()
    assert files["TotalCount"] == 2 and files["Items"][0]["Name"] == "receipt-0042.pdf"


def test_user_roles(sim: XeroSimulator) -> None:
    eve = sim.issue_token(scopes=["accounting.reports.read", "accounting.settings"], user="eve@example.com")
    assert_problem(call(sim, eve, "GET", "/api.xro/2.0/Reports/BalanceSheet"), 403,
                   "You are not permitted to access this resource without the reporting role")
    assert call(sim, eve, "GET", "/api.xro/2.0/Accounts").status_code == 200
    cara = sim.issue_token(scopes=["accounting.transactions", "accounting.settings"],
                           user="cara@example.com", tenants=["AU"])
    assert call(sim, cara, "GET", "/api.xro/2.0/Invoices").status_code == 200
    assert_problem(call(sim, cara, "GET", "/api.xro/2.0/Accounts"), 403,
                   "Not Permitted: the user doesn't have permission to access the resource")
    dan = sim.issue_token(scopes=["accounting.contacts"], user="dan@example.com", tenants=["NZ"])
    assert call(sim, dan, "GET", "/api.xro/2.0/Contacts", tenant="NZ").status_code == 200
    assert call(sim, dan, "PUT", "/api.xro/2.0/Contacts", tenant="NZ",
                json={"Contacts": [{"Name": "New"}]}).status_code == 403
    ada = sim.issue_token(scopes=["accounting.settings"])
    sim.set_role("ada@example.com", "AU", None)  # removed from the organisation
    assert_problem(call(sim, ada, "GET", "/api.xro/2.0/Accounts"), 403, "AuthenticationUnsuccessful")


def test_writes_live_in_memory(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.transactions"])
    r = call(sim, tok, "PUT", "/api.xro/2.0/Invoices",
             json={"Invoices": [{"Type": "ACCREC", "Contact": {"Name": "Bayside Club"}}]})
    assert r.status_code == 200
    new_id = r.json()["Invoices"][0]["InvoiceID"]
    listed = call(sim, tok, "GET", "/api.xro/2.0/Invoices").json()["Invoices"]
    assert len(listed) == 7 and listed[-1]["InvoiceID"] == new_id
    assert call(sim, tok, "GET", "/api.xro/2.0/Invoices?page=2").json()["Invoices"] == []
    one = call(sim, tok, "GET", f"/api.xro/2.0/Invoices/{new_id}").json()["Invoices"]
    assert one[0]["Type"] == "ACCREC"
    assert call(sim, tok, "GET", "/api.xro/2.0/Invoices/INV-0002").json()["Invoices"][0]["AmountDue"] == 480
    assert call(sim, tok, "GET", f"/api.xro/2.0/Invoices/{GUID}").status_code == 404
    # other organisations are untouched
    assert len(call(sim, tok, "GET", "/api.xro/2.0/Invoices", tenant="UK").json()["Invoices"]) == 6
    bad = call(sim, tok, "PUT", "/api.xro/2.0/Invoices", content=b"{not json",
               headers={"content-type": "application/json"})
    assert bad.status_code == 400


def test_unseeded_collections_answer_one_record_made_from_the_spec(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.transactions", "accounting.settings", "payroll.settings"])
    quotes = call(sim, tok, "GET", "/api.xro/2.0/Quotes").json()
    assert [q["QuoteID"] for q in quotes["Quotes"]] == [r["QuoteID"] for r in sim.records("AU", "accounting", "quotes")]
    assert quotes["Status"] == "OK" and quotes["Quotes"][0]["Date"].startswith("/Date(")
    invoice = sim.records("AU", "accounting", "invoices")[0]["InvoiceID"]
    hist = call(sim, tok, "GET", f"/api.xro/2.0/Invoices/{invoice}/History").json()
    assert len(hist["HistoryRecords"]) == 1
    assert call(sim, tok, "GET", f"/api.xro/2.0/Invoices/{GUID}/History").status_code == 404
    org = call(sim, tok, "GET", "/api.xro/2.0/Organisation").json()["Organisations"][0]
    assert org["CountryCode"] == "AU" and org["OrganisationID"] == sim.tenant("AU").tenant_id
    uk = call(sim, tok, "GET", "/payroll.xro/2.0/Settings", tenant="UK").json()
    assert uk["httpStatusCode"] == "OK" and isinstance(uk["settings"], dict)  # the spec's Accounts object


def test_unknown_ids_are_404_even_in_empty_collections(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.transactions", "accounting.settings", "payroll.settings",
                                  "payroll.employees", "accounting.journals.read", "files"], app="partner")
    zero = "00000000-0000-0000-0000-000000000000"
    assert len(call(sim, tok, "GET", "/payroll.xro/2.0/Deductions", tenant="NZ").json()["deductions"]) == 1
    for path, tenant in ((f"/payroll.xro/2.0/Deductions/{zero}", "NZ"),
                         (f"/payroll.xro/2.0/Deductions/{zero}", "UK"),
                         (f"/payroll.xro/2.0/Employees/{zero}", "NZ"),
                         (f"/api.xro/2.0/Quotes/{GUID}", "AU"),
                         ("/api.xro/2.0/Journals/17", "AU"),
                         ("/api.xro/2.0/TaxRates/NOSUCHTYPE", "AU")):
        r = call(sim, tok, "GET", path, tenant=tenant)
        assert_problem(r, 404, "The resource you have specified cannot be found")
    # a record found by the path's own field (TaxType), and lists keyed by their owner stay lists
    rate = call(sim, tok, "GET", "/api.xro/2.0/TaxRates/OUTPUT").json()["TaxRates"]
    assert [r["TaxType"] for r in rate] == ["OUTPUT"]
    assert call(sim, tok, "GET", f"/files.xro/1.0/Associations/{GUID}").json() == []
    # once written, the collection answers the new id
    refused = call(sim, tok, "POST", "/payroll.xro/2.0/Deductions", tenant="NZ", json={"deductionName": "Union"})
    assert refused.status_code == 400 and "liabilityAccountId is required" in refused.json()["detail"]
    new = call(sim, tok, "POST", "/payroll.xro/2.0/Deductions", tenant="NZ",
               json={"deductionName": "Union", "deductionCategory": "NzOther",
                     "liabilityAccountId": GUID}).json()["deduction"]
    assert new["deductionName"] == "Union"
    got = call(sim, tok, "GET", f"/payroll.xro/2.0/Deductions/{new['deductionId']}", tenant="NZ")
    assert got.status_code == 200 and got.json()["deduction"]["deductionName"] == "Union"


def test_unknown_route_and_wrong_method(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings"])
    assert_problem(call(sim, tok, "GET", "/api.xro/2.0/NoSuchThing"), 404,
                   "The resource you have specified cannot be found")
    assert call(sim, tok, "PATCH", "/api.xro/2.0/Accounts").status_code == 405


def test_index_page_and_appstore(served_sim) -> None:
    sim = served_sim.sim
    page = Client().get(served_sim.url + "/")
    assert page.status_code == 200 and sim.apps["web"].client_id in page.text
    tok = sim.issue_token(scopes=["marketplace.billing"], app="partner")
    r = Client().get(f"{served_sim.url}/appstore/2.0/subscriptions/{GUID}",
                     headers={"Authorization": "Bearer " + tok["access_token"]})
    assert r.status_code == 200 and r.json()["id"] == GUID


def test_updates_and_uploads(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.contacts", "files"])
    contacts = call(sim, tok, "GET", "/api.xro/2.0/Contacts").json()["Contacts"]
    cid = contacts[0]["ContactID"]
    r = call(sim, tok, "POST", f"/api.xro/2.0/Contacts/{cid}", json={"Contacts": [{"Name": "Renamed"}]})
    assert r.status_code == 200 and r.json()["Contacts"][0]["ContactID"] == cid
    assert call(sim, tok, "GET", f"/api.xro/2.0/Contacts/{cid}").json()["Contacts"][0]["Name"] == "Renamed"
    assert call(sim, tok, "POST", f"/api.xro/2.0/Contacts/{GUID}", json={"Name": "x"}).status_code == 404
    up = call(sim, tok, "POST", "/files.xro/1.0/Files", files={"file": ("a.txt", b"hello")})
    assert up.status_code == 201 and up.json()["Size"] > 0  # the spec's 201 Created
    assert call(sim, tok, "GET", "/files.xro/1.0/Files").json()["TotalCount"] == 3


@pytest.mark.parametrize(("accept", "status"), [
    ("application/xml", 406), ("text/xml; q=0.9", 406), ("application/atom+xml", 406),
    ("application/json", 200), ("application/xml, application/json", 200), ("*/*", 200),
    ("application/*", 200), (None, 200),
])
def test_a_client_asking_for_xml_only_is_told_the_simulator_speaks_json(
        sim: XeroSimulator, accept: str | None, status: int) -> None:
    tok = sim.issue_token(scopes=["accounting.settings"], tenants=["AU"])
    headers = {"Accept": accept} if accept else {}
    r = call(sim, tok, "GET", "/api.xro/2.0/Accounts", headers=headers)
    if status == 406:
        body = assert_problem(r, 406, "The simulator answers JSON only: send Accept: application/json "
                                      "(Xero's SDKs do). Xero itself can answer the Accounting API in XML.")
        assert body["Title"] == "Not Acceptable"
    else:
        assert r.status_code == 200 and "Accounts" in r.json()
    # a refusal is the same whatever is accepted: the checks come first
    assert call(sim, None, "GET", "/api.xro/2.0/Accounts", headers=headers).status_code == 401
