"""The simulator's identity side, driven by authlib's own OAuth2 clients (sync and async)."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet

from xero_nb import facts
from xero_nb.facts import XeroURLs
from xero_nb.http import AsyncClient, Client
from xero_nb.simulator import XeroSimulator

XERO = XeroURLs.xero()
REDIRECT = "http://127.0.0.1:53682/callback"
SCOPES = "openid profile email offline_access accounting.settings.read"


def _query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def _pkce_client(sim: XeroSimulator, scope: str = SCOPES, **kw: object) -> OAuth2Client:
    return OAuth2Client(client_id=sim.apps["pkce"].client_id, scope=scope, redirect_uri=REDIRECT,
                        code_challenge_method="S256", token_endpoint_auth_method="none", **kw)


def _authorize(sim_client: Client, url: str) -> dict[str, str]:
    resp = sim_client.get(url)
    assert resp.status_code == 302
    return _query(resp.headers["location"])


def _post(client: Client, url: str, **form: str) -> tuple[int, dict[str, object]]:
    resp = client.post(url, data=form)
    return resp.status_code, resp.json() if resp.content else {}


def test_code_pkce_refresh_sync_over_transport(sim: XeroSimulator) -> None:
    tr = sim.transport()
    oauth = _pkce_client(sim, transport=tr)
    verifier = generate_token(48)
    url, state = oauth.create_authorization_url(XERO.authorize, code_verifier=verifier)
    back = _authorize(Client(transport=tr), url)
    assert back["state"] == state and back["scope"] == SCOPES
    loc = REDIRECT + "?" + "&".join(f"{k}={v}" for k, v in back.items() if k in ("code", "state"))
    tok = oauth.fetch_token(XERO.token, authorization_response=loc, code_verifier=verifier)
    assert tok["token_type"] == "Bearer" and tok["expires_in"] == 1800
    assert tok["scope"] == SCOPES and "id_token" in tok and "refresh_token" in tok
    tenant = sim.tenant("AU").tenant_id
    r = oauth.get(XERO.api_root + "/api.xro/2.0/Accounts", headers={"xero-tenant-id": tenant})
    assert r.status_code == 200 and r.json()["Accounts"][0]["Code"] == "090"
    new = oauth.refresh_token(XERO.token)
    assert new["refresh_token"] != tok["refresh_token"]
    assert oauth.get(XERO.connections).json()[0]["tenantId"] == tenant


@pytest.mark.anyio
async def test_code_pkce_async_over_transport(sim: XeroSimulator) -> None:
    tr = sim.transport()
    oauth = AsyncOAuth2Client(client_id=sim.apps["pkce"].client_id, scope=SCOPES,
                              redirect_uri=REDIRECT, code_challenge_method="S256",
                              token_endpoint_auth_method="none", transport=tr)
    verifier = generate_token(48)
    url, state = oauth.create_authorization_url(XERO.authorize, code_verifier=verifier)
    async with AsyncClient(transport=tr) as plain:
        back = _query((await plain.get(url)).headers["location"])
    tok = await oauth.fetch_token(XERO.token, code=back["code"], state=state, code_verifier=verifier)
    r = await oauth.get(XERO.api_root + "/api.xro/2.0/Organisation",
                        headers={"xero-tenant-id": sim.tenant("NZ").tenant_id})
    assert r.status_code == 200 and r.json()["Organisations"][0]["CountryCode"] == "NZ"
    new = await oauth.refresh_token(XERO.token, refresh_token=tok["refresh_token"])
    assert new["access_token"] != tok["access_token"]
    await oauth.aclose()


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_web_app_secret_over_loopback_socket(served_sim, auth_method: str) -> None:
    sim, urls = served_sim.sim, served_sim.urls
    app = sim.apps["web"]
    oauth = OAuth2Client(client_id=app.client_id, client_secret=app.client_secret, scope=SCOPES,
                         redirect_uri="http://localhost:8765/callback",
                         token_endpoint_auth_method=auth_method)
    url, state = oauth.create_authorization_url(urls.authorize)
    with Client() as plain:
        back = _query(plain.get(url).headers["location"])
    assert back["state"] == state
    tok = oauth.fetch_token(urls.token, code=back["code"], state=state)
    claims = jwt.decode(tok["access_token"], KeySet.import_key_set(Client().get(urls.jwks).json()))
    assert claims.header["alg"] == "RS256" and "kid" in claims.header and "x5t" in claims.header
    c = claims.claims
    assert c["iss"] == facts.ISSUER and c["aud"] == facts.AUDIENCE and c["client_id"] == app.client_id
    assert c["scope"] == SCOPES.split() and c["exp"] - c["nbf"] == 1800
    assert c["xero_userid"] == sim.users[0].user_id
    for key in ("sub", "auth_time", "jti", "global_session_id", "authentication_event_id"):
        assert c[key]
    conns = oauth.get(urls.connections, params={"authEventId": c["authentication_event_id"]}).json()
    assert {x["tenantName"] for x in conns} == {o.name for o in sim.tenants}
    assert oauth.get(urls.connections, params={"authEventId": "nope"}).json() == []


@pytest.mark.anyio
async def test_async_client_over_loopback_socket(served_sim) -> None:
    sim, urls = served_sim.sim, served_sim.urls
    app = sim.apps["web"]
    oauth = AsyncOAuth2Client(client_id=app.client_id, client_secret=app.client_secret,
                              scope="offline_access accounting.transactions.read",
                              redirect_uri="http://localhost:8765/callback")
    url, state = oauth.create_authorization_url(urls.authorize)
    async with AsyncClient() as plain:
        back = _query((await plain.get(url)).headers["location"])
    await oauth.fetch_token(urls.token, code=back["code"], state=state)
    r = await oauth.get(urls.api_root + "/api.xro/2.0/Invoices",
                        headers={"xero-tenant-id": sim.tenant("UK").tenant_id})
    assert r.status_code == 200 and len(r.json()["Invoices"]) == 6
    assert r.headers["Xero-Correlation-Id"] == r.json()["Id"]
    await oauth.aclose()


def test_consent_page_form_post_over_loopback(served_sim) -> None:
    sim, urls = served_sim.sim, served_sim.urls
    sim.auto_approve = False
    oauth = _pkce_client(sim)
    verifier = generate_token(48)
    url, state = oauth.create_authorization_url(urls.authorize, code_verifier=verifier)
    with Client() as browser:
        page = browser.get(url)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert "accounting.settings.read" in page.text and "Demo Company (UK)" in page.text
        # each scope with what Xero's scopes page says it grants (one table: catalog/data/scopes.csv)
        assert "<code>accounting.settings.read</code>: read the organisation&#x27;s settings" in page.text
        ticket = re.search(r'name="ticket" value="([^"]+)"', page.text).group(1)
        uk = sim.tenant("UK").tenant_id
        posted = browser.post(urls.authorize, data={"ticket": ticket, "tenant": uk, "action": "allow"})
        assert posted.status_code == 302
        back = _query(posted.headers["location"])
        assert posted.headers["location"].startswith("http://127.0.0.1:53682/callback?")
        assert back["state"] == state
        again = browser.post(urls.authorize, data={"ticket": ticket, "action": "allow"})
        assert again.status_code == 400  # tickets are single-use
    tok = oauth.fetch_token(urls.token, code=back["code"], state=state, code_verifier=verifier)
    conns = Client().get(urls.connections, headers={"Authorization": "Bearer " + tok["access_token"]})
    assert [c["tenantId"] for c in conns.json()] == [uk]


def test_consent_deny_redirects_access_denied(sim: XeroSimulator) -> None:
    sim.auto_approve = False
    oauth = _pkce_client(sim)
    url, state = oauth.create_authorization_url(XERO.authorize, code_verifier=generate_token(48))
    with Client(transport=sim.transport()) as browser:
        ticket = re.search(r'name="ticket" value="([^"]+)"', browser.get(url).text).group(1)
        back = _query(browser.post(XERO.authorize, data={"ticket": ticket, "action": "deny"})
                      .headers["location"])
    assert back == {"error": "access_denied", "error_description": "The user denied access",
                    "state": state}


@pytest.mark.parametrize(("app", "scope"), [
    ("pkce", "accounting.transactions"),           # broad scope on a granular-era app
    ("pkce", "accounting.reports.read"),
    ("pkce", "accounting.journals.read"),          # journals without approval, granular era
    ("web", "paymentservices"),                    # restricted, app not approved
    ("web", "finance.statements.read"),
    ("web", "bankfeeds"),
    ("web", "accounting.reports.bankstatement.read"),
])
def test_authorize_refuses_scope_as_xero(sim: XeroSimulator, app: str, scope: str) -> None:
    a = sim.apps[app]
    oauth = OAuth2Client(client_id=a.client_id, scope=f"offline_access {scope}", redirect_uri=REDIRECT,
                         code_challenge_method="S256")
    url, state = oauth.create_authorization_url(XERO.authorize, code_verifier=generate_token(48))
    back = _authorize(Client(transport=sim.transport()), url)
    assert back == {"error": "unauthorized_client", "error_description": "Invalid scope for client",
                    "state": state}


def test_authorize_allows_approved_restricted_scopes(sim: XeroSimulator) -> None:
    a = sim.apps["partner"]
    oauth = OAuth2Client(client_id=a.client_id, scope="paymentservices bankfeeds accounting.journals.read",
                         redirect_uri=REDIRECT)
    url, _ = oauth.create_authorization_url(XERO.authorize)
    assert "code" in _authorize(Client(transport=sim.transport()), url)


def test_authorize_request_errors(sim: XeroSimulator) -> None:
    plain = Client(transport=sim.transport())
    pkce = sim.apps["pkce"].client_id
    base = XERO.authorize + "?response_type=code&scope=openid"
    unknown = plain.get(f"{base}&client_id=NOPE&redirect_uri={REDIRECT}")
    assert unknown.status_code == 400 and "invalid_client" in unknown.text
    bad_uri = plain.get(f"{base}&client_id={pkce}&redirect_uri=https://evil.example/cb")
    assert bad_uri.status_code == 400 and "Invalid redirect_uri" in bad_uri.text
    no_pkce = _query(plain.get(f"{base}&client_id={pkce}&redirect_uri={REDIRECT}&state=s")
                     .headers["location"])
    assert no_pkce["error"] == "invalid_request" and no_pkce["state"] == "s"
    typo = _query(plain.get(f"{XERO.authorize}?response_type=code&scope=acounting.settings&client_id="
                            f"{sim.apps['web'].client_id}&redirect_uri={REDIRECT}").headers["location"])
    assert typo["error"] == "invalid_scope"


def _code(sim: XeroSimulator, app: str = "web", verifier: str | None = None) -> str:
    a = sim.apps[app]
    oauth = OAuth2Client(client_id=a.client_id, scope=SCOPES, redirect_uri=REDIRECT,
                         code_challenge_method="S256" if verifier else None)
    kw = {"code_verifier": verifier} if verifier else {}
    url, _ = oauth.create_authorization_url(XERO.authorize, **kw)
    return _authorize(Client(transport=sim.transport()), url)["code"]


def test_token_endpoint_errors(sim: XeroSimulator) -> None:
    web = sim.apps["web"]
    c = Client(transport=sim.transport())
    code = _code(sim)
    auth = (web.client_id, web.client_secret)
    ok = c.post(XERO.token, auth=auth, data={"grant_type": "authorization_code", "code": code,
                                             "redirect_uri": REDIRECT})
    assert ok.status_code == 200 and ok.headers["Cache-Control"] == "no-store"
    reuse = c.post(XERO.token, auth=auth, data={"grant_type": "authorization_code", "code": code,
                                                "redirect_uri": REDIRECT})
    assert (reuse.status_code, reuse.json()) == (400, {"error": "invalid_grant"})
    wrong = c.post(XERO.token, auth=(web.client_id, "wrong"), data={"grant_type": "refresh_token",
                                                                     "refresh_token": "x"})
    assert (wrong.status_code, wrong.json()) == (400, {"error": "invalid_client"})
    missing = c.post(XERO.token, auth=auth, data={"code": "x"})
    assert (missing.status_code, missing.json()) == (400, {"error": "unsupported_grant_type"})
    password = c.post(XERO.token, auth=auth, data={"grant_type": "password"})
    assert password.json() == {"error": "unsupported_grant_type"}
    cc = c.post(XERO.token, auth=auth, data={"grant_type": "client_credentials"})
    assert cc.json() == {"error": "unauthorized_client"}


def test_code_expires_and_pkce_verifier_checked(sim: XeroSimulator) -> None:
    pkce = sim.apps["pkce"].client_id
    c = Client(transport=sim.transport())
    verifier = generate_token(48)
    code = _code(sim, "pkce", verifier)
    bad = c.post(XERO.token, data={"grant_type": "authorization_code", "client_id": pkce, "code": code,
                                   "redirect_uri": REDIRECT, "code_verifier": generate_token(48)})
    assert bad.json() == {"error": "invalid_grant"}
    code = _code(sim, "pkce", verifier)
    sim.advance(facts.AUTH_CODE_SECONDS + 1)
    late = c.post(XERO.token, data={"grant_type": "authorization_code", "client_id": pkce, "code": code,
                                    "redirect_uri": REDIRECT, "code_verifier": verifier})
    assert late.json() == {"error": "invalid_grant"}
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert len(challenge) == 43


def test_refresh_rotation_grace_and_idle_expiry(sim: XeroSimulator) -> None:
    web = sim.apps["web"]
    c = Client(transport=sim.transport(), auth=(web.client_id, web.client_secret))
    first = sim.issue_token(scopes=SCOPES)["refresh_token"]

    def refresh(rt: str) -> tuple[int, dict[str, object]]:
        return _post(c, XERO.token, grant_type="refresh_token", refresh_token=rt)

    status, body = refresh(first)
    assert status == 200 and body["refresh_token"] != first
    second = str(body["refresh_token"])
    sim.advance(facts.REFRESH_GRACE_SECONDS - 60)
    status, retry = refresh(first)  # the lost-response retry inside the grace window
    assert status == 200
    sim.advance(120)
    assert refresh(first) == (400, {"error": "invalid_grant"})
    assert refresh(second)[0] == 200
    idle = sim.issue_token(scopes=SCOPES)["refresh_token"]
    sim.advance(facts.REFRESH_IDLE_SECONDS + 1)
    assert refresh(idle) == (400, {"error": "invalid_grant"})
    other = sim.apps["migrating"]
    assert _post(Client(transport=sim.transport(), auth=(other.client_id, other.client_secret)),
                 XERO.token, grant_type="refresh_token", refresh_token=str(retry["refresh_token"])) \
        == (400, {"error": "invalid_grant"})


def test_client_credentials_custom_connection(sim: XeroSimulator) -> None:
    app = sim.apps["custom"]
    oauth = OAuth2Client(client_id=app.client_id, client_secret=app.client_secret,
                         transport=sim.transport())
    tok = oauth.fetch_token(XERO.token, grant_type="client_credentials",
                            scope="accounting.invoices accounting.settings")
    assert "refresh_token" not in tok and "id_token" not in tok
    claims = jwt.decode(tok["access_token"], KeySet.import_key_set(sim._core.key.jwks())).claims
    assert "xero_userid" not in claims
    r = oauth.get(XERO.api_root + "/api.xro/2.0/Invoices")  # no xero-tenant-id needed
    assert r.status_code == 200 and r.json()["Invoices"]
    conns = oauth.get(XERO.connections).json()
    assert [c["tenantId"] for c in conns] == [app.tenant_id]
    with pytest.raises(OAuthError) as err:
        oauth.fetch_token(XERO.token, grant_type="client_credentials",
                          scope="accounting.transactions")
    assert err.value.error == "invalid_scope"
    assert err.value.description == "Client credentials scope validation failed"
    raw = Client(transport=sim.transport()).post(
        XERO.token, auth=(app.client_id, app.client_secret),
        data={"grant_type": "client_credentials", "scope": "accounting.journals.read"})
    assert raw.json() == {"error": "invalid_scope",
                          "error_description": "Client credentials scope validation failed"}


def test_client_credentials_for_app_store_billing(sim: XeroSimulator) -> None:
    # docs/xero-facts.md §4: App Store apps use client_credentials for marketplace.billing only
    app = sim.apps["partner"]
    oauth = OAuth2Client(client_id=app.client_id, client_secret=app.client_secret,
                         transport=sim.transport())
    tok = oauth.fetch_token(XERO.token, grant_type="client_credentials", scope="marketplace.billing")
    assert tok["scope"] == "marketplace.billing" and tok["expires_in"] == facts.ACCESS_TOKEN_SECONDS
    assert "refresh_token" not in tok and "id_token" not in tok
    claims = jwt.decode(tok["access_token"], KeySet.import_key_set(sim._core.key.jwks())).claims
    assert "xero_userid" not in claims and claims["scope"] == ["marketplace.billing"]
    sub = oauth.get(XERO.api_root + "/appstore/2.0/subscriptions/" + "0" * 8)
    assert sub.status_code == 200 and sub.json()["status"] == "ACTIVE"
    assert oauth.get(XERO.connections).json() == []  # no organisation is involved
    org = oauth.get(XERO.api_root + "/api.xro/2.0/Organisation",
                    headers={"xero-tenant-id": sim.tenant("AU").tenant_id})
    assert org.status_code == 401 and org.headers["WWW-Authenticate"] == "insufficient_scope"
    bare = Client(transport=sim.transport()).post(XERO.token, auth=(app.client_id, app.client_secret),
                                                  data={"grant_type": "client_credentials"})
    assert bare.status_code == 200 and bare.json()["scope"] == "marketplace.billing"
    for scope in ("accounting.settings", "marketplace.billing offline_access", "marketplace.billing openid"):
        with pytest.raises(OAuthError) as err:
            oauth.fetch_token(XERO.token, grant_type="client_credentials", scope=scope)
        assert (err.value.error, err.value.description) == (
            "invalid_scope", "Client credentials scope validation failed"), scope
    # apps without App Store billing still may not use the grant
    for name in ("web", "migrating"):
        other = sim.apps[name]
        r = Client(transport=sim.transport()).post(
            XERO.token, auth=(other.client_id, other.client_secret or ""),
            data={"grant_type": "client_credentials", "scope": "marketplace.billing"})
        assert (r.status_code, r.json()) == (400, {"error": "unauthorized_client"}), name


def test_revocation_removes_the_users_connections(sim: XeroSimulator) -> None:
    web = sim.apps["web"]
    tok = sim.issue_token(scopes=SCOPES)
    c = Client(transport=sim.transport())
    bearer = {"Authorization": "Bearer " + tok["access_token"]}
    assert len(c.get(XERO.connections, headers=bearer).json()) == len(sim.tenants)
    r = c.post(XERO.revocation, auth=(web.client_id, web.client_secret),
               data={"token": tok["refresh_token"]})
    assert r.status_code == 200
    assert c.get(XERO.connections, headers=bearer).json() == []
    api = c.get(XERO.api_root + "/api.xro/2.0/Accounts",
                headers=bearer | {"xero-tenant-id": sim.tenants[0].tenant_id})
    assert api.status_code == 403 and api.json()["Detail"] == "AuthenticationUnsuccessful"
    again = c.post(XERO.token, auth=(web.client_id, web.client_secret),
                   data={"grant_type": "refresh_token", "refresh_token": tok["refresh_token"]})
    assert again.json() == {"error": "invalid_grant"}


def test_delete_connection_needs_the_connection_id(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=SCOPES)
    c = Client(transport=sim.transport(), headers={"Authorization": "Bearer " + tok["access_token"]})
    conns = c.get(XERO.connections).json()
    wrong = c.delete(f"{XERO.connections}/{conns[0]['tenantId']}")
    assert wrong.status_code == 404 and wrong.json()["Instance"] == wrong.headers["xero-correlation-id"]
    assert c.delete(f"{XERO.connections}/{conns[0]['authEventId']}").status_code == 404
    assert c.delete(f"{XERO.connections}/{conns[0]['id']}").status_code == 204
    assert len(c.get(XERO.connections).json()) == len(conns) - 1


def test_discovery_jwks_and_userinfo(sim: XeroSimulator) -> None:
    c = Client(transport=sim.transport())
    doc = c.get(XERO.openid_configuration).json()
    assert doc["issuer"] == facts.ISSUER and doc["token_endpoint"] == XERO.token
    assert doc["jwks_uri"] == XERO.jwks and doc["authorization_endpoint"] == XERO.authorize
    tok = sim.issue_token(scopes=SCOPES, nonce="n-1")
    keys = KeySet.import_key_set(c.get(XERO.jwks).json())
    idt = jwt.decode(tok["id_token"], keys).claims
    assert idt["aud"] == sim.apps["web"].client_id and idt["nonce"] == "n-1"
    assert idt["email"] == sim.users[0].email
    info = c.get(XERO.userinfo, headers={"Authorization": "Bearer " + tok["access_token"]})
    assert info.json()["email"] == sim.users[0].email
    assert c.get(XERO.userinfo).status_code == 401


def test_transport_refuses_other_hosts(sim: XeroSimulator) -> None:
    from xero_nb.http import httpx

    with pytest.raises(httpx.ConnectError):
        Client(transport=sim.transport()).get("https://example.com/")


def test_login_hint_and_roles_in_org_picker(sim: XeroSimulator) -> None:
    cara = sim.user("cara@example.com")
    a = sim.apps["web"]
    oauth = OAuth2Client(client_id=a.client_id, client_secret=a.client_secret, scope=SCOPES,
                         redirect_uri=REDIRECT, transport=sim.transport())
    url, state = oauth.create_authorization_url(XERO.authorize, login_hint=cara.email)
    back = _authorize(Client(transport=sim.transport()), url)
    tok = oauth.fetch_token(XERO.token, code=back["code"], state=state)
    names = [c["tenantName"] for c in oauth.get(XERO.connections).json()]
    assert names == ["Demo Company (UK)"]  # invoice-only in AU: missing from the picker
    assert tok["scope"] == SCOPES


def test_authlib_refresh_revoke_and_client_credentials_over_loopback(served_sim) -> None:
    sim, urls = served_sim.sim, served_sim.urls
    web = sim.apps["web"]
    tok = sim.issue_token(scopes=SCOPES)
    oauth = OAuth2Client(client_id=web.client_id, client_secret=web.client_secret, token=tok)
    new = oauth.refresh_token(urls.token)
    assert new["refresh_token"] != tok["refresh_token"]
    assert len(oauth.get(urls.connections).json()) == len(sim.tenants)
    assert oauth.revoke_token(urls.revocation, token=new["refresh_token"]).status_code == 200
    assert oauth.get(urls.connections).json() == []
    with pytest.raises(OAuthError) as err:
        oauth.refresh_token(urls.token, refresh_token=new["refresh_token"])
    assert err.value.error == "invalid_grant"
    custom = sim.apps["custom"]
    cc = OAuth2Client(client_id=custom.client_id, client_secret=custom.client_secret)
    cc.fetch_token(urls.token, grant_type="client_credentials", scope="accounting.settings")
    r = cc.get(urls.api_root + "/api.xro/2.0/Organisation")
    assert r.status_code == 200 and r.json()["Organisations"][0]["Name"] == "Demo Company (AU)"


def _signed_in(sim: XeroSimulator, scope: str) -> dict[str, object]:
    """A token through Xero's sign-in flow (authorize, consent, code exchange), as an app gets it."""
    tr = sim.transport()
    oauth = _pkce_client(sim, scope=scope, transport=tr)
    verifier = generate_token(48)
    url, state = oauth.create_authorization_url(XERO.authorize, code_verifier=verifier)
    back = _authorize(Client(transport=tr), url)
    token: dict[str, object] = oauth.fetch_token(XERO.token, code=back["code"], state=state, code_verifier=verifier)
    return token


