"""Pasted forms the earlier fresh-user trials left unread: a terminal's colours, a headers tab
copied, curl's -w status line and default method, Ruby's escaped quotes, a token written out."""

from __future__ import annotations

import base64
import json
from functools import partial
from typing import Any

import pytest

from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording
from xero_nb.diagnose.observation import observe
from xero_nb.diagnose.paste import parse_paste
from xero_nb.diagnose.token_facts import pasted_token

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

P401 = json.dumps({"Type": None, "Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful"})
INVOICES = "https://api.xero.com/api.xro/2.0/Invoices"


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _jwt(claims: dict[str, Any]) -> str:
    return _b64({"alg": "RS256", "typ": "JWT"}) + "." + _b64(claims) + ".c2lnbmF0dXJlLXZhbHVl"


def shown(d: Any) -> str:
    return d.to_markdown() + d._repr_html_() + json.dumps(d.to_dict()) + repr(d) + repr(d.observed)


# --- HTTPie's colours: the ANSI codes are not part of the headers ---

def test_ansi_coloured_httpie_output_keeps_its_headers() -> None:
    text = ("\x1b[34mHTTP\x1b[39m/\x1b[34m1.1\x1b[39m \x1b[34m401\x1b[39m \x1b[36mUnauthorized\x1b[39m\n"
            "\x1b[36mWWW-Authenticate\x1b[39m: Bearer error=\"insufficient_scope\"\n"
            "\x1b[36mXero-Correlation-Id\x1b[39m: 7c1d\n\n" + P401)
    obs = observe(text=text)
    assert obs.status == 401
    assert obs.header("WWW-Authenticate") == 'Bearer error="insufficient_scope"'
    assert obs.correlation_id == "7c1d"
    assert "\x1b" not in shown(diagnose(text=text))


# --- a headers tab copied: "Name<TAB>value" ---

def test_tab_separated_headers_are_read_for_known_names() -> None:
    got = parse_paste("Content-Type\tapplication/json\nWWW-Authenticate\tBearer error=\"insufficient_scope\"\n"
                      "Retry-After\t42\nxero-tenant-id\t1f0e5b6a-1111-2222-3333-444455556666\n")
    assert ("WWW-Authenticate", 'Bearer error="insufficient_scope"') in got.headers
    assert ("Retry-After", "42") in got.headers
    assert got.request_headers == [("xero-tenant-id", "1f0e5b6a-1111-2222-3333-444455556666")]


def test_a_tab_between_ordinary_words_is_no_header() -> None:
    got = parse_paste("Invoices\tfailed again\nStatus\tunknown\n")
    assert got.headers == [] and got.request_headers is None


# --- curl: -w "%{http_code}" prints the status alone; no -X is GET, data is POST ---

@pytest.mark.parametrize("write_out", ['-w "%{http_code}"', "--write-out '%{response_code}\\n'"])
def test_curl_write_out_status_on_its_own_line(write_out: str) -> None:
    text = (f"$ curl -s -o /dev/null {write_out} -H \"xero-tenant-id: 1f0e5b6a-1111-2222-3333-444455556666\" "
            f"-H \"Authorization: Bearer $TOKEN\" {INVOICES}\n403\n")
    obs = observe(text=text)
    assert (obs.status, obs.method) == (403, "GET")
    assert diagnose(text=text).findings[0].code == "tenant_not_connected"


def test_a_lone_number_without_write_out_is_not_a_status() -> None:
    # without -w nothing says the number is the status (a count, an id, a line number)
    assert parse_paste(f"curl {INVOICES}\n403\n").status is None


def test_curl_with_data_on_a_continued_line_is_a_post() -> None:
    text = f"curl {INVOICES} \\\n  -H 'Accept: application/json' \\\n  -d '{{}}'\n{P401}"
    assert parse_paste(text).method == "POST"
    assert parse_paste(f"curl {INVOICES} -H 'Accept: application/json'\n{P401}").method == "GET"
    assert parse_paste(f"curl {INVOICES}\n-d is what I did not send\n{P401}").method == "GET"


# --- xero-ruby's printed hash escapes the quotes inside a header value ---

