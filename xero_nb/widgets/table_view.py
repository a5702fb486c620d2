"""DataTable: the widget over a TableState (search as you type, header sort, pages, downloads).

A click in the table's HTML (a header, or the sort button in it that Enter and Space also press;
an Export button) reaches the kernel through one hidden text field: the HTML's ``onclick`` writes
``ACTION|NONCE`` into it, and its observer is a one-line call of ``TableState.command``. Exports
come back as a ``data:`` link that the same click handler clicks once (the browser saves the
file) and then reports back, so that the link and its bytes leave the widget state.

``StaticCopy`` makes a displayed panel leave a plain HTML copy of its tables in the notebook,
hidden while the live panel is on the page: a notebook opened without a kernel shows the last
results instead of "Error displaying widget: model not found".
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import ipywidgets as W

from xero_nb.markup import Markup, el, join
from xero_nb.redact import redact
from xero_nb.widgets.export import link_html
from xero_nb.widgets.render import TABLE_CSS, message
from xero_nb.widgets.table import TableState

# One delegated click handler: the element clicked (or its ancestor) with data-cmd is the
# command; exports then wait for the kernel's link with the same nonce, click it once, and say so.
BRIDGE_JS = (
    "const t=event.target.closest('[data-cmd]');if(!t||!this.contains(t))return;"
    "const box=this.closest('.xnb-bridged'),i=box&&box.querySelector('.xnb-cmd input');"
    "if(!i)return;event.preventDefault();"
    "const n=Date.now().toString(36)+Math.random().toString(36).slice(2,8),"
    "c=t.getAttribute('data-cmd');"
    # copy:NAME copies the text of the textarea data-copy=NAME, in the browser alone
    "if(c.startsWith('copy:')){const s=box.querySelector('textarea[data-copy=\"'+c.slice(5)+'\"]');"
    # said on the button for two seconds: copied, or how to copy by hand when the browser refuses
    "if(!s)return;const say=(w)=>{const l=t.dataset.label||t.textContent;t.dataset.label=l;"
    "t.textContent=w;setTimeout(()=>{t.textContent=l;},2000);};"
    "const ok=()=>{t.dataset.copied='1';t.title='copied';say('Copied \u2713');};"
    "const old=()=>{s.select();if(document.execCommand('copy')){ok();}"
    "else{say('Copy refused: select the text, then Ctrl+C');}};"
    "if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(s.value)"
    ".then(ok,old);}else{old();}return;}"
    "const send=(v)=>{i.value=v;i.dispatchEvent(new Event('change',{bubbles:true}));};"
    # a focused sort button (Tab, then Enter or Space) keeps the focus across the redraw
    "if(c.startsWith('sort:')&&document.activeElement===t){"
    "const f=new MutationObserver(()=>{const b=[...box.querySelectorAll('.xnb-bridge button')]"
    ".find(x=>x.getAttribute('data-cmd')===c);if(b&&b!==t){f.disconnect();b.focus();}});"
    "f.observe(box,{subtree:true,childList:true});setTimeout(()=>f.disconnect(),10000);}"
    "if(c.startsWith('export:')){const d=box.querySelector('.xnb-download');"
    "const o=new MutationObserver(()=>{const a=d.querySelector('a[data-nonce=\"'+n+'\"]');"
    "if(a){o.disconnect();a.click();send('downloaded|'+n);}});"
    "o.observe(d,{subtree:true,childList:true});setTimeout(()=>o.disconnect(),60000);}"
    "send(c+'|'+n);"
)


def style_widget() -> W.HTML:
    """The panels' stylesheet, in a widget of its own that never changes.

    Kept out of the redrawn HTML on purpose: a <style> replaced on every redraw makes the
    browser restyle the whole page, which costs more than the table itself. Its ``xnb-live``
    class tells the page that a live panel is there (its static copy hides).
    """
    w = W.HTML(TABLE_CSS, layout=W.Layout(display="none"))
    w.add_class("xnb-live")
    return w


def show_notice(target: W.HTML, notice: tuple[str, str]) -> None:
    """Put a controller's notice into an HTML widget."""
    kind, text = notice
    target.value = message(text, kind or "info")


