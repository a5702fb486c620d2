"""Read an integration's code and say which Xero scopes it needs.

``scan(path)`` finds the Xero API calls (official SDKs, pyxero, raw HTTP) and the scopes the
code requests, one DataFrame row per call site; ``analyse`` turns a scan into least privilege
per era, over-privilege, the calls the requested scopes do not grant, restricted and
unreachable operations, and the migration plan to granular scopes for exactly this code.

Modules: names (the SDKs' naming conventions), lexer (comments and strings), source (one
file), sdk (SDK and pyxero calls), urls (raw HTTP), requested (requested scopes), engine
(walking and reading), model (the records), analysis (the findings and the plan), sarif
(SARIF 2.1.0) and frames (the DataFrames; the only module importing pandas).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xero_nb import lazy

_EXPORTS = {
    "CallSite": "xero_nb.scan.model",
    "CodePlan": "xero_nb.scan.analysis",
    "ScanReport": "xero_nb.scan.analysis",
    "ScanResult": "xero_nb.scan.model",
    "ScopeSite": "xero_nb.scan.model",
    "UnknownCall": "xero_nb.scan.model",
    "analyse": "xero_nb.scan.analysis",
    "scan": "xero_nb.scan.frames",
    "scan_tree": "xero_nb.scan.engine",
    "to_sarif": "xero_nb.scan.sarif",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy.exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover - names for type checkers; runtime loads lazily
    from xero_nb.scan.analysis import CodePlan as CodePlan
    from xero_nb.scan.analysis import ScanReport as ScanReport
    from xero_nb.scan.analysis import analyse as analyse
    from xero_nb.scan.engine import scan_tree as scan_tree
    from xero_nb.scan.frames import scan as scan
    from xero_nb.scan.model import CallSite as CallSite
    from xero_nb.scan.model import ScanResult as ScanResult
    from xero_nb.scan.model import ScopeSite as ScopeSite
    from xero_nb.scan.model import UnknownCall as UnknownCall
    from xero_nb.scan.sarif import to_sarif as to_sarif
