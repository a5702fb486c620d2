"""OAuth causes: what the token and authorize endpoints refuse, named, in words, or by the step.

``invalid_grant`` (a spent, idle or revoked refresh token or code), ``invalid_client`` (the client
id, secret or redirect URI), and the scope refusals (``invalid_scope``, ``unauthorized_client :
Invalid scope for client``): which scope, and why (unknown, broad on a 2026 app, restricted).
When no error is named but the failure happened at the token or authorize step, the step itself
narrows the causes: no API was called, so no scope, tenant or expiry of an access token applies.
"""

from __future__ import annotations

from dataclasses import replace

from xero_nb.catalog.near import near_miss
from xero_nb.catalog.scopes import (
    DEPRECATED_BROAD,
    GRANULAR_SCOPES,
    known_scopes,
    refused_at_authorize,
    scope_table,
)
from xero_nb.diagnose.context import Context
from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.observation import Observation
from xero_nb.diagnose.rules import OAUTH_ERRORS, SIGN_IN, evidence_of
from xero_nb.facts import REFRESH_IDLE_SECONDS

SCOPE_WORDS = frozenset({"invalid_scope", "scope_validation_failed", "scope_wrong", "scope_unknown"})
CLIENT_WORDS = frozenset({"invalid_client", "client_words", "client_auth"})
API_REFUSAL = frozenset({"insufficient_scope", "authorizationunsuccessful",
                         "authenticationunsuccessful", "tokenexpired"})
REQUESTED_FACT = "the scopes the app requested (pass requested=)"
GRANT_FIX = ("If this was a refresh: every refresh returns a NEW refresh token; store it at once "
             "and never reuse the old one (the old one works for 30 min only if no answer came).",
             "Make sure only one process refreshes a token set (use one locked store).",
             "Refresh tokens unused for 60 days expire; a revoked or disconnected app loses them.",
             "If this was a code exchange: codes are single-use and short-lived; restart sign-in.",
             SIGN_IN)
_ROTATE = GRANT_FIX[0].removeprefix("If this was a refresh: ")
REFRESH_ONLY_FIX = (_ROTATE[0].upper() + _ROTATE[1:], *GRANT_FIX[1:3], SIGN_IN)
CODE_FIX = ("Exchange each code once, as soon as the redirect brings it (a page reload or a "
            "second handler sends it again); on a retry start sign-in again for a new code.",
            "Send the same redirect_uri as the authorize request did, and (PKCE) the code_verifier "
            "whose code_challenge that request carried.",
            SIGN_IN)
CLIENT_FIX = ("Copy the client id (and secret, if the app has one) again from developer.xero.com; "
              "a regenerated secret invalidates the old one.",
              "Send them as HTTP Basic auth to the token endpoint; PKCE apps send client_id and "
              "code_verifier and no secret.",
              "The redirect URI must match one registered for the app exactly (scheme, host, port, "
              "path).")


def oauth_step(obs: Observation, ctx: Context) -> str | None:
    """``token`` or ``authorize`` when the failure happened at that OAuth step, else None."""
    for url in (*ctx.urls, obs.url or ""):
        low = url.lower()
        if "/connect/token" in low or "/oauth/accesstoken" in low or "/oauth/requesttoken" in low:
            return "token"  # (OAuth 1.0a's AccessToken and RequestToken too)
        if "/connect/authorize" in low:
            return "authorize"
    if "token_endpoint" in obs.markers:
        return "token"
    # Xero's sign-in page answers a bad authorize request (redirect URI, client id, scope) with its
    # own 500 page ("Sorry, something went wrong ... Error code: 500"; Xero's OAuth troubleshooting).
    api_call = any("api.xero.com" in u.lower() for u in (*ctx.urls, obs.url or ""))
    page = "sorry, something went wrong" in obs.body.lower()  # the sign-in page's own words
    if (obs.status == 500 or (obs.status is None and page)) and "signing_in" in obs.markers and not api_call:
        return "authorize"
    return None


