"""What a token and a grant type say: scopes, expiry, a refresh token, whether Xero can accept it.

Only the verdicts are kept, never a token string (``token_problem`` says why an access token is
not one Xero accepts; ``read_token`` gives its scopes and times).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from xero_nb.catalog.scopes import parse_scopes
from xero_nb.diagnose.client_side import scope_change
from xero_nb.redact import jwt_claims


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def read_token(token: Any) -> tuple[frozenset[str] | None, frozenset[str] | None, float | None,
                                     float | None, bool | None]:
    """(granted, requested, expires_at, obtained_at, has_refresh) of any token-like value."""
    if token is None:
        return None, None, None, None, None
    if isinstance(token, str):
        claims = jwt_claims(token)
        return (_claim_scopes(claims), None, _num(claims.get("exp")), None, None)
    if isinstance(token, Mapping):
        claims = jwt_claims(str(token.get("access_token") or ""))
        scope = token.get("scope", token.get("scopes"))
        granted = parse_scopes(scope, strict=False) if scope is not None else _claim_scopes(claims)
        exp = _num(token.get("expires_at")) or _num(claims.get("exp"))
        return granted, None, exp, _num(token.get("obtained_at")), (
            bool(token.get("refresh_token")) if "refresh_token" in token or claims else None)
    scopes = getattr(token, "scopes", None)
    requested = getattr(token, "requested", None)
    granted = frozenset(str(s) for s in scopes) if scopes is not None else None
    if granted is None:
        claims_fn = getattr(token, "claims", None)
        granted = _claim_scopes(claims_fn()) if callable(claims_fn) else None
    refresh = getattr(token, "refresh_token", None)
    return (granted, frozenset(str(s) for s in requested) if requested else None,
            _num(getattr(token, "expires_at", None)), _num(getattr(token, "obtained_at", None)),
            None if not hasattr(token, "refresh_token") else bool(refresh))


API_AUDIENCE = "https://identity.xero.com/resources"  # the aud of every Xero access token (§5)


def token_problem(token: Any) -> str | None:
    """Why the access token given cannot be one Xero accepts, or None (fine, or not known).

    Xero's access tokens are JWTs whose ``aud`` is its resources; a value that is no JWT, or an
    id_token (``aud`` is the app's client id) sent in its place, is refused whatever its scopes.
    Only the verdict is kept, never the token.
    """
    raw: Any
    if isinstance(token, str):
        raw = token
    elif isinstance(token, Mapping):
        raw = token.get("access_token")
    else:
        raw = getattr(token, "access_token", None)
    if not isinstance(raw, str) or not raw.strip():
        return None
    claims = jwt_claims(raw.strip())
    if not claims:
        return "it is not a JWT (Xero's access tokens are): malformed, cut short, or another value"
    aud = claims.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    if aud is not None and API_AUDIENCE not in auds:
        if "nonce" in claims or "at_hash" in claims or "email" in claims:
            return "it is an id_token (its aud is the app's client id), not the access_token"
        return f"its aud is {str(aud)[:60]!r}, not Xero's API ({API_AUDIENCE})"
    return None


GRANTS = {"client_credentials": "client_credentials", "clientcredentials": "client_credentials",
          "custom": "client_credentials", "custom_connection": "client_credentials",
          "authorization_code": "authorization_code", "authorizationcode": "authorization_code",
          "code": "authorization_code", "refresh_token": "authorization_code",
          "pkce": "authorization_code", "web": "authorization_code"}


def read_grant(value: Any) -> str | None:
    """``client_credentials`` or ``authorization_code`` from a word, a token mapping or a Token."""
    if value is None:
        return None
    if not isinstance(value, str):
        raw = value.get("grant_type") if isinstance(value, Mapping) else getattr(value, "grant_type", None)
        return read_grant(raw) if isinstance(raw, str) else None
    return GRANTS.get(value.strip().lower().replace("-", "_").replace(" ", "_"))


_CUSTOM_APP = re.compile(r"\bcustom[\s_-]*+(?:connection|integration)|\bclient[\s_-]*+credentials\b|"
                         r"\bmachine[\s-]to[\s-]machine\b|\bm2m\b", re.IGNORECASE)
_CODE_APP = re.compile(r"\b(?:web|public|mobile|desktop|native|pkce|single[\s-]page)\s++app\b|"
                       r"\bauthori[sz]ation[\s_-]code\b", re.IGNORECASE)


def grant_of_app(app_type: Any) -> str | None:
    """The grant an app of this kind uses ("custom connection": client_credentials), else None."""
    if not isinstance(app_type, str):
        return None
    text = app_type[:200]
    if _CUSTOM_APP.search(text):
        return "client_credentials"
    return "authorization_code" if _CODE_APP.search(text) else None


def is_refresh(value: Any) -> bool:
    """True when a grant type names the refresh grant (``refresh_token``, "Refresh Token")."""
    return isinstance(value, str) and value.strip().lower().replace("-", "_").replace(" ", "_") in (
        "refresh_token", "refresh")


def _claim_scopes(claims: Any) -> frozenset[str] | None:
    if not isinstance(claims, Mapping):
        return None
    scope = claims.get("scope")
    if isinstance(scope, str):
        return frozenset(scope.split())
    if isinstance(scope, list):
        return frozenset(str(s) for s in scope)
    return None


# A token response as printed (JSON, a Python dict's repr): its "scope" as a string or a list.
_TOKEN_WORDS = re.compile(r"""["'](?:access_token|refresh_token|token_type|expires_in)["']""")
_SCOPE_VALUE = re.compile(r"""["']scope["'][ \t]*+:[ \t]*+(?:"([^"\n]{1,2000})"|'([^'\n]{1,2000})'"""
                          r"""|\[([^\]\n]{0,2000})\])""")
# A JWT written out in the text (a log's "token=eyJ..."): only an access token has a scope claim.
_JWT = re.compile(r"(?<![\w-])eyJ[\w-]{10,4000}\.eyJ[\w-]{10,8000}\.[\w-]{0,2000}")


def pasted_token(text: str) -> tuple[frozenset[str] | None, float | None, str | None]:
    """(scopes, expires_at, where read) of a token written out in pasted text, else Nones.

    An access token's own ``scope`` claim first, then a token response's ``scope`` (the scopes
    Xero granted when it issued the token), then the new scopes of oauthlib's "Scope has changed"
    Warning (those of the token it refused). Only the verdicts leave here, never the token.
    """
    for m in _JWT.finditer(text[:200_000]):
        claims = jwt_claims(m.group(0))
        scopes = _claim_scopes(claims)
        if scopes:
            return scopes, _num(claims.get("exp")), "the access token's scope claim in the text"
    if _TOKEN_WORDS.search(text):
        said = _SCOPE_VALUE.search(text)
        if said is not None:
            raw = said.group(1) or said.group(2)
            value: Any = raw if raw is not None else [s.strip(" '\"") for s in said.group(3).split(",")]
            scopes = parse_scopes(value, strict=False)
            if scopes:
                return scopes, None, "the token response's scope in the text"
    changed = scope_change(text)
    if changed is not None and changed[1]:
        scopes = parse_scopes(list(changed[1]), strict=False)
        if scopes:
            return scopes, None, "oauthlib's \"Scope has changed\" message (the scopes Xero granted)"
    return None, None, None
