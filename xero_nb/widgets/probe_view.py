"""ProbePanel: predicted vs observed per tenant, with progress, Cancel and a coloured grid."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from xero_nb.widgets.probe import ProbeState
from xero_nb.widgets.render import message
from xero_nb.widgets.report_button_view import ReportButton
from xero_nb.widgets.table_view import DataTable, StaticCopy, show_notice, style_widget


class ProbePanel(StaticCopy, W.VBox):
    """Probe the token over chosen organisations (GET only, within Xero's limits)."""

    def __init__(self, state: ProbeState | None = None, **kwargs: Any) -> None:
        self.state = st = state if state is not None else ProbeState(**kwargs)
        self.tenants = W.SelectMultiple(options=st.tenant_options(), rows=_rows(st.tenant_options()),
                                        description="Orgs", layout=W.Layout(width="420px"),
                                        tooltip="none chosen: every connected organisation")
        self.run_btn = W.Button(description="Probe", icon="play", button_style="primary")
        self.cancel_btn = W.Button(description="Cancel", icon="stop", disabled=True)
        self.bar = W.IntProgress(value=0, min=0, max=1, description="0/0")
        self.notice = W.HTML()
        self.grid = W.HTML()
        self.table = DataTable(st.table, title="Probes")
        self.report = ReportButton(sources=st.report_sources)
        self.tenants.observe(lambda ch: st.choose(ch["new"]), names="value")
        self.run_btn.on_click(lambda _: st.start())
        self.cancel_btn.on_click(lambda _: st.cancel())
        st.subscribe(self.redraw)
        conn = st.connection
        if conn is not None and hasattr(conn, "subscribe"):
            conn.subscribe(lambda what: self.redraw("tenants") if what == "token" else None)
        super().__init__([style_widget(),
            W.HTML("Predicted (from scopes) vs observed (what Xero answers): one cheap GET per "
                   "granted scope family and organisation; empty selection = all."),
            self.tenants, W.HBox([self.run_btn, self.cancel_btn, self.bar]), self.notice,
            self.grid, self.table, self.report,
        ])
        # Built on a probe already run: show its progress, grid and notice at once.
        for what in ("report", "notice"):
            self.redraw(what)

    def redraw(self, what: str = "report") -> None:
        """Follow the state (errors are shown, never lost)."""
        try:
            st = self.state
            if what == "notice":
                show_notice(self.notice, st.notice)
                self.run_btn.disabled = st.running  # a failed run must not stay "running"
                self.cancel_btn.disabled = not st.running
                return
            if what == "tenants":
                self.tenants.options = st.tenant_options()
                self.tenants.rows = _rows(self.tenants.options)
                return
            self.bar.max = max(st.total, 1)
            self.bar.value = st.done
            self.bar.description = f"{st.done}/{st.total}"
            self.run_btn.disabled = st.running
            self.cancel_btn.disabled = not st.running
            if what == "report":
                self.grid.value = st.grid_html()
        except Exception as exc:  # shown in the panel, not swallowed
            self.notice.value = message(f"{type(exc).__name__}: {exc}", "error")


def _rows(options: Any) -> int:
    """Rows enough to show every organisation (up to 10; more scroll)."""
    return max(2, min(len(options), 10))
