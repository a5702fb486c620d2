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
