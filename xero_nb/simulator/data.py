"""The organisations' records: seeded reads, in-memory writes, answers shaped by the specs.

Records live per organisation, API and collection (``schemas.collection_of``). A collection the
seed does not fill gets one record made by the generator from the spec's schema, so every
operation answers with data and every id in a path can be found. Every answer goes through
``gen.Generator`` against the operation's own response schema.
"""

from __future__ import annotations

import copy
from typing import Any

from xero_nb.simulator.context import Ctx
from xero_nb.simulator.gen import Generator
from xero_nb.simulator.lookup import exact, find
from xero_nb.simulator.orgs import DemoOrg
from xero_nb.simulator.problems import NOT_FOUND, dumps, problem
from xero_nb.simulator.routes import Match
from xero_nb.simulator.schemas import ApiSchemas, Shape, api_schemas
from xero_nb.simulator.seed import Records, seed
from xero_nb.simulator.wire import Answer
from xero_nb.simulator.writes import apply_write

# GET {collection}/{param} answering the records of the owner the parameter names, not one
# record: (api, collection) -> the owner's collection (None: any owner).
OWNER_LISTS: dict[tuple[str, str], str | None] = {
    ("files", "associations"): None,
    ("payroll_uk", "statutoryleaves/summary"): "employees",
}
APPSTORE = "appstore"  # the pseudo-organisation App Store subscriptions are kept under
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class DataStore:
    """Records per organisation, API and collection, seeded (or generated) on first touch."""

    def __init__(self, orgs: list[DemoOrg], seed_value: int = 0) -> None:
        self._orgs = {o.tenant_id: o for o in orgs}
        self._seeded: dict[str, dict[str, Records]] = {}
        self._data: dict[str, dict[tuple[str, str], list[dict[str, Any]]]] = {}
        self._gens: dict[str, Generator] = {}
        # rendered answers (JSON bytes, envelope aside) per collection version: writes bump it
        self._versions: dict[tuple[str, str, str], int] = {}
        self._rendered: dict[tuple[Any, ...], bytes] = {}
        self._envelopes: dict[tuple[str, str, int], tuple[str, dict[str, Any]]] = {}
        self.seed_value = seed_value

    def reset(self) -> None:
        """Forget every write: the next read starts from the seed again."""
        self._data.clear()
        self._versions.clear()
        self._rendered.clear()

    def generator(self, api: str) -> Generator:
        """The generator for one API's schemas."""
        gen = self._gens.get(api)
        if gen is None:
            gen = self._gens[api] = Generator(api_schemas(api))
        return gen

    def records(self, tenant_id: str, api: str, collection: str) -> list[dict[str, Any]]:
        """The live list of a collection: seeded, else one record the generator makes."""
        org_data = self._data.setdefault(tenant_id, {})
        rows = org_data.get((api, collection))
        if rows is None:
            rows = self._initial(tenant_id, api, collection)
            org_data[(api, collection)] = rows
        return rows

    def _initial(self, tenant_id: str, api: str, collection: str) -> list[dict[str, Any]]:
        if tenant_id not in self._seeded:
            org = self._orgs.get(tenant_id)
            self._seeded[tenant_id] = seed(org) if org is not None else {}
        seeded = self._seeded[tenant_id].get(api, {}).get(collection)
        if seeded is not None:
            return copy.deepcopy(seeded)
        schemas = api_schemas(api)
        shape = _list_shape(schemas, collection)
        if shape is None or shape.item is None:
            return []
        made = self.generator(api).fake(shape.item, f"{tenant_id}/{api}/{collection}/0", full=True)
        return [made] if isinstance(made, dict) else []

    def respond(self, ctx: Ctx, match: Match, org: DemoOrg | None, headers: dict[str, str]) -> Answer:
        """Answer a call that passed every check."""
        ep = match.endpoint
        where_ep = (ep.api, ep.operation_id, ep.method, ep.path)
        plan = _ROUTE_PLANS.get(where_ep)
        if plan is None:
            plan = _ROUTE_PLANS[where_ep] = _route_plan(*where_ep)
        shape, last, owner, parents = plan
        tenant = org.tenant_id if org is not None else APPSTORE
        params = match.params
        # every id before the last names a record that must exist (unknown: 404, at any depth)
        for name, parent in parents:
            if parent is None or ep.api == APPSTORE:
                continue
            if find(self.records(tenant, ep.api, parent), params.get(name, ""), name, parent) is None:
                return self._missing(ctx, ep.api, headers)
        if ep.method != "GET":
            where = (tenant, ep.api, shape.collection)
            self._versions[where] = self._versions.get(where, 0) + 1
            return apply_write(self, ctx, shape, tenant, params.get(last or "", None), last, headers)
        rows = self.records(tenant, ep.api, shape.collection)
        if ep.api == APPSTORE and last == "subscriptionId":  # any subscription id is the caller's
            rows = [{**(rows[0] if rows else {}), "id": params[last], "status": "ACTIVE"}]
        elif last is not None and owner:  # the owner's records (an unknown owner has none)
            value = params.get(last, "").lower()
            rows = [r for r in rows if str(r.get(exact(r, last) or "", value)).lower() == value]
        elif last is not None:
            hit = find(rows, params.get(last, ""), last, shape.collection)
            if hit is None:
                return self._missing(ctx, ep.api, headers)
            rows = [hit]
        page = ctx.query("page")
        paged = page is not None and page.isdigit() and int(page) > 1 and last is None
        if paged:
            rows = []  # every seeded collection fits on page 1, so paging loops end
        version = self._versions.get((tenant, ep.api, shape.collection), 0)
        key = (tenant, ep.operation_id, ep.api, version, params.get(last or ""), paged)
        return self.answer(ctx, shape, rows, headers, key=key)

    def _missing(self, ctx: Ctx, api: str, headers: dict[str, str]) -> Answer:
        return problem(404, NOT_FOUND, ctx.cid, api, headers=headers, title="NotFound")

    def answer(self, ctx: Ctx, shape: Shape, rows: list[dict[str, Any]], headers: dict[str, str],
               status: int | None = None, key: tuple[Any, ...] | None = None) -> Answer:
        """``rows`` in the operation's own envelope, every record rendered by its schema.

        ``key`` names this exact answer (collection version included) so it is rendered once.
        """
        code = status or shape.status
        if shape.kind == "none":
            ctype = shape.content_type or "application/octet-stream"
            body = PDF if "pdf" in ctype else b"simulated attachment content\n"
            return Answer(code, headers={**headers, "Content-Type": ctype,
                                           "Xero-Correlation-Id": ctx.cid}, content=body)
        gen = self.generator(shape.api)
        payload = self._rendered.get(key) if key is not None else None
        if payload is None:
            item = shape.item or {}
            rendered = [gen.render(item, r, f"{shape.collection}/{i}") for i, r in enumerate(rows)]
            if shape.kind == "record" or (shape.kind == "slot" and not shape.many):
                payload = dumps(rendered[0] if rendered else gen.fake(item, shape.collection, full=True))
            else:
                payload = dumps(rendered)
            if key is not None:
                if len(self._rendered) > 5000:  # bounded: ids in paths make the key space open
                    self._rendered.clear()
                self._rendered[key] = payload
        if shape.kind in ("array", "record"):
            body = payload
        else:
            n = 1 if not shape.many else len(rows)
            head = dumps(self._envelope(ctx, gen, shape, n))
            body = head[:-1] + (b"," if len(head) > 2 else b"") + dumps(shape.slot) + b":" + payload + b"}"
        return Answer(code, headers={"Content-Type": "application/json; charset=utf-8",
                                       "Xero-Correlation-Id": ctx.cid, **headers}, content=body)

    def _envelope(self, ctx: Ctx, gen: Generator, shape: Shape, n: int) -> dict[str, Any]:
        key = (shape.api, shape.operation_id, n)
        hit = self._envelopes.get(key)
        if hit is None:  # what does not change from call to call, worked out once
            props, _ = gen.s.properties(shape.schema or {})
            style = ("pascal" if shape.api in ("accounting", "payroll_au")
                     else "payroll2" if "problem" in props else "")  # payroll 2.0: AU timesheets, NZ, UK
            tail: dict[str, Any] = {}
            paging = {"page": 1, "pageSize": 100, "pageCount": 1 if n else 0, "itemCount": n}
            if "pagination" in props:
                tail["pagination"] = gen.render(props["pagination"], paging)
            for name, value in (("TotalCount", n), ("Page", 1), ("PerPage", 100)):
                if name in props:
                    tail[name] = value
            hit = self._envelopes[key] = (style, tail)
        style, tail = hit
        body: dict[str, Any] = {}
        if style == "pascal":
            body = {"Id": ctx.cid, "Status": "OK", "ProviderName": "xero-nb simulator",
                    "DateTimeUTC": f"/Date({int(ctx.now * 1000)}+0000)/"}
        elif style == "payroll2":
            body = {"id": ctx.cid, "providerName": "xero-nb simulator", "httpStatusCode": "OK"}
        body.update(tail)  # only ever serialised, so shared safely
        return body


