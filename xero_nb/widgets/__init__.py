"""Jupyter widgets for xero-nb: the only package that imports ipywidgets and IPython.

>>> from xero_nb.widgets import ScopeLab
>>> ScopeLab()          # doctest: +SKIP

Every widget is a thin view over a plain-Python controller (``.state``) whose public
methods the handlers call, so the same actions are scriptable and tested headless.

Naming rule: a panel ``NAME`` has its controller in ``NAME.py`` and its ipywidgets view in
``NAME_view.py`` (``connection``/``connection_view``, ``probe``/``probe_view``,
``lab``/``lab_view``, ``browser``/``browser_view``, ``call``/``call_view``,
``explorer``/``explorer_view``, ``scan``/``scan_view``, ``table``/``table_view``). Only
``*_view.py`` modules import ipywidgets; the others are plain Python shared by the views:
``scope_state`` (the scopes every panel reads), ``sign_in`` (how a Connection signs in),
``scan_tables`` (the Scan tab's tables and summary, from a scan's result and report),
``table_html`` (a table page as HTML: the hot path of every click), ``call_values`` (a typed
parameter value checked, an answer's collection as a table),
``background`` (one slow run on a thread, with Cancel), ``notice`` (messages), ``render`` (HTML
pieces), ``demo`` (the simulator app), ``export`` (CSV and Excel downloads), the Call tab's
``request_bar``, ``permissions``, ``history`` and ``pasted``, and ``report_button`` /
``report_button_view`` (the ticket report, to copy or download). ``presave`` is the Jupyter
server's pre-save hook (enabled by ``make setup``): token-shaped strings in outputs and saved
widget state never reach the file.
"""

from __future__ import annotations

from xero_nb import lazy

_EXPORTS = {
    "BrowserState": "xero_nb.widgets.browser",
    "CallPanel": "xero_nb.widgets.call_view",
    "CallState": "xero_nb.widgets.call",
    "ConnectPanel": "xero_nb.widgets.connection_view",
    "Connection": "xero_nb.widgets.connection",
    "DataTable": "xero_nb.widgets.table_view",
    "EndpointBrowser": "xero_nb.widgets.browser_view",
    "ExplorerState": "xero_nb.widgets.explorer",
    "LabState": "xero_nb.widgets.lab",
    "ProbePanel": "xero_nb.widgets.probe_view",
    "ProbeState": "xero_nb.widgets.probe",
    "ReportButton": "xero_nb.widgets.report_button_view",
    "ReportState": "xero_nb.widgets.report_button",
    "ScopeExplorer": "xero_nb.widgets.explorer_view",
    "ScopeLab": "xero_nb.widgets.lab_view",
    "ScanPanel": "xero_nb.widgets.scan_view",
    "ScanState": "xero_nb.widgets.scan",
    "ScopeState": "xero_nb.widgets.scope_state",
    "TableState": "xero_nb.widgets.table",
    "show_table": "xero_nb.widgets.table_view",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy.exports(__name__, _EXPORTS)
