"""Non-scope causes: rate limits, expiry, tenants and connections (OAuth errors: ``oauth``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from xero_nb.catalog.paths import GUID
from xero_nb.catalog.scopes import OIDC_SCOPES, is_allowed
from xero_nb.diagnose.context import Context
from xero_nb.diagnose.cues import PAYROLL_WORDS
from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.observation import Observation
from xero_nb.diagnose.paste import SENDS_TENANT
from xero_nb.diagnose.sdk_steps import expiry_steps
from xero_nb.facts import TENANT_PER_DAY, TENANT_PER_DAY_STARTER, TENANT_PER_MINUTE
from xero_nb.models import Endpoint

_GUID = GUID
CONNECTIONS_FACT = "this token's /connections list (GET https://api.xero.com/connections)"
HEADERS_FACT = "the request headers: was xero-tenant-id sent?"
ROLE_FACT = "the user's role in this organisation (reports access, payroll admin)"
SIGN_IN = "Sign in again (full consent) and store the new refresh token."
LIMITS = {
    "minute": f"the per-tenant minute limit ({TENANT_PER_MINUTE} calls a minute)",
    "day": f"the per-tenant daily limit ({TENANT_PER_DAY:,} calls a day; "
           f"{TENANT_PER_DAY_STARTER:,} on the Starter tier)",
    "appminute": "the app-wide minute limit (10,000 calls a minute across all tenants)",
    "concurrent": "the concurrency limit (5 calls in flight per tenant)",
}
RATE_FACT = "the HTTP status (429 is a rate limit) and the X-Rate-Limit-Problem header"
_BARE_XEROIZER = re.compile(r"Xeroizer::OAuth::TokenExpired:[ \t]*+Xeroizer::OAuth::TokenExpired\b")
EXPIRY_CLASSES = frozenset({"TokenExpired", "AccessTokenExpiredError", "TokenExpiredError"})
# "rate limit exceeded", "too many requests": the limit said to be hit, not merely mentioned.
# OAuth 1.0a Xero answered a 401 (later a 503) with oauth_problem=rate limit exceeded.
_RATE_HIT = re.compile(r"\brate[\s_-]?limit\s++(?:was\s++|has\s++been\s++)?(?:exceeded|reached|hit)\b|"
                       r"\btoo\s++many\s++requests\b", re.IGNORECASE)
CUSTOM_FACT = "whether the custom connection still shows the organisation as connected"
OAUTH_ERRORS = frozenset({"invalid_grant", "invalid_client", "invalid_scope", "unauthorized_client",
                          "unsupported_grant_type", "access_denied", "invalid_request"})
# Markers of a failure at the token endpoint (or the words for one): no API call was checked.
TOKEN_STEP = frozenset({"invalid_grant", "invalid_client", "client_words", "client_auth",
                        "refresh_refused", "token_endpoint", "refresh_call"})


def evidence_of(obs: Observation) -> list[str]:
    out = [f"status {obs.status}" if obs.status is not None else "no HTTP status"]
    for key in ("error", "error_description", "detail", "type", "message"):
        value = obs.field(key)
        if value:
            out.append(f"{key}: {value[:160]}")
    return out


DAY = 86400  # the longest wait Xero's limits ask for (the day limit)


def rate_findings(obs: Observation) -> list[Finding]:
    """429, a limit header, or rate-limit words (with or without a status): which limit, how long."""
    kind = obs.rate_limit_problem
    words = "rate_limit" in obs.markers or (  # "rate limit exceeded", "low request quota"
        "quota" in obs.markers and "connection_cap" not in obs.markers)
    # Xero sends Retry-After with a 429: seen without any status, it is one (a 503's Retry-After is
    # the organisation offline or the API down, E11)
    waits = obs.retry_after is not None and obs.status is None
    if obs.status != 429 and kind is None and not words and not waits:
        return []
    wait = obs.retry_after
    if kind is None:  # no X-Rate-Limit-Problem: the exhausted counter says which limit it was
        spent = [k for k, h in (("day", "X-DayLimit-Remaining"), ("minute", "X-MinLimit-Remaining"),
                                ("appminute", "X-AppMinLimit-Remaining")) if obs.header(h) == "0"]
        kind = spent[0] if spent else None
    limit = LIMITS.get(kind or "", f"limit '{kind}'" if kind else "a rate limit (kind not given)")
    ev = [f"status {obs.status}" if obs.status else "no HTTP status"] + [f"{n}: {obs.header(n)}" for n in (
        "X-Rate-Limit-Problem", "Retry-After", "X-MinLimit-Remaining", "X-DayLimit-Remaining",
        "X-AppMinLimit-Remaining") if obs.header(n) is not None]
    given = obs.header("Retry-After") or ""
    if wait is None:
        when = ("wait (no Retry-After given)" if not given else
                f"wait (the Retry-After {given[:20]!r} is no usable number of seconds)")
    elif wait > DAY:  # Xero's day limit resets within a day: a proxy or a library garbled it
        when = (f"wait until the day limit resets (the Retry-After of {given[:20]} s is more than a "
                "day, longer than Xero ever asks)")
    else:
        when = f"wait {wait:g} s" + (f" (about {wait / 3600:.1f} h)" if wait >= 3600 else "")
    whom = "from this app, to any tenant" if kind == "appminute" else "to this tenant"
    fix = [f"{when[0].upper()}{when[1:]} before the next call {whom}."]
    if kind == "appminute":
        fix.append("The app-wide limit counts every tenant's calls together: pacing one tenant "
                   "does not help; spread all tenants' work across the minute.")
    elif kind == "day":
        fix.append("The daily quota resets on a rolling 24 h window; on the Starter tier move up a "
                   "tier or spread the work over days.")
    elif kind in ("minute", "concurrent", None):
        fix.append("Pace calls: at most 5 in flight and 60 a minute per tenant (probe does this).")
    if "sleep_for_retry" in obs.body:  # urllib3 was waiting out the Retry-After when stopped
        ev.append("urllib3 was sleeping out a Retry-After (sleep_for_retry) when stopped")
        fix.append("The script was not hung: urllib3 was waiting out Xero's Retry-After (a day limit "
                   "waits for hours). To see the 429 at once instead, give the HTTP pool "
                   "Retry(respect_retry_after_header=False) or no retries.")
    if words and obs.status != 429:
        ev.append("the error's wording names a rate limit")
    elif waits and obs.status != 429:
        ev.append("a Retry-After header, which Xero sends with a 429")
    hit = words and any(_RATE_HIT.search(v) for v in (obs.body, *(v for _, v in obs.fields)))
    weight = (0.97 if obs.status == 429 else 0.9 if obs.status is None
              else 0.85 if hit else 0.7 if obs.status == 503 or kind is not None else 0.6)
    return [Finding("rate_limited", f"Rate limit hit: {limit}; {when}", tuple(ev), tuple(fix),
                    weight, None if obs.status == 429 else RATE_FACT)]


def scope_verdict(obs: Observation) -> bool:
    """Xero's own answer to a token it accepted and a scope it refused (§6): Detail
    AuthorizationUnsuccessful or WWW-Authenticate insufficient_scope."""
    said = (obs.www_authenticate or "").lower()
    return "insufficient_scope" in said or (obs.detail or "").strip().lower() == "authorizationunsuccessful"


def expiry_findings(obs: Observation, ctx: Context) -> list[Finding]:
    """An expired access token (TokenExpired, or the token's exp already past)."""
    fix = expiry_steps(obs, ctx)
    if obs.oauth_error == "token_invalid" and obs.status is None:
        # authlib's InvalidTokenError: the stored token is expired and the client cannot refresh
        # it (no refresh_token or no token endpoint), so nothing was sent to Xero
        return [Finding("token_expired", "The client's stored access token has expired and it cannot "
                        "refresh it: nothing was sent to Xero", (*evidence_of(obs), "authlib raises "
                        "token_invalid before any request when it cannot refresh"),
                        ("Give the OAuth2 client a token that holds its refresh_token, and "
                         "token_endpoint='https://identity.xero.com/connect/token': authlib then "
                         "refreshes before a call. Without a refresh token (no offline_access), sign "
                         "in again.",), 0.9)]
    if obs.oauth_error in OAUTH_ERRORS or obs.markers & TOKEN_STEP:
        return []  # a token-endpoint error: "refresh token expired" there is invalid_grant
    if "tokenexpired" in obs.markers:
        # Xero's own keys (Detail TokenExpired, OAuth 1.0a oauth_problem=token_expired) or an
        # SDK's expiry class say it; words alone ("the token expired, please reconnect") may mean
        # the refresh token died, or merely mention expiry among other things.
        said = any("".join(v.lower().replace("_", " ").split()).startswith("tokenexpired")
                   for k, v in obs.fields if k in ("detail", "oauth_problem", "error")) or (
            obs.sdk_class in EXPIRY_CLASSES)
        # a connection said to be gone ("no longer linked because the token expired") is cured
        # by connecting again, as when the words say reconnect: the expiry is the vendor's account of it
        weight = 0.97 if said else 0.7 if obs.markers & {"reconnect", "revoked"} else 0.82
        if not said and scope_verdict(obs):
            # Xero answered this call AuthorizationUnsuccessful / insufficient_scope: it accepted the
            # token (an expired one gets Detail TokenExpired, §6), so expiry in the words is history
            weight = 0.45
        if _BARE_XEROIZER.search(obs.body[:20_000]):
            # xeroizer versions that look for a lower-case "detail" never find Xero's reason and
            # raise TokenExpired, message the class name alone, for every 401 and 403
            return [Finding("token_expired", "Probably an expired access token, but xeroizer gave no "
                            "reason", (*evidence_of(obs), "TokenExpired with no description"),
                            (*fix, "If a fresh token gets it too, it is not expiry: a missing scope "
                             "(401) or the tenant (403); a xeroizer that reads Xero's `Detail` "
                             "names the reason."), 0.75, "whether a freshly refreshed token gets it too")]
        return [Finding("token_expired", "The access token has expired (they last 30 minutes)",
                        tuple(evidence_of(obs)), fix, weight)]
    if obs.status != 401 or obs.error:
        return []
    agent = (obs.request_header("User-Agent") or "").lower()
    if (obs.request_headers and obs.request_header("Authorization") is None
            and any(obs.request_header(h) for h in ("Host", "Accept", "User-Agent", "Xero-Tenant-Id"))
            and not obs.markers & {"insufficient_scope", "authorizationunsuccessful", "tokenexpired"}
            and obs.library != "xero-node" and not agent.startswith("xero-node")):
        # the request as sent is known (real headers, not words that look like one), it carried
        # no token at all, and Xero's answer does not say it read one. (xero-node leaves the
        # Authorization header out of every error it prints: its absence there says nothing.)
        return [Finding("token_expired", "No access token was sent: the request had no "
                        "Authorization header", (*evidence_of(obs), "request headers: no Authorization"),
                        ("Send `Authorization: Bearer <access_token>` (XeroClient: pass token= or "
                         "auth=, or sign in first).",), 0.97)]
    if ctx.token_problem and not obs.markers & {"insufficient_scope", "authorizationunsuccessful"}:
        # (a 401 for a scope means Xero read the token: it was a real access token)
        return [Finding("token_expired", "The token sent is not a Xero access token: "
                        + ctx.token_problem, (*evidence_of(obs), ctx.token_problem),
                        ("Send the access_token from the token response (not the id_token, not "
                         "the refresh token), whole, as `Authorization: Bearer <access_token>`.",
                         "If it was one, it was revoked or cut short: refresh, or sign in again."),
                        0.92)]
    if "refresh_cured" in obs.markers and not obs.markers & {"insufficient_scope",
                                                             "authorizationunsuccessful"}:
        # the log shows it handled: a token refresh that worked, then the same call answered 2xx
        return [Finding("token_expired", "The 401 was the access token running out, and it was "
                        "handled: the client refreshed the token and the same call then worked, so "
                        "nothing is failing now", (*evidence_of(obs), "the log: a token refresh that "
                                                   "worked, then the same call answered 2xx"),
                        ("Nothing to fix: a 401 followed by a refresh and a retry that works is how "
                         "an expired access token (30 minutes) is meant to be handled.",
                         "To avoid the 401 at all, refresh shortly before the token's exp."), 0.9)]
    if ctx.expires_at is not None and ctx.expires_at <= ctx.now:
        when = datetime.fromtimestamp(ctx.expires_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        if scope_verdict(obs):  # Xero judged the scopes: it accepted the token the call sent (§6)
            return [Finding("token_expired", f"The token given expired at {when}, yet Xero answered "
                            "AuthorizationUnsuccessful, which it says only of a token it accepted: the "
                            "call sent a newer token, and the token given is an older one",
                            (*evidence_of(obs), f"token exp {when}"),
                            ("Read the exp and scope claims of the token the failing call sent (log it "
                             "redacted, or decode it): the token given is not that one, so its expiry "
                             "is not the cause.",), 0.3,
                            "the token the failing call sent (its exp and scope claims)")]
        return [Finding("token_expired", f"The access token expired at {when}",
                        (*evidence_of(obs), f"token exp {when}"), fix, 0.93)]
    if "invalid_token" in obs.markers:
        return [Finding("token_expired", "Xero says the token is invalid (expired or malformed)",
                        tuple(evidence_of(obs)), fix, 0.75)]
    if ctx.expires_at is None and not obs.markers & {"insufficient_scope", "authorizationunsuccessful",
                                                     "token_ok", "other_calls_work",
                                                     "scope_missing"} and (
            "after_a_while" in obs.markers or "from_start" not in obs.markers):
        # "the token is valid", "other calls work with the same token", "every call from the
        # first one": not expiry
        if "after_a_while" in obs.markers:  # expiry comes once the token has aged; a scope never works
            return [Finding("token_expired", "A 401 that starts after a while (or comes and goes) is "
                            "an expired access token", (*evidence_of(obs), "the wording: only after "
                                                        "some time, or intermittently"), fix, 0.6)]
        if not (obs.detail or obs.title or obs.www_authenticate):
            # Xero always says why in a 401 (TokenExpired, or AuthorizationUnsuccessful with
            # WWW-Authenticate: insufficient_scope); when a wrapper dropped all of that, the
            # commonest 401 of all is the 30-minute access token running out.
            return [Finding("token_expired", "A 401 with Xero's reason lost (no Detail, no "
                            "WWW-Authenticate) is most often an expired access token",
                            (*evidence_of(obs), "no Detail or WWW-Authenticate in what was seen"),
                            fix, 0.5, "the token's expiry (its exp claim), or the 401's Detail")]
        if "authenticationunsuccessful" in obs.markers and not obs.www_authenticate:
            # 401 AuthenticationUnsuccessful: Xero did not accept the token at all (expired,
            # malformed, revoked, or an id_token sent instead) [U: docs/xero-facts.md §6]
            return [Finding("token_expired", "401 AuthenticationUnsuccessful: the access token was "
                            "not accepted (expired, malformed, revoked, or an id_token sent instead)",
                            tuple(evidence_of(obs)), (*fix, "Check that the access_token itself is "
                                                      "sent, whole (not the id_token)."), 0.4,
                            "the token sent (a JWT whose aud is https://identity.xero.com/resources, "
                            "not expired)")]
        return [Finding("token_expired", "A bare 401 is often an expired access token",
                        tuple(evidence_of(obs)), fix, 0.4, "the token's expiry (its exp claim)")]
    return []


_PROJECTS = re.compile(r"\bprojects?\s++(?:api|calls?|endpoints?)\b|\bprojects\.xro\b", re.IGNORECASE)


def unprovisioned(obs: Observation, ep: Endpoint | None,
                  granted: frozenset[str] | None = None) -> str | None:
    """The product (payroll, projects) that a 403 without Xero's problem body refuses, if any.

    Xero's tenant refusal carries its AuthenticationUnsuccessful body; an empty 403 on one
    product's API is the organisation without that product set up or on its plan (§8). With no
    endpoint known, the URL called or the words say which product; else a token whose every API
    scope is one product's (an SDK's printout of an empty 403 names neither)."""
    if obs.status != 403 or obs.detail or obs.title or obs.markers & {"authenticationunsuccessful",
                                                                      "insufficient_scope"}:
        return None
    # an empty body: said so, nothing printed, or a printed Content-Length of 0 (xero-python's
    # printout then shows the headers and no body line)
    if "empty_body" not in obs.markers and obs.body.strip() and obs.header("Content-Length") != "0":
        return None
    if ep is not None:
        return "payroll" if ep.payroll_region else "projects" if ep.api == "projects" else None
    # no endpoint known (a payroll 2.0 path is NZ's and UK's alike): the URL called, else the words
    said = f"{obs.url or ''} {obs.body}"
    if PAYROLL_WORDS.search(said):
        return "payroll"
    if _PROJECTS.search(said):
        return "projects"
    families = {s.partition(".")[0] for s in granted or () if s not in OIDC_SCOPES}  # ("projects" has no dot)
    return next(iter(families), None) if len(families) == 1 and families <= {"payroll", "projects"} else None


# Roles that cannot connect an app, nor keep a connection working: only Standard and Adviser users
# may (developer.xero.com FAQ, permissions; §8).
_CANNOT_CONNECT = {"read_only": "read only", "invoice_only": "invoice only", "cashbook": "cashbook client",
                   "managed_client": "managed client"}


def _role_standing(ctx: Context, ev: list[str], t: float) -> Finding | None:
    """What the user's role, when given, says of a tenant's refusal when the endpoint is not known
    (None when no role is given; with the endpoint, what the role allows is weighed in org.py)."""
    role = ctx.role
    if role is None or role.role is None or (ctx.endpoint is not None and role.role != "removed"):
        return None
    ev = [*ev, f"user role: {role.describe()}"]
    if role.role == "removed":
        return Finding("user_role", "The user who connected was removed from the organisation: a "
                       "token reaches an organisation only while its user belongs to it", tuple(ev),
                       ("Connect again as a user of the organisation (Standard or Adviser), or ask an "
                        "admin to invite the user back.",), 0.9 * t)
    if role.role in _CANNOT_CONNECT:
        return Finding("user_role", f"The user's role ({_CANNOT_CONNECT[role.role]}) allows little: "
                       "such a user cannot connect an app (only Standard and Adviser users may) and "
                       "reaches only part of the organisation", tuple(ev),
                       ("Ask an organisation admin to give the user the Standard or Adviser role, then "
                        "connect again; or connect as a user who has it.",), 0.7 * t,
                       "the call that failed (a write, or a part of Xero the role does not reach)")
    # a Standard or Adviser user may connect: the role is not what changed (unless it was lately)
    return Finding("user_role", f"The user's role ({role.role}) may connect apps: if it was not "
                   "changed lately, the organisation's state (inactive, trial ended) is the question",
                   tuple(ev), ("Check in Xero that the organisation is active and the user still has "
                               "that role; reconnect after an admin restores it.",), 0.3 * t,
                   CONNECTIONS_FACT)


def tenant_findings(obs: Observation, ctx: Context) -> list[Finding]:
    """403 AuthenticationUnsuccessful: tenant header, /connections, revoked connections."""
    m = obs.markers
    if obs.status == 403 and "authenticationunsuccessful" in m:
        # insufficient_scope beside it is Xero's own word for a scope refusal (§6): the tenant
        # causes stay, below the scope (a wrapper relabelled the status or mixed two responses)
        t = 0.6 if "insufficient_scope" in m else 1.0
    elif obs.status == 403 and not m & {"invalid-application", "invalid-user-role", "not_permitted",
                                         "insufficient_scope", "authorizationunsuccessful",
                                         "not_in_plan"}:
        # no tenant refusal's body: the product
        t = 0.5 if unprovisioned(obs, ctx.endpoint, ctx.granted) else 0.7
    elif obs.status == 403 and "generic_forbidden" in m and not m & {"role", "invalid-user-role"}:
        t = 0.7  # calcinai/xero-php words every 403 "not permitted": the tenant stays possible
    elif obs.status is None and "authenticationunsuccessful" in m:
        t = 0.9
    elif obs.status is None and "insufficientpermissions" in m:
        ep = ctx.endpoint  # a wrapper's message: a tenant problem once the scope is ruled out
        scope_ok = ep is not None and ctx.granted is not None and is_allowed(ep, ctx.granted,
                                                                             ctx.era_for_checks)
        t = 0.85 if scope_ok else 0.45
    else:
        return []
    ep = ctx.endpoint
    ev = evidence_of(obs)
    if ep is not None and not ep.tenant_header:
        if ep.method == "DELETE" or t < 0.9:  # the disconnect call's wrong id: see prose_findings
            return []
        # No tenant header is sent here, so none can be wrong: what is left of a refusal is the
        # token's access to the organisations itself (disconnected, org deleted; §8).
        return [Finding("connection_revoked", f"{ep.method} {ep.path} needs no xero-tenant-id, so "
                        "the refusal is about the connection itself: the app disconnected or the "
                        "organisation gone", (*ev, f"{ep.method} {ep.path} sends no tenant header"),
                        ("Call GET /connections; if it is empty, sign in again and pick the "
                         "organisation.",), 0.6 * t, CONNECTIONS_FACT)]
    if ctx.custom_connection:  # one organisation, chosen when the connection was made: no header
        return [Finding("connection_revoked", "A custom connection needs no xero-tenant-id: the "
                        "connection itself may be disconnected, or the organisation's subscription "
                        "to it lapsed", (*ev, "token from the client_credentials grant (custom "
                                         "connection)"),
                        ("Check the custom connection at developer.xero.com (My Apps, the app, "
                         "Custom connection): it must show the organisation as connected.",
                         "If it was disconnected, the organisation's admin authorises it again; "
                         "then request a new token."), 0.6 * t, CUSTOM_FACT)]
    sent = obs.tenant_header_sent
    if sent is False or (sent is None and ctx.tenant_id_empty):
        if obs.request_header("xero-tenant-id") is not None or sent is None:  # blank: never set
            return [Finding("tenant_header_missing", "The request sent the xero-tenant-id header empty",
                            (*ev, "request headers have xero-tenant-id with no value" if sent is False
                             else "the tenant id given is empty"),
                            ("Fill it with a tenantId from GET /connections before the call (the "
                             "variable or setting it is read from was never set).",), 0.95 * t)]
        return [Finding("tenant_header_missing", "The request did not send the xero-tenant-id header",
                        (*ev, "request headers have no xero-tenant-id"),
                        ("Send `xero-tenant-id: <tenantId>` from GET /connections on every call.",),
                        0.95 * t)]
    out: list[Finding] = []
    tid = ctx.tenant_id
    if tid is not None:
        ev.append(f"xero-tenant-id: {tid}")
    # An official SDK's API method takes the tenant id as a required argument and sends it, so
    # a refused SDK call (AccountingApi->getContacts, GetInvoicesAsync) had a header, most often
    # a stale or wrong one; raw HTTP clients and connectors forget the header most (§9 #1).
    said_sent = (bool(obs.markers & {"tenant_sent", "tenant_header_present"}) or obs.operation is not None
                 or obs.sdk_class is not None
                 or obs.library in SENDS_TENANT)
    sdk_call = said_sent and "tenant_missing" not in obs.markers
    if sent is None and tid is None:
        out.append(Finding("tenant_header_missing", "Perhaps xero-tenant-id was not sent", tuple(ev),
                           ("Send `xero-tenant-id: <tenantId>` from GET /connections.",),
                           (0.3 if sdk_call else 0.58) * t, HEADERS_FACT))
    if ctx.tenant_is_token:
        out.append(Finding("tenant_not_connected", "The xero-tenant-id sent is a token, not a tenant "
                           "id: the access token and the tenant id were swapped", tuple(ev),
                           ("Send the access token as `Authorization: Bearer <token>` and the "
                            "tenantId (a GUID from GET /connections) as `xero-tenant-id`; SDK "
                            "methods such as .NET's GetInvoicesAsync(accessToken, xeroTenantId) take "
                            "the token first.", "Revoke that token if it was logged anywhere."),
                           0.9 * t))
        return out
    if tid is not None and not _GUID.match(tid):
        unfilled = tid.startswith(("{{", "${"))  # Postman's or a template's variable, never set
        out.append(Finding("tenant_not_connected", f"xero-tenant-id {tid[:40]!r} is not a tenant id "
                           "(a GUID from GET /connections)", tuple(ev),
                           ("Set that variable (in Postman, the environment's value) to a `tenantId` "
                            "from GET /connections: it was sent unfilled.",) if unfilled else
                           ("Use the `tenantId` field of GET /connections, not the connection `id`, "
                            "the org name or short code.",), 0.85 * t))
        return out
    conns = ctx.connections
    if conns is not None:
        ev.append(f"/connections lists {len(conns)} tenant(s)")
        if not conns:
            out.append(Finding("connection_revoked", "This token has no connections: the app was "
                               "disconnected, or the org deleted / trial ended / demo reset",
                               tuple(ev), ("The token still refreshes, but tenant access is "
                                           "separate: sign in again and pick the organisation.",),
                               0.92 * t))
        elif tid is not None and tid.lower() in {c.connection_id.lower() for c in conns if c.connection_id}:
            out.append(Finding("tenant_not_connected", "The xero-tenant-id sent is a connection's `id`, "
                               "not its `tenantId`", tuple(ev),
                               ("Send the `tenantId` field of that GET /connections row as "
                                "xero-tenant-id (the `id` is only for DELETE /connections/{id}).",),
                               0.95 * t))
        elif tid is not None and tid not in {c.tenant_id for c in conns}:
            names = ", ".join(f"{c.tenant_name} ({c.tenant_id})" if c.tenant_name else c.tenant_id
                              for c in conns[:5])
            out.append(Finding("tenant_not_connected", "This tenant is not connected for this "
                               "token (tokens are per user)", (*ev, f"connected: {names}"),
                               ("Use a tenantId from this token's /connections, or sign in again "
                                "as a user of that organisation and connect it.",), 0.92 * t))
        elif tid is not None:
            payroll = ("Payroll calls also need the Payroll Admin role: ask an organisation admin to "
                       "grant it.",) if ep is not None and ep.payroll_region else ()
            out.append(_role_standing(ctx, ev, t) or Finding(
                "user_role", "The tenant is connected, so the user's access to it changed (removed, "
                "role downgraded) or the org is inactive", tuple(ev), ("Check the user's role in the "
                                                                       "organisation; reconnect after "
                                                                       "an admin restores it.",
                                                                       *payroll),
                0.55 * t, ROLE_FACT))
    else:
        if (standing := _role_standing(ctx, ev, t)) is not None:
            out.append(standing)
        out.append(Finding("tenant_not_connected", "The tenant id may not be connected for this "
                           "token (stale after a reconnect, or another user's)", tuple(ev),
                           ("Call GET /connections with this token and use one of its tenantIds.",),
                           0.55 * t, CONNECTIONS_FACT if tid is not None or sent or sdk_call
                           else HEADERS_FACT))
        out.append(Finding("connection_revoked", "The app may have been disconnected from the org",
                           tuple(ev), ("Call GET /connections; if it is empty, sign in again.",),
                           0.4 * t, CONNECTIONS_FACT))
    return out
