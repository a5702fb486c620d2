"""Sign in to Xero from a notebook: code + PKCE over a loopback callback, paste-the-URL fallback,
client credentials, refresh under the store's lock, revoke, connections.

Every OAuth2 request goes through authlib's httpx2 clients (PKCE S256, token requests, refresh,
revocation); this module adds what authlib leaves out: the ``state`` check, the single refresh
across kernels, Xero's errors explained, and the tenants.

>>> auth = XeroAuth(client_id="YOUR-CLIENT-ID")     # or XERO_CLIENT_ID in the environment
>>> token = auth.sign_in()                             # doctest: +SKIP
>>> [t.tenant_name for t in auth.connections()]        # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import logging
import time
import warnings
import webbrowser
from collections.abc import Callable, Iterable
from typing import Any

from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuth2Client

from xero_nb.auth import tenants
from xero_nb.auth.callback import CallbackServer
from xero_nb.auth.clients import AsyncClient, SyncClient
from xero_nb.auth.config import Settings
from xero_nb.auth.explain import endpoint_error, scope_warnings
from xero_nb.auth.file_store import FileTokenStore
from xero_nb.auth.jwt import JWTView, fetch_jwks, verify_jwt
from xero_nb.auth.logs import install_log_redaction
from xero_nb.auth.pkce import PendingSignIn, PendingSignIns
from xero_nb.auth.store import MemoryTokenStore, TokenStore, save_or_warn
from xero_nb.auth.tokens import DEFAULT_LEEWAY, Clock, Token
from xero_nb.catalog.scopes import parse_scopes
from xero_nb.errors import AuthError, TokenStoreError, XeroNbWarning
from xero_nb.facts import XeroURLs
from xero_nb.http import HTTPError
from xero_nb.models import Tenant
from xero_nb.redact import mask

log = logging.getLogger(__name__)
OFFLINE = "offline_access"
HTTP_TIMEOUT = 30.0


class XeroAuth:
    """Xero OAuth2 for one app and one token store (a profile).

    ``settings`` (or keyword arguments for ``Settings``; or, with neither, the environment)
    names the app. ``transport`` is handed to httpx2 (``sim.transport()`` for the simulator).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        store: TokenStore | None = None,
        transport: Any = None,
        urls: XeroURLs | None = None,
        clock: Clock = time.time,
        era: str | None = None,
        leeway: float = DEFAULT_LEEWAY,
        offline_access: bool = True,
        **settings_kwargs: Any,
    ) -> None:
        if settings is None:
            settings = Settings.from_env(**settings_kwargs)
        elif settings_kwargs:
            raise TypeError("pass either settings or keyword settings, not both")
        self.settings = settings
        self.store: TokenStore = store if store is not None else (
            MemoryTokenStore(settings.profile, clock=clock) if settings.use_simulator
            else FileTokenStore(profile=settings.profile, clock=clock))
        self.transport = transport
        self.urls = urls or XeroURLs.xero()
        self.clock = clock
        self.era = era or settings.era
        self.leeway = leeway
        self.offline_access = offline_access
        self._pending = PendingSignIns()
        self._token: Token | None = None
        self._unsaved: Token | None = None  # held here because the store could not save it
        self._jwks: dict[str, Any] | None = None
        install_log_redaction()  # httpx2 logs URLs, authlib logs requests: never their tokens

    # -- authlib clients ---------------------------------------------------------------
    def _client_kwargs(self) -> dict[str, Any]:
        secret = self.settings.client_secret
        kw: dict[str, Any] = {
            "client_id": self.settings.client_id,
            "client_secret": secret.reveal() if secret else None,
            "code_challenge_method": "S256",
            "token_endpoint": self.urls.token,
            "timeout": HTTP_TIMEOUT,
        }
        if self.transport is not None:
            kw["transport"] = self.transport
        return kw

    def _endpoint_client(self, **extra: Any) -> OAuth2Client:
        if not self.settings.client_id:
            raise AuthError("no client id: set XERO_CLIENT_ID or pass client_id=",
                            code="config_error")
        return OAuth2Client(**self._client_kwargs(), **extra)

    def oauth_client(self, **httpx_kwargs: Any) -> OAuth2Client:
        """An authlib httpx2 client carrying a fresh token (refreshed under the store's lock);
        it sends nothing to an origin other than ``urls``' (AuthError ``foreign_origin``)."""
        return self._bearer_client(SyncClient, httpx_kwargs)

    def async_oauth_client(self, **httpx_kwargs: Any) -> AsyncOAuth2Client:
        """The async twin of ``oauth_client`` (pass an async-capable ``transport``)."""
        return self._bearer_client(AsyncClient, httpx_kwargs)

    def _bearer_client(self, cls: Any, httpx_kwargs: dict[str, Any]) -> Any:
        client = cls(**self._client_kwargs(), token=self.token().to_response(), **httpx_kwargs)
        client.token_auth.owner = self
        return client

    # -- scopes --------------------------------------------------------------------------
    def request_scopes(self, scopes: Iterable[str] | str | None = None,
                       *, offline: bool | None = None) -> tuple[str, ...]:
        """The scopes to ask for (adding ``offline_access``), warning about refused ones."""
        names = parse_scopes(self.settings.scopes if scopes is None else scopes, strict=False)
        if self.offline_access if offline is None else offline:
            names |= {OFFLINE}
        for text in scope_warnings(names, self.era):
            warnings.warn(text, XeroNbWarning, stacklevel=3)
        return tuple(sorted(names))

    # -- authorization code + PKCE -------------------------------------------------------
    def authorize_url(self, scopes: Iterable[str] | str | None = None, *,
                      redirect_uri: str | None = None, state: str | None = None) -> str:
        """The URL to open to consent (PKCE S256 and ``state``; remembered for ``complete``)."""
        requested = self.request_scopes(scopes)
        redirect = redirect_uri or self.settings.redirect_uri
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
        """A token for a custom connection (client_credentials grant; no refresh token)."""
        requested = self.request_scopes(scopes, offline=False)
        with self._endpoint_client() as client:
            resp = self._call(client.fetch_token, requested, "client_credentials",
                              self.urls.token, grant_type="client_credentials",
                              scope=" ".join(requested))
        tok = Token.from_response(resp, clock=self.clock, requested=requested)
        return self._save_new(dataclasses.replace(tok, grant_type="client_credentials"))

    def _save_new(self, token: Token) -> Token:
        self._keep(token, refreshed=False)
        log.info("new Xero token %s, scopes: %s", mask(token.access_token),
                 " ".join(sorted(token.scopes)))
        return token

    def _keep(self, token: Token, *, refreshed: bool) -> None:
        """Hold ``token`` here, then store it; a store failure warns (the token is not lost)."""
        self._token = self._unsaved = token
        if save_or_warn(self.store, token, refreshed=refreshed):
            self._unsaved = None

    def _call(self, fn: Callable[..., Any], requested: Iterable[str], stage: str,
              *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (OAuthError, HTTPError, ValueError, RecursionError) as exc:
            secret = self.settings.client_secret
            raise endpoint_error(exc, requested=requested, era=self.era, stage=stage,
                                 store=self.store, clock=self.clock, sent=kwargs,
                                 secret=secret.reveal() if secret else None) from None

    # -- tokens ------------------------------------------------------------------------------
    def token(self) -> Token:
        """A fresh token: from memory or the store, refreshed first if within ``leeway``."""
        tok = self._token or self.store.load()
        if tok is None:
            raise self._not_signed_in()
        self._token = tok
        if tok.expired(self.clock, self.leeway):
            return self.refresh_after(seen_access_token=tok.access_token)
        return tok

    def forget(self, reason: str = "signed out") -> None:
        """Sign out here: drop the token from memory and the store (Xero keeps the connection)."""
        with self.store.lock():
            self._token = self._unsaved = None
            self.store.clear(reason)

    def _not_signed_in(self) -> AuthError:
        why = self.store.state().cleared_reason
        return AuthError("not signed in" + (f" (the stored token was {why})" if why else ""),
                         code="not_signed_in",
                         hint="call sign_in(), or complete() with the redirect URL")

    def refresh(self) -> Token:
        """Refresh now (one refresh across kernels sharing the store; see ``refresh_after``)."""
        held = self._token or self.store.load()
        return self.refresh_after(seen_access_token=held.access_token if held else None)

    def refresh_after(self, seen_access_token: str | None) -> Token:
        """Refresh unless the stored token is no longer the one whose access token we saw."""
        # Under the lock, re-read: if another kernel already replaced the token we saw, use
        # its token instead of spending the (rotated, now invalid) refresh token again.
        with self.store.lock():
            try:
                current = self.store.load()
            except TokenStoreError:
                if self._token is None:
                    raise
                current = self._token  # the file is unreadable: saving the new one replaces it
            current = current or self._unsaved
            if current is None:
                self._token = None
                raise self._not_signed_in()
            if seen_access_token is not None and current.access_token != seen_access_token:
                self._token = current
                return current
            if current.grant_type == "client_credentials" and not current.refresh_token:
                with self._endpoint_client() as client:
                    resp = self._call(client.fetch_token, current.requested, "client_credentials",
                                      self.urls.token, grant_type="client_credentials",
                                      scope=" ".join(sorted(current.requested)))
                new = dataclasses.replace(Token.from_response(
                    resp, clock=self.clock, requested=current.requested),
                    grant_type="client_credentials")
            elif not current.refresh_token:
                raise AuthError("this token has no refresh token", code="no_refresh_token",
                                hint="request offline_access and sign in again")
            else:
                with self._endpoint_client() as client:
                    resp = self._call(client.refresh_token, current.requested, "refresh",
                                      self.urls.token, refresh_token=current.refresh_token)
                new = Token.from_response(resp, clock=self.clock, requested=current.requested)
                if not new.refresh_token:
                    new = dataclasses.replace(new, refresh_token=current.refresh_token)
            # Stored before anyone uses it: a crash after this line loses nothing.
            self._keep(new, refreshed=True)
        log.info("refreshed Xero token %s -> %s", mask(current.access_token),
                 mask(new.access_token))
        return new

    def revoke(self) -> None:
        """Revoke the refresh token at Xero (removes this user's connections) and forget it."""
        with self.store.lock():
            try:
                tok = self.store.load() or self._token
            except TokenStoreError:  # unreadable: revoke what this kernel holds, then clear
                tok = self._token
            if tok is not None and tok.refresh_token:
                with self._endpoint_client() as client:
                    resp = client.revoke_token(self.urls.revocation, token=tok.refresh_token,
                                               token_type_hint="refresh_token")
                if resp.status_code >= 400:
                    raise AuthError(f"revocation refused (HTTP {resp.status_code})",
                                    code="revoke_failed")
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
        views = {"access": verify_jwt(tok.access_token, keys, kind="access", clock=self.clock)}
        if tok.id_token:
            views["id"] = verify_jwt(tok.id_token, keys, kind="id", clock=self.clock,
                                     audience=self.settings.client_id)
        return views

    def __repr__(self) -> str:
        return (f"XeroAuth(client_id={self.settings.client_id!r}, profile="
                f"{self.settings.profile!r}, store={self.store!r}, era={self.era!r})")
