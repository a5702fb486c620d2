"""Ids at every depth of a path, the plural /Organisations, and writes that stick until reset()."""

from __future__ import annotations

from typing import Any

import pytest

from xero_nb.http import Client, Response
from xero_nb.simulator import XeroSimulator

API = "https://api.xero.com"
NOBODY = "00000000-0000-4000-8000-000000000000"
NOT_FOUND = "The resource you have specified cannot be found"


def call(sim: XeroSimulator, tok: dict[str, Any], method: str, path: str, tenant: str = "AU",
         **kw: Any) -> Response:
    headers = {"Authorization": "Bearer " + tok["access_token"],
               "xero-tenant-id": sim.tenant(tenant).tenant_id}
    with Client(transport=sim.transport()) as c:
        return c.request(method, API + path, headers=headers, **kw)


def _detail(r: Response) -> str:
    body = r.json()
    return str(body.get("Detail") or body.get("detail"))


@pytest.fixture
def tok(sim_nolimits: XeroSimulator) -> dict[str, Any]:
    return sim_nolimits.issue_token(scopes=["projects", "payroll.employees", "accounting.settings",
                                            "accounting.transactions", "accounting.contacts"])


def test_project_children_are_found_only_under_a_known_project(sim_nolimits: XeroSimulator,
                                                                tok: dict[str, Any]) -> None:
    sim = sim_nolimits
    project = sim.records("AU", "projects", "projects")[0]["projectId"]
    task = sim.records("AU", "projects", "projects/tasks")[0]["taskId"]
    entry = sim.records("AU", "projects", "projects/time")[0]["timeEntryId"]
    base = "/projects.xro/2.0/Projects"
    good = call(sim, tok, "GET", f"{base}/{project}/Tasks/{task}")
    assert good.status_code == 200 and good.json()["taskId"] == task
    assert call(sim, tok, "GET", f"{base}/{project}/Time/{entry}").json()["timeEntryId"] == entry
    for path in (f"{base}/{project}/Tasks/{NOBODY}", f"{base}/{project}/Time/{NOBODY}",
                 f"{base}/{NOBODY}/Tasks/{task}", f"{base}/{NOBODY}/Time/{entry}",
                 f"{base}/{NOBODY}/Tasks", f"{base}/{NOBODY}"):
        r = call(sim, tok, "GET", path)
        assert r.status_code == 404 and _detail(r) == NOT_FOUND, path


def test_uk_employee_leave_404s_at_each_depth(sim_nolimits: XeroSimulator, tok: dict[str, Any]) -> None:
    sim = sim_nolimits
    employee = sim.records("UK", "payroll_uk", "employees")[0]["employeeID"]
    leave = sim.records("UK", "payroll_uk", "employees/leave")[0]["leaveID"]
    base = "/payroll.xro/2.0/Employees"
    ok = call(sim, tok, "GET", f"{base}/{employee}/Leave/{leave}", tenant="UK")
    assert ok.status_code == 200 and ok.json()["leave"]["leaveID"] == leave
    for path in (f"{base}/{employee}/Leave/{NOBODY}", f"{base}/{NOBODY}/Leave/{leave}",
                 f"{base}/{NOBODY}/Leave", f"{base}/{NOBODY}/Tax"):
        r = call(sim, tok, "GET", path, tenant="UK")
        assert r.status_code == 404 and r.json()["detail"] == NOT_FOUND, path  # lower-case problem
    tax = call(sim, tok, "GET", f"{base}/{employee}/Tax", tenant="UK").json()
    assert isinstance(tax["employeeTax"], dict)  # the spec's key, one object


def test_plural_organisations_answers_as_the_singular(sim_nolimits: XeroSimulator, tok: dict[str, Any]) -> None:
    sim = sim_nolimits
    one = call(sim, tok, "GET", "/api.xro/2.0/Organisation").json()
    many = call(sim, tok, "GET", "/api.xro/2.0/Organisations").json()
    assert many["Organisations"] == one["Organisations"]
    assert many["Organisations"][0]["OrganisationID"] == sim.tenant("AU").tenant_id
    bare = sim.issue_token(scopes=["accounting.contacts"])
    assert call(sim, bare, "GET", "/api.xro/2.0/Organisations").status_code == 401  # same scope rule


def test_put_then_get_returns_the_new_record_and_reset_forgets_it(sim_nolimits: XeroSimulator,
                                                                   tok: dict[str, Any]) -> None:
    sim = sim_nolimits
    contact = sim.records("AU", "accounting", "contacts")[0]["ContactID"]
    bank = sim.records("AU", "accounting", "accounts")[0]["AccountID"]
    tx = {"Type": "SPEND", "Contact": {"ContactID": contact}, "BankAccount": {"AccountID": bank},
          "Date": "2026-11-20", "LineItems": [{"Description": "Paper", "UnitAmount": 12.5,
                                                "AccountCode": "429"}]}
    made = call(sim, tok, "PUT", "/api.xro/2.0/BankTransactions", json={"BankTransactions": [tx]})
    assert made.status_code == 200
    new = made.json()["BankTransactions"][0]
    assert new["Date"] == "/Date(1795132800000+0000)/"  # 2026-11-20 in Xero's MS-JSON form
    got = call(sim, tok, "GET", f"/api.xro/2.0/BankTransactions/{new['BankTransactionID']}").json()
    assert got["BankTransactions"][0]["LineItems"][0]["Description"] == "Paper"
    assert len(sim.records("AU", "accounting", "banktransactions")) == 4
    sim.reset()
    assert len(sim.records("AU", "accounting", "banktransactions")) == 3
    gone = call(sim, tok, "GET", f"/api.xro/2.0/BankTransactions/{new['BankTransactionID']}")
    assert gone.status_code == 404


def test_a_bad_body_answers_xeros_validation_exception(sim_nolimits: XeroSimulator,
                                                        tok: dict[str, Any]) -> None:
    sim = sim_nolimits
    r = call(sim, tok, "PUT", "/api.xro/2.0/BankTransactions",
             json={"BankTransactions": [{"Type": "SPENDING", "LineItems": []}]})
    assert r.status_code == 400
    body = r.json()
    assert body["ErrorNumber"] == 10 and body["Type"] == "ValidationException"
    assert body["Message"] == "A validation exception occurred"
    messages = [e["Message"] for e in body["Elements"][0]["ValidationErrors"]]
    assert "BankAccount is required" in messages and "LineItems is required" in messages
    assert any(m.startswith("Type 'SPENDING' is not one of RECEIVE") for m in messages)
    assert len(sim.records("AU", "accounting", "banktransactions")) == 3  # nothing was stored
