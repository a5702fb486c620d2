"""What a fourth fresh-user trial found (the output of Postman, Newman, curl, proxies, browsers and
integration platforms), each pinned so it stays fixed."""

from __future__ import annotations

import base64
import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from test_cli import run

from xero_nb.cli.helpers import said_safely
from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording
from xero_nb.redact import redact

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

P401 = json.dumps({"Type": None, "Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful"})
P403 = json.dumps({"Type": None, "Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})
SECRET = "s3cr3t-value-here-1234567890abcdef"
REFRESH = "a3f9c0d7e1b24c5f8a6b9d0e2f4a6c8e1b3d5f7a9c0e2f4a6b8d0c2e4f6a8b0c"


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


JWT = _b64({"alg": "RS256"}) + "." + _b64({"scope": ["accounting.settings.read"]}) + ".c2lnbmF0dXJl"


def shown(d: Any) -> str:
    return d.to_markdown() + d._repr_html_() + json.dumps(d.to_dict()) + repr(d) + repr(d.observed)


# --- secrets: Postman's {"key", "value"} pairs, and what the command line echoes ---

@pytest.mark.parametrize("text", [
    f'[{{"key":"client_secret","value":"{SECRET}","enabled":true}},'
    f'{{"key":"refresh_token","value":"{REFRESH}","enabled":true}}]',
    f'{{"values": [{{"key": "clientSecret", "value": "{SECRET}", "type": "secret"}}, '
    f'{{"name": "refresh_token", "value": "{REFRESH}"}}]}}',
])
def test_postman_key_value_pairs_of_secrets_are_redacted(text: str) -> None:
    assert SECRET not in redact(text) and REFRESH not in redact(text)
    d = diagnose(text="expected response to have status code 200 but got 403\n" + text)
    assert SECRET not in shown(d) and REFRESH not in shown(d)


def test_key_value_pairs_that_are_not_secrets_stay() -> None:
    text = ('[{"key": "tokenUrl", "value": "https://identity.xero.com/connect/token"}, '
            '{"key": "xero-tenant-id", "value": "4b8a2f5e"}, {"key": "client_secret", "value": "{{secret}}"}]')
    assert redact(text) == text


@pytest.mark.parametrize("argv", [
    ["--endpoint", f"GET:https://api.xero.com/api.xro/2.0/Invoicez?access_token={JWT}&apikey=Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2"],
    ["--status", JWT], ["--connections", JWT], ["--user-role", REFRESH],
])
def test_a_credential_in_a_bad_option_is_not_echoed(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                     argv: list[str]) -> None:
    paste = tmp_path / "e.txt"
    paste.write_text("HTTP 401", encoding="utf-8")
    try:
        code, out, err = run(capsys, "diagnose", str(paste), *argv)
    except SystemExit as exc:  # argparse's own usage error
        code, captured = exc.code, capsys.readouterr()
        out, err = captured.out, captured.err
    assert code != 0
    for secret in (JWT[:24], "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2", REFRESH[:24]):
        assert secret not in out + err
    assert "[redacted]" in err


def test_said_safely_keeps_ordinary_words_and_urls() -> None:
    text = "no Xero endpoint matches GET https://api.xero.com/api.xro/2.0/Invoicez — did you mean /Invoices?"
    assert said_safely(text) == text


# --- the status a test runner got, not the one it expected ---

@pytest.mark.parametrize(("text", "status"), [
    ("AssertionError: expected response to have status code 200 but got 401", 401),
    ("expected response to have status code 201 but got 403", 403),
    ("AssertionError: expected 401 to equal 200", 401),
    ("\u2192 Get Invoices\n  GET https://api.xero.com/api.xro/2.0/Invoices [401 Unauthorized, 1.02kB, 152ms]\n"
     "  2. Status code is 200", 401),
])
def test_a_test_runners_status_is_the_one_it_got(text: str, status: int) -> None:
    d = diagnose(text=text)
    assert d.observed.status == status and d.codes[0] != "unknown", (d.observed.status, d.codes)


# --- mitmproxy's flow lines ---

@pytest.mark.parametrize("flows", [
    "127.0.0.1:54321: POST https://identity.xero.com/connect/token\n              << 200 OK 1.2k\n"
    "127.0.0.1:54321: GET https://api.xero.com/api.xro/2.0/Invoices\n              << 401 Unauthorized 151b\n"
    "127.0.0.1:54321: GET https://api.xero.com/api.xro/2.0/Contacts\n              << 200 OK 14.1k\n",
    "127.0.0.1:54321: POST https://identity.xero.com/connect/token HTTP/1.1\n     << HTTP/1.1 200 OK 1.2k\n"
    "127.0.0.1:54322: GET https://api.xero.com/api.xro/2.0/Invoices HTTP/2.0\n     << HTTP/2.0 401 Unauthorized 97b\n",
])
def test_mitmdump_flows_are_read_call_by_call(flows: str) -> None:
    """The token call that worked is not the failure: the API call that failed is."""
    d = diagnose(text=flows)
    assert d.observed.url == "https://api.xero.com/api.xro/2.0/Invoices" and d.observed.status == 401
    assert d.codes[0] not in ("invalid_client", "invalid_grant"), d.codes


# --- a bearer credential that cannot be an access token ---

@pytest.mark.parametrize(("auth", "said"), [
    ("Bearer {{access_token}}", "no token was sent: the header holds a variable never filled in"),
    ("Bearer undefined", "no token was sent (the header says 'Bearer undefined')"),
    ("Bearer ", "no token was sent"),
    (f"Bearer Bearer {JWT}", "the header says 'Bearer' twice"),
    (f"Bearer {REFRESH}", "it is not a JWT"),
    ("Bearer " + _b64({"alg": "RS256"}) + "." + _b64({"aud": "CLIENTID", "email": "a@b.c", "nonce": "n"}) + ".c2ln",
     "it is an id_token"),
])
def test_a_bearer_that_is_no_access_token_is_said(auth: str, said: str) -> None:
    d = diagnose(status=401, body=json.dumps({"Title": "Unauthorized", "Status": 401, "Detail": "AuthenticationUnsuccessful"}),
                 request_headers={"Authorization": auth})
    assert d.top.code == "token_expired" and said in d.top.title, d.top.title
    assert REFRESH not in shown(d) and JWT[:24] not in shown(d)


@pytest.mark.parametrize("auth", ["Bearer [redacted]", "Bearer <token>", "Bearer eyJhbGciOiJSUzI1NiJ9...",
                                  "Bearer xxxxxxxxxxxxxxxxxxxxxxxxxxxx", "Bearer ***"])
def test_a_bearer_hidden_by_whoever_pasted_it_is_not_judged(auth: str) -> None:
    d = diagnose(status=401, body=P401, request_headers={"Authorization": auth})
    assert not d.top.title.startswith("The token sent is not a Xero access token")


# --- header lists, waits said in words, CORS ---

def test_headers_as_name_value_objects_are_read() -> None:
    d = diagnose(status=401, headers=[{"name": "WWW-Authenticate", "value": "insufficient_scope"}],
                 endpoint="GET /Invoices", granted="openid")
    assert d.top.code == "missing_scope" and d.observed.www_authenticate == "insufficient_scope"
    bundle = json.dumps({"statusCode": 429, "headers": [{"name": "retry-after", "value": "40"},
                                                        {"name": "x-rate-limit-problem", "value": "concurrent"}]})
    r = diagnose(text=bundle)
    assert r.top.code == "rate_limited" and r.observed.retry_after == 40.0
    assert r.observed.rate_limit_problem == "concurrent"


@pytest.mark.parametrize(("text", "wait"), [
    ("tap_xero: 429 Too Many Requests. Please retry after 58 seconds", 58.0),
    ("Rate limit exceeded for stream invoices. Backoff time: 3542 seconds", 3542.0),
])
def test_a_wait_said_beside_a_rate_limit_is_the_retry_after(text: str, wait: float) -> None:
    d = diagnose(text=text)
    assert d.top.code == "rate_limited" and d.observed.retry_after == wait


def test_a_wait_without_a_rate_limit_is_no_retry_after() -> None:
    assert diagnose(text="Please wait 5 seconds while the report loads").observed.retry_after is None


def test_a_browsers_cors_block_says_to_call_from_a_server() -> None:
    d = diagnose(text="Access to fetch at 'https://api.xero.com/api.xro/2.0/Invoices' from origin "
                      "'http://localhost:3000' has been blocked by CORS policy: No "
                      "'Access-Control-Allow-Origin' header is present on the requested resource.")
    assert d.codes == ("unknown",) and d.top.title.startswith("The browser blocked the call (CORS)")
    assert d.top.fix[0].startswith("Call Xero from your server")


# --- request headers written in a command ---

TENANT = "4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f"


@pytest.mark.parametrize("command", [
    f"curl --location 'https://api.xero.com/api.xro/2.0/Invoices' --header 'xero-tenant-id: {TENANT}' "
    f"--header 'Authorization: Bearer {JWT}'",
    f'curl "https://api.xero.com/api.xro/2.0/Invoices" -H "accept: application/json" -H "authorization: Bearer {JWT}" '
    f'-H "xero-tenant-id: {TENANT}"',
    f'fetch("https://api.xero.com/api.xro/2.0/Invoices", {{"headers": {{"authorization": "Bearer {JWT}", '
    f'"xero-tenant-id": "{TENANT}"}}, "method": "GET"}});',
])
def test_headers_in_a_copied_command_are_the_requests(command: str) -> None:
    """The tenant header was sent and the token's scope claim is read: the scope, not the header."""
    d = diagnose(text=command + "\n\nHTTP/1.1 401 Unauthorized\nWWW-Authenticate: insufficient_scope\n\n" + P401)
    assert d.observed.request_header("xero-tenant-id") == TENANT
    assert d.top.code == "missing_scope", d.codes
    assert "token scopes: accounting.settings.read" in d.top.evidence  # the JWT's claim, read
    assert JWT[:24] not in shown(d)


def test_an_sdks_printed_response_headers_are_not_the_requests() -> None:
    """xero-python prints the response's HTTPHeaderDict({'Content-Type': ...}): not a request."""
    text = ("xero_python.exceptions.http_status_exceptions.HTTPStatusException: (403)\nReason: Forbidden\n"
            "HTTP response headers: HTTPHeaderDict({'Content-Type': 'application/json; charset=utf-8'})\n"
            f"HTTP response body: b'{P403}'")
    assert diagnose(text=text).observed.request_headers is None


def test_a_tenant_variable_never_filled_in_says_to_set_it() -> None:
    d = diagnose(status=403, body=P403, request_headers={"xero-tenant-id": "{{xero-tenant-id}}"})
    assert d.top.code == "tenant_not_connected"
    assert d.top.fix == ("Set that variable (in Postman, the environment's value) to a `tenantId` from "
                         "GET /connections: it was sent unfilled.",)
    named = diagnose(status=403, body=P403, request_headers={"xero-tenant-id": "Demo Company (UK)"})
    assert named.top.fix[0].startswith("Use the `tenantId` field of GET /connections")


def test_a_custom_connections_broad_scope_is_fixed_on_the_connection_not_by_signing_in() -> None:
    d = diagnose(text="curl -X POST https://identity.xero.com/connect/token -d grant_type=client_credentials "
                      '-d scope=accounting.transactions\n{"error":"invalid_scope"}')
    assert d.top.code == "broad_scope_on_granular_app"
    assert d.top.fix[1] == ("Tick the granular scopes on the custom connection at developer.xero.com and "
                            "request a new token with them (a custom connection has no sign-in).")
    web = diagnose(text='{"error":"invalid_scope"}', requested=["accounting.transactions"], era="granular")
    assert web.top.fix[1] == "Sign in again with the new list."
    said = diagnose(text='{"error":"invalid_scope","error_description":"Client credentials scope validation failed"}',
                    requested=["accounting.transactions"])
    assert said.top.code == "broad_scope_on_granular_app"
    assert said.top.fix[1].startswith("Tick the granular scopes on the custom connection")


# --- what a log says of the token of its 401 ---

@pytest.mark.parametrize("log", [
    "POST https://identity.xero.com/connect/token -> 200\nGET https://api.xero.com/api.xro/2.0/Invoices -> 401",
    "GET https://api.xero.com/api.xro/2.0/Invoices -> 401\nGET https://api.xero.com/api.xro/2.0/Contacts -> 200",
])
def test_a_token_the_log_shows_fresh_or_working_is_not_expired(log: str) -> None:
    """A refresh just before the 401, or the same token working after it: not its expiry."""
    d = diagnose(text=log)
    assert "token_expired" not in d.codes and d.top.code == "missing_scope", d.codes


@pytest.mark.parametrize("log", [
    "GET https://api.xero.com/api.xro/2.0/Invoices -> 200\nGET https://api.xero.com/api.xro/2.0/Invoices -> 401",
    "GET https://api.xero.com/api.xro/2.0/Invoices -> 401\nPOST https://identity.xero.com/connect/token -> 200\n"
    "GET https://api.xero.com/api.xro/2.0/Contacts -> 200",
])
def test_a_call_that_worked_before_the_401_or_after_a_refresh_leaves_expiry_first(log: str) -> None:
    """Calls that worked, then a 401, is how an expiry looks; a refresh that cured it says so too."""
    assert diagnose(text=log).codes[0] == "token_expired"
