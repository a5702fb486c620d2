"""Render a report's blocks (headings, paragraphs, tables, code, diagnoses) as Markdown or HTML.

Every value goes through ``xero_nb.markup``: table cells, headings and paragraphs are escaped
(no HTML, link or extra column can come from a tenant name or a response), and code fences are
longer than any run of backticks in the code they hold.
"""

from __future__ import annotations

from typing import Any

from xero_nb.markup import Markup, el, fmt, join, md_fence, md_text

Block = tuple[str, Any, Any]  # (kind, a, b): ("h", level, text) ("p", text, None) ...
# Inline styles: notebook front ends keep them, and a saved page needs no stylesheet.
_TABLE = "border-collapse:collapse;margin:4px 0"
_CELL = "border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top"
_PRE = "background:#f6f8fa;padding:8px;white-space:pre-wrap;word-break:break-all"


def _row(cells: Any) -> str:
    return "| " + " | ".join(md_text(c) for c in cells) + " |"


def markdown(blocks: list[Block]) -> str:
    """The blocks as Markdown (cells and text escaped, code fenced so it cannot break out)."""
    out: list[str] = []
    for kind, a, b in blocks:
        if kind == "h":
            out.append("#" * int(a) + " " + md_text(b))
        elif kind == "p":
            out.append(md_text(a))
        elif kind == "table":
            out.append("\n".join([_row(a), "|" + "---|" * len(a), *(_row(r) for r in b)]))
        elif kind == "code":
            out.append(md_fence(b, a))
        elif kind == "diagnosis":
            out.append(a.to_markdown())  # escaped by the Diagnosis itself (xero_nb.markup)
    return "\n\n".join(out) + "\n"


def to_html(blocks: list[Block]) -> str:
    """The blocks as one escaped HTML fragment with inline styles."""
    out: list[Markup] = []
    for kind, a, b in blocks:
        if kind == "h":
            out.append(el(f"h{int(a)}", b))
        elif kind == "p":
            out.append(el("p", a))
        elif kind == "table":
            head = join(el("th", c, style=_CELL) for c in a)
            body = join(el("tr", *(el("td", c, style=_CELL) for c in row)) for row in b)
            out.append(el("table", el("thead", el("tr", head)), el("tbody", body), style=_TABLE))
        elif kind == "code":
            out.append(el("pre", el("code", b, class_=f"language-{a}"), style=_PRE))
        elif kind == "diagnosis":
            out.append(a.to_html())
    return fmt("<div class='xero-nb-report'>{}</div>", join(out, "\n"))
