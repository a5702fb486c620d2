"""Causes said in words: vendor help articles, issue titles, library messages (``cues``).

Each finding here rests on a cue in ``cues.CUES`` and is weighted below what Xero's own keys say
(a TokenExpired detail, a 429, an OAuth ``error``), so words decide only when nothing firmer does.
"""

from __future__ import annotations

import re

from xero_nb.catalog.near import near_miss
from xero_nb.catalog.scopes import is_allowed, known_scopes
from xero_nb.diagnose.context import Context
from xero_nb.diagnose.findings import SETTLE_WITH, Finding
from xero_nb.diagnose.observation import Observation, said_words
from xero_nb.diagnose.rules import CONNECTIONS_FACT, RATE_FACT, ROLE_FACT, evidence_of, scope_verdict
from xero_nb.diagnose.scope import pick_scope

ROLE_FIX = ("Connect with a Xero user who has the Standard or Adviser role (and reports access or "
            "payroll admin where the API needs them), or ask an organisation admin to grant it.",)
EXPIRY_FIX = ("Refresh the access token before it expires (it lasts 30 minutes) and use the new one.",
              "Ask for offline_access at sign-in, or there is no refresh token to refresh with.",
              "Run the refresh where the calls run (a scheduled job needs its own refresh).")
REFRESH_FIX = ("Sign in again, then store the NEW refresh token after every refresh.",)
REVOKED_FIX = ("Call GET /connections with this token: an organisation missing there is no longer "
               "connected.", "Sign in again and pick the organisation (an admin may have to "
               "reconnect the app from Xero's Connected Apps).")
DISCONNECT_FIX = ("DELETE /connections/{id} takes the connection `id` from GET /connections, not the "
                  "`tenantId` or the `authEventId`.",)
RECONSENT_FIX = ("Existing tokens keep the scopes they were issued with: reconnect (the user "
                 "consents again) and use the NEW token; refreshing the old one keeps the old scopes.",)
JOURNALS_FIX = ("Check the app's tier at developer.xero.com (Journals need Advanced) and apply for "
                "Journals access, or read the granular endpoints (Invoices, Payments, BankTransactions, "
                "ManualJournals) instead.",)
PROSE_WEIGHT = 0.8  # words that name a cause: below Xero's own keys, above any prior


# The words each cause is described with, when nothing more specific matched (a vendor's one-line
# error, an issue title). Each word is weak evidence (FALLBACK_WEIGHT, just above the floor), so
# it only ever decides between "unknown" and a cause, never against a specific rule.
FALLBACK_WORDS: dict[str, str] = {
    "missing_scope": r"\bscopes?\b|\bpermissions?\b",
    "token_expired": r"\bexpir(?:ed|es|y|ing)\b|\btimed?\s*+out\b",
    "invalid_grant": r"\brefresh(?:es|ed|ing)?\b|\bre-?authori[sz](?:e|ed|ing|ation)\b|"
                     r"\breconnect(?:ed|ing)?\b|\bre-?authenticat(?:e|ed|ing|ion)\b|\bsign\s++in\s++again\b",
    "rate_limited": r"\blimit(?:s|ed)?\b|\bthrottl(?:e|ed|ing)\b|\bquota\b|\btoo\s++many\b",
    # (the header's name, xero-tenant-id, which every SDK's printout of a request shows, is no word)
    "tenant_not_connected": r"(?<![\w-])tenants?(?![\w-])|(?<!xero-)(?<!xero_)\btenant[_-]?id\b|"
                            r"\borgani[sz]ation\s*+id\b|"
                            r"\borgani[sz]ation\s++not\s++found\b",
    "invalid_client": r"\bclient[\s_-]*+(?:id|secret)\b|\bredirect(?:_uri|\s++ur[il])?\b|"
                      r"\bcallback\s++ur[il]\b",
    "connection_revoked": r"\bdisconnect(?:ed|ing|s)?\b|\brevok(?:e|ed|ing)\b|\bno\s++longer\s++connected\b",
    # a connection "refused" or "denied" is, in vendors' articles, most often the user's rights
    "user_role": r"\broles?\b|\badmin(?:istrator)?\b|\buser\s++access\b|\brefused\b|\bdenied\b|"
                 r"\bnot\s++allowed\b",
    "feature_not_in_plan": r"\bplan\b|\bsubscription\b|\bnot\s++enabled\b",
    "tier_gated": r"\btiers?\b",
    "payroll_region_mismatch": r"\bregion\b|\bcountry\b",
    # Xero's approval, not the user's ("redirected to Xero to give your approval" is consent)
    "restricted_scope": r"(?<!your\s)(?<!give\s)\bapproval\b|\brestricted\b",
}
_FALLBACK_RES = {code: re.compile(rx, re.IGNORECASE) for code, rx in FALLBACK_WORDS.items()}
FALLBACK_WEIGHT = 0.3
_CONNECTIONS = re.compile(r"\b(?:connections?|organi[sz]ations|tenants)\b", re.IGNORECASE)
_TRANSPORT = re.compile(r"\bErrno\b|\bConnect(?:ion)?Error\b|\bTimeout|\btimed\s++out\b|"
                        r"\bconnection\s++(?:refused|reset)\b", re.IGNORECASE)


