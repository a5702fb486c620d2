"""Writes: PUT/POST/PATCH create or update records, DELETE removes them, bad bodies are refused.

A refused body answers as Xero does: on the accounting and payroll-AU APIs a 400 whose body is
a ``ValidationException`` (``ErrorNumber`` 10, ``Elements`` each carrying ``ValidationErrors``);
elsewhere a 400 problem naming the fields.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Protocol

from xero_nb.simulator.context import Ctx
from xero_nb.simulator.gen import Generator
from xero_nb.simulator.lookup import find
from xero_nb.simulator.problems import NOT_FOUND, json_response, problem
from xero_nb.simulator.schemas import Schema, Shape
from xero_nb.simulator.wire import Answer


class DataStore(Protocol):
    """What a write needs of the store (``data.DataStore``)."""

    def records(self, tenant_id: str, api: str, collection: str) -> list[dict[str, Any]]: ...

    def generator(self, api: str) -> Generator: ...

    def answer(self, ctx: Ctx, shape: Shape, rows: list[dict[str, Any]], headers: dict[str, str],
               status: int | None = None) -> Answer: ...

PASCAL = frozenset({"accounting", "payroll_au"})


def parse_body(ctx: Ctx) -> Any:
    """The request's JSON body (a raw upload: only its size); ValueError if the JSON is broken."""
    content = ctx.request.content
    if "json" in ctx.request.headers.get("content-type", "json") or content[:1] in (b"{", b"["):
        return json.loads(content or b"{}")
    return {"Size": len(content)}


def validation_exception(ctx: Ctx, elements: list[dict[str, Any]], headers: dict[str, str]) -> Answer:
    """Xero's 400 ``ValidationException`` body (accounting, payroll AU)."""
    body = {"ErrorNumber": 10, "Type": "ValidationException",
            "Message": "A validation exception occurred", "Elements": elements}
    return json_response(400, body, ctx.cid, headers)


def problems_in(store: DataStore, shape: Shape, entry: dict[str, Any], creating: bool) -> list[str]:
    """What is wrong with one posted record: required fields missing, values outside an enum."""
    if shape.item is None:
        return []
    schemas = store.generator(shape.api).s
    props, required = schemas.properties(shape.item)
    out = []
    if creating:
        out += [f"{name} is required" for name in required
                if name in props and entry.get(name) in (None, "", [])]
    for name, value in entry.items():
        node: Schema = schemas.resolve(props[name]) if name in props else {}
        enum = node.get("enum")
        if enum and value is not None and value not in enum:
            out.append(f"{name} '{value}' is not one of {', '.join(map(str, enum))}")
    return out


def _id_key(store: DataStore, shape: Shape) -> str:
    """The item schema's own id property (``ContactID``, ``projectId``), else a made-up one."""
    props, _ = store.generator(shape.api).s.properties(shape.item or {})
    own = shape.collection.rsplit("/", 1)[-1].rstrip("s").lower()
    for name in props:
        if name.lower() in (own + "id", "id"):
            return name
    pick = next((n for n, p in props.items() if n.endswith(("ID", "Id")) and p.get("format") == "uuid"),
                None)
    if pick:
        return pick
    return own.capitalize() + "ID" if shape.api in PASCAL else own + "Id"


def apply_write(store: DataStore, ctx: Ctx, shape: Shape, tenant: str, key: str | None,
                param: str | None, headers: dict[str, str]) -> Answer:
    """Create, update or delete records of ``shape.collection``, then answer as the spec says."""
    rows = store.records(tenant, shape.api, shape.collection)
    hit = find(rows, key, param or "", shape.collection) if key is not None else None
    if key is not None and hit is None and rows:
        return problem(404, NOT_FOUND, ctx.cid, shape.api, headers=headers, title="NotFound")
    if shape.method == "DELETE":
        if hit is not None:
            rows.remove(hit)
        if shape.kind == "none":
            return Answer(204, headers={**headers, "Xero-Correlation-Id": ctx.cid})
        return store.answer(ctx, shape, [hit] if hit else [], headers)
    try:
        body = parse_body(ctx)
    except ValueError:
        return problem(400, "The request body is not valid JSON", ctx.cid, shape.api,
                       headers=headers, title="ValidationException")
    found = body.get(shape.slot) if isinstance(body, dict) and shape.slot else None
    listed: list[Any] = found if isinstance(found, list) else [found if found is not None else body]
    entries = [e if isinstance(e, dict) else {"Value": e} for e in listed]
    raw = "Size" in body and len(entries) == 1 and entries[0] is body  # an upload, not JSON
    faults = [] if raw else [(e, problems_in(store, shape, e, hit is None)) for e in entries]
    if any(msgs for _, msgs in faults):
        if shape.api in PASCAL:
            return validation_exception(ctx, [{**e, "ValidationErrors": [{"Message": m} for m in msgs]}
                                              for e, msgs in faults], headers)
        detail = "; ".join(m for _, msgs in faults for m in msgs)
        return problem(400, detail, ctx.cid, shape.api, headers=headers, title="ValidationException")
    id_key = _id_key(store, shape)
    out = []
    for entry in entries:
        if hit is not None:
            hit.update(entry)
            out.append(hit)
            continue
        rec = {id_key: str(uuid.uuid4()), **entry}
        rows.append(rec)
        out.append(rec)
    return store.answer(ctx, shape, out, headers)