def oauth_findings(obs: Observation, ctx: Context) -> list[Finding]:
    """Token- and authorize-endpoint errors: invalid_grant, invalid_client, invalid_scope."""
    err = obs.oauth_error
    named = err if err in OAUTH_ERRORS else ""  # another OAuth error named outright wins over words
    m = obs.markers
    desc = (obs.field("error_description") or "").lower()
    ev = evidence_of(obs)
    xero_expired = "tokenexpired" in (obs.detail or "").lower().replace(" ", "")
    dead = ("reconnect" in m and bool(m & {"tokenexpired", "expired_words"}) and not xero_expired
            and not m & {"no_refresh", "token_rejected"})  # "expired, please reconnect"
    # (a custom connection has no refresh token: its expiry in words is offer.py's)
    # invalid_client named in the words ("refresh still fails with invalid_client") is Xero's own
    # key: a refresh failing for it is the client's credentials, not the refresh token
    client_said = "invalid_client" in m and "invalid_grant" not in m
    if named == "invalid_grant" or (not named and not ctx.custom_connection and not client_said
                                    and (m & {"invalid_grant", "refresh_refused"} or dead)):
        if ctx.obtained_at is not None and ctx.now - ctx.obtained_at > REFRESH_IDLE_SECONDS:
            ev.append(f"the token was obtained {int((ctx.now - ctx.obtained_at) // 86400)} days ago "
                      "(over 60: the refresh token expired)")
        said = named or "invalid_grant" in m
        if not said:
            ev.append("the wording: a refresh token (or the connection) called invalid or expired"
                      if not dead or "refresh_refused" in m else "the wording: expired, and the user "
                      "must reconnect (an access token alone is refreshed without the user)")
        weight = 0.97 if said else 0.9 if "refresh_refused" in m else 0.8
        if ctx.refreshing:  # the failing request was a refresh: only the refresh token's reasons
            return [Finding("invalid_grant", "The refresh token was refused: already used (each "
                            "refresh returns a new one), unused for 60 days, or revoked",
                            (*ev, "the failing request was a refresh (grant_type=refresh_token)"),
                            REFRESH_ONLY_FIX, weight)]
        if obs.grant_type == "authorization_code":  # the failing request exchanged a code
            return [Finding("invalid_grant", "The authorization code was refused: already used, "
                            "expired (codes are short-lived), or sent with another redirect_uri or "
                            "PKCE code_verifier than the sign-in that issued it",
                            (*ev, "the failing request exchanged a code (grant_type=authorization_code)"),
                            CODE_FIX, weight)]
        return [Finding("invalid_grant", "The refresh token (or code) was refused: rotated, "
                        "expired, revoked or reused", tuple(ev), GRANT_FIX, weight)]
    if named == "invalid_client" or (not named and m & CLIENT_WORDS):
        said = named or "invalid_client" in m  # the OAuth error itself, not only words about the id
        return [Finding("invalid_client", "Xero does not accept the client credentials (or the "
                        "redirect URI)", tuple(ev), CLIENT_FIX, 0.95 if said else 0.9)]
    if named in ("unauthorized_client", "invalid_request") and m & {"client_auth", "client_words"} and not (
            m & SCOPE_WORDS or "scope" in desc):
        # Xero's sign-in page: "unauthorized_client : Invalid redirect_uri", "invalid_request" with
        # a redirect URI or client id that is not the app's.
        return [Finding("invalid_client", "Xero refused the redirect URI or client id sent at "
                        "sign-in: it must match the app's at developer.xero.com exactly", tuple(ev),
                        CLIENT_FIX, 0.93)]
    # Words about scopes at sign-in count when nothing says an API call was refused.
    words = obs.status is None and not m & API_REFUSAL
    scope_refusal = (err == "invalid_scope" or (err == "unauthorized_client" and "scope" in desc)
                     or (not named and bool(m & SCOPE_WORDS or (words and "scope_era" in m))))
    if scope_refusal:
        return _scope_refusal(obs, ctx, ev)
    if not named and words and "connect_scope" in m:  # weaker: scopes named while connecting
        return [replace(f, weight=f.weight * 0.8) for f in _scope_refusal(obs, ctx, ev)]
    if err == "unauthorized_client" or (not err and "unauthorized_client" in m):
        grant = Finding("invalid_client", "This client may not use this grant (e.g. "
                        "client_credentials needs a Custom Connection)", tuple(ev),
                        ("Check the app type at developer.xero.com and use its grant.",), 0.7)
        if ctx.era == "granular" or m & {"scope_era", "created_2026"}:
            # an app of the granular era asking for broad scopes is refused with a bare
            # unauthorized_client too (§10; vendors' articles): the scopes come first
            return [*_scope_refusal(obs, ctx, ev), replace(grant, weight=0.5)]
        return [grant]
    if err in ("unsupported_grant_type", "access_denied", "invalid_request"):
        title = {"unsupported_grant_type": "The token request lacks a valid grant_type",
                 "access_denied": "The user declined consent at Xero's sign-in page",
                 "invalid_request": "The OAuth request is malformed (missing parameter)"}[err]
        fix = {"unsupported_grant_type": "Send grant_type=authorization_code (a code exchange), "
                                         "refresh_token (a refresh) or client_credentials (a custom "
                                         "connection) in the token request's form body.",
               "access_denied": "Ask the user to sign in again and choose Allow access (Cancel sends "
                                "access_denied); only a Standard or Adviser user can connect an app.",
               "invalid_request": "Check the OAuth request's parameters: client_id, redirect_uri, "
                                  "response_type=code, scope, and for PKCE code_challenge with "
                                  "code_challenge_method=S256."}[err]
        return [Finding("unknown", title, tuple(ev), (fix,), 0.6)]
    if (obs.status == 401 and not err and "reconnect" in m and not obs.detail and not obs.www_authenticate
            and not m & (API_REFUSAL | {"scope_added", "scope_missing", "rate_limit", "no_refresh"})):
        # An integration refreshes an expired access token by itself; one that asks the user to
        # reconnect after a 401 could not refresh: its refresh token was refused (§9 #4).
        return [Finding("invalid_grant", "A 401 the app could only cure by reconnecting: its refresh "
                        "token was refused (spent, idle 60 days or revoked)",
                        (*ev, "the wording: reconnect after a 401"), GRANT_FIX, 0.6,
                        "whether the app's refresh attempt was answered invalid_grant")]
    if obs.status == 429 or "rate_limit" in m:  # a rate limit, wherever it was met, is not the grant
        return []
    step = oauth_step(obs, ctx)
    if step is not None and not err and not m & API_REFUSAL:
        return _step_failed(obs, ctx, ev, step)
    if ctx.refreshing and not err and not m & (API_REFUSAL | {"no_refresh"}):  # (429s left above)
        # The failing request was a refresh: the token endpoint refuses a refresh token that
        # was already used (rotated), idle 60 days or revoked with invalid_grant (§6 E12), and
        # answers 401 when the client's own credentials fail (RFC 6749 §5.2).
        if obs.status == 401:
            return [Finding("invalid_client", "The refresh was answered 401: the token endpoint "
                            "refused the client id or secret sent with it", (*ev, "a refresh answered "
                                                                             "401"), CLIENT_FIX, 0.6,
                            "the token endpoint's `error` (invalid_client or invalid_grant)"),
                    Finding("invalid_grant", "Or the refresh token itself was refused", tuple(ev),
                            GRANT_FIX, 0.5, "the token endpoint's `error`")]
        return [Finding("invalid_grant", "A refresh failed: most often a refresh token already "
                        "used (each refresh returns a new one), idle for 60 days or revoked",
                        (*ev, "the failing request was a refresh (grant_type=refresh_token)"),
                        GRANT_FIX, 0.62, "the token endpoint's answer to the refresh (its `error`)"),
                Finding("invalid_client", "Or the client id or secret sent with the refresh is "
                        "wrong", tuple(ev), CLIENT_FIX, 0.35, "the token endpoint's `error`")]
    return []


