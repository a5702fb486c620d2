"""Writes: PUT/POST/PATCH create or update records, DELETE removes them, bad bodies are refused.

Each posted record is checked by ``validate.check`` against the spec's request schema, nested
objects and arrays included. A refused body answers as Xero does: on the accounting and
payroll-AU APIs a 400 whose body is a ``ValidationException`` (``ErrorNumber`` 10, one of
``Elements`` per posted record, each echoing it with its own ``ValidationErrors``, and a nested
object whose schema has ``ValidationErrors``, such as an Invoice's ``Contact``, its own too);
on payroll 2.0 a problem with ``invalidFields`` (``name``, ``reason``), on projects one with
``modelState`` (field -> messages); elsewhere a 400 problem naming the fields.
"""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any, Protocol

from xero_nb.simulator.context import Ctx
from xero_nb.simulator.gen import Generator
from xero_nb.simulator.lookup import find
from xero_nb.simulator.plans import Owner
from xero_nb.simulator.problems import NOT_FOUND, json_response, problem
from xero_nb.simulator.schemas import Shape
from xero_nb.simulator.validate import Fault, check, where
from xero_nb.simulator.wire import Answer


class DataStore(Protocol):
    """What a write needs of the store (``data.DataStore``)."""

    def records(self, tenant_id: str, api: str, collection: str,
                owner: Owner = ()) -> list[dict[str, Any]]: ...

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


PAYROLL_2 = frozenset({"payroll_nz", "payroll_uk", "payroll_au_v2"})


def problems_in(store: DataStore, shape: Shape, entry: Any, creating: bool) -> list[Fault]:
    """What is wrong with one posted record, at any depth ([]: nothing)."""
    schemas = store.generator(shape.api).s
    node = schemas.request_item(shape.operation_id, shape.slot) or shape.item
    if node is None:
        return []
    return check(schemas, node, entry, creating)


def element(entry: Any, faults: list[Fault]) -> dict[str, Any]:
    """One ``Elements`` item: the posted record with its messages, and each nested holder's own."""
    out: dict[str, Any] = copy.deepcopy(entry) if isinstance(entry, dict) else {"Value": entry}
    for fault in faults:
        target: Any = out
        for part in fault.holder or ():
            if isinstance(target, dict) and isinstance(part, str):
                target = target.get(part)
            elif isinstance(target, list) and isinstance(part, int) and part < len(target):
                target = target[part]
            else:
                target = None
        if fault.holder and isinstance(target, dict):
            target.setdefault("ValidationErrors", []).append({"Message": fault.message})
    out["ValidationErrors"] = [{"Message": f.message} for f in faults]
    return out


def refusal(ctx: Ctx, shape: Shape, faults: list[tuple[Any, list[Fault]]], headers: dict[str, str]) -> Answer:
    """The 400 for records that failed validation, in the API's own shape."""
    if shape.api in PASCAL:
        return validation_exception(ctx, [element(e, fs) for e, fs in faults], headers)
    every = [f for _, fs in faults for f in fs]
    detail = "; ".join(f.message for f in every)
    extra: dict[str, Any] | None = None
    if shape.api in PAYROLL_2:  # the spec's Problem: invalidFields
        extra = {"invalidFields": [{"name": where(f.path), "reason": f.message} for f in every]}
    elif shape.api == "projects":  # the spec's Error: message and modelState
        state: dict[str, list[str]] = {}
        for f in every:
            state.setdefault(where(f.path), []).append(f.message)
        extra = {"message": detail, "modelState": state}
    return problem(400, detail, ctx.cid, shape.api, headers=headers, title="ValidationException",
                   extra=extra)


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
                param: str | None, headers: dict[str, str], owner: Owner = ()) -> Answer:
    """Create, update or delete records of ``shape.collection`` (under ``owner``), then answer.

    A new child record carries its parent's id where its schema has a field for it.
    """
    rows = store.records(tenant, shape.api, shape.collection, owner)
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
    raw = isinstance(body, dict) and "Size" in body and len(listed) == 1 and listed[0] is body  # an upload
    faults = [] if raw else [(e, problems_in(store, shape, e, hit is None)) for e in listed]
    if any(fs for _, fs in faults):
        return refusal(ctx, shape, faults, headers)
    entries = [e if isinstance(e, dict) else {"Value": e} for e in listed]
    id_key = _id_key(store, shape)
    props, _ = store.generator(shape.api).s.properties(shape.item or {})
    stamp = {field: value for name, value in owner
             for field in props if field.lower() == name.lower()}
    out = []
    for entry in entries:
        if hit is not None:
            hit.update(entry)
            out.append(hit)
            continue
        rec = {id_key: str(uuid.uuid4()), **entry, **stamp}
        rows.append(rec)
        out.append(rec)
    return store.answer(ctx, shape, out, headers)
