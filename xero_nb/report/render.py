"""Render a report's blocks (headings, paragraphs, tables, code) as Markdown or HTML."""

from __future__ import annotations

import html
from typing import Any

Block = tuple[str, Any, Any]  # (kind, a, b): ("h", level, text) ("p", text, None) ...
# Inline styles: notebook front ends keep them, and a saved page needs no stylesheet.
_TABLE = "border-collapse:collapse;margin:4px 0"
_CELL = "border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top"
_PRE = "background:#f6f8fa;padding:8px;white-space:pre-wrap;word-break:break-all"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def markdown(blocks: list[Block]) -> str:
    """The blocks as Markdown (tables piped, code fenced)."""
    out: list[str] = []
    for kind, a, b in blocks:
        if kind == "h":
            out.append("#" * a + " " + _cell(b))
        elif kind == "p":
            out.append(a)
        elif kind == "table":
            out.append("| " + " | ".join(a) + " |\n|" + "---|" * len(a))
            out[-1] += "".join("\n| " + " | ".join(_cell(c) for c in row) + " |" for row in b)
        elif kind == "code":
            fence = "````" if "```" in b else "```"
            out.append(f"{fence}{a}\n{b}\n{fence}")
        elif kind == "raw":
            out.append(a)
    return "\n\n".join(out) + "\n"


def to_html(blocks: list[Block]) -> str:
    """The blocks as one escaped HTML fragment with inline styles."""
    e = html.escape
    out: list[str] = []
    for kind, a, b in blocks:
        if kind == "h":
            out.append(f"<h{a}>{e(b)}</h{a}>")
        elif kind == "p":
            out.append(f"<p>{e(a)}</p>")
        elif kind == "table":
            head = "".join(f"<th style='{_CELL}'>{e(c)}</th>" for c in a)
            body = "".join("<tr>" + "".join(f"<td style='{_CELL}'>{e(c)}</td>" for c in row) + "</tr>"
                           for row in b)
            out.append(f"<table style='{_TABLE}'><thead><tr>{head}</tr></thead>"
                       f"<tbody>{body}</tbody></table>")
        elif kind == "code":
            out.append(f"<pre style='{_PRE}'><code class='language-{e(a)}'>{e(b)}</code></pre>")
        elif kind == "raw":
            out.append(b)
    return "<div class='xero-nb-report'>" + "\n".join(out) + "</div>"
