"""The sections of a report as blocks: the token, the tenants, coverage, the probe, each failure.

Each failure gets its correlation id, status, body, diagnosis, and a curl and Python snippet
that reproduce it with the token as a placeholder (read from ``TOKEN_ENV``). ``build.report``
puts the sections together and scrubs secrets from all of them.
"""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from xero_nb.diagnose.context import guess_era
from xero_nb.diagnose.diagnosis import Diagnosis, diagnose
from xero_nb.diagnose.observation import Observation, observe
from xero_nb.diagnose.token_facts import read_token
from xero_nb.models import Endpoint, Tenant
from xero_nb.redact import jwt_claims
from xero_nb.report.render import Block

TOKEN_ENV = "XERO_ACCESS_TOKEN"
SNIPPET_HTTP_MODULE = "httpx2"  # what the Python snippet imports (the project's HTTP library)
_KEEP_HEADERS = ("xero-tenant-id", "accept", "content-type", "if-modified-since")
_TOKEN_HOSTS = ("identity.xero.com", "/connect/token")


def when(ts: float | None) -> str:
    if ts is None:
        return "unknown"
    try:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, ValueError, OSError):  # NaN, or far outside the calendar
        return f"invalid ({ts!r} is not a time)"


def _state(exp: float | None, now: float) -> str:
    """``valid for N min`` / ``expired N min ago``; a time out of range says so."""
    if exp is None:
        return "unknown"
    if not math.isfinite(exp) or abs(exp - now) > 1e12:
        return f"invalid expiry ({exp!r})"
    minutes = int(abs(now - exp) // 60)
    return f"expired {minutes} min ago" if exp <= now else f"valid for {minutes} min"


def token_blocks(token: Any, now: float, era: str | None = None) -> list[Block]:
    granted, requested, exp, obtained, refresh = read_token(token)
    claims: Mapping[str, Any] = {}
    if isinstance(token, str):
        claims = jwt_claims(token)
    elif isinstance(token, Mapping):
        claims = jwt_claims(str(token.get("access_token") or ""))
    elif callable(getattr(token, "claims", None)):
        claims = token.claims()
    state = _state(exp, now)
    rows = [
        ("scopes granted", " ".join(sorted(granted)) if granted is not None else "unknown"),
        ("scopes requested", " ".join(sorted(requested)) if requested else "unknown"),
        ("era (judged in)", era) if era else
        ("era (guessed from the scopes)", guess_era(granted) or "cannot tell"),
        ("access token expires", f"{when(exp)} ({state})"),
        ("obtained", when(obtained)),
        ("refresh token", "unknown" if refresh is None else "present" if refresh else "none"),
        ("client_id (claim)", str(claims.get("client_id", "unknown"))),
        ("authentication_event_id (claim)", str(claims.get("authentication_event_id", "unknown"))),
    ]
    return [("h", 2, "Token"), ("table", ("item", "value"), rows)]


def tenant_rows(tenants: Iterable[Any]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for t in tenants:
        if isinstance(t, Mapping):
            t = Tenant.from_connection(dict(t))
        if isinstance(t, Tenant):
            rows.append((t.tenant_name, t.tenant_id, t.tenant_type, t.connection_id, t.updated))
        else:
            kind = " ".join(str(getattr(t, n, "") or "") for n in ("tenant_type", "country")).strip()
            rows.append((str(getattr(t, "name", "")), str(getattr(t, "tenant_id", "")), kind, "", ""))
    return rows


def coverage_blocks(cov: Any) -> list[Block]:
    out: list[Block] = [("h", 2, "Coverage")]
    columns = [str(c) for c in getattr(cov, "columns", [])]
    if "allowed" in columns and "total" not in columns:
        total, allowed = len(cov), int(cov["allowed"].sum())
        out.append(("p", f"{allowed} of {total} endpoints allowed, {total - allowed} blocked.", None))
        if "api" in columns:
            grouped = cov.groupby("api")["allowed"].agg(["sum", "count"])
            rows: list[tuple[str, ...]] = [(str(api), str(int(r["sum"])), str(int(r["count"])))
                                           for api, r in grouped.iterrows()]
            out.append(("table", ("api", "allowed", "total"), rows))
    elif columns:
        rows = [tuple(str(v) for v in row) for row in cov.head(60).itertuples(index=False)]
        out.append(("table", tuple(columns), rows))
    elif isinstance(cov, Mapping):
        out.append(("table", ("", "count"), [(str(k), str(v)) for k, v in cov.items()]))
    else:
        out.append(("p", str(cov), None))
    return out


def _snippets(obs: Observation, ep: Endpoint | None) -> list[Block]:
    url = obs.url or (ep.url if ep is not None else None)
    method = obs.method or (ep.method if ep is not None else "GET")
    if any(h in (url or "") for h in _TOKEN_HOSTS) or (obs.error or "").startswith(
            ("invalid_", "unauthorized_")):
        curl = ("curl -i -X POST https://identity.xero.com/connect/token \\\n"
                '  -u "$XERO_CLIENT_ID:$XERO_CLIENT_SECRET" \\\n'
                '  -d grant_type=refresh_token -d "refresh_token=$XERO_REFRESH_TOKEN"')
        py = (f"import os\nimport {SNIPPET_HTTP_MODULE} as httpx\n\nresponse = httpx.post(\n"
              '    "https://identity.xero.com/connect/token",\n'
              '    auth=(os.environ["XERO_CLIENT_ID"], os.environ["XERO_CLIENT_SECRET"]),\n'
              '    data={"grant_type": "refresh_token", "refresh_token": os.environ["XERO_REFRESH_TOKEN"]},\n'
              ")\nprint(response.status_code, response.text)")
        return [("code", "bash", curl), ("code", "python", py)]
    if url is None:
        return [("p", "No request URL known, so no snippet to reproduce it.", None)]
    headers = [(k, v) for k, v in obs.request_headers or () if k.lower() in _KEEP_HEADERS]
    if not any(k.lower() == "accept" for k, _ in headers):
        headers.append(("Accept", "application/json"))
    if ep is not None and ep.tenant_header and not any(k.lower() == "xero-tenant-id" for k, _ in headers):
        headers.append(("xero-tenant-id", "<TENANT_ID>"))
    curl_lines = [f"curl -i -X {method} {shlex.quote(url)}",
                  f'  -H "Authorization: Bearer ${TOKEN_ENV}"']
    curl_lines += [f"  -H {shlex.quote(f'{k}: {v}')}" for k, v in headers]
    py_headers = [f'        "Authorization": "Bearer " + os.environ[{json.dumps(TOKEN_ENV)}],']
    py_headers += [f"        {json.dumps(k)}: {json.dumps(v)}," for k, v in headers]
    py = "\n".join([
        "import os", f"import {SNIPPET_HTTP_MODULE} as httpx", "", "response = httpx.request(",
        f"    {json.dumps(method)},", f"    {json.dumps(url)},", "    headers={", *py_headers, "    },",
        ")", 'print(response.status_code, response.headers.get("Xero-Correlation-Id"))',
        "print(response.text)",
    ])
    return [("code", "bash", " \\\n".join(curl_lines)), ("code", "python", py)]


def _diagnosis_of(item: Any, context: Mapping[str, Any]) -> tuple[Diagnosis, Endpoint | None]:
    if isinstance(item, Diagnosis):
        return item, None
    ctx = dict(context)
    ep = getattr(item, "endpoint", None)
    if isinstance(item, Mapping) and "response" not in item and (
            {"status", "headers", "body", "text", "url"} & set(item)):
        parts = {k: item[k] for k in ("status", "headers", "body", "text", "request_headers",
                                      "method", "url", "endpoint", "granted", "tenant_id") if k in item}
        ctx.update(parts)
        return diagnose(**ctx), item.get("endpoint") if isinstance(item.get("endpoint"), Endpoint) else None
    if isinstance(item, Mapping):
        item = item.get("response")
    if getattr(item, "granted", None):
        # A call is judged by the scopes it was sent with, not by a token obtained since.
        ctx.pop("token", None)
        ctx["granted"] = sorted(item.granted)
    elif isinstance(item, str) and observe(text=item).request_header("authorization"):
        ctx.pop("token", None)  # the pasted request carries its own token: its scopes decide
    if isinstance(ep, Endpoint):
        ctx["endpoint"] = ep
    if getattr(item, "tenant_id", None):
        ctx.setdefault("tenant_id", item.tenant_id)
    return diagnose(item, **ctx), ep if isinstance(ep, Endpoint) else None


def _pretty(body: str) -> str:
    """The body, indented when it is JSON (already redacted), cut at 2,000 characters."""
    try:
        text = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        text = body
    return text[:2000] or "(empty)"


def failure_blocks(i: int, item: Any, context: Mapping[str, Any]) -> list[Block]:
    diag, ep = _diagnosis_of(item, context)
    ep = ep or getattr(diag, "endpoint", None)  # (a pasted error's diagnosis knows its call)
    obs = diag.observed
    call = f"{obs.method or (ep.method if ep else '')} {obs.url or (ep.url if ep else '')}".strip()
    head = f"{i}. {call or 'a call whose URL is not known'}: {diag.top.code}"
    rows = [("status", str(obs.status) if obs.status is not None else "none"),
            ("Xero-Correlation-Id", obs.correlation_id or "none"),
            ("diagnosis", diag.top.code)]
    rows += [(k, v) for k, v in obs.headers if k.lower() in (
        "www-authenticate", "x-rate-limit-problem", "retry-after", "x-minlimit-remaining",
        "x-daylimit-remaining", "x-appminlimit-remaining")]
    return [("h", 3, head), ("table", ("item", "value"), rows), ("p", "Body:", None),
            ("code", "json", _pretty(obs.body)), ("diagnosis", diag, None),
            ("p", "Reproduce (credentials come from environment variables such as "
             f"{TOKEN_ENV}):", None), *_snippets(obs, ep)]


def probe_blocks(probe: Any) -> list[Block]:
    out: list[Block] = [("h", 2, "Probe: predicted vs observed")]
    summary = probe.summary() if callable(getattr(probe, "summary", None)) else {}
    if isinstance(summary, Mapping) and summary:
        out.append(("table", ("item", "value"), [(str(k), str(v)) for k, v in summary.items()]))
    mismatches = probe.mismatches() if callable(getattr(probe, "mismatches", None)) else []
    cols = ("tenant", "method", "path", "predicted", "observed", "cause", "status", "correlation_id")
    rows = []
    for r in mismatches:
        row = r.row() if callable(getattr(r, "row", None)) else {}
        rows.append(tuple(str(row.get(c, "")) for c in cols))
    results = getattr(probe, "results", None)  # (a probe-like object may not say)
    nothing = callable(getattr(probe, "unanswered", None)) and probe.unanswered()
    if results is not None and not results:  # no "0 mismatch(es)" for a run that probed nothing
        out.append(("p", "Nothing was probed, so nothing was verified (see the connections and "
                    "failures below).", None))
    elif nothing:
        out.append(("p", nothing[0].upper() + nothing[1:] + ".", None))
    else:
        out.append(("p", f"{len(rows)} mismatch(es) between the scope rules and Xero's answers.", None))
    if rows:
        out.append(("table", cols, rows))
    # Refusals a known gate explains (the app's tier, the organisation's plan): no catalog error.
    gated = probe.gated() if callable(getattr(probe, "gated", None)) else []
    if gated:
        out.append(("p", f"{len(gated)} refusal(s) gated by the app's tier or the organisation's "
                    "plan: known gates, not mismatches.", None))
        gcols = ("tenant", "method", "path", "cause", "reason")
        out.append(("table", gcols, [tuple(str(r.row().get(c, "")) for c in gcols) for r in gated]))
    notes = probe.notes() if callable(getattr(probe, "notes", None)) else []
    out += [("p", f"Note: {n}.", None) for n in notes]
    return out
