"""Posted records checked against the spec's schema, nested objects and arrays included.

``check`` walks one record with the schema of the operation's request body (``schemas.request_item``,
else the record schema of its answer) and returns a ``Fault`` per problem: where it is
(``LineItems[1].Quantity``, ``Contact.ContactID``) and what is wrong. Missing required fields (the
record's own only when creating; a nested object's whenever it is sent), values outside an enum,
values of the wrong kind, malformed GUIDs and dates, text over its ``maxLength``.

It is as lenient as Xero's JSON reader: numbers sent as numeric strings, text sent as numbers,
booleans as ``"true"``/``"false"``, ISO dates where Xero answers MS-JSON, unknown fields ignored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from xero_nb.simulator.gen import date_kind, to_datetime
from xero_nb.simulator.schemas import ApiSchemas, Schema

MAX_DEPTH = 12
Path = tuple[str | int, ...]
# What Xero writes into its answers, never read from a request.
ANSWER_ONLY = frozenset({"ValidationErrors", "Warnings", "HasErrors", "HasValidationErrors",
                         "StatusAttributeString"})


@dataclass(frozen=True, slots=True)
class Fault:
    """One problem: where (a path into the record), what, and the nested object that owns it.

    ``holder`` is the path of the innermost object below the record whose schema carries
    ``ValidationErrors`` (an Invoice's ``Contact``), where Xero repeats the message; None: the record.
    """

    path: Path
    message: str
    holder: Path | None = None


def where(path: Path) -> str:
    """``("LineItems", 1, "Quantity")`` -> ``LineItems[1].Quantity``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "The record"


def check(schemas: ApiSchemas, node: Schema, value: Any, creating: bool = True, path: Path = (),
          holder: Path | None = None, depth: int = 0) -> list[Fault]:
    """Every problem with ``value`` as ``node`` describes it ([]: none)."""
    node = schemas.resolve(node)
    if value is None or depth > MAX_DEPTH:
        return []  # null is "not given" to Xero
    for combiner in ("oneOf", "anyOf"):
        options = node.get(combiner)
        if options:
            tried = [check(schemas, o, value, creating, path, holder, depth) for o in options]
            return [] if any(not t for t in tried) else tried[0]
    kind = node.get("type")
    if kind is None and (node.get("properties") or node.get("allOf")):
        kind = "object"
    if kind == "object":
        return _object(schemas, node, value, creating, path, holder, depth)
    if kind == "array":
        if not isinstance(value, list):
            return [Fault(path, f"{where(path)} must be a list", holder)]
        items = node.get("items") or {}
        return [f for i, v in enumerate(value)
                for f in check(schemas, items, v, creating, (*path, i), holder, depth + 1)]
    message = _scalar(node, kind, value, where(path))
    return [Fault(path, message, holder)] if message else []


def _object(schemas: ApiSchemas, node: Schema, value: Any, creating: bool, path: Path,
            holder: Path | None, depth: int) -> list[Fault]:
    if not isinstance(value, dict):
        return [Fault(path, f"{where(path)} must be an object", holder)]
    props, required = schemas.properties(node)
    if not props:
        return []  # a free-form map
    if path and "ValidationErrors" in props:
        holder = path
    out = []
    if creating or path:  # a nested object sent is a whole one
        out += [Fault((*path, name), f"{where((*path, name))} is required", holder)
                for name in required if name in props and value.get(name) in (None, "", [])]
    for name, sub in props.items():
        if name in value and name not in ANSWER_ONLY:
            out += check(schemas, sub, value[name], creating, (*path, name), holder, depth + 1)
    return out


def _scalar(node: Schema, kind: str | None, value: Any, name: str) -> str | None:
    """What is wrong with one scalar (None: nothing)."""
    if kind not in ("string", "number", "integer", "boolean") and not node.get("enum"):
        return None  # untyped: anything goes
    if isinstance(value, dict | list):
        return f"{name} must be {'a number' if kind in ('number', 'integer') else 'a single value'}"
    enum = node.get("enum")
    if enum and value not in enum:
        return f"{name} '{value}' is not one of {', '.join(map(str, enum))}"
    if kind in ("number", "integer"):
        return None if _numeric(value, kind == "integer") else f"{name} '{value}' is not a number"
    if kind == "boolean":
        if isinstance(value, bool) or str(value).lower() in ("true", "false"):
            return None
        return f"{name} '{value}' is not true or false"
    if date_kind(node) is not None and to_datetime(value) is None:
        return f"{name} '{value}' is not a date"
    text = str(value)
    if node.get("format") == "uuid" and text:
        try:
            uuid.UUID(text)
        except ValueError:
            return f"{name} '{value}' is not a valid GUID"
    limit = node.get("maxLength")
    if isinstance(limit, int) and len(text) > limit:
        return f"{name} must be {limit} characters or less"
    return None


def _numeric(value: Any, whole: bool) -> bool:
    if isinstance(value, bool):
        return False
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return number == number and (not whole or number.is_integer())  # NaN is no number
