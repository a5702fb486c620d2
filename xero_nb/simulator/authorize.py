"""GET/POST /identity/connect/authorize: validate the request, show consent, redirect with a code."""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode, urlsplit, urlunsplit

from xero_nb.catalog.scopes import known_scopes, refused_at_authorize, scope_table
from xero_nb.simulator.consent import consent_page, error_page
from xero_nb.simulator.context import Ctx
from xero_nb.simulator.orgs import DemoApp
from xero_nb.simulator.problems import html_response, redirect
from xero_nb.simulator.wire import Answer
from xero_nb.simulator.world import AuthzRequest, World

TICKET_SECONDS = 15 * 60
INVALID_SCOPE_FOR_CLIENT = "Invalid scope for client"
# RFC 7636 §4.2: code-challenge = 43*128unreserved. IdentityServer (Xero's identity server)
# refuses a challenge outside 43-128 characters with invalid_request "Invalid code_challenge";
# an S256 challenge is 43 base64url characters, so a hex one (64) passes here and fails at the
# code exchange (invalid_grant), as it would at Xero.
CODE_CHALLENGE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
INVALID_CODE_CHALLENGE = "Invalid code_challenge"


def redirect_allowed(app: DemoApp, uri: str | None) -> bool:
    """Exact match, except loopback IP redirects match on any port (RFC 8252 §7.3).

    A URI with a fragment (even an empty one) is never allowed: RFC 6749 §3.1.2 forbids it, and
    a code sent after a ``#`` would never reach the app's server."""
    if not uri or "#" in uri:
        return False
    if uri in app.redirect_uris:
        return True
    parts = urlsplit(uri)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "::1"):
        return False
    try:
        port = parts.port
    except ValueError:  # port 99999 or "abc": no URI Xero would redirect to
        return False
    bare = urlunsplit((parts.scheme, parts.netloc.rsplit(":", 1)[0] if port else parts.netloc,
                       parts.path, parts.query, ""))
    return bare in app.redirect_uris


def with_query(uri: str, params: dict[str, str | None]) -> str:
    """``uri`` with ``params`` (None values dropped) appended to its query, never after a ``#``
    (``redirect_allowed`` refuses a fragment; this keeps the query before one all the same)."""
    extra = urlencode({k: v for k, v in params.items() if v is not None})
    base, hash_, fragment = uri.partition("#")
    return base + ("&" if "?" in base else "?") + extra + hash_ + fragment


def authorize(core: World, ctx: Ctx) -> Answer:
    """Xero's authorize endpoint (and the consent form's post back to it)."""
    if ctx.method == "POST" and ctx.field("ticket") is not None:
        return consent_decision(core, ctx)
    app = core.apps_by_id.get(ctx.param("client_id") or "")
    if app is None:
        return html_response(400, error_page("invalid_client", "Unknown client or client not enabled"),
                             ctx.cid)
    redirect_uri = ctx.param("redirect_uri")
    if not redirect_allowed(app, redirect_uri):
        return html_response(400, error_page("invalid_request", "Invalid redirect_uri"), ctx.cid)
    assert redirect_uri is not None
    state = ctx.param("state")

    def fail(error: str, description: str) -> Answer:
        return redirect(with_query(redirect_uri, {"error": error, "error_description": description,
                                                  "state": state}), ctx.cid)

    if ctx.param("response_type") != "code":
        return fail("unsupported_response_type", "response_type must be code")
    if app.kind == "custom":
        return fail("unauthorized_client", "Custom connections use the client_credentials grant")
    scopes = tuple(dict.fromkeys((ctx.param("scope") or "").split()))
    if not scopes:
        return fail("invalid_scope", "scope is required")
    known = known_scopes()
    if any(s not in known for s in scopes):
        return fail("invalid_scope", "Invalid scope")
    info = scope_table()
    for s in scopes:
        if refused_at_authorize(s, app.era) is not None and s not in app.approved_scopes:
            return fail("unauthorized_client", INVALID_SCOPE_FOR_CLIENT)
        if s in info and info[s].status == "non-tenanted":
            # app.connections, marketplace.billing: the client-credentials grant's only (§2b); a
            # user's sign-in cannot ask for them
            return fail("unauthorized_client", INVALID_SCOPE_FOR_CLIENT)
    challenge = ctx.param("code_challenge")
    method = ctx.param("code_challenge_method")
    if challenge and not CODE_CHALLENGE.fullmatch(challenge):
        return fail("invalid_request", INVALID_CODE_CHALLENGE)
    if challenge and (method or "plain") != "S256":
        return fail("invalid_request", "code_challenge_method must be S256")
    if not app.confidential and not challenge:
        return fail("invalid_request", "code_challenge is required for PKCE apps")
    user = core.find_user(ctx.param("login_hint")) or core.users[0]
    req = AuthzRequest(app, user, redirect_uri, scopes, state, challenge, ctx.param("nonce"),
                       ctx.now + TICKET_SECONDS)
    orgs = [o for o in core.orgs if user.can_connect(o.tenant_id)]
    if core.auto_approve:
        return approve(core, ctx, req, [o.tenant_id for o in orgs])
    ticket = secrets.token_urlsafe(24)
    core.tickets[ticket] = req
    return html_response(200, consent_page(app, user, scopes, orgs, ticket), ctx.cid)


def approve(core: World, ctx: Ctx, req: AuthzRequest, tenant_ids: list[str]) -> Answer:
    """Record the consent and send the browser back with a single-use code."""
    tenants = [(o.tenant_id, o.name, o.tenant_type) for o in core.orgs
               if o.tenant_id in tenant_ids and req.user.can_connect(o.tenant_id)]
    grant = core.state.consent(req.app, req.user, req.scopes, tenants, ctx.now, req.nonce, additive=True)
    code = core.state.new_code(grant, req.redirect_uri, req.challenge, ctx.now)
    return redirect(with_query(req.redirect_uri, {
        "code": code, "scope": " ".join(req.scopes), "state": req.state,
        "session_state": grant.global_session_id}), ctx.cid)


def consent_decision(core: World, ctx: Ctx) -> Answer:
    """The consent form's Allow or Deny."""
    req = core.tickets.pop(ctx.field("ticket") or "", None)
    if req is None or ctx.now > req.expires_at:
        return html_response(400, error_page("invalid_request", "This consent page has expired; "
                                             "start signing in again"), ctx.cid)
    if ctx.field("action") != "allow":
        return redirect(with_query(req.redirect_uri, {
            "error": "access_denied", "error_description": "The user denied access",
            "state": req.state}), ctx.cid)
    return approve(core, ctx, req, ctx.form().get("tenant", []))
