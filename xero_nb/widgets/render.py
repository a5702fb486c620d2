"""HTML fragments the panels show: table styles, messages, findings, token status.

Everything is built with ``xero_nb.markup`` (values escaped); nothing here ever receives a secret.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from xero_nb.markup import Markup, el, fmt, join, rich

__all__ = ["TABLE_CSS", "cell_text", "chips", "findings", "key_values", "message", "rich"]

TABLE_CSS = """<style>
.xnb-table{max-height:520px;overflow:auto;font-size:12px}
.xnb-table table{border-collapse:collapse;width:100%}
.xnb-table th{position:sticky;top:0;background:#f3f4f6;text-align:left;padding:3px 6px;
  border-bottom:1px solid #ccc}
.xnb-table td{padding:2px 6px;border-bottom:1px solid #eee;vertical-align:top;white-space:nowrap}
.xnb-table tr.xnb-ok td{background:#e3f7e8}
.xnb-table tr.xnb-no td{background:#fde4e4}
.xnb-table tr.xnb-warn td{background:#fef9c3}
.xnb-table tr.xnb-gained td{background:#bbf7d0;font-weight:600}
.xnb-table tr.xnb-lost td{background:#fecaca;font-weight:600}
.xnb-msg{padding:4px 8px;border-radius:4px;margin:2px 0;font-size:13px}
.xnb-msg-error{background:#fef2f2;color:#991b1b;border:1px solid #fecaca}
.xnb-msg-info{background:#eff6ff;color:#1e3a8a;border:1px solid #bfdbfe}
.xnb-msg-ok{background:#ecfdf3;color:#065f46;border:1px solid #bbf7d0}
.xnb-finding{border-left:4px solid #dc2626;padding:4px 8px;margin:4px 0;background:#fff7f7}
.xnb-finding.xnb-minor{border-left-color:#f59e0b;background:#fffbeb}
.xnb-finding code,.xnb-kv code{font-size:12px}
.xnb-finding li{overflow-wrap:anywhere}
.xnb-kv td{padding:1px 8px 1px 0;vertical-align:top}
.xnb-chip{display:inline-block;padding:0 6px;margin:1px;border-radius:8px;font-size:11px;
  background:#e5e7eb}
.xnb-chip.xnb-on{background:#bbf7d0}.xnb-chip.xnb-off{background:#fecaca}
</style>"""


def cell_text(value: Any) -> str:
    """A table cell as text: sets sorted and comma-joined, None/NaN empty."""
    if value is None:
        return ""
    if isinstance(value, (set, frozenset, list, tuple)):
        return ", ".join(sorted(str(v) for v in value))
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)


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
    parts: list[Markup] = []
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
