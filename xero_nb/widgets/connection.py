"""One connection a ScopeLab shares: simulator or live Xero, sign-in, token, tenants.

Plain Python: the ConnectPanel's handlers call these methods and tests call them too.
The client secret lives only in ``Settings`` (a ``Secret``); nothing here shows a token.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from xero_nb.auth.config import Settings
from xero_nb.errors import ConfigError
from xero_nb.facts import XeroURLs
from xero_nb.models import Tenant
from xero_nb.widgets.confirm import ConfirmLive
from xero_nb.widgets.demo import DEMO_SCOPES, demo_settings
from xero_nb.widgets.notice import Noticed, guarded
from xero_nb.widgets.scope_state import ScopeState, scope_change
from xero_nb.widgets.sign_in import SignIn


class Connection(SignIn, ConfirmLive, Noticed):
    """Simulator or live Xero behind one XeroAuth; keeps the ScopeState on the token's scopes."""

    def __init__(self, scopes: ScopeState | None = None, *, settings: Settings | None = None,
                 store: Any = None, clock: Callable[[], float] = time.time,
                 live_urls: XeroURLs | None = None) -> None:
        super().__init__()
        self.scopes = scopes if scopes is not None else ScopeState()
        self.clock = clock
        self.settings = settings
        self.store = store
        self._given_store = store  # live mode uses it (tests); else the profile's file store
        self.mode = "none"
        self.app = ""
        self.era: str | None = None
        self.sim: Any = None
        self.transport: Any = None
        self.urls = XeroURLs.xero()
        # Where "live" goes: real Xero, or e.g. `xero-nb simulator` on a 127.0.0.1 port.
        self.live_urls = live_urls or XeroURLs.xero()
        self.auth: Any = None
        self.token: Any = None
        self.tenants: list[Tenant] = []
        self.tenant_id: str | None = None
        self.pending_url: str | None = None
        self.grant = "authorization_code"  # or "client_credentials" (custom connections)
        self.warnings: list[warnings.WarningMessage] = []
        self._typed_secret: Any = None  # a client secret typed in the panel, until use_live
        # On the simulator, Consent opens its consent page in a browser tab (as live Xero
        # does) unless the user chose auto-approve.
        self.sim_auto_approve = False
        self._sim_server: Any = None  # the simulator on 127.0.0.1, served for its pages
        self._catcher: Any = None  # the 127.0.0.1 redirect catcher of a consent page
        self._consent_seq = 0  # the latest consent: an earlier one's outcome is not shown
        self._consent_thread: Any = None

    # -- set-up -----------------------------------------------------------------------
    @classmethod
    def auto(cls, scopes: ScopeState | None = None, *, sign_in: bool = True,
             demo_scopes: Iterable[str] = DEMO_SCOPES, demo_app: str = "web", env_file: str | None = ".env",
             **kwargs: Any) -> Connection:
        """Live when XERO_CLIENT_ID (env, .env or profile) is set, else the simulator, signed in as
        its demo app ``demo_app``: "web" (an app from before 2 Mar 2026: mixed era), "pkce" (a
        public app from after it: granular only), "custom" (a custom connection), "partner"
        (approved for the restricted scopes), "migrating" (an old app moving off broad scopes)."""
        conn = cls(scopes, **kwargs)
        settings = Settings.from_env(env_file=env_file)
        if settings.use_simulator:
            conn.use_simulator(app=demo_app, scopes=demo_scopes)
            if sign_in:
                conn.sign_in()
        else:
            conn.use_settings(settings)
            if sign_in and conn.token is None and conn.auth is not None:
                conn.sign_in()
        return conn

    @property
    def holds_secret(self) -> bool:
        """True while a client secret typed in the panel waits for ``use_live``."""
        return self._typed_secret is not None

    @guarded
    def hold_secret(self, secret: str) -> None:
        """Keep a client secret typed in the panel for ``use_live`` (the field is emptied at once)."""
        if not secret:  # the emptied field echoing back
            return
        from xero_nb.auth.tokens import Secret

        self._typed_secret = Secret(secret)
        self._notify("secret")

    def _drop_secret(self) -> Any:
        held, self._typed_secret = self._typed_secret, None
        if held is not None:
            self._notify("secret")
        return held

    @guarded
    def use_simulator(self, app: str = "web", scopes: Iterable[str] | None = None,
                      simulator: Any = None) -> None:
        """Work offline on the built-in Xero simulator, as its demo app ``app``."""
        from xero_nb.auth import MemoryTokenStore
        from xero_nb.simulator import XeroSimulator  # type: ignore[attr-defined,unused-ignore]

        new_sim = simulator or self.sim or XeroSimulator()
        if app not in new_sim.apps:  # (before anything changes: the connection stays as it was)
            raise ConfigError(f"the simulator has no demo app {app!r}: use one of {', '.join(new_sim.apps)}")
        self._drop_secret()
        if new_sim is not self.sim:
            self._stop_serving()
        self.sim = new_sim
        self.sim.auto_approve = True
        demo = self.sim.apps[app]
        self.transport = self.sim.transport()
        self.urls = XeroURLs.xero()
        self.settings, self.grant = demo_settings(demo, scopes)
        self.store = MemoryTokenStore(clock=self.clock)
        self.mode, self.app, self.era = "simulator", app, demo.era
        self.auth = self._new_auth()
        self._forget()
        self.scopes.set_token_era(demo.era)
        self.tell(f"Simulator: demo app {app!r} ({demo.era} era). Not real Xero.", "info")
        self._notify("token")

    @guarded
    def use_settings(self, settings: Settings) -> None:
        """Work against real Xero with these settings (from the environment or the panel)."""
        from xero_nb.auth import FileTokenStore

        self._drop_secret()  # a typed secret belongs to the app typed in, not to this one
        self._stop_serving()
        self.settings = settings
        self.sim, self.transport, self.urls = None, None, self.live_urls
        # Never the simulator's store (its token is not Xero's) nor another profile's.
        self.store = self._given_store if self._given_store is not None else FileTokenStore(
            profile=settings.profile)
        self.mode, self.app, self.era = "live", settings.client_id or "", settings.era
        self.auth = self._new_auth()
        self.grant = settings.grant
        self._forget()
        if settings.era:
            self.scopes.set_token_era(settings.era)
        saved = self.store.load()
        if saved is not None:
            self._took(saved, "Loaded the saved token for profile " + repr(settings.profile))
        else:
            self.tell(settings.describe() + " Press Sign in.", "info")
            self._notify("token")

    @guarded
    def use_profile(self, profile: str = "", env_file: str | None = ".env") -> None:
        """Real Xero with the app from the environment, .env, or a named profile."""
        settings = Settings.from_env(profile=profile.strip() or None, env_file=env_file)
        if settings.use_simulator:
            raise ValueError("no client id in XERO_CLIENT_ID, .env or profile "
                             f"{settings.profile!r}: type one in, or use the simulator")
        self.use_settings(settings)

    @guarded
    def use_live(self, client_id: str, client_secret: str = "", redirect_uri: str = "",
                 scopes: Any = None, era: str | None = None,
                 custom_connection: bool = False) -> None:
        """Real Xero with credentials typed in the panel (the secret never leaves Settings).

        ``custom_connection``: sign in with the client_credentials grant (no browser).
        A blank ``client_secret`` uses the one ``hold_secret`` keeps, if any.
        """
        held = self._drop_secret()
        if not client_secret and held is not None:
            client_secret = held.reveal()
        kwargs: dict[str, Any] = {"client_id": client_id.strip()}
        if client_secret:
            kwargs["client_secret"] = client_secret
        if redirect_uri.strip():
            kwargs["redirect_uri"] = redirect_uri.strip()
        if scopes:
            kwargs["scopes"] = scopes
        if era:
            kwargs["era"] = era
        kwargs["grant"] = "client_credentials" if custom_connection else "authorization_code"
        self.use_settings(Settings.from_env(**kwargs))

    def _stop_serving(self) -> None:
        server, self._sim_server = self._sim_server, None
        if server is not None:
            server.close()

    @guarded
    def set_sim_auto_approve(self, on: bool) -> None:
        """On the simulator: True consents at once, False shows its consent page in a tab."""
        self.sim_auto_approve = bool(on)
        self._notify("consent_mode")

    def _new_auth(self) -> Any:
        # A fresh XeroAuth for the current app: XeroAuth keeps the last token in memory, so
        # signing out must replace it, or the next client would still carry the old token.
        from xero_nb.auth.flow import XeroAuth

        return XeroAuth(self.settings, store=self.store, transport=self.transport,
                        urls=self.urls, clock=self.clock, era=self.era)

    def _forget(self) -> None:
        """No token, tenant or granted scope any more (another app, mode, or signed out)."""
        self.token, self.tenants, self.tenant_id, self.pending_url = None, [], None, None
        self.scopes.set_granted(())

    def _need_auth(self) -> Any:
        if self.auth is None:
            raise RuntimeError("choose the simulator or enter a Xero app first")
        return self.auth

    def _took(self, token: Any, what: str) -> Any:
        before = self.token.scopes if self.token is not None else None
        self.token = token
        requested = getattr(token, "requested", None) or None
        self.scopes.set_granted(token.scopes, requested=requested)
        self._load_tenants()
        note = self.context_note()
        # After a re-consent (a token replacing one): what the new consent changed.
        changed = f" Changed: {scope_change(before, token.scopes)}." if before is not None else ""
        self.tell(f"{what}: {len(token.scopes)} scopes granted, {len(self.tenants)} "
                  f"organisation(s).{changed}" + (f" ({note})" if note else ""), "ok")
        self._notify("token")
        return token

    def _load_tenants(self) -> None:
        self.tenants = list(self._need_auth().connections())
        ids = [t.tenant_id for t in self.tenants]
        if self.tenant_id not in ids:
            self.tenant_id = ids[0] if ids else None

    # -- tenants and token ---------------------------------------------------------------
    @guarded
    def select_tenant(self, tenant_id: str | None) -> None:
        """The organisation calls go to (its xero-tenant-id)."""
        if tenant_id and tenant_id not in [t.tenant_id for t in self.tenants]:
            raise ValueError(f"tenant {tenant_id} is not connected to this token")
        self.tenant_id = tenant_id or None
        if self.store is not None and hasattr(self.store, "set_tenant"):
            self.store.set_tenant(self.tenant_id)
        self._notify("tenant")

    @guarded
    def reload_tenants(self) -> None:
        """Read /connections again."""
        self._load_tenants()
        self._notify("token")

    @guarded
    def refresh(self) -> None:
        """Refresh the access token now (rotates the refresh token)."""
        self._took(self._need_auth().refresh(), "Refreshed")

    @guarded
    def sign_out(self) -> None:
        """Forget the token here (the app stays connected in Xero)."""
        if self.auth is not None:
            self.auth.forget("signed out")  # clients made earlier share this auth: none may send
            self.auth = self._new_auth()
        elif self.store is not None:
            self.store.clear("signed out")
        self._forget()
        self.tell("Signed out: the token is forgotten here (Revoke also disconnects in Xero).")
        self._notify("token")

    @guarded
    def revoke(self) -> None:
        """Revoke the refresh token: Xero removes this user's connections to the app."""
        self._need_auth().revoke()
        self._forget()
        self.tell("Revoked: the connections are gone; sign in again to reconnect.", "ok")
        self._notify("token")

    @guarded
    def disconnect(self, tenant_id: str | None = None) -> None:
        """Disconnect one organisation (by its connection id, looked up from the tenant)."""
        target = tenant_id or self.tenant_id
        conn = next((t for t in self.tenants if t.tenant_id == target), None)
        if conn is None:
            raise ValueError("choose a connected organisation first")
        self._need_auth().disconnect(conn.connection_id)
        self._load_tenants()
        self.tell(f"Disconnected {conn.tenant_name}: this app no longer reaches it. To connect it again, "
                  "sign in and tick it on the consent page.", "ok")
        self._notify("token")

    # -- for other panels ----------------------------------------------------------------
    def client(self, allow_writes: bool = False) -> Any:
        """A XeroClient for the chosen organisation (GET only unless ``allow_writes``)."""
        from xero_nb.client.call import XeroClient

        auth = self._need_auth()
        if self.token is None:
            raise RuntimeError("sign in first (Connect tab)")
        return XeroClient(auth=auth, transport=self.transport, urls=self.urls,
                          tenant_id=self.tenant_id, allow_writes=allow_writes, clock=self.clock)

    def tenant(self, tenant_id: str | None = None) -> Tenant | None:
        target = tenant_id or self.tenant_id
        return next((t for t in self.tenants if t.tenant_id == target), None)

    def organisation(self, tenant_id: str | None = None) -> Any:
        """The simulator's demo organisation record (country, plan) when offline."""
        target = tenant_id or self.tenant_id
        if self.sim is None:
            return None
        return next((o for o in self.sim.tenants if o.tenant_id == target), None)

    @property
    def real_era(self) -> str | None:
        """The app's own era (None: live and not known), never the Scopes tab's what-if."""
        return self.era

    def status(self) -> dict[str, Any]:
        """What the token panel shows; never a token or a secret.

        ``era`` is the app's real era ("unknown" when live Xero was not told it); ``whatif``
        says what the Scopes tab explores, which no diagnosis, fix or banner era uses.
        """
        tok = self.token
        left = (tok.expires_at - self.clock()) if tok is not None else None
        tenant = self.tenant()
        return {
            "mode": self.mode,
            "app": self.app,
            "era": self.era or "unknown",
            "whatif": self.scopes.whatif_note(),
            "signed_in": tok is not None,
            "scopes": sorted(tok.scopes) if tok is not None else [],
            "expires_in": None if left is None else max(int(left), 0),
            "refreshable": bool(getattr(tok, "refresh_token", None)),
            "tenant": tenant.tenant_name if tenant else None,
            "tenants": len(self.tenants),
        }
