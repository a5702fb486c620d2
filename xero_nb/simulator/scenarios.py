"""Named failure scenarios: each diagnosis code provoked on the simulator, for demos and notebooks.

>>> from xero_nb.simulator import XeroSimulator
>>> sc = XeroSimulator().scenario("missing_scope")
>>> sc.send().status_code
401
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from xero_nb.facts import XeroURLs
from xero_nb.http import Client, Response
from xero_nb.simulator.clock import SimClock
from xero_nb.simulator.limits import RateLimits
from xero_nb.simulator.orgs import DemoApp, DemoOrg
from xero_nb.simulator.transport import SimTransport


class XeroSimulator(Protocol):
    """What a scenario needs of the simulator (``sim.XeroSimulator`` builds them, so no import back)."""

    clock: SimClock

    @property
    def apps(self) -> dict[str, DemoApp]: ...
    @property
    def limits(self) -> RateLimits: ...
    def transport(self) -> SimTransport: ...
    def tenant(self, country_or_name: str) -> DemoOrg: ...
    def issue_token(self, scopes: Any = ..., user: Any = None, tenants: Any = None,
                    app: Any = "web", nonce: str | None = None) -> dict[str, Any]: ...
    def _expired_token(self, scopes: Any, app: str = "web") -> dict[str, Any]: ...
    def disconnect(self, tenant: Any, user: Any = None, app: Any = None) -> int: ...

API = XeroURLs.xero().api_root
TOKEN_URL = XeroURLs.xero().token
REFRESH_FORM = {"grant_type": "refresh_token", "refresh_token": "0" * 64}


@dataclass(frozen=True)
class Scenario:
    """One request that makes the simulator fail in a named way, and the context behind it."""

    code: str
    title: str
    method: str
    url: str
    era: str
    app: str
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    form: dict[str, str] | None = field(default=None, repr=False)
    token: dict[str, Any] | None = field(default=None, repr=False)
    tenant_id: str | None = None
    sim: XeroSimulator | None = field(default=None, repr=False, compare=False)
    requested: str | None = None  # scopes the app asked for, when that differs from the grant

    def send(self) -> Response:
        """Send the request through the simulator's in-process transport."""
        assert self.sim is not None, "scenario not bound to a simulator"
        with Client(transport=self.sim.transport()) as c:
            return c.request(self.method, self.url, headers=self.headers, data=self.form)

    def connections(self) -> list[dict[str, Any]] | None:
        """GET /connections for this scenario's token (None for token-endpoint scenarios)."""
        if self.sim is None or self.token is None:
            return None
        with Client(transport=self.sim.transport()) as c:
            r = c.get(XeroURLs.xero().connections,
                      headers={"Authorization": "Bearer " + self.token["access_token"]})
        rows: list[dict[str, Any]] = r.json() if r.status_code == 200 else []
        return rows


def _api(sim: XeroSimulator, code: str, title: str, path: str, scopes: list[str], *,
         app: str = "web", user: str | None = None, tenants: list[str] | None = None,
         tenant: str | None = "AU", method: str = "GET", expired: bool = False) -> Scenario:
    if expired:
        tok = sim._expired_token(scopes, app=app)
    else:
        tok = sim.issue_token(scopes=scopes, app=app, user=user, tenants=tenants)
    tid = sim.tenant(tenant).tenant_id if tenant else None
    headers = {"Authorization": "Bearer " + tok["access_token"], "Accept": "application/json"}
    if tid:
        headers["xero-tenant-id"] = tid
    return Scenario(code, title, method, API + path, sim.apps[app].era, app, headers, None, tok, tid,
                    sim)


def _token(sim: XeroSimulator, code: str, title: str, app: str, form: dict[str, str],
           secret: str | None = None) -> Scenario:
    a = sim.apps[app]
    cred = base64.b64encode(f"{a.client_id}:{secret or a.client_secret or ''}".encode()).decode()
    return Scenario(code, title, "POST", TOKEN_URL, a.era, app, {"Authorization": "Basic " + cred},
                    form, None, None, sim)


def _not_reconsented(sim: XeroSimulator) -> Scenario:
    sc = _api(sim, "not_reconsented", "Contacts scope added in code, but the user never re-consented",
              "/api.xro/2.0/Contacts", ["openid", "offline_access"])
    return replace(sc, requested="openid offline_access accounting.contacts")


