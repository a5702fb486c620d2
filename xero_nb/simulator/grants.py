"""Identity state: consents, connections, codes, access and refresh tokens, and their lifetimes."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from xero_nb import facts
from xero_nb.simulator.keys import SigningKey
from xero_nb.simulator.orgs import DemoApp, DemoUser


@dataclass(slots=True)
class Grant:
    """One consent: a user (None for a custom connection) letting an app use some scopes."""

    app: DemoApp
    user: DemoUser | None
    scopes: tuple[str, ...]
    auth_event_id: str
    auth_time: int
    global_session_id: str
    nonce: str | None = None
    tenant_ids: tuple[str, ...] = ()


@dataclass(slots=True)
class Connection:
    """One row of GET /connections: a user's app connected to one organisation."""

    id: str
    user_id: str | None
    client_id: str
    tenant_id: str
    tenant_name: str
    tenant_type: str
    auth_event_id: str
    created: float
    updated: float


@dataclass(slots=True)
class AccessRecord:
    """An access token we minted and the grant behind it."""

    grant: Grant
    claims: dict[str, Any]
    exp: float
    scopes: frozenset[str]


@dataclass(slots=True)
class RefreshRecord:
    """A refresh token: live, rotated (grace window), superseded, or revoked.

    ``parent``: the token this one was issued for, until this one is first used; that use
    sets the parent's ``superseded`` (facts ASSUMPTIONS ``refresh_grace_reuse``)."""

    grant: Grant
    issued_at: float
    rotated_at: float | None = None
    revoked: bool = False
    parent: RefreshRecord | None = None
    superseded: bool = False  # a token issued for this one has been used: no more retries


@dataclass(slots=True)
class CodeRecord:
    """A single-use authorization code."""

    grant: Grant
    redirect_uri: str
    challenge: str | None
    expires_at: float


