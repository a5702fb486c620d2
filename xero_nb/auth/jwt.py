"""Read Xero's access and id tokens: verify them against the issuer's JWKS, show their claims.

Verification uses joserfc; the outcome is a value (``JWTView.verified`` and ``problems``),
because "this token is expired" is something to show, not a traceback. Claims come out as a
few table rows (user, auth event, client, expiry); ``scope_diff`` lines requested, granted
and needed scopes up.
"""

from __future__ import annotations

import base64
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError
from joserfc.jwk import KeySet

from xero_nb import jsonsafe
from xero_nb.auth.tokens import DEFAULT_LEEWAY, EPOCH_RANGE, Clock
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
_CHECKED_TIMES = frozenset({"iat", "nbf", "exp"})  # what joserfc checks against the clock


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


def valid_time(epoch: Any) -> float | None:
    """``epoch`` as seconds if it is a number a calendar can show, else None (NaN, 1e20, "soon")."""
    if isinstance(epoch, bool) or not isinstance(epoch, (int, float)):
        return None
    try:
        ts = float(epoch)
    except OverflowError:  # an int too large for a float
        return None
    return ts if math.isfinite(ts) and EPOCH_RANGE[0] <= ts <= EPOCH_RANGE[1] else None


def _show(value: Any, limit: int = 1000) -> str:
    try:
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    except ValueError:  # an integer with more digits than Python will print
        text = "a number too long to show"
    return text if len(text) <= limit else text[:limit] + "…"


def _when(epoch: Any, now: float) -> str:
    ts = valid_time(epoch)
    if ts is None:
        return f"invalid: {_show(epoch, 40)} is not a time"
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
            try:
                text = " ".join(sorted(parse_scopes(value, strict=False)))
            except (TypeError, ValueError):
                text = "invalid: not a scope list"
        else:
            text = _show(value)
        rows.append(ClaimRow(label, claim, text, meaning))
    return rows


def fetch_jwks(url: str, transport: Any = None, timeout: float = 30.0) -> dict[str, Any]:
    """The issuer's signing keys from ``url``; AuthError (code jwks_failed) when not a key set."""
    from xero_nb.errors import AuthError
    from xero_nb.http import Client

    with Client(transport=transport, timeout=timeout) as http:
        resp = http.get(url)
    if resp.status_code != 200:
        raise AuthError(f"JWKS answered HTTP {resp.status_code}", code="jwks_failed")
    try:
        return dict(jsonsafe.loads(resp.content))
    except (ValueError, TypeError):
        raise AuthError("the JWKS answer is not a key set", code="jwks_failed") from None


class _ClaimsRegistry(jwt.JWTClaimsRegistry):
    """joserfc's registry with ``exp`` judged at the second: the leeway covers a clock a little
    behind the issuer's (nbf, iat), never a token past its expiry, which Xero refuses."""

    def validate_exp(self, value: object) -> None:
        leeway, self.leeway = self.leeway, 0
        try:
            super().validate_exp(value)
        finally:
            self.leeway = leeway


