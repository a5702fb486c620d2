"""The Scan tab's tables and summary, built from a scan's result and report (plain functions).

``ScanState`` (``scan.py``) runs the scan and keeps its state; this module only turns what it
found into the rows and the HTML the panel shows, judged in one era.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.scopes import ERAS, required_scopes, unreachable
from xero_nb.markup import Markup, el, fmt, join
from xero_nb.widgets.render import chips

NO_SCOPE = "(any valid token)"
NO_GRANT = "(no scope grants it in this era)"


def needs(call: Any, report: Any, era: str) -> str:
    """The least-privilege scopes that grant ``call`` in ``era`` (or why none)."""
    ep = load_catalog().get(*call.key)
    if unreachable(ep, era):
        return NO_GRANT
    need = required_scopes(ep, era)
    if not need:
        return NO_SCOPE
    least = report.least[era] if report is not None else frozenset()
    return ", ".join(sorted(need & least) or sorted(need))


def calls_frame(result: Any, report: Any, era: str) -> pd.DataFrame:
    """One row per call site: where, what, the scope(s) that grant it, how it was found."""
    cols = ["file", "line", "method", "path", "operation", "scopes", "recognised_by",
            "confidence", "snippet"]
    calls = result.calls if result is not None else []
    return pd.DataFrame([(c.file, c.line, c.method, c.path, f"{c.api}.{c.operation_id}",
                          needs(c, report, era), c.recognised_by, c.confidence, c.snippet)
                         for c in calls], columns=cols)


def by_file(calls: pd.DataFrame, report: Any) -> pd.DataFrame:
    """One row per file: how many calls, which operations and scopes, how many findings."""
    cols = ["file", "calls", "operations", "scopes", "findings"]
    found: dict[str, int] = {}
    for f in report.findings if report is not None else ():
        found[f.file] = found.get(f.file, 0) + 1
    rows = []
    for file in sorted(set(calls["file"]) | set(found)):  # a config file may only request scopes
        group = calls[calls["file"] == file]
        scopes = {s for cell in group["scopes"] for s in cell.split(", ") if not s.startswith("(")}
        rows.append((file, len(group), ", ".join(sorted(set(group["operation"]))),
                     ", ".join(sorted(scopes)) or ("" if group.empty else NO_SCOPE),
                     found.get(file, 0)))
    return pd.DataFrame(rows, columns=cols)


def by_scope(calls: pd.DataFrame) -> pd.DataFrame:
    """One row per least-privilege scope: the calls it grants, and where."""
    cols = ["scope", "calls", "operations", "files"]
    if calls.empty:
        return pd.DataFrame(columns=cols)
    buckets: dict[str, list[tuple[str, str]]] = {}
    for op, file, cell in zip(calls["operation"], calls["file"], calls["scopes"], strict=True):
        for scope in cell.split(", ") if not cell.startswith("(") else [cell]:
            buckets.setdefault(scope, []).append((op, file))
    rows = [(scope, len(items), ", ".join(sorted({o for o, _ in items})),
             ", ".join(sorted({f for _, f in items})))
            for scope, items in sorted(buckets.items(), key=lambda kv: (kv[0].startswith("("), kv[0]))]
    return pd.DataFrame(rows, columns=cols)


def findings_frame(report: Any) -> pd.DataFrame:
    """One row per finding: level, kind, file, line, message."""
    cols = ["level", "kind", "file", "line", "message"]
    found = report.findings if report is not None else ()
    return pd.DataFrame([(f.level, f.kind, f.file, f.line, f.message) for f in found], columns=cols)


def plan_frame(report: Any) -> pd.DataFrame:
    """The migration to granular scopes for this code, one row per operation."""
    cols = ["operation", "call", "now", "after", "status"]
    rows = report.plan.rows if report is not None else ()
    return pd.DataFrame([(f"{api}.{op}", f"{method} {path}", now or "-", after or "-", status)
                         for api, op, method, path, now, after, status in rows], columns=cols)


def summary_html(report: Any, path: str,
                 ask: tuple[str, frozenset[str], frozenset[str]] | None = None) -> Markup:
    """Least privilege per era, the plan's request/drop/add and, with ``ask`` (era, scopes,
    granted), what Authorize would ask for."""
    if report is None:
        return el("div", f"Pick a folder and press Scan ({path}).", class_="xnb-msg xnb-msg-info")
    res = report.result
    head = fmt("<div><b>{}</b> call site(s) in {} file(s) read, {} skipped · judged in the <b>{}</b> "
               "era against the scopes requested in the {}</div>", len(res.calls), res.files,
               res.skipped, report.era, "code" if report.requested_from == "code" else "given list")
    rows = join(fmt("<tr><td><b>{}</b></td><td>{}</td></tr>", era,
                    chips(report.least[era], report.requested) or "(no scope needed)")
                for era in ERAS)
    plan = report.plan
    moves = join(fmt("<tr><td><b>{}</b></td><td>{}</td></tr>", label, chips(scopes) or "-")
                 for label, scopes in (("request", plan.request), ("drop", plan.drop),
                                       ("add", plan.add), ("keep until the deadline",
                                                           plan.keep_until_deadline)))
    asked = (fmt("<div>Authorize asks for ({} era): {}</div>", ask[0], chips(ask[1], ask[2]))
             if ask is not None else Markup())
    return el("div", head,
              fmt("<div><b>Least privilege</b> (green: already requested in the code)</div>"
                  '<table class="xnb-kv">{}</table>', rows),
              fmt('<div><b>Migration to granular scopes</b></div><table class="xnb-kv">{}</table>',
                  moves),
              asked, class_="xnb-scan-summary")
