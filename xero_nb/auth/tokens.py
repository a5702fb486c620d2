"""The OAuth2 token set as a frozen record that never shows its secrets.

>>> tok = Token.from_response({"access_token": "eyJ...wxyz", "expires_in": 1800,
...                            "scope": "openid accounting.settings.read"}, clock=lambda: 0.0)
>>> tok.expires_at, sorted(tok.scopes)
(1800.0, ['accounting.settings.read', 'openid'])
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from xero_nb.auth.logs import install_log_redaction
from xero_nb.catalog.scopes import parse_scopes
from xero_nb.redact import jwt_claims, mask, remember_secret

Clock = Callable[[], float]
DEFAULT_LEEWAY = 60.0
# Epoch seconds a datetime can show: 0001-01-01 to 9999-12-31 (beyond: not a time).
EPOCH_RANGE = (-62135596800.0, 253402300799.0)


@dataclass(frozen=True, slots=True)
class Secret:
    """A string that shows only its last 4 characters in repr/str; ``reveal()`` to use it."""

    _value: str = field(repr=False)

    def __post_init__(self) -> None:
        remember_secret(self._value)

    def reveal(self) -> str:
        """The secret itself: pass it straight to the library that needs it."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({mask(self._value)})"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


def _granted(response: Mapping[str, Any], access: str) -> frozenset[str]:
    # The token endpoint says "a b c"; the access token's JWT says ["a", "b", "c"]. The JWT is
    # what the API checks, the string is what the endpoint reported: keep both.
    from_string = _scopes(response.get("scope") or "", "scope")
    claim = jwt_claims(access).get("scope")
    try:
        from_jwt = parse_scopes(claim, strict=False) if claim else frozenset()
    except (TypeError, ValueError):
        from_jwt = frozenset()  # an odd claim is the API's business: the string still counts
    return from_string | from_jwt


def _scopes(value: Any, name: str) -> frozenset[str]:
    try:
        return parse_scopes(value, strict=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"token {name} is not a scope list ({exc})") from None


def _text(response: Mapping[str, Any], name: str) -> str | None:
    value = response.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"token {name} must be a string, not {type(value).__name__}")
    return value


def _seconds(value: Any, name: str) -> float:
    """A finite number of seconds (numbers or numeric strings), else ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"token {name} must be a number, not {type(value).__name__}")
    try:
        number = float(value)
    except (ValueError, OverflowError):
        raise ValueError(f"token {name} is not a number") from None
    if not math.isfinite(number) or not EPOCH_RANGE[0] <= number <= EPOCH_RANGE[1]:
        raise ValueError(f"token {name} is out of range ({number:g})")
    return number


@dataclass(frozen=True, slots=True)
class Token:
    """One OAuth2 token set; ``expires_at`` and ``obtained_at`` are epoch seconds."""

    access_token: str
    refresh_token: str | None = None
    id_token: str | None = None
    token_type: str = "Bearer"
    expires_at: float = 0.0
    scopes: frozenset[str] = frozenset()
    requested: frozenset[str] = frozenset()
    obtained_at: float = 0.0
    grant_type: str = "authorization_code"  # how it was obtained: or "client_credentials"

    def __post_init__(self) -> None:
        for secret in (self.access_token, self.refresh_token, self.id_token):
            remember_secret(secret)
        install_log_redaction(rescan=False)  # a kernel holding a token logs none

    @classmethod
    def from_response(
        cls,
        response: Mapping[str, Any],
        *,
        clock: Clock = time.time,
        requested: Iterable[str] | str | None = None,
    ) -> Token:
        """Build from a token-endpoint response (or a stored dict carrying ``expires_at``).

        Raises ValueError for a value of the wrong type, a time out of range or JSON nested
        too deeply, and never quotes a token in the message.
        """
        if not isinstance(response, Mapping):
            raise ValueError(f"a token response is a mapping, not {type(response).__name__}")
        access = _text(response, "access_token")
        if not access:
            raise ValueError("token response has no access_token")
        now = _seconds(response.get("obtained_at") or clock(), "obtained_at")
        # expires_in wins: authlib adds an expires_at from the wall clock, not ours.
        if response.get("expires_in") is not None:
            expires_at = _seconds(now + _seconds(response["expires_in"], "expires_in"), "expiry")
        else:
            expires_at = _seconds(response.get("expires_at") or now, "expires_at")
        asked = response.get("requested") if requested is None else requested
        return cls(
            access_token=access,
            refresh_token=_text(response, "refresh_token"),
            id_token=_text(response, "id_token"),
            token_type=_text(response, "token_type") or "Bearer",
            expires_at=expires_at,
            scopes=_granted(response, access),
            requested=_scopes(asked or (), "requested"),
            obtained_at=now,
            grant_type=_text(response, "grant_type") or "authorization_code",
        )

    def expires_in(self, clock: Clock = time.time) -> float:
        """Seconds until the access token expires (negative once it has)."""
        return self.expires_at - clock()

    def expired(self, clock: Clock = time.time, leeway: float = DEFAULT_LEEWAY) -> bool:
        """True when the access token expires within ``leeway`` seconds (refresh now)."""
        return self.expires_in(clock) <= leeway

    def to_response(self) -> dict[str, Any]:
        """The dict authlib's clients take as ``token=`` (with ``expires_at``)."""
        out: dict[str, Any] = {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires_at": int(self.expires_at),
            "scope": " ".join(sorted(self.scopes)),
        }
        if self.refresh_token:
            out["refresh_token"] = self.refresh_token
        if self.id_token:
            out["id_token"] = self.id_token
        return out

    def to_dict(self) -> dict[str, Any]:
        """Everything, for the token store (``from_response`` reads it back)."""
        out = self.to_response()
        out["expires_at"] = self.expires_at
        out["requested"] = sorted(self.requested)
        out["obtained_at"] = self.obtained_at
        out["grant_type"] = self.grant_type
        return out

    def claims(self) -> dict[str, Any]:
        """The access token's claims, NOT verified (see xero_nb.auth.jwt for that)."""
        return jwt_claims(self.access_token)

    @property
    def auth_event_id(self) -> str | None:
        """The consent this token came from (matches ``authEventId`` on /connections)."""
        value = self.claims().get("authentication_event_id")
        return str(value) if value else None

    def __repr__(self) -> str:
        return (
            f"Token(access_token={mask(self.access_token)}, "
            f"refresh_token={mask(self.refresh_token)}, id_token={mask(self.id_token)}, "
            f"token_type={self.token_type!r}, expires_at={self.expires_at:.0f}, "
            f"scopes={sorted(self.scopes)!r})"
        )

    __str__ = __repr__
