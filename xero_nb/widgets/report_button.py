"""What the Report button does, without widgets: the redacted ticket report, to read, copy and download.

The report comes from ``xero_nb.report`` (already redacted there: token strings scrubbed, snippets
reading credentials from the environment); this controller redacts both forms once more with
``xero_nb.redact`` (the values the kernel holds included) and refuses to show a report in which a
secret it was handed survived. Downloads are files the browser saves (``export.Download``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from xero_nb.redact import REDACTED, redact, scrub
from xero_nb.report import Report, report
from xero_nb.widgets.export import Download
from xero_nb.widgets.notice import Noticed, guarded

FORMS = ("md", "html")


def secrets_of(token: Any) -> list[str]:
    """The token's own strings (access, refresh, id token), to scrub wherever they turn up."""
    found = []
    for name in ("access_token", "refresh_token", "id_token"):
        value = getattr(token, name, None)
        reveal = getattr(value, "reveal", None)
        value = reveal() if callable(reveal) else value
        if isinstance(value, str) and len(value) >= 8:
            found.append(value)
    return found


class ReportState(Noticed):
    """Build the report from ``sources()`` (keyword arguments of ``xero_nb.report.report``)."""

    def __init__(self, sources: Callable[[], Mapping[str, Any]] | None = None, *,
                 title: str = "Xero API report", build: Callable[..., Report] = report) -> None:
        super().__init__()
        self.sources = sources or (lambda: {})
        self.title = title
        self.build = build
        self.report: Report | None = None
        self.pending: Download | None = None
        self._serial = 0

    @guarded
    def render(self) -> Report:
        """Build the report now (what the button does); both forms redacted, checked for leaks."""
        kwargs = dict(self.sources())
        handed = [*secrets_of(kwargs.get("token")),
                  *(s for s in kwargs.get("secrets", ()) if isinstance(s, str) and s)]
        built = self.build(**kwargs, title=self.title)
        md, html = (scrub(redact(x), handed) for x in (built.markdown, built.html))
        if any(s in md or s in html for s in handed):  # cannot happen; never shown if it does
            raise RuntimeError("the report still held a secret: not shown")
        self.report = Report(built.title, md, html)
        self.pending = None
        kinds = md.count(REDACTED)
        self.tell(f"Report ready: {len(md.splitlines())} lines of Markdown"
                  + (f", {kinds} value(s) redacted" if kinds else "")
                  + ". Copy it or download it for the ticket.", "ok")
        self._notify("report")
        return self.report

    def text(self, form: str = "md") -> str:
        """The report as Markdown (``md``) or a standalone HTML page (``html``)."""
        if self.report is None:
            return ""
        if form == "md":
            return self.report.markdown
        return ("<!doctype html><html><head><meta charset='utf-8'><title>Xero API report</title>"
                "</head><body>" + self.report.html + "</body></html>")

    @guarded
    def download(self, form: str = "md", *, nonce: str = "") -> Download:
        """The report as a file for the browser to save (``md`` or ``html``)."""
        if form not in FORMS:
            raise ValueError(f"download the report as one of {', '.join(FORMS)}, not {form!r}")
        if self.report is None:
            self.render()
        if self.report is None:
            raise RuntimeError("no report to download")
        self._serial += 1
        self.pending = Download.of_text(f"xero-report.{form}", self.text(form),
                                        nonce=nonce or str(self._serial))
        self._notify("download")
        return self.pending

    def downloaded(self, nonce: str = "") -> None:
        """The browser has the file: the link (and its bytes) go."""
        if self.pending is not None and (not nonce or nonce == self.pending.nonce):
            name, self.pending = self.pending.filename, None
            self._notify("download")
            self.tell(f"{name} went to your browser's downloads", "ok")

    @guarded
    def command(self, text: str) -> Any:
        """``export:md`` / ``export:html`` (the download buttons) and ``downloaded`` (the browser's
        answer), each ``|NONCE``; copying happens in the browser alone."""
        body, _, nonce = str(text).rpartition("|") if "|" in str(text) else (str(text), "", "")
        action, _, arg = body.partition(":")
        if not body:
            return None
        if action == "export":
            return self.download(arg, nonce=nonce)
        if action == "downloaded":
            return self.downloaded(nonce)
        raise ValueError(f"unknown report command {body[:40]!r}")
