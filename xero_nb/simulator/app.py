"""The ASGI app: the same engine behind a socket (uvicorn), for browsers, curl and Postman."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio

from xero_nb.http import Request
from xero_nb.simulator.core import SimCore

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
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        host = next((v for k, v in headers if k.lower() == "host"), "127.0.0.1")
        qs = scope.get("query_string", b"").decode("latin-1")
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        url = f"{scope.get('scheme', 'http')}://{host}{raw_path}"
        request = Request(scope["method"], url + (f"?{qs}" if qs else ""), headers=headers,
                          content=body)
        plan = self._core.begin(request)
        try:
            if plan.latency:
                await anyio.sleep(plan.latency)
            if plan.drop:
                # Promise a body, then hang up: the client sees the connection drop mid-response.
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-length", b"1024")]})
                raise ConnectionAbortedError("simulated dropped connection")
            response = self._core.finish(plan)
        finally:
            self._core.end(plan)
        out = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.multi_items()
               if k.lower() != "content-length"]
        out.append((b"content-length", str(len(response.content)).encode()))
        await send({"type": "http.response.start", "status": response.status_code, "headers": out})
        await send({"type": "http.response.body", "body": response.content})