def tools_html() -> Markup:
    """The Export buttons: plain HTML buttons whose clicks go through BRIDGE_JS."""
    buttons = [el("button", label, type="button", data_cmd=f"export:{kind}", title=tip,
                  class_=f"jupyter-button widget-button xnb-export xnb-export-{kind}")
               for kind, label, tip in (
                   ("csv", "⬇ Export CSV", "download the filtered rows as CSV"),
                   ("xlsx", "⬇ Excel", "download the filtered rows as an Excel workbook"))]
    return el("div", *buttons, class_="xnb-tools", onclick=BRIDGE_JS)


class DataTable(W.VBox):
    """A styled table: search as you type, sort by clicking a header, key columns kept in view,
    full text on hover or with "Full text", pages, and CSV/Excel downloads in the browser."""

    def __init__(self, state: TableState, *, title: str = "") -> None:
        self.state = state
        self.title = title or state.name
        self.filter = W.Text(placeholder="search: words, or column:value", description="Search",
                             continuous_update=True, layout=W.Layout(width="340px"))
        self.filter.add_class("xnb-search")
        self.wrap = W.ToggleButton(value=state.wrap, description="Full text", icon="align-left",
                                   tooltip="show long cells in full (otherwise: hover a cell)",
                                   layout=W.Layout(width="100px"))
        self.prev = W.Button(description="◀", tooltip="previous page", layout=W.Layout(width="40px"))
        self.next = W.Button(description="▶", tooltip="next page", layout=W.Layout(width="40px"))
        self.pager = W.Label()
        self.pager.add_class("xnb-pager")
        self.tools = W.HTML(tools_html())
        self.download = W.HTML()
        self.download.add_class("xnb-download")
        self.cmd = W.Text(continuous_update=True, layout=W.Layout(display="none"))
        self.cmd.add_class("xnb-cmd")
        self.notice = W.HTML()
        self.body = W.HTML()
        self.body.add_class(f"xnb-table-{state.name}")
        self.body.add_class("xnb-table-body")
        self.filter.observe(lambda ch: state.set_filter(ch["new"]), names="value")
        self.wrap.observe(lambda ch: state.set_wrap(ch["new"]), names="value")
        self.prev.on_click(lambda _: state.prev_page())
        self.next.on_click(lambda _: state.next_page())
        self.cmd.observe(lambda ch: state.command(ch["new"]), names="value")
        state.subscribe(self.redraw)
        bar = W.HBox([self.filter, self.prev, self.pager, self.next, self.wrap, self.tools,
                      self.download, self.cmd], layout=W.Layout(flex_flow="row wrap",
                                                                align_items="center"))
        kids = ([W.HTML(el("b", title))] if title else []) + [bar, self.notice, self.body,
                                                                  style_widget()]
        super().__init__(kids)
        self.add_class("xnb-datatable")
        self.add_class("xnb-bridged")
        self.redraw("table")
        self.redraw("download")

    def redraw(self, what: str = "table") -> None:
        """Show the state's current page (errors land in the notice, never lost)."""
        try:
            if what == "notice":
                show_notice(self.notice, self.state.notice)
                return
            if what == "download":
                self.download.value = link_html(self.state.pending)
                return
            self.body.value = el("div", self.state.html(), class_="xnb-bridge", onclick=BRIDGE_JS)
            self.pager.value = self.state.status()
            if self.wrap.value != self.state.wrap:
                self.wrap.value = self.state.wrap
        except Exception as exc:  # shown in the panel, not swallowed
            self.notice.value = message(f"{type(exc).__name__}: {exc}", "error")


def show_table(frame: Any, name: str = "table", page_size: int = 25, title: str = "") -> Table:
    """Any DataFrame as a searchable, sortable, paginated table widget with downloads."""
    return Table(TableState(frame, name=name, page_size=page_size), title=title)


# -- static copies --------------------------------------------------------------------------
def tables_in(widget: Any) -> Iterator[DataTable]:
    """The DataTables shown in ``widget`` (depth first, in page order; hidden ones left out)."""
    if getattr(getattr(widget, "layout", None), "display", None) == "none":
        return
    if isinstance(widget, DataTable):
        yield widget
        return
    for child in getattr(widget, "children", ()) or ():
        yield from tables_in(child)


