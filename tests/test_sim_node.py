"""xero-node (Xero's official Node SDK) calls every GET method it has against ``XeroSimulator().serve()``.

``tests/node/drive.js`` runs in ``node`` with the xero-node that ``make node`` installs into
``.node/`` (pinned by ``tests/node/package-lock.json``): it points each of the SDK's API classes,
``/connections`` and identity at the 127.0.0.1 server, calls each GET method with ids taken from
the simulator's seeded lists and a token holding every scope, and prints what the SDK returned,
written back under the wire names of its model classes. Each answer must parse with no exception,
and no field the spec requires may be missing or empty in the objects xero-node builds (the SDK
quietly fills an object of the wrong shape with nothing, so parsing alone proves little).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import test_sim_spec_walk as walk
from test_sim_validator import response_schema, spec, success

from xero_nb.catalog.index import load_catalog
from xero_nb.models import Endpoint
from xero_nb.simulator import SimServer, XeroSimulator

ROOT = Path(__file__).resolve().parents[1]
DRIVER = ROOT / "tests" / "node" / "drive.js"
MODULES = ROOT / ".node" / "node_modules"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed: the xero-node test needs "
                                                     "Node.js (and npm, for `make node`)")
# The SDK's required query arguments, by its (normalised) argument name.
QUERY = {"status": "REGISTERED", "fromdate": "2026-10-01", "todate": "2026-10-31",
         "contenttype": "application/octet-stream"}
# Operations of the vendored specs that xero-node 20.0.0 has no method for.
SDK_LACKS: dict[tuple[str, str], str] = {}


def norm(name: str) -> str:
    """An argument name as the driver matches it: lower case, no ``-`` or ``_``."""
    return name.replace("-", "").replace("_", "").lower()


def node_env() -> dict[str, str]:
    return {**os.environ, "NODE_PATH": str(MODULES)}


def drive(mode: str, payload: dict[str, Any] | None = None) -> Any:
    """Run the driver; its stdout is one JSON document."""
    assert NODE is not None
    proc = subprocess.run([NODE, str(DRIVER), mode], input=json.dumps(payload or {}),
                          capture_output=True, text=True, env=node_env(), timeout=300, check=False)
    assert proc.returncode == 0, f"drive.js {mode} failed:\n{proc.stderr[-2000:]}"
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def sdk_gets() -> dict[tuple[str, str], dict[str, Any]]:
    """The SDK's GET methods, by (catalog API, method name)."""
    if not (MODULES / "xero-node" / "package.json").is_file():
        pytest.fail("xero-node is not installed: run `make node` (npm install into .node/ from "
                    "tests/node/package-lock.json)")
    return {(m["api"], m["method"]): m for m in drive("list")}


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[XeroSimulator, SimServer, dict[str, Any]]]:
    sim = XeroSimulator(limits=False, record_calls=False)
    token = walk.full_access(sim)
    token["expires_at"] = time.time() + token["expires_in"]
    with sim.serve() as server:
        yield sim, server, token


def _catalog_gets(sdk: dict[tuple[str, str], dict[str, Any]]) -> list[Endpoint]:
    apis = {api for api, _ in sdk}
    return [ep for ep in load_catalog()
            if ep.method == "GET" and ep.api in apis and ep.source == "spec"]


def _args(sim: XeroSimulator, ep: Endpoint) -> dict[str, Any]:
    """Every value a method of this endpoint may need, by normalised argument name."""
    tenant = walk.tenant_of(sim, ep)
    contact = sim.records("AU", "accounting", "contacts")[0]["ContactID"]
    args: dict[str, Any] = {norm(k): v for k, v in walk.path_ids(sim, ep).items()}
    args.setdefault("contactid", contact)
    args.setdefault("bankaccountid", sim.records("AU", "accounting", "accounts")[0]["AccountID"])
    args.setdefault("objectids", [contact])
    if "payrunid" not in args and ep.payroll_region is not None:
        runs = sim.records(tenant, ep.api, "payruns")
        if runs:
            args["payrunid"] = next(v for k, v in runs[0].items() if k.lower() == "payrunid")
    args["xerotenantid"] = tenant
    for name, value in QUERY.items():
        args.setdefault(name, value)
    return args


