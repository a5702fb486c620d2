"""The loopback server that receives Xero's redirect: 127.0.0.1 only, one use, then it closes.

The port comes from the redirect URI, or a free one when the URI has none (RFC 8252 loopback
redirects; the simulator allows any port, real Xero needs the exact URI registered). A request
whose ``state`` is wrong is refused and the server keeps waiting; once a good one arrives every
later request is refused and ``wait()`` closes the socket. Each connection has a thread of its
own, so a local client that connects and stays silent (or trickles its headers) cannot hold up
the browser's redirect, and ``close()`` hangs up on any such client.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from xero_nb.errors import AuthError, ConfigError

LOOPBACK = "127.0.0.1"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost"})

_DONE = b"<!doctype html><title>xero-nb</title><p>Signed in. You can close this tab.</p>"
_FAILED = b"<!doctype html><title>xero-nb</title><p>Sign-in failed; see the notebook.</p>"
_REFUSED = b"<!doctype html><title>xero-nb</title><p>Refused.</p>"


@dataclass(frozen=True, slots=True)
class CallbackResult:
    """What arrived: the full redirect URL (holds the code; never printed) or an error."""

    url: str
    error: str | None = None
    error_description: str | None = None

    def __repr__(self) -> str:
        return f"CallbackResult(error={self.error!r})"

    __str__ = __repr__


def is_loopback(redirect_uri: str) -> bool:
    """True for ``http://127.0.0.1[:port]/...`` and ``http://localhost[:port]/...``."""
    parts = urlsplit(redirect_uri)
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_NAMES


class CallbackPortInUseError(ConfigError, OSError):
    """The redirect URI's port is taken; the message names it and the ways around it."""

    code = "callback_port_in_use"


class _Server(ThreadingHTTPServer):
    """One daemon thread per connection; ``close()`` never waits for a silent client."""

    daemon_threads = True
    block_on_close = False
    owner: CallbackServer

    def __init__(self, address: tuple[str, int]) -> None:
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up or was hung up on is no news; the default prints a traceback.
        return

    def hang_up(self) -> None:
        """End every connection still open (idle or slow clients)."""
        with self._open_lock:
            still = list(self._open)
        for conn in still:
            with contextlib.suppress(OSError):  # already gone
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 5.0  # a client that connects and sends nothing must not hang close()

    def do_GET(self) -> None:
        owner = self.server.owner
        status, body, final = owner._handle(self.path)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Referrer-Policy", "no-referrer")
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        finally:
            if final:  # the redirect's browser has its page: wait() may now hang up
                owner._answered.set()

    def log_message(self, format: str, *args: Any) -> None:
        # The default logs the request line, which carries the authorization code.
        return


class CallbackServer:
    """Serve one OAuth2 redirect on 127.0.0.1; ``wait()`` returns it and closes.

    >>> with CallbackServer("http://127.0.0.1/callback", state="s") as srv:  # doctest: +SKIP
    ...     open_browser(auth_url_with(srv.redirect_uri)); result = srv.wait(300)
    """

    def __init__(self, redirect_uri: str, state: str) -> None:
        if not is_loopback(redirect_uri):
            raise ConfigError(
                f"the loopback sign-in needs an http://127.0.0.1 or http://localhost redirect URI, "
                f"not {redirect_uri!r}; use the paste-the-redirect-URL fallback (complete())"
            )
        parts = urlsplit(redirect_uri)
        self._path = parts.path or "/"
        self._state = state
        self._result: CallbackResult | None = None
        self._used = threading.Event()
        self._answered = threading.Event()  # the redirect's own page was written back
        self._lock = threading.Lock()
        self.refused = 0
        self._httpd = _bind(parts.port or 0, redirect_uri)
        self._httpd.owner = self
        self.port: int = self._httpd.server_address[1]
        netloc = f"{parts.hostname}:{self.port}"
        self.redirect_uri = urlunsplit((parts.scheme, netloc, self._path, "", ""))
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def address(self) -> tuple[str, int]:
        """The bound socket address (always 127.0.0.1)."""
        host, port = self._httpd.socket.getsockname()[:2]
        return str(host), int(port)

    def _handle(self, raw_path: str) -> tuple[int, bytes, bool]:
        """The answer to one request, and whether it was the redirect that ends the wait."""
        parts = urlsplit(raw_path)
        with self._lock:
            if self._used.is_set():
                return 410, _REFUSED, False
            if parts.path != self._path:
                return 404, _REFUSED, False
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if query.get("state") != self._state:
                # A forged or stale redirect: refuse it and keep waiting for the real one.
                self.refused += 1
                return 400, _REFUSED, False
            url = urlunsplit(("http", f"{LOOPBACK}:{self.port}", parts.path, parts.query, ""))
            error = query.get("error")
            self._result = CallbackResult(url, error, query.get("error_description"))
            self._used.set()
            return (400, _FAILED, True) if error else (200, _DONE, True)

    def wait(self, timeout: float = 300.0) -> CallbackResult:
        """Block until the redirect arrives (or raise AuthError on timeout); then close."""
        try:
            if not self._used.wait(timeout):
                raise AuthError(f"no redirect reached {self.redirect_uri} within {timeout:g}s",
                                code="callback_timeout",
                                hint="finish signing in in the browser, or paste the "
                                     "redirect URL into complete()")
            assert self._result is not None
            # Closing hangs up on open connections: first let the browser get its page.
            self._answered.wait(2.0)
            return self._result
        finally:
            self.close()

    def close(self) -> None:
        """Stop serving, hang up on open connections and release the port (idempotent)."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(5)
        self._httpd.server_close()
        self._httpd.hang_up()

    def __enter__(self) -> CallbackServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"CallbackServer({self.redirect_uri!r}, used={self._used.is_set()})"


def _bind(port: int, redirect_uri: str) -> _Server:
    """The server on 127.0.0.1:``port``; a taken port says which, and what to do instead."""
    try:
        return _Server((LOOPBACK, port))
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        err = CallbackPortInUseError(
            f"cannot receive the sign-in redirect on {LOOPBACK}:{port}: the port is already in "
            f"use (another sign-in still waiting, or another program). Stop it, or use "
            f"redirect_uri={_elsewhere(redirect_uri)!r} (free just now; real Xero accepts it "
            "only once it is registered on the app at developer.xero.com), or sign in without "
            "a callback: open the authorize URL and paste the URL the browser lands on into "
            f"complete() ({exc.strerror or exc})")
        err.errno = exc.errno
        raise err from None


def _elsewhere(redirect_uri: str) -> str:
    """``redirect_uri`` on a port that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        free = probe.getsockname()[1]
    parts = urlsplit(redirect_uri)
    return urlunsplit((parts.scheme, f"{parts.hostname}:{free}", parts.path or "/", "", ""))
