"""api.xero.com: Xero's order of checks, then the resource.

token valid and unexpired (401 TokenExpired) -> rate limits (429) -> scope any-of for the app's
era (401 AuthorizationUnsuccessful + ``WWW-Authenticate: insufficient_scope``) -> tenant header
present and connected to this user (403 AuthenticationUnsuccessful) -> app approval and tier
(Journals: Advanced tier from 2 Mar 2026), the organisation's region and plan, the user's role
-> the resource.
"""

from __future__ import annotations

from datetime import UTC, datetime

from xero_nb import facts
from xero_nb.catalog.scopes import JOURNALS_SCOPE, RESTRICTED_SCOPES, is_allowed
from xero_nb.simulator import identity
from xero_nb.simulator.context import Ctx
from xero_nb.simulator.grants import AccessRecord
from xero_nb.simulator.orgs import CONNECTING_ROLES, DemoOrg
from xero_nb.simulator.problems import (
    INVALID_APPLICATION,
    NOT_FOUND,
    NOT_PERMITTED,
    PAYROLL_ADMIN,
    REPORTING_ROLE,
    problem,
)
from xero_nb.simulator.routes import Match
from xero_nb.simulator.wire import Answer
from xero_nb.simulator.world import World

CLOSED_APIS = frozenset({"bankfeeds", "finance"})
JOURNALS_TIERS = frozenset({"advanced", "enterprise"})  # the tiers that keep /Journals
TIERS_FROM = facts.TIERS_FROM
# What an Invoice-only user may reach (Xero's "Invoice only" role: sales and the lists they need).
INVOICE_ONLY_PATHS = ("/invoices", "/contacts", "/items", "/organisation", "/currencies",
                      "/taxrates", "/brandingthemes", "/contactgroups")
INSUFFICIENT = {"WWW-Authenticate": "insufficient_scope"}


def _pick(matches: list[Match], org: DemoOrg | None) -> Match:
    """On the shared payroll 2.0 URLs, the route of the organisation's own region."""
    if len(matches) > 1 and org is not None:
        for m in matches:
            if m.endpoint.payroll_region == org.payroll_region:
                return m
    return matches[0]


def handle_api(core: World, ctx: Ctx, matches: list[Match], key: tuple[str, str] | None,
               busy: bool = False) -> Answer:
    """Run Xero's checks in Xero's order, then answer from the organisation's data."""
    rec = identity.bearer(core, ctx, matches[0].endpoint.api)
    if isinstance(rec, Answer):
        return rec
    app = rec.grant.app
    header = ctx.request.headers.get("xero-tenant-id")
    tenant_id = (header or app.tenant_id or "").strip().lower()
    org = core.orgs_by_id.get(tenant_id)
    match = _pick(matches, org)
    ep = match.endpoint
    api = ep.api
    extra: dict[str, str] = {}
    if key is not None:
        verdict = core.limits.check(key[0], key[1], app.tier, ctx.now, busy)
        if verdict is not None:
            extra = verdict.headers
            if verdict.problem is not None:
                return problem(429, f"Rate limit exceeded: {verdict.problem}", ctx.cid, api,
                               headers=extra, title="Too Many Requests")
    need = match.route.required[app.era]
    if not _allowed(core, match, rec.scopes, app.era):
        return problem(401, "AuthorizationUnsuccessful", ctx.cid, api, headers=extra | INSUFFICIENT)
    if not ep.tenant_header:  # App Store billing: no organisation involved
        refusal = _app_gates(rec, match, need, ctx.now)
        org = None
    else:
        refusal = _tenant(core, rec, header, org)
        if refusal is None:
            assert org is not None
            refusal = (_app_gates(rec, match, need, ctx.now) or _org(match, org)
                       or _user(rec, match, org))
    if refusal is not None:
        status, detail, title, type_ = refusal
        hdrs = extra | INSUFFICIENT if status == 401 else extra
        return problem(status, detail, ctx.cid, api, headers=hdrs, title=title, type_=type_)
    return core.store.respond(ctx, match, org, extra)


