"""CallPanel: name a request, see its permissions, consent, send, read the diagnosis and history."""

from __future__ import annotations

import json
from typing import Any

import ipywidgets as W

from xero_nb.catalog.index import load_catalog
from xero_nb.catalog.scopes import ERAS
from xero_nb.markup import Markup, el, fmt, href, join
from xero_nb.redact import redact
from xero_nb.widgets.browser import endpoint_label
from xero_nb.widgets.call import CallState
from xero_nb.widgets.history import compare
from xero_nb.widgets.pasted import scopes_only
from xero_nb.widgets.render import findings, key_values, message
from xero_nb.widgets.report_button import ReportState
from xero_nb.widgets.report_button_view import ReportButton
from xero_nb.widgets.request_bar import completions
from xero_nb.widgets.table_view import DataTable, show_notice, style_widget

_ROW_CLASS = {"granted": "xnb-ok", "restricted": "xnb-warn", "not available in this era": ""}
_CODE_KINDS = ("curl", "xero-python", "xero-node")


def permissions_html(st: CallState) -> Markup:
    """The scopes that would grant the current request (any one is enough), with their status."""
    ep = st.endpoint
    if ep is None:
        return message("Name a request above to see the scopes it needs.")
    conn = st.connection
    era = st.judged_era()
    whatif = st.scopes.whatif_note()
    head = fmt("<div class='xnb-perm-head'><b>Permissions for {} {}</b> · any one scope below "
               "grants it · judged in the app's real era <b>{}</b> with the token's granted "
               "scopes{}</div>", ep.method, ep.path, era,
               fmt(" (the Scopes tab's {} is an exploration only: not used here)", whatif)
               if whatif else "")
    rows = st.permissions()
    if not rows:
        return join([head, message("This endpoint needs no scope.", "ok")])
    allowed = any(r.status == "granted" for r in rows)  # then the others are only options
    body = join(el("tr", el("td", el("code", r.scope)), el("td", r.status + (" · the fix" if r.fix
                                                                               else "")),
                   el("td", r.description), el("td", r.note),
                   class_=_ROW_CLASS.get(r.status, "" if allowed else "xnb-no"), data_scope=r.scope,
                   data_status=r.status)
                for r in rows)
    table = el("div", el("table", el("tr", el("th", "scope"), el("th", "status"),
                                          el("th", "what it grants"), el("th", "note")), body),
               class_="xnb-table xnb-wrap xnb-permissions")
    fix = st.fix_scope()
    if fix is not None:
        where = ("the simulator's consent page in a browser tab" if getattr(conn, "mode", "") ==
                 "simulator" and not getattr(conn, "sim_auto_approve", False) else
                 "auto-approve on the simulator" if getattr(conn, "mode", "") == "simulator"
                 else "Xero's consent page")
        tail = message(f"Consent adds {fix} (the narrowest scope this app may obtain) through "
                       f"{where}, then sends the request again.")
    elif any(r.status == "granted" for r in rows):
        tail = message("The token holds a scope that grants this request.", "ok")
    else:
        tail = message(f"No scope this app may ask for grants this request in the {era} era.",
                       "error")
    return join([head, table, tail])


def history_html(st: CallState) -> Markup:
    """The sends of this kernel, newest first."""
    if not st.history:
        return Markup()
    head = el("tr", *(el("th", h) for h in ("#", "sent (UTC)", "method", "url", "status",
                                             "correlation id", "scopes carried", "ms")))
    body = join(el("tr", *(el("td", v) for v in s.row().values()),
                   class_="xnb-ok" if 200 <= s.status < 300 else "xnb-no")
                for s in reversed(st.history))
    return el("div", el("table", head, body), class_="xnb-table xnb-wrap xnb-history")


