"""Jupyter widgets for xero-nb: the only package that imports ipywidgets and IPython.

>>> from xero_nb.widgets import ScopeLab
>>> ScopeLab()          # doctest: +SKIP

Every widget is a thin view over a plain-Python controller (``.state``) whose public
methods the handlers call, so the same actions are scriptable and tested headless.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "BrowserState": "xero_nb.widgets.browser",
    "CallPanel": "xero_nb.widgets.call_view",
    "CallState": "xero_nb.widgets.call",
    "ConnectPanel": "xero_nb.widgets.connect_view",
    "Connection": "xero_nb.widgets.connection",
    "DataTable": "xero_nb.widgets.table_view",
    "EndpointBrowser": "xero_nb.widgets.browser_view",
    "ExplorerState": "xero_nb.widgets.explorer",
    "LabState": "xero_nb.widgets.lab_state",
    "ProbePanel": "xero_nb.widgets.probe_view",
    "ProbeState": "xero_nb.widgets.probing",
    "ScopeExplorer": "xero_nb.widgets.explorer_view",
    "ScopeLab": "xero_nb.widgets.lab",
    "ScopeState": "xero_nb.widgets.scope_state",
    "TableState": "xero_nb.widgets.table",
    "show_table": "xero_nb.widgets.table_view",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'xero_nb.widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
