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
    empty,
    problem,
)
from xero_nb.simulator.routes import Match, Route
from xero_nb.simulator.wire import Answer
from xero_nb.simulator.world import World

Refusal = tuple[int, str, str | None, str | None]  # status, detail, title, problem type
CLOSED_APIS = frozenset({"bankfeeds", "finance"})
JOURNALS_TIERS = frozenset({"advanced", "enterprise"})  # the tiers that keep /Journals
TIERS_FROM = facts.TIERS_FROM
INSUFFICIENT = {"WWW-Authenticate": "insufficient_scope"}
_FORBIDDEN: Refusal = (403, "AuthenticationUnsuccessful", None, None)
_UNAUTHORIZED: Refusal = (401, "AuthorizationUnsuccessful", None, None)
_NOT_PERMITTED: Refusal = (403, NOT_PERMITTED, None, None)
# A product the organisation has not set up (or not on its plan): a 403 without Xero's problem
# body, as a real one was seen (facts ASSUMPTIONS "unprovisioned_product_body"); no Detail text
# of Xero's for it is known, so none is made up.
_UNPROVISIONED: Refusal = (403, "", None, None)


def _pick(matches: list[Match], org: DemoOrg | None) -> Match:
    """On the shared payroll 2.0 URLs, the route of the organisation's own region."""
    if len(matches) > 1 and org is not None:
        for m in matches:
            if m.route.region == org.payroll_region:
                return m
    return matches[0]


def handle_api(core: World, ctx: Ctx, matches: list[Match], key: tuple[str, str] | None,
               busy: bool = False) -> Answer:
    """Run Xero's checks in Xero's order, then answer from the organisation's data."""
    rec = identity.bearer(core, ctx, matches[0].route.api)
    if isinstance(rec, Answer):
        return rec
    app = rec.grant.app
    header = ctx.request.headers.get("xero-tenant-id")
    tenant_id = (header or app.tenant_id or "").strip().lower()
    org = core.orgs_by_id.get(tenant_id)
    match = matches[0] if len(matches) == 1 else _pick(matches, org)
    route = match.route
    api = route.api
    extra: dict[str, str] = {}
    if key is not None:
        verdict = core.limits.check(key[0], key[1], app.tier, ctx.now, busy)
        if verdict is not None:
            ctx.limited = True  # every answer from here on carries ``extra``
            extra = verdict.headers
            if verdict.problem is not None:
                return problem(429, f"Rate limit exceeded: {verdict.problem}", ctx.cid, api,
                               headers=extra, title="Too Many Requests")
    era = app.era
    if not _allowed(core, match, rec.scopes, era):
        return problem(401, "AuthorizationUnsuccessful", ctx.cid, api, headers=extra | INSUFFICIENT)
    need = route.required[era]
    if not route.endpoint.tenant_header:  # App Store billing: no organisation involved
        refusal = _app_gates(rec, route, need, ctx.now)
        org = None
    else:
        refusal = _tenant(core, rec, header, org)
        if refusal is None:
            assert org is not None
            refusal = (_app_gates(rec, route, need, ctx.now) or _org(route, org)
                       or _user(rec, route, org))
    if refusal is not None:
        status, detail, title, type_ = refusal
        if not detail:
            return empty(status, ctx.cid, extra)
        hdrs = extra | INSUFFICIENT if status == 401 else extra
        return problem(status, detail, ctx.cid, api, headers=hdrs, title=title, type_=type_)
    return core.store.respond(ctx, match, org, extra)


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
    if user is None:  # a custom connection: its one organisation, header optional
        if app.tenant_id is None or (header and header.strip().lower() != app.tenant_id):
            return _FORBIDDEN
        return None
    if not header or org is None:
        return _FORBIDDEN
    if core.state.find_connection(user.user_id, app.client_id, org.tenant_id) is None:
        return _FORBIDDEN
    if org.tenant_id not in user.roles:  # removed from the organisation after connecting
        return _FORBIDDEN
    return None


def tiers_apply(now: float) -> bool:
    """True once Xero's developer tiers are in force (2 Mar 2026) at simulated time ``now``."""
    return datetime.fromtimestamp(now, UTC).date() >= TIERS_FROM


def _app_gates(rec: AccessRecord, route: Route, need: frozenset[str], now: float) -> Refusal | None:
    app = rec.grant.app
    held = need & rec.scopes
    if route.api in CLOSED_APIS and not (held & app.approved_scopes):
        return (403, INVALID_APPLICATION, "Invalid Application", "invalid-application")
    if JOURNALS_SCOPE in held and (
            (tiers_apply(now) and app.tier not in JOURNALS_TIERS)  # facts ASSUMPTIONS journals_tier
            or (app.era == "granular" and JOURNALS_SCOPE not in app.approved_scopes)):  # approval
        return _UNAUTHORIZED
    # Restricted scopes (BankStatement's too: it is its own catalog endpoint) need Xero's approval:
    # refused when every scope held is restricted and none of them approved.
    if held and held <= RESTRICTED_SCOPES.keys() and held.isdisjoint(app.approved_scopes):
        return _UNAUTHORIZED
    return None


def _org(route: Route, org: DemoOrg) -> Refusal | None:
    region = route.region
    if region is not None:
        if org.payroll_region != region:
            return (404, NOT_FOUND, "NotFound", None)
        if not org.payroll:
            return _UNPROVISIONED
    if route.api == "projects" and not org.projects:
        return _UNPROVISIONED
    return None


def _user(rec: AccessRecord, route: Route, org: DemoOrg) -> Refusal | None:
    user = rec.grant.user
    if user is None:
        return None
    role = user.roles[org.tenant_id]
    if role.role not in CONNECTING_ROLES:
        if role.role == "read_only" and route.write:
            return _NOT_PERMITTED
        if role.role == "invoice_only" and not route.invoice_only:
            return _NOT_PERMITTED
    if route.report and not role.reports:
        return (403, REPORTING_ROLE, None, None)
    if route.region is not None and not role.payroll_admin:
        return (403, PAYROLL_ADMIN, None, None)
    return None
