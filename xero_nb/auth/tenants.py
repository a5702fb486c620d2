"""The organisations a token reaches: list (optionally one consent's), pick and remember, disconnect.

Xero's classic mistake is disconnecting with the tenant id or auth event id; ``disconnect``
recognises those and names the connection id to use instead.
"""

from __future__ import annotations

from typing import Any, Protocol

from xero_nb import jsonsafe
from xero_nb.auth.store import TokenStore
from xero_nb.auth.tokens import Token
from xero_nb.errors import AuthError
from xero_nb.facts import XeroURLs
from xero_nb.models import Tenant


class TenantOwner(Protocol):
    """What these functions need: XeroAuth fits."""

    store: TokenStore
    urls: XeroURLs

    def token(self) -> Token: ...
    def oauth_client(self, **httpx_kwargs: Any) -> Any: ...


def connections(auth: TenantOwner, auth_event_only: bool = False) -> list[Tenant]:
    """``GET /connections`` as Tenants (``auth_event_only``: those from this token's consent)."""
    tok = auth.token()
    event = tok.auth_event_id if auth_event_only else None
    params = {"authEventId": event} if event else {}
    with auth.oauth_client() as client:
        resp = client.get(auth.urls.connections, params=params)
    if resp.status_code != 200:
        raise AuthError(f"GET /connections answered HTTP {resp.status_code}",
                        code="connections_failed", hint="check the token with token()")
    body = _json(resp.content)
    if not isinstance(body, list) or not all(isinstance(r, dict) for r in body):
        raise AuthError("GET /connections answered something that is not a list of connections",
                        code="connections_failed")
    rows = [Tenant.from_connection(r) for r in body]
    return [t for t in rows if t.auth_event_id == event] if event else rows


def _json(content: bytes) -> Any:
    try:
        return jsonsafe.loads(content)
    except ValueError:  # not JSON, or nested too deeply to be a list of connections
        return None


def choose(auth: TenantOwner, which: Tenant | str) -> Tenant:
    """Pick a connected tenant by Tenant, tenant id or name; remember it for the profile."""
    key = which.tenant_id if isinstance(which, Tenant) else which
    for tenant in connections(auth):
        if key in (tenant.tenant_id, tenant.tenant_name):
            auth.store.set_tenant(tenant.tenant_id)
            return tenant
    raise AuthError(f"no connected tenant {key!r}", code="tenant_not_connected",
                    hint="list them with connections(); sign in again to connect more")


def disconnect(auth: TenantOwner, connection_id: str | Tenant) -> None:
    """``DELETE /connections/{id}``; refuses a tenant id or auth event id with the right id."""
    cid = connection_id.connection_id if isinstance(connection_id, Tenant) else connection_id
    tenants = connections(auth)
    if not any(t.connection_id == cid for t in tenants):
        wrong = next((t for t in tenants if cid in (t.tenant_id, t.auth_event_id)), None)
        raise AuthError(
            f"{cid!r} is not a connection id of this token", code="wrong_connection_id",
            hint=(f"that is a tenant/auth event id; use connection id "
                  f"{wrong.connection_id!r} ({wrong.tenant_name})") if wrong
            else "list them with connections()")
    with auth.oauth_client() as client:
        resp = client.delete(f"{auth.urls.connections}/{cid}")
    if resp.status_code not in (200, 204):
        raise AuthError(f"DELETE /connections answered HTTP {resp.status_code}",
                        code="disconnect_failed")
    if auth.store.tenant() in {t.tenant_id for t in tenants if t.connection_id == cid}:
        auth.store.set_tenant(None)
