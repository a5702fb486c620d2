"""Re-test any Xero call and get back a value: status, timing, correlation id, limits, body.

>>> client = XeroClient(token=sim.issue_token(scopes=["accounting.settings.read"]),
...                     transport=sim.transport(), tenant_id=sim.tenants[0].tenant_id)
>>> client.call("/Organisation").status   # doctest: +SKIP
200
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from xero_nb.client.core import ClientCore, tenant_id_of
from xero_nb.client.policy import Gate, MissingPathParamError, RetryPolicy
from xero_nb.client.result import CallResult, RateLimits
from xero_nb.errors import AuthError
from xero_nb.http import AsyncClient, Client, HTTPError
from xero_nb.models import Endpoint, Tenant

__all__ = ["CallResult", "MissingPathParamError", "RetryPolicy", "XeroClient"]


class XeroClient(ClientCore):
    """Calls Xero (or the simulator) for one token; every call returns a CallResult.

    GET only unless ``allow_writes=True``; writes are sent exactly once.
    """

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
        tenant = tenant_id_of(tenant_id) or self.tenant_id
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
        tenant = tenant_id_of(tenant_id) or self.tenant_id
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


def _oauth_client(transport: Any, timeout: float) -> Client:
    """authlib's httpx2 OAuth2Client; the bearer header is set per request by XeroClient."""
    from authlib.integrations.httpx_client import OAuth2Client

    client: Client = OAuth2Client(transport=transport, timeout=timeout)
    return client