def test_ruby_hash_header_with_escaped_quotes_is_read_whole() -> None:
    text = ('XeroRuby::ApiError (Error message: the server returns an error\nHTTP status code: 401\n'
            'Response headers: {"content-type"=>"application/json", '
            '"www-authenticate"=>"Bearer error=\\"insufficient_scope\\"", "xero-correlation-id"=>"abc"}\n'
            f"Response body: {P401})")
    obs = observe(text=text)
    assert obs.header("www-authenticate") == 'Bearer error="insufficient_scope"'
    assert obs.correlation_id == "abc"


# --- a token written out in the paste: its scopes are what was granted (the token never shown) ---

TOKEN_SET = {"id_token": "[redacted]", "access_token": "[redacted]", "expires_in": 1800,
             "token_type": "Bearer", "refresh_token": "[redacted]",
             "scope": "openid profile email accounting.contacts offline_access"}


@pytest.mark.parametrize("printed", [json.dumps(TOKEN_SET), repr(TOKEN_SET),
                                     repr({**TOKEN_SET, "scope": TOKEN_SET["scope"].split()})])
def test_token_response_scope_is_the_granted_scopes(printed: str) -> None:
    text = f"Token response: {printed}\nThen GET {INVOICES}\nResponse: 401 {P401}"
    d = diagnose(text=text)
    assert d.findings[0].code == "missing_scope"
    assert d.findings[0].weight >= 0.9  # provably lacking: the scopes were read
    assert any("token response's scope" in n for n in d.notes)


def test_jwt_in_the_text_gives_its_scope_claim_and_is_never_shown() -> None:
    now = 1_780_000_000.0  # the injected clock: the token is 15 minutes from expiry
    token = _jwt({"aud": "https://identity.xero.com/resources", "exp": now + 900,
                  "scope": ["accounting.contacts.read"]})
    text = f"token={token}\nGET {INVOICES} -> 401\n{P401}"
    d = diagnose(text=text, clock=lambda: now)
    assert d.observed.token_scopes == frozenset({"accounting.contacts.read"})
    assert d.findings[0].code == "missing_scope" and d.findings[0].weight >= 0.9
    assert token not in shown(d) and token.split(".")[1] not in shown(d)


def test_id_token_has_no_scopes_and_given_scopes_win() -> None:
    id_token = _jwt({"aud": "client-id", "nonce": "n", "email": "a@b.c"})
    assert pasted_token(f"id_token: {id_token}") == (None, None, None)
    text = f"Token response: {json.dumps(TOKEN_SET)}\nGET {INVOICES}\n{P401}"
    d = diagnose(text=text, granted="accounting.invoices.read")
    assert not any("token response" in n for n in d.notes)
    assert d.findings[0].code != "missing_scope" or d.findings[0].weight < 0.9


def test_scope_words_without_a_token_response_are_not_granted_scopes() -> None:
    # an authorize request's scope is what was asked for, not what a token holds
    assert pasted_token('{"client_id": "x", "scope": "openid accounting.contacts"}') == (None, None, None)


# --- a HAR capture whose Xero call got no answer at all (status 0) ---

def _har(status: int, error: str | None, host: str = "api.xero.com") -> str:
    response: dict[str, Any] = {"status": status, "statusText": "", "headers": [], "content": {}}
    if error is not None:
        response["_error"] = error
    return json.dumps({"log": {"version": "1.2", "entries": [
        {"request": {"method": "GET", "url": "https://app.example.com/", "headers": []},
         "response": {"status": 200, "headers": [], "content": {"text": "<html>"}}},
        {"request": {"method": "GET", "url": f"https://{host}/api.xro/2.0/Invoices", "headers": []},
         "response": response}]}})


@pytest.mark.parametrize("error", ["net::ERR_FAILED", None])
def test_har_status_zero_to_xero_is_the_browsers_cors_block(error: str | None) -> None:
    d = diagnose(text=_har(0, error))
    assert d.findings[0].code == "unknown"
    assert "CORS" in d.findings[0].title
    assert any("got no answer (status 0)" in n for n in d.notes)


