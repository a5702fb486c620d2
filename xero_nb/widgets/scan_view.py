"""ScanPanel: pick a folder, scan it for Xero calls, and authorize with exactly the scopes it needs."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from xero_nb.catalog.scopes import ERAS
from xero_nb.widgets.render import message
from xero_nb.widgets.scan import VIEWS, ScanState
from xero_nb.widgets.table_view import DataTable, StaticCopy, show_notice, style_widget

_VIEW_LABELS = {"calls": "Calls", "files": "By file", "scopes": "By scope", "findings": "Findings",
                "plan": "Migration plan"}


class ScanPanel(StaticCopy, W.VBox):
    """A folder picker, Scan with a progress bar and Cancel, the grouped tables and Authorize."""

    def __init__(self, state: ScanState | None = None, **kwargs: Any) -> None:
        self.state = st = state if state is not None else ScanState(**kwargs)
        self.path = W.Text(value=st.path, description="Folder", continuous_update=False,
                           layout=W.Layout(width="560px"))
        self.up_btn = W.Button(description="Up", icon="arrow-up", layout=W.Layout(width="70px"))
        self.folders = W.Select(options=st.folders(), value=None, rows=5,
                                layout=W.Layout(width="560px"))
        self.era = W.Dropdown(options=list(ERAS), value=st.era, description="Era",
                              layout=W.Layout(width="200px"))
        self.scan_btn = W.Button(description="Scan", icon="search", button_style="primary")
        self.cancel_btn = W.Button(description="Cancel", icon="stop", disabled=True)
        self.bar = W.IntProgress(value=0, min=0, max=1, description="0/0")
        self.current = W.Label()
        self.auth_btn = W.Button(description="Authorize with exactly these scopes", icon="key",
                                 button_style="primary", layout=W.Layout(width="auto"),
                                 tooltip="re-consent the shared connection with the scanned scopes")
        self.notice = W.HTML()
        self.summary = W.HTML()
        self.view = W.ToggleButtons(options=[(_VIEW_LABELS[v], v) for v in VIEWS], value=st.view)
        self.tables = {v: DataTable(st.table(v), title=_VIEW_LABELS[v]) for v in VIEWS}
        self.body = W.Box([self.tables[st.view]])
        self.path.observe(lambda ch: st.set_path(ch["new"]), names="value")
        self.up_btn.on_click(lambda _: st.up())
        self.folders.observe(lambda ch: st.enter(ch["new"]), names="value")
        self.era.observe(lambda ch: st.set_era(ch["new"]), names="value")
        self.scan_btn.on_click(lambda _: st.start())
        self.cancel_btn.on_click(lambda _: st.cancel())
        self.auth_btn.on_click(lambda _: st.authorize())
        self.view.observe(lambda ch: st.set_view(ch["new"]), names="value")
        st.subscribe(self.redraw)
        super().__init__([style_widget(),
            W.HTML("Which Xero calls does this code make, and which scopes do they need? "
                   "Pick a folder (type a path, or click a sub-folder), then Scan."),
            W.HBox([self.path, self.up_btn]), self.folders,
            W.HBox([self.era, self.scan_btn, self.cancel_btn, self.bar, self.current],
                   layout=W.Layout(flex_flow="row wrap")),
            self.notice, self.summary, self.auth_btn, self.view, self.body,
        ])
        # Built on a scan already run: show its progress, summary and notice at once.
        for what in ("progress", "report", "notice"):
            self.redraw(what)

    def redraw(self, what: str = "report") -> None:
        """Follow the state (errors are shown, never lost)."""
        try:
            st = self.state
            if what == "notice":  # e.g. after Authorize: the granted chips change too
                show_notice(self.notice, st.notice)
                self.summary.value = st.summary_html()
            elif what == "path":
                self.path.value = st.path
                self.folders.options = st.folders()
                self.folders.value = None
            elif what == "progress":
                self.bar.max = max(st.total, 1)
                self.bar.value = st.done
                self.bar.description = f"{st.done}/{st.total}"
                self.current.value = st.progress_text()
            elif what == "view":
                self.view.value = st.view
                self.body.children = [self.tables[st.view]]
            elif what == "report":
                self.era.value = st.era
                self.summary.value = st.summary_html()
            self.scan_btn.disabled = st.running
            self.cancel_btn.disabled = not st.running
            self.auth_btn.disabled = st.running or st.report is None or st.connection is None
        except Exception as exc:  # shown in the panel, not swallowed
            self.notice.value = message(f"{type(exc).__name__}: {exc}", "error")
