"""CallPanel: pick an endpoint, fill its parameters, send, and read the diagnosis."""

from __future__ import annotations

import json
from typing import Any

import ipywidgets as W

from xero_nb.catalog.index import load_catalog
from xero_nb.markup import el
from xero_nb.widgets.browser import endpoint_label
from xero_nb.widgets.call import CallState
from xero_nb.widgets.render import findings, key_values, message
from xero_nb.widgets.table_view import DataTable, show_notice, style_widget


class CallPanel(W.VBox):
    """Re-test one call (GET; writes only behind a switch) and diagnose failures or pasted errors."""

    def __init__(self, state: CallState | None = None, **kwargs: Any) -> None:
        self.state = st = state if state is not None else CallState(**kwargs)
        options = [(endpoint_label(ep), ep.key) for ep in load_catalog()]
        self.endpoint = W.Dropdown(options=[("(choose an endpoint)", None), *options],
                                   description="Endpoint", layout=W.Layout(width="95%"))
        self.params = W.VBox()
        self.fields: dict[str, W.Text] = {}
        self.writes = W.Checkbox(value=False, description="allow writes (changes the org)",
                                 indent=False)
        self.send = W.Button(description="Send", icon="paper-plane", button_style="primary")
        self.send.add_class("xnb-send")
        self.notice = W.HTML()
        self.info = W.HTML()
        self.diagnosis = W.HTML()
        self.diagnosis.add_class("xnb-call-diagnosis")
        self.body = W.HTML()
        self.table = DataTable(st.response_table, title="Response rows")
        self.paste = W.Textarea(placeholder='paste an error, e.g. {"error": "InsufficientPermissions",'
                                ' "message": "..."} or a 401 response body',
                                layout=W.Layout(width="95%", height="80px"))
        self.paste_btn = W.Button(description="Diagnose pasted error", icon="stethoscope")
        self.endpoint.observe(lambda ch: st.choose(ch["new"]), names="value")
        self.writes.observe(lambda ch: st.set_allow_writes(ch["new"]), names="value")
        self.send.on_click(lambda _: st.send())
        self.paste_btn.on_click(lambda _: st.diagnose_pasted(self.paste.value))
        st.subscribe(self.redraw)
        super().__init__([style_widget(),
            self.endpoint, self.params, W.HBox([self.send, self.writes]), self.notice,
            self.info, self.diagnosis, self.table, self.body,
            W.HTML("<b>Diagnose an error from elsewhere</b>"), self.paste, self.paste_btn,
        ])
        # Built on a call already sent: show its result, diagnosis and notice at once.
        for what in ("endpoint", "result", "notice"):
            self.redraw(what)

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

    def redraw(self, what: str = "result") -> None:
        """Follow the state (errors are shown, never lost)."""
        try:
            st = self.state
            if what == "notice":
                show_notice(self.notice, st.notice)
                return
            if what == "pasted":  # what was pasted may hold a token: keep only its redacted form
                self.paste.value = st.pasted_shown()
                return
            if what == "endpoint":
                key = st.endpoint.key if st.endpoint is not None else None
                if self.endpoint.value != key:
                    self.endpoint.value = key
                self._build_params()
                ep = st.endpoint
                self.send.disabled = ep is not None and ep.is_write and not st.allow_writes
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
        except Exception as exc:  # shown in the panel, not swallowed
            self.notice.value = message(f"{type(exc).__name__}: {exc}", "error")
