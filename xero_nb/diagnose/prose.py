"""Causes said in words: vendor help articles, issue titles, library messages (``cues``).

Each finding here rests on a cue in ``cues.CUES`` and is weighted below what Xero's own keys say
(a TokenExpired detail, a 429, an OAuth ``error``), so words decide only when nothing firmer does.
"""

from __future__ import annotations

from xero_nb.diagnose.context import Context
from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.observation import Observation
from xero_nb.diagnose.rules import CONNECTIONS_FACT, RATE_FACT, ROLE_FACT, evidence_of

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
PROSE_WEIGHT = 0.8  # words that name a cause: below Xero's own keys, above any prior


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
    if "revoked" in m and not m & {"refresh_refused", "invalid_grant"}:
        add("connection_revoked", "The access to the organisation was revoked or disconnected (or "
            "the organisation is gone)", "revoked, disconnected, deleted or trial ended",
            REVOKED_FIX, PROSE_WEIGHT)
    elif "reconnect" in m and (obs.status == 403 or "authenticationunsuccessful" in m) and not m & {
            "tenant_missing", "tenant_wrong", "disconnect_call"}:
        # A 403 whose cure is to reconnect: the connection itself was lost, not the header.
        add("connection_revoked", "A 403 cured by reconnecting: the organisation's connection was "
            "lost (disconnected, or the user's access to it changed)", "reconnect after a 403",
            REVOKED_FIX, 0.6, CONNECTIONS_FACT)
    if "tenant_missing" in m:
        add("tenant_header_missing", "The xero-tenant-id header was not sent",
            "the tenant id named as missing",
            ("Send `xero-tenant-id: <tenantId>` from GET /connections on every call.",), 0.85)
    if "tenant_wrong" in m:
        add("tenant_not_connected", "The tenant id sent is not (or no longer) one this token may "
            "use", "a wrong, old or changed tenant id",
            ("Call GET /connections with this token and use one of its tenantIds (a reset demo "
             "company gets a new one).",), PROSE_WEIGHT, CONNECTIONS_FACT)
    ep = ctx.endpoint
    delete = ep is not None and ep.method == "DELETE" and ep.path.lower().startswith("/connections")
    if ("disconnect_call" in m or delete) and _refused(obs):
        add("tenant_not_connected", "The disconnect call was refused: it takes the connection id, "
            "not the tenant id", "a refused DELETE /connections/{id}", DISCONNECT_FIX, 0.85)
    if "journals" in m and "accounting.journals.read" in obs.scopes_named and _refused(obs):
        add("tier_gated", "Journals are refused although accounting.journals.read is held: from 2 Mar "
            "2026 Journals need the Advanced tier and Xero's security assessment",
            "Journals refused with accounting.journals.read",
            ("Check the app's tier at developer.xero.com (Journals need Advanced), or read the "
             "granular endpoints (Invoices, Payments, BankTransactions, ManualJournals).",), 0.75)
    if "connection_cap" in m:
        add("tier_gated", "The app's tier (or uncertified status) caps how many organisations it "
            "may connect", "a connection limit or a tier",
            ("Check the app's tier and connection count at developer.xero.com; disconnect unused "
             "organisations or move up a tier (uncertified apps: certify the app).",), 0.85)
    if m & {"no_refresh", "token_rejected", "expired_words"} and not m & {"refresh_refused",
                                                                         "invalid_grant"}:
        why = ("no refresh token, or no refresh" if "no_refresh" in m else "the token was rejected"
               if "token_rejected" in m else "the access token expired")
        add("token_expired", "The access token lapsed and was not refreshed", why, EXPIRY_FIX,
            0.75 if m & {"no_refresh", "expired_words"} else 0.7)
        add("invalid_grant", "Or the refresh itself was refused (a spent or expired refresh "
            "token)", why, REFRESH_FIX, 0.45, "whether a refresh was attempted and what Xero "
            "answered to it")
    if "restricted" in m and not obs.oauth_error and not m & {"invalid_scope", "scope_validation_failed"}:
        add("restricted_scope", "The scope or API needs Xero's approval, which the app does not "
            "have", "a scope or API that needs Xero's approval",
            ("Apply to Xero for access (developer.xero.com), or drop the scope and the calls "
             "that need it.",), 0.7)
    if obs.sdk_class == "XeroExceptionUnknown" and obs.status is None:
        # pyxero has a class for 400, 401, 403, 404, 415, 500, 501 and 503 only; from Xero the
        # status left over is mostly 429 (older pyxero releases had no class for it).
        add("rate_limited", "Probably a rate limit: pyxero raises XeroExceptionUnknown for statuses "
            "it has no class for, and from Xero that is mostly 429", "XeroExceptionUnknown",
            ("Read the response's status and X-Rate-Limit-Problem / Retry-After headers "
             "(exception.response).",), 0.5, RATE_FACT)
    return out
