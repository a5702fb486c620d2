"""authlib's httpx2 clients wired to XeroAuth: fresh tokens come from its locked refresh.

authlib would refresh on its own (wall clock, no lock across kernels); these subclasses ask
XeroAuth instead, and retry a request once after a 401 TokenExpired. They send nothing (the
bearer token above all) to an origin other than the Xero URLs XeroAuth is configured with.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from typing import Any, Protocol
from urllib.parse import urlsplit

from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuth2Client
from authlib.integrations.httpx_client.oauth2_client import OAuth2Auth
from authlib.integrations.httpx_client.utils import build_request

from xero_nb.auth.tokens import Token
from xero_nb.errors import AuthError
from xero_nb.facts import XeroURLs
from xero_nb.http import Request, Response

Origin = tuple[str, str, int]
_DEFAULT_PORTS = {"http": 80, "https": 443}


class TokenOwner(Protocol):
    """What the clients need: XeroAuth fits."""

    urls: XeroURLs

    def token(self) -> Token: ...
    def refresh_after(self, seen_access_token: str | None) -> Token: ...


def origin(url: Any) -> Origin:
    """``(scheme, host, port)`` of a URL, the port filled in for http and https."""
    parts = urlsplit(str(url))
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: matches nothing
        port = -1
    return scheme, (parts.hostname or "").lower(), port or _DEFAULT_PORTS.get(scheme, 0)


def xero_origins(urls: XeroURLs) -> frozenset[Origin]:
    """The origins of every URL in ``urls``: the API root, the identity hosts, connections."""
    return frozenset(origin(getattr(urls, f.name)) for f in dataclasses.fields(urls))


def check_origin(url: Any, urls: XeroURLs) -> None:
    """Raise AuthError unless ``url`` is on one of the origins of ``urls``."""
    if origin(url) not in xero_origins(urls):
        scheme, host, port = origin(url)
        raise AuthError(
            f"refusing to send the Xero token to {scheme}://{host}:{port}: this client talks to "
            f"{', '.join(sorted({urlsplit(urls.api_root).netloc, urlsplit(urls.token).netloc}))} only",
            code="foreign_origin",
            hint="use a plain HTTP client for other hosts (or XeroAuth(urls=XeroURLs.on(origin)) "
                 "for a simulator)")


def token_expired_response(response: Response) -> bool:
    if response.status_code != 401:
        return False
    challenge = response.headers.get("www-authenticate", "")
    return "TokenExpired" in response.text or "invalid_token" in challenge


class RefreshingAuth(OAuth2Auth):  # type: ignore[misc]
    """Bearer auth that, on a 401 TokenExpired, refreshes once and retries the request."""

    requires_response_body = True
    owner: TokenOwner

    def _sign(self, request: Request) -> Request:
        check_origin(request.url, self.owner.urls)
        url, headers, body = self.prepare(str(request.url), request.headers, request.content)
        headers["Content-Length"] = str(len(body))
        signed: Request = build_request(url=url, headers=headers, body=body,
                                        initial_request=request)
        return signed

    def auth_flow(self, request: Request) -> Generator[Request, Response, None]:
        used = self.token.get("access_token")
        response = yield self._sign(request)
        if token_expired_response(response):
            fresh = self.owner.refresh_after(seen_access_token=used)
            self.set_token(fresh.to_response())
            yield self._sign(request)


class SyncClient(OAuth2Client):  # type: ignore[misc]
    """authlib's client whose "is my token fresh?" asks XeroAuth (one refresh across kernels)."""

    token_auth_class = RefreshingAuth

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        check_origin(self._merge_url(url), self.token_auth.owner.urls)
        return super().request(method, url, *args, **kwargs)

    def stream(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        check_origin(self._merge_url(url), self.token_auth.owner.urls)
        return super().stream(method, url, *args, **kwargs)

    def ensure_active_token(self, token: Any = None) -> bool:
        self.token = self.token_auth.owner.token().to_response()
        return True


class AsyncClient(AsyncOAuth2Client):  # type: ignore[misc]
    """The async twin of SyncClient."""

    token_auth_class = RefreshingAuth

    async def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        check_origin(self._merge_url(url), self.token_auth.owner.urls)
        return await super().request(method, url, *args, **kwargs)

    def stream(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        check_origin(self._merge_url(url), self.token_auth.owner.urls)
        return super().stream(method, url, *args, **kwargs)

    async def ensure_active_token(self, token: Any = None) -> None:
        import anyio

        fresh = await anyio.to_thread.run_sync(self.token_auth.owner.token)
        self.token = fresh.to_response()
