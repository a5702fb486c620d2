"""authlib's httpx2 clients wired to XeroAuth: fresh tokens come from its locked refresh.

authlib would refresh on its own (wall clock, no lock across kernels); these subclasses ask
XeroAuth instead, and retry a request once after a 401 TokenExpired.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Protocol

from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuth2Client
from authlib.integrations.httpx_client.oauth2_client import OAuth2Auth
from authlib.integrations.httpx_client.utils import build_request

from xero_nb.auth.tokens import Token
from xero_nb.http import Request, Response


class TokenOwner(Protocol):
    """What the clients need: XeroAuth fits."""

    def token(self) -> Token: ...
    def refresh_after(self, seen_access_token: str | None) -> Token: ...


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

    def ensure_active_token(self, token: Any = None) -> bool:
        self.token = self.token_auth.owner.token().to_response()
        return True


class AsyncClient(AsyncOAuth2Client):  # type: ignore[misc]
    token_auth_class = RefreshingAuth

    async def ensure_active_token(self, token: Any = None) -> None:
        import anyio

        fresh = await anyio.to_thread.run_sync(self.token_auth.owner.token)
        self.token = fresh.to_response()
