"""EndpointBrowser: filter every Xero endpoint and see what one of them needs."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from xero_nb.markup import Markup, fmt, join
from xero_nb.widgets.browser import BrowserState
from xero_nb.widgets.render import chips, message
from xero_nb.widgets.table_view import DataTable, StaticCopy, show_notice, style_widget

# "allowed"/"blocked" in the theme's green/red pulled toward its text colour: readable in Light and Dark.
_ALLOWED_INK = ("color-mix(in srgb,var(--jp-success-color1,#388e3c) 60%,"
                "var(--jp-content-font-color0,#000))")
_BLOCKED_INK = "color-mix(in srgb,var(--jp-error-color1,#d32f2f) 60%,var(--jp-content-font-color0,#000))"


def none_needed(d: dict, era: str) -> str:
    """What an empty scope list means in ``era``: no scope at all grants it, or none is needed."""
    return "(no scope grants it)" if d["unreachable"][era] else "(any valid token)"


def _verdict(answer: dict) -> Markup:
    allowed = answer["allowed"]
    return fmt('<b style="color:{}">{}</b>', _ALLOWED_INK if allowed else _BLOCKED_INK,
               "allowed" if allowed else "blocked")


def _narrowest(answer: dict) -> Markup:
    return fmt(" · narrowest scope: <code>{}</code>", answer["narrowest"]) \
        if answer["narrowest"] else Markup()


def details_html(d: dict | None) -> str:
    """The selected endpoint's card: reality first (the token in the app's era); the Scopes
    tab's what-if, when it explores, only below it and labelled as one."""
    if d is None:
        return message("Pick an endpoint to see the scopes it needs.")
    ep = d["endpoint"]
    wi = d.get("whatif")

    def era_label(era: str) -> Markup:
        tag = " (app's era)" if era == d["era"] else (
            " (what-if)" if wi is not None and era == wi["era"] else "")
        return fmt("<b>{}</b>{}", era, tag)

    rows = join(fmt("<tr><td>{}</td><td>{}</td></tr>", era_label(era),
                    chips(scopes, d["held"]) or none_needed(d, era))
                for era, scopes in d["required"].items())
    ptable = join(fmt("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", r.name,
                      r._2, r.type, r.format, "yes" if r.required else "")
                  for r in d["params"].itertuples()) or Markup('<tr><td colspan="5">none</td></tr>')
    notes = [f"scopes per {d['source']} ({d['confidence']})"
             + (f"; other reading: {d['other_reading']}" if d["other_reading"] else "")]
    if d["restriction"]:
        notes.append(f"⚠ {d['restriction']}")
    if d["tenant_header"]:
        notes.append("needs the xero-tenant-id header")
    if d["write"]:
        notes.append("write: changes the organisation")
    if d["payroll_region"]:
        notes.append(f"payroll region {d['payroll_region']} only")
    whatif = Markup()
    if wi is not None:
        whatif = fmt('<div class="xnb-whatif-answer"><i>What-if only ({}; not the app, not a '
                     'fix)</i>: {} with the what-if scopes in the {} era{}{}</div>',
                     wi["label"].removeprefix("what-if "), _verdict(wi), wi["era"], _narrowest(wi),
                     fmt(" · ⚠ {}", wi["restriction"]) if wi["restriction"] else "")
    return fmt(
        '<div class="xnb-endpoint"><h4 style="margin:4px 0">{} <code>{}</code></h4>'
        '<div class="xnb-real-answer">{} with the token\'s scopes in the app\'s {} era{}</div>{}'
        '<table class="xnb-kv">{}</table><div>{}</div>'
        '<div><b>Parameters</b></div><div class="xnb-table"><table><thead><tr><th>name</th>'
        "<th>in</th><th>type</th><th>format</th><th>required</th></tr></thead>"
        "<tbody>{}</tbody></table></div></div>",
        ep.method, d["url"], _verdict(d), d["era"], _narrowest(d), whatif, rows,
        join(notes, " · "), ptable)