@dataclass
class IdentityState:
    """Everything the identity server remembers; callers hold the simulator's lock."""

    key: SigningKey
    access: dict[str, AccessRecord] = field(default_factory=dict)
    refresh: dict[str, RefreshRecord] = field(default_factory=dict)
    codes: dict[str, CodeRecord] = field(default_factory=dict)
    connections: dict[str, Connection] = field(default_factory=dict)
    consented: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # (user, app) -> scopes

    def consent(self, app: DemoApp, user: DemoUser | None, scopes: tuple[str, ...],
                tenants: list[tuple[str, str, str]], now: float, nonce: str | None = None,
                additive: bool = False) -> Grant:
        """Record a consent and (re)connect each ``(tenant_id, name, type)`` to this user and app.

        ``additive`` (Xero's sign-in flow): while the user still has a connection of this app, the
        scopes consented before are kept beside the ones asked for now; Xero's scopes are additive,
        and only revoking (or disconnecting) starts again (docs/xero-facts.md §2, "Consent only
        adds"). The simulator's own ``issue_token()`` mints exactly the scopes it is given."""
        user_id = user.user_id if user else None
        if additive and user_id is not None:
            still = any(c.user_id == user_id and c.client_id == app.client_id
                        for c in self.connections.values())
            before = self.consented.get((user_id, app.client_id), ()) if still else ()
            scopes = (*scopes, *(s for s in before if s not in scopes))
        if user_id is not None:
            self.consented[(user_id, app.client_id)] = scopes
        grant = Grant(app, user, scopes, str(uuid.uuid4()), int(now), str(uuid.uuid4()), nonce,
                      tuple(t[0] for t in tenants))
        for tenant_id, name, ttype in tenants:
            conn = self.find_connection(user_id, app.client_id, tenant_id)
            if conn is None:
                conn = Connection(str(uuid.uuid4()), user_id, app.client_id, tenant_id, name, ttype,
                                  grant.auth_event_id, now, now)
                self.connections[conn.id] = conn
            else:  # a reconnect keeps the connection id and bumps updatedDateUtc
                conn.auth_event_id = grant.auth_event_id
                conn.updated = now
        return grant

    def find_connection(self, user_id: str | None, client_id: str, tenant_id: str) -> Connection | None:
        """This user's connection of this app to ``tenant_id``, if any."""
        for conn in self.connections.values():
            if conn.user_id == user_id and conn.client_id == client_id and conn.tenant_id == tenant_id:
                return conn
        return None

    def connections_for(self, grant: Grant) -> list[Connection]:
        """The connections visible to a token of ``grant``, oldest first."""
        user_id = grant.user.user_id if grant.user else None
        rows = [c for c in self.connections.values()
                if c.user_id == user_id and c.client_id == grant.app.client_id]
        return sorted(rows, key=lambda c: c.created)

    def issue(self, grant: Grant, now: float, parent: RefreshRecord | None = None) -> dict[str, Any]:
        """A token-endpoint response for ``grant`` (refresh token with offline_access);
        ``parent``: the refresh token redeemed for it, if any."""
        app, user = grant.app, grant.user
        exp = int(now) + facts.ACCESS_TOKEN_SECONDS
        claims: dict[str, Any] = {
            "nbf": int(now), "exp": exp, "iss": facts.ISSUER, "aud": facts.AUDIENCE,
            "client_id": app.client_id, "auth_time": grant.auth_time, "jti": uuid.uuid4().hex,
            "authentication_event_id": grant.auth_event_id, "scope": list(grant.scopes),
        }
        if user is not None:
            claims["sub"] = user.user_id.replace("-", "")
            claims["xero_userid"] = user.user_id
            claims["global_session_id"] = grant.global_session_id
        else:  # custom connections carry no user (facts ASSUMPTIONS custom_connection_claims)
            claims["sub"] = app.client_id.lower()
        access = self.key.sign(claims)
        self.access[access] = AccessRecord(grant, claims, float(exp), frozenset(grant.scopes))
        body: dict[str, Any] = {"access_token": access, "expires_in": facts.ACCESS_TOKEN_SECONDS,
                                "token_type": "Bearer", "scope": " ".join(grant.scopes)}
        if "offline_access" in grant.scopes and user is not None:
            rt = secrets.token_hex(32)
            self.refresh[rt] = RefreshRecord(grant, now, parent=parent)
            body["refresh_token"] = rt
        if "openid" in grant.scopes and user is not None:
            body["id_token"] = self._id_token(grant, now)
        return body

    def _id_token(self, grant: Grant, now: float) -> str:
        assert grant.user is not None
        user = grant.user
        given, _, family = user.name.partition(" ")
        claims: dict[str, Any] = {
            "nbf": int(now), "exp": int(now) + 300, "iat": int(now), "iss": facts.ISSUER,
            "aud": grant.app.client_id, "auth_time": grant.auth_time,
            "sub": user.user_id.replace("-", ""), "xero_userid": user.user_id,
            "global_session_id": grant.global_session_id, "sid": grant.global_session_id,
        }
        if grant.nonce:
            claims["nonce"] = grant.nonce
        if "email" in grant.scopes:
            claims["email"] = user.email
        if "profile" in grant.scopes:
            claims.update(given_name=given, family_name=family, preferred_username=user.email)
        return self.key.sign(claims)

    def new_code(self, grant: Grant, redirect_uri: str, challenge: str | None, now: float) -> str:
        """A fresh single-use code."""
        code = secrets.token_hex(32)
        self.codes[code] = CodeRecord(grant, redirect_uri, challenge, now + facts.AUTH_CODE_SECONDS)
        return code

    def refresh_status(self, rec: RefreshRecord, now: float) -> str | None:
        """Why a refresh token is no longer good ("revoked", "rotated", "expired"), or None.

        A rotated token may be redeemed again for the grace period (the answer may never have
        arrived), but only while no token issued for it has been used (facts ASSUMPTIONS
        ``refresh_grace_reuse``): one token set never branches into several live chains."""
        if rec.revoked:
            return "revoked"
        if rec.rotated_at is not None and (
                rec.superseded or now > rec.rotated_at + facts.REFRESH_GRACE_SECONDS):
            return "rotated"
        if now > rec.issued_at + facts.REFRESH_IDLE_SECONDS:
            return "expired"
        return None

    def redeem(self, rec: RefreshRecord, now: float) -> dict[str, Any]:
        """Spend a good refresh token: it rotates (the grace period starts at its first use), the
        token it was issued for may no longer be retried, and a new token set is issued."""
        if rec.parent is not None:  # the first use of this token: its predecessor is done
            rec.parent.superseded = True
            rec.parent = None
        if rec.rotated_at is None:
            rec.rotated_at = now  # the old token now lives only for the grace window
        return self.issue(rec.grant, now, parent=rec)

    def revoke_user(self, grant: Grant) -> None:
        """Revoke every refresh token of this user and app, and remove their connections."""
        user_id = grant.user.user_id if grant.user else None
        for rec in self.refresh.values():
            g = rec.grant
            if g.app.client_id == grant.app.client_id and (g.user.user_id if g.user else None) == user_id:
                rec.revoked = True
        for cid, conn in list(self.connections.items()):
            if conn.user_id == user_id and conn.client_id == grant.app.client_id:
                del self.connections[cid]
