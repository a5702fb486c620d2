"""A XeroSimulator that remembers each instance made and the server it serves: the commands that
start a simulator (``xero-nb simulator``) are run in-process and looked at through it."""

from __future__ import annotations

from typing import Any, ClassVar

from xero_nb.simulator import XeroSimulator


class Spy(XeroSimulator):
    """A XeroSimulator that remembers itself and its server, for the commands that serve one."""

    made: ClassVar[list[Spy]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        Spy.made.append(self)

    def serve(self, port: int = 0) -> Any:
        self.server = super().serve(port)
        return self.server
