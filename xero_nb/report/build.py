"""A redacted Markdown + HTML report for a support ticket: token, tenants, coverage, failures.

Every failure gets its correlation id, status, body, diagnosis, and a curl and Python snippet
that reproduce it with the token as a placeholder. Secrets never appear: token strings are
scrubbed wherever they turn up, and snippets read credentials from environment variables.

>>> r = report([{"status": 429, "headers": {"Retry-After": "5"}, "url": "https://api.xero.com/api.xro/2.0/Invoices"}])
>>> "rate_limited" in r.markdown and "<h1>" in r.html
True
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xero_nb import markup
from xero_nb.redact import REDACTED, redact
from xero_nb.report.render import Block, markdown, to_html
from xero_nb.report.sections import (
    coverage_blocks,
    failure_blocks,
    probe_blocks,
    tenant_rows,
    token_blocks,
    when,
)


@dataclass(frozen=True, slots=True)
class Report:
    """A rendered report; both forms are already redacted."""

    title: str
    markdown: str
    html: str

    def _repr_markdown_(self) -> str:
        return self.markdown

    def _repr_html_(self) -> str:
        return self.html

    def save(self, path: str | Path) -> Path:
        """Write ``.md`` (Markdown) or anything else (a standalone HTML page)."""
        out = Path(path)
        text = self.markdown if out.suffix.lower() == ".md" else (
            "<!doctype html><html><head><meta charset='utf-8'><title>" + markup.text(self.title)
            + "</title></head><body>" + self.html + "</body></html>")
        out.write_text(text, encoding="utf-8")
        return out


def _secrets_of(token: Any, extra: Iterable[Any]) -> list[str]:
    """Every secret string we were handed, so it can be scrubbed wherever it appears."""
    found: list[str] = []
    for item in extra:
        reveal = getattr(item, "reveal", None)
        value = reveal() if callable(reveal) else item
        if isinstance(value, str) and value:
            found.append(value)
    names = ("access_token", "refresh_token", "id_token", "client_secret", "code_verifier")
    if isinstance(token, str):
        found.append(token)
    elif isinstance(token, Mapping):
        found += [str(token[n]) for n in names if token.get(n)]
    elif token is not None:
        for name in names:
            value = getattr(token, name, None)
            reveal = getattr(value, "reveal", None)
            value = reveal() if callable(reveal) else value
            if isinstance(value, str) and value:
                found.append(value)
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def _as_list(given: Any) -> list[Any]:
    """Failures given as one item (a result, a dict of parts, an exception, text) or several."""
    if given is None:
        return []
    if isinstance(given, (str, bytes, Mapping)) or not isinstance(given, Iterable):
        return [given]
    return list(given)


def report(failures: Iterable[Any] = (), *, token: Any = None, tenants: Iterable[Any] | None = None,
           coverage: Any = None, era: str | None = None, organisation: Any = None,
           calls: Iterable[Any] = (), text: str | None = None, probe: Any = None,
           title: str = "Xero API report", secrets: Iterable[Any] = (),
           clock: Callable[[], float] = time.time) -> Report:
    """Build the report. ``failures`` and ``calls``: CallResults, httpx2 responses, Diagnoses,
    pasted text or dicts of parts; ``text``: one pasted error; ``probe``: a ProbeReport;
    ``secrets``: extra strings (e.g. the client secret) to scrub everywhere."""
    now = float(clock())
    if tenants is None and probe is not None and getattr(probe, "tenants", None):
        tenants = probe.tenants
    tenant_list = list(tenants) if tenants is not None else None
    context: dict[str, Any] = {"token": token, "era": era, "organisation": organisation, "clock": clock}
    if tenant_list is not None:
        context["connections"] = tenant_list
    blocks: list[Block] = [("h", 1, title), ("p", f"Generated {when(now)} by xero-nb.", None)]
    if token is not None:
        blocks += token_blocks(token, now, era)
    if tenant_list is not None:
        blocks += [("h", 2, "Tenants"), ("table", ("name", "tenantId", "type", "connection id", "updated"),
                                          tenant_rows(tenant_list))]
    if coverage is not None:
        blocks += coverage_blocks(coverage)
    if probe is not None:
        blocks += probe_blocks(probe)
    items = _as_list(failures) + _as_list(calls) + ([text] if text and text.strip() else [])
    blocks.append(("h", 2, f"Failures ({len(items)})"))
    if not items:  # said, not left for the reader to wonder about
        blocks.append(("p", "The text given was empty: paste the error itself (text=)." if text is not None
                       else "No failure was given (failures=, calls= or text=).", None))
    for i, item in enumerate(items, 1):
        blocks += failure_blocks(i, item, context)
    scrub = _secrets_of(token, secrets)
    blocks = [_clean_block(b, scrub) for b in blocks]
    return Report(title, _clean(markdown(blocks), scrub), _clean(to_html(blocks), scrub))


def _clean_block(block: Block, secrets: list[str]) -> Block:
    """A block with secrets scrubbed from its text before it is escaped (escaping changes them)."""
    kind, a, b = block

    def clean(value: Any) -> Any:
        return _clean(value, secrets) if isinstance(value, str) else value

    if kind == "table":
        return kind, tuple(clean(c) for c in a), [tuple(clean(c) for c in row) for row in b]
    return (kind, a, b) if kind == "diagnosis" else (kind, clean(a), clean(b))


def _clean(out: str, secrets: list[str]) -> str:
    for secret in secrets:  # as given, and in each escaped form the renderers may have made
        for form in dict.fromkeys((secret, markup.text(secret), markup.md_text(secret))):
            out = out.replace(form, REDACTED)
    return redact(out)
