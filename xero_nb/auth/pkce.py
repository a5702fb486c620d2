"""Sign-ins in progress: the PKCE verifier and ``state`` of each authorize URL, until its redirect.

>>> pending = PendingSignIns()
>>> pending.remember(PendingSignIn("s1", "v" * 64, ("openid",), "http://127.0.0.1:5000/cb"))
>>> pending.take("http://127.0.0.1:5000/cb?code=abc&state=s1")[0].scopes
('openid',)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit, urlunsplit

from xero_nb.auth.explain import explain_oauth_error
from xero_nb.errors import AuthError
from xero_nb.redact import remember_secret

PENDING_KEEP = 8  # authorize URLs still accepted (what-if widgets make several)


@dataclass(frozen=True, slots=True)
class PendingSignIn:
    """One authorize URL handed out: what its redirect must match, and the verifier to send."""

    state: str
    verifier: str = dataclasses.field(repr=False)
    scopes: tuple[str, ...]
    redirect_uri: str

    def __post_init__(self) -> None:
        remember_secret(self.verifier)

    def __repr__(self) -> str:
        return f"PendingSignIn(scopes={self.scopes!r})"


class PendingSignIns:
    """The last ``PENDING_KEEP`` sign-ins started here, by ``state``; each redirect is used once."""

    def __init__(self) -> None:
        self._by_state: dict[str, PendingSignIn] = {}

    def __iter__(self) -> Iterator[PendingSignIn]:
        return iter(self._by_state.values())

    def __len__(self) -> int:
        return len(self._by_state)

    def remember(self, pending: PendingSignIn) -> None:
        """Keep ``pending`` until its redirect comes back (the oldest go past PENDING_KEEP)."""
        self._by_state[pending.state] = pending
        while len(self._by_state) > PENDING_KEEP:
            self._by_state.pop(next(iter(self._by_state)))

    def take(self, redirect_url: str, era: str | None = None) -> tuple[PendingSignIn, str]:
        """The sign-in a redirect URL answers, and the URL without its fragment; raises AuthError.

        A forged or stale ``state``, an ``error`` from Xero (explained for the scopes asked),
        or a URL with no ``code`` are refused; the sign-in is spent either way except for a
        URL that matches none.
        """
        parts = urlsplit(redirect_url.strip())
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        pending = self._by_state.get(query.get("state", ""))
        if pending is None:
            raise AuthError("the redirect's state matches no sign-in started here",
                            code="state_mismatch",
                            hint="a forged or stale redirect; start sign-in again")
        if "error" in query:
            del self._by_state[pending.state]
            raise explain_oauth_error(query["error"], query.get("error_description"),
                                      requested=pending.scopes, era=era, stage="authorize")
        if "code" not in query:
            raise AuthError("the redirect URL has no code", code="missing_code",
                            hint="paste the whole URL from the browser's address bar")
        del self._by_state[pending.state]  # one use, whatever happens next
        remember_secret(query["code"])
        return pending, urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
