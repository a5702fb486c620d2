"""The causes that read alike: when the leading cause rests on words alone, name the others.

A text with no HTTP status seldom settles its cause: "the connection expired" is a dead refresh token or a
revoked connection; "permission denied" a role or a scope; a connection limit the app's tier or
the organisation's plan. When the top finding is not established (Xero's own keys, a 429, the
scopes proving it) and fewer than three causes are listed, ``with_lookalikes`` lists the causes
that share its symptoms (XERO_FACTS §8-9), well below it, each with the one fact that confirms
it. The user reads the likely cause first and, if its fix does not help, what to check next.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from xero_nb.catalog.scopes import is_allowed
from xero_nb.diagnose.context import Context
from xero_nb.diagnose.findings import Finding

# Each cause's look-alikes, the closest first (what the same words, status and symptoms also mean).
NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "token_expired": ("invalid_grant", "missing_scope"),
    "invalid_grant": ("connection_revoked", "token_expired"),
    "connection_revoked": ("invalid_grant", "tenant_not_connected"),
    "tenant_not_connected": ("connection_revoked", "tenant_header_missing"),
    "tenant_header_missing": ("tenant_not_connected", "connection_revoked"),
    "missing_scope": ("not_reconsented", "user_role"),
    "not_reconsented": ("missing_scope", "connection_revoked"),
    "user_role": ("missing_scope", "feature_not_in_plan"),
    "feature_not_in_plan": ("user_role", "tier_gated"),
    "tier_gated": ("feature_not_in_plan",),  # a cap on connections, not on calls: no rate limit
    "rate_limited": ("tier_gated", "feature_not_in_plan"),
    "restricted_scope": ("missing_scope", "broad_scope_on_granular_app"),
    "broad_scope_on_granular_app": ("invalid_scope_requested", "restricted_scope"),
    "invalid_scope_requested": ("broad_scope_on_granular_app", "restricted_scope"),
    "invalid_client": ("invalid_scope_requested", "invalid_grant"),
    "payroll_region_mismatch": ("feature_not_in_plan", "user_role"),
}

# What each cause means as the other reading, how to fix it, and the fact that confirms it.
ALTERNATIVE: dict[str, tuple[str, str, str]] = {
    "token_expired": (
        "Or the access token lapsed (it lives 30 minutes) and was not refreshed",
        "Refresh the access token and retry with the new one.",
        "the token's exp claim, or a 401 whose Detail is TokenExpired"),
    "invalid_grant": (
        "Or the refresh token is spent, expired (60 days unused) or revoked",
        "Sign in again, and store the NEW refresh token after every refresh.",
        "what the token endpoint answers to a refresh (invalid_grant)"),
    "connection_revoked": (
        "Or the organisation was disconnected (or the app removed, the organisation gone)",
        "Call GET /connections: if the organisation is missing, connect it again.",
        "whether GET /connections still lists the organisation"),
    "tenant_not_connected": (
        "Or the tenant id sent is not one this token may use",
        "Use a tenantId from GET /connections with this token.",
        "whether the xero-tenant-id sent is among GET /connections' tenantIds"),
    "tenant_header_missing": (
        "Or the xero-tenant-id header was not sent",
        "Send `xero-tenant-id: <tenantId>` on every call.",
        "the request's headers: is xero-tenant-id there and not empty"),
    "missing_scope": (
        "Or the app never asks for the scope this call needs",
        "Add the endpoint's scope to the scopes requested and sign in again.",
        "the token's scopes (its `scope` claim) against the endpoint's"),
    "not_reconsented": (
        "Or the scope is asked for now, but this connection consented before it was added",
        "Connect again so the user consents to the new scopes; use the NEW token.",
        "the token's scopes against the scopes the app requests today"),
    "user_role": (
        "Or the Xero user who connected lacks the role (Standard or Adviser, payroll admin, "
        "reports)",
        "Connect with a user who has the role, or ask an admin to grant it.",
        "the connecting user's role in the organisation (Settings > Users)"),
    "feature_not_in_plan": (
        "Or the organisation's Xero plan does not include this",
        "Check the organisation's plan and what it allows; upgrade it or skip this for it.",
        "the organisation's Xero plan and the products turned on"),
    "tier_gated": (
        "Or the app's tier (or uncertified status) limits this",
        "Check the app's tier and connection count at developer.xero.com.",
        "the app's tier and connection count at developer.xero.com"),
    "rate_limited": (
        "Or a rate limit was hit (60 calls a minute, 5,000 a day per organisation)",
        "Wait as Retry-After says, and spread the calls out.",
        "a 429 and its X-Rate-Limit-Problem header"),
    "restricted_scope": (
        "Or the scope needs Xero's approval, which the app lacks",
        "Apply to Xero for access, or drop the scope.",
        "whether the scope is a restricted one (finance, bankfeeds, paymentservices, "
        "practicemanager)"),
    "broad_scope_on_granular_app": (
        "Or the app (created from 2 Mar 2026) asks for the old broad scopes",
        "Ask for the granular scopes instead (accounting.invoices.read, ...).",
        "the app's creation date and whether it asks for accounting.transactions and kin"),
    "invalid_scope_requested": (
        "Or a scope asked for is misspelt or not one Xero knows",
        "Fix the scope names (space-separated, exact).",
        "the error on Xero's sign-in page (invalid_scope) and the scope list sent"),
    "invalid_client": (
        "Or the client id, secret or redirect URI is not the app's",
        "Copy the client id and secret from developer.xero.com and register the exact "
        "redirect URI.",
        "the error on Xero's page or the token endpoint's answer (invalid_client, "
        "unauthorized_client)"),
    "payroll_region_mismatch": (
        "Or the payroll API called is another country's",
        "Call the payroll API of the organisation's country (AU, NZ or UK).",
        "the organisation's country against the payroll API called"),
}
ESTABLISHED = 0.9  # a top finding this strong is settled (as diagnosis.ESTABLISHED): none added
SHARE = 0.45  # the first look-alike's weight, as a share of the top finding's
STEP = 0.9  # each further look-alike a little below the one before (the closest comes first)
MAX_LISTED = 3


def with_lookalikes(ranked: list[Finding], excluded: frozenset[str] = frozenset()) -> list[Finding]:
    """``ranked`` with the top cause's look-alikes appended (best first) up to three findings,
    when the top rests on words alone (its evidence is "the wording") and is not established.
    Causes in ``excluded`` (what the context rules out) are not added; nothing listed is changed
    or reordered."""
    if not ranked or len(ranked) >= MAX_LISTED:
        return ranked
    top = ranked[0]
    words_only = any(e.startswith("the wording") for e in top.evidence)
    if top.code not in NEIGHBOURS or top.weight >= ESTABLISHED or not words_only:
        return ranked
    listed = {f.code for f in ranked}
    out = list(ranked)
    floor = min(f.weight for f in ranked)
    for code in NEIGHBOURS[top.code]:
        if len(out) >= MAX_LISTED:
            break
        if code in listed or code in excluded:
            continue
        title, fix, confirm = ALTERNATIVE[code]
        weight = min(round(top.weight * SHARE * STEP ** (len(out) - len(ranked)), 3), floor)
        out.append(Finding(code, title, (f"the words fit {top.code} too", f"confirmed by {confirm}"),
                           (fix,), weight, confirm))
        floor = weight
    return out


# GET/DELETE /connections takes any valid token of the user's: no scope, no tenant header, no plan
# (docs/xero-facts.md §4-5). A failure there is the bearer itself (expired, another kind of token,
# revoked).
NOT_ON_CONNECTIONS = frozenset({"missing_scope", "not_reconsented", "restricted_scope",
                                "broad_scope_on_granular_app", "tenant_header_missing",
                                "tenant_not_connected", "payroll_region_mismatch", "feature_not_in_plan",
                                "user_role"})


def ruled_out(ctx: Context, connections_refused: bool = False, header_sent: bool = False,
              api_refusal: bool = False) -> frozenset[str]:
    """Look-alikes the context excludes: a custom connection sends no tenant header and has one
    organisation, and no refresh token (client credentials); a call to /connections that was
    refused (``connections_refused``: the caller named it as the failing call, and it answered 401
    or 403) was not refused for a scope, a tenant, a plan or a role. (An empty /connections list can
    still be a consent that named no organisation's scope; a paste that mentions /connections
    beside other calls says nothing of which one failed.) ``header_sent``: the paste or the
    context says the xero-tenant-id was sent (a tenant id given, "the header is present").
    ``api_refusal``: an API call answered 401 or 403 and nothing names the token endpoint or the
    client: the client's credentials (invalid_client, a token endpoint's 400) are not in question."""
    out: frozenset[str] = frozenset({"tenant_header_missing"}) if header_sent else frozenset()
    if api_refusal:
        out |= {"invalid_client"}
    ep = ctx.endpoint
    if ep is not None and ctx.granted is not None:
        try:
            if is_allowed(ep, ctx.granted, ctx.era_for_checks):
                out |= {"missing_scope"}  # the token's scopes provably allow the call
        except Exception:  # the check only narrows the guesses
            pass
    if ctx.custom_connection:
        out |= frozenset({"tenant_header_missing", "tenant_not_connected", "invalid_grant"})
    if connections_refused:
        out |= NOT_ON_CONNECTIONS
    return out


# -- the wording's resemblance to labelled reports (diagnose/resemble.py) ----------------------
SURE = 0.5  # the wording leads an answer the rules left unknown only with this share or more
LEAD = 0.3  # ... and then at this weight, never as established
OVERRULE_BELOW = 0.7  # a rules' cause resting on soft evidence below this weight may be led ...
OVERRULE_SHARE = 0.99  # ... by the wording's cause when the wording is all but sure of it
FILL_AT_MOST = 0.35  # a cause added by wording alone weighs no more than this (a guess, not a finding)
MIN_FILL = 0.01  # ... nor more than the share it states, and no less than this
# Evidence that is only a status's prior or words (a body's free-text message): what the wording's
# reading weighs better. Not the endpoint, the scopes, a tenant id, a country, a role, Xero's keys,
# nor a 404 or 405 (not found or not allowed: no permission's prior).
SOFT = re.compile(r"status (?:400|401|403)(?:; .*)?|no HTTP status\b.*|the wording\b.*|"
                  r"no Detail or WWW-Authenticate in what was seen|detail: AuthenticationUnsuccessful|"
                  r"AuthorizationUnsuccessful|insufficient_scope|(?:message|msg): .*", re.S)


def with_resemblance(ranked: list[Finding], text: str, context: Mapping[str, object],
                     excluded: frozenset[str] = frozenset()) -> list[Finding]:
    """``ranked`` with the wording's reading (``resemble.ranked``) beside it.

    * When the rules found no cause (``unknown`` alone), the closest cause by wording leads if its
      share is at least ``SURE``; otherwise ``unknown`` stays first.
    * When the rules' best cause rests on soft evidence only (a status's prior, a word: ``SOFT``)
      and is not settled (below ``OVERRULE_BELOW``), and the wording is all but sure of another
      cause (``OVERRULE_SHARE``), the wording's cause leads, just above the rules' one, which
      follows it.
    * The list is filled to three causes with the closest others by wording, below everything
      listed.

    Nothing the rules found is dropped; causes in ``excluded`` are never added. (The thresholds
    were chosen on fact set 3 and on the corpus's tuning part read thread by thread out of the
    counts, then measured once on fact set 4: see tests/test_diagnose_factset.py.)"""
    from xero_nb.diagnose import resemble  # (its counts load on first use)

    near = [(c, p) for c, p in resemble.ranked(text, context) if c not in excluded and c in ALTERNATIVE]
    if not near or not (resemble.on_topic(text) or any(context.values())):
        return ranked  # (an endpoint or an app given says the text is about Xero)
    out = list(ranked)
    best, share = near[0]
    if all(f.code == "unknown" and _soft(f) for f in out) and share >= SURE:
        out = [_resembling(best, share, LEAD)]
    elif out and _overruled(out[0], best, share):
        lead = _resembling(best, share, round(min(OVERRULE_BELOW, out[0].weight + 0.05), 3))
        own = next((f for f in out if f.code == best), None)  # the rules' own finding of it moves up
        if own is not None:
            lead = replace(own, evidence=(*own.evidence, lead.evidence[0]), weight=lead.weight)
        out = [lead, *(f for f in out if f.code != best)]
    if out and out[0].weight >= ESTABLISHED and not _soft(out[0]):
        return out  # settled by what Xero sent: a guess by wording beside it would only distract
    listed = {f.code for f in out}
    floor = min((f.weight for f in out), default=LEAD)
    for code, share in near:
        if len(out) >= MAX_LISTED:
            break
        if code in listed:
            continue
        floor = round(min(floor * STEP, FILL_AT_MOST), 3)
        # (its weight is no more than the share it states: a guess at "under 1 %" does not weigh 0.3)
        out.append(_resembling(code, share, round(min(floor, max(share, MIN_FILL)), 3)))
        listed.add(code)
    return out


def _soft(finding: Finding) -> bool:
    """Whether a finding rests on soft evidence only (``SOFT``: a status's prior, words)."""
    return all(SOFT.fullmatch(e) for e in finding.evidence)


def _overruled(top: Finding, best: str, share: float) -> bool:
    """Whether the wording's best cause (``best``, at ``share``) leads instead of the rules' ``top``."""
    return (top.code not in ("unknown", best) and top.weight < OVERRULE_BELOW and share >= OVERRULE_SHARE
            and _soft(top))


def _resembling(code: str, share: float, weight: float) -> Finding:
    title, fix, confirm = ALTERNATIVE[code]
    said = title.removeprefix("Or ")
    return Finding(code, f"The wording reads like reports where {said[0].lower()}{said[1:]}",
                   (f"the wording resembles public reports of this cause ({_share(share)} by a "
                    "statistical reading of their words, trained on the project's labelled reports)",
                    f"not confirmed: {confirm} would tell"), (fix,), weight, confirm)


def _share(share: float) -> str:
    return "under 1 %" if share < 0.005 else f"{share:.0%}"