def test_consent_again_adds_scopes_and_only_revoking_starts_again(sim: XeroSimulator) -> None:
    """Xero's scopes are additive: signing in again with fewer scopes keeps the ones consented
    before, while the app is still connected; after revocation the new consent is all there is."""
    first = _signed_in(sim, SCOPES + " accounting.contacts.read")
    assert "accounting.contacts.read" in str(first["scope"]).split()
    again = _signed_in(sim, "openid offline_access accounting.invoices.read")
    held = str(again["scope"]).split()
    assert {"accounting.invoices.read", "accounting.contacts.read", "accounting.settings.read"} <= set(held)
    assert held[:3] == ["openid", "offline_access", "accounting.invoices.read"]  # the asked-for ones first
    c = Client(transport=sim.transport())
    revoked = c.post(XERO.revocation, data={"token": str(again["refresh_token"]),
                                            "client_id": sim.apps["pkce"].client_id})
    assert revoked.status_code == 200
    fresh = _signed_in(sim, "openid offline_access accounting.invoices.read")
    assert str(fresh["scope"]).split() == ["openid", "offline_access", "accounting.invoices.read"]
    # the simulator's own helper mints exactly what it is given (a test's fixed starting point)
    assert sim.issue_token(scopes="openid accounting.contacts.read")["scope"] == "openid accounting.contacts.read"