def verify_jwt(
    token: str,
    jwks: Mapping[str, Any],
    *,
    kind: str = "access",
    issuer: str = ISSUER,
    audience: str | None = None,
    clock: Clock = time.time,
    leeway: float = DEFAULT_LEEWAY,
    received_at: float | None = None,
) -> JWTView:
    """Verify signature (against ``jwks``), issuer, audience and times; never raises for a bad token.

    ``audience`` defaults to Xero's resource audience for access tokens; for id tokens pass
    the client id. ``leeway`` (XeroAuth's own, 60 s by default) is how far ``nbf`` and ``iat``
    may lie ahead of ``clock``; ``exp`` is judged at the second. ``received_at`` (when the token
    arrived, by ``clock``) against its issue time measures how far this clock is from the
    issuer's: beyond ``leeway``, a time problem is put down to the clock.
    """
    aud = audience if audience is not None else (AUDIENCE if kind == "access" else None)
    if not isinstance(token, str):
        return JWTView(kind, False, (f"not a token ({type(token).__name__})",))
    too_deep = _too_deep(token)
    if too_deep:
        return JWTView(kind, False, (too_deep,))
    try:
        keys = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError, RecursionError):
        return JWTView(kind, False, ("the issuer's JWKS could not be read",),
                       claims=jwt_claims(token))
    try:
        decoded = jwt.decode(token, keys, algorithms=list(ALGORITHMS))
    except (JoseError, ValueError, TypeError, KeyError, RecursionError) as exc:
        # Name the failure class only: joserfc's messages may quote the token.
        return JWTView(kind, False, (f"signature not verified ({type(exc).__name__})",),
                       claims=jwt_claims(token))
    options: dict[str, Any] = {"iss": {"essential": True, "value": issuer},
                               "exp": {"essential": True}}
    if aud is not None:
        options["aud"] = {"essential": True, "value": aud}
    now = clock()
    registry = _ClaimsRegistry(now=lambda: int(now), leeway=int(leeway), **options)
    claims = dict(decoded.claims)
    bad_times = [c for c in sorted(TIME_CLAIMS) if c in claims and valid_time(claims[c]) is None]
    problems = [f"{c} is not a valid time" for c in bad_times]
    try:
        registry.validate(claims)
    except JoseError as exc:
        claim = getattr(exc, "claim", None)
        if claim not in bad_times:  # a time that is no time is said above
            timed = isinstance(exc, (ExpiredTokenError, InvalidClaimError)) and claim in _CHECKED_TIMES
            problems.append(_time_problem(str(claim), claims, now, leeway,
                                          clock_skew(claims, received_at)) if timed
                            else _claim_problem(exc, claims, issuer, aud))
    except (TypeError, ValueError, OverflowError):
        problems.append("claims not valid")
    return JWTView(kind, not problems, tuple(problems), dict(decoded.header), claims)


def clock_skew(claims: Mapping[str, Any], received_at: float | None) -> float | None:
    """How far this machine's clock was ahead of the issuer's (negative: behind) when the token
    arrived: ``received_at`` less its issue time (``iat``, else ``nbf``, which Xero sets to the
    issue time). None when either is unknown."""
    issued = valid_time(claims.get("iat"))
    if issued is None:
        issued = valid_time(claims.get("nbf"))
    if received_at is None or issued is None:
        return None
    return received_at - issued


def _span(seconds: float) -> str:
    seconds = abs(seconds)
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def _time_problem(claim: str, claims: Mapping[str, Any], now: float, leeway: float,
                  skew: float | None) -> str:
    """Why a time claim failed, put down to this machine's clock when the token's claims and
    the clock disagree: a token from the future, or one past its expiry by a clock measured
    running ahead of the issuer's by more than ``leeway``."""
    if claim == "exp":
        exp = valid_time(claims.get("exp")) or now
        if skew is None or skew <= leeway:
            return f"expired {_span(now - exp)} ago: refresh the token"
        fresh = now < exp + skew  # by this clock, counted from when the token arrived
        return (f"expired {_span(now - exp)} ago by this machine's clock, which was about "
                f"{_span(skew)} ahead of the issuer's when the token arrived: "
                + ("the clock is likely wrong, not the token (token() counts from expires_in "
                   "and still treats it as fresh); set the clock right" if fresh else
                   "refresh the token, and set the clock right"))
    at = valid_time(claims.get(claim)) or now
    measured = (f" (by about {_span(skew)}, measured when the token arrived)"
                if skew is not None and skew < -leeway else "")
    return (f"not valid yet: {claim} is {_span(at - now)} ahead of this machine's clock ("
            f"{leeway:g} s allowed); a signed token does not come from the future, so this "
            f"machine's clock is likely behind the issuer's{measured}: set the clock right")


def _too_deep(token: str) -> str | None:
    """Why the token's header or claims are refused before decoding (JSON nested too deeply)."""
    for part in token.strip().split(".")[:2]:
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
            jsonsafe.check_depth(raw)
        except jsonsafe.TooDeepError as exc:
            return f"not a readable JWT (its JSON nests {exc.depth} levels deep)"
        except ValueError:
            return None  # not base64/JSON: joserfc says so
    return None


def _claim_problem(exc: JoseError, claims: Mapping[str, Any], issuer: str,
                   aud: str | None) -> str:
    name = type(exc).__name__
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
