"""The organisations' records: seeded reads, in-memory writes, answers shaped by the specs.

Records live per organisation, API and collection (``schemas.collection_of``), and a collection
under a parent record (``/Projects/{projectId}/Tasks``, ``/Invoices/{InvoiceID}/History``) per
parent: its *owner*, the ids the path names before it. Project A's tasks are never project B's,
and a child id under the wrong parent is 404. A collection the seed does not fill gets one record
(per owner) made by the generator from the spec's schema, its parent's id stamped in, so every
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
from xero_nb.simulator.plans import ROUTE_PLANS, Owner, belongs, own_id, parent_chain, route_plan
from xero_nb.simulator.problems import NOT_FOUND, dumps, json_response, problem
from xero_nb.simulator.routes import Match
from xero_nb.simulator.schemas import ApiSchemas, Shape, api_schemas
from xero_nb.simulator.seed import Records, seed
from xero_nb.simulator.wire import Answer
from xero_nb.simulator.writes import apply_write

# The Files API's associations live under each file (/Files/{FileId}/Associations); these read
# them all: /Associations/{ObjectId} (one object's) and /Associations/Count?ObjectIds=a,b.
FILE_ASSOCIATIONS = ("files", "files/associations")
ASSOCIATION_VIEWS = frozenset({"associations", "associations/count"})
APPSTORE = "appstore"  # the pseudo-organisation App Store subscriptions are kept under
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class DataStore:
    """Records per organisation, API and collection, seeded (or generated) on first touch."""

    def __init__(self, orgs: list[DemoOrg], seed_value: int = 0) -> None:
        self._orgs = {o.tenant_id: o for o in orgs}
        self._seeded: dict[str, dict[str, Records]] = {}
        self._data: dict[str, dict[tuple[str, str, tuple[str, ...]], list[dict[str, Any]]]] = {}
        self._gens: dict[str, Generator] = {}
        # rendered answers (JSON bytes, envelope aside) per collection version: writes bump it
        self._versions: dict[tuple[str, str, str, tuple[str, ...]], int] = {}
        self._rendered: dict[tuple[Any, ...], bytes] = {}
        self._envelopes: dict[tuple[str, str, int], tuple[str, str]] = {}
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

    def records(self, tenant_id: str, api: str, collection: str, owner: Owner = ()) -> list[dict[str, Any]]:
        """The live list of a collection (under ``owner``): seeded, else one record the generator makes."""
        org_data = self._data.get(tenant_id)
        if org_data is None:
            org_data = self._data[tenant_id] = {}
        where = (api, collection, tuple(v.lower() for _, v in owner) if owner else ())
        rows = org_data.get(where)
        if rows is None:
            rows = self._initial(tenant_id, api, collection, owner)
            org_data[where] = rows
        return rows

    def listing(self, tenant_id: str, api: str, collection: str,
                parent: str | tuple[str, ...] | None = None) -> list[dict[str, Any]] | None:
        """A collection's records; under a parent, that parent's (``parent``: its ids, outermost
        first), or with ``parent=None`` every parent's in turn. None: a parent is unknown.
        """
        chain = parent_chain(api, collection)
        if not chain:
            return self.records(tenant_id, api, collection)
        if parent is not None:
            ids = (parent,) if isinstance(parent, str) else tuple(parent)
            owner = self._owner(tenant_id, api, chain, ids)
            return None if owner is None else self.records(tenant_id, api, collection, owner)
        out: list[dict[str, Any]] = []
        for owner in self._owners(tenant_id, api, chain):
            out += self.records(tenant_id, api, collection, owner)
        return out

    def _owner(self, tenant_id: str, api: str, chain: list[tuple[str, str]],
               ids: tuple[str, ...]) -> Owner | None:
        """The owner the ids name, each checked against its parent collection (None: unknown)."""
        if len(ids) != len(chain):
            return None
        owner: Owner = ()
        for (name, parent), key in zip(chain, ids, strict=True):
            hit = find(self.records(tenant_id, api, parent, owner), key, name, parent)
            if hit is None:
                return None
            owner += ((name, own_id(hit, name, parent, key)),)
        return owner

    def _owners(self, tenant_id: str, api: str, chain: list[tuple[str, str]]) -> list[Owner]:
        """Every owner along ``chain``, parents in their collections' order."""
        owners: list[Owner] = [()]
        for name, parent in chain:
            owners = [(*owner, (name, own_id(row, name, parent, "")))
                      for owner in owners for row in self.records(tenant_id, api, parent, owner)]
        return owners

    def _initial(self, tenant_id: str, api: str, collection: str, owner: Owner) -> list[dict[str, Any]]:
        if tenant_id not in self._seeded:
            org = self._orgs.get(tenant_id)
            self._seeded[tenant_id] = seed(org) if org is not None else {}
        seeded = self._seeded[tenant_id].get(api, {}).get(collection)
        if seeded is not None:  # a seeded child names its parent in the parent's id field
            return [copy.deepcopy(r) for r in seeded if belongs(r, owner)]
        schemas = api_schemas(api)
        shape = _list_shape(schemas, collection)
        if shape is None or shape.item is None:
            return []
        where = "".join(f"/{v.lower()}" for _, v in owner)
        made = self.generator(api).fake(shape.item, f"{tenant_id}/{api}/{collection}{where}/0", full=True)
        if not isinstance(made, dict):
            return []
        props, _ = schemas.properties(shape.item)
        for name, value in owner:  # the parent's id, where the record has a field for it
            field = next((p for p in props if p.lower() == name.lower()), None)
            if field is not None:
                made[field] = value
        return [made]

    def respond(self, ctx: Ctx, match: Match, org: DemoOrg | None, headers: dict[str, str]) -> Answer:
        """Answer a call that passed every check."""
        ep = match.endpoint
        plan = ROUTE_PLANS.get(id(match.route))  # routes live as long as the route table
        if plan is None:
            plan = ROUTE_PLANS[id(match.route)] = route_plan(ep.api, ep.operation_id, ep.method, ep.path)
        shape, last, owner_list, parents = plan
        tenant = org.tenant_id if org is not None else APPSTORE
        params = match.params
        owner: Owner = ()
        if ep.api != APPSTORE:  # every id before the last names a record that must exist (else 404)
            for name, parent in parents:
                named = params.get(name, "")
                hit = find(self.records(tenant, ep.api, parent, owner), named, name, parent)
                if hit is None:
                    return self._missing(ctx, ep.api, headers)
                if not owner_list or name != last:
                    owner += ((name, own_id(hit, name, parent, named)),)
        collection = shape.collection
        if ep.method != "GET":
            where = (tenant, ep.api, collection, tuple(v.lower() for _, v in owner))
            self._versions[where] = self._versions.get(where, 0) + 1
            return apply_write(self, ctx, shape, tenant, params.get(last or "", None), last, headers,
                               owner)
        if ep.api == "files" and collection in ASSOCIATION_VIEWS:
            return self._associations(ctx, shape, tenant, params.get(last or ""), headers)
        rows = self.records(tenant, ep.api, collection, owner)
        if ep.api == APPSTORE and last == "subscriptionId":  # any subscription id is the caller's
            rows = [{**(rows[0] if rows else {}), "id": params[last], "status": "ACTIVE"}]
        elif last is not None and owner_list:  # the owner's records (an unknown owner has none)
            value = params.get(last, "").lower()
            rows = [r for r in rows if str(r.get(exact(r, last) or "", value)).lower() == value]
        elif last is not None:
            hit = find(rows, params.get(last, ""), last, collection)
            if hit is None:
                return self._missing(ctx, ep.api, headers)
            rows = [hit]
        page = ctx.query("page") if ctx.request.query else None
        paged = page is not None and page.isdigit() and int(page) > 1 and last is None
        if paged:
            rows = []  # every seeded collection fits on page 1, so paging loops end
        ids = tuple(v.lower() for _, v in owner) if owner else ()
        version = self._versions.get((tenant, ep.api, collection, ids), 0)
        key = (tenant, ep.operation_id, ep.api, version, ids, params.get(last or ""), paged)
        return self.answer(ctx, shape, rows, headers, key=key)

    def _associations(self, ctx: Ctx, shape: Shape, tenant: str, object_id: str | None,
                      headers: dict[str, str]) -> Answer:
        """/Associations/{ObjectId} and /Associations/Count, read from every file's associations."""
        every = self.listing(tenant, *FILE_ASSOCIATIONS) or []
        if shape.collection == "associations/count":
            asked = [i for v in ctx.request.params("ObjectIds") for i in v.split(",") if i.strip()]
            counts = {i.strip(): sum(1 for a in every if str(a.get("ObjectId", "")).lower()
                                     == i.strip().lower()) for i in asked}
            return json_response(200, counts, ctx.cid, headers)
        value = (object_id or "").lower()
        rows = [a for a in every if str(a.get("ObjectId", "")).lower() == value]
        return self.answer(ctx, shape, rows, headers)

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
            head = self._envelope(ctx, gen, shape, 1 if not shape.many else len(rows))
            body = head + payload + b"}"
        return Answer.built(code, [("Content-Type", "application/json; charset=utf-8"),
                                   ("Xero-Correlation-Id", ctx.cid), *headers.items()], body)

    def _envelope(self, ctx: Ctx, gen: Generator, shape: Shape, n: int) -> bytes:
        """The envelope's JSON up to its slot's value: ``{"Id":...,"Status":"OK",...,"Invoices":``."""
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
            rest = dumps(tail)[1:-1].decode()  # '"pagination":{...},"TotalCount":2' or ''
            slot = dumps(shape.slot).decode()
            hit = self._envelopes[key] = (style, rest + ("," if rest else "") + slot + ":")
        style, rest = hit
        # Each call's own part (correlation id, time) is spelled here: no JSON encoder per call.
        if style == "pascal":
            head = (f'{{"Id":"{ctx.cid}","Status":"OK","ProviderName":"xero-nb simulator",'
                    f'"DateTimeUTC":"/Date({int(ctx.now * 1000)}+0000)/",')
        elif style == "payroll2":
            head = f'{{"id":"{ctx.cid}","providerName":"xero-nb simulator","httpStatusCode":"OK",'
        else:
            head = "{"
        return (head + rest).encode()


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

