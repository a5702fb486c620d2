"""Xero's OAuth2 errors turned into what happened and what to do next.

``invalid_grant`` has four usual causes (rotated, expired after 60 idle days, revoked, reused);
the token store's history says which is likely. ``unauthorized_client`` / ``invalid_scope``
name the refused scope and why (restricted; broad on a granular-era app).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from xero_nb.auth.tokens import Clock
from xero_nb.catalog.near import near_miss
from xero_nb.catalog.scopes import (
    DEPRECATED_BROAD,
    OIDC_SCOPES,
    known_scopes,
    refused_at_authorize,
    scope_reach,
)
from xero_nb.errors import AuthError, TokenStoreError
from xero_nb.facts import REFRESH_IDLE_SECONDS

SIGN_IN_AGAIN = "sign in again (XeroAuth.sign_in(), or the Connect button)"
# Long opaque runs in a server's error text could be a credential: never repeat those.
_OPAQUE = re.compile(r"[A-Za-z0-9_\-.~+/=]{24,}")


UNKNOWN_EACH = 3  # up to this many unknown scopes get a warning each (with "did you mean")


def scope_warnings(scopes: Iterable[str], era: str | None) -> list[str]:
    """Why each of ``scopes`` may be refused or useless for an app of ``era`` (None: unknown).

    More than ``UNKNOWN_EACH`` names Xero does not know make one line: the count and the first
    few (a list built in a loop must not print a warning per name)."""
    out = []
    reach = scope_reach(era or "mixed")
    known = known_scopes()
    names = sorted(set(scopes))
    unknown = [scope for scope in names if scope not in known]
    if len(unknown) > UNKNOWN_EACH:
        first = ", ".join(unknown[:UNKNOWN_EACH])
        out.append(f"{len(unknown):,} scopes are not scopes Xero knows (the first: {first}, ...); "
                   f"Xero answers invalid_scope")
    else:
        for scope in unknown:
            note = near_miss(scope)
            out.append(f"{scope}: not a scope Xero knows" + (f" ({note})" if note else "")
                       + "; Xero answers invalid_scope")
    for scope in names:
        if scope not in known:
            continue
        reason = refused_at_authorize(scope, era or "mixed")
        if reason:
            out.append(f"{scope}: {reason}")
        elif scope not in OIDC_SCOPES and not reach.get(scope):
            out.append(f"{scope}: unlocks no endpoint" + (f" in the {era} era" if era else ""))
    return out


def _refusals(requested: Iterable[str], era: str | None) -> list[str]:
    out = []
    for scope in sorted(set(requested)):
        reason = refused_at_authorize(scope, era or "mixed")
        if reason is None and era is None and scope in DEPRECATED_BROAD:
            reason = "broad scope: refused if the app was created on or after 2 Mar 2026"
        if reason is None and scope not in known_scopes():
            reason = "not a scope Xero knows"
        if reason:
            out.append(f"{scope} ({reason})")
    return out


def _said(description: str | None, secrets: Iterable[str | None] = ()) -> str:
    if not description:
        return ""
    text = description
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "…")
    text = _OPAQUE.sub("…", text)[:200]
    return f' Xero said: "{text}".'


def _invalid_grant(stage: str, store: Any, clock: Clock) -> tuple[str, str, str]:
    """(likely cause, message, next step) from what the store knows."""
    if stage == "code":
        return ("reused", "the authorization code was already used or has expired (codes are "
                "single-use and short-lived), or the redirect URI / PKCE verifier differ",
                "start sign-in again and finish it within a few minutes")
    token = getattr(store, "token", None)
    if token is None:
        return ("revoked", "there is no stored token to refresh", SIGN_IN_AGAIN)
    last_used = getattr(store, "refreshed_at", None) or token.obtained_at
    if last_used and clock() - last_used > REFRESH_IDLE_SECONDS:
        days = (clock() - last_used) / 86400
        return ("expired", f"the refresh token was last used {days:.0f} days ago; Xero expires "
                "refresh tokens unused for 60 days", SIGN_IN_AGAIN)
    if token.refresh_token and store.was_rotated(token.refresh_token):
        return ("reused", "this refresh token had already been used and replaced (an older copy "
                "of the token was restored); Xero accepts each refresh token once", SIGN_IN_AGAIN)
    return ("rotated", "the refresh token was probably rotated by another copy of this token "
            "set (another machine or a store not shared with this one), or the app was "
            "disconnected in Xero (revoked)", SIGN_IN_AGAIN + "; keep one token store per "
            "token set")


def explain_oauth_error(error: str, description: str | None, *, requested: Iterable[str],
                        era: str | None, stage: str, store: Any = None,
                        clock: Clock = time.time,
                        secrets: Iterable[str | None] = ()) -> AuthError:
    """An AuthError whose code is Xero's error and whose message says what to do.

    ``secrets`` (what was sent) are cut out of Xero's description before it is quoted.
    """
    said = _said(description, secrets)
    if error == "invalid_grant":
        likely, why, step = _invalid_grant(stage, store, clock)
        err = AuthError(f"invalid_grant: {why}.{said}", code=error, hint=step)
        err.likely = likely  # type: ignore[attr-defined]
        return err
    if error == "invalid_client":
        return AuthError(f"invalid_client: Xero did not accept the client id/secret.{said}",
                         code=error, hint="check XERO_CLIENT_ID and XERO_CLIENT_SECRET (a PKCE "
                         "app has no secret; a web app needs one)")
    if error == "unauthorized_client" and stage == "client_credentials":
        # The grant itself was refused: no scope change can fix that.
        return AuthError(
            f"unauthorized_client: this app may not use the client_credentials grant: it is not a "
            f"custom connection. Xero allows that grant only for custom connections (and for App "
            f"Store apps asking for marketplace.billing).{said}", code=error,
            hint="sign in with sign_in() (authorization code with PKCE) and XERO_GRANT unset, or "
                 "use the client id and secret of a custom connection (one an organisation has "
                 "authorised)")
    if error == "invalid_scope" and stage == "client_credentials":
        refused = _refusals(requested, era)
        named = ("refused: " + "; ".join(refused)) if refused else (
            "the custom connection does not have one of: " + " ".join(sorted(set(requested)))
            if requested else "the custom connection refused its scopes")
        return AuthError(f"{error}: {named}.{said}", code=error,
                         hint="ask only for scopes the custom connection was set up with, or call "
                              "client_credentials() with no scopes to get all of them")
    if error in ("unauthorized_client", "invalid_scope"):
        refused = _refusals(requested, era)
        named = ("refused: " + "; ".join(refused)) if refused else (
            "one of these was refused: " + " ".join(sorted(set(requested))))
        return AuthError(f"{error}: {named}.{said}", code=error,
                         hint="drop those scopes (use granular scopes on apps from 2 Mar 2026), "
                         "or ask Xero to approve the app for them")
    if error == "access_denied":
        return AuthError(f"access_denied: consent was declined.{said}", code=error,
                         hint=SIGN_IN_AGAIN + " and approve")
    return AuthError(f"{error} at the {stage} step.{said}", code=error or "auth_error",
                     hint=SIGN_IN_AGAIN)


def endpoint_error(exc: Exception, *, requested: Iterable[str], era: str | None, stage: str,
                   store: Any, clock: Clock, sent: Mapping[str, Any],
                   secret: str | None) -> AuthError:
    """The AuthError for a failed token-endpoint call: Xero's OAuth error explained, or why the
    endpoint could not be used (unreachable, an answer that is not a token response)."""
    error = getattr(exc, "error", None)
    if isinstance(error, str):  # authlib's OAuthError: Xero answered with an OAuth error
        said = [v for v in sent.values() if isinstance(v, str)]
        said += [q for v in said for qs in parse_qs(urlsplit(v).query).values() for q in qs]
        try:
            state = store.state()
        except TokenStoreError:  # a damaged store: explain without its history
            state = None
        return explain_oauth_error(error, getattr(exc, "description", None), requested=requested,
                                   era=era, stage=stage, store=state, clock=clock,
                                   secrets=[*said, secret])
    if isinstance(exc, (ValueError, RecursionError)):
        return AuthError(f"the token endpoint's answer is not a token response "
                         f"({type(exc).__name__})", code="token_endpoint_error")
    return AuthError(f"token endpoint unreachable or failed ({type(exc).__name__})",
                     code="token_endpoint_error")
