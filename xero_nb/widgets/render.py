"""HTML fragments the panels show: table styles, messages, findings, token status.

Everything passes through ``html.escape``; nothing here ever receives a secret.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from typing import Any

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


def message(text: str, kind: str = "info") -> str:
    """A one-line coloured message box (kind: info, ok, error)."""
    if not text:
        return ""
    return f'<div class="xnb-msg xnb-msg-{kind}">{html.escape(text)}</div>'


def chips(names: Iterable[str], on: Iterable[str] = ()) -> str:
    """Scope names as small chips, green when in ``on``."""
    lit = set(on)
    return "".join(
        f'<span class="xnb-chip {"xnb-on" if n in lit else ""}">{html.escape(n)}</span>'
        for n in sorted(names)
    )


def key_values(rows: Iterable[tuple[str, Any]]) -> str:
    """A two-column table of labels and values (values escaped)."""
    body = "".join(
        f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(cell_text(v))}</td></tr>"
        for k, v in rows
    )
    return f'<table class="xnb-kv">{body}</table>'


_TICKS = re.compile(r"`([^`]+)`")
_URL = re.compile(r"(https?://[^\s<>\"']+)")


def rich(text: str) -> str:
    """Escaped text with `code` spans and clickable links (a fix's authorize URL)."""
    out = _TICKS.sub(r"<code>\1</code>", html.escape(text, quote=False))
    return _URL.sub(r'<a href="\1" target="_blank" rel="noopener">\1</a>', out)


def findings(diagnosis: Any) -> str:
    """A Diagnosis as ranked boxes: code, title, evidence, fix steps."""
    if diagnosis is None:
        return ""
    items = list(getattr(diagnosis, "findings", ()) or ())
    parts = ['<div class="xnb-diagnosis">']
    decisive = getattr(diagnosis, "decisive_fact", None)
    for i, f in enumerate(items):
        evidence = "".join(f"<li>{rich(str(e))}</li>" for e in getattr(f, "evidence", ()))
        fix = "".join(f"<li>{rich(str(s))}</li>" for s in getattr(f, "fix", ()))
        cls = "xnb-finding" + ("" if i == 0 else " xnb-minor")
        parts.append(
            f'<div class="{cls}" data-code="{html.escape(str(f.code))}"><b>{i + 1}. '
            f"<code>{html.escape(str(f.code))}</code></b> {rich(str(f.title))}"
            + (f"<div>Evidence:<ul>{evidence}</ul></div>" if evidence else "")
            + (f"<div>Fix:<ol>{fix}</ol></div>" if fix else "")
            + "</div>"
        )
    if not items:
        parts.append('<div class="xnb-msg xnb-msg-info">No finding.</div>')
    if decisive:
        parts.append(f'<div class="xnb-msg xnb-msg-info">To decide: {html.escape(decisive)}</div>')
    parts.append("</div>")
    return "".join(parts)
