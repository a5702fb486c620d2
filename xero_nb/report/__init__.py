"""Reports: a redacted Markdown or HTML write-up of a probe and a diagnosis, to share or file.

Modules: build (report() and the Report record), sections (the token, tenants, coverage,
probe and failure sections as blocks) and render (Markdown and HTML).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xero_nb import lazy

_EXPORTS = {
    "Report": "xero_nb.report.build",
    "report": "xero_nb.report.build",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy.exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - names for type checkers; runtime loads lazily
    from xero_nb.report.build import Report as Report
    from xero_nb.report.build import report as report
