"""Maintainer command: build the compact endpoint index from a folder of Xero OpenAPI specs.

    python -m xero_nb.catalog.build vendor/xero-openapi   # rewrites xero_nb/catalog/data/catalog.json

Only facts are kept (api, method, path, operationId, tag, scopes, parameters, tenant header,
base URL, spec version); no prose from the specs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from xero_nb.catalog import files
from xero_nb.errors import CatalogError

HTTP_METHODS = ("get", "put", "post", "patch", "delete")
INDEX_PATH = Path(files.INDEX)
FORMAT_VERSION = 1

# Spec file name -> api name. Webhooks are inbound notifications, not callable operations.
_API_BY_FILE = {
    "xero_accounting": "accounting",
    "xero_assets": "assets",
    "xero_bankfeeds": "bankfeeds",
    "xero_files": "files",
    "xero-finance": "finance",
    "xero-identity": "identity",
    "xero-app-store": "appstore",
    "xero-payroll-au": "payroll_au",
    "xero-payroll-au-v2": "payroll_au_v2",
    "xero-payroll-nz": "payroll_nz",
    "xero-payroll-uk": "payroll_uk",
    "xero-projects": "projects",
}
_SKIPPED_FILES = {"xero-webhooks"}
# Paths as Xero serves and documents them where a spec spells them otherwise: the identity spec
# writes /Connections, Xero's docs and every SDK call https://api.xero.com/connections.
_SERVED_PATHS = {("identity", "/Connections"): "/connections",
                 ("identity", "/Connections/{id}"): "/connections/{id}"}


def api_name(stem: str) -> str | None:
    """The api name for a spec file stem; None for files that hold no callable operation."""
    if stem in _SKIPPED_FILES:
        return None
    if stem in _API_BY_FILE:
        return _API_BY_FILE[stem]
    # A spec file added after this table was written: derive a name rather than drop it.
    return re.sub(r"^xero[-_]", "", stem).replace("-", "_")


def _load_yaml(path: Path) -> Any:
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise CatalogError(
            "building the catalog from spec files needs PyYAML: pip install 'xero-nb[spec]'"
        ) from exc
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as fh:
        return yaml.load(fh, Loader=loader)  # a safe loader (CSafeLoader or SafeLoader)


def _resolve(doc: Any, node: Any) -> Any:
    """Follow a local ``$ref`` (``#/components/...``)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise CatalogError(f"unsupported $ref {ref!r}")
        node = doc
        for part in ref[2:].split("/"):
            node = node[part]
        seen += 1
        if seen > 20:
            raise CatalogError(f"$ref loop at {ref!r}")
    return node


def _param_row(doc: Any, raw: Any) -> dict[str, Any] | None:
    p = _resolve(doc, raw)
    where = p.get("in")
    schema = _resolve(doc, p.get("schema") or {})
    row = {
        "name": str(p["name"]),
        "in": where,
        "type": str(schema.get("type", "string")),
        "required": bool(p.get("required", where == "path")),
    }
    if schema.get("format"):
        row["format"] = str(schema["format"])
    return row


def _spec_rows(path: Path, api: str) -> tuple[dict[str, Any], list[list[Any]]]:
    doc = _load_yaml(path)
    if not isinstance(doc, dict) or "paths" not in doc:
        raise CatalogError(f"{path.name} is not an OpenAPI document with paths")
    servers = doc.get("servers") or [{}]
    base_url = str(servers[0].get("url", "https://api.xero.com")).rstrip("/")
    version = str((doc.get("info") or {}).get("version", ""))
    rows: list[list[Any]] = []
    for tmpl, item in (doc.get("paths") or {}).items():
        item = _resolve(doc, item)
        shared = list(item.get("parameters") or [])
        for method in HTTP_METHODS:
            op = item.get(method)
            if not op:
                continue
            params = [_param_row(doc, raw) for raw in shared + list(op.get("parameters") or [])]
            tenant_header = any(
                p and p["in"] == "header" and p["name"].lower() == "xero-tenant-id" and p["required"]
                for p in params
            )
            kept = [p for p in params if p and p["in"] in ("path", "query")]
            scopes: list[str] = []
            for requirement in op.get("security") or doc.get("security") or []:
                for names in requirement.values():
                    scopes.extend(str(n) for n in names)
            tags = op.get("tags") or [""]
            rows.append([
                api, method.upper(), _SERVED_PATHS.get((api, str(tmpl)), str(tmpl)),
                str(op.get("operationId", "")), str(tags[0]),
                sorted(set(scopes)), tenant_header,
                [[p["name"], p["in"], p["type"], p["required"], p.get("format")] for p in kept],
            ])
    return {"base_url": base_url, "spec_version": version, "file": path.name}, rows


def build_index(spec_dir: str | Path) -> dict[str, Any]:
    """Read every ``*.yaml`` in ``spec_dir`` and return the index as a JSON-ready dict."""
    folder = Path(spec_dir)
    specs = sorted(folder.glob("*.yaml"))
    if not specs:
        raise CatalogError(f"no *.yaml spec files in {folder} — point spec_dir at Xero-OpenAPI's root")
    apis: dict[str, Any] = {}
    endpoints: list[list[Any]] = []
    for path in specs:
        api = api_name(path.stem)
        if api is None:
            continue
        apis[api], rows = _spec_rows(path, api)
        endpoints.extend(rows)
    endpoints.sort(key=lambda r: (r[0], r[2], r[1], r[3]))
    versions = sorted({a["spec_version"] for a in apis.values()})
    return {"format": FORMAT_VERSION, "spec_version": ",".join(versions), "apis": apis,
            "endpoints": endpoints}


def dumps(index: dict[str, Any]) -> str:
    """Serialise the index compactly, one endpoint a line (diffs stay readable)."""
    head = {k: v for k, v in index.items() if k != "endpoints"}
    lines = [json.dumps(row, separators=(",", ":")) for row in index["endpoints"]]
    return (json.dumps(head, separators=(",", ":"))[:-1] + ',"endpoints":[\n'
            + ",\n".join(lines) + "\n]}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m xero_nb.catalog.build", description=__doc__)
    parser.add_argument("spec_dir", help="folder of Xero OpenAPI YAML files")
    parser.add_argument("-o", "--output", default=str(INDEX_PATH), help="index file to write")
    args = parser.parse_args(argv)
    index = build_index(args.spec_dir)
    Path(args.output).write_text(dumps(index), encoding="utf-8")
    print(f"wrote {len(index['endpoints'])} endpoints from {len(index['apis'])} APIs to {args.output}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