class EndpointBrowser(StaticCopy, W.VBox):
    """Filter by API, tag, method, text, blocked only; pick one to see its scopes."""

    def __init__(self, state: BrowserState | None = None, **kwargs: Any) -> None:
        self.state = st = state if state is not None else BrowserState(**kwargs)
        self.api = W.Dropdown(options=[("all APIs", "")] + [(a, a) for a in st.apis],
                              description="API")
        self.tag = W.Dropdown(options=self._tag_options(), description="Tag")
        self.method = W.Dropdown(options=[("any", ""), *((m, m) for m in ("GET", "POST", "PUT",
                                                                          "PATCH", "DELETE"))],
                                 description="Method", layout=W.Layout(width="180px"))
        self.text = W.Text(placeholder="path, operation or scope", description="Search",
                           continuous_update=True)
        self.blocked = W.Checkbox(value=False, description="blocked only", indent=False)
        self.picker = W.Select(options=[], rows=8, layout=W.Layout(width="100%"))
        self.add_btn = W.Button(description="Add to selection", icon="plus",
                                tooltip="for least privilege in the Scopes tab")
        self.all_btn = W.Button(description="Select all filtered")
        self.clear_btn = W.Button(description="Clear selection")
        self.notice = W.HTML()
        self.card = W.HTML()
        self.table = DataTable(st.table, title="Endpoints")
        self.whatif_note = W.HTML()  # the table's allowed/missing are the what-if's while exploring
        self.whatif_note.add_class("xnb-whatif-note")
        self.api.observe(lambda ch: st.set_filters(api=ch["new"]), names="value")
        self.tag.observe(lambda ch: st.set_filters(tag=ch["new"] or ""), names="value")
        self.method.observe(lambda ch: st.set_filters(method=ch["new"]), names="value")
        self.text.observe(lambda ch: st.set_filters(text=ch["new"]), names="value")
        self.blocked.observe(lambda ch: st.set_filters(blocked_only=ch["new"]), names="value")
        self.picker.observe(lambda ch: st.choose(ch["new"]), names="value")
        self.add_btn.on_click(lambda _: st.add_current_to_selection())
        self.all_btn.on_click(lambda _: st.select_filtered())
        self.clear_btn.on_click(lambda _: st.clear_selection())
        st.subscribe(self.redraw)
        super().__init__([style_widget(),
            W.HBox([self.api, self.tag, self.method], layout=W.Layout(flex_flow="row wrap")),
            W.HBox([self.text, self.blocked]),
            W.HBox([W.VBox([self.picker, W.HBox([self.add_btn, self.all_btn, self.clear_btn])],
                           layout=W.Layout(width="50%")),
                    W.Box([self.card], layout=W.Layout(width="50%"))]),
            self.notice, self.whatif_note, self.table,
        ])
        self.redraw("rows")
        self.redraw("notice")

    def _tag_options(self) -> list[tuple[str, str]]:
        return [("all tags", "")] + [(t, t) for t in self.state.tags()]

    def redraw(self, what: str = "rows") -> None:
        """Follow the state (errors are shown, never lost)."""
        try:
            st = self.state
            if what == "notice":
                show_notice(self.notice, st.notice)
                return
            if what == "rows":
                tags = self._tag_options()
                if list(self.tag.options) != tags:
                    self.tag.options = tags
                    self.tag.value = st.tag if st.tag in [v for _, v in tags] else ""
                opts = st.options()
                if list(self.picker.options) != opts:
                    self.picker.options = opts
            self.card.value = details_html(st.details())
            note = st.scopes.whatif_note()
            self.whatif_note.value = message(
                f"The table's allowed / missing columns show the Scopes tab's {note} "
                f"(exploration only); the app is in the {st.scopes.token_era} era.") if note else ""
        except Exception as exc:  # shown in the panel, not swallowed
            self.notice.value = message(f"{type(exc).__name__}: {exc}", "error")