def _revoked(sim: XeroSimulator) -> Scenario:
    sc = _api(sim, "connection_revoked", "The user disconnected the app inside Xero",
              "/api.xro/2.0/Accounts", ["accounting.settings.read"], app="migrating", tenants=["AU"])
    sim.disconnect("AU", app="migrating")
    return sc


def _rate_limited(sim: XeroSimulator) -> Scenario:
    sc = _api(sim, "rate_limited", "Sixty calls this minute already", "/api.xro/2.0/Accounts",
              ["accounting.settings.read"], app="partner", tenants=["US"], tenant="US")
    a = sim.apps["partner"]
    for _ in range(sim.limits.per_minute):  # spend the minute's quota without sending calls
        sim.limits.check(a.client_id, sc.tenant_id or "", a.tier, sim.clock())
    return sc


BUILDERS: dict[str, Callable[[XeroSimulator], Scenario]] = {
    "missing_scope": lambda s: _api(s, "missing_scope", "Accounts need accounting.settings(.read)",
                                    "/api.xro/2.0/Accounts", ["accounting.contacts.read"]),
    "not_reconsented": _not_reconsented,
    "token_expired": lambda s: _api(s, "token_expired", "The access token is past its 30 minutes",
                                    "/api.xro/2.0/Accounts", ["accounting.settings.read"], expired=True),
    "tenant_header_missing": lambda s: _api(s, "tenant_header_missing", "No xero-tenant-id header",
                                            "/api.xro/2.0/Accounts", ["accounting.settings.read"],
                                            tenant=None),
    "tenant_not_connected": lambda s: _api(s, "tenant_not_connected", "A tenant this user never connected",
                                           "/api.xro/2.0/Accounts", ["accounting.settings.read"],
                                           user="ben@example.com", tenant="UK"),
    "connection_revoked": _revoked,
    "user_role": lambda s: _api(s, "user_role", "An Invoice-only user reading the chart of accounts",
                                "/api.xro/2.0/Accounts", ["accounting.settings.read"],
                                user="cara@example.com", tenants=["AU"]),
    "feature_not_in_plan": lambda s: _api(s, "feature_not_in_plan", "Payroll on an org without Payroll",
                                          "/payroll.xro/2.0/Employees", ["payroll.employees.read"],
                                          tenant="Harbour Cafe (NZ)"),
    "payroll_region_mismatch": lambda s: _api(s, "payroll_region_mismatch",
                                              "AU payroll (1.0) called for an NZ organisation",
                                              "/payroll.xro/1.0/Employees", ["payroll.employees.read"],
                                              tenant="NZ"),
    "restricted_scope": lambda s: _api(s, "restricted_scope", "The Finance API without Xero's approval",
                                       "/finance.xro/1.0/FinancialStatements/BalanceSheet",
                                       ["finance.statements.read"]),
    "broad_scope_on_granular_app": lambda s: _api(s, "broad_scope_on_granular_app",
                                                  "accounting.transactions on a 2026 app",
                                                  "/api.xro/2.0/Invoices", ["accounting.transactions"],
                                                  app="pkce"),
    "tier_gated": lambda s: _api(s, "tier_gated", "Journals from a Core-tier app (Advanced needed "
                                 "from 2 Mar 2026)", "/api.xro/2.0/Journals",
                                 ["accounting.journals.read"]),
    "rate_limited": _rate_limited,
    "invalid_grant": lambda s: _token(s, "invalid_grant", "A refresh token Xero no longer honours",
                                      "web", REFRESH_FORM),
    "invalid_client": lambda s: _token(s, "invalid_client", "A wrong client secret", "web",
                                       REFRESH_FORM, secret="wrong-secret"),
    # (a broad scope asked for is its own cause: broad_scope_on_granular_app)
    "invalid_scope_requested": lambda s: _token(s, "invalid_scope_requested",
                                                "A custom connection asking for a misspelt scope", "custom",
                                                {"grant_type": "client_credentials",
                                                 "scope": "accounting.invoice.read"}),
}
SCENARIOS = tuple(BUILDERS)
