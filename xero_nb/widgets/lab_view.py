"""ScopeLab: Connect, Endpoints, Scopes, Call, Probe and Scan in one tabbed dashboard."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from xero_nb.markup import fmt
from xero_nb.widgets.browser_view import EndpointBrowser
from xero_nb.widgets.call_view import CallPanel
from xero_nb.widgets.connection_view import ConnectPanel
from xero_nb.widgets.explorer_view import ScopeExplorer
from xero_nb.widgets.lab import LabState
from xero_nb.widgets.probe_view import ProbePanel
from xero_nb.widgets.scan_view import ScanPanel
from xero_nb.widgets.table_view import DataTable, StaticCopy, show_notice, style_widget, tables_in

TABS = ("Connect", "Endpoints", "Scopes", "Call", "Probe", "Scan")
# What each tab is called on screen: the Scopes tab explores, and says so.
TITLES = {"Scopes": "Scopes (what-if)"}


class ScopeLab(StaticCopy, W.VBox):
    """The whole toolkit in one widget, on the simulator unless XERO_CLIENT_ID is set.

    >>> lab = ScopeLab()                     # doctest: +SKIP
    >>> lab.state.explorer.toggle("accounting.transactions.read")   # what the checkbox does
    """

    def __init__(self, state: LabState | None = None, *, tab: str = "Scopes",
                 call: tuple[str, str] | None = None, **kwargs: Any) -> None:
        self.state = st = state if state is not None else LabState(**kwargs)
        self.connect = ConnectPanel(st.connection)
        self.endpoints = EndpointBrowser(st.browser)
        self.explorer = ScopeExplorer(st.explorer)
        self.call = CallPanel(st.call)
        self.probe = ProbePanel(st.probe)
        self.scan = ScanPanel(st.scan)
        try_btn = W.Button(description="Try it in Call", icon="share")
        try_btn.on_click(lambda _: st.try_in_call())
        self.notice = W.HTML()
        st.subscribe(lambda what: show_notice(self.notice, st.notice) if what == "notice" else None)
        self.endpoints.children = (*self.endpoints.children, try_btn, self.notice)
        self.tabs = W.Tab(children=[self.connect, self.endpoints, self.explorer, self.call,
                                    self.probe, self.scan])
        for i, name in enumerate(TABS):
            self.tabs.set_title(i, TITLES.get(name, name))
        self.tabs.selected_index = TABS.index(tab)
        self.tabs.add_class("xnb-lab-tabs")
        banner = W.HTML()
        banner.add_class("xnb-banner")
        self._banner = banner
        st.connection.subscribe(lambda what: self._show_banner())
        st.scopes.subscribe(lambda what: self._show_banner())  # the era switch, re-consent
        self._show_banner()
        if call is not None:
            st.call.choose(call)
        super().__init__([style_widget(), banner, self.tabs])
        self.add_class("xnb-lab")

    def static_tables(self) -> list[DataTable]:
        """What a reopened notebook shows: coverage, per API, the probes and the scan view shown
        (not the Endpoints catalog, which the notebook can list again without a token)."""
        return [self.explorer.coverage, self.explorer.summary, self.probe.table,
                *tables_in(self.scan.body)]

    def _show_banner(self) -> None:
        s = self.state.connection.status()
        where = {"simulator": "Offline on the Xero simulator (not real Xero)",
                 "live": "Live Xero", "none": "Not connected"}[s["mode"]]
        who = f" · {s['tenant']}" if s["tenant"] else ""
        # The organisation's name is whatever its owner typed: escaped, like every value here.
        # The era is the app's own; the Scopes tab's what-if is named as one, never as the era.
        whatif = fmt(" · <i class='xnb-whatif'>Scopes tab: {} (exploration only)</i>",
                     s["whatif"]) if s.get("whatif") else ""
        self._banner.value = fmt("<b>xero-nb Scope Lab</b> · {} · era {}{} · {} scopes granted{}",
                                 where, s["era"], who, len(s["scopes"]), whatif)
