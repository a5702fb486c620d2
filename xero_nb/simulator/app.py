"""The ASGI app: the same engine behind a socket (uvicorn), for browsers, curl and Postman."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio

from xero_nb.simulator.core import SimCore
from xero_nb.simulator.wire import asgi_request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class SimASGI:
    """A plain ASGI callable (no framework routing needed: the engine routes)."""

    def __init__(self, core: SimCore) -> None:
        self._core = core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif msg["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            msg = await receive()
            body += msg.get("body", b"")
            more = msg.get("more_body", False)
        request = asgi_request(scope, body)
        plan = self._core.begin(request)
        try:
            if plan.faults and plan.latency:
                await anyio.sleep(plan.latency)
            if plan.faults and plan.drop:
                # Promise a body, then hang up: the client sees the connection drop mid-response.
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-length", b"1024")]})
                raise ConnectionAbortedError("simulated dropped connection")
            response = self._core.finish(plan)
        finally:
            self._core.end(plan)
        out = response.asgi_headers()
        await send({"type": "http.response.start", "status": response.status_code, "headers": out})
        await send({"type": "http.response.body", "body": response.content})
