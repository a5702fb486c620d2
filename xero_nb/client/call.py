"""Re-test any Xero call and get back a value: status, timing, correlation id, limits, body.

>>> client = XeroClient(token=sim.issue_token(scopes=["accounting.settings.read"]),
...                     transport=sim.transport(), tenant_id=sim.tenants[0].tenant_id)
>>> client.call("/Organisation").status   # doctest: +SKIP
200
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from xero_nb.auth.tokens import Token
from xero_nb.catalog.index import Catalog, load_catalog
from xero_nb.client.policy import (
    Gate,
    MissingPathParamError,
    RetryPolicy,
    Step,
    TokenSource,
    next_step,
)
from xero_nb.client.result import CallResult, RateLimits, RequestRecord, response_parts
from xero_nb.client.target import resolve
from xero_nb.errors import AuthError, WriteNotAllowedError
from xero_nb.facts import XeroURLs
from xero_nb.http import AsyncClient, Client, HTTPError, Response
from xero_nb.models import WRITE_METHODS, Endpoint, Tenant
from xero_nb.redact import scrub

USER_AGENT = "xero-nb/0.1"
__all__ = ["CallResult", "MissingPathParamError", "RetryPolicy", "XeroClient"]


class XeroClient:
    """Calls Xero (or the simulator) for one token; every call returns a CallResult.

    GET only unless ``allow_writes=True``; writes are sent exactly once.
    """

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

    # -- sync --------------------------------------------------------------------------
    def _client(self) -> Client:
        if self._sync is None:
            self._sync = _oauth_client(self.transport, self.timeout)
        return self._sync

    def call(self, endpoint_or_url: Endpoint | str, method: str = "GET",
             path_params: Mapping[str, Any] | None = None, query: Mapping[str, Any] | None = None,
             json: Any = None, tenant_id: str | Tenant | None = None,
             allow_writes: bool | None = None, region: str | None = None) -> CallResult:
        """Send one call (retrying as RetryPolicy allows) and return what came back."""
        method, url, ep = self.resolve(endpoint_or_url, method, path_params, region)
        self._check_write(method, allow_writes)
        tenant = _tenant(tenant_id) or self.tenant_id
        started, refreshed, attempt = self.clock(), False, 0
        retries: list[str] = []
        self.current_token()
        while True:
            attempt += 1
            http = self._client()
            request = http.build_request(method, url, params=query, json=json,
                                         headers=self._headers(ep, tenant, json is not None))
            response, error, used = None, None, self._access()
            try:
                response = http.send(request, auth=self._bearer(http))
                response.read()
                request = response.request
            except HTTPError as exc:  # no answer, or one whose body cannot be decoded
                response, error = None, f"{type(exc).__name__}: {exc}"
            step = self._step(method, attempt, response, error, refreshed)
            if step.action in ("refresh", "refresh_stop") and self.auth is not None:
                self._refresh(used)
                refreshed = True
            if step.action in ("stop", "refresh_stop"):
                return self._result(method, url, ep, tenant, request, response, error, started,
                                    attempt, retries, step.why or None)
            retries.append(step.why)
            if step.action == "wait":
                self.sleep(step.wait)

    def get(self, endpoint_or_url: Endpoint | str, **kwargs: Any) -> CallResult:
        """``call`` with GET."""
        return self.call(endpoint_or_url, "GET", **kwargs)

    def tenants(self) -> list[Tenant]:
        """The organisations this token reaches (``GET /connections``)."""
        result = self.call(self.urls.connections)
        if result.status != 200 or not isinstance(result.body, list):
            what = (f"answered {result.status}" if result.status
                    else f"got no response ({result.error})")
            raise AuthError(f"GET /connections {what}",
                            code="connections_failed",
                            hint="diagnose the CallResult of client.call('/connections')")
        return [Tenant.from_connection(row) for row in result.body if isinstance(row, dict)]

    # -- async -------------------------------------------------------------------------
    def async_session(self) -> AsyncClient:
        """A fresh authlib AsyncOAuth2Client on this client's transport (use ``async with``)."""
        from authlib.integrations.httpx_client import AsyncOAuth2Client

        session: AsyncClient = AsyncOAuth2Client(transport=self.transport, timeout=self.timeout)
        return session

    async def acall(self, endpoint_or_url: Endpoint | str, method: str = "GET",
                    path_params: Mapping[str, Any] | None = None,
                    query: Mapping[str, Any] | None = None, json: Any = None,
                    tenant_id: str | Tenant | None = None, allow_writes: bool | None = None,
                    region: str | None = None, session: AsyncClient | None = None,
                    gate: Gate | None = None,
                    asleep: Callable[[float], Awaitable[None]] | None = None) -> CallResult:
        """``call`` for asyncio; ``gate`` wraps each attempt (rate limiting)."""
        method, url, ep = self.resolve(endpoint_or_url, method, path_params, region)
        self._check_write(method, allow_writes)
        tenant = _tenant(tenant_id) or self.tenant_id
        if self._token is None:
            await asyncio.to_thread(self.current_token)
        own = session is None
        http = session or self.async_session()
        started, refreshed, attempt = self.clock(), False, 0
        retries: list[str] = []
        try:
            while True:
                attempt += 1
                request = http.build_request(method, url, params=query, json=json,
                                             headers=self._headers(ep, tenant, json is not None))
                response, error, used = None, None, self._access()
                if gate is not None:
                    await gate.acquire()
                try:
                    response = await http.send(request, auth=self._bearer(http))
                    await response.aread()
                    request = response.request
                except HTTPError as exc:  # no answer, or one whose body cannot be decoded
                    response, error = None, f"{type(exc).__name__}: {exc}"
                finally:
                    if gate is not None:  # the limiter never holds off longer than the policy
                        gate.release(response.status_code if response is not None else 0,
                                     self.retry.capped(RateLimits.from_headers(response.headers))
                                     if response is not None else RateLimits())
                step = self._step(method, attempt, response, error, refreshed)
                if step.action in ("refresh", "refresh_stop") and self.auth is not None:
                    await asyncio.to_thread(self._refresh, used)
                    refreshed = True
                if step.action in ("stop", "refresh_stop"):
                    return self._result(method, url, ep, tenant, request, response, error,
                                        started, attempt, retries, step.why or None)
                retries.append(step.why)
                if step.action == "wait":
                    await (asleep or self.asleep)(step.wait)
        finally:
            if own:
                await http.aclose()

    # -- lifecycle ---------------------------------------------------------------------
    def close(self) -> None:
        """Close the underlying HTTP client."""
        if self._sync is not None:
            self._sync.close()
            self._sync = None

    def __enter__(self) -> XeroClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"<XeroClient api_root={self.urls.api_root!r} tenant_id={self.tenant_id!r} "
                f"allow_writes={self.allow_writes}>")


def _tenant(value: str | Tenant | None) -> str | None:
    return value.tenant_id if isinstance(value, Tenant) else value


def _oauth_client(transport: Any, timeout: float) -> Client:
    """authlib's httpx2 OAuth2Client; the bearer header is set per request by XeroClient."""
    from authlib.integrations.httpx_client import OAuth2Client

    client: Client = OAuth2Client(transport=transport, timeout=timeout)
    return client
