"""Validate simulator answers against Xero's vendored OpenAPI specs with jsonschema.

OpenAPI 3.0 schemas are read as JSON Schema draft 4 plus: ``nullable: true`` admits null;
``x-is-msdate``/``x-is-msdate-time`` values must be Xero's ``/Date(ms+zone)/``; ``format``
``date``, ``date-time`` and ``uuid`` are checked (ISO 8601, Python's parsers).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from xero_nb.catalog.build import api_name

VENDOR = Path(__file__).resolve().parents[1] / "vendor" / "xero-openapi"
MS_DATE = re.compile(r"/Date\(-?\d+([+-]\d{4})?\)/")
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date", raises=ValueError)
def _date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(datetime.fromisoformat(value.replace("Z", "+00:00")))


@FORMATS.checks("uuid", raises=ValueError)
def _uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(uuid.UUID(value))


def _type(validator: Any, types: Any, instance: Any, schema: dict[str, Any]) -> Any:
    if instance is None and schema.get("nullable"):
        return
    yield from Draft4Validator.VALIDATORS["type"](validator, types, instance, schema)


def _format(validator: Any, fmt: Any, instance: Any, schema: dict[str, Any]) -> Any:
    if schema.get("x-is-msdate") or schema.get("x-is-msdate-time"):
        return  # the MS form is checked by its own keyword
    yield from Draft4Validator.VALIDATORS["format"](validator, fmt, instance, schema)


def _ms(validator: Any, flag: Any, instance: Any, schema: dict[str, Any]) -> Any:
    if flag and isinstance(instance, str) and not MS_DATE.fullmatch(instance):
        yield ValidationError(f"{instance!r} is not an MS-JSON date /Date(ms+0000)/")


def _enum(validator: Any, enums: Any, instance: Any, schema: dict[str, Any]) -> Any:
    if instance is None and schema.get("nullable"):
        return
    yield from Draft4Validator.VALIDATORS["enum"](validator, enums, instance, schema)


OpenAPI30 = jsonschema.validators.extend(Draft4Validator, {
    "type": _type, "format": _format, "enum": _enum, "x-is-msdate": _ms, "x-is-msdate-time": _ms})


@cache
def spec(api: str) -> dict[str, Any]:
    """The vendored spec of one API."""
    for path in VENDOR.glob("*.yaml"):
        if api_name(path.stem) == api:
            return yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    raise KeyError(api)


def operations(api: str) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """operationId -> (method, path, operation) for one API."""
    out = {}
    for tmpl, item in spec(api)["paths"].items():
        for method in ("get", "put", "post", "patch", "delete"):
            if method in item:
                out[item[method]["operationId"]] = (method.upper(), tmpl, item[method])
    return out


def response_schema(api: str, operation_id: str, status: int) -> tuple[str, dict[str, Any] | None]:
    """The content type and schema the spec gives this operation's answer with ``status``."""
    doc = spec(api)
    resp = operations(api)[operation_id][2]["responses"].get(str(status)) or {}
    if "$ref" in resp:
        resp = doc["components"]["responses"][resp["$ref"].rsplit("/", 1)[1]]
    content = resp.get("content") or {}
    ctype = next((c for c in content if "json" in c), next(iter(content), ""))
    return ctype, (content.get(ctype) or {}).get("schema")


@cache
def _validator(api: str, operation_id: str, status: int) -> Any:
    _, schema = response_schema(api, operation_id, status)
    root = {"allOf": [schema], "components": spec(api).get("components") or {}}
    return OpenAPI30(root, format_checker=FORMATS)


def success(ep: Any) -> int:
    """The spec's success status for a catalog endpoint (bank feeds' GET says 202)."""
    answers = operations(ep.api)[ep.operation_id][2]["responses"]
    return next(int(s) for s in ("200", "201", "202", "204") if s in answers)


def violations(api: str, operation_id: str, status: int, body: Any, limit: int = 5) -> list[str]:
    """Where ``body`` breaks the spec's schema for this operation and status (empty: none)."""
    errors = sorted(_validator(api, operation_id, status).iter_errors(body), key=lambda e: list(e.path))
    return [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message[:160]}" for e in errors[:limit]]


def test_the_validator_catches_what_the_issue_reported() -> None:
    """The checker itself: ISO where MS-JSON is due, missing required, wrong key, wrong shape."""
    iso = {"Invoices": [{"InvoiceID": "6f1d3c1e-8d0a-4a47-9a53-0c3c2f2b5a10", "Date": "2026-09-03T00:00:00"}]}
    assert any("MS-JSON" in v for v in violations("accounting", "getInvoices", 200, iso))
    no_lines = {"BankTransactions": [{"Type": "SPEND", "BankAccount": {}}]}
    assert any("LineItems" in v for v in violations("accounting", "getBankTransactions", 200, no_lines))
    assert violations("assets", "getAssetTypes", 200, {"items": [], "pagination": {}})  # spec: array
    assert violations("payroll_uk", "getEmployee", 200, {"employee": {"firstName": "A"}})
    assert violations("payroll_nz", "getEmployees", 200, {"employees": [{"dateOfBirth": "/Date(0+0000)/"}]})
