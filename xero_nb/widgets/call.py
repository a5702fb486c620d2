"""What the CallPanel does, without widgets: fill a call, send it, show and diagnose it."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pandas as pd

from xero_nb.catalog.index import load_catalog
from xero_nb.models import Endpoint, Param
from xero_nb.redact import redact
from xero_nb.widgets.notice import Noticed, guarded
from xero_nb.widgets.scope_state import ScopeState
from xero_nb.widgets.table import TableState

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def check_value(param: Param, value: str) -> str | None:
    """Why ``value`` is not valid for ``param`` (None: fine; empty optional values are fine)."""
    text = value.strip()
    if not text:
        return f"{param.name} is required" if param.required or param.location == "path" else None
    if param.format == "uuid" and not GUID.match(text):
        return f"{param.name} must be a GUID like 2c1d6b8e-1234-4abc-9def-0123456789ab"
    if param.format == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            return f"{param.name} must be a date YYYY-MM-DD"
    if param.format == "date-time":
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return f"{param.name} must be a date-time like 2026-01-31T00:00:00"
    if param.type == "integer" and not re.fullmatch(r"-?\d+", text):
        return f"{param.name} must be a whole number"
    if param.type == "boolean" and text.lower() not in ("true", "false"):
        return f"{param.name} must be true or false"
    return None


def body_frame(body: Any) -> pd.DataFrame | None:
    """A collection in a response body as a table (Xero wraps lists: {"Invoices": [...]})."""
    rows = None
    if isinstance(body, list):
        rows = body
    elif isinstance(body, dict):
        lists = [v for v in body.values() if isinstance(v, list)]
        if len(lists) == 1:
            rows = lists[0]
    if not rows or not all(isinstance(r, dict) for r in rows):
        return None
    frame = pd.json_normalize(rows, max_level=1)
    keep = [c for c in frame.columns
            if not frame[c].map(lambda v: isinstance(v, (list, dict))).any()]
    return frame[keep]


class CallState(Noticed):
    """One call being prepared, its last result and the diagnosis of a failure."""

    def __init__(self, connection: Any = None, scopes: ScopeState | None = None) -> None:
        super().__init__()
        self.connection = connection
        self.scopes = scopes if scopes is not None else getattr(connection, "scopes", None) \
            or ScopeState()
        self.endpoint: Endpoint | None = None
        self.values: dict[str, str] = {}
        self.allow_writes = False
        self.result: Any = None
        self.diagnosis: Any = None
        self.pasted = ""
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

    # -- preparing ---------------------------------------------------------------------
    @guarded
    def choose(self, key: tuple[str, str] | None) -> None:
        """Pick the endpoint by ``(api, operation_id)``; its parameters start empty.

        Choosing the endpoint already chosen keeps its values and result.
        """
        ep = load_catalog().get(*key) if key else None
        if ep is not None and self.endpoint is not None and ep.key == self.endpoint.key:
            return
        self.endpoint = ep
        self.values = {}
        self._notify("endpoint")
        self.clear()

    @guarded
    def choose_url(self, method: str, url: str, region: str | None = None) -> None:
        """Pick the endpoint a METHOD and URL mean (path ids are filled in from the URL)."""
        ep = load_catalog().find(method, url, region=region)
        if ep is None:
            raise LookupError(f"no Xero endpoint matches {method.upper()} {url}")
        self.endpoint, self.values = ep, _path_values(ep, url)
        self._notify("endpoint")
        self.clear()

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
        try:
            self.result = client.call(ep, path_params=path, query=query or None)
        finally:
            client.close()
        self.diagnosis = None if self.result.ok else self.result.diagnosis(**self._context())
        rows = body_frame(self.result.body)
        self.response_table.set_frame(rows if rows is not None else pd.DataFrame())
        self.tell(self.result.summary(), "ok" if self.result.ok else "error")
        self._notify("result")
        return self.result

    def _context(self) -> dict[str, Any]:
        conn = self.connection
        ctx: dict[str, Any] = {"era": self.scopes.era}
        if conn is not None:
            ctx["connections"] = list(getattr(conn, "tenants", []) or [])
            tok = getattr(conn, "token", None)
            if tok is not None and getattr(tok, "requested", None):
                ctx["requested"] = sorted(tok.requested)
            settings = getattr(conn, "settings", None)
            if settings is not None and settings.client_id:
                ctx["client_id"] = settings.client_id
                ctx["redirect_uri"] = settings.redirect_uri
            org = conn.organisation() if hasattr(conn, "organisation") else None
            if org is not None:
                ctx["organisation"] = org
        return ctx

    @guarded
    def diagnose_pasted(self, text: str | None = None) -> Any:
        """Diagnose an error pasted from elsewhere (an SDK printout, a log line, a body)."""
        from xero_nb.diagnose.diagnosis import diagnose  # type: ignore[import-untyped,unused-ignore]

        # The box shows the redacted paste after a diagnosis; sent again unchanged, it stands
        # for the paste itself (whose token claims the diagnosis may read).
        if text is not None and text != self.pasted_shown():
            self.pasted = text
        if not self.pasted.strip():
            raise ValueError("paste an error message or response first")
        try:
            ctx = self._context()
            if self.endpoint is not None:
                ctx["endpoint"] = self.endpoint
            if self.scopes.granted:
                ctx["granted"] = sorted(self.scopes.granted)
            self.result = None
            self.diagnosis = diagnose(text=self.pasted, **ctx)
        finally:
            self._notify("pasted")  # the box drops the tokens it was given, whatever happened
        top = self.diagnosis.findings[0].code if self.diagnosis.findings else "unknown"
        self.tell(f"Pasted error diagnosed: {top}", "info")
        self._notify("result")
        return self.diagnosis

    def pasted_shown(self) -> str:
        """The pasted error as the panel may keep showing it: tokens and secrets redacted."""
        return redact(self.pasted)

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
        ]


def _path_values(ep: Endpoint, url: str) -> dict[str, str]:
    """Path parameter values read back from a concrete URL."""
    tail = [s for s in url.split("?")[0].split("/") if s]
    tmpl = [s for s in ep.path.split("/") if s]
    tail = tail[len(tail) - len(tmpl):] if len(tail) >= len(tmpl) else []
    return {t[1:-1]: v for t, v in zip(tmpl, tail, strict=False)
            if t.startswith("{") and t.endswith("}")}
