"""One slow run at a time on a daemon thread, with Cancel: what the Probe and Scan panels share.

A mixin for a Noticed controller with a ``run()`` method: ``start`` runs it on a thread so the
panel stays clickable, ``wait`` joins it, ``cancel`` sets the event the run checks.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any


class Background:
    """``start``/``wait``/``cancel`` around the controller's ``run``."""

    job = "job"  # what notices and the thread call the run ("probe", "scan")

    def _init_background(self) -> None:
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None

    if TYPE_CHECKING:  # provided by the controller
        def run(self) -> Any: ...
        def tell(self, text: str, kind: str = "info") -> None: ...

    def start(self) -> None:
        """Run on a background thread so the progress moves and Cancel stays clickable."""
        if self._thread is not None and self._thread.is_alive():
            self.tell(f"a {self.job} is already running", "info")
            return
        self._thread = threading.Thread(target=self.run, name=f"xero-nb-{self.job}-panel", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background run to end."""
        if self._thread is not None:
            self._thread.join(timeout)

    def cancel(self) -> None:
        """Stop the running job; what was not done is reported as skipped."""
        self._cancel.set()
        self.tell("cancelling…", "info")
