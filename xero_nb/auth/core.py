"""What every XeroAuth flow shares: the app's settings, the token store, authlib's clients, the
token held in memory, and Xero's token-endpoint errors explained.

``flow.XeroAuth`` adds the flows themselves (consent with PKCE, client credentials, refresh,
revoke, connections, the JWT view) on top of this.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuth2Client

from xero_nb.auth.clients import AsyncClient, SyncClient
from xero_nb.auth.config import Settings
from xero_nb.auth.explain import endpoint_error
from xero_nb.auth.file_store import FileTokenStore
from xero_nb.auth.logs import install_log_redaction
from xero_nb.auth.pkce import PendingSignIns
from xero_nb.auth.store import MemoryTokenStore, TokenStore, save_or_warn
from xero_nb.auth.tokens import DEFAULT_LEEWAY, Clock, Token
from xero_nb.errors import AuthError, TokenStoreError
from xero_nb.facts import XeroURLs
from xero_nb.http import HTTPError
from xero_nb.redact import mask

log = logging.getLogger("xero_nb.auth.flow")  # one logger for sign-in, refresh and revoke
HTTP_TIMEOUT = 30.0


class AuthCore:
    """One app and one token store (a profile): settings, clients, the token in memory.

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
        self.transport = transport
        self.urls = urls or XeroURLs.xero()
        # A simulator's tokens never go into a profile's file: they would replace (and, on
        # revoke, clear) the real Xero token saved there under the same profile name.
        offline = settings.use_simulator or bool(getattr(transport, "simulated", False)) \
            or self.urls.on_loopback
        self.store: TokenStore = store if store is not None else (
            MemoryTokenStore(settings.profile, clock=clock) if offline
            else FileTokenStore(profile=settings.profile, clock=clock))
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
                         hint="call sign_in(), or complete() with the redirect URL (on the command "
                              "line: xero-nb login)")

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
                # As first asked: no scope at all when none was (the connection's own scopes).
                form = {"scope": " ".join(sorted(current.requested))} if current.requested else {}
                with self._endpoint_client() as client:
                    resp = self._call(client.fetch_token, current.requested, "client_credentials",
                                      self.urls.token, grant_type="client_credentials", **form)
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