def fallback_findings(obs: Observation, ctx: Context) -> list[Finding]:
    """Causes whose words appear, weakly weighted: an answer better than "unknown" for prose."""
    if obs.status is not None and (200 <= obs.status < 400 or obs.status in (500, 502, 504)):
        return []  # not a failure; or Xero (or the network) failed, whatever the words say
    if obs.status is None and _TRANSPORT.search(obs.error or ""):
        return []  # no answer from Xero at all ("Connection refused"): words say nothing of a cause
    text = said_words(obs)
    ev = evidence_of(obs)
    out = []
    allowed = _granted_allow(ctx)  # scopes that provably allow the call rule a missing scope out
    for code, rx in _FALLBACK_RES.items():
        if allowed and code == "missing_scope":
            continue
        hits = len(rx.findall(text))
        if hits:
            out.append(Finding(code, f"The words used are those of this cause ({code.replace('_', ' ')}); "
                               "nothing more specific was recognised", (*ev, "the wording (weak)"),
                               (SETTLE_WITH,), FALLBACK_WEIGHT + min(hits, 3) * 0.01,
                               "the HTTP status and Xero's response body"))
    return out


def _granted_allow(ctx: Context) -> bool:
    """Whether the granted scopes provably allow the endpoint (False when either is unknown)."""
    if ctx.endpoint is None or ctx.granted is None:
        return False
    try:
        return is_allowed(ctx.endpoint, ctx.granted, ctx.era_for_checks)
    except Exception:
        return False


def _narrowest(ctx: Context) -> str | None:
    """The narrowest scope that grants the endpoint in the app's era (None: endpoint not known)."""
    if ctx.endpoint is None:
        return None
    try:
        return pick_scope(ctx.endpoint, ctx)[0]
    except Exception:  # a catalog gap: the generic step then
        return None


def _refused(obs: Observation) -> bool:
    return obs.status in (401, 403, 404) or "authenticationunsuccessful" in obs.markers or (
        obs.status is None and bool(obs.markers))


