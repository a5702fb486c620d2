"""Ids at every depth of a path, the plural /Organisations, and writes that stick until reset()."""

from __future__ import annotations

from typing import Any

import pytest

from xero_nb.http import Client, Response
from xero_nb.simulator import SimulatorError, XeroSimulator

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


def test_each_project_has_its_own_tasks_and_time(sim_nolimits: XeroSimulator, tok: dict[str, Any]) -> None:
    sim = sim_nolimits
    a, b = (p["projectId"] for p in sim.records("AU", "projects", "projects"))
    base = "/projects.xro/2.0/Projects"
    lists = {p: call(sim, tok, "GET", f"{base}/{p}/Tasks").json()["items"] for p in (a, b)}
    assert lists[a] and lists[b]
    assert {t["projectId"] for t in lists[a]} == {a} and {t["projectId"] for t in lists[b]} == {b}
    ids_a, ids_b = ({t["taskId"] for t in lists[p]} for p in (a, b))
    assert ids_a.isdisjoint(ids_b)
    assert ids_a == {t["taskId"] for t in sim.records("AU", "projects", "projects/tasks", a)}
    # every project's, in the projects' order, without a parent
    assert [t["taskId"] for t in sim.records("AU", "projects", "projects/tasks")] == (
        [t["taskId"] for t in lists[a]] + [t["taskId"] for t in lists[b]])
    task_b = lists[b][0]["taskId"]
    r = call(sim, tok, "GET", f"{base}/{a}/Tasks/{task_b}")  # B's task under A
    assert r.status_code == 404 and _detail(r) == NOT_FOUND
    assert call(sim, tok, "GET", f"{base}/{b}/Tasks/{task_b}").json()["taskId"] == task_b
    entry_b = sim.records("AU", "projects", "projects/time", b)[0]
    assert entry_b["taskId"] in ids_b  # time is logged against its own project's task
    assert call(sim, tok, "GET", f"{base}/{a}/Time/{entry_b['timeEntryId']}").status_code == 404
    times_a = call(sim, tok, "GET", f"{base}/{a}/Time").json()["items"]
    assert times_a and entry_b["timeEntryId"] not in {t["timeEntryId"] for t in times_a}
    with pytest.raises(SimulatorError):
        sim.records("AU", "projects", "projects/tasks", NOBODY)


def test_a_child_written_under_one_parent_stays_there(sim_nolimits: XeroSimulator, tok: dict[str, Any]) -> None:
    sim = sim_nolimits
    a, b = (p["projectId"] for p in sim.records("AU", "projects", "projects"))
    base = "/projects.xro/2.0/Projects"
    made = call(sim, tok, "POST", f"{base}/{a}/Tasks",
                json={"name": "Launch", "rate": {"currency": "AUD", "value": 100.0}, "chargeType": "TIME",
                      "estimateMinutes": 60})
    assert made.status_code == 201
    new = made.json()
    assert new["projectId"] == a and new["name"] == "Launch"
    assert new["taskId"] in {t["taskId"] for t in call(sim, tok, "GET", f"{base}/{a}/Tasks").json()["items"]}
    assert new["taskId"] not in {t["taskId"] for t in call(sim, tok, "GET", f"{base}/{b}/Tasks").json()["items"]}
    assert call(sim, tok, "GET", f"{base}/{b}/Tasks/{new['taskId']}").status_code == 404
    assert call(sim, tok, "PUT", f"{base}/{b}/Tasks/{new['taskId']}", json={"name": "x"}).status_code == 404
    assert call(sim, tok, "DELETE", f"{base}/{b}/Tasks/{new['taskId']}").status_code == 404
    assert call(sim, tok, "DELETE", f"{base}/{a}/Tasks/{new['taskId']}").status_code == 204
    assert call(sim, tok, "GET", f"{base}/{a}/Tasks/{new['taskId']}").status_code == 404
    # accounting history: a note on one invoice is not another's
    first, second = (i["InvoiceID"] for i in sim.records("AU", "accounting", "invoices")[:2])
    note = {"HistoryRecords": [{"Details": "Called the customer"}]}
    assert call(sim, tok, "PUT", f"/api.xro/2.0/Invoices/{first}/History", json=note).status_code == 200
    history = {i: call(sim, tok, "GET", f"/api.xro/2.0/Invoices/{i}/History").json()["HistoryRecords"]
               for i in (first, second)}
    assert "Called the customer" in [h.get("Details") for h in history[first]]
    assert "Called the customer" not in [h.get("Details") for h in history[second]]
    sim.reset()
    after = call(sim, tok, "GET", f"/api.xro/2.0/Invoices/{first}/History").json()["HistoryRecords"]
    assert "Called the customer" not in [h.get("Details") for h in after]


