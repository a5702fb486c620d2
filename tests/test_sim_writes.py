"""Writes are validated below the top level: nested objects and arrays against the spec's request schema."""

from __future__ import annotations

from typing import Any

import pytest

from xero_nb.http import Client, Response
from xero_nb.simulator import XeroSimulator

API = "https://api.xero.com"


def call(sim: XeroSimulator, tok: dict[str, Any], method: str, path: str, tenant: str = "AU",
         **kw: Any) -> Response:
    headers = {"Authorization": "Bearer " + tok["access_token"],
               "xero-tenant-id": sim.tenant(tenant).tenant_id}
    with Client(transport=sim.transport()) as c:
        return c.request(method, API + path, headers=headers, **kw)


@pytest.fixture
def tok(sim_nolimits: XeroSimulator) -> dict[str, Any]:
    return sim_nolimits.issue_token(scopes=["accounting.transactions", "accounting.contacts",
                                            "payroll.employees", "projects"])


def _invoice(sim: XeroSimulator, **changes: Any) -> dict[str, Any]:
    contact = sim.records("AU", "accounting", "contacts")[0]["ContactID"]
    inv: dict[str, Any] = {"Type": "ACCREC", "Contact": {"ContactID": contact}, "Date": "2026-11-20",
                           "LineItems": [{"Description": "Consulting", "Quantity": 2, "UnitAmount": 150.0,
                                          "AccountCode": "200"}]}
    inv.update(changes)
    return inv


def test_nested_faults_answer_a_validation_exception_per_element(sim_nolimits: XeroSimulator,
                                                                  tok: dict[str, Any]) -> None:
    sim = sim_nolimits
    bad = _invoice(sim, Contact={"ContactID": "not-a-guid", "Name": "Bayside Club"}, Date="someday",
                   LineItems=[{"Description": "ok", "Quantity": 1, "UnitAmount": 10},
                              {"Description": "Widgets", "Quantity": "lots", "UnitAmount": 5,
                               "Tracking": {"Name": "Region"}}])
    good = _invoice(sim)
    before = len(sim.records("AU", "accounting", "invoices"))
    r = call(sim, tok, "PUT", "/api.xro/2.0/Invoices", json={"Invoices": [bad, good]})
    assert r.status_code == 400
    body = r.json()
    assert (body["ErrorNumber"], body["Type"], body["Message"]) == (
        10, "ValidationException", "A validation exception occurred")
    first, second = body["Elements"]
    messages = [e["Message"] for e in first["ValidationErrors"]]
    assert messages == ["Contact.ContactID 'not-a-guid' is not a valid GUID",
                        "Date 'someday' is not a date",
                        "LineItems[1].Quantity 'lots' is not a number",
                        "LineItems[1].Tracking must be a list"]
    # the nested Contact (its schema carries ValidationErrors) repeats its own message, as Xero does
    assert first["Contact"]["ValidationErrors"] == [{"Message": messages[0]}]
    assert first["LineItems"][1]["Quantity"] == "lots"  # the element echoes what was sent
    assert second["ValidationErrors"] == []
    assert len(sim.records("AU", "accounting", "invoices")) == before  # nothing was stored


def test_nested_values_xero_reads_are_accepted(sim_nolimits: XeroSimulator, tok: dict[str, Any]) -> None:
    sim = sim_nolimits
    inv = _invoice(sim, LineItems=[{"Description": "Hours", "Quantity": "2.5", "UnitAmount": "150",
                                    "Tracking": [{"Name": "Region", "Option": "North"}]}])
    r = call(sim, tok, "PUT", "/api.xro/2.0/Invoices", json={"Invoices": [inv]})
    assert r.status_code == 200, r.text
    made = r.json()["Invoices"][0]
    assert made["LineItems"][0]["Quantity"] == 2.5 and made["Date"] == "/Date(1795132800000+0000)/"


def test_a_nested_objects_required_fields_and_lists_of_references(sim_nolimits: XeroSimulator,
                                                                    tok: dict[str, Any]) -> None:
    sim = sim_nolimits
    employee = {"title": "Ms", "firstName": "Ada", "lastName": "Byron", "dateOfBirth": "1990-12-10",
                "gender": "F", "address": {"addressLine1": "1 Main St"}}
    r = call(sim, tok, "POST", "/payroll.xro/2.0/Employees", tenant="UK", json=employee)
    assert r.status_code == 400
    body = r.json()
    assert body["invalidFields"] == [{"name": "address.city", "reason": "address.city is required"},
                                     {"name": "address.postCode", "reason": "address.postCode is required"}]
    assert "address.city is required" in body["detail"]
    employee["address"].update(city="London", postCode="EC1A 1BB")
    assert call(sim, tok, "POST", "/payroll.xro/2.0/Employees", tenant="UK", json=employee).status_code == 200
    # an array of objects, each checked: a contact group's contacts must be objects with GUIDs
    group = {"ContactGroups": [{"Name": "VIP"}]}
    made = call(sim, tok, "PUT", "/api.xro/2.0/ContactGroups", json=group)
    assert made.status_code == 200
    gid = made.json()["ContactGroups"][0]["ContactGroupID"]
    r = call(sim, tok, "PUT", f"/api.xro/2.0/ContactGroups/{gid}/Contacts",
             json={"Contacts": [{"ContactID": "nope"}, "just text"]})
    assert r.status_code == 400
    elements = r.json()["Elements"]
    assert [e["ValidationErrors"] for e in elements] == [
        [{"Message": "ContactID 'nope' is not a valid GUID"}], [{"Message": "The record must be an object"}]]


def test_projects_answer_model_state(sim_nolimits: XeroSimulator, tok: dict[str, Any]) -> None:
    sim = sim_nolimits
    project = sim.records("AU", "projects", "projects")[0]["projectId"]
    r = call(sim, tok, "POST", f"/projects.xro/2.0/Projects/{project}/Tasks",
             json={"name": "Launch", "chargeType": "TIME", "rate": {"currency": "AUD", "value": "a lot"}})
    assert r.status_code == 400
    assert r.json()["modelState"] == {"rate.value": ["rate.value 'a lot' is not a number"]}
