"""Every catalog GET answers 200 with a body that fits the spec's schema for that operation."""

from __future__ import annotations

from typing import Any

import pytest
from test_sim_validator import response_schema, success, violations

from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.scopes import RESTRICTED_SCOPES
from xero_nb.http import Client
from xero_nb.models import Endpoint
from xero_nb.simulator import XeroSimulator

# Path parameters that name a record of another collection than the path's own prefix.
PARAM_SOURCES = {
    ("payroll_uk", "getStatutoryLeaveSummary", "EmployeeID"): ("payroll_uk", "employees"),
    ("files", "getAssociationsByObject", "ObjectId"): ("files", "files/associations"),
}


def _id_of(row: dict[str, Any], param: str, collection: str) -> str:
    """The value of the field a path parameter names (``id`` on /Assets is ``assetId``)."""
    by_lower = {k.lower(): k for k in row}
    own = collection.rsplit("/", 1)[-1].rstrip("s") + "id"
    for name in (param.lower(), own):
        if name in by_lower:
            return str(row[by_lower[name]])
    return str(next(v for k, v in row.items() if k.endswith(("ID", "Id"))))


def tenant_of(sim: XeroSimulator, ep: Endpoint) -> str:
    return sim.tenant(ep.payroll_region or "AU").tenant_id if ep.tenant_header else "appstore"


def path_ids(sim: XeroSimulator, ep: Endpoint) -> dict[str, str]:
    """A value for each path parameter, from the simulator's seeded (or generated) records."""
    segs = ep.path.split("/")
    out: dict[str, str] = {}
    tenant = tenant_of(sim, ep)
    parents: tuple[str, ...] = ()  # the ids named so far: a child is taken from its own parent
    for i, seg in enumerate(segs):
        if not seg.startswith("{"):
            continue
        name = seg[1:-1]
        source = PARAM_SOURCES.get((ep.api, ep.operation_id, name))
        api, coll = source or (ep.api, "/".join(s.lower() for s in segs[:i] if s and not s.startswith("{")))
        if ep.api == "appstore":
            out[name] = "5e6f1d2c-0000-4a47-9a53-0c3c2f2b5a10"  # any subscription is the caller's own
            continue
        rows = sim.records(tenant, api, coll, parents or None) if source is None else sim.records(tenant, api, coll)
        assert rows, f"{ep}: no records in {api}:{coll} to take {name} from"
        out[name] = _id_of(rows[0], name, coll)
        parents += (out[name],)
    return out


def _url(sim: XeroSimulator, ep: Endpoint) -> str:
    ids = path_ids(sim, ep)
    return ep.base_url + "/".join(ids[s[1:-1]] if s.startswith("{") else s for s in ep.path.split("/"))


def full_access(sim: XeroSimulator) -> dict[str, Any]:
    """A token holding every scope the specs name, for an app Xero approved for all of them."""
    sim.add_app("everything", era="broad", tier="enterprise", approved_scopes=set(RESTRICTED_SCOPES) | {
        "bankfeeds", "finance.statements.read", "finance.cashvalidation.read",
        "finance.bankstatementsplus.read", "marketplace.billing", "paymentservices"})
    scopes = sorted({s for ep in load_catalog() for s in ep.scopes})
    return sim.issue_token(scopes=scopes, app="everything")


@pytest.fixture(scope="module")
def walker() -> tuple[XeroSimulator, dict[str, str]]:
    sim = XeroSimulator(limits=False, record_calls=False)
    return sim, {"Authorization": "Bearer " + full_access(sim)["access_token"]}


def json_gets() -> list[Endpoint]:
    """Every catalog GET whose 200 answer the spec gives as JSON."""
    out = []
    for ep in load_catalog():
        if ep.method != "GET" or ep.api == "identity" or ep.source != "spec":
            continue
        ctype, schema = response_schema(ep.api, ep.operation_id, success(ep))
        if schema is not None and "json" in ctype:
            out.append(ep)
    return out


def test_every_get_answers_as_the_spec_says(walker: tuple[XeroSimulator, dict[str, str]]) -> None:
    sim, auth = walker
    eps = json_gets()
    assert len(eps) > 200  # the walk covers the whole catalog, not a sample
    failures: list[str] = []
    with Client(transport=sim.transport()) as client:
        for ep in eps:
            headers = dict(auth)
            if ep.tenant_header:
                headers["xero-tenant-id"] = tenant_of(sim, ep)
            r = client.get(_url(sim, ep), headers=headers)
            if r.status_code != 200:
                failures.append(f"{ep.api}.{ep.operation_id}: {r.status_code} {r.text[:120]}")
                continue
            for v in violations(ep.api, ep.operation_id, success(ep), r.json()):
                failures.append(f"{ep.api}.{ep.operation_id}: {v}")
    assert failures == [], f"{len(failures)} violations:\n" + "\n".join(failures)

