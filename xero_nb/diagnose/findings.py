"""The records diagnose() returns, Finding and Diagnosis, and how they render (Markdown, HTML)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from xero_nb.diagnose.observation import Observation

# The documented, stable codes (docs/architecture.md): add, never rename. Order breaks ties in ranking.
DIAGNOSIS_CODES: tuple[str, ...] = (
    "token_expired", "rate_limited", "invalid_grant", "invalid_client", "invalid_scope_requested",
    "broad_scope_on_granular_app", "restricted_scope", "tier_gated", "not_reconsented",
    "missing_scope", "tenant_header_missing", "connection_revoked", "tenant_not_connected",
    "payroll_region_mismatch", "user_role", "feature_not_in_plan", "unknown",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One possible cause: its code, a one-line title, the evidence used and the fix as steps."""

    code: str
    title: str
    evidence: tuple[str, ...] = ()
    fix: tuple[str, ...] = ()
    weight: float = 0.5  # 0..1: how strongly the evidence points here
    decides: str | None = None  # the one fact that would confirm or rule this cause out

    def to_markdown(self) -> str:
        """The finding as Markdown: title, evidence bullets, numbered fix steps."""
        lines = [f"**`{self.code}`** ({self.weight:.0%}): {_md(self.title)}"]
        if self.evidence:
            lines += ["", "Evidence:"] + [f"- {_md(e)}" for e in self.evidence]
        if self.fix:
            lines += ["", "Fix:"] + [f"{i}. {_md(s)}" for i, s in enumerate(self.fix, 1)]
        return "\n".join(lines)

    def to_html(self, open_: bool = True) -> str:
        """The finding as an HTML fragment (escaped); ``open_=False`` folds it away."""
        head = (f"<code>{_h(self.code)}</code> ({self.weight:.0%}): <b>{_inline(self.title)}</b>")
        body = ""
        if self.fix:
            body += ("<div>Fix:</div><ol style='margin-top:2px'>"
                     + "".join(f"<li>{_inline(s)}</li>" for s in self.fix) + "</ol>")
        if self.evidence:
            body += ("<div>Evidence:</div><ul style='margin-top:2px'>"
                     + "".join(f"<li>{_inline(e)}</li>" for e in self.evidence) + "</ul>")
        return (f"<details{' open' if open_ else ''}><summary>{head}</summary>"
                f"<div style='margin-left:1.2em'>{body}</div></details>")


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Ranked findings (most likely first), what was observed, and the fact that would decide."""

    findings: tuple[Finding, ...]
    observed: Observation
    decisive_fact: str | None = None
    notes: tuple[str, ...] = ()  # inputs that could not be read, for honesty

    @property
    def top(self) -> Finding:
        """The most likely cause (``unknown`` when nothing matched)."""
        return self.findings[0] if self.findings else Finding("unknown", "Nothing to go on")

    @property
    def codes(self) -> tuple[str, ...]:
        """The finding codes in rank order."""
        return tuple(f.code for f in self.findings)

    def to_markdown(self) -> str:
        """The whole diagnosis as Markdown."""
        lines = [f"### Diagnosis: `{self.top.code}`", "", f"Seen: {_md(self.observed.summary())}"]
        if self.observed.correlation_id:
            lines.append(f"Xero-Correlation-Id: `{_md(self.observed.correlation_id)}`")
        if self.notes:  # said before the findings: they explain what the findings could not use
            lines += ["", "Notes on the input:"] + [f"- {_md(n)}" for n in self.notes]
        if self.decisive_fact:
            lines += ["", f"**To decide between the top causes, find out:** {_md(self.decisive_fact)}"]
        for i, finding in enumerate(self.findings, 1):
            lines += ["", f"#### {i}. " + finding.to_markdown()]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the ranked findings, the decisive fact and what was seen (redacted)."""
        obs = self.observed
        return {
            "findings": [{"code": f.code, "title": f.title, "evidence": list(f.evidence),
                          "fix": list(f.fix), "weight": round(f.weight, 3), "decides": f.decides}
                         for f in self.findings],
            "decisive_fact": self.decisive_fact,
            "observed": {"status": obs.status, "correlation_id": obs.correlation_id,
                         "method": obs.method, "url": obs.url, "summary": obs.summary()},
            "notes": list(self.notes),
        }

    def to_html(self) -> str:
        """The whole diagnosis as an HTML fragment (escaped; no scripts)."""
        rows = [f"<h4>Diagnosis: <code>{_h(self.top.code)}</code></h4>",
                f"<p>Seen: {_h(self.observed.summary())}</p>"]
        if self.observed.correlation_id:
            rows.append(f"<p>Xero-Correlation-Id: <code>{_h(self.observed.correlation_id)}</code></p>")
        if self.notes:
            rows.append("<div><i>Notes on the input:</i><ul style='margin-top:2px'>"
                        + "".join(f"<li>{_h(n)}</li>" for n in self.notes) + "</ul></div>")
        if self.decisive_fact:
            rows.append("<p style='border-left:3px solid #e0a800;padding-left:6px'><b>To decide "
                        f"between the top causes, find out:</b> {_inline(self.decisive_fact)}</p>")
        rows.append("".join(f.to_html(open_=i == 0) for i, f in enumerate(self.findings)))
        return "<div class='xero-nb-diagnosis'>" + "".join(rows) + "</div>"

    def __str__(self) -> str:
        return self.to_markdown()

    def __repr__(self) -> str:
        ranked = ", ".join(f"{f.code} ({f.weight:.2f})" for f in self.findings)
        return f"<Diagnosis {ranked or 'nothing'}>"


def _h(text: str) -> str:
    return html.escape(text, quote=True)


_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"https?://[^\s<>\"']+")


def _inline(text: str) -> str:
    """Escaped text with `code` spans and clickable links (long URLs wrap)."""
    out = _CODE.sub(r"<code>\1</code>", _h(text))
    return _LINK.sub(lambda m: f"<a href=\"{m.group(0)}\" target=\"_blank\" rel=\"noopener\" "
                     f"style=\"word-break:break-all\">{m.group(0)}</a>", out)


def _md(text: str) -> str:
    # Keep pasted text from breaking the Markdown around it (tables, emphasis, raw HTML).
    return text.replace("\r", " ").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")
