"""Every sign-in flow end to end against the simulator: in-process and on a real 127.0.0.1 socket."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from xero_nb.auth import FileTokenStore, MemoryTokenStore
from xero_nb.auth.config import Settings
from xero_nb.auth.flow import XeroAuth
from xero_nb.errors import AuthError
from xero_nb.facts import XeroURLs
from xero_nb.http import Client
from xero_nb.simulator import XeroSimulator

LOOPBACK_REDIRECT = "http://127.0.0.1/callback"
READ_SCOPES = ("openid", "profile", "email", "accounting.settings.read",
               "accounting.contacts.read")


@pytest.fixture
def sim() -> XeroSimulator:
    return XeroSimulator(limits=False)


def auth_for(sim: XeroSimulator, app: str = "pkce", *, urls: Any = None, store: Any = None,
             transport: Any = "sim", redirect: str = LOOPBACK_REDIRECT) -> XeroAuth:
    demo = sim.apps[app]
    settings = Settings(client_id=demo.client_id, client_secret=demo.client_secret,
                        redirect_uri=redirect, scopes=READ_SCOPES, era=demo.era)
    return XeroAuth(settings, store=store or MemoryTokenStore(clock=sim.clock),
                    transport=sim.transport() if transport == "sim" else transport,
                    urls=urls, clock=sim.clock)


def consent_location(sim: XeroSimulator, url: str, transport: Any = None) -> str:
    """Open the authorize URL as a browser would, without following the final redirect."""
    with Client(transport=transport or sim.transport(), follow_redirects=False,
                trust_env=False) as http:
        resp = http.get(url)
    assert resp.status_code in (302, 303), resp.text[:300]
    return resp.headers["location"]


def refresh_calls(sim: XeroSimulator) -> int:
    return sum(1 for req, _ in sim.calls if req.url.path.endswith("/connect/token")
               and b"grant_type=refresh_token" in req.content)


# -- in-process transport ------------------------------------------------------------------

def test_paste_the_redirect_url_fallback_in_process(sim: XeroSimulator) -> None:
    auth = auth_for(sim)
    location = consent_location(sim, auth.authorize_url())
    assert location.startswith("http://127.0.0.1/callback?")  # nobody listens: the user pastes
    tok = auth.complete(location)
    assert {"accounting.settings.read", "offline_access", "openid"} <= tok.scopes
    assert tok.refresh_token and tok.id_token and tok.auth_event_id
    assert tok.expires_at == pytest.approx(sim.clock() + 1800, abs=5)
    tenants = auth.connections()
    assert tenants and all(t.connection_id and t.tenant_id for t in tenants)
    assert [t.tenant_id for t in auth.connections(auth_event_only=True)] == [
        t.tenant_id for t in tenants]


def test_consent_page_driven_by_an_http_client(sim: XeroSimulator) -> None:
    sim.auto_approve = False
    auth = auth_for(sim, "web")
    with Client(transport=sim.transport(), follow_redirects=False, trust_env=False) as http:
        page = http.get(auth.authorize_url())
        assert page.status_code == 200 and "Allow access" in page.text
        action = unescape(re.search(r'<form method="post" action="([^"]+)"', page.text)[1])
        ticket = unescape(re.search(r'name="ticket" value="([^"]+)"', page.text)[1])
        tenants = re.findall(r'name="tenant" value="([^"]+)"', page.text)
        assert len(tenants) >= 2
        form = {"ticket": ticket, "action": "allow", "tenant": tenants[:2]}
        answer = http.post(str(page.url.join(action)), data=form)
    tok = auth.complete(answer.headers["location"])
    assert sorted(t.tenant_id for t in auth.connections()) == sorted(tenants[:2])
    assert tok.requested >= {"offline_access", "accounting.contacts.read"}


def test_consent_denied_is_an_auth_error(sim: XeroSimulator) -> None:
    sim.auto_approve = False
    auth = auth_for(sim, "web")
    with Client(transport=sim.transport(), trust_env=False) as http:
        page = http.get(auth.authorize_url())
        ticket = re.search(r'name="ticket" value="([^"]+)"', page.text)[1]  # type: ignore[index]
        answer = http.post(str(page.url.join("/identity/connect/authorize")),
                           data={"ticket": ticket, "action": "deny"})
    with pytest.raises(AuthError) as info:
        auth.complete(answer.headers["location"])
    assert info.value.code == "access_denied"


def test_broad_scope_on_a_granular_app_is_refused_and_explained(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "pkce")
    with pytest.warns(Warning, match="broad scope"):
        url = auth.authorize_url(["openid", "accounting.transactions"])
    with pytest.raises(AuthError) as info:
        auth.complete(consent_location(sim, url))
    assert info.value.code in ("unauthorized_client", "invalid_scope")
    assert "accounting.transactions (broad scope" in str(info.value)


def test_client_credentials_with_the_custom_app(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "custom")
    scopes = sorted(sim.apps["custom"].scopes)[:2]
    tok = auth.client_credentials(scopes)
    assert tok.grant_type == "client_credentials" and tok.refresh_token is None
    assert tok.scopes == set(scopes)
    assert [t.tenant_id for t in auth.connections()] == [sim.apps["custom"].tenant_id]
    sim.advance(1800)
    assert auth.token() != tok  # renewed by the same grant, no refresh token needed


def test_refresh_rotation_and_the_old_token_after_the_grace_window(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "web")
    first = auth.complete(consent_location(sim, auth.authorize_url()))
    sim.advance(1800 - 30)  # inside the leeway
    second = auth.token()
    assert refresh_calls(sim) == 1 and second.refresh_token != first.refresh_token
    assert auth.store.state().was_rotated(first.refresh_token or "")
    sim.advance(31 * 60)  # the rotated token's grace window is over
    stale = auth_for(sim, "web")
    stale.store.save(first)
    with pytest.raises(AuthError) as info:
        stale.refresh()
    assert info.value.code == "invalid_grant" and info.value.likely == "rotated"  # type: ignore[attr-defined]


def test_token_expired_401_refreshes_and_retries_via_the_oauth_client(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "web")
    auth.complete(consent_location(sim, auth.authorize_url()))
    tenant = auth.connections()[0].tenant_id
    auth.leeway = 0  # let the token reach Xero expired
    with auth.oauth_client() as http:
        sim.advance(1801)
        auth._token = None  # as another kernel would see it: expiry is only noticed at Xero
        http.token = auth.store.load().to_response()  # type: ignore[union-attr]
        http.token["expires_at"] = int(time.time()) + 3600  # authlib's wall-clock view: fresh
        resp = http.get("https://api.xero.com/api.xro/2.0/Organisation",
                        headers={"xero-tenant-id": tenant})
    assert resp.status_code == 200 and refresh_calls(sim) == 1


def test_revoke_ends_the_refresh_token_and_the_connections(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "web")
    tok = auth.complete(consent_location(sim, auth.authorize_url()))
    auth.revoke()
    assert auth.store.load() is None
    other = auth_for(sim, "web")
    other.store.save(tok)
    with pytest.raises(AuthError) as info:
        other.refresh()
    assert info.value.code == "invalid_grant"
    with Client(transport=sim.transport(), trust_env=False) as http:
        rows = http.get("https://api.xero.com/connections",
                        headers={"Authorization": f"Bearer {tok.access_token}"}).json()
    assert rows == []


def test_disconnect_by_connection_id_not_tenant_id(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "web")
    auth.complete(consent_location(sim, auth.authorize_url()))
    tenants = auth.connections()
    assert len(tenants) >= 2
    auth.choose_tenant(tenants[0])
    with pytest.raises(AuthError) as info:
        auth.disconnect(tenants[0].tenant_id)
    assert info.value.code == "wrong_connection_id" and tenants[0].connection_id in str(info.value)
    auth.disconnect(tenants[0].connection_id)
    assert [t.tenant_id for t in auth.connections()] == [t.tenant_id for t in tenants[1:]]
    assert auth.tenant_id is None


def test_jwt_view_verifies_the_simulators_tokens(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "web")
    auth.complete(consent_location(sim, auth.authorize_url()))
    views = auth.inspect()
    assert views["access"].verified and views["id"].verified, views
    labels = {r.label for r in views["access"].rows(sim.clock)}
    assert {"user", "auth event", "client", "expires", "scopes"} <= labels
    sim.advance(3600)
    expired = auth.inspect(auth.store.load())
    assert not expired["access"].verified and "expired" in expired["access"].problems[0]


# -- a real 127.0.0.1 socket -------------------------------------------------------------------

@pytest.fixture
def served(sim: XeroSimulator) -> Iterator[Any]:
    with sim.serve() as srv:
        yield srv


def browser_for(srv: Any) -> Any:
    def open_browser(url: str) -> None:
        # A browser: follows the authorize redirect to our loopback callback.
        with Client(follow_redirects=True, trust_env=False, timeout=10) as http:
            resp = http.get(url)
        assert resp.status_code == 200 and "Signed in" in resp.text

    return open_browser


def test_sign_in_with_the_loopback_callback_over_real_sockets(sim: XeroSimulator,
                                                              served: Any) -> None:
    auth = auth_for(sim, "pkce", urls=served.urls, transport=None)
    tok = auth.sign_in(open_browser=browser_for(served), timeout=20)
    assert tok.refresh_token and "offline_access" in tok.scopes
    assert auth.connections()
    sim.advance(1800)
    assert auth.token().refresh_token != tok.refresh_token and refresh_calls(sim) == 1


def test_paste_fallback_over_real_sockets(sim: XeroSimulator, served: Any) -> None:
    auth = auth_for(sim, "web", urls=served.urls, transport=None,
                    redirect="http://localhost:8765/callback")
    with Client(follow_redirects=False, trust_env=False) as http:
        location = http.get(auth.authorize_url()).headers["location"]
    assert location.startswith("http://localhost:8765/callback?code=")
    assert auth.complete(location).refresh_token


CHILD = textwrap.dedent("""
    import sys, time, hashlib
    from pathlib import Path
    from xero_nb.auth.flow import XeroAuth
    from xero_nb.auth.config import Settings
    from xero_nb.facts import XeroURLs
    from xero_nb.auth import FileTokenStore
    url, client_id, folder, go = sys.argv[1:5]
    auth = XeroAuth(Settings(client_id=client_id, redirect_uri="http://127.0.0.1/callback"),
                    store=FileTokenStore(folder), urls=XeroURLs.on(url))
    auth.token()  # both kernels hold the same token
    print("ready", flush=True)
    while not Path(go).exists():
        time.sleep(0.001)
    tok = auth.refresh()
    print(hashlib.sha256(tok.refresh_token.encode()).hexdigest(), flush=True)
