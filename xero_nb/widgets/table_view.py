"""DataTable: the widget over a TableState (filter, sort, pages, CSV export)."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from xero_nb.markup import el
from xero_nb.widgets.render import TABLE_CSS, message
from xero_nb.widgets.table import TableState


def style_widget() -> W.HTML:
    """The panels' stylesheet, in a widget of its own that never changes.

    Kept out of the redrawn HTML on purpose: a <style> replaced on every redraw makes the
    browser restyle the whole page, which costs more than the table itself.
    """
    return W.HTML(TABLE_CSS, layout=W.Layout(display="none"))


def show_notice(target: W.HTML, notice: tuple[str, str]) -> None:
    """Put a controller's notice into an HTML widget."""
    kind, text = notice
    target.value = message(text, kind or "info")


class DataTable(W.VBox):
    """A styled, sortable, filterable, paginated, exportable table."""

    def __init__(self, state: TableState, *, title: str = "") -> None:
        self.state = state
        self.filter = W.Text(placeholder="filter: words, or column:value", description="Filter",
                             continuous_update=False, layout=W.Layout(width="340px"))
        self.sort = W.Dropdown(options=self._sort_options(), value="", description="Sort",
                               layout=W.Layout(width="240px"))
        self.desc = W.ToggleButton(value=False, description="desc", tooltip="sort descending",
                                   layout=W.Layout(width="60px"))
        self.prev = W.Button(description="◀", tooltip="previous page", layout=W.Layout(width="40px"))
        self.next = W.Button(description="▶", tooltip="next page", layout=W.Layout(width="40px"))
        self.pager = W.Label()
        self.export_btn = W.Button(description="Export CSV", icon="download")
        self.notice = W.HTML()
        self.body = W.HTML()
        self.body.add_class(f"xnb-table-{state.name}")
        self.filter.observe(lambda ch: state.set_filter(ch["new"]), names="value")
        self.sort.observe(lambda ch: state.sort_by(ch["new"], not self.desc.value), names="value")
        self.desc.observe(lambda ch: state.sort_by(self.sort.value, not ch["new"]), names="value")
        self.prev.on_click(lambda _: state.prev_page())
        self.next.on_click(lambda _: state.next_page())
        self.export_btn.on_click(lambda _: state.export())
        state.subscribe(self.redraw)
        bar = W.HBox([self.filter, self.sort, self.desc, self.prev, self.pager, self.next,
                      self.export_btn], layout=W.Layout(flex_flow="row wrap"))
        kids = ([W.HTML(el("b", title))] if title else []) + [bar, self.notice, self.body,
                                                                  style_widget()]
        super().__init__(kids)
        self.redraw("table")

    def _sort_options(self) -> list[tuple[str, str]]:
        return [("(none)", "")] + [(c, c) for c in self.state.columns]

    def redraw(self, what: str = "table") -> None:
        """Show the state's current page (errors land in the notice, never lost)."""
        try:
            if what == "notice":
                show_notice(self.notice, self.state.notice)
                return
            options = self._sort_options()
            if list(self.sort.options) != options:
                self.sort.options = options
            self.body.value = self.state.html()
            self.pager.value = self.state.status()
        except Exception as exc:  # shown in the panel, not swallowed
            self.notice.value = message(f"{type(exc).__name__}: {exc}", "error")


def show_table(frame: Any, name: str = "table", page_size: int = 25, title: str = "") -> DataTable:
    """Any DataFrame as a paginated, sortable, filterable, exportable table widget."""
    return DataTable(TableState(frame, name=name, page_size=page_size), title=title)
