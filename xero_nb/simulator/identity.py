"""identity.xero.com and /connections: token, revocation, userinfo, discovery documents."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import unquote

from xero_nb import facts
from xero_nb.simulator.context import Ctx
from xero_nb.simulator.grants import AccessRecord
from xero_nb.simulator.orgs import DemoApp
from xero_nb.simulator.problems import (
    NOT_FOUND,
    empty,
    expired_detail,
    json_response,
    problem,
    token_error,
    xero_datetime,
)
from xero_nb.simulator.wire import Answer
from xero_nb.simulator.world import World

CLIENT_CREDENTIALS_SCOPE = "Client credentials scope validation failed"
BILLING_SCOPE = "marketplace.billing"  # App Store apps may use client_credentials for it (§4)
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")
_XERO_HOSTS = (facts.LOGIN_HOST, facts.IDENTITY_HOST, facts.API_HOST)


def client_of(core: World, ctx: Ctx) -> DemoApp | Answer:
    """The calling app, from HTTP Basic, form post, or (public apps) a bare client_id."""
    cid, secret = ctx.field("client_id"), ctx.field("client_secret")
    auth = ctx.request.headers.get("authorization", "")
    if auth[:6].lower() == "basic ":
        try:
            raw = base64.b64decode(auth[6:].strip()).decode()
        except ValueError:
            return token_error("invalid_client", ctx.cid)
        user, _, pw = raw.partition(":")
        cid, secret = unquote(user), unquote(pw)
    app = core.apps_by_id.get(cid or "")
    if app is None:
        return token_error("invalid_client", ctx.cid)
    if app.client_secret is not None and not (
            secret and hmac.compare_digest(secret.encode(), app.client_secret.encode())):
        return token_error("invalid_client", ctx.cid)
    return app


def token(core: World, ctx: Ctx) -> Answer:
    """POST /connect/token for the code, refresh and client-credentials grants."""
    grant_type = ctx.field("grant_type")
    if grant_type not in GRANT_TYPES:
        return token_error("unsupported_grant_type", ctx.cid)
    app = client_of(core, ctx)
    if isinstance(app, Answer):
        return app
    if grant_type == "authorization_code":
        return _code_grant(core, ctx, app)
    if grant_type == "refresh_token":
        return _refresh_grant(core, ctx, app)
    return _client_credentials(core, ctx, app)


def _ok(body: dict[str, Any], cid: str) -> Answer:
    return json_response(200, body, cid, {"Cache-Control": "no-store", "Pragma": "no-cache"})


def _code_grant(core: World, ctx: Ctx, app: DemoApp) -> Answer:
    rec = core.state.codes.pop(ctx.field("code") or "", None)  # single use, even when refused
    if (rec is None or rec.grant.app.client_id != app.client_id or ctx.now > rec.expires_at
            or ctx.field("redirect_uri") != rec.redirect_uri):
        return token_error("invalid_grant", ctx.cid)
    if rec.challenge is not None:
        verifier = ctx.field("code_verifier") or ""
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
        if not verifier or not hmac.compare_digest(digest, rec.challenge.encode()):
            return token_error("invalid_grant", ctx.cid)
    return _ok(core.state.issue(rec.grant, ctx.now), ctx.cid)


def _refresh_grant(core: World, ctx: Ctx, app: DemoApp) -> Answer:
    rec = core.state.refresh.get(ctx.field("refresh_token") or "")
    if rec is None or rec.grant.app.client_id != app.client_id:
        return token_error("invalid_grant", ctx.cid)
    if core.state.refresh_status(rec, ctx.now) is not None:  # rotated, superseded, idle, revoked
        return token_error("invalid_grant", ctx.cid)
    return _ok(core.state.redeem(rec, ctx.now), ctx.cid)


def _client_credentials(core: World, ctx: Ctx, app: DemoApp) -> Answer:
    if app.kind != "custom" and BILLING_SCOPE in app.approved_scopes:
        return _billing(core, ctx, app)
    if app.kind != "custom" or app.tenant_id is None:
        return token_error("unauthorized_client", ctx.cid)
    asked = tuple(dict.fromkeys((ctx.field("scope") or "").split())) or tuple(sorted(app.scopes))
    if any(s not in app.scopes for s in asked):
        return token_error("invalid_scope", ctx.cid, CLIENT_CREDENTIALS_SCOPE)
    org = core.orgs_by_id[app.tenant_id]
    grant = core.state.consent(app, None, asked, [(org.tenant_id, org.name, org.tenant_type)], ctx.now)
    return _ok(core.state.issue(grant, ctx.now), ctx.cid)


def _billing(core: World, ctx: Ctx, app: DemoApp) -> Answer:
    """An App Store app's client_credentials token: marketplace.billing only, no org, no refresh."""
    asked = tuple(dict.fromkeys((ctx.field("scope") or "").split())) or (BILLING_SCOPE,)
    if asked != (BILLING_SCOPE,):
        return token_error("invalid_scope", ctx.cid, CLIENT_CREDENTIALS_SCOPE)
    grant = core.state.consent(app, None, asked, [], ctx.now)
    return _ok(core.state.issue(grant, ctx.now), ctx.cid)


