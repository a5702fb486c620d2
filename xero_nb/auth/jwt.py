"""Read Xero's access and id tokens: verify them against the issuer's JWKS, show their claims.

Verification uses joserfc; the outcome is a value (``JWTView.verified`` and ``problems``),
because "this token is expired" is something to show, not a traceback. Claims come out as a
few table rows (user, auth event, client, expiry); ``scope_diff`` lines requested, granted
and needed scopes up.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from xero_nb.auth.tokens import Clock
from xero_nb.catalog.scopes import OIDC_SCOPES, parse_scopes
from xero_nb.facts import AUDIENCE, ISSUER
from xero_nb.redact import jwt_claims

ALGORITHMS = ("RS256",)

# claim -> (row label, what it tells you); order is the table's order
CLAIM_LABELS: dict[str, tuple[str, str]] = {
    "xero_userid": ("user", "Xero user id of the person who consented"),
    "sub": ("subject", "the user's subject id at the identity server"),
    "email": ("email", "the user's email (id token, 'email' scope)"),
    "name": ("name", "the user's name (id token, 'profile' scope)"),
    "authentication_event_id": ("auth event", "the consent; matches authEventId on /connections"),
    "client_id": ("client", "the app the token was issued to"),
    "aud": ("audience", "who the token is for"),
    "iss": ("issuer", "who issued the token"),
    "auth_time": ("signed in", "when the user authenticated"),
    "iat": ("issued", "when the token was issued"),
    "nbf": ("valid from", "not valid before"),
    "exp": ("expires", "not valid after"),
    "scope": ("scopes", "what the API checks this token against"),
}
TIME_CLAIMS = frozenset({"auth_time", "iat", "nbf", "exp"})


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One row of the claims table."""

    label: str
    claim: str
    value: str
    meaning: str


@dataclass(frozen=True, slots=True)
class JWTView:
    """A decoded token: whether it verified, why not, its header and claims."""

    kind: str  # "access" or "id"
    verified: bool
    problems: tuple[str, ...]
    header: Mapping[str, Any] = field(default_factory=dict)
    claims: Mapping[str, Any] = field(default_factory=dict)

    def rows(self, clock: Clock = time.time) -> list[ClaimRow]:
        """The claims as table rows (see ``claim_rows``)."""
        return claim_rows(self.claims, clock=clock)


def _when(epoch: Any, now: float) -> str:
    try:
        ts = float(epoch)
    except (TypeError, ValueError):
        return str(epoch)
    stamp = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    delta = ts - now
    mins = abs(delta) / 60
    rel = f"in {mins:.0f} min" if delta >= 0 else f"{mins:.0f} min ago"
    return f"{stamp} ({rel})"


def claim_rows(claims: Mapping[str, Any], *, clock: Clock = time.time) -> list[ClaimRow]:
    """The claims a person cares about, as ``ClaimRow``s in a fixed order."""
    now = clock()
    rows = []
    for claim, (label, meaning) in CLAIM_LABELS.items():
        if claim not in claims:
            continue
        value = claims[claim]
        if claim in TIME_CLAIMS:
            text = _when(value, now)
        elif claim == "scope":
            text = " ".join(sorted(parse_scopes(value, strict=False)))
        elif isinstance(value, list):
            text = ", ".join(map(str, value))
        else:
            text = str(value)
        rows.append(ClaimRow(label, claim, text, meaning))
    return rows


def verify_jwt(
    token: str,
    jwks: Mapping[str, Any],
    *,
    kind: str = "access",
    issuer: str = ISSUER,
    audience: str | None = None,
    clock: Clock = time.time,
    leeway: int = 0,
) -> JWTView:
    """Verify signature (against ``jwks``), issuer, audience and times; never raises for a bad token.

    ``audience`` defaults to Xero's resource audience for access tokens; for id tokens pass
    the client id.
    """
    aud = audience if audience is not None else (AUDIENCE if kind == "access" else None)
    try:
        keys = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError):
        return JWTView(kind, False, ("the issuer's JWKS could not be read",),
                       claims=jwt_claims(token))
    try:
        decoded = jwt.decode(token, keys, algorithms=list(ALGORITHMS))
    except (JoseError, ValueError) as exc:
        # Name the failure class only: joserfc's messages may quote the token.
        return JWTView(kind, False, (f"signature not verified ({type(exc).__name__})",),
                       claims=jwt_claims(token))
    options: dict[str, Any] = {"iss": {"essential": True, "value": issuer},
                               "exp": {"essential": True}}
    if aud is not None:
        options["aud"] = {"essential": True, "value": aud}
    registry = jwt.JWTClaimsRegistry(now=lambda: int(clock()), leeway=leeway, **options)
    problems: list[str] = []
    try:
        registry.validate(decoded.claims)
    except JoseError as exc:
        problems.append(_claim_problem(exc, decoded.claims, issuer, aud))
    return JWTView(kind, not problems, tuple(problems), dict(decoded.header), dict(decoded.claims))


def _claim_problem(exc: JoseError, claims: Mapping[str, Any], issuer: str,
                   aud: str | None) -> str:
    name = type(exc).__name__
    if name == "ExpiredTokenError":
        return "expired: refresh the token"
    if name == "InvalidTokenError":
        return "not valid yet (nbf/iat in the future: check the clock)"
    claim = getattr(exc, "claim", None) or ""
    if claim == "iss":
        return f"issuer is {claims.get('iss')!r}, expected {issuer!r}"
    if claim == "aud":
        return f"audience is {claims.get('aud')!r}, expected {aud!r}"
    return f"claims not valid ({name} {claim})".strip()


@dataclass(frozen=True, slots=True)
class ScopeRow:
    """One scope: was it requested, granted, needed, and what that means."""

    scope: str
    requested: bool
    granted: bool
    needed: bool
    note: str


def _note(requested: bool, granted: bool, needed: bool, any_needed: bool) -> str:
    if needed and granted:
        return "ok"
    if needed and requested:
        return "needed, requested, not granted: the app may not hold it, or consent again"
    if needed:
        return "needed, not requested: add it and sign in again"
    if requested and not granted:
        return "requested, not granted"
    if granted and not requested:
        return "granted without being requested (consent is additive)"
    if granted and any_needed:
        return "granted, not needed here: drop it for least privilege"
    return "requested and granted"


def scope_diff(requested: Any, granted: Any, needed: Any = ()) -> list[ScopeRow]:
    """Requested vs granted vs needed scopes, one row per scope, problems first."""
    req = parse_scopes(requested or (), strict=False)
    got = parse_scopes(granted or (), strict=False)
    need = parse_scopes(needed or (), strict=False)
    # OIDC scopes (openid, offline_access, ...) are never "not needed": they serve sign-in.
    rows = [ScopeRow(s, s in req, s in got, s in need,
                     _note(s in req, s in got, s in need, bool(need) and s not in OIDC_SCOPES))
            for s in sorted(req | got | need)]
    return sorted(rows, key=lambda r: (r.note == "ok", not r.needed, r.scope))


def rows_as_dicts(rows: Iterable[ClaimRow | ScopeRow]) -> list[dict[str, Any]]:
    """Rows as plain dicts (for a DataFrame or an HTML table)."""
    from dataclasses import asdict

    return [asdict(r) for r in rows]
