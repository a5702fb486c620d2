"""The specs' answer shapes, from the compact index in ``data/schemas.json``.

Each operation's success answer is read as an *envelope* around one *slot* that holds the
records (``{"Invoices": [...]}``, ``{"employeeTax": {...}}``, ``{"items": [...]}``), as a bare
array of records (``/AssetTypes``), or as one record itself (``/Assets/{id}``, a finance
statement). The records of an operation live in a *collection*, named by the path's literal
segments (``/Projects/{projectId}/Tasks/{taskId}`` -> ``projects/tasks``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

INDEX_PATH = Path(__file__).parent / "data" / "schemas.json"
# Envelope keys that carry no records: paging, problems, warnings.
META_KEYS = frozenset({"pagination", "problem", "Warnings", "TotalCount", "Page", "PerPage"})
# Collections that answer from another collection's records.
ALIASES = {"leaveapplications/v2": "leaveapplications", "inbox": "folders"}
Schema = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Shape:
    """How one operation answers: status, content type, and where its records go."""

    api: str
    operation_id: str
    method: str
    path: str
    status: int
    content_type: str
    schema: Schema | None  # the answer's schema (None: no JSON body)
    kind: str  # "slot" (records under one key), "array" (a bare list), "record" (one record), "none"
    slot: str = ""  # the key holding the records, as the spec spells it
    many: bool = True  # the slot holds a list (else one record)
    item: Schema | None = None  # one record's schema
    collection: str = ""

    @property
    def params(self) -> list[tuple[int, str]]:
        """``(segment index, name)`` of each path parameter, in order."""
        segs = [s for s in self.path.split("/") if s]
        return [(i, s[1:-1]) for i, s in enumerate(segs) if s.startswith("{")]


def collection_of(path: str) -> str:
    """The collection an operation's records live in: its literal segments, lower case."""
    name = "/".join(s for s in path.lower().split("/") if s and not s.startswith("{"))
    return ALIASES.get(name, name)


class ApiSchemas:
    """One API's component schemas and operations."""

    def __init__(self, api: str, entry: dict[str, Any]) -> None:
        self.api = api
        self.schemas: dict[str, Schema] = entry["schemas"]
        self._ops: dict[str, Any] = entry["operations"]
        self._shapes: dict[str, Shape] = {}
        self.by_path = {(row["method"], row["path"].lower()): op for op, row in self._ops.items()}

    def resolve(self, node: Schema) -> Schema:
        """Follow ``$ref`` to the named schema."""
        for _ in range(20):
            ref = node.get("$ref")
            if ref is None:
                return node
            node = self.schemas[ref]
        raise ValueError(f"$ref loop in {self.api}")

    def properties(self, node: Schema) -> tuple[dict[str, Schema], list[str]]:
        """An object schema's properties and required names, ``allOf`` parts merged."""
        node = self.resolve(node)
        props: dict[str, Schema] = dict(node.get("properties") or {})
        required: list[str] = list(node.get("required") or [])
        for part in node.get("allOf") or []:
            p, r = self.properties(part)
            props.update(p)
            required.extend(r)
        return props, required

    def operation(self, operation_id: str) -> dict[str, Any] | None:
        """The raw index row of an operation (method, path, responses)."""
        row: dict[str, Any] | None = self._ops.get(operation_id)
        return row

    def request_item(self, operation_id: str, slot: str = "") -> Schema | None:
        """The schema one posted record is checked against: the request body's record (under
        ``slot`` when the body is an envelope), None when the spec gives no JSON body.
        """
        row = self._ops.get(operation_id)
        body: Schema | None = row.get("request") if row else None
        if body is None:
            return None
        root = self.resolve(body)
        if root.get("type") == "array":
            items: Schema = root.get("items") or {}
            return items
        props, _ = self.properties(root)
        inner = props.get(slot) if slot else None
        if inner is not None:
            target = self.resolve(inner)
            return (target.get("items") or {}) if target.get("type") == "array" else inner
        return body

    def shape(self, operation_id: str, method: str = "GET", path: str = "") -> Shape:
        """How this operation answers (cached).

        An operation Xero documents outside its specs (``GET /Reports/BankStatement``) answers
        as its nearest sibling in the spec: the same method under the same first segment, else
        (``GET /AccountingActivities/AccountUsage``, a family the spec lacks) the same method of
        the same API.
        """
        hit = self._shapes.get(operation_id)
        if hit is None:
            if operation_id in self._ops:
                hit = self._shape(operation_id)
            else:
                hit = self._sibling(operation_id, method, path)
            self._shapes[operation_id] = hit
        return hit

    def _sibling(self, operation_id: str, method: str, path: str) -> Shape:
        head = collection_of(path).split("/", 1)[0]
        for same_head in (True, False):
            for op, row in sorted(self._ops.items()):
                row_head = collection_of(row["path"]).split("/", 1)[0]
                if row["method"] != method or (same_head and row_head != head):
                    continue
                near = self._shape(op)
                if near.kind != "none" and not any(s.startswith("{") for s in row["path"].split("/")):
                    return replace(near, operation_id=operation_id, path=path,
                                   collection=collection_of(path))
        raise KeyError(f"{self.api} has no operation like {operation_id} ({method} {path})")

    def _shape(self, operation_id: str) -> Shape:
        op = self._ops[operation_id]
        answers = op["responses"]
        status = next((s for s in ("200", "201", "202", "204") if s in answers), "200")
        ctype, schema = answers.get(status) or ["", None]
        code = 200 if op["method"] == "GET" else int(status)  # a GET's 202 in a spec is still 200
        base = {"api": self.api, "operation_id": operation_id, "method": op["method"],
                "path": op["path"], "status": code, "content_type": ctype or "",
                "schema": schema, "collection": collection_of(op["path"])}
        if schema is None or "json" not in (ctype or ""):
            return Shape(kind="none", **base)
        root = self.resolve(schema)
        if root.get("type") == "array":
            return Shape(kind="array", item=root.get("items") or {}, **base)
        props, _ = self.properties(root)
        payload = [k for k in props if k not in META_KEYS]
        if len(payload) == 1:
            key = payload[0]
            node = props[key]
            target = self.resolve(node)
            if target.get("type") == "array":
                return Shape(kind="slot", slot=key, many=True, item=target.get("items") or {}, **base)
            if "$ref" in node:
                return Shape(kind="slot", slot=key, many=False, item=node, **base)
        return Shape(kind="record", item=schema, **base)


@lru_cache(maxsize=1)
def load_index() -> dict[str, ApiSchemas]:
    """Every API's schemas, read once per process from the shipped index."""
    raw = json.loads(INDEX_PATH.read_text(encoding="utf-8"))
    return {api: ApiSchemas(api, entry) for api, entry in raw["apis"].items()}


def api_schemas(api: str) -> ApiSchemas:
    """One API's schemas (KeyError for an API the specs do not describe)."""
    return load_index()[api]
