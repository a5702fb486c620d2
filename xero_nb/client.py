"""Re-test any Xero call and get back a value: status, timing, correlation id, limits, body.

>>> client = XeroClient(token=sim.issue_token(scopes=["accounting.settings.read"]),
...                     transport=sim.transport(), tenant_id=sim.tenants[0].tenant_id)
>>> client.call("GET", "/Organisation").status   # doctest: +SKIP
200
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from xero_nb.call_result import (
    CallResult,
    RateLimits,
    RequestRecord,
    decode_body,
    redact_body,
    redact_headers,
    redact_json,
    redact_url,
)
from xero_nb.catalog import Catalog, load_catalog
from xero_nb.errors import AmbiguousEndpointError, AuthError, WriteNotAllowedError, XeroNbError
from xero_nb.facts import XeroURLs
from xero_nb.http import AsyncClient, Client, Response, TransportError
from xero_nb.models import WRITE_METHODS, Endpoint, Tenant
from xero_nb.tokens import Token

USER_AGENT = "xero-nb/0.1"
_PLACEHOLDER = re.compile(r"\{([^}]+)\}")


class MissingPathParamError(XeroNbError, ValueError):
    """A URL template still has a ``{param}`` that no value was given for."""

    code = "missing_path_param"


class TokenSource(Protocol):
    """What XeroClient needs from an auth object (xero_nb.auth.XeroAuth fits)."""

    def token(self) -> Token: ...

    def refresh(self) -> Token: ...


class Gate(Protocol):
    """A limiter wrapped around each attempt (the probe's per-tenant limiter)."""

    async def acquire(self) -> None: ...

    def release(self, status: int, limits: RateLimits) -> None: ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to try again: 429 by its kind and Retry-After; 5xx and dropped connections for GETs."""

    max_attempts: int = 4
    backoff: float = 0.5  # seconds before the 2nd attempt; doubles each time
    max_backoff: float = 30.0
    max_wait: float = 300.0  # a longer Retry-After is reported, not slept through

    def delay(self, method: str, attempt: int, status: int, limits: RateLimits,
              error: str | None) -> tuple[float | None, str]:
        """Seconds to wait before the next attempt (None: stop) and why."""
        if status and (status < 500 and status != 429):
            return None, ""
        if method.upper() in WRITE_METHODS:
            return None, "writes are never retried"
        if attempt >= self.max_attempts:
            return None, f"gave up after {attempt} attempts"
        backoff = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        if error is not None:
            return backoff, error.split(":", 1)[0]
        if status == 429:
            if limits.problem == "day":
                return None, "day limit reached: retrying would take hours"
            wait = limits.retry_after if limits.retry_after is not None else backoff
            if wait > self.max_wait:
                return None, f"Retry-After {wait:.0f}s is longer than max_wait"
            return wait, f"429 {limits.problem or 'rate limit'}"
        wait = limits.retry_after if limits.retry_after is not None else backoff
        return min(wait, self.max_wait), str(status)


def _token_expired(status: int, body: Any) -> bool:
    return status == 401 and "TokenExpired" in (body if isinstance(body, str) else str(body))


class XeroClient:
    """Calls Xero (or the simulator) for one token; every call returns a CallResult.

    GET only unless ``allow_writes=True``; writes are sent exactly once.
    """

    def __init__(
        self,
        auth: TokenSource | None = None,
        token: Token | Mapping[str, Any] | None = None,
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

    # -- token -------------------------------------------------------------------------
    def _as_token(self, token: Token | Mapping[str, Any] | None) -> Token | None:
        if token is None or isinstance(token, Token):
            return token
        return Token.from_response(token, clock=self.clock)

    def current_token(self) -> Token | None:
        """The token the next call will carry (from auth, the given token, or the store)."""
        if self.auth is not None:
            self._token = self.auth.token()
        elif self._token is None and self.store is not None:
            self._token = self.store.load()
        return self._token

    def _refresh(self) -> bool:
        if self.auth is None:
            return False
        self._token = self.auth.refresh()
        return True

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
        if isinstance(endpoint_or_url, Endpoint):
            ep: Endpoint | None = endpoint_or_url
            method, url = endpoint_or_url.method, self.urls.api_url(endpoint_or_url.url)
        else:
            method, text = method.upper(), endpoint_or_url.strip()
            try:
                ep = self.catalog.find(method, text, region=region)
            except AmbiguousEndpointError:
                ep = None
            url = self._absolute(text, ep)
        return method, _fill(url, path_params or {}), ep

    def _absolute(self, text: str, ep: Endpoint | None) -> str:
        if "://" in text:
            return self.urls.api_url(text)
        path = text if text.startswith("/") else "/" + text
        if ep is not None:
            base_path = urlsplit(ep.base_url).path.rstrip("/")
            if not (base_path and path.lower().startswith(base_path.lower() + "/")):
                return self.urls.api_url(ep.base_url.rstrip("/")) + path
        return self.urls.api_root + path

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
        if sent is not None:
            req_headers = redact_headers(sent.headers.multi_items(), secrets)
            content = sent.content.decode("utf-8", "replace") if sent.content else None
            record = RequestRecord(method, redact_url(str(sent.url), secrets), req_headers,
                                   redact_body(content, secrets) if content else None)
        else:
            record = RequestRecord(method, redact_url(url, secrets))
        status, body, limits, cid = 0, None, RateLimits(), None
        headers: tuple[tuple[str, str], ...] = ()
        if response is not None:
            status = response.status_code
            headers = redact_headers(response.headers.multi_items(), secrets)
            body = redact_json(decode_body(response.content,
                                           response.headers.get("content-type", "")))
            limits = RateLimits.from_headers(response.headers)
            cid = response.headers.get("xero-correlation-id")
        tok = self._token
        return CallResult(
            method=method, url=record.url, status=status, elapsed=self.clock() - started,
            request=record, endpoint=ep, tenant_id=tenant, correlation_id=cid, limits=limits,
            headers=headers, body=body, attempts=attempts, retries=tuple(retries),
            stopped=stopped, error=error, granted=tok.scopes if tok is not None else frozenset(),
        )

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
        started, retries, refreshed, attempt = self.clock(), [], False, 0
        self.current_token()
        while True:
            attempt += 1
            http = self._client()
            request = http.build_request(method, url, params=query, json=json,
                                         headers=self._headers(ep, tenant, json is not None))
            response, error = None, None
            try:
                response = http.send(request, auth=self._bearer(http))
                response.read()
                request = response.request
            except TransportError as exc:
                error = f"{type(exc).__name__}: {exc}"
            status = response.status_code if response is not None else 0
            body = response.text if response is not None else ""
            if (_token_expired(status, body) and not refreshed and method not in WRITE_METHODS
                    and self._refresh()):
                refreshed = True
                retries.append("TokenExpired: refreshed")
                continue
            limits = (RateLimits.from_headers(response.headers) if response is not None
                      else RateLimits())
            wait, why = self.retry.delay(method, attempt, status, limits, error)
            if wait is None:
                stopped = why or None
                return self._result(method, url, ep, tenant, request, response, error, started,
                                    attempt, retries, stopped)
            retries.append(why)
            self.sleep(wait)

    def get(self, endpoint_or_url: Endpoint | str, **kwargs: Any) -> CallResult:
        """``call`` with GET."""
        return self.call(endpoint_or_url, "GET", **kwargs)

    def tenants(self) -> list[Tenant]:
        """The organisations this token reaches (``GET /connections``)."""
        result = self.call(self.urls.connections)
        if result.status != 200 or not isinstance(result.body, list):
            raise AuthError(f"GET /connections answered {result.status}",
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
        started, retries, refreshed, attempt = self.clock(), [], False, 0
        try:
            while True:
                attempt += 1
                request = http.build_request(method, url, params=query, json=json,
                                             headers=self._headers(ep, tenant, json is not None))
                response, error = None, None
                if gate is not None:
                    await gate.acquire()
                try:
                    response = await http.send(request, auth=self._bearer(http))
                    await response.aread()
                    request = response.request
                except TransportError as exc:
                    error = f"{type(exc).__name__}: {exc}"
                finally:
                    if gate is not None:
                        gate.release(response.status_code if response is not None else 0,
                                     RateLimits.from_headers(response.headers)
                                     if response is not None else RateLimits())
                status = response.status_code if response is not None else 0
                body = response.text if response is not None else ""
                if (_token_expired(status, body) and not refreshed
                        and method not in WRITE_METHODS and self.auth is not None):
                    self._token = await asyncio.to_thread(self.auth.refresh)
                    refreshed = True
                    retries.append("TokenExpired: refreshed")
                    continue
                limits = (RateLimits.from_headers(response.headers) if response is not None
                          else RateLimits())
                wait, why = self.retry.delay(method, attempt, status, limits, error)
                if wait is None:
                    return self._result(method, url, ep, tenant, request, response, error,
                                        started, attempt, retries, why or None)
                retries.append(why)
                await (asleep or self.asleep)(wait)
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


def _fill(url: str, params: Mapping[str, Any]) -> str:
    """Put path parameter values into ``{name}`` placeholders (names case-insensitive)."""
    lowered = {k.lower(): v for k, v in params.items()}
    missing: list[str] = []

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.lower() not in lowered:
            missing.append(name)
            return match.group(0)
        return quote(str(lowered[name.lower()]), safe="")

    filled = _PLACEHOLDER.sub(sub, url)
    if missing:
        raise MissingPathParamError(f"no value for path parameter(s) {', '.join(missing)} "
                                    f"in {url}; pass path_params={{...}}")
    return filled


def _oauth_client(transport: Any, timeout: float) -> Client:
    """authlib's httpx2 OAuth2Client; the bearer header is set per request by XeroClient."""
    from authlib.integrations.httpx_client import OAuth2Client

    client: Client = OAuth2Client(transport=transport, timeout=timeout)
    return client