class CallPanel(W.VBox):
    """Re-test one call (GET; writes only behind a switch) and diagnose failures or pasted errors."""

    def __init__(self, state: CallState | None = None, **kwargs: Any) -> None:
        self.state = st = state if state is not None else CallState(**kwargs)
        # -- the request bar and the catalog picker
        self.request = W.Combobox(options=list(completions()), ensure_option=False,
                                  continuous_update=False, description="Request",
                                  placeholder="GET https://api.xero.com/api.xro/2.0/Invoices?where=..."
                                  ", GET /Invoices, a curl command or a log line",
                                  layout=W.Layout(width="80%"))
        self.request.add_class("xnb-request-bar")
        self.go = W.Button(description="Read", icon="search", tooltip="read the request")
        self.go.add_class("xnb-request-go")
        options = [(endpoint_label(ep), ep.key) for ep in load_catalog()]
        self.endpoint = W.Dropdown(options=[("(or choose an endpoint)", None), *options],
                                   description="Endpoint", layout=W.Layout(width="95%"))
        # -- permissions of the current request
        self.permissions = W.HTML()
        self.permissions.add_class("xnb-call-permissions")
        self.consent = W.Button(description="Consent", icon="key", button_style="success",
                                tooltip="re-consent with the narrowest scope added, then resend")
        self.consent.add_class("xnb-consent")
        self.auto_approve = W.Checkbox(value=bool(getattr(st.connection, "sim_auto_approve",
                                                          False)), indent=False,
                                       description="simulator: auto-approve (no consent page)",
                                       layout=W.Layout(width="auto"))  # (the whole label, never cut)
        self.consent_link = W.HTML()
        self.consent_link.add_class("xnb-consent-link")
        # -- parameters, send, result
        self.params = W.VBox()
        self.fields: dict[str, W.Text] = {}
        self.writes = W.Checkbox(value=False, description="allow writes (changes the org)",
                                 indent=False)
        self.send = W.Button(description="Send", icon="paper-plane", button_style="primary")
        self.send.add_class("xnb-send")
        self.notice = W.HTML()
        self.info = W.HTML()
        self.info.add_class("xnb-call-info")
        self.diagnosis = W.HTML()
        self.diagnosis.add_class("xnb-call-diagnosis")
        self.body = W.HTML()
        self.table = DataTable(st.response_table, title="Response rows")
        # -- history
        self.history = W.HTML()
        self.history_pick = W.Dropdown(options=[], description="Send #",
                                       layout=W.Layout(width="160px"))
        self.code_kind = W.ToggleButtons(options=list(_CODE_KINDS), value="curl")
        self.headers = W.HTML()
        self.code = W.Textarea(layout=W.Layout(width="95%", height="90px"))
        self.code.add_class("xnb-code")
        self.before = W.Dropdown(options=[], description="before", layout=W.Layout(width="160px"))
        self.after = W.Dropdown(options=[], description="after", layout=W.Layout(width="160px"))
        self.compared = W.HTML()
        # -- a pasted error, with the context it is diagnosed with, and its result
        self.paste = W.Textarea(placeholder='paste an error, e.g. {"error": "InsufficientPermissions",'
                                ' "message": "..."} or a 401 response body',
                                layout=W.Layout(width="95%", height="80px"))
        self.paste_endpoint = W.Text(description="endpoint", placeholder="e.g. GET /Invoices "
                                     "(optional)", layout=W.Layout(width="45%"))
        self.paste_scopes = W.Text(description="scopes", placeholder="the token's scopes "
                                   "(optional)", layout=W.Layout(width="45%"))
        self.paste_era = W.Dropdown(options=[("era: not given", "")] + [(e, e) for e in ERAS],
                                    description="era")
        self.paste_use = W.Checkbox(value=st.paste_use_request, indent=False,
                                    description="use the current request's context "
                                                "(endpoint, token scopes, the app's era)",
                                    layout=W.Layout(width="auto"))
        self.paste_btn = W.Button(description="Diagnose pasted error", icon="stethoscope",
                                  layout=W.Layout(width="auto"))
        self.paste_context = W.HTML()
        self.paste_context.add_class("xnb-paste-context")
        self.paste_result = W.HTML()
        self.paste_result.add_class("xnb-paste-result")
        # -- the redacted ticket report of the failed send and the pasted error
        self.report = ReportButton(ReportState(st.report_sources, title="Xero call report"))
        # -- handlers: one-line calls of the controller
        self.request.observe(lambda ch: self._read(ch["new"]), names="value")
        self.go.on_click(lambda _: self._read(self.request.value, again=True))
        self.endpoint.observe(lambda ch: st.choose(ch["new"]), names="value")
        self.writes.observe(lambda ch: st.set_allow_writes(ch["new"]), names="value")
        self.send.on_click(lambda _: st.send())
        self.consent.on_click(lambda _: st.consent())
        self.auto_approve.observe(lambda ch: st.connection.set_sim_auto_approve(ch["new"])
                                  if hasattr(st.connection, "set_sim_auto_approve") else None,
                                  names="value")
        self.history_pick.observe(lambda ch: self.redraw("history_pick"), names="value")
        self.code_kind.observe(lambda ch: self.redraw("history_pick"), names="value")
        self.before.observe(lambda ch: self.redraw("compare"), names="value")
        self.after.observe(lambda ch: self.redraw("compare"), names="value")
        self.paste_use.observe(lambda ch: st.set_paste_use_request(ch["new"]), names="value")
        self.paste_btn.on_click(lambda _: self._diagnose_paste())
        st.subscribe(self.redraw)
        st.scopes.subscribe(lambda what: self.redraw("permissions"))
        if hasattr(st.connection, "subscribe"):
            st.connection.subscribe(lambda what: self.redraw("permissions")
                                    if what == "consent_mode" else None)
        self.history_box = W.VBox([W.HTML("<b>History</b> (this kernel's sends)"), self.history,
                                   W.HBox([self.history_pick, self.code_kind]), self.headers,
                                   self.code, W.HBox([self.before, self.after]), self.compared])
        super().__init__([style_widget(),
            W.HBox([self.request, self.go]), self.endpoint,
            self.permissions, W.HBox([self.consent, self.auto_approve]), self.consent_link,
            self.params, W.HBox([self.send, self.writes]), self.notice,
            self.info, self.diagnosis, self.table, self.body, self.history_box,
            W.HTML("<b>Diagnose an error from elsewhere</b>"), self.paste,
            W.HBox([self.paste_endpoint, self.paste_scopes]), W.HBox([self.paste_era,
                                                                       self.paste_use]),
            self.paste_btn, self.paste_context, self.paste_result, self.report,
        ])
        # Built on a call already sent: show its result, diagnosis and notice at once.
        for what in ("endpoint", "result", "notice", "history", "paste_result"):
            self.redraw(what)

    def _read(self, text: str, again: bool = False) -> None:
        st = self.state
        if text.strip() and (again or text != st.request_text):
            st.use_request(text)

    def _build_params(self) -> None:
        st, ep = self.state, self.state.endpoint
        self.fields = {}
        rows = []
        for p in ep.params if ep is not None else ():
            hint = p.format or p.type
            field = W.Text(value=st.values.get(p.name, ""), description=p.name,
                           placeholder=f"{hint}{' (required)' if p.required else ''}",
                           style={"description_width": "140px"}, layout=W.Layout(width="60%"))
            field.observe(lambda ch, n=p.name: st.set_value(n, ch["new"]), names="value")
            self.fields[p.name] = field
            rows.append(field)
        self.params.children = rows

    def _show_permissions(self) -> None:
        st = self.state
        self.permissions.value = permissions_html(st)
        conn = st.connection
        sim = getattr(conn, "mode", "") == "simulator"
        self.auto_approve.layout.display = "" if sim else "none"
        self.consent.disabled = st.fix_scope() is None
        url = st.consent_url
        self.consent_link.value = fmt(
            "{} <span class='xnb-static-note'>(click it if no browser tab opened)</span>",
            el("a", "Open the simulator's consent page" if sim else "Open Xero's consent page",
               href=href(url), target="_blank", rel="noopener", class_="xnb-consent-open")) if url else ""

    def _show_history(self) -> None:
        st = self.state
        self.history.value = history_html(st)
        opts = [(f"#{s.n} · {s.status}", s.n) for s in reversed(st.history)]
        for box in (self.history_pick, self.before, self.after):
            if list(box.options) != opts:
                box.options = opts
        if st.history:
            self.history_pick.value = st.history[-1].n
            self.after.value = st.history[-1].n
            self.before.value = st.history[-2].n if len(st.history) > 1 else st.history[-1].n
        self.history_box.layout.display = "" if st.history else "none"

    def _diagnose_paste(self) -> None:
        """Diagnose the box's paste; the button says so and takes no second click meanwhile (a
        long log takes seconds)."""
        if self.paste_btn.disabled:
            return
        self.paste_btn.disabled = True
        self.paste_btn.description = f"Diagnosing {len(self.paste.value):,} characters..."
        try:
            self.state.diagnose_pasted(self.paste.value, endpoint=self.paste_endpoint.value,
                                       scopes=self.paste_scopes.value, era=self.paste_era.value)
        finally:
            self.paste_btn.disabled = False
            self.paste_btn.description = "Diagnose pasted error"

    def _picked(self, n: Any) -> Any:
        return next((s for s in self.state.history if s.n == n), None)

    def redraw(self, what: str = "result") -> None:
        """Follow the state (errors are shown, never lost)."""
        try:
            st = self.state
            if what == "notice":
                show_notice(self.notice, st.notice)
                return
            if what == "pasted":  # what was pasted may hold a token: keep only its redacted form
                if self.paste.value in (st.pasted, st.pasted_shown()):  # (a newer paste is kept)
                    self.paste.value = st.pasted_shown()
                self.paste_scopes.value = scopes_only(self.paste_scopes.value)
                self.paste_endpoint.value = redact(self.paste_endpoint.value)
                return
            if what == "request_text":  # the bar, too, keeps only the redacted form
                if self.request.value != st.request_text:
                    self.request.value = st.request_text
                return
            if what == "paste_result":
                ctx = st.paste_context
                self.paste_context.value = fmt("<div><b>Diagnosed with</b></div>{}",
                                               key_values(ctx.rows())) if ctx else ""
                self.paste_result.value = findings(st.paste_diagnosis) \
                    if st.paste_diagnosis is not None else ""
                return
            if what == "paste_options":
                self.paste_use.value = st.paste_use_request
                return
            if what in ("permissions", "consent"):
                self._show_permissions()
                return
            if what == "history":
                self._show_history()
                return
            if what == "history_pick":
                sent = self._picked(self.history_pick.value)
                if sent is None:
                    self.headers.value, self.code.value = "", ""
                    return
                self.headers.value = fmt(
                    "<details><summary>Request and response headers of #{}</summary>"
                    "<div><b>Request</b></div>{}<div><b>Response</b></div>{}</details>",
                    sent.n, key_values(sent.request_headers), key_values(sent.response_headers))
                self.code.value = {"curl": sent.curl, "xero-python": sent.python,
                                   "xero-node": sent.node}[self.code_kind.value]()
                return
            if what == "compare":
                a, b = self._picked(self.before.value), self._picked(self.after.value)
                rows = compare(a, b) if a is not None and b is not None and a is not b else []
                self.compared.value = el("table", el("tr", el("th", ""), el("th", f"#{a.n}"),
                                                     el("th", f"#{b.n}")),
                                         *(el("tr", el("td", w), el("td", x), el("td", y))
                                           for w, x, y in rows),
                                         class_="xnb-kv xnb-compare") if rows and a and b else ""
                return
            if what == "endpoint":
                key = st.endpoint.key if st.endpoint is not None else None
                if self.endpoint.value != key:
                    self.endpoint.value = key
                self._build_params()
                ep = st.endpoint
                self.send.disabled = ep is not None and ep.is_write and not st.allow_writes
                self._show_permissions()
                return
            self.info.value = key_values(st.response_info()) if st.result is not None else ""
            self.diagnosis.value = findings(st.diagnosis)
            body = st.result.body if st.result is not None else None
            if body is not None and st.response_table.frame.empty:
                text = body if isinstance(body, str) else json.dumps(body, indent=1, default=str)
                self.body.value = el("pre", text[:20000],
                                     style="max-height:240px;overflow:auto;font-size:11px")
            else:
                self.body.value = ""
            self._show_permissions()
        except Exception as exc:  # shown in the panel, not swallowed
            self.notice.value = message(f"{type(exc).__name__}: {exc}", "error")