def _resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = doc["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _props(doc: dict[str, Any], node: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    node = _resolve(doc, node)
    props = dict(node.get("properties") or {})
    required = list(node.get("required") or [])
    for part in node.get("allOf") or []:
        p, r = _props(doc, part)
        props.update(p)
        required += r
    return props, required


def empty_required(doc: dict[str, Any], node: dict[str, Any], value: Any, where: str = "",
                   depth: int = 0) -> list[str]:
    """Where ``value`` (the SDK's object) leaves a field the spec requires missing or empty."""
    node = _resolve(doc, node)
    if value == "<invalid date>":
        return [f"{where or '<root>'}: the SDK could not read the date"]
    if depth > 12:
        return []
    if isinstance(value, list):
        items = node.get("items")
        if items is None:
            return []
        return [p for i, v in enumerate(value) for p in empty_required(doc, items, v, f"{where}/{i}", depth + 1)]
    if not isinstance(value, dict) or "<bytes>" in value:
        return []
    props, required = _props(doc, node)
    # A required name the schema never defines (FileObject's "manufacturer") is a slip in the
    # spec that no SDK model can hold: only defined fields count.
    out = [f"{where}/{name}: required, but the SDK's object has it empty"
           for name in required if name in props and value.get(name) in (None, "")]
    for name, sub in props.items():
        if name in value:
            out += empty_required(doc, sub, value[name], f"{where}/{name}", depth + 1)
    return out


@needs_node
def test_the_driver_lists_the_sdks_get_methods(sdk_gets: dict[tuple[str, str], dict[str, Any]]) -> None:
    assert len(sdk_gets) >= 200
    inv = sdk_gets[("accounting", "getInvoice")]
    assert inv["params"][:2] == ["xeroTenantId", "invoiceID"] and inv["type"] == "Invoices"
    assert {api for api, _ in sdk_gets} >= {"accounting", "assets", "files", "projects", "payroll_au",
                                            "payroll_nz", "payroll_uk", "appstore", "finance"}


@needs_node
def test_every_xero_node_get_method_parses_the_simulators_answer(
        sdk_gets: dict[tuple[str, str], dict[str, Any]],
        served: tuple[XeroSimulator, SimServer, dict[str, Any]]) -> None:
    sim, server, token = served
    eps = _catalog_gets(sdk_gets)
    assert len(eps) >= 200
    failures: list[str] = []
    calls = []
    for ep in eps:
        if (ep.api, ep.operation_id) not in sdk_gets:
            if (ep.api, ep.operation_id) not in SDK_LACKS:
                failures.append(f"{ep.api}.{ep.operation_id}: xero-node has no such method")
            continue
        calls.append({"api": ep.api, "method": ep.operation_id, "args": _args(sim, ep)})
    results = drive("call", {"origin": server.url, "token": token["access_token"], "calls": calls,
                             "tenants": True})
    assert token["access_token"] not in json.dumps(results)  # the driver never prints the token
    by_ep = {(ep.api, ep.operation_id): ep for ep in eps}
    tenants = results[0]
    assert tenants["method"] == "updateTenants" and tenants["ok"], tenants
    assert {t["tenantId"] for t in tenants["body"]} >= {sim.tenant("AU").tenant_id, sim.tenant("UK").tenant_id}
    assert all(t["orgData"]["OrganisationID"] == t["tenantId"] for t in tenants["body"])
    assert len(results) == len(calls) + 1
    for res in results[1:]:
        name = f"{res['api']}.{res['method']}"
        if not res["ok"]:
            failures.append(f"{name}: {res['error'][:300]}")
            continue
        ep = by_ep[(res["api"], res["method"])]
        ctype, schema = response_schema(ep.api, ep.operation_id, success(ep))
        if schema is None or "json" not in ctype:
            continue
        body = res["body"]
        if body in (None, {}, []):
            failures.append(f"{name}: the SDK returned nothing ({body!r})")
            continue
        failures += [f"{name}: {p}" for p in empty_required(spec(ep.api), schema, body)[:5]]
    assert failures == [], f"{len(failures)} problems over {len(calls)} methods:\n" + "\n".join(failures)


def test_the_required_field_check_catches_an_empty_object() -> None:
    """The checker itself: a wrong-shaped answer becomes an object of nothing in the SDK."""
    doc = spec("assets")
    _, schema = response_schema("assets", "getAssetTypes", 200)
    assert schema is not None
    assert empty_required(doc, schema, [{}]) != []
    good = {"assetTypeName": "Computers", "assetTypeId": "6f1d3c1e-8d0a-4a47-9a53-0c3c2f2b5a10",
            "bookDepreciationSetting": {}}
    assert not any("assetTypeName" in p for p in empty_required(doc, schema, [good]))
    acc = spec("accounting")
    _, inv = response_schema("accounting", "getInvoices", 200)
    assert inv is not None
    assert empty_required(acc, inv, {"Invoices": [{"Date": "<invalid date>"}]}) != []


@needs_node
def test_xero_node_reads_seeded_values_and_each_parents_own_children(
        sdk_gets: dict[tuple[str, str], dict[str, Any]],
        served: tuple[XeroSimulator, SimServer, dict[str, Any]]) -> None:
    """Values, not only shapes: MS-JSON dates become the right Date, children stay with their parent."""
    sim, server, token = served
    au = sim.tenant("AU").tenant_id
    invoice = sim.records("AU", "accounting", "invoices")[0]
    bill = sim.records("AU", "accounting", "invoices")[4]["InvoiceID"]
    project_a, project_b = (p["projectId"] for p in sim.records("AU", "projects", "projects"))
    calls = [
        {"api": "accounting", "method": "getInvoice", "args": {"xerotenantid": au, "invoiceid": invoice["InvoiceID"]}},
        {"api": "files", "method": "getAssociationsCount", "args": {"xerotenantid": au, "objectids": [bill, invoice["InvoiceID"]]}},
        {"api": "files", "method": "getAssociationsByObject", "args": {"xerotenantid": au, "objectid": bill}},
        {"api": "projects", "method": "getTasks", "args": {"xerotenantid": au, "projectid": project_b}},
    ]
    got = {r["method"]: r for r in drive("call", {"origin": server.url, "token": token["access_token"],
                                                  "calls": calls})}
    assert all(r["ok"] for r in got.values()), got
    inv = got["getInvoice"]["body"]["Invoices"][0]
    assert inv["InvoiceID"] == invoice["InvoiceID"] and inv["Date"].startswith("2026-09-03")
    assert got["getAssociationsCount"]["body"] == {bill: 1, invoice["InvoiceID"]: 0}
    assert [a["ObjectId"] for a in got["getAssociationsByObject"]["body"]] == [bill]
    tasks = got["getTasks"]["body"]["items"]
    assert tasks and {t["projectId"] for t in tasks} == {project_b}
    assert {t["taskId"] for t in tasks} == {t["taskId"] for t in sim.records("AU", "projects", "projects/tasks",
                                                                               project_b)}
    assert project_a != project_b
