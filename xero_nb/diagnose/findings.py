"""The records diagnose() returns, Finding and Diagnosis, and how they render (Markdown, HTML).

Every rendering goes through ``xero_nb.markup``: titles, evidence, fix steps, notes and what was
seen come from Xero's answers and pasted text, so they go in as text and come out inert (no tag,
link, emphasis or table column of their own); `code` spans and http(s) links are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xero_nb.diagnose.observation import Observation
from xero_nb.markup import Markup, el, fmt, join, md_code, md_rich, md_text, rich
from xero_nb.models import Endpoint

# The advice to give more context, in the library's words (the CLI says it with its options).
MORE_CONTEXT = ("Pass more context to diagnose(): endpoint, token or granted scopes, connections, "
                "organisation.")
SETTLE_WITH = "Give diagnose() the status, the response body and the endpoint to settle it."

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
        """The finding as Markdown: title, evidence bullets, numbered fix steps (all escaped)."""
        # (each cause's own evidence strength, not a share of one whole: they need not add up to 100 %)
        lines = [f"**{md_code(self.code)}** (evidence {self.weight:.0%}): {md_rich(self.title)}"]
        if self.evidence:
            lines += ["", "Evidence:"] + [f"- {md_rich(e)}" for e in self.evidence]
        if self.fix:
            lines += ["", "Fix:"] + [f"{i}. {md_rich(s)}" for i, s in enumerate(self.fix, 1)]
        return "\n".join(lines)

    def to_html(self, open_: bool = True) -> str:
        """The finding as an HTML fragment (escaped); ``open_=False`` folds it away."""
        return self._html(open_)

    def _html(self, open_: bool) -> Markup:
        head = fmt("<summary><code>{}</code> (<span title='how strongly the evidence points to this "
                   "cause, on its own: the causes need not add up to 100 %'>evidence {:.0%}</span>): "
                   "<b>{}</b></summary>", self.code, self.weight, rich(self.title))
        body = []
        if self.fix:
            body.append(fmt("<div>Fix:</div><ol style='margin-top:2px'>{}</ol>",
                            join(el("li", rich(s)) for s in self.fix)))
        if self.evidence:
            body.append(fmt("<div>Evidence:</div><ul style='margin-top:2px'>{}</ul>",
                            join(el("li", rich(e)) for e in self.evidence)))
        return el("details", head, el("div", *body, style="margin-left:1.2em"), open=open_)


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Ranked findings (most likely first), what was observed, and the fact that would decide."""

    findings: tuple[Finding, ...]
    observed: Observation
    decisive_fact: str | None = None
    notes: tuple[str, ...] = ()  # inputs that could not be read, for honesty
    endpoint: Endpoint | None = None  # the call diagnosed, as given or as the paste settled it

    @property
    def top(self) -> Finding:
        """The most likely cause (``unknown`` when nothing matched)."""
        return self.findings[0] if self.findings else Finding("unknown", "Nothing to go on")

    @property
    def codes(self) -> tuple[str, ...]:
        """The finding codes in rank order."""
        return tuple(f.code for f in self.findings)

    def to_markdown(self) -> str:
        """The whole diagnosis as Markdown (escaped: pasted text cannot add markup)."""
        lines = [f"### Diagnosis: {md_code(self.top.code)}", "", f"Seen: {md_text(self.observed.summary())}"]
        if self.observed.correlation_id:
            lines.append(f"Xero-Correlation-Id: {md_code(self.observed.correlation_id)}")
        if self.notes:  # said before the findings: they explain what the findings could not use
            lines += ["", "Notes on the input:"] + [f"- {md_text(n)}" for n in self.notes]
        if self.decisive_fact:
            lines += ["", f"**To decide between the top causes, find out:** {md_rich(self.decisive_fact)}"]
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

    def to_html(self) -> Markup:
        """The whole diagnosis as an HTML fragment (escaped; no scripts)."""
        obs = self.observed
        rows = [fmt("<h4>Diagnosis: <code>{}</code></h4>", self.top.code),
                fmt("<p>Seen: {}</p>", obs.summary())]
        if obs.correlation_id:
            rows.append(fmt("<p>Xero-Correlation-Id: <code>{}</code></p>", obs.correlation_id))
        if self.notes:
            rows.append(fmt("<div><i>Notes on the input:</i><ul style='margin-top:2px'>{}</ul></div>",
                            join(el("li", n) for n in self.notes)))
        if self.decisive_fact:
            rows.append(fmt("<p style='border-left:3px solid #e0a800;padding-left:6px'><b>To decide "
                            "between the top causes, find out:</b> {}</p>", rich(self.decisive_fact)))
        rows += [f._html(i == 0) for i, f in enumerate(self.findings)]
        return el("div", *rows, class_="xero-nb-diagnosis")

    def __str__(self) -> str:
        return self.to_markdown()

    def __repr__(self) -> str:
        ranked = ", ".join(f"{f.code} ({f.weight:.2f})" for f in self.findings)
        return f"<Diagnosis {ranked or 'nothing'}>"
