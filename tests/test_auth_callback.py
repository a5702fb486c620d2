"""The loopback callback server: 127.0.0.1 only, state checked, one use, timeout, closes."""

from __future__ import annotations

import socket

import pytest

from xero_nb.auth.callback import CallbackServer, is_loopback
from xero_nb.errors import AuthError, ConfigError
from xero_nb.http import Client, TransportError


def get(url: str) -> int:
    with Client(trust_env=False, timeout=5) as http:
        return http.get(url).status_code


def refused(host: str, port: int, family: int = socket.AF_INET) -> bool:
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        try:
            s.connect((host, port))
        except OSError:
            return True
        return False


def other_interfaces() -> set[str]:
    """This machine's non-loopback IPv4 addresses (may be none in a sandbox)."""
    found = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent: this only picks a route
            found.add(s.getsockname()[0])
        except OSError:
            pass
    return {ip for ip in found if not ip.startswith("127.")}


def test_binds_127_0_0_1_only() -> None:
    with CallbackServer("http://127.0.0.1/callback", state="s1") as srv:
        host, port = srv.address
        assert host == "127.0.0.1" and port == srv.port > 0
        assert srv.redirect_uri == f"http://127.0.0.1:{port}/callback"
        assert not refused("127.0.0.1", port)
        assert refused("127.0.0.2", port)  # other loopback addresses are other interfaces too
        assert refused("::1", port, socket.AF_INET6) if socket.has_ipv6 else True
        for ip in other_interfaces():
            assert refused(ip, port), f"callback server reachable on {ip}"


def test_forged_state_refused_then_real_one_accepted_then_second_use_refused() -> None:
    srv = CallbackServer("http://127.0.0.1/callback", state="the-real-state")
    base = srv.redirect_uri
    assert get(f"{base}?code=abc&state=forged") == 400
    assert get(f"{base}?code=abc") == 400
    assert get(f"http://127.0.0.1:{srv.port}/elsewhere?code=abc&state=the-real-state") == 404
    assert srv.refused == 2
    assert get(f"{base}?code=good-code&state=the-real-state") == 200
    assert get(f"{base}?code=other&state=the-real-state") == 410  # second use
    result = srv.wait(5)
    assert "code=good-code" in result.url and result.error is None
    assert "good-code" not in repr(result)
    with pytest.raises(TransportError):  # closed after use
        get(f"{base}?code=again&state=the-real-state")


def test_port_comes_from_the_redirect_uri() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with CallbackServer(f"http://localhost:{port}/cb", state="x") as srv:
        assert srv.port == port and srv.address == ("127.0.0.1", port)
        assert srv.redirect_uri == f"http://localhost:{port}/cb"


def test_error_redirect_is_returned_with_its_error() -> None:
    srv = CallbackServer("http://127.0.0.1/callback", state="st")
    assert get(f"{srv.redirect_uri}?error=access_denied&state=st") == 400
    result = srv.wait(5)
    assert result.error == "access_denied"


def test_timeout_says_what_to_do_and_closes() -> None:
    srv = CallbackServer("http://127.0.0.1/callback", state="st")
    port = srv.port
    with pytest.raises(AuthError) as info:
        srv.wait(0.2)
    assert info.value.code == "callback_timeout" and "complete()" in str(info.value)
    assert refused("127.0.0.1", port)


def test_non_loopback_redirect_uri_is_refused() -> None:
    assert is_loopback("http://localhost:1/x") and not is_loopback("https://127.0.0.1/x")
    with pytest.raises(ConfigError, match="paste"):
        CallbackServer("https://example.com/callback", state="s")


def test_idle_and_trickling_local_clients_cannot_hold_the_real_redirect() -> None:
    import threading

    srv = CallbackServer("http://127.0.0.1/callback", state="st")
    stop = threading.Event()
    connected = threading.Event()
    idle = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(6)]

    def trickle() -> None:  # a client that sends its headers one byte at a time, forever
        with socket.create_connection(("127.0.0.1", srv.port)) as s:
            connected.set()
            try:
                for byte in b"GET /callback HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10_000:
                    if stop.wait(0.05):
                        return
                    s.sendall(bytes([byte]))
            except OSError:  # the server hung up on it once the real redirect came: as it should
                return

    slow = threading.Thread(target=trickle, daemon=True)
    slow.start()
    assert connected.wait(30)  # it holds its connection before the real redirect comes
    try:
        # Safety nets only: a server that serves one connection at a time would be held
        # 5 s per idle socket (30 s) and forever by the trickling one.
        assert get(f"{srv.redirect_uri}?code=real-code&state=st") == 200
        result = srv.wait(10)
        assert "code=real-code" in result.url
    finally:
        stop.set()
        for s in idle:
            s.close()
        slow.join(5)
    assert refused("127.0.0.1", srv.port)  # closed, idle connections notwithstanding


def test_a_taken_port_says_which_and_what_to_do_instead() -> None:
    import re

    from xero_nb.auth.callback import CallbackPortInUseError

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CallbackPortInUseError) as info:
            CallbackServer(f"http://localhost:{port}/cb", state="s")
    err = info.value
    assert isinstance(err, OSError) and isinstance(err, ConfigError)  # old handlers still catch it
    text = str(err)
    assert f"127.0.0.1:{port}" in text and "already in use" in text
    assert "complete()" in text  # the paste-the-redirect-URL fallback
    other = re.search(r"http://localhost:(\d+)/cb", text)
    assert other is not None and int(other.group(1)) not in (0, port)


def test_the_browser_gets_its_whole_page_before_wait_hangs_up(monkeypatch: pytest.MonkeyPatch) -> None:
    # wait() returns as soon as the redirect is recorded and then closes, which hangs up on open
    # connections: the page must have been written first, however slowly the handler writes it.
    import threading
    import time

    from xero_nb.auth import callback

    real = callback._Handler.end_headers

    def slow_end_headers(self: callback._Handler) -> None:
        time.sleep(0.3)  # the recording thread runs ahead of the writing one
        real(self)

    monkeypatch.setattr(callback._Handler, "end_headers", slow_end_headers)
    server = CallbackServer("http://127.0.0.1/callback", "st-123")
    waited: list[object] = []
    waiter = threading.Thread(target=lambda: waited.append(server.wait(10)))
    waiter.start()
    with Client(trust_env=False) as http:
        page = http.get(f"{server.redirect_uri}?code=c0de&state=st-123")
    waiter.join(10)
    assert page.status_code == 200 and "You can close this tab" in page.text
    assert waited and not waiter.is_alive()