def prose_findings(obs: Observation, ctx: Context) -> list[Finding]:
    """Findings from what the words of an error, a report or a vendor article say."""
    m = obs.markers
    ev = evidence_of(obs)
    out: list[Finding] = []

    def add(code: str, title: str, why: str, fix: tuple[str, ...], weight: float,
            decides: str | None = None) -> None:
        out.append(Finding(code, title, (*ev, f"the wording: {why}"), fix, weight, decides))

    if "role" in m:
        add("user_role", "The words name the Xero user's role or permissions: the connecting user "
            "lacks what this needs", "a Xero user role or permission", ROLE_FIX, PROSE_WEIGHT)
    elif "permission_denied" in m and "scope_missing" not in m:
        add("user_role", "Permission denied: perhaps the user's role in the organisation",
            "permission denied", ROLE_FIX, 0.5, ROLE_FACT)
    if "revoked" in m and not m & {"refresh_refused", "invalid_grant", "disconnect_reconnect"}:
        add("connection_revoked", "The access to the organisation was revoked or disconnected (or "
            "the organisation is gone)", "revoked, disconnected, deleted or trial ended",
            REVOKED_FIX, PROSE_WEIGHT)
    elif "reconnect" in m and (obs.status == 403 or "authenticationunsuccessful" in m) and not m & {
            "tenant_missing", "tenant_wrong", "disconnect_call"}:
        # A 403 whose cure is to reconnect: the connection itself was lost, not the header.
        add("connection_revoked", "A 403 that reconnecting cures: the organisation's connection was "
            "lost (disconnected, or the user's access to it changed)", "reconnecting named beside a 403",
            REVOKED_FIX, 0.6, CONNECTIONS_FACT)
    if "scope_added" in m and not m & {"scope_missing", "scope_era", "granular_words", "invalid_scope",
                                         "scope_validation_failed", "unauthorized_client"} and (
            "reconnect" in m or _refused(obs) or "insufficient_scope" in m):
        # Scopes added to the app reach a token only through a new consent (§9 #3).
        add("not_reconsented", "Scopes were added to what the app asks for, but this token was "
            "issued before: the user must consent again", "scopes or permissions added",
            RECONSENT_FIX, 0.78 if "reconnect" in m or "insufficient_scope" in m else 0.65,
            None if "reconnect" in m else "the token's scopes against the app's requested scopes")
    if "reconsent_needed" in m:
        # said outright: changed scopes reach a token only through a new consent (§9 #3)
        add("not_reconsented", "Scopes changed, and a token keeps the scopes it was issued with: "
            "the user must consent again", "changed scopes need a new consent", RECONSENT_FIX, 0.85)
    elif "connection_lacks" in m and not m & {"role", "scope_era", "restricted"}:
        # "your connection doesn't have the required permissions": the app knows what it needs,
        # so it asks for it now; the connection's consent is older than that
        add("not_reconsented", "The connection lacks permissions the app needs: its consent "
            "predates them, so the user must connect again", "the connection lacks the required "
            "permissions", RECONSENT_FIX, 0.72, "the token's scopes against the app's requested scopes")
    if "other_calls_work" in m and (_refused(obs) or obs.status is None) and not m & {
            "role", "tenant_missing", "tenant_wrong", "revoked", "tokenexpired", "rate_limit"} and not (
            _granted_allow(ctx)):  # (the token's scopes provably grant this call: not its scope)
        # Token and tenant are per connection; scopes are per endpoint. One call refused while
        # the others work with the same token is the endpoint's scope (or a role, for reports
        # and payroll).
        scope = _narrowest(ctx)  # the endpoint known: its scope named, as the scope rules name it
        add("missing_scope", "Other calls work with the same token and tenant, so this endpoint's "
            f"scope{f' (`{scope}`)' if scope else ''} is missing from the token",
            "other calls work with the same token",
            (f"Add `{scope}` to the scopes requested and sign in again (a new consent)." if scope else
             "Find the endpoint's scope (`xero-nb scopes-for METHOD URL`), add it to the scopes "
             "requested and sign in again.",), 0.62, "the token's scopes (its `scope` claim)")
    if "tenant_missing" in m:
        add("tenant_header_missing", "The xero-tenant-id header was not sent",
            "the tenant id named as missing",
            ("Send `xero-tenant-id: <tenantId>` from GET /connections on every call.",), 0.85)
    if "no_tenants" in m:
        add("connection_revoked", "The token reaches no organisation: GET /connections returned an "
            "empty list, so there is no tenant to call (the code's first one is undefined)",
            "no tenant in the token's list",
            ("Sign in again and tick an organisation on Xero's consent screen (the user chose none, or "
             "the connection was removed since).", "Check that the list is not empty before taking its "
                                                   "first tenant, and say so to the user."),
            0.85, CONNECTIONS_FACT)
    if "tenant_wrong" in m and "demo_company" in m:
        add("tenant_not_connected", "The Demo Company was probably reset: a reset drops its "
            "connections and gives it a new tenant id", "the Demo Company, reset or failing after "
            "it worked", ("Connect again and pick the Demo Company on Xero's consent screen, then "
                          "use the tenantId GET /connections lists now (the old id is gone).",),
            PROSE_WEIGHT, CONNECTIONS_FACT)
    if "tenant_wrong" in m:
        add("tenant_not_connected", "The tenant id sent is not (or no longer) one this token may "
            "use", "a wrong, old or changed tenant id",
            ("Call GET /connections with this token and use one of its tenantIds (a reset demo "
             "company gets a new one).",), PROSE_WEIGHT, CONNECTIONS_FACT)
    ep = ctx.endpoint
    delete = ep is not None and ep.method == "DELETE" and ep.path.lower().startswith("/connections")
    if ("disconnect_call" in m or delete) and _refused(obs) and "disconnected_ok" not in m:
        add("tenant_not_connected", "The disconnect call was refused: it takes the connection id, "
            "not the tenant id", "a refused DELETE /connections/{id}", DISCONNECT_FIX, 0.85)
    if "update_tenants" in m and not m & {"tokenexpired", "rate_limit", "client_auth", "invalid_client",
                                          "revoked"}:
        add("missing_scope", "xero-node's updateTenants() reads GET /Organisation for each "
            "connection: without `accounting.settings.read` (or `accounting.settings`) it fails",
            "updateTenants", ("Add `accounting.settings.read` to the scopes requested and sign in "
                              "again (or call updateTenants(false) to skip the organisation "
                              "details).",), 0.7 if _refused(obs) or obs.status is None else 0.5,
            "the token's scopes: does it hold accounting.settings(.read)?")
    journals_tier = "journals" in m and "connection_cap" in m and not _CONNECTIONS.search(obs.body)
    if "journals" in m and "accounting.journals.read" in obs.scopes_named and _refused(obs):
        if "journals_needed" in m and "journals_held" not in m:
            # the scope named as what Journals need ("the connector requires accounting.journals.read"),
            # not as what the token holds: first whether it holds it, then the tier
            add("missing_scope", "The token may lack `accounting.journals.read`, which GET /Journals "
                "needs: the words name it as required, not as held", "Journals need "
                "accounting.journals.read", ("Add `accounting.journals.read` to the scopes requested "
                                             "and connect again (a new consent): a refreshed token "
                                             "never gains a scope.",), 0.62,
                "the token's scopes (its `scope` claim): does it hold accounting.journals.read?")
            add("tier_gated", "Or the tier: from 2 Mar 2026 Journals need the Advanced tier and Xero's "
                "security assessment, even with accounting.journals.read", "Journals refused",
                JOURNALS_FIX, 0.55)
        else:
            add("tier_gated", "Journals are refused although accounting.journals.read is held: from 2 Mar "
                "2026 Journals need the Advanced tier and Xero's security assessment",
                "Journals refused with accounting.journals.read", JOURNALS_FIX,
                0.85 if journals_tier else 0.75)
    if "plan_cap" in m and not m & {"rate_limit", "connection_cap"}:
        add("feature_not_in_plan", "The organisation's Xero plan caps this (invoices or bills a "
            "month) or allows no API connection at all: not a rate limit", "a limit of the Xero plan",
            ("Check the organisation's Xero plan and what it allows (the small plans cap invoices "
             "and bills a month; Cashbook and Ledger plans allow no connected app).",
             "Upgrade the plan, or wait for next month's allowance; retrying sooner does not help."),
            0.82, "the organisation's Xero plan and this month's count")
    if "connection_cap" in m and m & {"quota", "rate_limit"} and not _CONNECTIONS.search(obs.body):
        # a tier caps calls too: Starter apps get 1,000 calls a day per organisation (§7)
        add("tier_gated", "The app's tier caps its API calls: a Starter app gets 1,000 calls a day "
            "per organisation (5,000 on the other tiers)", "a call limit and a tier",
            ("Check the app's tier at developer.xero.com and move up from Starter, or spread the "
             "calls over the day (the day limit resets within 24 hours).",), 0.85)
        add("rate_limited", "The day's call limit is spent: it resets within 24 hours",
            "a call limit", ("Wait for the day limit to reset (Retry-After says when), then spread "
                             "the calls out.",), 0.6, RATE_FACT)
    elif journals_tier and _refused(obs):  # a tier named beside Journals: the Journals gate, not a cap
        add("tier_gated", "Journals need the Advanced tier (from 2 Mar 2026, with Xero's security "
            "assessment): a lower tier is refused them, whatever the scopes", "Journals and a tier",
            JOURNALS_FIX, 0.85)
    elif "connection_cap" in m:
        add("tier_gated", "The app's tier (or uncertified status) caps how many organisations it "
            "may connect", "a connection limit or a tier",
            ("Check the app's tier and connection count at developer.xero.com; disconnect unused "
             "organisations or move up a tier (uncertified apps: certify the app).",), 0.85)
    # ("old tokens" beside scopes added are tokens from before the consent, not expired ones)
    stale_scopes = "scope_added" in m and not m & {"no_refresh", "token_rejected"}
    lapsed = m & {"no_refresh", "token_rejected", "expired_words"}
    if lapsed and not m & {"refresh_refused", "invalid_grant"} and not stale_scopes:
        why = ("no refresh token, or no refresh" if "no_refresh" in m else "the token was rejected"
               if "token_rejected" in m else "the access token expired")
        absent = "refresh_token_absent" in m  # no refresh token at all: offline_access first
        add("token_expired", "No refresh token: the sign-in did not ask for offline_access, so the "
            "access token cannot be renewed once it expires (30 minutes)" if absent else
            "The access token lapsed and was not refreshed", why,
            (EXPIRY_FIX[1], EXPIRY_FIX[0], EXPIRY_FIX[2]) if absent else EXPIRY_FIX,
            # (Xero's scope verdict on this call means it accepted the token: see expiry_findings)
            0.45 if scope_verdict(obs) else 0.75 if m & {"no_refresh", "expired_words"} else 0.7)
        add("invalid_grant", "Or the refresh itself was refused (a spent or expired refresh "
            "token)", why, REFRESH_FIX, 0.45, "whether a refresh was attempted and what Xero "
            "answered to it")
    if "restricted" in m and not obs.oauth_error and not m & {"invalid_scope", "scope_validation_failed"}:
        add("restricted_scope", "The scope or API needs Xero's approval, which the app does not "
            "have", "a scope or API that needs Xero's approval",
            ("Apply to Xero for access (developer.xero.com), or drop the scope and the calls "
             "that need it.",), 0.7)
    # A scope name Xero does not know, named where nothing says an API call was refused: Xero
    # refuses the whole sign-in (invalid_scope) for one such name (§6).
    unknown = sorted(n for n in obs.scopes_named if n not in known_scopes())
    if unknown and obs.status in (None, 400) and not m & {"insufficient_scope", "authenticationunsuccessful",
                                                       "authorizationunsuccessful", "rate_limit"}:
        near = near_miss(unknown[0], "`")
        add("invalid_scope_requested", f"`{unknown[0]}` is not a Xero scope{f' ({near})' if near else ''}: "
            "Xero refuses the sign-in (invalid_scope) for one unknown name", "a scope Xero does not know",
            ("Correct the scope name in the app's request (space-separated, exact), then sign in again.",),
            0.76 if "failed" in m or "signing_in" in m or "connect_scope" in m else 0.62)
    if obs.sdk_class == "XeroExceptionUnknown" and obs.status is None:
        # pyxero has a class for 400, 401, 403, 404, 415, 500, 501 and 503 only; from Xero the
        # status left over is mostly 429 (older pyxero releases had no class for it).
        add("rate_limited", "Probably a rate limit: pyxero raises XeroExceptionUnknown for statuses "
            "it has no class for, and from Xero that is mostly 429", "XeroExceptionUnknown",
            ("Read the response's status and X-Rate-Limit-Problem / Retry-After headers "
             "(exception.response).",), 0.5, RATE_FACT)
    return out
