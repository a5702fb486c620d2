"""XeroAuth against a tiny local identity server on httpx2's MockTransport, with fake clocks.

End-to-end runs against the simulator are in test_auth_sim.py; this file pins the logic.
"""

from __future__ import annotations

import base64
import hashlib
import json
import warnings
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from xero_nb.auth import MemoryTokenStore
from xero_nb.auth.config import Settings
from xero_nb.auth.flow import XeroAuth
from xero_nb.errors import AuthError, XeroNbWarning
from xero_nb.http import MockTransport, Request, Response

REDIRECT = "http://127.0.0.1:8765/callback"
API = "https://api.xero.com/api.xro/2.0/Organisation"


def jwt_like(claims: dict[str, Any]) -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part(claims)}.c2ln"


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FakeIdP:
    """Just enough of Xero's identity server to pin XeroAuth's behaviour."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (challenge, scope)
        self.live_refresh: set[str] = set()
        self.requests: list[Request] = []
        self.refreshes = 0
        self.n = 0
        self.fail_with: str | None = None
        self.expired_access: set[str] = set()
        self.store_at_api_call: Any = lambda: None
        self.connections = [
            {"id": "conn-1", "tenantId": "ten-1", "tenantName": "Org One", "authEventId": "ev-1",
             "tenantType": "ORGANISATION"},
            {"id": "conn-2", "tenantId": "ten-2", "tenantName": "Org Two", "authEventId": "ev-0",
             "tenantType": "ORGANISATION"},
        ]

    def transport(self) -> MockTransport:
        return MockTransport(self.handle)

    def approve(self, authorize_url: str, scope: str | None = None) -> str:
        q = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        code = f"code-{len(self.codes)}"
        self.codes[code] = (q["code_challenge"], scope or q["scope"])
        return f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"

    def issue(self, scope: str, refresh: bool = True) -> dict[str, Any]:
        self.n += 1
        access = jwt_like({"scope": scope.split(), "authentication_event_id": "ev-1",
                           "n": self.n, "pad": "A" * 20})
        body = {"access_token": access, "expires_in": 1800, "token_type": "Bearer",
                "scope": scope}
        if refresh and "offline_access" in scope.split():
            rt = f"refresh-{self.n}-" + "R" * 20
            self.live_refresh.add(rt)
            body["refresh_token"] = rt
        return body

    def handle(self, request: Request) -> Response:
        self.requests.append(request)
        path = request.url.path
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if path == "/connect/token":
            if self.fail_with:
                return Response(400, json={"error": self.fail_with})
            grant = form.get("grant_type")
            if grant == "authorization_code":
                challenge, scope = self.codes.pop(form.get("code", ""), ("", ""))
                digest = base64.urlsafe_b64encode(
                    hashlib.sha256(form.get("code_verifier", "").encode()).digest()).rstrip(b"=")
                if not challenge or digest.decode() != challenge:
                    return Response(400, json={"error": "invalid_grant"})
                return Response(200, json=self.issue(scope))
            if grant == "refresh_token":
                rt = form.get("refresh_token", "")
                if rt not in self.live_refresh:
                    return Response(400, json={"error": "invalid_grant"})
                self.live_refresh.discard(rt)
                self.refreshes += 1
                return Response(200, json=self.issue("openid offline_access accounting.settings"))
            if grant == "client_credentials":
                return Response(200, json=self.issue(form.get("scope", ""), refresh=False))
        if path == "/connect/revocation":
            self.live_refresh.discard(form.get("token", ""))
            return Response(200)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if path.startswith("/connections"):
            if path == "/connections" and request.method == "GET":
                event = request.url.params.get("authEventId")
                return Response(200, json=[c for c in self.connections
                                           if event is None or c["authEventId"] == event])
            cid = path.rsplit("/", 1)[1]
            before = len(self.connections)
            self.connections = [c for c in self.connections if c["id"] != cid]
            return Response(204 if len(self.connections) < before else 404)
        if path.endswith("/Organisation"):
            if bearer in self.expired_access:
                return Response(401, json={"Title": "Unauthorized", "Status": 401,
                                           "Detail": "TokenExpired: token expired at x"})
            return Response(200, json={"bearer_n": json.loads(base64.urlsafe_b64decode(
                bearer.split(".")[1] + "==")).get("n"), "stored": self.store_at_api_call()})
        return Response(404)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def idp(clock: Clock) -> FakeIdP:
    return FakeIdP(clock)


def make_auth(idp: FakeIdP, clock: Clock, era: str | None = None, **kw: Any) -> XeroAuth:
    settings = Settings(client_id="CLIENT", client_secret=kw.pop("secret", None),
                        redirect_uri=REDIRECT, scopes=kw.pop("scopes", ("openid",
                                                                        "accounting.settings")))
    store = kw.pop("store", None) or MemoryTokenStore(clock=clock)
    return XeroAuth(settings, store=store, transport=idp.transport(), clock=clock, era=era, **kw)


def signed_in(idp: FakeIdP, clock: Clock, **kw: Any) -> XeroAuth:
    auth = make_auth(idp, clock, **kw)
    auth.complete(idp.approve(auth.authorize_url()))
    return auth


def test_authorize_url_has_pkce_s256_state_and_offline_access(idp: FakeIdP, clock: Clock) -> None:
    auth = make_auth(idp, clock)
    url = auth.authorize_url()
    q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith("https://login.xero.com/identity/connect/authorize?")
    assert q["response_type"] == "code" and q["client_id"] == "CLIENT"
    assert q["code_challenge_method"] == "S256" and len(q["code_challenge"]) == 43
    assert len(q["state"]) >= 20 and q["redirect_uri"] == REDIRECT
    assert set(q["scope"].split()) == {"openid", "accounting.settings", "offline_access"}
    assert "code_verifier" not in q
    no_offline = make_auth(idp, clock, offline_access=False).authorize_url(["openid"])
    assert "offline_access" not in no_offline


def test_code_exchange_sends_the_verifier_and_stores_the_token(idp: FakeIdP, clock: Clock) -> None:
    auth = make_auth(idp, clock)
    redirect = idp.approve(auth.authorize_url(["openid", "accounting.contacts.read"]))
    tok = auth.complete(redirect)  # FakeIdP checks S256(code_verifier) == code_challenge
    assert tok.requested == {"openid", "accounting.contacts.read", "offline_access"}
    assert tok.scopes == tok.requested and tok.expires_at == clock.now + 1800
    assert auth.store.load() == tok and auth.token() == tok
    form = parse_qs(idp.requests[-1].content.decode())
    assert form["grant_type"] == ["authorization_code"] and form["redirect_uri"] == [REDIRECT]
    assert form["client_id"] == ["CLIENT"]  # PKCE app: no secret, client id in the body


def test_confidential_app_uses_basic_auth(idp: FakeIdP, clock: Clock) -> None:
    signed_in(idp, clock, secret="web-secret-123456")
    basic = idp.requests[-1].headers["authorization"]
    assert basic == "Basic " + base64.b64encode(b"CLIENT:web-secret-123456").decode()


def test_forged_state_is_refused_without_a_token_request(idp: FakeIdP, clock: Clock) -> None:
    auth = make_auth(idp, clock)
    genuine = idp.approve(auth.authorize_url())
    forged = genuine.replace("state=", "state=x")
    with pytest.raises(AuthError) as info:
        auth.complete(forged)
    assert info.value.code == "state_mismatch" and not idp.requests
    with pytest.raises(AuthError, match="state"):
        auth.complete(genuine.split("&state=")[0])  # no state at all
    auth.complete(genuine)
    with pytest.raises(AuthError) as again:  # the same redirect twice
        auth.complete(genuine)
    assert again.value.code == "state_mismatch"


def test_error_redirect_names_the_refused_scope_and_why(idp: FakeIdP, clock: Clock) -> None:
    auth = make_auth(idp, clock, era="granular")
    with pytest.warns(XeroNbWarning, match="accounting.transactions"):
        url = auth.authorize_url(["accounting.transactions", "openid"])
    state = parse_qs(urlsplit(url).query)["state"][0]
    with pytest.raises(AuthError) as info:
        auth.complete(f"{REDIRECT}?error=unauthorized_client&error_description=Invalid+scope+for"
                      f"+client&state={state}")
    err = info.value
    assert err.code == "unauthorized_client"
    assert "accounting.transactions (broad scope" in str(err) and "2 Mar 2026" in str(err)
    assert "Invalid scope for client" in str(err)


@pytest.mark.parametrize(("scope", "era", "match"), [
    ("accounting.transactions.read", "granular", "broad scope"),
    ("paymentservices", "broad", "restricted"),
    ("accounting.journals.read", "granular", "Advanced tier"),
    ("app.connections", None, "unlocks no endpoint"),
    ("acounting.settings", None, "did you mean accounting.settings"),
])
def test_warnings_before_requesting_refused_or_useless_scopes(
        idp: FakeIdP, clock: Clock, scope: str, era: str | None, match: str) -> None:
    auth = make_auth(idp, clock, era=era)
    with pytest.warns(XeroNbWarning, match=match):
        auth.authorize_url(["openid", scope])


def test_no_warning_for_a_sensible_request(idp: FakeIdP, clock: Clock) -> None:
    auth = make_auth(idp, clock, era="granular")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        auth.authorize_url(["openid", "profile", "email", "accounting.invoices.read"])


def test_token_refreshes_before_expiry_with_leeway(idp: FakeIdP, clock: Clock) -> None:
    auth = signed_in(idp, clock)
    first = auth.token()
    clock.now += 1800 - 61
    assert auth.token() == first and idp.refreshes == 0
    clock.now += 2  # inside the 60 s leeway
    second = auth.token()
    assert idp.refreshes == 1 and second != first
    assert second.refresh_token != first.refresh_token
    state = auth.store.state()
    assert state.token == second and state.was_rotated(first.refresh_token or "")
    assert second.requested == first.requested


def test_refresh_adopts_a_token_another_kernel_already_refreshed(idp: FakeIdP,
                                                                 clock: Clock) -> None:
    store = MemoryTokenStore(clock=clock)
    kernel_a = signed_in(idp, clock, store=store)
    kernel_b = make_auth(idp, clock, store=store)
    held_by_b = kernel_b.token()
    newer = kernel_a.refresh()
    assert idp.refreshes == 1
    adopted = kernel_b.refresh()  # B saw the old token: it must not spend the rotated one
    assert adopted == newer and idp.refreshes == 1 and adopted != held_by_b


def test_new_refresh_token_is_stored_before_the_new_access_token_is_used(
        idp: FakeIdP, clock: Clock) -> None:
    auth = signed_in(idp, clock)
    idp.store_at_api_call = lambda: json.loads(base64.urlsafe_b64decode(
        auth.store.load().access_token.split(".")[1] + "==")).get("n")  # type: ignore[union-attr]
    clock.now += 1800
    with auth.oauth_client() as http:
        body = http.get(API).json()
    assert idp.refreshes == 1 and body["bearer_n"] == body["stored"] == 2


def test_401_token_expired_refreshes_once_and_retries(idp: FakeIdP, clock: Clock) -> None:
    auth = signed_in(idp, clock)
    with auth.oauth_client() as http:
        idp.expired_access.add(auth.token().access_token)  # Xero says expired before we think so
        resp = http.get(API)
        assert resp.status_code == 200 and idp.refreshes == 1 and resp.json()["bearer_n"] == 2
        idp.expired_access.add(auth.token().access_token)
        idp.fail_with = None
        idp.live_refresh.clear()  # the retry's refresh fails: no loop, a clear error
        with pytest.raises(AuthError) as info:
            http.get(API)
    assert info.value.code == "invalid_grant"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_async_client_refreshes_through_the_store(idp: FakeIdP, clock: Clock) -> None:
    auth = signed_in(idp, clock)
    clock.now += 5000
    async with auth.async_oauth_client() as http:
        resp = await http.get(API)
    assert resp.status_code == 200 and idp.refreshes == 1


def test_invalid_grant_expired_after_60_idle_days(idp: FakeIdP, clock: Clock) -> None:
    auth = signed_in(idp, clock)
    clock.now += 61 * 86400
    idp.live_refresh.clear()
    with pytest.raises(AuthError) as info:
        auth.token()
    err = info.value
    assert err.code == "invalid_grant" and err.likely == "expired"  # type: ignore[attr-defined]
    assert "61 days" in str(err) and "sign in again" in str(err)


def test_invalid_grant_reused_when_an_old_copy_was_restored(idp: FakeIdP, clock: Clock) -> None:
    auth = signed_in(idp, clock)
    old = auth.token()
    auth.refresh()
    auth.store.save(old)  # e.g. a backup of the token file put back
    auth._token = None
    with pytest.raises(AuthError) as info:
        auth.refresh()
    assert info.value.likely == "reused"  # type: ignore[attr-defined]


def test_invalid_grant_rotated_elsewhere(idp: FakeIdP, clock: Clock) -> None:
    auth = signed_in(idp, clock)
    idp.live_refresh.clear()  # another machine spent it
    with pytest.raises(AuthError) as info:
        auth.refresh()
    assert info.value.likely == "rotated"  # type: ignore[attr-defined]
    assert "another copy" in str(info.value) and "revoked" in str(info.value)


def test_invalid_grant_on_code_exchange_and_invalid_client(idp: FakeIdP, clock: Clock) -> None:
    auth = make_auth(idp, clock)
    redirect = idp.approve(auth.authorize_url())
    idp.codes.clear()
    with pytest.raises(AuthError) as info:
        auth.complete(redirect)
    assert info.value.code == "invalid_grant" and info.value.likely == "reused"  # type: ignore[attr-defined]
    idp.fail_with = "invalid_client"
    with pytest.raises(AuthError) as bad:
        auth.complete(idp.approve(auth.authorize_url()))
    assert bad.value.code == "invalid_client" and "XERO_CLIENT_SECRET" in str(bad.value)


def test_invalid_scope_on_client_credentials_names_the_scope(idp: FakeIdP, clock: Clock) -> None:
    auth = make_auth(idp, clock, era=None, secret="cc-secret-0000000")
    idp.fail_with = "invalid_scope"
    with pytest.raises(AuthError) as info:
        auth.client_credentials(["accounting.reports.read"])
    assert info.value.code == "invalid_scope"
    assert "accounting.reports.read (broad scope: refused if the app was created" in str(info.value)


def test_client_credentials_then_renewed_when_expired(idp: FakeIdP, clock: Clock) -> None:
    auth = make_auth(idp, clock, era="granular", secret="cc-secret-0000000")
    tok = auth.client_credentials(["accounting.invoices.read"])
    form = parse_qs(idp.requests[-1].content.decode())
    assert form["grant_type"] == ["client_credentials"]
    assert form["scope"] == ["accounting.invoices.read"]  # no offline_access for this grant
    assert tok.grant_type == "client_credentials" and tok.refresh_token is None
    clock.now += 1800
    again = auth.token()
    assert again.grant_type == "client_credentials" and again != tok
    assert parse_qs(idp.requests[-1].content.decode())["grant_type"] == ["client_credentials"]


def test_no_refresh_token_says_request_offline_access(idp: FakeIdP, clock: Clock) -> None:
    auth = make_auth(idp, clock, offline_access=False)
    auth.complete(idp.approve(auth.authorize_url(["openid"])))
    clock.now += 1800
    with pytest.raises(AuthError, match="offline_access") as info:
        auth.token()
    assert info.value.code == "no_refresh_token"


def test_not_signed_in(idp: FakeIdP, clock: Clock) -> None:
    with pytest.raises(AuthError) as info:
        make_auth(idp, clock).token()
    assert info.value.code == "not_signed_in"


def test_revoke_sends_the_refresh_token_and_forgets(idp: FakeIdP, clock: Clock) -> None:
    auth = signed_in(idp, clock)
    rt = auth.token().refresh_token
    auth.revoke()
    form = parse_qs(idp.requests[-1].content.decode())
    assert idp.requests[-1].url.path == "/connect/revocation"
    assert form["token"] == [rt] and form["token_type_hint"] == ["refresh_token"]
    assert auth.store.load() is None and auth.store.state().cleared_reason == "revoked"
    with pytest.raises(AuthError):
        auth.token()


def test_connections_pick_and_disconnect(idp: FakeIdP, clock: Clock) -> None:
    auth = signed_in(idp, clock)
    assert [t.tenant_name for t in auth.connections()] == ["Org One", "Org Two"]
    mine = auth.connections(auth_event_only=True)
    assert [t.connection_id for t in mine] == ["conn-1"]
    assert idp.requests[-1].url.params["authEventId"] == "ev-1"
    chosen = auth.choose_tenant("Org Two")
    assert chosen.tenant_id == "ten-2" and auth.tenant_id == "ten-2"
    assert auth.store.tenant() == "ten-2"
    with pytest.raises(AuthError) as wrong:
        auth.disconnect("ten-2")  # a tenant id, the classic mistake
    assert wrong.value.code == "wrong_connection_id" and "conn-2" in str(wrong.value)
    auth.disconnect("conn-2")
    assert idp.requests[-1].method == "DELETE" and idp.requests[-1].url.path == "/connections/conn-2"
    assert auth.tenant_id is None and [t.connection_id for t in auth.connections()] == ["conn-1"]
    with pytest.raises(AuthError, match="no connected tenant"):
        auth.choose_tenant("ten-2")


def test_a_kernel_whose_token_was_revoked_elsewhere_is_told_so(idp: FakeIdP, clock: Clock) -> None:
    store = MemoryTokenStore(clock=clock)
    kernel_a = signed_in(idp, clock, store=store)
    kernel_b = make_auth(idp, clock, store=store)
    kernel_b.token()
    kernel_a.revoke()
    with pytest.raises(AuthError, match="was revoked") as info:
        kernel_b.refresh()
    assert info.value.code == "not_signed_in" and idp.refreshes == 0


def test_threads_sharing_one_file_store_refresh_once(idp: FakeIdP, clock: Clock,
                                                      tmp_path: Any) -> None:
    import threading

    from xero_nb.auth import FileTokenStore

    signed_in(idp, clock, store=FileTokenStore(tmp_path, clock=clock))
    kernels = [make_auth(idp, clock, store=FileTokenStore(tmp_path, clock=clock))
               for _ in range(4)]
    for k in kernels:
        k.token()
    clock.now += 1800
    barrier = threading.Barrier(len(kernels))
    results: list[Any] = []

    def run(k: XeroAuth) -> None:
        barrier.wait()
        results.append(k.token())

    threads = [threading.Thread(target=run, args=(k,)) for k in kernels]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert idp.refreshes == 1 and len({r.access_token for r in results}) == 1


# -- the token goes to Xero only -------------------------------------------------------------------

FOREIGN = ["https://evil.example/steal", "http://api.xero.com/connections",
           "https://api.xero.com.evil.example/x", "https://api.xero.com:8443/x",
           "https://evil.example@api.xero.com.evil.example/x"]


def test_the_oauth_client_refuses_other_origins(idp: FakeIdP, clock: Clock) -> None:
    auth = signed_in(idp, clock)
    sent = len(idp.requests)
    with auth.oauth_client() as http:
        for url in FOREIGN:
            with pytest.raises(AuthError) as info:
                http.get(url)
            assert info.value.code == "foreign_origin" and "refusing" in str(info.value)
        with pytest.raises(AuthError):
            http.post("/steal", data={"a": 1})  # a relative URL has no Xero origin either
        with pytest.raises(AuthError), http.stream("GET", FOREIGN[0]):
            pass
        with pytest.raises(AuthError):  # a hand-built request signed with the token auth
            http.send(http.build_request("GET", FOREIGN[0]), auth=http.token_auth)
        assert idp.requests[sent:] == []
        assert http.get(API).status_code == 200
        assert http.get("https://identity.xero.com:443/connect/userinfo").status_code == 404
        assert http.get("HTTPS://API.XERO.COM/connections").status_code == 200
    assert {r.url.host for r in idp.requests[sent:]} == {"api.xero.com", "identity.xero.com"}


@pytest.mark.anyio
async def test_the_async_client_refuses_other_origins(idp: FakeIdP, clock: Clock) -> None:
    auth = signed_in(idp, clock)
    sent = len(idp.requests)
    async with auth.async_oauth_client() as http:
        with pytest.raises(AuthError) as info:
            await http.get(FOREIGN[0])
        assert info.value.code == "foreign_origin" and idp.requests[sent:] == []
        assert (await http.get(API)).status_code == 200


def test_simulator_urls_are_the_allowed_origins(idp: FakeIdP, clock: Clock) -> None:
    from xero_nb.auth.clients import check_origin, xero_origins
    from xero_nb.facts import XeroURLs

    local = XeroURLs.on("http://127.0.0.1:5123")
    assert xero_origins(local) == {("http", "127.0.0.1", 5123)}
    check_origin("http://127.0.0.1:5123/connections", local)
    for url in ("http://127.0.0.1:5124/connections", "https://api.xero.com/connections",
                "http://127.0.0.1:notaport/x"):
        with pytest.raises(AuthError):
            check_origin(url, local)


# -- odd answers and a store that cannot keep the token -------------------------------------------

def test_a_token_endpoint_answer_that_is_not_json_is_an_auth_error(clock: Clock) -> None:
    def handle(request: Request) -> Response:
        return Response(200, content=b"[" * 100_000, headers={"content-type": "application/json"})

    auth = XeroAuth(Settings(client_id="CLIENT", redirect_uri=REDIRECT), store=MemoryTokenStore(),
                    transport=MockTransport(handle), clock=clock)
    with pytest.raises(AuthError) as info:
        auth.client_credentials(["accounting.settings"])
    assert info.value.code == "token_endpoint_error"


def test_a_deep_jwks_answer_is_an_auth_error(clock: Clock) -> None:
    auth = XeroAuth(Settings(client_id="CLIENT", redirect_uri=REDIRECT), store=MemoryTokenStore(),
                    transport=MockTransport(lambda r: Response(200, content=b"[" * 100_000)),
                    clock=clock)
    with pytest.raises(AuthError) as info:
        auth.jwks()
    assert info.value.code == "jwks_failed"


class BrokenStore(MemoryTokenStore):
    """Saves fail (a full disk, a read-only folder) after the code was spent."""

    def save(self, token: Any, *, refreshed: bool = False) -> Any:
        from xero_nb.errors import TokenStoreError

        raise TokenStoreError("disk full")


def test_a_store_that_cannot_save_does_not_lose_the_new_token(idp: FakeIdP, clock: Clock) -> None:
    auth = make_auth(idp, clock, store=BrokenStore(clock=clock))
    with pytest.warns(XeroNbWarning, match="held in this kernel only"):
        tok = auth.complete(idp.approve(auth.authorize_url()))
    assert auth.token() == tok and tok.refresh_token in idp.live_refresh
    clock.now += 3600
    with pytest.warns(XeroNbWarning, match="held in this kernel only"):
        newer = auth.token()  # the refresh token it spent is replaced by one it still holds
    assert newer.refresh_token in idp.live_refresh and idp.refreshes == 1


@pytest.mark.parametrize("body", [b"[" * 100_000, b"not json", b'{"id": "c"}', b'["c1", "c2"]'])
def test_a_connections_answer_that_is_not_a_list_of_connections(idp: FakeIdP, clock: Clock,
                                                                  body: bytes) -> None:
    auth = signed_in(idp, clock)
    handle = idp.handle
    idp.handle = lambda request: (Response(200, content=body)  # type: ignore[method-assign]
                                  if request.url.path == "/connections" else handle(request))
    auth.transport = MockTransport(idp.handle)
    with pytest.raises(AuthError) as info:
        auth.connections()
    assert info.value.code == "connections_failed"