""")


def test_two_processes_refreshing_one_store_make_exactly_one_refresh(
        sim: XeroSimulator, served: Any, tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens")
    auth = auth_for(sim, "pkce", urls=served.urls, transport=None, store=store)
    with Client(follow_redirects=False, trust_env=False) as http:
        auth.complete(http.get(auth.authorize_url()).headers["location"])
    go = tmp_path / "go"
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[1]), "PATH": "/usr/bin:/bin"}
    kids = [subprocess.Popen([sys.executable, "-c", CHILD, served.url,
                              sim.apps["pkce"].client_id, str(tmp_path / "tokens"), str(go)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
            for _ in range(2)]
    for kid in kids:
        assert kid.stdout is not None and kid.stdout.readline().strip() == "ready"
    before = refresh_calls(sim)
    go.touch()
    outs = [kid.communicate(timeout=60) for kid in kids]
    assert [k.returncode for k in kids] == [0, 0], [err[-800:] for _, err in outs]
    assert refresh_calls(sim) - before == 1
    fingerprints = {out.strip() for out, _ in outs}
    assert len(fingerprints) == 1  # both hold the new token
    import hashlib

    assert hashlib.sha256((store.load().refresh_token or "").encode()).hexdigest() in fingerprints  # type: ignore[union-attr]
    assert not any("invalid_grant" in err for _, err in outs)
    token_answers = [resp.status_code for req, resp in sim.calls
                     if req.url.path.endswith("/connect/token")]
    assert all(code == 200 for code in token_answers)


def test_authorize_url_params_reach_the_simulator_intact(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "pkce")
    url = auth.authorize_url()
    q = parse_qs(urlsplit(url).query)
    assert q["code_challenge_method"] == ["S256"]
    location = consent_location(sim, url)
    assert parse_qs(urlsplit(location).query)["state"] == q["state"]


def test_sign_in_without_a_browser_shows_the_link(sim: XeroSimulator, served: Any) -> None:
    auth = auth_for(sim, "web", urls=served.urls, transport=None)
    shown: list[str] = []

    def show(text: str) -> None:
        shown.append(text)
        browser_for(served)(text.rsplit(" ", 1)[1])  # the person clicks the link

    tok = auth.sign_in(open_browser=False, show=show, timeout=20)
    assert shown[0].startswith("Open this link to sign in to Xero: http://127.0.0.1:")
    assert tok.refresh_token


def test_sign_in_times_out_with_a_way_forward(sim: XeroSimulator) -> None:
    auth = auth_for(sim, "web")
    with pytest.raises(AuthError) as info:
        auth.sign_in(open_browser=lambda url: None, timeout=0.2)
    assert info.value.code == "callback_timeout" and "complete()" in str(info.value)


@pytest.mark.parametrize("store_kind", ["memory", "file"])
def test_forget_signs_out_clients_made_earlier(sim: XeroSimulator, tmp_path: Path, store_kind: str) -> None:
    from xero_nb.client.call import XeroClient

    store = MemoryTokenStore(clock=sim.clock) if store_kind == "memory" else FileTokenStore(
        tmp_path / "tokens", clock=sim.clock)
    auth = auth_for(sim, store=store)
    auth.complete(consent_location(sim, auth.authorize_url()))
    client = XeroClient(auth=auth, transport=sim.transport(), tenant_id=auth.connections()[0].tenant_id)
    assert client.call("GET", "/Organisation").status == 200
    sent = len(sim.calls)
    auth.forget()
    with pytest.raises(AuthError, match="not signed in") as err:
        client.call("GET", "/Organisation")
    assert err.value.code == "not_signed_in" and "signed out" in str(err.value)
    assert len(sim.calls) == sent and store.load() is None


def test_a_simulator_sign_in_never_touches_the_profiles_real_token(
        sim: XeroSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Notebook 01's shape: a demo app's client id and the simulator's transport, no store given.
    from xero_nb.auth.tokens import Token

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    real = FileTokenStore(profile="default")
    real.save(Token(access_token="live-access-token-kept-0001", refresh_token="live-refresh-kept-0002",
                    expires_at=sim.clock() + 1800, scopes=frozenset({"accounting.settings.read"})))
    demo = sim.apps["web"]
    for auth in (XeroAuth(client_id=demo.client_id, client_secret=demo.client_secret,
                          redirect_uri="http://localhost:8765/callback", transport=sim.transport(),
                          clock=sim.clock),
                 XeroAuth(client_id=demo.client_id, client_secret=demo.client_secret,
                          urls=XeroURLs.on("http://127.0.0.1:9"), clock=sim.clock)):
        assert isinstance(auth.store, MemoryTokenStore), auth.store
    auth = XeroAuth(client_id=demo.client_id, client_secret=demo.client_secret,
                    redirect_uri="http://localhost:8765/callback", transport=sim.transport(),
                    clock=sim.clock)
    auth.complete(consent_location(sim, auth.authorize_url(scopes=READ_SCOPES)))
    auth.refresh()
    auth.revoke()
    kept = FileTokenStore(profile="default").load()
    assert kept is not None and kept.refresh_token == "live-refresh-kept-0002"
    # Real Xero (no simulator transport, Xero's URLs) still uses the profile's file.
    assert isinstance(XeroAuth(client_id="real-app-client-id").store, FileTokenStore)
