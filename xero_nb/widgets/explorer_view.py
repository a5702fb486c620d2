"""ScopeExplorer: scope toggles grouped by API, a live coverage table, summaries and plans."""

from __future__ import annotations

import warnings
from typing import Any

import ipywidgets as W

from xero_nb.catalog.scopes import ERAS
from xero_nb.errors import XeroNbWarning
from xero_nb.markup import el, fmt, join
from xero_nb.widgets.explorer import VIEWS, ExplorerState
from xero_nb.widgets.render import message
from xero_nb.widgets.table_view import DataTable, StaticCopy, show_notice, style_widget


def scope_css_class(scope: str) -> str:
    """The CSS class of one scope's toggle (used by the browser test)."""
    return "xnb-scope-" + scope.replace(".", "-")


def toggle_label(status: dict) -> str:
    """✓ granted and on, + added, - removed, · off; (n) endpoints it reaches; r requested."""
    marks = {(True, True): "✓", (True, False): "+", (False, True): "-", (False, False): "·"}
    mark = marks[(bool(status["on"]), bool(status["granted"]))]
    req = " r" if status["requested"] and not status["granted"] else ""
    return f"{mark} {status['scope']} ({status['endpoints']}){req}"


class ScopeExplorer(StaticCopy, W.VBox):
    """Toggle scopes and watch coverage change live (one shared ScopeState)."""

    def __init__(self, state: ExplorerState | None = None, **kwargs: Any) -> None:
        self.state = state if state is not None else ExplorerState(**kwargs)
        st = self.state
        self.era = W.ToggleButtons(options=list(ERAS), value=st.scopes.era, description="Era")
        self.era.add_class("xnb-era")
        self.view = W.ToggleButtons(options=list(VIEWS), value=st.view_mode, description="Rows")
        self.reset_btn = W.Button(description="Reset to token", icon="undo")
        self.least_btn = W.Button(description="Least privilege", icon="compress",
                                  tooltip="smallest scope set for the selected endpoints")
        self.least_apply = W.Button(description="Use it", tooltip="explore that scope set")
        self.migrate_btn = W.Button(description="Migration plan", icon="random",
                                    tooltip="granular scopes that keep this access")
        self.migrate_apply = W.Button(description="Try granular", tooltip="explore the plan")
        self.auth_btn = W.Button(description="Authorize with these scopes", icon="key",
                                 button_style="primary", layout=W.Layout(width="auto"))
        self.auth_btn.add_class("xnb-authorize")
        self.headline = W.HTML()
        self.headline.add_class("xnb-headline")
        self.notice = W.HTML()
        self.toggles: dict[str, W.Checkbox] = {}
        self._titles: list[tuple[str, list[str]]] = []  # (group, its scopes), in accordion order
        self.groups = W.Accordion()
        self.scope_search = W.Text(placeholder="name, or what it grants", description="Find",
                                   continuous_update=True, layout=W.Layout(width="95%"))
        self.scope_search.add_class("xnb-scope-search")
        self.scope_info = W.HTML()  # the matching scopes with their descriptions
        self.scope_notes = W.HTML()  # scopes given that the catalog does not know: carried, said
        self.scope_notes.add_class("xnb-scope-notes")
        self.scope_info.add_class("xnb-scope-info")
        self.coverage = DataTable(st.table, title="Coverage")
        self.summary = DataTable(st.summary, title="Per API")
        self.plan = DataTable(st.plan_table, title="Migration plan")
        self.era.observe(lambda ch: st.set_era(ch["new"]), names="value")
        self.view.observe(lambda ch: st.set_view(ch["new"]), names="value")
        self.reset_btn.on_click(lambda _: st.reset())
        self.least_btn.on_click(lambda _: st.compute_least_privilege())
        self.least_apply.on_click(lambda _: st.apply_least_privilege())
        self.migrate_btn.on_click(lambda _: st.compute_migration())
        self.migrate_apply.on_click(lambda _: st.apply_migration())
        self.auth_btn.on_click(lambda _: st.authorize())
        self.scope_search.observe(lambda ch: st.search_scopes(ch["new"]), names="value")
        st.subscribe(self.redraw)
        st.scopes.subscribe(self.redraw)
        actions = W.HBox([self.reset_btn, self.least_btn, self.least_apply, self.migrate_btn,
                          self.migrate_apply, self.auth_btn], layout=W.Layout(flex_flow="row wrap"))
        left = W.VBox([W.HTML("<b>Scopes</b> (✓ granted · + what-if added · - what-if removed;"
                              " hover one for what it grants)"),
                       self.scope_search, self.scope_info, self.scope_notes, self.groups],
                      layout=W.Layout(width="34%", min_width="300px"))
        right = W.VBox([self.headline, self.coverage, self.summary],
                       layout=W.Layout(width="66%"))
        super().__init__([style_widget(), W.HBox([self.era, self.view]), actions, self.notice,
                          W.HBox([left, right]), self.plan])
        self._build_toggles()
        self.redraw("table")
        self.redraw("notice")  # e.g. the migration plan computed before the panel was built

    def _build_toggles(self) -> None:
        st = self.state
        boxes = []
        titles = []
        self.toggles = {}
        for group, names in st.scopes.groups().items():
            items = []
            for name in names:
                cb = W.Checkbox(value=name in st.scopes.whatif, indent=False,
                                layout=W.Layout(width="auto"))
                cb.add_class(scope_css_class(name))
                cb.observe(lambda ch, n=name: st.toggle(n, ch["new"]), names="value")
                self.toggles[name] = cb
                items.append(cb)
            boxes.append(W.VBox(items))
            titles.append((group, names))
        self.groups.children = boxes
        self._titles = titles
        self.groups.selected_index = 1 if len(boxes) > 1 else 0
        self._label_toggles()
        self._show_matches()

    def _show_matches(self) -> None:
        """Only the scopes the search box matches, each group saying how many; their
        descriptions listed above the groups (up to 12)."""
        st = self.state
        query = st.scope_query
        found = st.scopes.find_scopes(query) if query else list(self.toggles)
        hits = set(found)
        for name, cb in self.toggles.items():
            want = "" if name in hits else "none"
            if cb.layout.display != want:
                cb.layout.display = want
        first = None
        for i, (group, names) in enumerate(self._titles):
            k = sum(n in hits for n in names)
            self.groups.set_title(i, f"{group} ({k} of {len(names)})" if query else
                                  f"{group} ({len(names)})")
            if first is None and k:
                first = i
        if query and first is not None and (
                self.groups.selected_index is None
                or not any(n in hits for n in self._titles[self.groups.selected_index][1])):
            self.groups.selected_index = first
        if not query:
            self.scope_info.value = ""
        elif not found:
            self.scope_info.value = message(f"no scope matches {query!r}", "info")
        else:
            rows = join(fmt("<tr><td><code>{}</code></td><td>{}</td></tr>", n,
                            st.scopes.describe(n) or "(not on Xero's scopes page)")
                        for n in found[:12])
            more = fmt("<div>… and {} more</div>", len(found) - 12) if len(found) > 12 else ""
            self.scope_info.value = fmt('<table class="xnb-kv">{}</table>{}', rows, more)

    def _label_toggles(self) -> None:
        st = self.state.scopes
        for name, cb in self.toggles.items():
            status = st.scope_status(name)
            if cb.value != status["on"]:
                cb.value = status["on"]
            cb.description = toggle_label(status)
            cb.tooltip = " · ".join(t for t in (status["description"], status["refused"]) if t)

    def redraw(self, what: str = "table") -> None:
        """Follow the state: headline, toggle marks, era, notices."""
        try:
            st = self.state
            if what == "notice":
                show_notice(self.notice, st.notice)
                self.plan.layout.display = "" if st.plan is not None else "none"
                return
            if what == "scope_query":
                self._show_matches()
                return
            if what in ("era", "granted") and set(self.toggles) != set(
                    n for ns in st.scopes.groups().values() for n in ns):
                self._build_toggles()
            elif what in ("whatif", "granted", "era"):
                self._label_toggles()
            # what was given that the catalog does not know, and scopes it holds no operation of
            with warnings.catch_warnings():  # (its era warning is one of the notes shown)
                warnings.simplefilter("ignore", XeroNbWarning)
                said = st.scopes.coverage().attrs.get("notes", ())
            notes = list(dict.fromkeys([*st.scopes.notes, *said]))
            self.scope_notes.value = fmt('<div class="xnb-note">{}</div>', join(
                fmt("<div>{}</div>", n) for n in notes)) if notes else ""
            self.plan.layout.display = "" if st.plan is not None else "none"
            n = len(st.scopes.selected)
            self.least_btn.description = f"Least privilege ({n} selected)" if n else \
                "Least privilege"
            if self.era.value != st.scopes.era:
                self.era.value = st.scopes.era
            self.headline.value = el("div", el("b", st.headline()), class_="xnb-headline-text",
                                     data_allowed=st.allowed_count)
            # no connection (a ScopeExplorer on its own): nothing to re-consent, said on the button
            self.auth_btn.disabled = st.connection is None
            if st.connection is None:
                self.auth_btn.tooltip = ("needs a signed-in connection: ScopeExplorer(connection=...) "
                                         "or the Scope Lab's Connect tab")
            else:  # what a click would ask for, before the click
                keep, refused = st.authorize_plan()
                self.auth_btn.tooltip = (
                    f"re-consent with {len(keep)} scope(s), in the app's real {st.real_era()} era"
                    + (f"; not asked (refused to this app): {', '.join(refused)}" if refused
                       else ""))
        except Exception as exc:  # shown in the panel, not swallowed
            self.notice.value = message(f"{type(exc).__name__}: {exc}", "error")