def _step_failed(obs: Observation, ctx: Context, ev: list[str], step: str) -> list[Finding]:
    """No error named, but the failure was at the token or authorize step: what that step refuses."""
    ev = [*ev, f"the failure was at the {step} step (no API call was made)"]
    if step == "authorize" and ctx.requested is None and not obs.markers & (SCOPE_WORDS | {"scope_era",
                                                                                        "restricted"}):
        # Nothing says which parameter Xero's page refused: the redirect URI and the client id
        # are the commonest, then a scope (the page's second line names it).
        fact = "the second line of Xero's error page (e.g. `unauthorized_client : Invalid redirect_uri`)"
        return [Finding("invalid_client", "Xero's sign-in page refused the request: most often the "
                        "redirect URI (or client id) does not match the app's", tuple(ev), CLIENT_FIX,
                        0.55, fact),
                Finding("broad_scope_on_granular_app", "Or a broad scope asked by an app created from "
                        "2 Mar 2026", tuple(ev), ("Use granular scopes.",), 0.45, fact),
                Finding("invalid_scope_requested", "Or a scope the app may not ask for", tuple(ev),
                        ("Compare the requested scopes with the app's at developer.xero.com.",),
                        0.42, fact)]
    if step == "authorize" or ctx.requested is not None:
        # Authorize refuses a scope (or an unknown client / redirect URI) before anything else.
        out = [f if f.code != "invalid_scope_requested" or f.weight > 0.9 else
               Finding(f.code, f.title, f.evidence, f.fix, f.weight * 0.85, f.decides)
               for f in _scope_refusal(obs, ctx, ev)]
        return [*out, Finding("invalid_client", "Perhaps the client id or redirect URI is not the "
                              "app's", tuple(ev), CLIENT_FIX, 0.4, "the error Xero's page showed")]
    if obs.status == 401:  # RFC 6749 §5.2: the token endpoint answers 401 when client auth fails
        return [Finding("invalid_client", "The token endpoint answered 401: the client's "
                        "credentials (id and secret, or consumer key) were refused", tuple(ev),
                        CLIENT_FIX, 0.85)]
    fact = "the token endpoint's answer (its `error`: invalid_client, invalid_scope, invalid_grant)"
    if ctx.custom_connection:  # E14: a custom connection asking for scopes it was not given
        return [Finding("invalid_scope_requested", "A custom connection is refused a token most "
                        "often for a scope not ticked on the connection", tuple(ev),
                        ("Compare the scopes requested with those ticked for the Custom Connection "
                         "at developer.xero.com; one unticked scope fails the whole request.",),
                        0.55, fact),
                Finding("invalid_client", "Or the connection's client id or secret is wrong",
                        tuple(ev), CLIENT_FIX, 0.5, fact),
                Finding("broad_scope_on_granular_app", "Or a broad scope on a connection created "
                        "from 29 Apr 2026", tuple(ev), ("Use granular scopes.",), 0.4, fact)]
    out = [Finding("invalid_grant", "Getting a token failed: most often a refresh token already "
                   "used or expired", tuple(ev), GRANT_FIX, 0.5, fact),
           Finding("invalid_client", "Or the client id or secret is wrong", tuple(ev), CLIENT_FIX,
                   0.45, fact)]
    if ctx.grant_type is None:  # it may be a custom connection's client_credentials request (E14)
        out.append(Finding("invalid_scope_requested", "Or, for a Custom Connection, a scope not "
                           "ticked on the connection", tuple(ev), ("Compare the scopes requested "
                                                                   "with those of the connection.",),
                           0.4, fact))
    return out


