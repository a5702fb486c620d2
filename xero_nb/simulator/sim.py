"""XeroSimulator: an offline Xero that fails exactly as Xero does.

>>> sim = XeroSimulator()
>>> tok = sim.issue_token(scopes=["accounting.settings.read"])
>>> with Client(transport=sim.transport()) as c:                     # doctest: +SKIP
...     c.get("https://api.xero.com/api.xro/2.0/Accounts",
...           headers={"Authorization": "Bearer " + tok["access_token"],
...                    "xero-tenant-id": sim.tenants[0].tenant_id}).status_code
200
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from xero_nb.catalog.scopes import check_era, parse_scopes
from xero_nb.errors import XeroNbError
from xero_nb.facts import XeroURLs
from xero_nb.http import Request, Response
from xero_nb.simulator.clock import SimClock
from xero_nb.simulator.core import RECORD_DEFAULT, SimCore
from xero_nb.simulator.faults import Faults
from xero_nb.simulator.limits import RateLimits
from xero_nb.simulator.orgs import (
    REDIRECT_URIS,
    DemoApp,
    DemoOrg,
    DemoUser,
    OrgRole,
    demo_apps,
    demo_orgs,
    demo_users,
    stable_hex,
)
from xero_nb.simulator.scenarios import Scenario
from xero_nb.simulator.transport import SimTransport

if TYPE_CHECKING:
    from xero_nb.simulator.server import SimServer


class SimulatorError(XeroNbError, ValueError):
    """Misuse of the simulator (unknown app, user or organisation)."""

    code = "simulator_error"


class XeroSimulator:
    """Xero's identity server and API, in memory.

    The refusals it gives, and which rate-limit headers each answer carries (the per-tenant
    pair only when a tenant is known), are listed in the ``xero_nb.simulator`` package docstring.
    """

    def __init__(self, limits: bool = True, clock: Callable[[], float] | None = None,
                 time_scale: float = 1.0, seed: int = 0, auto_approve: bool = True,
                 record_calls: bool | int = True) -> None:
        """``record_calls``: keep the last N calls in ``calls`` (True: RECORD_DEFAULT, False: none)."""
        self.clock = SimClock(clock, time_scale)
        orgs = demo_orgs(seed)
        self._core = SimCore(apps=demo_apps(orgs, seed), orgs=orgs, users=demo_users(orgs, seed),
                             clock=self.clock, limits=limits, seed=seed,
                             max_calls=self._ring_size(record_calls))
        self._core.auto_approve = auto_approve
        self.seed = seed

    def __repr__(self) -> str:
        return (f"<XeroSimulator {len(self.tenants)} orgs, {len(self.apps)} apps, "
                f"{len(self.calls)} calls, limits={'on' if self.limits.enabled else 'off'}>")

    # -- the demo world ------------------------------------------------------------------
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
        check_era(era)
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

    # -- switches and logs ---------------------------------------------------------------
    @property
    def auto_approve(self) -> bool:
        """True: authorize consents at once for the signing user's orgs; False: show the page."""
        return self._core.auto_approve

    @auto_approve.setter
    def auto_approve(self, value: bool) -> None:
        self._core.auto_approve = bool(value)

    @property
    def calls(self) -> list[tuple[Request, Response]]:
        """The last ``max_calls`` answered calls, oldest first (a copy; credentials masked)."""
        return self._core.record()

    @property
    def record_calls(self) -> bool:
        """Whether calls are recorded; set True (RECORD_DEFAULT calls), False, or a number."""
        return self._core.max_calls > 0

    @record_calls.setter
    def record_calls(self, value: bool | int) -> None:
        if value is True and self._core.max_calls:
            return  # already recording: keep the size chosen
        self._core.max_calls = self._ring_size(value)

    @property
    def max_calls(self) -> int:
        """How many of the latest calls ``calls`` keeps (0: recording is off)."""
        return self._core.max_calls

    @max_calls.setter
    def max_calls(self, value: int) -> None:
        self._core.max_calls = self._ring_size(value)

    @staticmethod
    def _ring_size(value: bool | int) -> int:
        if isinstance(value, bool):
            return RECORD_DEFAULT if value else 0
        if not isinstance(value, int) or value < 0:
            raise SimulatorError(f"record_calls takes True, False or a number of calls >= 0, "
                                 f"not {value!r}")
        return value

    @property
    def faults(self) -> Faults:
        """Fault rules: ``sim.faults.add("503", "/api.xro/2.0/Invoices*", share=0.5)``."""
        return self._core.faults

    @property
    def limits(self) -> RateLimits:
        """The rate limiter (``sim.limits.enabled = False`` turns limits off)."""
        return self._core.limits

    @property
    def urls(self) -> XeroURLs:
        """Where the in-process transport answers: Xero's real URLs."""
        return XeroURLs.xero()

    def records(self, tenant: str | DemoOrg, api: str, collection: str,
                parent: str | tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """A copy of one collection's records, e.g. ``("AU", "accounting", "invoices")``.

        A collection is a path's literal segments, lower case; ``"appstore"`` holds the App Store's.
        A collection under a parent record (``"projects/tasks"``) is kept per parent: ``parent``
        names it (its id, or the ids along the path, outermost first); without it, every
        parent's records come in the parents' order. An unknown parent raises SimulatorError.
        """
        tid = "appstore" if tenant == "appstore" else (
            tenant.tenant_id if isinstance(tenant, DemoOrg) else self.tenant(tenant).tenant_id)
        with self._core.lock:
            rows = self._core.store.listing(tid, api, collection, parent)
            if rows is None:
                raise SimulatorError(f"no parent {parent!r} of {api} {collection!r}")
            return copy.deepcopy(rows)

    def reset(self) -> None:
        """Every organisation's records back to the seed (writes forgotten; tokens, limits kept)."""
        with self._core.lock:
            self._core.store.reset()

    def advance(self, seconds: float) -> None:
        """Move simulated time forward (tokens expire, windows slide)."""
        self.clock.advance(seconds)

    # -- ways in -------------------------------------------------------------------------
    def transport(self) -> SimTransport:
        """An httpx2 transport (sync and async) answering for Xero's real hosts."""
        return SimTransport(self._core)

    def serve(self, port: int = 0) -> SimServer:
        """Serve on 127.0.0.1 (``port=0``: any free port); Xero's paths on one origin."""
        from xero_nb.simulator.server import SimServer  # uvicorn only when serving

        return SimServer(self._core, port, sim=self)

    def asgi(self) -> Any:
        """The ASGI app (for other servers)."""
        from xero_nb.simulator.app import SimASGI

        return SimASGI(self._core)

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

    def scenario(self, code: str) -> Scenario:
        """A request that fails the way diagnosis ``code`` describes (see scenarios.SCENARIOS)."""
        from xero_nb.simulator.scenarios import BUILDERS

        if code not in BUILDERS:
            raise SimulatorError(f"no scenario {code!r}; scenarios: {', '.join(BUILDERS)}")
        return BUILDERS[code](self)

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
