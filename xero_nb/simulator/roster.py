"""The demo world's cast behind ``XeroSimulator``: apps, organisations, users and their tokens.

Also each user's role per organisation, connections (``disconnect``), and tokens minted
without the consent flow (``issue_token``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from xero_nb.catalog.scopes import check_era, parse_scopes
from xero_nb.errors import XeroNbError
from xero_nb.simulator.clock import SimClock
from xero_nb.simulator.core import SimCore
from xero_nb.simulator.orgs import REDIRECT_URIS, DemoApp, DemoOrg, DemoUser, OrgRole, stable_hex


class SimulatorError(XeroNbError, ValueError):
    """Misuse of the simulator (unknown app, user or organisation)."""

    code = "simulator_error"


class Roster:
    """Who is in the simulated world and what they hold (the base of ``XeroSimulator``)."""

    _core: SimCore
    clock: SimClock
    seed: int

    @property
    def apps(self) -> dict[str, DemoApp]:
        """Demo apps by name: web, pkce, custom, partner, migrating."""
        return self._core.apps

    @property
    def tenants(self) -> list[DemoOrg]:
        """Demo organisations (AU, NZ, UK, US, and an NZ cafe without Payroll/Projects)."""
        return self._core.orgs

    @property
    def users(self) -> list[DemoUser]:
        """Demo users; the first (standard everywhere) signs in by default."""
        return self._core.users

    def tenant(self, country_or_name: str) -> DemoOrg:
        """The first organisation with this country code (AU, NZ, UK, US), name or id."""
        low = country_or_name.lower()
        for org in self.tenants:
            if low in (org.country.lower(), org.name.lower(), org.tenant_id):
                return org
        raise SimulatorError(f"no demo organisation {country_or_name!r}")

    def user(self, hint: str | DemoUser | None = None) -> DemoUser:
        """A user by email, name or id (None: the default user)."""
        if isinstance(hint, DemoUser):
            return hint
        if hint is None:
            return self.users[0]
        found = self._core.find_user(hint)
        if found is None:
            raise SimulatorError(f"no demo user {hint!r}")
        return found

    def app(self, name_or_client_id: str | DemoApp) -> DemoApp:
        """An app by name or client id."""
        if isinstance(name_or_client_id, DemoApp):
            return name_or_client_id
        app = self.apps.get(name_or_client_id) or self._core.apps_by_id.get(name_or_client_id)
        if app is None:
            raise SimulatorError(f"no demo app {name_or_client_id!r}; apps: {', '.join(self.apps)}")
        return app

    def add_app(self, name: str, *, era: str, kind: str = "web", tier: str = "core",
                approved_scopes: Iterable[str] = (), created: date | None = None) -> DemoApp:
        """Register another app (as in Xero's developer portal), e.g. one approved for everything.

        ``era`` is broad, granular or mixed; ``approved_scopes`` are the restricted scopes Xero
        has approved it for; ``tier`` is Xero's developer tier (starter ... enterprise).
        """
        era = check_era(era)
        if kind not in ("web", "pkce"):
            raise SimulatorError(f"kind must be 'web' or 'pkce' (custom connections are demo-only), "
                                 f"not {kind!r}")
        with self._core.lock:
            if name in self._core.apps:
                raise SimulatorError(f"an app named {name!r} exists: {', '.join(self._core.apps)}")
            secret = None if kind == "pkce" else stable_hex(self.seed, f"secret/{name}", 48)
            app = DemoApp(name=name, client_id=stable_hex(self.seed, f"client/{name}"),
                          client_secret=secret,
                          redirect_uris=REDIRECT_URIS, era=era, kind=kind,
                          created=created or (date(2026, 3, 2) if era == "granular" else date(2025, 1, 1)),
                          approved_scopes=frozenset(approved_scopes), tier=tier)
            self._core.apps[name] = app
            self._core.apps_by_id[app.client_id] = app
        return app

    def set_role(self, user: str | DemoUser, tenant: str | DemoOrg, role: str | None,
                 *, reports: bool = True, payroll_admin: bool = False) -> None:
        """Change (or with ``role=None`` remove) a user's standing in an organisation."""
        u = self.user(user)
        tid = tenant.tenant_id if isinstance(tenant, DemoOrg) else self.tenant(tenant).tenant_id
        with self._core.lock:
            if role is None:
                u.roles.pop(tid, None)
            else:
                u.roles[tid] = OrgRole(role, reports, payroll_admin)

    def issue_token(self, scopes: Iterable[str] | str = ("offline_access",),
                    user: str | DemoUser | None = None,
                    tenants: Iterable[str | DemoOrg] | None = None, app: str | DemoApp = "web",
                    nonce: str | None = None) -> dict[str, Any]:
        """Mint a token response as the token endpoint would, creating the connections.

        Unlike authorize, this does not refuse restricted scopes or roles: tests use it to
        reach API-side refusals. ``tenants=None`` connects every org the user may connect;
        the custom app always gets its one organisation and no refresh token.
        """
        a = self.app(app)
        names = tuple(dict.fromkeys(scopes.split() if isinstance(scopes, str) else scopes))
        parse_scopes(list(names))  # unknown names raise with a suggestion
        core = self._core
        with core.lock:
            now = self.clock()
            if a.kind == "custom":
                org = core.orgs_by_id[a.tenant_id or ""]
                grant = core.state.consent(a, None, names, [(org.tenant_id, org.name, org.tenant_type)],
                                           now)
                return core.state.issue(grant, now)
            u = self.user(user)
            if tenants is None:
                orgs = [o for o in self.tenants if u.can_connect(o.tenant_id)]
            else:
                orgs = [t if isinstance(t, DemoOrg) else self.tenant(t) for t in tenants]
            grant = core.state.consent(a, u, names, [(o.tenant_id, o.name, o.tenant_type) for o in orgs],
                                       now, nonce)
            return core.state.issue(grant, now)

    def _expired_token(self, scopes: Iterable[str], app: str = "web") -> dict[str, Any]:
        """A token minted 31 minutes ago (already expired), without moving the clock."""
        a = self.app(app)
        with self._core.lock:
            then = self.clock() - 31 * 60
            orgs = [(o.tenant_id, o.name, o.tenant_type) for o in self.tenants
                    if self.users[0].can_connect(o.tenant_id)]
            grant = self._core.state.consent(a, self.users[0], tuple(scopes), orgs, then)
            return self._core.state.issue(grant, then)

    def disconnect(self, tenant: str | DemoOrg, user: str | DemoUser | None = None,
                   app: str | DemoApp | None = None) -> int:
        """Remove connections to an org, as when a user disconnects the app inside Xero."""
        tid = tenant.tenant_id if isinstance(tenant, DemoOrg) else self.tenant(tenant).tenant_id
        uid = self.user(user).user_id if user is not None else None
        cid = self.app(app).client_id if app is not None else None
        with self._core.lock:
            gone = [k for k, c in self._core.state.connections.items()
                    if c.tenant_id == tid and (uid is None or c.user_id == uid)
                    and (cid is None or c.client_id == cid)]
            for k in gone:
                del self._core.state.connections[k]
        return len(gone)