def revocation(core: World, ctx: Ctx) -> Answer:
    """POST /connect/revocation: the refresh token dies and the user's connections go."""
    app = client_of(core, ctx)
    if isinstance(app, Answer):
        return app
    rec = core.state.refresh.get(ctx.field("token") or "")
    if rec is not None and rec.grant.app.client_id == app.client_id:
        core.state.revoke_user(rec.grant)
    return empty(200, ctx.cid)


def bearer(core: World, ctx: Ctx, api: str = "accounting") -> AccessRecord | Answer:
    """The caller's valid access token, or Xero's 401 (unknown token, or TokenExpired)."""
    tok = ctx.bearer()
    rec = core.state.access.get(tok) if tok else None
    if rec is None:
        return problem(401, "AuthenticationUnsuccessful", ctx.cid, api)
    if ctx.now >= rec.exp:
        return problem(401, expired_detail(rec.exp), ctx.cid, api)
    return rec


def userinfo(core: World, ctx: Ctx) -> Answer:
    """GET /connect/userinfo: the signed-in user's OIDC claims."""
    rec = bearer(core, ctx)
    if isinstance(rec, Answer) or rec.grant.user is None or "openid" not in rec.scopes:
        return json_response(401, {"error": "invalid_token"}, ctx.cid,
                             {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    user = rec.grant.user
    given, _, family = user.name.partition(" ")
    info = {"sub": user.user_id.replace("-", ""), "xero_userid": user.user_id}
    if "email" in rec.scopes:
        info["email"] = user.email
    if "profile" in rec.scopes:
        info.update(given_name=given, family_name=family, preferred_username=user.email)
    return json_response(200, info, ctx.cid)


def _urls(ctx: Ctx) -> facts.XeroURLs:
    req = ctx.request
    if req.host in _XERO_HOSTS:
        return facts.XeroURLs.xero()
    return facts.XeroURLs.on(f"{req.scheme}://{req.netloc}")


def openid_configuration(core: World, ctx: Ctx) -> Answer:
    """The OIDC discovery document."""
    urls = _urls(ctx)
    doc = {
        "issuer": facts.ISSUER, "authorization_endpoint": urls.authorize,
        "token_endpoint": urls.token, "userinfo_endpoint": urls.userinfo,
        "revocation_endpoint": urls.revocation, "jwks_uri": urls.jwks,
        "response_types_supported": ["code"], "grant_types_supported": list(GRANT_TYPES),
        "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": sorted(s for s in core.scope_names),
        "claims_supported": ["sub", "xero_userid", "email", "given_name", "family_name",
                             "preferred_username", "global_session_id", "authentication_event_id"],
    }
    return json_response(200, doc, ctx.cid)


def jwks(core: World, ctx: Ctx) -> Answer:
    """The JWKS that verifies our access and id tokens."""
    return json_response(200, core.key.jwks(), ctx.cid)


def connections(core: World, ctx: Ctx, connection_id: str | None) -> Answer:
    """GET /connections[?authEventId=] and DELETE /connections/{id}."""
    rec = bearer(core, ctx)
    if isinstance(rec, Answer):
        return rec
    mine = core.state.connections_for(rec.grant)
    if connection_id is not None:
        if ctx.method != "DELETE":
            return problem(405, "Method not allowed", ctx.cid)
        hit = next((c for c in mine if c.id.lower() == connection_id.lower()), None)
        if hit is None:  # a tenantId or authEventId here is the classic mistake
            return problem(404, NOT_FOUND, ctx.cid, title="NotFound")
        del core.state.connections[hit.id]
        return empty(204, ctx.cid)
    if ctx.method != "GET":
        return problem(405, "Method not allowed", ctx.cid)
    event = ctx.query("authEventId")
    rows = [{
        "id": c.id, "authEventId": c.auth_event_id, "tenantId": c.tenant_id,
        "tenantType": c.tenant_type, "tenantName": c.tenant_name,
        "createdDateUtc": xero_datetime(c.created), "updatedDateUtc": xero_datetime(c.updated),
    } for c in mine if event is None or c.auth_event_id.lower() == event.lower()]
    return json_response(200, rows, ctx.cid)
