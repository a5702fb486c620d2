"""The in-process transport: one object serving sync and async httpx2 clients for Xero's hosts."""

from __future__ import annotations

import time
from collections.abc import Iterable

import anyio

from xero_nb import facts
from xero_nb.http import AsyncBaseTransport, BaseTransport, Request, Response, httpx
from xero_nb.simulator.core import Plan, SimCore
from xero_nb.simulator.wire import SimRequest

XERO_HOSTS = frozenset({facts.LOGIN_HOST, facts.IDENTITY_HOST, facts.API_HOST})


class SimTransport(BaseTransport, AsyncBaseTransport):
    """Answers requests to login/identity/api.xero.com from the simulator, without sockets."""

    simulated = True  # read by XeroAuth: a simulator's tokens are kept in memory, not a profile

    def __init__(self, core: SimCore, hosts: Iterable[str] = XERO_HOSTS) -> None:
        self._core = core
        self._hosts = frozenset(h.lower() for h in hosts)

    def __repr__(self) -> str:
        return f"<SimTransport for {', '.join(sorted(self._hosts))}>"

    def _begin(self, request: Request) -> Plan:
        if request.url.host.lower() not in self._hosts:
            # The simulator never reaches the internet: an unknown host is unreachable.
            raise httpx.ConnectError(f"the Xero simulator does not serve {request.url.host}",
                                     request=request)
        return self._core.begin(SimRequest.from_httpx(request))

    def _dropped(self, request: Request) -> httpx.ReadError:
        return httpx.ReadError("simulated dropped connection (server closed it mid-request)",
                               request=request)

    def handle_request(self, request: Request) -> Response:
        """Serve a sync client."""
        request.read()
        plan = self._begin(request)
        try:
            if plan.faults and plan.latency:
                time.sleep(plan.latency)
            if plan.faults and plan.drop:
                raise self._dropped(request)
            return self._core.finish(plan).to_httpx()
        finally:
            self._core.end(plan)

    async def handle_async_request(self, request: Request) -> Response:
        """Serve an async client."""
        await request.aread()
        plan = self._begin(request)
        try:
            if plan.faults and plan.latency:
                await anyio.sleep(plan.latency)
            if plan.faults and plan.drop:
                raise self._dropped(request)
            return self._core.finish(plan).to_httpx()
        finally:
            self._core.end(plan)

    def close(self) -> None:
        """Nothing to release."""

    async def aclose(self) -> None:
        """Nothing to release."""
