"""Render a report's blocks (headings, paragraphs, tables, code, diagnoses) as Markdown or HTML.

Every value goes through ``xero_nb.markup``: table cells, headings and paragraphs are escaped
(no HTML, link or extra column can come from a tenant name or a response), and code fences are
longer than any run of backticks in the code they hold.
"""

from __future__ import annotations

from typing import Any

from xero_nb.markup import Markup, el, fmt, join, md_code, md_fence, md_rich, md_text, rich

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
            out.append(_diagnosis_markdown(a))
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
            out.append(_diagnosis_html(a))
    return fmt("<div class='xero-nb-report'>{}</div>", join(out, "\n"))


def _diagnosis_markdown(diag: Any) -> str:
    """A Diagnosis as Markdown: code, what was seen, notes, the decisive fact, ranked findings."""
    obs = diag.observed
    lines = [f"### Diagnosis: {md_code(diag.top.code)}", "", f"Seen: {md_text(obs.summary())}"]
    if obs.correlation_id:
        lines.append(f"Xero-Correlation-Id: {md_code(obs.correlation_id)}")
    if diag.notes:
        lines += ["", "Notes on the input:"] + [f"- {md_text(n)}" for n in diag.notes]
    if diag.decisive_fact:
        lines += ["", f"**To decide between the top causes, find out:** {md_rich(diag.decisive_fact)}"]
    for i, f in enumerate(diag.findings, 1):
        lines += ["", f"#### {i}. **{md_code(f.code)}** ({f.weight:.0%}): {md_rich(f.title)}"]
        if f.evidence:
            lines += ["", "Evidence:"] + [f"- {md_rich(e)}" for e in f.evidence]
        if f.fix:
            lines += ["", "Fix:"] + [f"{n}. {md_rich(s)}" for n, s in enumerate(f.fix, 1)]
    return "\n".join(lines)


def _diagnosis_html(diag: Any) -> Markup:
    """A Diagnosis as HTML: the top finding open, the others folded."""
    obs = diag.observed
    rows = [fmt("<h4>Diagnosis: <code>{}</code></h4>", diag.top.code),
            fmt("<p>Seen: {}</p>", obs.summary())]
    if obs.correlation_id:
        rows.append(fmt("<p>Xero-Correlation-Id: <code>{}</code></p>", obs.correlation_id))
    if diag.notes:
        rows.append(fmt("<div><i>Notes on the input:</i><ul style='margin-top:2px'>{}</ul></div>",
                        join(el("li", n) for n in diag.notes)))
    if diag.decisive_fact:
        rows.append(fmt("<p style='border-left:3px solid #e0a800;padding-left:6px'><b>To decide "
                        "between the top causes, find out:</b> {}</p>", rich(diag.decisive_fact)))
    for i, f in enumerate(diag.findings):
        fix = join(el("li", rich(s)) for s in f.fix)
        evidence = join(el("li", rich(e)) for e in f.evidence)
        body = (fmt("<div>Fix:</div><ol style='margin-top:2px'>{}</ol>", fix) if f.fix else "",
                fmt("<div>Evidence:</div><ul style='margin-top:2px'>{}</ul>", evidence)
                if f.evidence else "")
        rows.append(el("details", fmt("<summary><code>{}</code> ({:.0%}): <b>{}</b></summary>",
                                      f.code, f.weight, rich(f.title)),
                       el("div", *body, style="margin-left:1.2em"), open=i == 0))
    return el("div", *rows, class_="xero-nb-diagnosis")
