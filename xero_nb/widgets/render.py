"""HTML fragments the panels show: table styles, messages, findings, token status.

Everything is built with ``xero_nb.markup`` (values escaped); nothing here ever receives a secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from xero_nb.markup import Markup, el, fmt, join, rich
from xero_nb.spreadsheet import cell_text as cell_text  # (the widgets' tables and files say cells alike)

__all__ = ["TABLE_CSS", "cell_text", "chips", "findings", "key_values", "message", "rich"]

# Every colour comes from JupyterLab's theme variables (fallbacks: the Light theme's values, for
# pages without them), so the panels read the same in Light and Dark. Tinted backgrounds mix a
# status colour into the page's own layout colour, and text takes the theme's font colour: light
# tints under dark text in Light, dark tints under light text in Dark (WCAG AA in both, checked
# by tests/test_browser.py).
_FONT = "var(--jp-ui-font-color1,rgba(0,0,0,.87))"
_PAGE = "var(--jp-layout-color1,#fff)"
_OK = "var(--jp-success-color1,#388e3c)"
_NO = "var(--jp-error-color1,#d32f2f)"
_WARN = "var(--jp-warn-color1,#f57c00)"
_INFO = "var(--jp-info-color1,#0097a7)"
_LINK = "var(--jp-content-link-color,#0d47a1)"


def _tint(colour: str, percent: int) -> str:
    """``colour`` mixed into the page's background: a light tint in Light, a dark one in Dark."""
    return f"color-mix(in srgb,{colour} {percent}%,{_PAGE})"


TABLE_CSS = f"""<style>
.xnb-table{{max-height:520px;overflow:auto;font-size:12px;line-height:1.4;color:{_FONT}}}
.xnb-table table{{border-collapse:collapse;width:100%}}
.xnb-table th{{position:sticky;top:0;background:var(--jp-layout-color2,#eee);color:{_FONT};
  text-align:left;padding:3px 6px;border-bottom:1px solid var(--jp-border-color1,#bdbdbd)}}
.xnb-table td{{padding:2px 6px;border-bottom:1px solid var(--jp-border-color2,#e0e0e0);
  vertical-align:top;white-space:nowrap;color:{_FONT}}}
/* A table never widens its panel: it scrolls sideways inside it (flex items would grow). */
.xnb-datatable,.xnb-table-body{{min-width:0;max-width:100%}}
.xnb-table-body>.widget-html-content{{flex-shrink:1;min-width:0;max-width:100%}}
.xnb-table th[data-cmd]{{cursor:pointer;user-select:none}}
.xnb-table th[data-cmd]:hover{{text-decoration:underline}}
.xnb-table th button.xnb-sort{{all:unset;cursor:pointer}}
.xnb-table th button.xnb-sort:focus-visible{{outline:2px solid var(--jp-brand-color1,#1976d2);
  outline-offset:1px}}
.xnb-table th.xnb-key,.xnb-table td.xnb-key{{position:sticky;z-index:1;box-sizing:border-box;
  white-space:normal;overflow-wrap:anywhere}}
.xnb-table td.xnb-key{{background:{_PAGE}}}
.xnb-table th.xnb-key{{z-index:3}}
.xnb-table th{{z-index:2}}
.xnb-table .xnb-key-last{{box-shadow:inset -2px 0 0 var(--jp-border-color1,#bdbdbd)}}
.xnb-table td.xnb-long{{max-width:28em;overflow:hidden;text-overflow:ellipsis}}
.xnb-table.xnb-wrap td{{white-space:normal;overflow-wrap:anywhere}}
.xnb-table.xnb-wrap td.xnb-long{{overflow:visible;min-width:16em}}
.xnb-static-note{{font-size:12px;color:var(--jp-ui-font-color2,rgba(0,0,0,.54));margin:2px 0}}
/* A static copy of the tables (for a notebook opened without a kernel) is hidden while the live
   panel it copies is on the page (its style widget carries .xnb-live), and shown otherwise. */
.jp-OutputArea:has(.xnb-live) .jp-OutputArea-child:has(.xnb-static){{display:none}}
.xnb-tools button{{margin:0 4px 0 0}}
.xnb-download-link{{font-size:12px;color:{_LINK}}}
/* a link the user must click (a consent page a browser may not have opened): seen as one */
.xnb-consent-open{{color:{_LINK};text-decoration:underline;font-weight:600}}
.xnb-consent-open::after{{content:" ↗"}}
.xnb-table tr.xnb-ok td{{background:{_tint(_OK, 16)}}}
.xnb-table tr.xnb-no td{{background:{_tint(_NO, 16)}}}
.xnb-table td.xnb-ok{{background:{_tint(_OK, 16)}}}
.xnb-table td.xnb-no{{background:{_tint(_NO, 16)}}}
.xnb-table tr.xnb-warn td{{background:{_tint(_WARN, 18)}}}
.xnb-table tr.xnb-gained td{{background:{_tint(_OK, 34)};font-weight:600}}
.xnb-table tr.xnb-lost td{{background:{_tint(_NO, 34)};font-weight:600}}
.xnb-table a,.xnb-diagnosis a,.xnb-msg a{{color:{_LINK}}}
.xnb-msg{{padding:4px 8px;border-radius:4px;margin:2px 0;font-size:13px;color:{_FONT}}}
.xnb-msg-error{{background:{_tint(_NO, 12)};border:1px solid {_tint(_NO, 45)}}}
.xnb-msg-info{{background:{_tint(_INFO, 12)};border:1px solid {_tint(_INFO, 45)}}}
.xnb-msg-ok{{background:{_tint(_OK, 12)};border:1px solid {_tint(_OK, 45)}}}
.xnb-finding{{border-left:4px solid {_NO};padding:4px 8px;margin:4px 0;color:{_FONT};
  background:{_tint(_NO, 8)}}}
.xnb-finding.xnb-minor{{border-left-color:{_WARN};background:{_tint(_WARN, 8)}}}
.xnb-finding code,.xnb-kv code{{font-size:12px;color:inherit}}
.xnb-finding li{{overflow-wrap:anywhere}}
.xnb-kv td{{padding:1px 8px 1px 0;vertical-align:top}}
.xnb-chip{{display:inline-block;padding:0 6px;margin:1px;border-radius:8px;font-size:11px;
  color:{_FONT};background:var(--jp-layout-color2,#eee)}}
.xnb-chip.xnb-on{{background:{_tint(_OK, 34)}}}.xnb-chip.xnb-off{{background:{_tint(_NO, 34)}}}
</style>"""


