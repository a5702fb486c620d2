"""The simulator on a real 127.0.0.1 socket: uvicorn in a background thread."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from xero_nb.facts import XeroURLs
from xero_nb.simulator.app import SimASGI
from xero_nb.simulator.core import SimCore


class SimServer:
    """A running loopback server; ``.url`` is its origin, ``.close()`` stops it."""

    def __init__(self, core: SimCore, port: int = 0, log_level: str = "critical",
                 sim: Any = None) -> None:
        self.sim = sim  # the XeroSimulator behind this server, when started by one
        config = uvicorn.Config(SimASGI(core), host="127.0.0.1", port=port, log_level=log_level,
                                lifespan="off", access_log=False,
                                date_header=False)  # the engine's Date is in simulated time
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="xero-sim", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the Xero simulator could not listen on 127.0.0.1:{port}")
            time.sleep(0.005)
        sock = self._server.servers[0].sockets[0]
        self.port: int = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.urls = XeroURLs.on(self.url)

    def __repr__(self) -> str:
        return f"<SimServer {self.url}>"

    def close(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> SimServer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def serve_forever(self) -> None:
        """Block until interrupted (Ctrl-C), then stop."""
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.close()