def test_each_employee_has_its_own_leave(sim_nolimits: XeroSimulator, tok: dict[str, Any]) -> None:
    sim = sim_nolimits
    first, second = (e["employeeID"] for e in sim.records("UK", "payroll_uk", "employees")[:2])
    base = "/payroll.xro/2.0/Employees"
    leave = {e: call(sim, tok, "GET", f"{base}/{e}/Leave", tenant="UK").json()["leave"] for e in (first, second)}
    assert len(leave[first]) == len(leave[second]) == 1
    mine, theirs = leave[first][0]["leaveID"], leave[second][0]["leaveID"]
    assert mine != theirs
    assert call(sim, tok, "GET", f"{base}/{first}/Leave/{mine}", tenant="UK").status_code == 200
    r = call(sim, tok, "GET", f"{base}/{first}/Leave/{theirs}", tenant="UK")
    assert r.status_code == 404 and r.json()["detail"] == NOT_FOUND


def test_file_associations_are_per_file_and_read_by_object(sim_nolimits: XeroSimulator) -> None:
    sim = sim_nolimits
    tok = sim.issue_token(scopes=["files"])
    receipt, lease = (f["Id"] for f in sim.records("AU", "files", "files"))
    bill = sim.records("AU", "accounting", "invoices")[4]["InvoiceID"]
    contact = sim.records("AU", "accounting", "contacts")[0]["ContactID"]
    files = "/files.xro/1.0"
    assert [a["ObjectId"] for a in call(sim, tok, "GET", f"{files}/Files/{receipt}/Associations").json()] == [bill]
    assert bill not in [a["ObjectId"] for a in call(sim, tok, "GET", f"{files}/Files/{lease}/Associations").json()]
    linked = call(sim, tok, "POST", f"{files}/Files/{lease}/Associations",
                  json={"ObjectId": contact, "ObjectGroup": "Contact", "ObjectType": "Business"})
    assert linked.status_code == 201 and linked.json()["FileId"] == lease
    by_object = call(sim, tok, "GET", f"{files}/Associations/{contact}").json()
    assert [(a["FileId"], a["ObjectId"]) for a in by_object] == [(lease, contact)]
    count = call(sim, tok, "GET", f"{files}/Associations/Count", params={"ObjectIds": f"{contact},{bill},{NOBODY}"})
    assert count.json() == {contact: 1, bill: 1, NOBODY: 0}
    assert call(sim, tok, "DELETE", f"{files}/Files/{receipt}/Associations/{contact}").status_code == 404
    assert call(sim, tok, "DELETE", f"{files}/Files/{lease}/Associations/{contact}").status_code == 204
    assert call(sim, tok, "GET", f"{files}/Associations/{contact}").json() == []


# Where an unknown id is not an error, as in Xero: any App Store subscription id is the caller's
# own (the billing token names no organisation), and an object with no files attached has an
# empty list of associations.
ANY_ID = {("appstore", "getSubscription", "subscriptionId"),
          ("appstore", "getUsageRecords", "subscriptionId"),
          ("files", "getAssociationsByObject", "ObjectId")}


def test_every_get_answers_404_for_an_unknown_id_at_each_depth() -> None:
    from test_sim_spec_walk import full_access, path_ids, tenant_of

    from xero_nb.catalog.index import load_catalog

    sim = XeroSimulator(limits=False, record_calls=False)
    auth = {"Authorization": "Bearer " + full_access(sim)["access_token"]}
    wrong: list[str] = []
    tried = 0
    with Client(transport=sim.transport()) as c:
        for ep in load_catalog():
            if ep.method != "GET" or "{" not in ep.path or ep.api == "identity":
                continue
            ids = path_ids(sim, ep)
            tenant = tenant_of(sim, ep)
            headers = auth if tenant == "appstore" else {**auth, "xero-tenant-id": tenant}
            for name in ids:
                if (ep.api, ep.operation_id, name) in ANY_ID:
                    continue
                named = {**ids, name: NOBODY}
                url = ep.base_url + "/".join(named[s[1:-1]] if s.startswith("{") else s
                                             for s in ep.path.split("/"))
                tried += 1
                r = c.get(url, headers=headers)
                if r.status_code != 404:
                    wrong.append(f"{r.status_code} {ep.operation_id} {ep.path} ({name} unknown)")
    assert tried > 150 and not wrong, wrong