def test_har_status_zero_with_a_network_error_is_no_answer() -> None:
    d = diagnose(text=_har(0, "net::ERR_CONNECTION_REFUSED"))
    assert d.findings[0].code == "unknown" and "CORS" not in d.findings[0].title
    assert "ERR_CONNECTION_REFUSED" in d.findings[0].title


def test_har_status_zero_elsewhere_or_a_real_failure_is_not_cors() -> None:
    assert not any("status 0" in n for n in diagnose(text=_har(0, None, host="cdn.example.com")).notes)
    failed = diagnose(text=_har(401, None).replace('"content": {}', f'"content": {{"text": {json.dumps(P401)}}}'))
    assert failed.findings[0].code == "missing_scope"


# --- oauthlib's "Scope has changed" Warning: Xero issued a token; the library refused it ---

def _scope_warning(asked: str, granted: str) -> Warning:
    """The Warning oauthlib itself raises (no copy of its text): a token response whose scope differs."""
    from oauthlib.oauth2.rfc6749.parameters import parse_token_response

    answer = {"access_token": _jwt({"scope": granted.split()}), "token_type": "Bearer",
              "expires_in": 1800, "refresh_token": "rt-4f9a8c7e2b1d", "scope": granted}
    try:
        parse_token_response(json.dumps(answer), scope=asked)
    except Warning as w:
        return w
    raise AssertionError("oauthlib accepted a changed scope")


ASKED = "openid profile email accounting.transactions offline_access"
WIDER = "openid profile email accounting.transactions accounting.settings payroll.employees offline_access"


