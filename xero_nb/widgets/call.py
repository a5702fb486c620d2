"""What the CallPanel does, without widgets: name a request, see its permissions, send it,
consent to the missing scope and send again, keep the history, diagnose failures and pastes.

Everything that decides a fix (the diagnosis, the permissions, Consent) uses the connection's
real era and the token's real scopes: the Scopes tab's era and toggles are a what-if only.
"""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.scopes import OIDC_SCOPES
from xero_nb.models import Endpoint
from xero_nb.redact import redact
from xero_nb.widgets.call_values import body_frame, check_value
from xero_nb.widgets.history import Sent
from xero_nb.widgets.notice import Noticed, guarded
from xero_nb.widgets.pasted import PasteContext, PastedError
from xero_nb.widgets.permissions import ScopeRow, fix_scope, scope_rows
from xero_nb.widgets.request_bar import path_values, read_request
from xero_nb.widgets.scope_state import ScopeState
from xero_nb.widgets.table import TableState


class CallState(PastedError, Noticed):
    """One call being prepared, its last result, the diagnosis of a failure, and the history."""

    def __init__(self, connection: Any = None, scopes: ScopeState | None = None,
                 clock: Any = None) -> None:
        super().__init__()
        self.connection = connection
        self.scopes = scopes if scopes is not None else getattr(connection, "scopes", None) \
            or ScopeState()
        self.clock = clock or getattr(connection, "clock", None) or time.time
        self.endpoint: Endpoint | None = None
        self.values: dict[str, str] = {}
        self.request_text = ""
        self.request_notes: tuple[str, ...] = ()
        self.allow_writes = False
        self.result: Any = None
        self.diagnosis: Any = None
        self.pasted = ""
        self.paste_diagnosis: Any = None
        self.paste_context: PasteContext | None = None
        self.paste_use_request = False  # off: a paste is diagnosed with what the user gives only
        self.history: list[Sent] = []
        self.consent_url: str | None = None
        self.response_table = TableState(name="response", page_size=15)
        # The token and organisation the shown result belongs to: when either changes
        # (re-consent, sign-out, another app or tenant) the result is out of date and goes.
        self._basis = self._current_basis()
        if hasattr(connection, "subscribe"):
            connection.subscribe(self._on_connection)

    def _current_basis(self) -> tuple[Any, Any]:
        conn = self.connection
        return (getattr(conn, "token", None), getattr(conn, "tenant_id", None))

    def _on_connection(self, what: str) -> None:
        if what not in ("token", "tenant"):
            return
        basis = self._current_basis()
        if basis[0] is self._basis[0] and basis[1] == self._basis[1]:
            return
        old, self._basis = self._basis, basis
        self._notify("permissions")
        if self.result is not None or self.diagnosis is not None:
            why = ("signed out" if basis[0] is None else
                   "the token changed" if basis[0] is not old[0] else "the organisation changed")
            self.clear(f"The last result was cleared: {why}. Send again.")

    def clear(self, why: str = "") -> None:
        """Forget the last result and its diagnosis (they no longer match what is chosen)."""
        self.result, self.diagnosis = None, None
        self.response_table.set_frame(pd.DataFrame())
        if why:
            self.tell(why, "info")
        elif self.notice != ("", ""):
            self.notice = ("", "")
            self._notify("notice")
        self._notify("result")

    # -- reality: the app's era and the token's scopes ----------------------------------
    def real_era(self) -> str | None:
        """The app's own era (None: live, not known); never the Scopes tab's what-if era."""
        conn = self.connection
        if conn is not None and hasattr(conn, "era"):
            return conn.era
        return self.scopes.token_era

    def judged_era(self) -> str:
        """The era the permissions are judged in: the real one, else a guess from the scopes."""
        from xero_nb.diagnose.context import guess_era

        return self.real_era() or guess_era(self.scopes.granted) or "mixed"

    # -- preparing ---------------------------------------------------------------------
    @guarded
    def choose(self, key: tuple[str, str] | None) -> None:
        """Pick the endpoint by ``(api, operation_id)``; its parameters start empty.

        Choosing the endpoint already chosen keeps its values and result.
        """
        ep = load_catalog().get(*key) if key else None
        if ep is not None and self.endpoint is not None and ep.key == self.endpoint.key:
            return
        self._set_endpoint(ep, {})

    def _set_endpoint(self, ep: Endpoint | None, values: dict[str, str]) -> None:
        self.endpoint, self.values = ep, values
        self.consent_url = None
        self._notify("endpoint")
        self._notify("permissions")
        self.clear()

    @guarded
    def choose_url(self, method: str, url: str, region: str | None = None) -> None:
        """Pick the endpoint a METHOD and URL mean (path ids are filled in from the URL)."""
        ep = load_catalog().find(method, url, region=region)
        if ep is None:
            raise LookupError(f"no Xero endpoint matches {method.upper()} {url}")
        self._set_endpoint(ep, path_values(ep, url))

    @guarded
    def use_request(self, text: str) -> Endpoint | None:
        """The request bar: a URL, path, ``GET /Invoices``, curl command or log line -> endpoint.

        Path and query values are filled from it; the permissions follow at once.
        """
        # What was pasted may hold a token: only its redacted form is kept, whatever happens.
        self.request_text = redact(text.strip())
        self._notify("request_text")
        org = self.connection.organisation() if hasattr(self.connection, "organisation") else None
        country = getattr(org, "country", None) if org is not None else None
        read = read_request(text, country=country if isinstance(country, str) else None)
        assert read.endpoint is not None
        self.request_notes = read.notes
        self._set_endpoint(read.endpoint, {**read.path_values, **read.query_values})
        filled = len(read.path_values) + len(read.query_values)
        self.tell(f"{read.endpoint.method} {read.endpoint.path} ({read.endpoint.api}."
                  f"{read.endpoint.operation_id})" + (f", {filled} parameter(s) filled" if filled
                                                      else "")
                  + ("; " + "; ".join(read.notes) if read.notes else ""), "ok")
        return read.endpoint

    def set_value(self, name: str, value: str) -> None:
        """Set one path or query parameter (validated on Send)."""
        self.values[name] = str(value)

    def set_allow_writes(self, on: bool) -> None:
        """Writes (POST/PUT/PATCH/DELETE) are only sent with this switch on."""
        self.allow_writes = bool(on)
        self._notify("endpoint")

    def problems(self) -> dict[str, str]:
        """Parameter name -> what is wrong with its value."""
        if self.endpoint is None:
            return {}
        out = {}
        for p in self.endpoint.params:
            why = check_value(p, self.values.get(p.name, ""))
            if why:
                out[p.name] = why
        return out

    # -- permissions of the current request ----------------------------------------------
    def permissions(self) -> list[ScopeRow]:
        """Each scope that would grant the current request, with its status (real era)."""
        if self.endpoint is None:
            return []
        return scope_rows(self.endpoint, self.judged_era(), self.scopes.granted,
                          self.scopes.requested)

    def fix_scope(self) -> str | None:
        """The narrowest scope the app may obtain that grants the current request."""
        if self.endpoint is None:
            return None
        return fix_scope(self.endpoint, self.judged_era(), self.scopes.granted)

    @guarded
    def consent(self, auto: bool | None = None) -> str | None:
        """Re-consent with the narrowest missing scope added, then send the request again.

        On the simulator the consent page opens in a browser tab (``consent_url``) unless
        auto-approve is chosen (``auto`` or the connection's ``sim_auto_approve``).
        """
        conn, ep = self.connection, self.endpoint
        if ep is None:
            raise ValueError("choose a request first (the request bar)")
        if conn is None or getattr(conn, "auth", None) is None:
            raise RuntimeError("connect first (Connect tab)")
        add = self.fix_scope()
        if add is None:
            from xero_nb.catalog.scopes import is_allowed

            if is_allowed(ep, self.scopes.granted, self.judged_era()):
                raise ValueError(f"nothing to add: the token already allows {ep.method} {ep.path}")
            raise ValueError(f"no scope this app may ask for grants {ep.method} {ep.path} in "
                             f"the {self.judged_era()} era")
        base = set(self.scopes.requested | self.scopes.granted) | (
            set(OIDC_SCOPES) & set(self.scopes.requested))
        wanted = sorted(base | {add})
        auto = getattr(conn, "sim_auto_approve", False) if auto is None else auto
        if getattr(conn, "mode", "") == "simulator" and auto:
            if conn.reconsent(wanted) is None:
                return None
            self.tell(f"Re-consented with {add} added; sending again", "ok")
            self.send()
            return None
        self.consent_url = conn.consent_in_browser(wanted, done=self._resend)
        self._notify("consent")
        return self.consent_url

    def _resend(self) -> None:
        self.consent_url = None
        self._notify("consent")
        self.send()

    # -- sending -------------------------------------------------------------------------
    @guarded
    def send(self) -> Any:
        """Send the call to the chosen organisation; a failure gets its diagnosis."""
        ep = self.endpoint
        if ep is None:
            raise ValueError("choose an endpoint first")
        if self.connection is None or getattr(self.connection, "auth", None) is None:
            raise RuntimeError("connect first (Connect tab)")
        if getattr(self.connection, "token", None) is None:
            raise RuntimeError("sign in first (Connect tab)")
        bad = self.problems()
        if bad:
            raise ValueError("; ".join(bad.values()))
        if ep.is_write and not self.allow_writes:
            raise PermissionError(f"{ep.method} changes the organisation: switch on "
                                  "'allow writes' to send it")
        path = {p.name: self.values[p.name].strip() for p in ep.path_params}
        query = {p.name: self.values[p.name].strip() for p in ep.query_params
                 if self.values.get(p.name, "").strip()}
        self.clear()  # a failed send must not leave the previous call's result on show
        self._basis = self._current_basis()
        client = self.connection.client(allow_writes=self.allow_writes)
        at = self.clock()
        try:
            self.result = client.call(ep, path_params=path, query=query or None)
        finally:
            client.close()
        self.history.append(Sent.of(len(self.history) + 1, at, self.result,
                                    {**path, **query}))
        self.diagnosis = None if self.result.ok else self.result.diagnosis(**self._context())
        rows = body_frame(self.result.body)
        self.response_table.set_frame(rows if rows is not None else pd.DataFrame())
        self.tell(self.result.summary(), "ok" if self.result.ok else "error")
        self._notify("result")
        self._notify("history")
        return self.result

    def _context(self) -> dict[str, Any]:
        """What the connection really is: its era, connections, requested scopes, links."""
        conn = self.connection
        ctx: dict[str, Any] = {"era": self.real_era()}
        if conn is not None:
            ctx["connections"] = list(getattr(conn, "tenants", []) or [])
            tok = getattr(conn, "token", None)
            if tok is not None and getattr(tok, "requested", None):
                ctx["requested"] = sorted(tok.requested)
            settings = getattr(conn, "settings", None)
            if getattr(conn, "mode", "") == "simulator":
                # Links point at the served simulator, never at login.xero.com.
                if hasattr(conn, "sim_link"):
                    ctx["authorize"] = conn.sim_link
            elif settings is not None and settings.client_id:
                ctx["client_id"] = settings.client_id
                ctx["redirect_uri"] = settings.redirect_uri
            org = conn.organisation() if hasattr(conn, "organisation") else None
            if org is not None:
                ctx["organisation"] = org
        return ctx

    def report_sources(self) -> dict[str, Any]:
        """What the Report button reports: the token and its organisations, the era, the last send
        when it failed (diagnosed in the report with this context) and the pasted error's diagnosis."""
        conn = self.connection
        out: dict[str, Any] = {"era": self.real_era()}
        token = getattr(conn, "token", None)
        if token is not None:
            out["token"] = token
            out["tenants"] = list(getattr(conn, "tenants", []) or [])
        org = conn.organisation() if conn is not None and hasattr(conn, "organisation") else None
        if org is not None:
            out["organisation"] = org
        failures: list[Any] = []
        if self.result is not None and not self.result.ok:
            failures.append(self.result)
        if self.paste_diagnosis is not None:
            failures.append(self.paste_diagnosis)
        out["failures"] = failures
        return out

    def response_info(self) -> list[tuple[str, Any]]:
        """Status, correlation id, limits, timing of the last result (no secrets)."""
        r = self.result
        if r is None:
            return []
        lim = r.limits
        return [
            ("status", r.status or f"no response ({r.error})"),
            ("url", r.url),
            ("Xero-Correlation-Id", r.correlation_id or ""),
            ("limits left (day / minute / app minute)",
             f"{lim.day_remaining} / {lim.minute_remaining} / {lim.app_minute_remaining}"),
            ("time", f"{r.elapsed * 1000:.0f} ms in {r.attempts} attempt(s)"),
            ("judged in", f"the app's {self.real_era() or 'unknown'} era with the token's "
                          f"{len(self.scopes.granted)} granted scopes (not the Scopes what-if)"),
        ]
