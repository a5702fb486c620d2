"""ReportButton: render the redacted ticket report, read it, copy it, download it (Markdown, HTML)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as W

from xero_nb.markup import Markup, el
from xero_nb.widgets.export import link_html
from xero_nb.widgets.report_button import ReportState
from xero_nb.widgets.table_view import BRIDGE_JS, show_notice


def report_tools() -> Markup:
    """Copy and download buttons (plain HTML: their clicks go through BRIDGE_JS)."""
    buttons = [el("button", label, type="button", data_cmd=cmd, title=tip,
                  class_=f"jupyter-button widget-button xnb-report-{cmd.replace(':', '-')}")
               for cmd, label, tip in (
                   ("copy:md", "Copy Markdown", "copy the report as Markdown (for the ticket)"),
                   ("copy:html", "Copy HTML", "copy the report's HTML"),
                   ("export:md", "⬇ .md", "download the report as Markdown"),
                   ("export:html", "⬇ .html", "download the report as an HTML page"))]
    return el("div", *buttons, class_="xnb-tools", onclick=BRIDGE_JS)


def report_html(state: ReportState) -> Markup:
    """The report as read (HTML), with its Markdown and HTML sources to copy."""
    if state.report is None:
        return Markup()
    sources = el("details", el("summary", "Markdown and HTML sources"),
                 el("textarea", state.text("md"), data_copy="md", readonly=True, rows=12,
                    style="width:100%;font-family:var(--jp-code-font-family,monospace)"),
                 el("textarea", state.text("html"), data_copy="html", readonly=True, rows=6,
                    style="width:100%;font-family:var(--jp-code-font-family,monospace)"))
    return el("div", report_tools(), sources,
              el("div", Markup(state.report.html), class_="xnb-report-body"), class_="xnb-report")


class ReportButton(W.VBox):
    """A **Report** button; the report (redacted) below it, with Copy and Download."""

    def __init__(self, state: ReportState | None = None,
                 sources: Callable[[], Mapping[str, Any]] | None = None) -> None:
        self.state = st = state if state is not None else ReportState(sources)
        self.button = W.Button(description="Report", icon="file-text",
                               tooltip="the redacted report for a support ticket")
        self.button.add_class("xnb-report-button")
        self.notice = W.HTML()
        self.body = W.HTML()
        self.download = W.HTML()
        self.download.add_class("xnb-download")
        self.cmd = W.Text(continuous_update=True, layout=W.Layout(display="none"))
        self.cmd.add_class("xnb-cmd")
        self.button.on_click(lambda _: st.render())
        self.cmd.observe(lambda ch: st.command(ch["new"]), names="value")
        st.subscribe(self.redraw)
        super().__init__([W.HBox([self.button, self.download, self.cmd]), self.notice, self.body])
        self.add_class("xnb-bridged")
        self.add_class("xnb-report-panel")

    def redraw(self, what: str = "report") -> None:
        """Follow the state."""
        if what == "notice":
            show_notice(self.notice, self.state.notice)
        elif what == "download":
            self.download.value = link_html(self.state.pending)
        else:
            self.body.value = report_html(self.state)
