"""The Call tab's request history while the kernel runs: each send, its headers, and code to copy.

Plain Python. Every value kept comes from a ``CallResult`` (already redacted by the client)
and goes through ``xero_nb.redact`` once more; the code snippets carry a placeholder where the
token goes, never a token.
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xero_nb.models import Endpoint
from xero_nb.redact import redact
from xero_nb.scan.names import snake

TOKEN_VAR = "$XERO_ACCESS_TOKEN"
# xero-python's module and class, and xero-node's client property, per catalog API.
_PY = {"accounting": ("accounting", "AccountingApi"), "assets": ("assets", "AssetApi"),
       "projects": ("project", "ProjectApi"), "files": ("file", "FilesApi"),
       "payroll_au": ("payrollau", "PayrollAuApi"), "payroll_uk": ("payrolluk", "PayrollUkApi"),
       "payroll_nz": ("payrollnz", "PayrollNzApi"), "identity": ("identity", "IdentityApi"),
       "finance": ("finance", "FinanceApi"), "appstore": ("appstore", "AppStoreApi")}
_NODE = {"accounting": "accountingApi", "assets": "assetApi", "projects": "projectApi",
         "files": "filesApi", "payroll_au": "payrollAUApi", "payroll_uk": "payrollUKApi",
         "payroll_nz": "payrollNZApi", "identity": "identityApi", "finance": "financeApi",
         "appstore": "appStoreApi", "bankfeeds": "bankFeedsApi"}


def _clean(pairs: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), redact(str(v))) for k, v in pairs or ())


@dataclass(frozen=True)
class Sent:
    """One send: what went, what came back, the scopes the token carried (no secret)."""

    n: int
    at: float  # when it was sent (the connection's clock, seconds since the epoch)
    method: str
    url: str
    status: int
    correlation_id: str
    scopes: tuple[str, ...]
    request_headers: tuple[tuple[str, str], ...]
    response_headers: tuple[tuple[str, str], ...]
    endpoint: Endpoint | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    elapsed_ms: float = 0.0
    tenant_id: str = ""

    @classmethod
    def of(cls, n: int, at: float, result: Any, values: Mapping[str, str]) -> Sent:
        """The record of one CallResult."""
        return cls(n, at, result.method, redact(result.url), int(result.status or 0),
                   result.correlation_id or "", tuple(sorted(result.granted)),
                   _clean(result.request.headers), _clean(result.headers), result.endpoint,
                   {k: redact(v) for k, v in values.items() if v.strip()},
                   result.elapsed * 1000, result.tenant_id or "")

    def header(self, name: str, response: bool = True) -> str | None:
        """One response (or request) header's value, case-insensitively."""
        pairs = self.response_headers if response else self.request_headers
        return next((v for k, v in pairs if k.lower() == name.lower()), None)

    def row(self) -> dict[str, Any]:
        """The history table's row."""
        sent = time.strftime("%H:%M:%S", time.gmtime(self.at))
        return {"#": self.n, "sent (UTC)": sent, "method": self.method, "url": self.url,
                "status": self.status,
                "correlation id": self.correlation_id, "scopes carried": " ".join(self.scopes),
                "time (ms)": round(self.elapsed_ms)}

    # -- code to copy -----------------------------------------------------------------
    def curl(self) -> str:
        """A curl command; the token is ``$XERO_ACCESS_TOKEN``."""
        parts = ["curl", "-X", self.method, shlex.quote(self.url)]
        for name, value in self.request_headers:
            low = name.lower()
            if low in ("host", "content-length", "accept-encoding", "connection", "user-agent"):
                continue
            if low == "authorization":
                value = f"Bearer {TOKEN_VAR}"
                parts += ["-H", f'"{name}: {value}"']
                continue
            parts += ["-H", shlex.quote(f"{name}: {value}")]
        return " ".join(parts)

    def _args(self, style: str) -> list[tuple[str, str]]:
        ep = self.endpoint
        out = []
        if ep is not None and ep.tenant_header:
            out.append(("xero_tenant_id" if style == "py" else "xeroTenantId", self.tenant_id))
        for p in ep.params if ep is not None else ():
            if p.name in self.values:
                out.append((snake(p.name) if style == "py" else p.name, self.values[p.name]))
        return out

    def python(self) -> str:
        """The same call with xero-python (the token is set on the ApiClient, not here)."""
        ep = self.endpoint
        if ep is None or ep.api not in _PY:
            return "# no xero-python API class for this endpoint: use the curl command"
        module, cls = _PY[ep.api]
        args = ", ".join(f"{k}={json.dumps(v)}" for k, v in self._args("py"))
        return (f"from xero_python.{module} import {cls}\n\n"
                "# api_client: an ApiClient whose OAuth2 token you set from your token store\n"
                f"api = {cls}(api_client)\n"
                f"result = api.{snake(ep.operation_id)}({args})")

    def node(self) -> str:
        """The same call with xero-node (the token set is on the XeroClient, not here)."""
        ep = self.endpoint
        if ep is None or ep.api not in _NODE:
            return "// no xero-node API for this endpoint: use the curl command"
        args = self._args("node")
        first = [json.dumps(v) for k, v in args if k == "xeroTenantId" or any(
            p.name == k and p.location == "path" for p in ep.params)]
        rest = [(k, v) for k, v in args if k != "xeroTenantId" and not any(
            p.name == k and p.location == "path" for p in ep.params)]
        lines = ["// xero: a XeroClient whose token set you load from your token store",
                 f"const response = await xero.{_NODE[ep.api]}.{ep.operation_id}("
                 f"{', '.join(first)});"]
        if rest:
            lines.insert(1, "// then these, in the method's argument order: "
                         + ", ".join(f"{k}={json.dumps(v)}" for k, v in rest))
        return "\n".join(lines)


def compare(before: Sent, after: Sent) -> list[tuple[str, str, str]]:
    """(what, before, after) for what differs between two sends (status, scopes, headers)."""
    rows = []
    for what, a, b in (("status", str(before.status), str(after.status)),
                       ("url", before.url, after.url),
                       ("scopes carried", " ".join(before.scopes), " ".join(after.scopes)),
                       ("WWW-Authenticate", before.header("www-authenticate") or "",
                        after.header("www-authenticate") or "")):
        if a != b:
            rows.append((what, a, b))
    gained = sorted(set(after.scopes) - set(before.scopes))
    if gained:
        rows.append(("scopes added", "", " ".join(gained)))
    return rows
