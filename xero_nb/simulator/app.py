"""The ASGI app: the same engine behind a socket (uvicorn), for browsers, curl and Postman."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio

from xero_nb.simulator.core import SimCore
from xero_nb.simulator.wire import asgi_request, has_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class SimASGI:
    """A plain ASGI callable (no framework routing needed: the engine routes)."""

    def __init__(self, core: SimCore) -> None:
        self._core = core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await _lifespan(receive, send)
            return
        request = asgi_request(scope, b"")
        if has_body(scope, request.headers):
            body = b""
            more = True
            while more:
                msg = await receive()
                body += msg.get("body", b"")
                more = msg.get("more_body", False)
            request.content = body
        core = self._core
        plan = core.begin(request)
        try:
            if plan.faults:
                if plan.latency:
                    await anyio.sleep(plan.latency)
                if plan.drop:
                    # Promise a body, then hang up: the client sees the connection drop mid-response.
                    await send({"type": "http.response.start", "status": 200,
                                "headers": [(b"content-length", b"1024")]})
                    raise ConnectionAbortedError("simulated dropped connection")
            response = core.finish(plan)
        finally:
            core.end(plan)
        await send({"type": "http.response.start", "status": response.status_code,
                    "headers": response.asgi_headers()})
        await send({"type": "http.response.body", "body": response.content})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        msg = await receive()
        if msg["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif msg["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
