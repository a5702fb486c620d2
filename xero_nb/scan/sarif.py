"""A scan's findings as SARIF 2.1.0, so that code hosts show them inline on the lines they concern."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from xero_nb.scan.analysis import KINDS, ScanReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_RULES = {
    "missing_scope": "The requested scopes do not grant this call (InsufficientPermissions ahead)",
    "unknown_scope": "A requested scope that is not a Xero scope (invalid_scope at sign-in)",
    "no_granular": "No granular scope reaches this operation",
    "restricted": "The operation needs a restricted scope, a partner programme or a tier",
    "unknown_endpoint": "A Xero URL that matches no operation in Xero's specs",
    "unused_scope": "A requested scope that no call needs",
    "dynamic_calls": "Calls to Xero through a computed name, which no scan can list",
    "refused_scope": "A requested scope Xero refuses at sign-in for an app of this era",
    "not_read": "A file that mentions Xero but was not read (too big, or binary)",
    "wider_scope": "A requested scope wider than the calls need",
}


def to_sarif(report: ScanReport, version: str = "") -> dict[str, Any]:
    """The SARIF log (one run of the ``xero-nb scan`` tool) as a JSON-ready dict."""
    if not version:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as installed

        try:
            version = installed("xero-nb")
        except PackageNotFoundError:  # run from a checkout
            version = "0"
    rules = [{"id": kind, "name": kind, "shortDescription": {"text": text},
              "defaultConfiguration": {"level": KINDS[kind]}} for kind, text in _RULES.items()]
    index = {kind: i for i, kind in enumerate(_RULES)}
    top, prefix = _source_root(report.result.root)
    results = []
    for f in report.findings:
        item: dict[str, Any] = {"ruleId": f.kind, "ruleIndex": index[f.kind], "level": f.level,
                                "message": {"text": f.message}}
        if f.file:
            item["locations"] = [{"physicalLocation": {
                "artifactLocation": {"uri": quote(prefix + f.file), "uriBaseId": "SRCROOT"},
                "region": {"startLine": max(1, f.line)}}}]
        results.append(item)
    run: dict[str, Any] = {"tool": {"driver": {
        "name": "xero-nb scan", "version": version,
        "informationUri": "https://developer.xero.com/documentation/guides/oauth2/scopes/", "rules": rules}},
        "results": results}
    if top is not None:  # where SRCROOT is: the repository's top (a code host resolves paths from it)
        run["originalUriBaseIds"] = {"SRCROOT": {"uri": top.as_uri() + "/"}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _source_root(root: str) -> tuple[Path | None, str]:
    """The repository's top (the nearest folder up with a ``.git``; else the scanned folder) and the
    scanned folder's path inside it, so a file's URI reads from the top (``services/billing/app.py``
    for a scan of ``services/billing``). A git URL scanned has no local root: (None, "")."""
    here = Path(root)
    if not here.exists():
        return None, ""
    here = here.resolve()
    folder = here if here.is_dir() else here.parent
    for top in (folder, *folder.parents):
        if (top / ".git").exists():
            inside = folder.relative_to(top).as_posix()
            return top, "" if inside == "." else inside + "/"
    return folder, ""
