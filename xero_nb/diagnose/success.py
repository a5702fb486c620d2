"""Pastes that show no failure at all: a sign-in that worked (Xero redirected back with an
authorization code) or a token response (an access token came back). Users paste these while
hunting for the problem; the answer is that this step succeeded, not a guessed cause."""

from __future__ import annotations

import re

from xero_nb.diagnose.client_side import client_side, scope_change
from xero_nb.diagnose.findings import Finding
from xero_nb.diagnose.observation import Observation

_TOKEN_RESPONSE = re.compile(r"""["']access_token["']\s*+:""")
_TOKEN_TYPE = re.compile(r"""["'](?:token_type|expires_in)["']\s*+:""")
_CODE_BACK = re.compile(r"[?&#]code=[^&#\s]")
_ERROR = re.compile(r"""[?&#]error=|["']error["']\s*+:""")


def success_finding(obs: Observation) -> Finding | None:
    """A finding that says the pasted step succeeded, or None when it shows a failure (an HTTP
    error status, an OAuth error) or is not one of these two shapes."""
    if obs.status is not None and not 200 <= obs.status < 300:
        return None
    text = " ".join(filter(None, (obs.url, obs.body)))
    if obs.oauth_error or _ERROR.search(text) or client_side("", text) is not None:
        return None  # (an OAuth library's own refusal beside the callback URL: it failed)
    if _TOKEN_RESPONSE.search(text) and _TOKEN_TYPE.search(text):
        if (lapse := _no_refresh_token(obs, text)) is not None:
            return lapse
        what = "a successful token response: Xero issued an access token"
    elif _CODE_BACK.search(text):
        what = "a successful sign-in: Xero sent the app an authorization code"
    else:
        return None
    return Finding("unknown", f"Nothing failed here: this is {what}", (obs.summary(),),
                   ("If a later call fails, paste that call's response (status, headers and body).",
                    "To check what this sign-in granted, read the token's `scope` claim "
                    "(`xero-nb diagnose` reads a pasted access token's scopes)."), 0.9)


_REFRESH_KEY = re.compile(r"""["']refresh_token["']\s*+:""")
_SCOPE_VALUE = re.compile(r"""["']scope["']\s*+:\s*+["']([^"']{0,2000})["']""")
_SIGN_IN = re.compile(r"""["']id_token["']\s*+:""")


def _no_refresh_token(obs: Observation, text: str) -> Finding | None:
    """A sign-in's token response without a refresh token, when the paste says the integration
    stops (or the response is a user's sign-in: an id_token, openid): offline_access was not asked
    for, so nothing renews the access token once its 30 minutes are up (§4). A custom connection's
    response has no refresh token by design (it asks for a new token instead): None there."""
    if _REFRESH_KEY.search(text) or obs.grant_type == "client_credentials":
        return None
    scope = _SCOPE_VALUE.search(text)
    granted = scope.group(1).split() if scope else []
    if "offline_access" in granted:
        return None
    stops = bool(obs.markers & {"no_refresh", "after_a_while", "expired_words"})
    if not stops and not (_SIGN_IN.search(text) or "openid" in granted):
        return None
    evidence = [obs.summary(), "a token response with no refresh_token"]
    if scope:
        evidence.append(f"scope granted: {' '.join(granted)[:300]} (no offline_access)")
    return Finding("token_expired", "No refresh token was issued: the sign-in did not ask for "
                   "offline_access, so the connection dies when the access token expires (30 minutes)",
                   tuple(evidence),
                   ("Add `offline_access` to the scopes the app requests, and sign in again (a new consent).",
                    "Store the refresh_token of every token response and refresh before the access "
                    "token's exp; each refresh returns a new refresh token."), 0.9)


def scope_change_finding(obs: Observation, text: str = "") -> Finding | None:
    """oauthlib's "Scope has changed" Warning: Xero issued a token and the library refused it.

    Xero answers a sign-in with every scope the user has consented to for the app, which can be
    more than were asked for (facts.ASSUMPTIONS "token_scopes_superset"); oauthlib raises on any
    difference unless OAUTHLIB_RELAX_TOKEN_SCOPE is set. Nothing failed at Xero.
    """
    # (the pasted text too: a paste's reader may keep only its JSON as the body)
    changed = scope_change(" ".join(filter(None, (obs.body, obs.error, text))))
    if changed is None:
        return None
    asked, got = changed
    extra = sorted(set(got) - set(asked))
    dropped = sorted(set(asked) - set(got))
    before, after = " ".join(asked), " ".join(got)
    evidence = [f'oauthlib: Scope has changed from "{before}" to "{after}"'[:600]]
    if extra:
        evidence.append(f"granted beyond the request: {', '.join(extra)}"[:400])
    if dropped:
        evidence.append(f"asked for but not granted: {', '.join(dropped)}"[:400])
    steps = ["Accept the token: set OAUTHLIB_RELAX_TOKEN_SCOPE=1 in the app's environment before the "
             "sign-in (requests-oauthlib, pyxero and Xero's Python sample apps run on oauthlib), or "
             "catch the Warning and use its .token."]
    if dropped:
        steps.append(f"Xero did not grant {', '.join(dropped)}"[:300] + ": check the names and that the "
                     "app may ask for them at developer.xero.com (a restricted scope, or a broad one on "
                     "an app created from 2 Mar 2026, is not granted); calls that need them will fail.")
    if extra:
        steps.append("The extra scopes are ones this user consented to for the app before: to narrow "
                     "the token, revoke the refresh token (POST https://identity.xero.com/connect/"
                     "revocation, which also removes the user's connections) and sign in again.")
    return Finding("unknown", "Nothing failed at Xero: it issued a token, and oauthlib refused it because "
                   "its scopes are not the ones asked for", tuple(evidence), tuple(steps), 0.9)