_KINDS = frozenset({"info", "ok", "error"})


def message(text: str, kind: str = "info") -> Markup:
    """A one-line coloured message box (kind: info, ok, error)."""
    if not text:
        return Markup()
    return el("div", text, class_=f"xnb-msg xnb-msg-{kind if kind in _KINDS else 'info'}")


def chips(names: Iterable[str], on: Iterable[str] = ()) -> Markup:
    """Scope names as small chips, green when in ``on``."""
    lit = set(on)
    return join(el("span", n, class_="xnb-chip " + ("xnb-on" if n in lit else ""))
                for n in sorted(names))


def key_values(rows: Iterable[tuple[str, Any]]) -> Markup:
    """A two-column table of labels and values (values escaped)."""
    body = join(fmt("<tr><td><b>{}</b></td><td>{}</td></tr>", k, cell_text(v)) for k, v in rows)
    return el("table", body, class_="xnb-kv")


def findings(diagnosis: Any) -> Markup:
    """A Diagnosis as ranked boxes: code, title, evidence, fix steps."""
    if diagnosis is None:
        return Markup()
    items = list(getattr(diagnosis, "findings", ()) or ())
    # the notes first, as the command line prints them: what of the input was not read (a long
    # paste cut), an endpoint given against the one the paste shows, where the endpoint came from
    parts: list[Markup] = [el("div", f"Note: {n}", class_="xnb-msg xnb-msg-info xnb-note")
                           for n in getattr(diagnosis, "notes", ()) or () if isinstance(n, str)]
    decisive = getattr(diagnosis, "decisive_fact", None)
    for i, f in enumerate(items):
        evidence = join(el("li", rich(str(e))) for e in getattr(f, "evidence", ()))
        fix = join(el("li", rich(str(s))) for s in getattr(f, "fix", ()))
        parts.append(el(
            "div", fmt("<b>{}. <code>{}</code></b> ", i + 1, str(f.code)), rich(str(f.title)),
            fmt("<div>Evidence:<ul>{}</ul></div>", evidence) if evidence else "",
            fmt("<div>Fix:<ol>{}</ol></div>", fix) if fix else "",
            class_="xnb-finding" + ("" if i == 0 else " xnb-minor"), data_code=str(f.code)))
    if not items:
        parts.append(el("div", "No finding.", class_="xnb-msg xnb-msg-info"))
    if decisive:
        parts.append(el("div", f"To decide: {decisive}", class_="xnb-msg xnb-msg-info"))
    return el("div", *parts, class_="xnb-diagnosis")
