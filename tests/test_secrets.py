"""Secret hygiene: with sentinel secrets, none appears in any repr, str, log record or error.

An identity server on MockTransport hands out sentinel tokens (and echoes them in its error
descriptions, as a careless server might); every flow and failure runs with DEBUG logging on.
A second pass does the same against the simulator with its real tokens.
"""

from __future__ import annotations

import base64
import json
import logging
import traceback
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from xero_nb.auth import FileTokenStore, MemoryTokenStore
from xero_nb.auth.callback import CallbackResult
from xero_nb.auth.config import Settings
from xero_nb.auth.flow import XeroAuth
from xero_nb.errors import AuthError, XeroNbError
from xero_nb.http import Client, MockTransport, Request, Response
from xero_nb.simulator import XeroSimulator

CLIENT_SECRET = "SENTINEL-CLIENT-SECRET-7f3a9c1e5b"
CODE = "SENTINEL-AUTH-CODE-51d2e8a0c4"


def jwt_like(tag: str, claims: dict[str, Any]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJub25lIn0.{payload}.SENTINEL-{tag}-SIGNATURE-0c9d8e7f6a5b"


class SentinelIdP:
    def __init__(self) -> None:
        self.n = 0
        self.secrets: set[str] = {CLIENT_SECRET, CODE}
        self.fail: str | None = None

    def handle(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if request.url.path == "/connect/token":
            if self.fail:
                # A careless server echoing what it got: our errors must not repeat it.
                echo = " ".join(v for v in form.values())
                return Response(400, json={"error": self.fail, "error_description": echo})
            self.n += 1
            access = jwt_like(f"ACCESS{self.n}", {"scope": ["openid", "offline_access"],
                                                  "authentication_event_id": "ev"})
            refresh = f"SENTINEL-REFRESH-{self.n}-9b8a7c6d5e4f3a2b"
            ident = jwt_like(f"IDTOKEN{self.n}", {"sub": "u"})
            self.secrets |= {access, refresh, ident}
            return Response(200, json={"access_token": access, "refresh_token": refresh,
                                       "id_token": ident, "expires_in": 1800,
                                       "token_type": "Bearer", "scope": "openid offline_access"})
        if request.url.path == "/connect/revocation":
            return Response(200)
        if request.url.path == "/connections":
            return Response(200, json=[{"id": "c1", "tenantId": "t1", "tenantName": "Org",
                                        "authEventId": "ev"}])
        return Response(401, json={"Detail": "TokenExpired: token expired"})


WINDOW = 12  # masking shows 4 characters; any 12 in a row are a leak
PUBLIC = "eyJhbGciOiJub25lIn0."  # the JWT header every sentinel token shares: not a secret


def windows(secret: str) -> set[str]:
    """Every WINDOW-character piece of ``secret`` (the whole of a shorter one), first to last,
    except pieces that lie inside the public JWT header."""
    if len(secret) <= WINDOW:
        return {secret} if secret else set()
    pieces = {secret[i:i + WINDOW] for i in range(len(secret) - WINDOW + 1)}
    return {p for p in pieces if p not in PUBLIC}


def leaked(texts: Iterable[str], secrets: Iterable[str]) -> list[str]:
    out = []
    for secret in secrets:
        pieces = windows(secret)
        for text in texts:
            for piece in pieces:
                if piece in text:
                    out.append(f"{piece!r} in {text[:160]!r}")
    return out


def test_the_leak_finder_sees_every_window_of_a_secret() -> None:
    secret = "SENTINEL-LEAK-FINDER-0123456789abcdef"
    for start in range(len(secret) - WINDOW + 1):
        piece = secret[start:start + WINDOW]
        assert leaked([f"... {piece} ..."], {secret}), f"missed the piece at {start}"
    assert leaked(["tail: " + secret[-WINDOW:]], {secret})  # the last characters too
    assert not leaked(["…" + secret[-4:], secret[:WINDOW - 1], PUBLIC], {secret, PUBLIC + "x" * 30})


def describe_error(exc: BaseException) -> list[str]:
    texts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    if isinstance(exc, XeroNbError):
        texts.append(str(getattr(exc, "hint", "")))
    return texts


def test_no_sentinel_leaks_anywhere(caplog: pytest.LogCaptureFixture, tmp_path: Any,
                                    recwarn: Any) -> None:
    caplog.set_level(logging.DEBUG)
    idp = SentinelIdP()
    clock = [1_000_000.0]
    settings = Settings(client_id="CID", client_secret=CLIENT_SECRET, scopes=("openid",))
    store = FileTokenStore(tmp_path, clock=lambda: clock[0])
    auth = XeroAuth(settings, store=store, transport=MockTransport(idp.handle),
                    clock=lambda: clock[0])
    texts: list[str] = []

    url = auth.authorize_url()
    pending = next(iter(auth._pending))
    idp.secrets.add(pending.verifier)
    state = parse_qs(urlsplit(url).query)["state"][0]
    redirect = f"http://127.0.0.1:8765/callback?{urlencode({'code': CODE, 'state': state})}"
    token = auth.complete(redirect)
    clock[0] += 1800
    refreshed = auth.token()
    with auth.oauth_client() as http:
        texts.append(repr(http.get("https://api.xero.com/connections").json()))
    tenants = auth.connections()
    texts += [repr(token), str(token), repr(refreshed), repr(settings), str(settings),
              settings.describe(), repr(auth), str(auth), repr(store), repr(store.state()),
              repr(MemoryTokenStore()), repr(pending), repr(CallbackResult(redirect)),
              repr(tenants), repr(token.to_response().keys()), repr(settings.client_secret)]

    errors: list[BaseException] = []
    for fail in ("invalid_grant", "invalid_client", "unauthorized_client", "server_error"):
        idp.fail = fail
        with pytest.raises(AuthError) as info:
            auth.refresh()
        errors.append(info.value)
    idp.fail = None
    with pytest.raises(AuthError) as forged:
        auth.complete(redirect.replace("state=", "state=forged"))
    errors.append(forged.value)
    url2 = auth.authorize_url()
    state2 = parse_qs(urlsplit(url2).query)["state"][0]
    idp.fail = "invalid_grant"
    with pytest.raises(AuthError) as code_err:
        auth.complete(f"http://127.0.0.1:8765/callback?code={CODE}&state={state2}")
    errors.append(code_err.value)
    idp.fail = None
    auth.revoke()
    store.path.write_text("{ corrupt " + CLIENT_SECRET)
    with pytest.raises(XeroNbError) as corrupt:
        store.load()
    errors.append(corrupt.value)

    for exc in errors:
        texts += describe_error(exc)
    texts += [r.getMessage() for r in caplog.records] + [str(r.args) for r in caplog.records]
    texts += [str(w.message) for w in recwarn]
    assert caplog.records, "expected some log records to check"
    assert not leaked(texts, idp.secrets)


def test_no_simulator_token_leaks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sim = XeroSimulator(limits=False)
    app = sim.apps["web"]
    settings = Settings(client_id=app.client_id, client_secret=app.client_secret,
                        redirect_uri="http://127.0.0.1/callback", scopes=("openid", "email"))
    auth = XeroAuth(settings, store=MemoryTokenStore(clock=sim.clock), transport=sim.transport(),
                    clock=sim.clock)
    with Client(transport=sim.transport(), follow_redirects=False) as http:
        location = http.get(auth.authorize_url()).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    verifier = next(iter(auth._pending)).verifier
    token = auth.complete(location)
    sim.advance(1800)
    newer = auth.token()
    views = auth.inspect()
    secrets = {app.client_secret or "", code, verifier, token.access_token,
               token.refresh_token or "", token.id_token or "", newer.access_token,
               newer.refresh_token or ""}
    bad = XeroAuth(Settings(client_id=app.client_id, client_secret="wrong-secret-value-123456"),
                   store=MemoryTokenStore(), transport=sim.transport())
    with Client(transport=sim.transport(), follow_redirects=False) as http:
        loc2 = http.get(bad.authorize_url()).headers["location"]
    with pytest.raises(AuthError) as info:
        bad.complete(loc2)
    texts = [repr(token), repr(newer), repr(auth), repr(auth.store.state()), repr(views),
             *describe_error(info.value), *(r.getMessage() for r in caplog.records)]
    assert info.value.code == "invalid_client"
    assert not leaked(texts, secrets)


PASTED = [
    "XERO_CLIENT_SECRET={s}\nXERO_CLIENT_ID=ABC123\nHTTP/1.1 401 Unauthorized",
    "$ export XERO_REFRESH_TOKEN='{s}'\ninvalid_grant",
    "curl -u ABC123:{s} https://identity.xero.com/connect/token\n{{\"error\":\"invalid_client\"}}",
    "POST https://ABC123:{s}@identity.xero.com/connect/revocation\nbody: token={s}\n400",
    '{{"token": "{s}"}} -> {{"error": "unsupported_token_type"}}',
    '{{"accessToken": "{s}", "refreshToken": "{s}", "clientSecret": "{s}", "idToken": "{s}"}}\n401',
    'oauth2.Token{{AccessToken:"{s}", TokenType:"Bearer", RefreshToken:"{s}"}}\n403 Forbidden',
    "refresh-token: {s}\nx-access-token: {s}\nHTTP 401 TokenExpired",
    "GET /connections?h=Authorization%3A%20Bearer%20{s}\n401",
    "My client secret is {s} and Xero says invalid_client",
]


@pytest.mark.parametrize("paste", PASTED)
def test_pasted_credentials_never_reach_a_diagnosis_or_report(paste: str) -> None:
    from xero_nb.diagnose import diagnose
    from xero_nb.redact import forget_secrets
    from xero_nb.report import report

    forget_secrets()  # the shapes alone must hide it
    secret = "k9PzQ2-pasted-by-user-77Xa1b"
    text = paste.format(s=secret)
    found = diagnose(text)
    made = report(text=text)
    outputs = [found.to_markdown(), found.to_html(), json.dumps(found.to_dict()), str(found),
               made.markdown, made.html]
    assert not leaked(outputs, {secret})


def test_http_and_oauth_log_lines_carry_no_token(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    idp = SentinelIdP()
    auth = XeroAuth(Settings(client_id="CID", client_secret=CLIENT_SECRET, scopes=("openid",)),
                    store=MemoryTokenStore(), transport=MockTransport(idp.handle))
    auth.client_credentials()
    access = auth.token().access_token
    with auth.oauth_client() as http:  # a URL carrying the token, as some SDK snippets do
        http.get(f"https://api.xero.com/connections?access_token={access}")
    assert any(r.name == "httpx2" for r in caplog.records)
    assert not leaked([r.getMessage() for r in caplog.records] + [caplog.text], idp.secrets)
