"""How a Connection signs in: the simulator's consent, PKCE with a loopback redirect, the
paste-the-redirect-URL fallback, client credentials, and re-consent with more scopes.

A mixin of ``connection.Connection``, which holds the state these methods read (the auth, the
mode, the settings) and reports through ``tell``/``_notify``.
"""

from __future__ import annotations

import secrets
import threading
import warnings
from collections.abc import Callable, Iterable
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
        sim: Any
        urls: Any
        sim_auto_approve: bool
        _sim_server: Any
        _catcher: Any
        _consent_seq: int
        _consent_thread: Any
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

    def _sign_in(self, scopes: Any = None, open_browser: bool | Callable[[str], Any] = True,
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

    def _consent(self, scopes: Any, open_browser: bool | Callable[[str], Any],
                 timeout: float) -> Any:
        auth = self._need_auth()
        wanted = self._scope_list(scopes)
        if self.grant == "client_credentials":
            return self._took(auth.client_credentials(scopes=wanted), "Custom connection token")
        if self.mode == "simulator":
            self.sim.auto_approve = True  # a consent page opened earlier may have turned it off
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
        url = self._need_auth().authorize_url(scopes=self._scope_list(scopes))
        if self.mode == "simulator":  # the simulator's own page, never login.xero.com
            self.sim.auto_approve = False
            url = self.on_simulator(url)
        self.pending_url = url
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

    # -- consent in a browser tab, waited for on a thread ----------------------------------
    def sim_origin(self) -> str:
        """The simulator served on 127.0.0.1 (started on first use): its pages open in a browser."""
        if self.mode != "simulator" or self.sim is None:
            raise RuntimeError("not on the simulator")
        server = self._sim_server
        if server is None or getattr(server, "sim", None) is not self.sim:
            server = self._sim_server = self.sim.serve()
        return str(server.url)

    def on_simulator(self, url: str) -> str:
        """A login.xero.com (or identity.xero.com) URL moved onto the served simulator."""
        from xero_nb.facts import XeroURLs

        served = XeroURLs.on(self.sim_origin())
        if url.startswith(self.urls.authorize):
            return served.authorize + url[len(self.urls.authorize):]
        return url

    def sim_link(self, scopes: Iterable[str]) -> str:
        """A consent link on the served simulator (only once it is served; else RuntimeError).

        The diagnosis's fix links use this on the simulator, so none points at login.xero.com.
        """
        if self._sim_server is None:
            raise RuntimeError("the simulator is not served yet")
        from urllib.parse import urlencode

        query = urlencode({"response_type": "code", "client_id": self.settings.client_id,
                           "redirect_uri": self.settings.redirect_uri,
                           "scope": " ".join(scopes)})
        return f"{self.on_simulator(self.urls.authorize)}?{query}"

    @guarded
    def consent_in_browser(self, scopes: Iterable[str], done: Callable[[], Any] | None = None,
                           timeout: float = 300) -> str | None:
        """Re-consent on a consent page in a browser tab, as live Xero does; returns its link.

        On the simulator the page is the served simulator's own (auto-approve off); live, it is
        Xero's sign-in. A thread waits for the redirect to 127.0.0.1, takes the new token and
        then calls ``done()`` (e.g. send the request again). ``pending_url`` holds the link.
        """
        wanted = self._scope_list(scopes)
        auth = self._need_auth()
        if self.grant == "client_credentials":
            raise RuntimeError("a custom connection has no consent page: its scopes are set "
                               "on the app in Xero's developer portal")
        if self.mode != "simulator":
            def live() -> None:
                self._sign_in(wanted, open_browser=self._offer_link, timeout=timeout)
            self._wait_then(live, done)
            return self.pending_url
        from xero_nb.auth.callback import CallbackServer

        old = self._catcher
        if old is not None:  # an earlier consent page still waiting: this one replaces it
            old.close()
        state = secrets.token_urlsafe(24)
        catcher = self._catcher = CallbackServer("http://127.0.0.1/callback", state)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", XeroNbWarning)
                self.warnings = caught
                url = auth.authorize_url(wanted, redirect_uri=catcher.redirect_uri, state=state)
            self.sim.auto_approve = False
            url = self.on_simulator(url)
        except BaseException:
            catcher.close()
            raise
        self.pending_url = url
        self.tell("Open the simulator's consent page (link below), choose Allow access; the "
                  "request is sent again once you have consented.")

        def page() -> None:
            result = catcher.wait(timeout)
            self.pending_url = None
            self._took(auth.complete(result.url), "Re-consented on the simulator's consent page")
        self._wait_then(page, done)
        return url

    def _wait_then(self, wait: Callable[[], Any], done: Callable[[], Any] | None) -> None:
        self._consent_seq = seq = self._consent_seq + 1

        def run() -> None:
            try:
                wait()
            except Exception as exc:  # shown as the notice: a thread has nobody else to tell
                if seq != self._consent_seq:
                    return  # replaced by a later consent: its outcome is the one to show
                code = getattr(exc, "code", None)
                self.tell(f"{type(exc).__name__}" + (f" [{code}]" if isinstance(code, str) else "")
                          + f": {exc}", "error")
                return
            if done is not None and seq == self._consent_seq:
                done()
        self._consent_thread = threading.Thread(target=run, daemon=True, name="xero-nb-consent")
        self._consent_thread.start()

    def wait_consent(self, timeout: float = 60) -> bool:
        """Wait for a consent started by ``consent_in_browser`` (True: it finished)."""
        thread = self._consent_thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()
