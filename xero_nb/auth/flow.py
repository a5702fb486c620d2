"""Sign in to Xero from a notebook: code + PKCE over a loopback callback, paste-the-URL fallback,
client credentials, revoke, connections, the JWT view (refresh under the store's lock is in
``core``, which ``XeroAuth`` builds on).

Every OAuth2 request goes through authlib's httpx2 clients (PKCE S256, token requests, refresh,
revocation); this module adds what authlib leaves out: the ``state`` check, the single refresh
across kernels, Xero's errors explained, and the tenants.

>>> auth = XeroAuth(client_id="YOUR-CLIENT-ID")     # or XERO_CLIENT_ID in the environment
>>> token = auth.sign_in()                             # doctest: +SKIP
>>> [t.tenant_name for t in auth.connections()]        # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import webbrowser
from collections.abc import Callable, Iterable
from typing import Any

from authlib.common.security import generate_token

from xero_nb.auth import tenants
from xero_nb.auth.callback import CallbackServer
from xero_nb.auth.config import DEFAULT_SCOPES, check_redirect_uri
from xero_nb.auth.core import HTTP_TIMEOUT, AuthCore
from xero_nb.auth.explain import scope_warnings
from xero_nb.auth.jwt import JWTView, fetch_jwks, verify_jwt
from xero_nb.auth.pkce import PendingSignIn
from xero_nb.auth.tokens import Token
from xero_nb.catalog.scopes import OIDC_SCOPES, parse_scopes
from xero_nb.errors import AuthError, TokenStoreError, warn_user
from xero_nb.http import HTTPError
from xero_nb.models import Tenant

OFFLINE = "offline_access"


class XeroAuth(AuthCore):
    """Xero OAuth2 for one app and one token store (a profile).

    ``settings`` (or keyword arguments for ``Settings``; or, with neither, the environment)
    names the app. ``transport`` is handed to httpx2 (``sim.transport()`` for the simulator).
    """

    # -- scopes --------------------------------------------------------------------------
    def request_scopes(self, scopes: Iterable[str] | str | None = None,
                       *, offline: bool | None = None) -> tuple[str, ...]:
        """The scopes to ask for (adding ``offline_access``), warning about refused ones."""
        names = parse_scopes(self.settings.scopes if scopes is None else scopes, strict=False)
        if self.offline_access if offline is None else offline:
            names |= {OFFLINE}
        for text in scope_warnings(names, self.era):
            warn_user(text)
        return tuple(sorted(names))

    # -- authorization code + PKCE -------------------------------------------------------
    def authorize_url(self, scopes: Iterable[str] | str | None = None, *,
                      redirect_uri: str | None = None, state: str | None = None) -> str:
        """The URL to open to consent (PKCE S256 and ``state``; remembered for ``complete``)."""
        requested = self.request_scopes(scopes)
        redirect = check_redirect_uri(redirect_uri) if redirect_uri else self.settings.redirect_uri
        verifier = generate_token(64)
        with self._endpoint_client(redirect_uri=redirect) as client:
            url, state = client.create_authorization_url(
                self.urls.authorize, state=state or generate_token(32),
                code_verifier=verifier, scope=" ".join(requested))
        self._pending.remember(PendingSignIn(state, verifier, requested, redirect))
        return str(url)

    def sign_in(self, open_browser: bool | Callable[[str], Any] = True, timeout: float = 300.0,
                scopes: Iterable[str] | str | None = None,
                show: Callable[[str], Any] = print) -> Token:
        """Consent in a browser; a 127.0.0.1 callback catches the redirect. Returns the Token."""
        state = generate_token(32)
        with CallbackServer(self.settings.redirect_uri, state) as server:
            url = self.authorize_url(scopes, redirect_uri=server.redirect_uri, state=state)
            if callable(open_browser):
                open_browser(url)
            elif not (open_browser and webbrowser.open(url)):
                show(f"Open this link to sign in to Xero: {url}")
            result = server.wait(timeout)
        return self.complete(result.url)

    def complete(self, redirect_url: str) -> Token:
        """Finish sign-in from the URL Xero redirected to (pasted, or from the callback)."""
        # The store's lock first: a store that cannot be locked fails before the code is spent.
        with self.store.lock():
            pending, clean = self._pending.take(redirect_url, era=self.era)
            with self._endpoint_client(redirect_uri=pending.redirect_uri) as client:
                resp = self._call(client.fetch_token, pending.scopes, "code", self.urls.token,
                                  authorization_response=clean, state=pending.state,
                                  code_verifier=pending.verifier)
            return self._save_new(Token.from_response(resp, clock=self.clock,
                                                      requested=pending.scopes))

    # -- client credentials ----------------------------------------------------------------
    def client_credentials(self, scopes: Iterable[str] | str | None = None) -> Token:
        """A token for a custom connection (client_credentials grant; no refresh token).

        ``scopes`` None means the configured ones; with none configured no ``scope`` is sent and
        Xero grants the connection's own. The sign-in scopes (openid, profile, email,
        offline_access) are never sent: no user signs in with this grant.
        """
        requested = self._client_credentials_scopes(scopes)
        form = {"scope": " ".join(requested)} if requested else {}
        with self._endpoint_client() as client:
            resp = self._call(client.fetch_token, requested, "client_credentials",
                              self.urls.token, grant_type="client_credentials", **form)
        tok = Token.from_response(resp, clock=self.clock, requested=requested)
        return self._save_new(dataclasses.replace(tok, grant_type="client_credentials"))

    def _client_credentials_scopes(self, scopes: Iterable[str] | str | None) -> tuple[str, ...]:
        configured = self.settings.scopes
        if scopes is None:  # the sign-in defaults are no custom connection's configuration
            scopes = () if configured == DEFAULT_SCOPES else configured
            said = False
        else:
            said = True
        names = parse_scopes(scopes, strict=False)
        for_users = sorted(names & OIDC_SCOPES)
        if for_users and said:
            warn_user(f"{' '.join(for_users)}: not sent; the client_credentials grant signs no "
                      f"user in, so a custom connection has no sign-in scopes")
        return self.request_scopes(names - OIDC_SCOPES, offline=False)

    def revoke(self) -> None:
        """Revoke the refresh token at Xero (removes this user's connections) and forget it.

        When Xero cannot be reached or refuses, an AuthError says so and the token is kept.
        """
        with self.store.lock():
            try:
                tok = self.store.load() or self._token
            except TokenStoreError:  # unreadable: revoke what this kernel holds, then clear
                tok = self._token
            if tok is not None and tok.refresh_token:
                with self._endpoint_client() as client:
                    try:
                        resp = client.revoke_token(self.urls.revocation, token=tok.refresh_token,
                                                   token_type_hint="refresh_token")
                    except HTTPError as exc:
                        raise AuthError(
                            f"revocation endpoint unreachable or failed ({type(exc).__name__}): "
                            f"nothing was revoked and the token is kept", code="revoke_failed",
                            hint="check the network and call revoke() again (forget() signs out "
                                 "here only, leaving the connection in Xero)") from None
                if resp.status_code >= 400:
                    raise AuthError(f"revocation refused (HTTP {resp.status_code}): the token is "
                                    f"kept", code="revoke_failed")
            self.store.clear("revoked")
            self._token = self._unsaved = None

    # -- connections ---------------------------------------------------------------------------
    def connections(self, auth_event_only: bool = False) -> list[Tenant]:
        """The tenants this token reaches (optionally only those from its own consent)."""
        return tenants.connections(self, auth_event_only)

    def choose_tenant(self, which: Tenant | str) -> Tenant:
        """Pick a tenant (a Tenant, tenant id, or name) and remember it for this profile."""
        return tenants.choose(self, which)

    @property
    def tenant_id(self) -> str | None:
        """The tenant remembered for this profile (``choose_tenant``)."""
        return self.store.tenant()

    def disconnect(self, connection_id: str | Tenant) -> None:
        """Remove one connection by its connection id (not the tenant id or auth event id)."""
        tenants.disconnect(self, connection_id)

    # -- JWT view ----------------------------------------------------------------------------
    def jwks(self) -> dict[str, Any]:
        """The issuer's signing keys (fetched once per XeroAuth)."""
        if self._jwks is None:
            self._jwks = fetch_jwks(self.urls.jwks, self.transport, HTTP_TIMEOUT)
        return self._jwks

    def inspect(self, token: Token | None = None) -> dict[str, JWTView]:
        """The access (and id) token verified against the JWKS: ``{"access": JWTView, ...}``."""
        tok = token or self.token()
        keys = self.jwks()
        # The same leeway token() refreshes by; when the token was received (this machine's
        # clock) and issued (the issuer's) disagree, a time problem is put down to the clock.
        received = tok.obtained_at or None
        views = {"access": verify_jwt(tok.access_token, keys, kind="access", clock=self.clock,
                                      leeway=self.leeway, received_at=received)}
        if tok.id_token:
            views["id"] = verify_jwt(tok.id_token, keys, kind="id", clock=self.clock,
                                     audience=self.settings.client_id, leeway=self.leeway,
                                     received_at=received)
        return views

    def __repr__(self) -> str:
        return (f"XeroAuth(client_id={self.settings.client_id!r}, profile="
                f"{self.settings.profile!r}, store={self.store!r}, era={self.era!r})")
