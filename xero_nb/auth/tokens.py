"""The OAuth2 token set as a frozen record that never shows its secrets.

>>> tok = Token.from_response({"access_token": "eyJ...wxyz", "expires_in": 1800,
...                            "scope": "openid accounting.settings.read"}, clock=lambda: 0.0)
>>> tok.expires_at, sorted(tok.scopes)
(1800.0, ['accounting.settings.read', 'openid'])
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from xero_nb.catalog.scopes import parse_scopes
from xero_nb.redact import jwt_claims, mask

Clock = Callable[[], float]
DEFAULT_LEEWAY = 60.0


@dataclass(frozen=True, slots=True)
class Secret:
    """A string that shows only its last 4 characters in repr/str; ``reveal()`` to use it."""

    _value: str = field(repr=False)

    def reveal(self) -> str:
        """The secret itself: pass it straight to the library that needs it."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({mask(self._value)})"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


def _granted(response: Mapping[str, Any]) -> frozenset[str]:
    # The token endpoint says "a b c"; the access token's JWT says ["a", "b", "c"]. The JWT is
    # what the API checks, the string is what the endpoint reported: keep both.
    from_string = parse_scopes(response.get("scope") or "", strict=False)
    claim = jwt_claims(response.get("access_token")).get("scope")
    from_jwt = parse_scopes(claim, strict=False) if claim else frozenset()
    return from_string | from_jwt


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

    @classmethod
    def from_response(
        cls,
        response: Mapping[str, Any],
        *,
        clock: Clock = time.time,
        requested: Iterable[str] | str | None = None,
    ) -> Token:
        """Build from a token-endpoint response (or a stored dict carrying ``expires_at``)."""
        if not response.get("access_token"):
            raise ValueError("token response has no access_token")
        now = float(response.get("obtained_at") or clock())
        # expires_in wins: authlib adds an expires_at from the wall clock, not ours.
        if response.get("expires_in") is not None:
            expires_at = now + float(response["expires_in"])
        else:
            expires_at = float(response.get("expires_at") or now)
        asked = response.get("requested") if requested is None else requested
        return cls(
            access_token=str(response["access_token"]),
            refresh_token=response.get("refresh_token") or None,
            id_token=response.get("id_token") or None,
            token_type=str(response.get("token_type") or "Bearer"),
            expires_at=expires_at,
            scopes=_granted(response),
            requested=parse_scopes(asked or (), strict=False),
            obtained_at=now,
            grant_type=str(response.get("grant_type") or "authorization_code"),
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