RoutePlan = tuple[Shape, str | None, bool, list[tuple[str, str | None]]]
# Per catalog endpoint (api, operation, method, path): the work its path implies, done once.
_ROUTE_PLANS: dict[tuple[str, str, str, str], RoutePlan] = {}


def _route_plan(api: str, operation_id: str, method: str, path: str) -> RoutePlan:
    """An endpoint's shape, last path parameter, owner flag and the parents its ids must name."""
    shape = api_schemas(api).shape(operation_id, method, path)
    segs = [s for s in path.split("/") if s]
    last = segs[-1][1:-1] if segs and segs[-1].startswith("{") else None
    owner = (api, shape.collection) in OWNER_LISTS
    parents: list[tuple[str, str | None]] = []
    for idx, name in shape_params(segs):
        if name == last and not owner:
            break
        parents.append((name, _parent_collection(segs, idx, api, shape.collection)))
    return shape, last, owner, parents


def shape_params(segs: list[str]) -> list[tuple[int, str]]:
    """``(segment index, name)`` of each path parameter."""
    return [(i, s[1:-1]) for i, s in enumerate(segs) if s.startswith("{")]


def _parent_collection(segs: list[str], idx: int, api: str, own: str) -> str | None:
    """The collection whose record the parameter at ``idx`` names (None: none to check)."""
    head = "/".join(s.lower() for s in segs[:idx] if not s.startswith("{"))
    owner = OWNER_LISTS.get((api, own), "")
    if owner is None:
        return None
    if owner and idx == len(segs) - 1:
        return owner
    return head or None


def _list_shape(schemas: ApiSchemas, collection: str) -> Shape | None:
    """A GET operation answering from ``collection`` (a list one if there is one)."""
    best: Shape | None = None
    for (method, _path), op in schemas.by_path.items():
        if method != "GET":
            continue
        shape = schemas.shape(op)
        if shape.collection != collection or shape.kind == "none":
            continue
        if best is None or (shape.many and shape.kind == "slot" and not best.many):
            best = shape
    return best

