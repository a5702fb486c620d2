"""The scan as DataFrames: one row per call site, and the findings (the only scan module with pandas).

>>> import xero_nb as xn  # doctest: +SKIP
>>> xn.scan("my-app/")[["file", "line", "operation_id"]]  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from xero_nb.scan.engine import Progress, scan_tree

if TYPE_CHECKING:
    import pandas as pd

    from xero_nb.scan.analysis import ScanReport

CALL_COLUMNS = ["file", "line", "snippet", "api", "operation_id", "method", "path", "recognised_by",
                "confidence", "note"]


def scan(path: str | os.PathLike[str], progress: Progress | None = None,
         exclude: Iterable[str] = ()) -> pd.DataFrame:
    """The Xero API calls under ``path`` (a folder, a file or a git URL), one row per call site.

    ``df.attrs`` holds ``requested`` (the scopes the code requests, sorted), ``files``,
    ``bytes``, ``skipped``, ``unknown`` (Xero URLs no operation matches, as dicts) and
    ``misspelt`` (scope-like words that are no Xero scope, with file and line).
    ``progress(done, total, file)`` is called after each file; ``exclude``: glob patterns of
    relative paths to leave out (``tests/*``).
    """
    import pandas as pd

    result = scan_tree(path, progress=progress, exclude=exclude)
    frame = pd.DataFrame([[getattr(c, col) for col in CALL_COLUMNS] for c in result.calls],
                         columns=CALL_COLUMNS)
    frame.attrs.update(root=result.root, requested=sorted(result.requested), files=result.files,
                       bytes=result.bytes, skipped=result.skipped,
                       unknown=[{"file": u.file, "line": u.line, "method": u.method, "url": u.url}
                                for u in result.unknown],
                       misspelt=[{"file": s.file, "line": s.line, "scope": s.scope}
                                 for s in result.misspelt])
    return frame


def findings_frame(report: ScanReport) -> pd.DataFrame:
    """One row per finding: kind, level, file, line, message, scope, operation."""
    import pandas as pd

    return pd.DataFrame([(f.kind, f.level, f.file, f.line, f.message, f.scope, f.operation)
                         for f in report.findings],
                        columns=["kind", "level", "file", "line", "message", "scope", "operation"])
