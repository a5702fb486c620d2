"""The one place the HTTP library is imported.

authlib >= 1.8 builds its httpx clients on ``httpx2`` whenever it is installed, so the whole
project uses httpx2: every module takes its names from here.
"""

from __future__ import annotations

import httpx2 as httpx

AsyncBaseTransport = httpx.AsyncBaseTransport
AsyncClient = httpx.AsyncClient
BaseTransport = httpx.BaseTransport
ByteStream = httpx.ByteStream
Client = httpx.Client
Headers = httpx.Headers
HTTPError = httpx.HTTPError
MockTransport = httpx.MockTransport
Request = httpx.Request
Response = httpx.Response
TransportError = httpx.TransportError
URL = httpx.URL

__all__ = [
    "URL",
    "AsyncBaseTransport",
    "AsyncClient",
    "BaseTransport",
    "ByteStream",
    "Client",
    "HTTPError",
    "Headers",
    "MockTransport",
    "Request",
    "Response",
    "TransportError",
    "httpx",
]
