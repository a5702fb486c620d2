"""The ScopeLab's controllers: one connection and one scope state shared by every panel."""

from __future__ import annotations

from typing import Any

from xero_nb.widgets.browser import BrowserState
from xero_nb.widgets.call import CallState
from xero_nb.widgets.connection import Connection
from xero_nb.widgets.explorer import ExplorerState
from xero_nb.widgets.notice import Noticed, guarded
from xero_nb.widgets.probe import ProbeState
from xero_nb.widgets.scan import ScanState
from xero_nb.widgets.scope_state import ScopeState


class LabState(Noticed):
    """Connection, scopes, browser, explorer, call, probe and scan controllers, wired together."""

    def __init__(self, connection: Connection | None = None, *, scopes: ScopeState | None = None,
                 sign_in: bool = True, probe_options: dict[str, Any] | None = None,
                 scan_path: str | None = None) -> None:
        super().__init__()
        self.scopes = scopes if scopes is not None else (
            connection.scopes if connection is not None else ScopeState())
        self.connection = connection if connection is not None else Connection.auto(
            self.scopes, sign_in=sign_in)
        if self.connection.scopes is not self.scopes:
            raise ValueError("the connection must share the lab's ScopeState")
        # The explorer subscribes first: its coverage table is redrawn before anything else.
        self.explorer = ExplorerState(self.scopes, connection=self.connection)
        self.browser = BrowserState(self.scopes)
        self.call = CallState(self.connection, self.scopes)
        self.probe = ProbeState(self.connection, self.scopes, **(probe_options or {}))
        self.scan = ScanState(self.connection, path=scan_path)

    @guarded
    def try_in_call(self) -> None:
        """Send the endpoint shown in the browser to the Call tab."""
        if self.browser.current is None:
            raise ValueError("choose an endpoint in the Endpoints tab first")
        self.call.choose(self.browser.current)
        self.tell("endpoint copied to the Call tab", "ok")
