"""redact(): every shape a pasted credential comes in, the exact values the kernel holds, the
ordinary words it must leave alone, and the log filter on the HTTP and OAuth loggers."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xero_nb.auth.logs import LOGGERS, RedactingFilter, install_log_redaction
from xero_nb.redact import REDACTED, forget_secrets, redact, remember_secret

TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# Real client secrets, refresh tokens and codes are long random strings; in prose and in a bare
# "token: value" a value that reads as a word ("expired") is kept, so those shapes get values
# that do not read as one.
# (an OAuth error's name, "UNAUTHORIZED_CLIENT", is kept on purpose wherever it stands: never a value)
OAUTH_ERRORS = {"invalid_grant", "invalid_client", "invalid_scope", "invalid_request", "unauthorized_client",
                "unsupported_grant_type", "access_denied", "unsupported_response_type", "server_error",
                "temporarily_unavailable"}
secrets = st.text(alphabet=TOKEN_CHARS, min_size=16, max_size=64).filter(lambda s: s.lower() not in OAUTH_ERRORS)
not_words = secrets.filter(lambda s: not re.fullmatch(r"[A-Z]?[a-z]+", s))
ids = st.text(alphabet=TOKEN_CHARS, min_size=1, max_size=40)

SHAPES = [
    "XERO_CLIENT_SECRET={s}",
    "export XERO_REFRESH_TOKEN='{s}'",
    'export XERO_ACCESS_TOKEN="{s}"\nexport XERO_CLIENT_ID=abc',
    "curl -u {id}:{s} https://identity.xero.com/connect/token -d grant_type=client_credentials",
    "curl --user '{id}:{s}' https://identity.xero.com/connect/token",
    "POST https://{id}:{s}@identity.xero.com/connect/token",
    "token={s}&token_type_hint=refresh_token",
    'revoke body: {{"token": "{s}"}}',
    '{{"accessToken":"{s}","expiresIn":1800}}',
    '{{"refreshToken": "{s}"}}',
    "clientSecret: '{s}'",
    '{{"idToken":"{s}"}}',
    'oauth2.Token{{AccessToken:"{s}", TokenType:"Bearer", RefreshToken:"{s}", Expiry:time.Time{{}}}}',
    "&{{AccessToken:{s} TokenType:Bearer RefreshToken:{s} Expiry:2026-01-01}}",
    "refresh-token: {s}",
    "X-Access-Token: {s}",
    "GET /connections?auth=Bearer%20{s}",
    "GET /connections?h=Authorization%3A%20Bearer%20{s}",
    "headers=Authorization:+Bearer+{s}",
    "Authorization: Bearer {s}",
    "https://api.xero.com/connections?access_token={s}&x=1",
    "http://127.0.0.1:8765/callback?code={s}&state=abc",
    "grant_type=authorization_code&code={s}&redirect_uri=http%3A%2F%2F127.0.0.1",
    '{{\\"access_token\\":\\"{s}\\"}}',
    r'{{"refresh_token":"1\/\/{s}\/x","expires_in":1800}}',  # PHP's json_encode escapes "/"
    "xero-nb --client-secret={s}",
    "self.refresh_token = '{s}'",
]
PROSE_SHAPES = [
    "my client secret is {s}",
    "The client secret is '{s}', the id is abc",
    "the refresh token was {s}.",
    "api key = {s}",
    "secret: {s}",
    "token: {s}",
]


@pytest.fixture(autouse=True)
def _nothing_remembered() -> Iterator[None]:
    """Shapes alone must do it: no exact value from another test helps."""
    forget_secrets()
    yield
    forget_secrets()


@pytest.mark.parametrize("shape", SHAPES)
@settings(max_examples=30, deadline=None)
@given(secret=secrets, client_id=ids)
def test_a_secret_in_any_shape_never_survives(shape: str, secret: str, client_id: str) -> None:
    assume(secret not in client_id)  # the client id is shown, and may not contain the secret
    forget_secrets()
    text = shape.format(s=secret, id=client_id)
    out = redact(text)
    assert secret not in out and REDACTED in out


@pytest.mark.parametrize("shape", PROSE_SHAPES)
@settings(max_examples=30, deadline=None)
@given(secret=not_words)
def test_a_secret_told_in_prose_never_survives(shape: str, secret: str) -> None:
    forget_secrets()
    out = redact(shape.format(s=secret))
    assert secret not in out and REDACTED in out


def test_the_client_id_and_the_rest_of_the_line_stay() -> None:
    assert redact("curl -u CID123:s3cr3t-s3cr3t-s3cr3t x") == f"curl -u CID123:{REDACTED} x"
    assert redact("https://CID:pa55word-pa55word@host/p") == f"https://CID:{REDACTED}@host/p"
    assert redact("token=abcd1234efgh&token_type_hint=refresh_token") == (
        f"token={REDACTED}&token_type_hint=refresh_token")
    go = 'oauth2.Token{AccessToken:"ya29.a0Af", TokenType:"Bearer", RefreshToken:"1//0gRt"}'
    assert redact(go) == (f'oauth2.Token{{AccessToken:"{REDACTED}", TokenType:"Bearer", '
                          f'RefreshToken:"{REDACTED}"}}')


ORDINARY = [
    "Error code: 500",
    "token expired",
    "TokenExpired",
    '{"Code": "200", "Name": "Sales"}',
    '{"Type":"TokenExpired","Title":"Unauthorized","Detail":"TokenExpired: token expired at 05/04/2023"}',
    "Invalid token: the token has expired",
    "The client secret is wrong",
    "the refresh token was revoked",
    "The access token is expired",
    "use a Bearer token in the Authorization header",
    'WWW-Authenticate: Bearer error="invalid_token", error_description="The access token expired"',
    "status_code=401 ErrorCode: 10",
    "grant_type=refresh_token&token_type_hint=refresh_token",
    "scope=openid offline_access accounting.settings.read",
    "http://127.0.0.1:8765/callback",
    "https://api.xero.com/api.xro/2.0/Invoices?page=1&where=Status%3D%3D%22PAID%22",
    "code: 404",
    "exit code=1",
    "secret: none",
    "refresh_token: null",
    "Authorization: Bearer $XERO_ACCESS_TOKEN",
    "-d client_secret=<CLIENT_SECRET>",
    "xero-tenant-id: 2e1a3b7c-6d8e-4f9a-b0c1-d2e3f4a5b6c7",
    "invalid_grant: the refresh token was last used 61 days ago",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.sampled_from([*ORDINARY, "\n", ". ", ", ", "Xero said:", "401",
                                       "Unauthorized", "AuthenticationUnsuccessful"]), max_size=12))
def test_ordinary_texts_pieced_together_stay_unchanged(parts: list[str]) -> None:
    text = " ".join(parts)
    assert redact(text) == text


def test_remembered_values_are_replaced_wherever_they_appear() -> None:
    secret = "k7Qz-plain-looking-VALUE-93"
    text = f"the server echoed {secret} back, and again:{secret}."
    assert redact(text) == text
    remember_secret(secret)
    assert secret not in redact(text) and redact(text).count(REDACTED) == 2
    remember_secret("short")  # too short to be told from ordinary text: not kept
    remember_secret("a" * 30)  # too repetitive
    assert redact("short " + "a" * 30) == "short " + "a" * 30
    forget_secrets()
    assert redact(text) == text


def test_every_token_settings_secret_and_verifier_is_remembered() -> None:
    from xero_nb.auth.config import Settings
    from xero_nb.auth.pkce import PendingSignIn
    from xero_nb.auth.tokens import Token

    values = {"access": "opaque-ACCESS-1f2e3d4c5b", "refresh": "opaque-REFRESH-9a8b7c6d",
              "id": "opaque-ID-5e6f7a8b9c0d", "secret": "client-SECRET-0a1b2c3d4e",
              "verifier": "pkce-VERIFIER-77aa88bb99cc"}
    Token(values["access"], values["refresh"], values["id"])
    Settings(client_id="CID", client_secret=values["secret"])
    PendingSignIn("state", values["verifier"], ("openid",), "http://127.0.0.1:1/cb")
    said = " ".join(f"({v})" for v in values.values())
    assert not any(v in redact(said) for v in values.values())


def test_only_a_bounded_number_of_values_is_kept() -> None:
    from xero_nb.redact import REMEMBER_MAX

    first = "first-value-0123456789"
    remember_secret(first)
    for n in range(REMEMBER_MAX):
        remember_secret(f"later-value-{n:04d}-abcdef")
    assert redact(first) == first and redact("later-value-0063-abcdef") == REDACTED


def test_deep_json_in_a_body_is_not_a_recursion_error() -> None:
    from xero_nb.redact import jwt_claims, redact_body

    deep = "[" * 100_000 + "]" * 100_000
    assert redact_body(deep) == deep
    assert jwt_claims("eyJhbGciOiJub25lIn0." + "W1tb" * 30_000 + ".sig") == {}


# -- logging -------------------------------------------------------------------------------------

def test_the_httpx2_request_log_line_shows_no_token(caplog: pytest.LogCaptureFixture) -> None:
    from xero_nb.http import Client, MockTransport, Response

    install_log_redaction()
    caplog.set_level(logging.DEBUG)
    secret = "Qm9vdHN0cmFw-sentinel-access-7731"
    with Client(transport=MockTransport(lambda request: Response(200))) as http:
        http.get(f"https://api.xero.com/connections?access_token={secret}&page=1")
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("httpx")]
    assert lines, "httpx2 logged no request line"
    assert all(secret not in line for line in caplog.text.splitlines())
    assert any("access_token=" + REDACTED in line for line in lines)


@pytest.mark.parametrize("name", [*LOGGERS, "httpcore2.http11", "authlib.integrations.httpx_client",
                                  "xero_nb.auth.flow"])
def test_every_library_logger_and_its_children_are_filtered(
        name: str, caplog: pytest.LogCaptureFixture) -> None:
    logging.getLogger(name)  # a logger created before the install
    install_log_redaction()
    caplog.set_level(logging.DEBUG)
    secret = "refresh-SENTINEL-44aa55bb66"
    try:
        raise ValueError(f"refresh_token={secret}")
    except ValueError:
        logging.getLogger(name).exception("sent %s", f"refresh_token={secret}")
    assert secret not in caplog.text and "refresh_token=" + REDACTED in caplog.text
    assert sum(isinstance(f, RedactingFilter) for f in logging.getLogger(name).filters) == 1


def test_installing_twice_adds_one_filter_and_other_loggers_are_untouched() -> None:
    first = install_log_redaction()
    assert install_log_redaction() is first
    assert logging.getLogger("httpx2").filters.count(first) == 1
    assert first not in logging.getLogger("someone.else").filters


def test_xero_auth_installs_the_filter(tmp_path: object) -> None:
    from xero_nb.auth import MemoryTokenStore, XeroAuth
    from xero_nb.auth.config import Settings

    later = logging.getLogger("httpcore2.some_new_module")
    XeroAuth(Settings(client_id="CID"), store=MemoryTokenStore())
    assert any(isinstance(f, RedactingFilter) for f in later.filters)


# -- the branches of a key: value pair, prose and headers, value by value -------------------------

@pytest.mark.parametrize("text, value", [
    ("db_api_key: swordfish", "swordfish"),  # (api, key) is the last pair of three words
    ("XERO_CLIENT_SECRET: hunter", "hunter"),
    ("password: hunter", "hunter"),  # a password is one whatever it reads like
    ("authCode: Ab3dE6", "Ab3dE6"),
    ('{"authorization_code": "Ab3dE6"}', "Ab3dE6"),
    ('secret: "swordfish"', "swordfish"),  # a quoted value is a credential, even one that reads as a word
    ("token: Zx81kLmQ", "Zx81kLmQ"),  # 8 characters that are no word: a credential
    # Xero's webhooks key: it signs deliveries, so whoever holds it can forge one
    ("XERO_WEBHOOK_KEY=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA=="),
    ('{"webhookKey": "kq8R4vN1xP0s"}', "kq8R4vN1xP0s"),
    ("webhooks_key: letmein", "letmein"),
    ("signing_key: swordfish", "swordfish"),
])
def test_a_credential_key_hides_even_a_short_or_wordlike_value(text: str, value: str) -> None:
    assert redact(text) == text.replace(value, REDACTED)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8765/callback?code=Ab3dE6&state=x",
    "http://127.0.0.1:8765/callback?state=x&code=Ab3dE6",
    "http://127.0.0.1:8765/callback#code=Ab3dE6&state=x",
])
def test_a_short_oauth_code_in_a_query_or_fragment_is_hidden(url: str) -> None:
    # right after "?", "&" or "#" the code parameter is the OAuth code, however short it is
    assert redact(url) == url.replace("Ab3dE6", REDACTED).replace("state=x", f"state={REDACTED}")


def test_the_oauth_state_in_a_redirect_url_goes_with_the_code() -> None:
    assert redact("http://127.0.0.1:8765/callback?code=Ab3dE6&state=Zq81xYw2") == (
        "http://127.0.0.1:8765/callback?code=[redacted]&state=[redacted]")
    assert redact("http://127.0.0.1:8765/callback#state=Zq81xYw2&code=Ab3dE6") == (
        "http://127.0.0.1:8765/callback#state=[redacted]&code=[redacted]")
    assert redact("the state=active flag; state: AU") == "the state=active flag; state: AU"
    assert redact("?state=[redacted]") == "?state=[redacted]"  # said once, not twice


def test_a_value_that_holds_another_key_is_hidden_whole_and_once() -> None:
    assert redact('password: "open sesame token=hunter"') == f'password: "{REDACTED}"'
    out = redact("token=Zq9_token=Rt5Wx")
    assert "Zq9" not in out and "Rt5Wx" not in out  # the tail after the inner key too


def test_prose_and_cookie_values_are_cut_out_in_place() -> None:
    assert redact("so my client secret is Zx81kLmQ2pRt, ok") == f"so my client secret is {REDACTED}, ok"
    assert redact("Cookie: sid=Zx81kLmQ2pRt") == f"Cookie: {REDACTED}"


REFRESH_HEX = "a3f1c2d4e5b6a7980f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778"  # made up
PROSE_SECRET = "Xs9_kLmN0pQrStUvWxYz-AbCdEfGhIjKlMnOpQrStUvWxY12"  # made up, a client secret's shape


@pytest.mark.parametrize("text", [
    f"refresh failed for {REFRESH_HEX}: invalid_grant",  # a refresh token with no key beside it
    f"The secret I use is {PROSE_SECRET} and I get invalid_client",  # a few words between
    f"secret {PROSE_SECRET} invalid_client",
])
def test_a_bare_refresh_token_or_a_secret_said_loosely_is_hidden_in_every_rendering(text: str) -> None:
    import json

    import xero_nb as xn

    secret = REFRESH_HEX if REFRESH_HEX in text else PROSE_SECRET
    assert secret not in redact(text) and "[redacted]" in redact(text)
    d = xn.diagnose(text=text)
    shown = [d.to_markdown(), d.to_html(), json.dumps(d.to_dict()), str(d), repr(d.observed),
             xn.report([d]).markdown, xn.report([d]).html]
    assert not [s for s in shown if secret in s]


@pytest.mark.parametrize("text", ["the secret is out", "our secret sauce is good", "Secret key rotated; secret was wrong",
                                  "sha 0123456789abcdef0123456789abcdef0123456789abcdef012345678"])  # 63 hex: not one
def test_secret_words_without_a_secret_stay(text: str) -> None:
    assert redact(text) == text