Refusal = tuple[int, str, str | None, str | None]  # status, detail, title, problem type


def _allowed(core: World, match: Match, scopes: frozenset[str], era: str) -> bool:
    """The one scope rule (``catalog.scopes.is_allowed``), remembered per route, era and scopes."""
    key = (id(match.route), era, scopes)  # routes live as long as the process's route table
    hit = core.allowed.get(key)
    if hit is None:
        if len(core.allowed) > 50_000:  # bounded: every distinct scope set is a key
            core.allowed.clear()
        hit = core.allowed[key] = is_allowed(match.endpoint, scopes, era)
    return hit


def _tenant(core: World, rec: AccessRecord, header: str | None, org: DemoOrg | None) -> Refusal | None:
    app, user = rec.grant.app, rec.grant.user
    forbidden: Refusal = (403, "AuthenticationUnsuccessful", None, None)
    if user is None:  # a custom connection: its one organisation, header optional
        if app.tenant_id is None or (header and header.strip().lower() != app.tenant_id):
            return forbidden
        return None
    if not header or org is None:
        return forbidden
    if core.state.find_connection(user.user_id, app.client_id, org.tenant_id) is None:
        return forbidden
    role = user.roles.get(org.tenant_id)
    if role is None:  # removed from the organisation after connecting
        return forbidden
    return None


def tiers_apply(now: float) -> bool:
    """True once Xero's developer tiers are in force (2 Mar 2026) at simulated time ``now``."""
    return datetime.fromtimestamp(now, UTC).date() >= TIERS_FROM


def _app_gates(rec: AccessRecord, match: Match, need: frozenset[str], now: float) -> Refusal | None:
    app, ep = rec.grant.app, match.endpoint
    held = need & rec.scopes
    if ep.api in CLOSED_APIS and not (held & app.approved_scopes):
        return (403, INVALID_APPLICATION, "Invalid Application", "invalid-application")
    if JOURNALS_SCOPE in held and (
            (tiers_apply(now) and app.tier not in JOURNALS_TIERS)  # facts ASSUMPTIONS journals_tier
            or (app.era == "granular" and JOURNALS_SCOPE not in app.approved_scopes)):  # approval
        return (401, "AuthorizationUnsuccessful", None, None)
    # Restricted scopes (BankStatement's too: it is its own catalog endpoint) need Xero's approval.
    if held and all(s in RESTRICTED_SCOPES and s not in app.approved_scopes for s in held):
        return (401, "AuthorizationUnsuccessful", None, None)
    return None


def _org(match: Match, org: DemoOrg) -> Refusal | None:
    ep = match.endpoint
    region = ep.payroll_region
    if region is not None:
        if org.payroll_region != region:
            return (404, NOT_FOUND, "NotFound", None)
        if not org.payroll:
            return (403, f"The organisation's plan does not include Payroll ({org.name})", None, None)
    if ep.api == "projects" and not org.projects:
        return (403, f"The organisation's plan does not include Projects ({org.name})", None, None)
    return None


def _user(rec: AccessRecord, match: Match, org: DemoOrg) -> Refusal | None:
    user, ep = rec.grant.user, match.endpoint
    if user is None:
        return None
    role = user.roles[org.tenant_id]
    if role.role not in CONNECTING_ROLES:
        if role.role == "read_only" and ep.is_write:
            return (403, NOT_PERMITTED, None, None)
        if role.role == "invoice_only" and not (
                ep.api == "accounting" and ep.path.lower().startswith(INVOICE_ONLY_PATHS)):
            return (403, NOT_PERMITTED, None, None)
    if ep.api == "accounting" and ep.path.startswith("/Reports") and not role.reports:
        return (403, REPORTING_ROLE, None, None)
    if ep.payroll_region is not None and not role.payroll_admin:
        return (403, PAYROLL_ADMIN, None, None)
    return None
