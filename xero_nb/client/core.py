"""What each XeroClient call is made of: the token it carries, its headers, the write gate, its result.

``call.XeroClient`` sends (sync and async) on top of this; nothing here touches the network.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from xero_nb.auth.tokens import Token
from xero_nb.catalog.index import Catalog, load_catalog
from xero_nb.client.policy import RetryPolicy, Step, TokenSource, next_step
from xero_nb.client.result import CallResult, RateLimits, RequestRecord, response_parts
from xero_nb.client.target import resolve
from xero_nb.errors import WriteNotAllowedError
from xero_nb.facts import XeroURLs
from xero_nb.http import Client, Response
from xero_nb.models import WRITE_METHODS, Endpoint, Tenant
from xero_nb.redact import scrub

USER_AGENT = "xero-nb/0.1"


class ClientCore:
    """What every call of one XeroClient shares: the token, the request's headers, the result."""

    def __init__(
        self,
        auth: TokenSource | None = None,
        token: Token | Mapping[str, Any] | str | None = None,
        store: Any = None,
        transport: Any = None,
        urls: XeroURLs | None = None,
        tenant_id: str | Tenant | None = None,
        allow_writes: bool = False,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        asleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        retry: RetryPolicy | None = None,
        catalog: Catalog | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.auth = auth
        self.store = store
        self.transport = transport
        self.urls = urls or XeroURLs.xero()
        self.tenant_id = tenant_id.tenant_id if isinstance(tenant_id, Tenant) else tenant_id
        self.allow_writes = allow_writes
        self.clock, self.sleep, self.asleep = clock, sleep, asleep
        self.retry = retry or RetryPolicy()
        self._catalog = catalog
        self.timeout = timeout
        self._token = self._as_token(token)
        self._sync: Client | None = None
        self._refresh_lock = threading.Lock()

    # -- token -------------------------------------------------------------------------
    def _as_token(self, token: Token | Mapping[str, Any] | str | None) -> Token | None:
        if token is None or isinstance(token, Token):
            return token
        if isinstance(token, str):  # a bare access token, pasted from elsewhere
            token = {"access_token": token.strip(), "token_type": "Bearer"}
        return Token.from_response(token, clock=self.clock)

    def current_token(self) -> Token | None:
        """The token the next call will carry (from auth, the given token, or the store)."""
        if self.auth is not None:
            self._token = self.auth.token()
        elif self._token is None and self.store is not None:
            self._token = self.store.load()
        return self._token

    def _refresh(self, used: str | None) -> None:
        """Refresh once for everyone who saw ``used`` expire (concurrent calls share one)."""
        if self.auth is None:
            return
        with self._refresh_lock:
            if self._token is not None and self._token.access_token != used:
                return  # another call already refreshed it: just resend with the new one
            self._token = self.auth.refresh()

    @property
    def granted(self) -> frozenset[str]:
        """The scopes of the current token (empty without one)."""
        tok = self._token or self.current_token()
        return tok.scopes if tok is not None else frozenset()

    @property
    def catalog(self) -> Catalog:
        """The endpoint catalog URLs are matched against."""
        if self._catalog is None:
            self._catalog = load_catalog()
        return self._catalog

    # -- request building --------------------------------------------------------------
    def resolve(self, endpoint_or_url: Endpoint | str, method: str = "GET",
                path_params: Mapping[str, Any] | None = None,
                region: str | None = None) -> tuple[str, str, Endpoint | None]:
        """``(METHOD, absolute URL, Endpoint or None)`` for an Endpoint, URL or path."""
        return resolve(self.catalog, self.urls, endpoint_or_url, method, path_params, region)

    def _headers(self, ep: Endpoint | None, tenant: str | None, has_body: bool) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if tenant and (ep is None or ep.tenant_header):
            headers["xero-tenant-id"] = tenant
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _check_write(self, method: str, allow_writes: bool | None) -> None:
        allowed = self.allow_writes if allow_writes is None else allow_writes
        if method in WRITE_METHODS and not allowed:
            raise WriteNotAllowedError(
                f"{method} changes the Xero organisation; pass allow_writes=True to send it")

    def _secrets(self) -> tuple[str, ...]:
        tok = self._token
        if tok is None:
            return ()
        return tuple(s for s in (tok.access_token, tok.refresh_token, tok.id_token) if s)

    def _access(self) -> str | None:
        return self._token.access_token if self._token is not None else None

    def _bearer(self, http: Any) -> Any:
        """authlib's token auth for ``http`` carrying the current token (None without one)."""
        tok = self._token
        if tok is None:
            return None
        # No expiry given to authlib: refreshing is XeroAuth's job, on the injected clock.
        http.token = {"access_token": tok.access_token, "token_type": tok.token_type}
        return http.token_auth

    # -- results -----------------------------------------------------------------------
    def _result(self, method: str, url: str, ep: Endpoint | None, tenant: str | None,
                sent: Any, response: Response | None, error: str | None, started: float,
                attempts: int, retries: list[str], stopped: str | None) -> CallResult:
        secrets = self._secrets()
        record = RequestRecord.of(method, url, sent, secrets)
        status, headers, body, limits, cid = response_parts(response, secrets)
        tok = self._token
        return CallResult(
            method=method, url=record.url, status=status, elapsed=self.clock() - started,
            request=record, endpoint=ep, tenant_id=tenant, correlation_id=cid, limits=limits,
            headers=headers, body=body, attempts=attempts, retries=tuple(retries),
            stopped=stopped, error=scrub(error, secrets) if error else None,
            granted=tok.scopes if tok is not None else frozenset(),
        )

    def _step(self, method: str, attempt: int, response: Response | None, error: str | None,
              refreshed: bool) -> Step:
        status = response.status_code if response is not None else 0
        text = response.text if response is not None else ""
        limits = RateLimits.from_headers(response.headers) if response is not None else RateLimits()
        return next_step(self.retry, method, attempt, status, text, limits, error,
                         self.auth is not None, refreshed)


def tenant_id_of(value: str | Tenant | None) -> str | None:
    """The tenant id of a Tenant, or the id itself."""
    return value.tenant_id if isinstance(value, Tenant) else value
