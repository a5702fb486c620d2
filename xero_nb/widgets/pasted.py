"""The context a pasted error was diagnosed with, in words, to show next to the result.

Plain Python. A paste is diagnosed with what it holds and what the user gives (an endpoint, the
scopes the token held, the era); the current request's context is used only when asked. What
was used, and where each piece came from, is said next to the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xero_nb.redact import REDACTED, redact
from xero_nb.widgets.notice import guarded
from xero_nb.widgets.request_bar import read_request

if TYPE_CHECKING:
    from xero_nb.widgets.scope_state import ScopeState


@dataclass(frozen=True)
class PasteContext:
    """Endpoint, scopes and era a paste was diagnosed with, each with where it came from."""

    endpoint: str
    scopes: str
    era: str
    source: str  # "given" (typed next to the paste) or "the current request"

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) rows for the panel."""
        return [("context", self.source), ("endpoint", self.endpoint), ("scopes", self.scopes),
                ("era", self.era)]


def _endpoint_text(value: Any) -> str:
    if value is None:
        return ""
    method, path = getattr(value, "method", None), getattr(value, "path", None)
    if method and path:
        return f"{method} {path} ({value.api}.{value.operation_id})"
    return redact(str(value))[:200]


def scopes_only(typed: str) -> str:
    """What the scopes box keeps after a diagnosis: its scope names, redacted; a token or secret
    typed there (not shaped like a scope name) is dropped, so it is neither shown nor saved."""
    from xero_nb.diagnose.context import scope_values  # (the diagnosis package: loaded when used)

    try:
        held, hidden = scope_values(typed)
    except Exception:  # unreadable: the redacted text, as before
        return redact(typed)
    return redact(" ".join(sorted(held))) if hidden else redact(typed)


def paste_context(diagnosis: Any, ctx: dict[str, Any], use_request: bool) -> PasteContext:
    """What the diagnosis of a paste used: from ``ctx`` (given), else what the paste held."""
    obs = getattr(diagnosis, "observed", None)
    source = "the current request (endpoint, token scopes, the app's era)" if use_request \
        else "only the paste and what you typed next to it"
    given = _endpoint_text(ctx.get("endpoint"))
    if given:
        endpoint = given + (" (the current request)" if use_request else " (given)")
    elif obs is not None and (obs.method or obs.url):
        endpoint = f"{obs.method or '?'} {redact(obs.url or '?')[:200]} (read from the paste)"
    else:
        endpoint = "not known: none given, none in the paste"
    granted = ctx.get("granted")
    if granted:
        from xero_nb.diagnose.context import scope_values

        held, hidden = scope_values(granted)  # a token or secret typed where scopes go: never shown
        scopes = (" ".join(sorted(held)) or "none") + (" (the token's)" if use_request else " (given)") + (
            f"; {hidden} value(s) that are no scope names (a token, a secret) left out, not shown"
            if hidden else "")
    elif obs is not None and obs.token_scopes:
        scopes = " ".join(sorted(obs.token_scopes)) + " (from a token in the paste)"
    elif obs is not None and any(k.lower() == "authorization" for k, _ in obs.request_headers or ()):
        scopes = ("not known: none given; the paste holds a token (redacted), but no scopes could be read "
                  "from it (not a JWT, or cut short)")
    else:
        scopes = "not known: none given, no token in the paste"
    era = ctx.get("era")
    if era:
        era_text = f"{era}" + (" (the app's)" if use_request else " (given)")
    else:
        era_text = "not given: judged from the scope names, else mixed"
    return PasteContext(endpoint, scopes, era_text, source)


class PastedError:
    """The paste half of a CallState (see ``call.CallState``): a pasted error, diagnosed with
    the context the user gives, or with the current request's only when asked."""

    if TYPE_CHECKING:  # provided by CallState
        pasted: str
        paste_diagnosis: Any
        paste_context: PasteContext | None
        paste_use_request: bool
        endpoint: Any
        scopes: ScopeState

        def _context(self) -> dict[str, Any]: ...
        def tell(self, text: str, kind: str = "info") -> None: ...
        def _notify(self, what: str) -> None: ...

    def set_paste_use_request(self, on: bool) -> None:
        """Diagnose pastes with the current request's context (endpoint, scopes, era) or not."""
        self.paste_use_request = bool(on)
        self._notify("paste_options")

    @guarded
    def diagnose_pasted(self, text: str | None = None, *, endpoint: str = "", scopes: str = "",
                        era: str = "", use_request: bool | None = None) -> Any:
        """Diagnose an error pasted from elsewhere (an SDK printout, a log line, a body).

        Only what the paste holds and what is given here is used (``endpoint`` such as
        ``GET /Invoices``, ``scopes`` the token held, ``era``), unless ``use_request`` (or
        ``paste_use_request``) takes the current request's endpoint, scopes and era instead.
        The context used is kept in ``paste_context`` and shown with the result.
        """
        from xero_nb.diagnose.diagnosis import diagnose  # type: ignore[import-untyped,unused-ignore]

        # The box shows the redacted paste after a diagnosis; sent again unchanged, it stands
        # for the paste itself (whose token claims the diagnosis may read).
        lost = ""  # an edit of the redacted box: the token the earlier paste held is gone from it
        if text is not None and text != self.pasted_shown():
            earlier = getattr(getattr(self.paste_diagnosis, "observed", None), "token_scopes", None)
            if earlier and REDACTED in text and not scopes.strip():
                lost = (" The token in the earlier paste is redacted in the box, so its scopes were not "
                        "read this time: type them in the scopes box (" + " ".join(sorted(earlier))[:300]
                        + ").")
            self.pasted = text
        if use_request is not None:
            self.paste_use_request = bool(use_request)
        if not self.pasted.strip():  # the last answer is not this (empty) paste's: it goes
            self.paste_diagnosis, self.paste_context = None, None
            self._notify("paste_result")
            raise ValueError("paste an error message or response first")
        try:
            if self.paste_use_request:
                ctx = self._context()
                if self.endpoint is not None:
                    ctx["endpoint"] = self.endpoint
                if self.scopes.granted:
                    ctx["granted"] = sorted(self.scopes.granted)
            else:
                ctx = {}
                if endpoint.strip():
                    ctx["endpoint"] = _given_endpoint(endpoint)
                if scopes.strip():
                    ctx["granted"] = scopes
                if era.strip():
                    ctx["era"] = era.strip()
            self.paste_diagnosis = diagnose(text=self.pasted, **ctx)
            self.paste_context = paste_context(self.paste_diagnosis, ctx, self.paste_use_request)
        finally:
            self._notify("pasted")  # the box drops the tokens it was given, whatever happened
        top = self.paste_diagnosis.findings[0].code if self.paste_diagnosis.findings \
            else "unknown"
        self.tell(f"Pasted error diagnosed: {top}.{lost}" if lost else f"Pasted error diagnosed: {top}",
                  "warning" if lost else "info")
        self._notify("paste_result")
        return self.paste_diagnosis

    def pasted_shown(self) -> str:
        """The pasted error as the panel may keep showing it: tokens and secrets redacted."""
        return redact(self.pasted)


def _given_endpoint(text: str) -> Any:
    """The endpoint typed next to a paste, read like the request bar reads (else the text)."""
    try:
        return read_request(text).endpoint or text.strip()
    except (LookupError, ValueError):
        return text.strip()  # the diagnosis says it is not in the catalog
