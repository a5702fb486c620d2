"""Probing: call one safe endpoint per scope family in each tenant and compare with the prediction.

Modules: plan (which calls to make), limits (stay inside Xero's rate limits),
verdict (predicted vs observed, per call), gates (refusals the app's tier or the
organisation's plan explain), regions (which payroll API is the organisation's) and engine
(probe(): run them, in parallel across tenants).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xero_nb import lazy

_EXPORTS = {
    "ProbeReport": "xero_nb.probe.engine",
    "ProbeResult": "xero_nb.probe.verdict",
    "probe": "xero_nb.probe.engine",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy.exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - names for type checkers; runtime loads lazily
    from xero_nb.probe.engine import ProbeReport as ProbeReport
    from xero_nb.probe.engine import probe as probe
    from xero_nb.probe.verdict import ProbeResult as ProbeResult