@pytest.mark.parametrize("as_text", [True, False], ids=["pasted", "object"])
def test_scope_changed_warning_is_no_failure_at_xero(as_text: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OAUTHLIB_RELAX_TOKEN_SCOPE", raising=False)
    w = _scope_warning(ASKED, WIDER)
    d = diagnose(text=f"Traceback (most recent call last):\n  File \"app.py\", line 9, in callback\n"
                      f"Warning: {w}") if as_text else diagnose(w)
    top = d.findings[0]
    assert top.code == "unknown" and "Nothing failed at Xero" in top.title and "oauthlib" in top.title
    assert [f.code for f in d.findings] == ["unknown"]  # no guessed cause (not_reconsented, ...)
    assert "OAUTHLIB_RELAX_TOKEN_SCOPE=1" in top.fix[0] and ".token" in top.fix[0]
    assert any("accounting.settings, payroll.employees" in e for e in top.evidence)  # the extra ones
    assert any("revoke the refresh token" in step for step in top.fix)
    assert not any("not granted" in e for e in top.evidence)
    assert d.observed.token_scopes == frozenset(WIDER.split())
    assert any("Scope has changed" in n for n in d.notes)
    assert "rt-4f9a8c7e2b1d" not in shown(d) and w.token["access_token"] not in shown(d)


def test_scope_changed_names_scopes_not_granted_and_the_call_they_fail() -> None:
    w = _scope_warning("openid accounting.contacts paymentservices offline_access",
                       "openid accounting.contacts offline_access")
    d = diagnose(w, endpoint="GET /Accounts")
    top = d.findings[0]
    assert "Nothing failed at Xero" in top.title
    assert any(e == "asked for but not granted: paymentservices" for e in top.evidence)
    assert any(step.startswith("Xero did not grant paymentservices") for step in top.fix)
    assert not any("revoke" in step for step in top.fix)  # nothing extra was granted
    # the scopes Xero granted cannot allow the call: that is proved, so it stays beside
    assert [f.code for f in d.findings] == ["unknown", "missing_scope"]
    assert "accounting.settings" in d.findings[1].title


def test_scope_changed_only_from_oauthlibs_words() -> None:
    plain = diagnose(text='403 Forbidden {"Detail": "AuthenticationUnsuccessful"} scope "accounting.settings"')
    assert "Nothing failed at Xero" not in plain.findings[0].title
    assert pasted_token('the scope has changed from "a b" to ""') == (None, None, None)
    assert pasted_token('Scope has changed from "openid" to "openid accounting.settings".')[0] == \
        frozenset({"openid", "accounting.settings"})


# --- curl -s of GET /connections: the JSON list under the command is its answer ---

def test_a_curl_of_connections_gives_its_list() -> None:
    from xero_nb.diagnose.calls import seen_connections

    curl = '$ curl -s https://api.xero.com/connections -H "Authorization: Bearer $TOKEN"\n'
    assert seen_connections(curl + "[]\n") == []
    assert seen_connections(curl + '[{"tenantId": "t-1"}]') == [{"tenantId": "t-1"}]
    assert seen_connections(curl.replace("curl -s", "curl -s -X DELETE") + "[]\n") is None  # not a GET
    assert seen_connections(curl + "\n\n\n\n[]") is None  # too far below to be its answer
    assert seen_connections(curl + '{"Status": 401}') is None
    text = (curl + "[]\n$ curl -i https://api.xero.com/api.xro/2.0/Invoices -H 'xero-tenant-id: t-1'\n"
            "HTTP/1.1 403 Forbidden\n\n" + json.dumps({"Title": "Forbidden", "Status": 403,
                                                     "Detail": "AuthenticationUnsuccessful"}))
    d = diagnose(text=text)
    assert d.findings[0].code == "connection_revoked"
    assert any("answered 0 connection" in n for n in d.notes)


@pytest.mark.parametrize(("said", "status"), [
    ("every other call now 403", 403), ("each request is a 401", 401), ("the calls are 429", 429),
    ("calls 5000 a day", None), ("endpoint 403.5", None)])
def test_a_call_said_to_be_a_status(said: str, status: int | None) -> None:
    from xero_nb.diagnose.status import status_from_text

    assert status_from_text(said) == status


# --- an xero-tenant-id header sent blank is named as empty, not as left out ---

def test_an_empty_tenant_header_is_named_empty() -> None:
    body = json.dumps({"Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})
    blank = diagnose(status=403, body=body, endpoint="GET /Invoices",
                     request_headers={"Authorization": "Bearer abc", "xero-tenant-id": " "})
    absent = diagnose(status=403, body=body, endpoint="GET /Invoices",
                      request_headers={"Authorization": "Bearer abc"})
    pasted = diagnose(text="> GET /api.xro/2.0/Invoices HTTP/1.1\n> xero-tenant-id: \n>\n"
                           "< HTTP/1.1 403 Forbidden\n" + body)
    for d in (blank, pasted):
        assert d.findings[0].code == "tenant_header_missing"
        assert d.findings[0].title == "The request sent the xero-tenant-id header empty"
        assert "never set" in d.findings[0].fix[0]
    assert absent.findings[0].title == "The request did not send the xero-tenant-id header"


# --- a bare unauthorized_client from an app of the granular era: its broad scopes first (§10) ---

def test_bare_unauthorized_client_on_a_2026_app_puts_the_broad_scopes_first() -> None:
    said = 'authentication failed: unauthorized_client (app created 2026-03-10, scope="accounting.transactions.read")'
    codes = [f.code for f in diagnose(text=said).findings]
    assert codes[:2] == ["broad_scope_on_granular_app", "invalid_client"]
    assert [f.code for f in diagnose(text="authentication failed: unauthorized_client").findings] == [
        "invalid_client"]
    given = diagnose(text="unauthorized_client", era="granular").findings
    assert given[0].code == "broad_scope_on_granular_app"
    assert {f.code: f.weight for f in given}["invalid_client"] == 0.5  # kept, below the scopes


# --- a scope name Xero does not know, named in words: Xero refuses the sign-in (invalid_scope) ---

def test_an_unknown_scope_named_in_words_is_an_invalid_scope_request() -> None:
    d = diagnose(text="my scope string has accounting.reports.balancesheets.read and sign-in keeps failing")
    assert d.findings[0].code == "invalid_scope_requested"
    assert "did you mean `accounting.reports.balancesheet.read`?" in d.findings[0].title
    # not for an API call refused, nor for a module path in a traceback
    api = diagnose(text='401 {"Detail":"AuthorizationUnsuccessful"} WWW-Authenticate: insufficient_scope '
                        "scope accounting.widgets.read")
    assert "invalid_scope_requested" not in [f.code for f in api.findings][:1]
    trace = diagnose(text='File "/app/xero_python.accounting.api.py", line 3\nHTTP 403 Forbidden')
    assert "invalid_scope_requested" not in [f.code for f in trace.findings]
