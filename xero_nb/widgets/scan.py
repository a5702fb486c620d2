"""What the ScanPanel does, without widgets: scan a folder, group its Xero calls, authorize with them.

Pick a folder (``set_path``, ``enter``, ``up``), ``run`` (or ``start`` on a thread, with
progress and ``cancel``), then read the calls grouped by file and by scope, the findings, the
least privilege per era and the migration plan (built by ``scan_tables``); ``authorize``
re-consents the shared connection with exactly the scopes the code needs in the connection's
era (plus sign-in).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from xero_nb.catalog.scopes import OIDC_SCOPES, check_era
from xero_nb.markup import Markup
from xero_nb.redact import said_safely
from xero_nb.widgets import scan_tables
from xero_nb.widgets.background import Background
from xero_nb.widgets.notice import Noticed, guarded
from xero_nb.widgets.table import TableState

VIEWS = ("calls", "files", "scopes", "findings", "plan")
MAX_FOLDERS = 500
# Progress is told about at most this many times per scan (and always at the last file),
# so a tree of 10,000 files does not send 10,000 widget updates.
PROGRESS_STEPS = 200


class _Cancelled(Exception):
    """Raised from the progress callback to stop a scan between two files."""


class ScanState(Background, Noticed):
    """One scan of a local folder (or file), analysed in one era, over an optional connection.

    ``connection`` is anything with ``reconsent(scopes)`` and an ``era`` (the ScopeLab's
    ``Connection``): "authorize with exactly these scopes" goes through it.
    """

    job = "scan"

    def __init__(self, connection: Any = None, *, path: str | os.PathLike[str] | None = None,
                 era: str | None = None, page_size: int = 25) -> None:
        super().__init__()
        self.connection = connection
        self.path = str(Path(path if path is not None else os.getcwd()).expanduser().resolve())
        self._era_chosen = era is not None
        self.era = check_era(era) if era is not None else self._connection_era()
        self.view = "calls"
        self.result: Any = None  # xero_nb.scan.model.ScanResult
        self.report: Any = None  # xero_nb.scan.analysis.ScanReport
        self.done = 0
        self.total = 0
        self.bad_path: str | None = None  # a folder typed that does not exist (nothing scans until fixed)
        self.current = ""  # the file read last
        self.running = False
        self._shown = 0
        self._init_background()
        self.calls = TableState(name="scan_calls", page_size=page_size)
        self.files = TableState(name="scan_files", page_size=page_size)
        self.scopes = TableState(name="scan_scopes", page_size=page_size)
        self.findings = TableState(name="scan_findings", page_size=page_size)
        self.plan = TableState(name="scan_plan", page_size=page_size)
        if hasattr(connection, "subscribe"):
            connection.subscribe(self._on_connection)
        self._fill()

    # -- the connection ------------------------------------------------------------------
    def _connection_era(self) -> str:
        conn = self.connection
        era = getattr(conn, "era", None) or getattr(getattr(conn, "scopes", None), "token_era", None)
        return check_era(era) if era else "mixed"

    def _on_connection(self, what: str) -> None:
        # Another app (simulator <-> live, or another demo app) has another era: follow it
        # unless the user chose one here.
        if what != "token" or self._era_chosen:
            return
        era = self._connection_era()
        if era != self.era:
            self.era = era
            self._analyse()

    def authorize_era(self) -> str:
        """The era the re-consent asks in: the connection's (the analysis era without one)."""
        return self._connection_era() if self.connection is not None else self.era

    def authorize_scopes(self) -> frozenset[str]:
        """Exactly what the code needs in the connection's era, plus openid/profile/email/offline_access."""
        if self.report is None:
            raise ValueError("scan a folder first")
        return frozenset(self.report.least[self.authorize_era()] | OIDC_SCOPES)

    # -- picking a folder ------------------------------------------------------------------
    @guarded
    def set_path(self, path: str | os.PathLike[str]) -> None:
        """Scan this folder (or file) next; ``~`` is expanded. Git URLs: use ``xero_nb.scan``."""
        text = os.fspath(path).strip()
        if not text:
            raise ValueError("type a folder to scan")
        if text.startswith(("https://", "http://", "git@", "ssh://", "file://")):
            raise ValueError("the Scan tab reads local folders; for a git repository use "
                             "xero_nb.scan(url) or `xero-nb scan URL`")
        target = Path(text).expanduser().resolve()
        if not target.exists():
            # the box shows what was typed: the last folder's results must not pass for its
            self.bad_path = str(target)
            if self.result is not None:
                self.result, self.report = None, None
                self.done, self.total, self.current = 0, 0, ""
                self._fill()
                self._notify("progress")
                self._notify("report")
            raise FileNotFoundError(f"no such file or folder: {target}")
        self.bad_path = None
        if str(target) != self.path:
            self.path = str(target)
            self._notify("path")

    def folders(self) -> list[str]:
        """The sub-folders of the chosen folder (hidden ones left out), for the picker."""
        try:
            entries = sorted(os.scandir(self.path), key=lambda e: e.name.lower())
        except OSError:
            return []
        return [e.name for e in entries
                if e.is_dir(follow_symlinks=False) and not e.name.startswith(".")][:MAX_FOLDERS]

    @guarded
    def enter(self, name: str | None) -> None:
        """Go into the sub-folder ``name`` (None or empty: stay; the picker emptying itself)."""
        if not name:
            return
        if name not in self.folders():
            raise ValueError(f"no folder {name!r} in {self.path}")
        self.set_path(Path(self.path) / name)

    @guarded
    def up(self) -> None:
        """Go to the parent folder."""
        self.set_path(Path(self.path).parent)

    # -- scanning --------------------------------------------------------------------------
    @guarded
    def run(self) -> Any:
        """Scan now, in this thread (tests, notebooks; the panel uses ``start``)."""
        from xero_nb.scan.engine import scan_tree

        if self.bad_path is not None:
            raise FileNotFoundError(f"no such file or folder: {self.bad_path}: type a folder that exists")
        self._cancel.clear()
        self.running, self.done, self.total, self.current, self._shown = True, 0, 0, "", 0
        self.result, self.report = None, None
        self._fill()
        self._notify("progress")
        result = None
        try:
            result = scan_tree(self.path, progress=self._progress)
        except _Cancelled:
            pass
        except Exception as exc:  # said in words, the bar emptied: no half-done scan stays on show
            read, of = self.done, self.total
            self.done, self.total, self.current = 0, 0, ""
            self.tell(f"The scan stopped after {read} of {of} files and judged nothing: "
                      f"{type(exc).__name__}: {said_safely(str(exc))}. Scan again, or another folder.",
                      "error")
            return None
        finally:
            self.running = False
            self._notify("progress")
        if result is None:
            self.tell(f"Cancelled after {self.done} of {self.total} files.", "info")
            return None
        self.result = result
        self._analyse()
        n_missing = sum(f.kind == "missing_scope" for f in self.report.findings)
        self.tell(f"{len(result.calls)} Xero call site(s) in {result.files} file(s) read "
                  f"({result.bytes / 1e6:.2f} MB, {result.skipped} skipped); "
                  f"{len(self.report.findings)} finding(s)"
                  + (f", {n_missing} call(s) the requested scopes do not grant" if n_missing else ""),
                  "error" if n_missing else "ok")
        return self.report

    def _progress(self, done: int, total: int, name: str) -> None:
        if self._cancel.is_set():
            raise _Cancelled
        self.done, self.total, self.current = done, total, name
        if done == total or done - self._shown >= max(1, total // PROGRESS_STEPS):
            self._shown = done
            self._notify("progress")

    @guarded
    def set_era(self, era: str) -> None:
        """Judge the scan in another era (broad / granular / mixed); no re-scan needed."""
        era = check_era(era)
        if era == self.era:  # the panel's dropdown echoing the state
            return
        self.era = era
        self._era_chosen = True
        self._analyse()

    @guarded
    def set_view(self, view: str) -> None:
        """Show the calls, or them grouped by file or by scope, the findings, or the plan."""
        if view not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
        self.view = view
        self._notify("view")

    def _analyse(self) -> None:
        from xero_nb.scan.analysis import analyse

        self.report = analyse(self.result, era=self.era) if self.result is not None else None
        self._fill()
        self._notify("report")

    # -- re-consent --------------------------------------------------------------------------
    @guarded
    def authorize(self) -> Any:
        """Re-consent with exactly the scopes this code needs (the connection's era) + sign-in."""
        if self.connection is None:
            raise RuntimeError("no connection: connect first (Connect tab)")
        wanted = self.authorize_scopes()
        result = self.connection.reconsent(sorted(wanted))
        if isinstance(result, str):  # live without loopback: a link to open
            self.tell(f"Open this link, consent, then paste the redirect URL in Connect: {result}")
            return result
        granted = frozenset(getattr(result, "scopes", ()) or ())
        if granted == wanted:
            self.tell("Re-consented with exactly the scanned scopes: " + " ".join(sorted(granted)), "ok")
        else:
            self.tell("Re-consented, but the token holds " + (" ".join(sorted(granted)) or "no scope")
                      + " (asked for " + " ".join(sorted(wanted)) + ")", "error")
        return result

    def context_note(self) -> str:
        """The connection's warnings from the last sign-in (shown with an error)."""
        note = getattr(self.connection, "context_note", None)
        return note() if callable(note) else ""

    # -- display (the tables and the summary are built in scan_tables) ----------------------
    def calls_frame(self) -> pd.DataFrame:
        """One row per call site: where, what, the scope(s) that grant it, how it was found."""
        return scan_tables.calls_frame(self.result, self.report, self.era)

    def by_file(self) -> pd.DataFrame:
        """One row per file: how many calls, which operations and scopes, how many findings."""
        return scan_tables.by_file(self.calls_frame(), self.report)

    def by_scope(self) -> pd.DataFrame:
        """One row per least-privilege scope (analysis era): the calls it grants, and where."""
        return scan_tables.by_scope(self.calls_frame())

    def findings_frame(self) -> pd.DataFrame:
        """One row per finding: level, kind, file, line, message."""
        return scan_tables.findings_frame(self.report)

    def plan_frame(self) -> pd.DataFrame:
        """The migration to granular scopes for this code, one row per operation."""
        return scan_tables.plan_frame(self.report)

    def _fill(self) -> None:
        self.calls.set_frame(self.calls_frame())
        self.files.set_frame(self.by_file())
        self.scopes.set_frame(self.by_scope())
        self.findings.set_frame(self.findings_frame())
        self.plan.set_frame(self.plan_frame())

    def table(self, view: str | None = None) -> TableState:
        """The table a view shows."""
        return {"calls": self.calls, "files": self.files, "scopes": self.scopes,
                "findings": self.findings, "plan": self.plan}[view or self.view]

    def summary_html(self) -> Markup:
        """Least privilege per era, the plan's request/drop/add and what Authorize would ask for."""
        ask = None
        if self.connection is not None and self.report is not None:
            granted = getattr(getattr(self.connection, "scopes", None), "granted", ())
            ask = (self.authorize_era(), self.authorize_scopes(), frozenset(granted))
        return scan_tables.summary_html(self.report, self.path, ask)

    def progress_text(self) -> str:
        """``12/300 files · src/app.py``: what the progress bar says."""
        return f"{self.done}/{self.total} files" + (f" · {self.current}" if self.current else "")
