"""The organisations' records: seeded reads, in-memory writes, each API's response envelope."""

from __future__ import annotations

import json
import uuid
from typing import Any

from xero_nb.http import Response
from xero_nb.simulator.context import Ctx
from xero_nb.simulator.orgs import DemoOrg
from xero_nb.simulator.problems import NOT_FOUND, json_response, ms_date, problem
from xero_nb.simulator.routes import Match
from xero_nb.simulator.seed import Records, seed

PASCAL_ENVELOPE = frozenset({"accounting", "payroll_au"})
CAMEL_ENVELOPE = frozenset({"payroll_nz", "payroll_uk", "payroll_au_v2"})
PAGED_ITEMS = frozenset({"projects", "assets", "bankfeeds", "finance", "appstore"})
_RENAMES = {"Organisation": "Organisations", "History": "HistoryRecords"}
_ID_SUFFIXES = ("ID", "Id", "Number", "Code")
# GET {collection}/{id} answering the owner's list, not one record (the files of an invoice)
LISTS_BY_OWNER = frozenset({("files", "associations")})


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


class DataStore:
    """Records per organisation, API and collection, seeded on first touch."""

    def __init__(self, orgs: list[DemoOrg], seed_value: int = 0) -> None:
        self._orgs = {o.tenant_id: o for o in orgs}
        self._data: dict[str, dict[str, Records]] = {}
        self.seed_value = seed_value

    def records(self, tenant_id: str, api: str, collection: str) -> list[dict[str, Any]] | None:
        """The stored list (None when this collection was never seeded or written)."""
        org_data = self._data.get(tenant_id)
        if org_data is None:
            org_data = self._data[tenant_id] = seed(self._orgs[tenant_id])
        return org_data.get("payroll_au" if api == "payroll_au_v2" else api, {}).get(collection)

    def _create(self, tenant_id: str, api: str, collection: str) -> list[dict[str, Any]]:
        self.records(tenant_id, api, collection)
        return self._data[tenant_id].setdefault(api, {}).setdefault(collection, [])

    def respond(self, ctx: Ctx, match: Match, org: DemoOrg | None, headers: dict[str, str]) -> Response:
        """Answer a call that passed every check."""
        ep = match.endpoint
        if org is None:  # App Store subscriptions: one plausible subscription, echoing the id
            sub = {"id": match.params.get("subscriptionId", ctx.cid), "status": "ACTIVE",
                   "currentPeriodEnd": "2026-12-31T00:00:00", "plans": [], "items": []}
            return self._render(ctx, ep.api, "subscriptions", [sub], headers, single=True)
        raw = [s for s in ep.path.split("/") if s]
        literals = [s for s in raw if not s.startswith("{")]
        name = literals[0] if literals else ep.api
        coll = name.lower()
        if ep.api == "accounting" and coll == "reports" and len(raw) > 1:
            report = literals[1] if len(literals) > 1 else match.params.get("ReportID", "")
            coll = "reports/" + report.lower()
            name = "Reports"
        single = len(raw) == 2 and raw[1].startswith("{")
        field = raw[1][1:-1] if single else ""
        key = match.params.get(field) if single else None
        is_report = coll.startswith("reports/")
        if ep.method == "GET":
            if len(raw) > 2 and not is_report:  # a sub-resource (History, Attachments...): empty
                return self._render(ctx, ep.api, literals[-1], [], headers, single=False)
            rows = self.records(org.tenant_id, ep.api, coll)
            if key is not None and not is_report and (ep.api, coll) not in LISTS_BY_OWNER:
                # an id the collection lacks is 404, even when nothing was ever stored there
                hit = _find(rows or [], key, field)
                if hit is None:
                    return problem(404, NOT_FOUND, ctx.cid, ep.api, headers=headers, title="NotFound")
                return self._render(ctx, ep.api, name, [hit], headers, single=True)
            page = ctx.query("page")
            if page is not None and page.isdigit() and int(page) > 1:
                rows = []  # every seeded collection fits on page 1, so paging loops end
            return self._render(ctx, ep.api, name, rows or [], headers, single=False)
        if ep.method == "DELETE":
            rows = self.records(org.tenant_id, ep.api, coll)
            hit = _find(rows, key) if key is not None and rows else None
            if hit is not None and rows is not None:
                rows.remove(hit)
            return Response(204, headers={**headers, "Xero-Correlation-Id": ctx.cid})
        content = ctx.request.content
        if "json" in ctx.request.headers.get("content-type", "json") or content[:1] in (b"{", b"["):
            try:
                body = json.loads(content or b"{}")
            except ValueError:
                return problem(400, "The request body is not valid JSON", ctx.cid, ep.api,
                               headers=headers, title="ValidationException")
        else:  # a file upload or other raw body: keep only its size
            body = {"Size": len(content)}
        found = body.get(name) if isinstance(body, dict) else None
        listed: list[Any] = found if isinstance(found, list) else [body]
        entries = [e if isinstance(e, dict) else {"Value": e} for e in listed]
        rows_w = self._create(org.tenant_id, ep.api, coll) if len(raw) <= 2 else []
        id_key = _singular(name) + "ID" if ep.api in PASCAL_ENVELOPE else _singular(name).lower() + "Id"
        if key is not None and ep.api in PASCAL_ENVELOPE and rows_w and _find(rows_w, key) is None:
            return problem(404, NOT_FOUND, ctx.cid, ep.api, headers=headers, title="NotFound")
        out = []
        for entry in entries:
            hit = _find(rows_w, key) if key is not None else None
            if hit is not None:
                hit.update(entry)
                out.append(hit)
                continue
            rec = {id_key: str(uuid.uuid4()), **entry}
            rows_w.append(rec)
            out.append(rec)
        status = 201 if ep.api == "projects" and ep.method == "POST" else 200
        return self._render(ctx, ep.api, name, out, headers, single=ep.api not in PASCAL_ENVELOPE,
                            status=status)

    def _render(self, ctx: Ctx, api: str, name: str, rows: list[dict[str, Any]],
                headers: dict[str, str], *, single: bool, status: int = 200) -> Response:
        name = _RENAMES.get(name, name)
        body: Any
        if api in PASCAL_ENVELOPE:
            body = {"Id": ctx.cid, "Status": "OK", "ProviderName": "xero-nb simulator",
                    "DateTimeUTC": ms_date(ctx.now), name: rows}
        elif api in CAMEL_ENVELOPE:
            key = name[0].lower() + name[1:]
            body = {"id": ctx.cid, "providerName": "xero-nb simulator", "httpStatusCode": "OK",
                    "pagination": _page(len(rows)), "problem": None}
            if single and rows:
                body[_singular(key)] = rows[0]
            else:
                body[key] = rows
        elif single and rows:
            body = rows[0]
        elif api in PAGED_ITEMS:
            body = {"pagination": _page(len(rows)), "items": rows}
        elif api == "files" and name == "Files":
            body = {"TotalCount": len(rows), "Page": 1, "PerPage": 100, "Items": rows}
        else:
            body = rows
        return json_response(status, body, ctx.cid, headers)


def _page(n: int) -> dict[str, int]:
    return {"page": 1, "pageSize": 100, "pageCount": 1 if n else 0, "itemCount": n}


def _find(rows: list[dict[str, Any]], key: str, field: str = "") -> dict[str, Any] | None:
    """The row whose id (or the path parameter's own field, e.g. ``TaxType``) is ``key``."""
    low = key.lower()
    for row in rows:
        for k, v in row.items():
            if (k == field or k.endswith(_ID_SUFFIXES)) and isinstance(v, str) and v.lower() == low:
                return row
    return None
