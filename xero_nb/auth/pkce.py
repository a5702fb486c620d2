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
from urllib.parse import parse_qsl, urlsplit, urlunsplit

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

        A paste that is not a redirect URL (empty, a bare code, plain text), a parameter given
        twice, no ``code``, or a forged or stale ``state`` is refused and the sign-in stays
        pending, so the genuine URL still completes it; an ``error`` from Xero (explained for the
        scopes asked) ends it, and so does the code exchange that follows. The message never
        repeats the paste: it may hold a code.
        """
        text = redirect_url.strip() if isinstance(redirect_url, str) else ""
        parts = urlsplit(text)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        names = [name for name, _ in pairs]
        if not {"code", "state", "error"} & set(names):
            raise self._not_a_redirect(text, parts.fragment)
        doubled = sorted(n for n in {"code", "state", "error"} if names.count(n) > 1)
        if doubled:
            raise AuthError(f"the redirect URL has {' and '.join(doubled)} more than once; Xero "
                            f"sends each once, so the URL was changed after Xero sent it",
                            code="state_mismatch",
                            hint="paste the address exactly as the browser shows it (the sign-in "
                                 "is still waiting for it)")
        query = dict(pairs)
        if not query.get("state"):
            raise AuthError("the redirect URL has no state, so it cannot be matched to a sign-in",
                            code="state_mismatch",
                            hint="paste the whole URL from the browser's address bar")
        pending = self._by_state.get(query["state"])
        if pending is None:
            raise AuthError("the redirect's state matches no sign-in started here",
                            code="state_mismatch",
                            hint="a forged or stale redirect (or one for a sign-in started in "
                                 "another kernel); start sign-in again")
        if "error" in query:
            del self._by_state[pending.state]
            raise explain_oauth_error(query["error"], query.get("error_description"),
                                      requested=pending.scopes, era=era, stage="authorize")
        if not query.get("code"):
            raise AuthError("the redirect URL has no code", code="missing_code",
                            hint="paste the whole URL from the browser's address bar")
        del self._by_state[pending.state]  # one use, whatever happens next
        remember_secret(query["code"])
        return pending, urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))

    def _not_a_redirect(self, text: str, fragment: str) -> AuthError:
        """Why a paste is not the redirect URL, without repeating it (it may hold a code)."""
        if not text:
            what = "nothing was pasted"
        elif "code=" in fragment or "state=" in fragment:
            what = ("that URL has its code and state after '#', where Xero never puts them: the "
                    "redirect URI has a '#' in it, or the URL was edited")
        elif "?" not in text and ("code=" in text or (" " not in text and "/" not in text)):
            what = "that looks like the code alone; the whole redirect URL is needed (its state too)"
        else:
            what = "that is not a redirect URL: its query has no code and no state"
        redirects = sorted({p.redirect_uri for p in self._by_state.values()})
        starts = f"; it starts with {redirects[-1]}?" if len(redirects) == 1 else ""
        waiting = (" (the sign-in is still waiting for it)" if self._by_state
                   else "; no sign-in is waiting here: start one with sign_in() or authorize_url()")
        return AuthError(what, code="not_a_redirect_url",
                         hint=f"after consenting, paste the whole address from the browser's "
                              f"address bar{starts}{waiting}")
