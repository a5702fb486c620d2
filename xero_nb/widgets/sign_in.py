"""How a Connection signs in: the simulator's consent, PKCE with a loopback redirect, the
paste-the-redirect-URL fallback, client credentials, and re-consent with more scopes.

A mixin of ``connection.Connection``, which holds the state these methods read (the auth, the
mode, the settings) and reports through ``tell``/``_notify``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from xero_nb.catalog.scopes import parse_scopes
from xero_nb.errors import XeroNbWarning
from xero_nb.widgets.demo import simulated_consent
from xero_nb.widgets.notice import guarded


class SignIn:
    """The sign-in half of a Connection (see ``connection.Connection``)."""

    if TYPE_CHECKING:  # provided by Connection
        settings: Any
        grant: str
        mode: str
        transport: Any
        pending_url: str | None
        warnings: list[warnings.WarningMessage]

        def _need_auth(self) -> Any: ...
        def _took(self, token: Any, what: str) -> Any: ...
        def tell(self, text: str, kind: str = "info") -> None: ...
        def _notify(self, what: str) -> None: ...

    def _scope_list(self, scopes: Any) -> list[str]:
        base = scopes if scopes is not None else (self.settings.scopes if self.settings else ())
        return sorted(parse_scopes(base))

    @guarded
    def sign_in(self, scopes: Any = None, open_browser: bool = True, timeout: float = 180) -> Any:
        """Consent and get a token: automatic on the simulator, PKCE + loopback live."""
        return self._sign_in(scopes, open_browser, timeout)

    def _sign_in(self, scopes: Any = None, open_browser: bool = True,
                 timeout: float = 180) -> Any:
        # XeroAuth warns before asking for scopes Xero will refuse; the panel shows those
        # warnings with the outcome instead of letting them vanish into the kernel's log.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", XeroNbWarning)
            self.warnings = caught
            return self._consent(scopes, open_browser, timeout)

    def context_note(self) -> str:
        texts = list(dict.fromkeys(str(w.message) for w in self.warnings))
        return ("warned: " + "; ".join(texts)) if texts else ""

    def _consent(self, scopes: Any, open_browser: bool, timeout: float) -> Any:
        auth = self._need_auth()
        wanted = self._scope_list(scopes)
        if self.grant == "client_credentials":
            return self._took(auth.client_credentials(scopes=wanted), "Custom connection token")
        if self.mode == "simulator":
            return self._took(simulated_consent(auth, self.transport, wanted),
                              "Signed in to the simulator")
        token = auth.sign_in(open_browser=open_browser, timeout=timeout, scopes=wanted,
                             show=self._offer_link)
        return self._took(token, "Signed in to Xero")

    def _offer_link(self, url: str) -> None:
        # No browser on this machine (remote Jupyter): the panel shows the link instead; the
        # widget still updates while sign_in waits, since only incoming messages are blocked.
        self.pending_url = url
        self.tell("Open the consent link below; this waits for Xero's redirect to 127.0.0.1 "
                  "(on a remote Jupyter, use 'Get sign-in link' and paste the redirect URL).")

    @guarded
    def start_paste(self, scopes: Any = None) -> str | None:
        """Paste-the-redirect-URL fallback: the link to open (consent, then paste where it went)."""
        self.pending_url = self._need_auth().authorize_url(scopes=self._scope_list(scopes))
        self.tell("Open the link, consent, then paste the full URL your browser was sent to.")
        return self.pending_url

    @guarded
    def complete(self, redirect_url: str) -> Any:
        """Finish a sign-in with the pasted redirect URL (state is checked).

        The URL carries a one-time code: whatever the outcome, listeners hear
        ``"redirect_used"`` so the panel empties the field that held it.
        """
        try:
            if not redirect_url.strip():
                raise ValueError("paste the whole URL the browser was redirected to")
            token = self._need_auth().complete(redirect_url.strip())
            self.pending_url = None
            return self._took(token, "Signed in")
        finally:
            self._notify("redirect_used")

    def reconsent(self, scopes: Iterable[str]) -> Any:
        """Ask again with ``scopes`` (the fix loop). Simulator: done; live: sign-in or a link."""
        return self._sign_in(scopes=sorted(scopes))
