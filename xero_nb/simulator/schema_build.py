"""Maintainer command: build the simulator's compact schema index from Xero's OpenAPI specs.

    python -m xero_nb.simulator.schema_build vendor/xero-openapi
    # rewrites xero_nb/simulator/data/schemas.json

Only the shape is kept: each API's component schemas (types, properties, required fields,
items, enums, formats, Xero's date markers ``x-is-msdate``/``x-is-msdate-time``/``x-is-date``/
``x-is-datetime``, nullable, maxLength) and, per operation, the status, content type and schema of
each answer, and the JSON schema of its request body (``request``; writes are validated by it). No
prose, no examples. The package reads only this file at run time (the wheel ships
without ``vendor/``); ``tests/test_sim_schemas.py`` rebuilds it from the specs and compares.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from xero_nb.catalog.build import HTTP_METHODS, _load_yaml, api_name

INDEX_PATH = Path(__file__).parent / "data" / "schemas.json"
FORMAT_VERSION = 1
# The schema keywords kept; everything else (descriptions, examples, docs links) is prose.
KEPT = frozenset({"type", "format", "enum", "required", "nullable", "minItems", "maxItems",
                  "maxLength", "x-is-msdate", "x-is-msdate-time", "x-is-date", "x-is-datetime",
                  "default"})
NESTED = ("items", "additionalProperties")
COMBINERS = ("allOf", "oneOf", "anyOf")


def _ref_name(ref: str) -> str:
    """``#/components/schemas/Invoice`` -> ``Invoice`` (schemas are named per API)."""
    prefix = "#/components/schemas/"
    if not ref.startswith(prefix):
        raise ValueError(f"unsupported $ref {ref!r}")
    return ref[len(prefix):]


def compact(node: Any) -> Any:
    """One schema with only the kept keywords, its ``$ref`` reduced to the schema's name."""
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": _ref_name(str(node["$ref"]))}
    out: dict[str, Any] = {k: node[k] for k in sorted(node) if k in KEPT}
    if isinstance(node.get("properties"), dict):
        out["properties"] = {str(k): compact(v) for k, v in node["properties"].items()}
    for key in NESTED:
        if isinstance(node.get(key), dict):
            out[key] = compact(node[key])
    for key in COMBINERS:
        if isinstance(node.get(key), list):
            out[key] = [compact(v) for v in node[key]]
    return out


def _responses(doc: dict[str, Any], op: dict[str, Any]) -> dict[str, list[Any]]:
    """``{status: [content type, schema or None]}`` for an operation's documented answers."""
    shared = (doc.get("components") or {}).get("responses") or {}
    out: dict[str, list[Any]] = {}
    for status, resp in (op.get("responses") or {}).items():
        if isinstance(resp, dict) and "$ref" in resp:
            resp = shared[str(resp["$ref"]).rsplit("/", 1)[1]]
        content = (resp or {}).get("content") or {}
        ctype = next((c for c in content if "json" in c), next(iter(content), ""))
        schema = (content.get(ctype) or {}).get("schema") if ctype else None
        out[str(status)] = [ctype, compact(schema) if schema else None]
    return out


def _request(doc: dict[str, Any], op: dict[str, Any]) -> Any:
    """The JSON schema of an operation's request body (None: no JSON body)."""
    body = op.get("requestBody")
    if isinstance(body, dict) and "$ref" in body:
        shared = (doc.get("components") or {}).get("requestBodies") or {}
        body = shared.get(str(body["$ref"]).rsplit("/", 1)[1])
    content = (body or {}).get("content") or {}
    ctype = next((c for c in content if "json" in c), None)
    schema = (content.get(ctype) or {}).get("schema") if ctype else None
    return compact(schema) if schema else None


def spec_entry(path: Path) -> dict[str, Any]:
    """One API's schemas and operations' answers from its spec file."""
    doc = _load_yaml(path)
    schemas = (doc.get("components") or {}).get("schemas") or {}
    ops: dict[str, Any] = {}
    for tmpl, item in (doc.get("paths") or {}).items():
        for method in HTTP_METHODS:
            op = item.get(method)
            if op:
                row = {"method": method.upper(), "path": str(tmpl), "responses": _responses(doc, op)}
                request = _request(doc, op)
                if request is not None:
                    row["request"] = request
                ops[str(op.get("operationId", ""))] = row
    return {"schemas": {str(k): compact(v) for k, v in sorted(schemas.items())},
            "operations": dict(sorted(ops.items()))}


def build_index(spec_dir: str | Path) -> dict[str, Any]:
    """Every API's entry, from every ``*.yaml`` in ``spec_dir`` that holds callable operations."""
    apis: dict[str, Any] = {}
    for path in sorted(Path(spec_dir).glob("*.yaml")):
        api = api_name(path.stem)
        if api is not None and api != "identity":
            apis[api] = spec_entry(path)
    return {"format": FORMAT_VERSION, "apis": apis}


def dumps(index: dict[str, Any]) -> str:
    """Compact JSON, one schema or operation a line (diffs stay readable)."""
    parts = []
    for api, entry in index["apis"].items():
        rows = [f'"{kind}":{{\n' + ",\n".join(
            json.dumps(k) + ":" + json.dumps(v, separators=(",", ":"), sort_keys=True)
            for k, v in entry[kind].items()) + "\n}" for kind in ("schemas", "operations")]
        parts.append(json.dumps(api) + ":{" + ",\n".join(rows) + "}")
    return '{"format":' + str(index["format"]) + ',"apis":{\n' + ",\n".join(parts) + "\n}}\n"


def main(argv: list[str] | None = None) -> int:
    """Write the index (default: the package's data/schemas.json)."""
    parser = argparse.ArgumentParser(prog="python -m xero_nb.simulator.schema_build",
                                     description=__doc__)
    parser.add_argument("spec_dir", help="folder of Xero OpenAPI YAML files")
    parser.add_argument("-o", "--output", default=str(INDEX_PATH), help="index file to write")
    args = parser.parse_args(argv)
    index = build_index(args.spec_dir)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(dumps(index), encoding="utf-8")
    n = sum(len(e["operations"]) for e in index["apis"].values())
    print(f"wrote {n} operations from {len(index['apis'])} APIs to {args.output}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