# In the static copy's own output: the widget beside it that cannot show ("Loading widget...",
# "Error displaying widget: model not found": text only, no element) is hidden, and the page's
# rendered-HTML table rules (fixed layout, right-aligned cells) are undone.
STATIC_CSS = """<style>
.jp-OutputArea:has(.xnb-static) .jp-OutputArea-output:not(:has(*)){display:none}
.xnb-static .xnb-table table{table-layout:auto;margin:0}
.xnb-static .xnb-table th,.xnb-static .xnb-table td{text-align:left}
</style>"""
STATIC_DELAY = 0.8  # quiet seconds before the static copy follows: one copy per burst of clicks


class StaticCopy:
    """Mixin for a panel shown on its own: it also leaves a static copy of its tables.

    Displayed, the panel first emits a plain HTML output (with a display id) holding its tables
    as they are, then itself. The copy follows the tables (debounced) and is hidden by CSS while
    the live panel is on the page; without a kernel (or its widget state) the copy is what shows,
    and the "model not found" error beside it is hidden.
    """

    _static_handle: Any = None
    _static_loop: asyncio.AbstractEventLoop | None = None
    _static_timer: Any = None  # the pending refresh (a loop TimerHandle, or a Timer thread)
    _static_due = 0.0  # time.monotonic() at which the copy may follow (pushed by each change)

    def static_tables(self) -> list[DataTable]:
        """The tables the copy holds: every one shown in the panel (a panel may choose fewer)."""
        return list(tables_in(self))

    def static_html(self) -> Markup:
        """The panel's shown tables as static HTML (redacted; no script, no widget)."""
        parts = []
        for table in self.static_tables():
            parts.append(el("div", el("b", table.title), table.state.static_html(),
                            class_="xnb-static-table", data_table=table.state.name))
        body = join(parts) or el("div", "no table yet", class_="xnb-static-note")
        head = el("div", "Static copy of the last results (run the cell to interact).",
                  class_="xnb-static-note")
        return Markup(redact(str(el("div", Markup(TABLE_CSS), Markup(STATIC_CSS), head, body,
                                    class_="xnb-static"))))

    def _static_sources(self) -> list[Any]:
        found = [getattr(self, "state", None), *(t.state for t in self.static_tables())]
        tables = getattr(self, "tables", None)
        if isinstance(tables, dict):
            found += [t.state for t in tables.values() if isinstance(t, DataTable)]
        seen: dict[int, Any] = {}
        for s in found:
            if s is not None and hasattr(s, "subscribe"):
                seen.setdefault(id(s), s)
        return list(seen.values())

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, display

        try:  # the kernel's loop, on its main thread: refreshes never race the handlers
            self._static_loop = asyncio.get_running_loop()
        except RuntimeError:
            self._static_loop = None
        self._static_handle = display(HTML(self.static_html()), display_id=True)
        display(self._repr_mimebundle_(), raw=True)  # type: ignore[attr-defined]
        if not getattr(self, "_static_hooked", False):
            self._static_hooked = True
            for source in self._static_sources():
                source.subscribe(self._static_changed)

    def _static_changed(self, what: str) -> None:
        # Trailing debounce: the copy follows once the tables have been still for STATIC_DELAY,
        # so its (redacted) render never lands between the clicks of a burst.
        if what == "notice" or self._static_handle is None:
            return
        self._static_due = time.monotonic() + STATIC_DELAY
        if self._static_timer is not None:
            return
        loop = self._static_loop
        if loop is not None and not loop.is_closed():
            self._static_timer = True  # taken at once: one refresh per burst, from any thread
            loop.call_soon_threadsafe(self._later, loop)
            return
        timer = threading.Timer(STATIC_DELAY, self._static_wait)
        timer.daemon = True
        self._static_timer = timer
        timer.start()

    def _later(self, loop: asyncio.AbstractEventLoop) -> None:
        left = self._static_due - time.monotonic()
        if left > 0:
            self._static_timer = loop.call_later(left, self._later, loop)
        else:
            self.refresh_static()

    def _static_wait(self) -> None:  # on the timer's thread (no kernel loop)
        while (left := self._static_due - time.monotonic()) > 0:
            time.sleep(left)
        self.refresh_static()

    def refresh_static(self) -> None:
        """Put the tables as they are now into the static copy."""
        self._static_timer = None
        handle = self._static_handle
        if handle is not None:
            from IPython.display import HTML

            handle.update(HTML(self.static_html()))


class Table(StaticCopy, DataTable):
    """A DataTable shown on its own (``show_table``): with a static copy in the notebook."""