def _scope_refusal(obs: Observation, ctx: Context, ev: list[str]) -> list[Finding]:
    m = obs.markers
    custom = "scope_validation_failed" in m
    if ctx.requested is None and obs.scopes_named - {"offline_access"}:
        # The scopes the text names are the best guess at what was requested: judge those,
        # a little below scopes passed as requested=.
        named = replace(ctx, requested=obs.scopes_named)
        return [replace(f, weight=f.weight * 0.9, decides=f.decides or REQUESTED_FACT)
                for f in _scope_refusal(obs, named, [*ev, "scopes named in the text"])]
    if ctx.requested is None:
        # The commonest refusal for an app of the granular era is a broad scope (§9 #8); a
        # restricted API named in the words points at a restricted scope. A Custom Connection's
        # "scope validation failed" is any scope not ticked on the connection (E14), broad or
        # not: the requested scopes decide, so it stays a hint there.
        hinted = (ctx.era == "granular" or bool(m & {"scope_era", "created_2026"})) and not custom
        # the words call a scope wrong, unknown or misspelt: a name Xero does not know, more than
        # a broad one (which is a real scope, refused only to new apps)
        wrong = bool(m & {"scope_unknown", "scope_commas"}) and not hinted
        weak = custom or "granular_words" in m or wrong
        return [Finding("invalid_scope_requested", "Xero refused a scope the app asked for",
                        tuple(ev), ("List the scopes the app requests and compare them with the "
                                    "app's configuration at developer.xero.com.",),
                        0.72 if wrong else 0.6, REQUESTED_FACT),
                # With nothing else said: apps created from 2 Mar 2026 cannot ask for the broad
                # scopes most integrations still hard-code, the commonest refusal since then.
                Finding("broad_scope_on_granular_app", "Perhaps a broad scope on an app (or Custom "
                        "Connection) created in 2026", tuple(ev), ("Use granular scopes.",),
                        0.7 if hinted else 0.5 if weak else 0.2 if ctx.era == "broad" else 0.62,
                        REQUESTED_FACT),
                Finding("restricted_scope", "Perhaps a restricted scope (paymentservices, finance, "
                        "bankfeeds, journals)", tuple(ev), ("Drop it or apply to Xero.",),
                        0.75 if "restricted" in m else 0.4, REQUESTED_FACT)]
    ev = [*ev, "requested: " + " ".join(sorted(ctx.requested))]
    out: list[Finding] = []
    unknown = sorted(s for s in ctx.requested if s not in known_scopes())
    if unknown:
        hints = [f"`{s}`" + (f" ({note})" if (note := near_miss(s, "`")) else "") for s in unknown]
        out.append(Finding("invalid_scope_requested", "Xero does not know " + ", ".join(hints),
                           tuple(ev), ("Fix the scope names; Xero rejects the whole request.",), 0.92))
    if not unknown and ("scope_commas" in m or ctx.requested_joined):
        # each name is right, but the list is joined with commas: Xero reads other names
        out.append(Finding("invalid_scope_requested", "The scope list is written wrongly: Xero wants "
                           "the exact names separated by single spaces, not commas or semicolons",
                           tuple(ev), ("Join the scopes with spaces (scope=openid%20profile%20...), "
                                       "then sign in again.",), 0.8))
    eras = [ctx.era] if ctx.era else ["granular", "broad"]
    broad = sorted(s for s in ctx.requested if s in DEPRECATED_BROAD)
    if broad:
        sure = ctx.era == "granular" or custom or bool(m & {"scope_era", "created_2026"})
        out.append(Finding("broad_scope_on_granular_app", "Broad scopes " + ", ".join(broad) +
                           " are refused for apps created from 2 Mar 2026 (Custom Connections "
                           "from 29 Apr 2026)", tuple(ev),
                           ("Replace them with granular scopes (`xero-nb migrate` lists them).",
                            "Tick the granular scopes on the custom connection at developer.xero.com "
                            "and request a new token with them (a custom connection has no sign-in)."
                            if custom or ctx.custom_connection else "Sign in again with the new list."),
                           0.92 if sure else 0.6 if ctx.era is None else 0.2,
                           None if sure or ctx.era else "when the Xero app was created "
                           "(before or after 2 Mar 2026)"))
    restricted = {s: refused_at_authorize(s, e) for e in eras for s in sorted(ctx.requested)
                  if s not in DEPRECATED_BROAD and s not in GRANULAR_SCOPES and refused_at_authorize(s, e)}
    if restricted:
        out.append(Finding("restricted_scope", "Restricted scopes requested: " +
                           "; ".join(f"{s} ({why})" for s, why in restricted.items()), tuple(ev),
                           ("Remove them from the request, or apply to Xero for access.",), 0.88))
    # app.connections and marketplace.billing come with the client_credentials grant only (no user,
    # no organisation): a user's sign-in (or a custom connection's token, for marketplace.billing)
    # asking for one is refused
    only_cc = sorted(s for s in ctx.requested if (info := scope_table().get(s)) is not None
                     and info.status == "non-tenanted")
    if only_cc and not custom and not ctx.custom_connection:
        out.append(Finding("invalid_scope_requested", f"{', '.join(only_cc)} "
                           f"{'is' if len(only_cc) == 1 else 'are'} for the client_credentials grant "
                           "only (no user, no organisation), not a user's sign-in", tuple(ev),
                           ("Drop it from the sign-in's scopes; request it with "
                            "grant_type=client_credentials and the app's own client id and secret (App "
                            "Store partners for marketplace.billing).",), 0.85))
    if not out and "restricted" in m:  # the words say the scope needs Xero's approval
        out.append(Finding("restricted_scope", "The app is not approved for a scope it requests",
                           tuple(ev), ("Apply to Xero for access to it (developer.xero.com), or "
                                       "drop it from the request.",), 0.8))
    if not out:
        out.append(Finding("invalid_scope_requested", "The app is not configured for one of the "
                           "requested scopes" + (" (Custom Connection scopes are chosen in the "
                                                 "developer portal)" if custom else ""), tuple(ev),
                           ("Compare the request with the scopes enabled for the app/connection.",),
                           0.7))
    return out
