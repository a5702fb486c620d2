"""The one generator: records and envelopes shaped by the specs' schemas.

``render`` takes a hint (a seeded or written record, in any date form) and returns it as the
schema says Xero sends it: only the schema's properties, every required one present, dates as
``/Date(1573755038314+0000)/`` where the spec marks ``x-is-msdate``/``x-is-msdate-time`` (the
accounting and payroll-AU APIs) and ISO 8601 elsewhere, enums from the enum, numbers as
numbers, UUIDs where the format says so. ``fake`` makes a whole record from the schema alone,
deterministic from its ``key``.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from xero_nb.simulator.schemas import ApiSchemas, Schema

MAX_DEPTH = 8  # nested required objects deeper than this are left out (schemas may recurse)
DEFAULT_DAY = datetime(2026, 11, 1, tzinfo=UTC)
_MS = re.compile(r"/Date\((-?\d+)([+-]\d{4})?\)/")
_NAMESPACE = uuid.UUID("6f1d3c1e-8d0a-4a47-9a53-0c3c2f2b5a10")
SCALARS = frozenset({"string", "number", "integer", "boolean"})


def to_datetime(value: Any) -> datetime | None:
    """A date from ``/Date(ms+zone)/``, ISO 8601 (date or date-time, ``Z`` allowed), or epoch."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str):
        return None
    m = _MS.fullmatch(value.strip())
    if m:
        return datetime.fromtimestamp(int(m.group(1)) / 1000, UTC)
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def ms_json(moment: datetime) -> str:
    """Xero's MS-JSON form, ``/Date(1573755038314+0000)/``."""
    return f"/Date({int(moment.timestamp() * 1000)}+0000)/"


def date_kind(node: Schema) -> str | None:
    """``ms`` (MS-JSON), ``date`` (ISO date), ``datetime`` (ISO date-time) or None."""
    if node.get("x-is-msdate") or node.get("x-is-msdate-time"):
        return "ms"
    if node.get("format") == "date" or node.get("x-is-date"):
        return "date"
    if node.get("format") == "date-time" or node.get("x-is-datetime"):
        return "datetime"
    return None


def format_date(moment: datetime, kind: str) -> str:
    """A moment in the given ``date_kind``."""
    if kind == "ms":
        return ms_json(moment)
    if kind == "date":
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


class Generator:
    """Renders and fakes values for one API's schemas."""

    def __init__(self, schemas: ApiSchemas) -> None:
        self.s = schemas

    def _type(self, node: Schema) -> str | None:
        t = node.get("type")
        if t is None and (node.get("properties") or node.get("allOf")):
            return "object"
        return t if isinstance(t, str) else None

    def render(self, node: Schema, value: Any, key: str = "", depth: int = 0) -> Any:
        """``value`` as ``node`` says Xero sends it (missing required parts made up)."""
        node = self.s.resolve(node)
        for combiner in ("oneOf", "anyOf"):
            if node.get(combiner):
                return self.render(node[combiner][0], value, key, depth)
        t = self._type(node)
        if value is None:
            return None if node.get("nullable") else self.fake(node, key, depth)
        if t == "object":
            if not isinstance(value, dict):
                return self.fake(node, key, depth)
            return self._object(node, value, key, depth)
        if t == "array":
            items = node.get("items") or {}
            rows = value if isinstance(value, list) else [value]
            return [self.render(items, v, f"{key}/{i}", depth + 1) for i, v in enumerate(rows)]
        return self._scalar(node, t, value, key)

    def _object(self, node: Schema, value: dict[str, Any], key: str, depth: int) -> dict[str, Any]:
        props, required = self.s.properties(node)
        if not props and node.get("additionalProperties") is not None:
            return dict(value)  # a free-form map
        out: dict[str, Any] = {}
        for name, sub in props.items():
            if name in value and (value[name] is not None or self.s.resolve(sub).get("nullable")):
                out[name] = self.render(sub, value[name], f"{key}/{name}", depth + 1)
            elif name in required and depth < MAX_DEPTH:
                out[name] = self.fake(sub, f"{key}/{name}", depth + 1)
        _unlisted_required(out, required, props)
        return out

    def _scalar(self, node: Schema, t: str | None, value: Any, key: str) -> Any:
        enum = node.get("enum")
        if enum:
            return value if value in enum else enum[0]
        kind = date_kind(node)
        if kind is not None:
            moment = to_datetime(value)
            return format_date(moment or DEFAULT_DAY, kind)
        if t == "number":
            return _number(value, float)
        if t == "integer":
            return _number(value, int)
        if t == "boolean":
            return value if isinstance(value, bool) else str(value).lower() == "true"
        if t == "string":
            if node.get("format") == "uuid":
                return _uuid(value, key)
            return value if isinstance(value, str) else str(value)
        return value

    def fake(self, node: Schema, key: str, depth: int = 0, full: bool = False) -> Any:
        """A value for ``node`` from nothing; ``full``: every scalar property of an object."""
        node = self.s.resolve(node)
        for combiner in ("oneOf", "anyOf", "allOf"):
            if node.get(combiner) and combiner != "allOf":
                return self.fake(node[combiner][0], key, depth, full)
        t = self._type(node)
        if t == "object":
            props, required = self.s.properties(node)
            out: dict[str, Any] = {}
            for name, sub in props.items():
                target = self.s.resolve(sub)
                scalar = self._type(target) in SCALARS
                if (name in required and depth < MAX_DEPTH) or (full and scalar):
                    out[name] = self.fake(sub, f"{key}/{name}", depth + 1)
            _unlisted_required(out, required, props)
            return out
        if t == "array":
            n = int(node.get("minItems") or 0)
            return [self.fake(node.get("items") or {}, f"{key}/{i}", depth + 1) for i in range(n)]
        if node.get("default") is not None:
            return self._scalar(node, t, node["default"], key)
        enum = node.get("enum")
        if enum:
            return enum[0]
        kind = date_kind(node)
        if kind is not None:
            return format_date(DEFAULT_DAY, kind)
        if t == "number":
            return 1.0
        if t == "integer":
            return 1
        if t == "boolean":
            return False
        if node.get("format") == "uuid":
            return str(uuid.uuid5(_NAMESPACE, key))
        return key.rsplit("/", 1)[-1] or "demo"


def _unlisted_required(out: dict[str, Any], required: list[str], props: dict[str, Schema]) -> None:
    """Fill required names the schema never defines (``FileObject``'s ``name`` beside ``Name``).

    Each gets a string, copied from the same name in another case when there is one.
    """
    for name in required:
        if name not in props and name not in out:
            twin = next((v for k, v in out.items() if k.lower() == name.lower()), None)
            out[name] = str(twin) if twin is not None else name


def _number(value: Any, kind: type[int] | type[float]) -> Any:
    try:
        return kind(value)
    except (TypeError, ValueError):
        return kind(0)


def _uuid(value: Any, key: str) -> str:
    text = str(value)
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return str(uuid.uuid5(_NAMESPACE, f"{key}/{text}"))
