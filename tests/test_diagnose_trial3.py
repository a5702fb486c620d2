"""What a third fresh-user trial found (odd real inputs: swapped arguments, logs, scope lists
copied from URLs, gateways and proxies), each pinned so it stays fixed."""

from __future__ import annotations

import base64
import json
from functools import partial
from typing import Any

import pytest

from xero_nb.catalog.scopes import parse_scopes
from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording
from xero_nb.redact import looks_secret

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

P401 = json.dumps({"Type": None, "Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful"})
P403 = json.dumps({"Type": None, "Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


JWT = _b64({"alg": "RS256"}) + "." + _b64({"scope": ["accounting.settings.read"], "exp": 1}) + ".c2lnbmF0dXJl"
REFRESH = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0"
SECRET = "Xq7Rz2Lk9Vb4Nw8Tp3Hs6Jd1Fg5Mc0Ya"


def shown(d: Any) -> str:
    """Everything a user can see of a diagnosis."""
    return d.to_markdown() + d._repr_html_() + json.dumps(d.to_dict()) + repr(d)


# --- 1. a token where the tenant id or the scopes go is never shown, and said as the mistake ---

@pytest.mark.parametrize("given", [
    {"tenant_id": JWT}, {"tenant_id": "Bearer " + JWT}, {"tenant_id": REFRESH},
    {"request_headers": {"xero-tenant-id": REFRESH}},
])
def test_a_token_passed_as_the_tenant_id_is_never_shown_and_called_swapped(given: dict[str, Any]) -> None:
    d = diagnose(P403, **given)
    assert JWT[:20] not in shown(d) and REFRESH[:20] not in shown(d)
    assert d.top.code == "tenant_not_connected"
    assert d.top.title == ("The xero-tenant-id sent is a token, not a tenant id: the access token and "
                           "the tenant id were swapped")


@pytest.mark.parametrize(("given", "what"), [({"granted": [REFRESH]}, "granted"),
                                              ({"requested": [SECRET]}, "requested")])
def test_a_secret_passed_as_scopes_is_never_echoed(given: dict[str, Any], what: str) -> None:
    d = diagnose(P403, **given)
    assert REFRESH[:20] not in shown(d) and SECRET[:20] not in shown(d)
    assert (f"1 {what} value(s) not shaped like a scope name (a token, a secret or JSON: not shown) "
            "were left out: were the token and the scopes swapped?") in d.notes


def test_a_misspelt_scope_is_still_named_with_its_near_miss() -> None:
    d = diagnose(P401, granted=["acounting.contacts.read"])
    assert any("'acounting.contacts.read' is not a Xero scope" in n for n in d.notes)


@pytest.mark.parametrize(("value", "secret"), [
    (JWT, True), ("Bearer abc", True), (REFRESH, True), (SECRET, True),
    ("accounting.transactions.read", False), ("offline_access", False), ("openid", False),
    ("api.xero.com", False), ("short1", False), ("averyveryverylongwordwithoutdigits", False),
    ("4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f", False), ("4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f0", False),
])
def test_what_looks_like_a_secret(value: str, secret: bool) -> None:
    assert looks_secret(value) is secret


# --- 3. scope lists as people copy them ---

@pytest.mark.parametrize("written", [
    "accounting.contacts.read+accounting.settings.read",
    "accounting.contacts.read%20accounting.settings.read",
    "accounting.contacts.read;accounting.settings.read",
    "scope=accounting.contacts.read accounting.settings.read",
    "Scopes: accounting.contacts.read, accounting.settings.read",
    "['accounting.contacts.read', 'accounting.settings.read']",
    '["accounting.contacts.read", "accounting.settings.read"]',
])
def test_a_scope_list_copied_from_a_url_or_a_repr_is_read(written: str) -> None:
    assert parse_scopes(written) == {"accounting.contacts.read", "accounting.settings.read"}
    d = diagnose(status=401, body=P401, headers={"WWW-Authenticate": "insufficient_scope"},
                 endpoint="GET /Contacts", granted=written)
    assert "missing_scope" not in d.codes[:1]  # the scope it needs is there


def test_a_python_list_that_is_no_literal_is_still_refused_plainly() -> None:
    with pytest.raises(ValueError, match="looks like JSON but is not"):
        parse_scopes("[__import__('os').getcwd()]")


# --- 2 and 6. logs: the call that failed, and the failure that stood ---

@pytest.mark.parametrize("log", [
    'INFO:httpx:HTTP Request: GET https://api.xero.com/connections "HTTP/1.1 200 OK"\n'
    'INFO:httpx:HTTP Request: GET https://api.xero.com/api.xro/2.0/Organisation "HTTP/1.1 403 Forbidden"\n'
    f"ERROR:app:Xero said: {P403}",
    'GET https://api.xero.com/connections\n200 OK\n[{"id": "c-1", "tenantId": "t-1"}]\n'
    f"GET https://api.xero.com/api.xro/2.0/Organisation\n"
    f"403 Forbidden\n{P403}",
    f"> GET https://api.xero.com/connections HTTP/1.1\n< HTTP/1.1 200 OK\n"
    f"> GET https://api.xero.com/api.xro/2.0/Organisation HTTP/1.1\n> Accept: */*\n< HTTP/1.1 403 Forbidden\n{P403}",
])
def test_a_log_of_calls_is_diagnosed_at_the_call_that_failed(log: str) -> None:
    """httpx's INFO lines and transcripts with the status on its own line name each call."""
    d = diagnose(text=log)
    assert d.observed.url == "https://api.xero.com/api.xro/2.0/Organisation" and d.observed.status == 403
    assert d.top.code == "tenant_header_missing", d.codes
    assert d.notes[0].startswith("the paste shows 2 calls, 1 failed")


def test_a_refusal_is_diagnosed_before_an_earlier_404() -> None:
    log = ("GET https://api.xero.com/api.xro/2.0/Contacts/abc -> 404\n"
           "GET https://api.xero.com/api.xro/2.0/Invoices -> 401\nWWW-Authenticate: insufficient_scope\n")
    d = diagnose(text=log)
    assert d.observed.status == 401 and d.top.code == "missing_scope"
    assert "the first refusal (401, 403, 429) that stood is diagnosed" in d.notes[0]


def test_an_expiry_a_refresh_handled_gives_way_to_the_refusal_after_it() -> None:
    log = ("GET https://api.xero.com/api.xro/2.0/Invoices -> 401\n"
           '{"Title":"Unauthorized","Status":401,"Detail":"TokenExpired: token expired at 11/30/2026 10:00:00"}\n'
           "POST https://identity.xero.com/connect/token -> 200\n"
           f"GET https://api.xero.com/api.xro/2.0/Invoices -> 403\n{P403}\n")
    d = diagnose(text=log)
    assert d.observed.status == 403 and d.codes[0] != "token_expired"
    assert "cured by a retry or a token refresh" in d.notes[0]


# --- 4. an endpoint read from words without what follows it ---

@pytest.mark.parametrize("text", [
    f"GET /Invoices: 401 {P401} WWW-Authenticate: insufficient_scope",
    "[GET /Invoices] 401 insufficient_scope", "Der Aufruf (GET /Invoices) gibt 401 insufficient_scope",
    "\u00abGET /Invoices\u00bb 401 insufficient_scope", "GET /Invoices\u2026 401 insufficient_scope",
    "GET https://api.xero.com/api.xro/2.0/Invoices: 401 insufficient_scope",
])
def test_punctuation_after_an_endpoint_is_not_part_of_it(text: str) -> None:
    d = diagnose(text=text, granted="accounting.settings.read", era="granular")
    assert d.observed.url is not None and d.observed.url.endswith("/Invoices")
    assert d.top.code == "missing_scope" and "accounting.invoices.read" in d.top.title


# --- 5, 9, 13. answers that are not Xero's ---

@pytest.mark.parametrize(("given", "title"), [
    ({"status": 403, "headers": {"Server": "cloudflare"},
      "body": "<!DOCTYPE html><html><title>Attention Required! | Cloudflare</title>Sorry, you have been blocked"},
     "Cloudflare answered 403"),
    ({"status": 403, "headers": {"x-amzn-ErrorType": "AccessDeniedException"},
      "body": '{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke"}'},
     "Your AWS API Gateway refused the call (403)"),
    ({"status": 401, "body": '{"statusCode": 401, "message": "Access denied due to missing subscription key."}'},
     "Azure API Management refused the call (401)"),
    ({"text": "ProxyError('Cannot connect to proxy.', OSError('Tunnel connection failed: 407 Proxy "
              "Authentication Required'))"}, "A proxy between you and Xero asked for its own credentials"),
    ({"status": 200, "body": '<html><title>Log in | Xero</title><form action="https://login.xero.com/identity">'},
     "The call got Xero's sign-in page"),
])
def test_an_answer_that_is_not_xeros_says_so_and_blames_no_xero_cause(given: dict[str, Any], title: str) -> None:
    d = diagnose(**given)
    assert d.codes == ("unknown",) and d.top.title.startswith(title), (d.codes, d.top.title)


@pytest.mark.parametrize("given", [
    {"status": 403, "body": P403, "headers": {"Server": "cloudflare"}},  # Xero's JSON
    {"status": 429, "headers": {"Server": "cloudflare", "X-Rate-Limit-Problem": "minute"},
     "body": "<html>Too many requests</html>"},  # Xero's own rate-limit header
    {"status": 401, "body": P401, "headers": {"Xero-Correlation-Id": "abc", "x-amzn-RequestId": "1"}},
])
def test_xeros_own_answer_behind_a_gateway_is_still_xeros(given: dict[str, Any]) -> None:
    assert diagnose(**given).codes[0] != "unknown"


# --- 7. an endpoint given that the paste contradicts ---

def test_an_endpoint_given_against_the_pastes_url_is_noted() -> None:
    d = diagnose(text="GET https://api.xero.com/api.xro/2.0/Contacts -> 401 insufficient_scope",
                 endpoint="GET /Invoices", granted="openid")
    assert ("the endpoint given (GET /Invoices) is not the one the error shows (GET /Contacts): "
            "diagnosed for the one given") in d.notes
    same = diagnose(text="GET https://api.xero.com/api.xro/2.0/Invoices -> 401", endpoint="GET /Invoices")
    assert not [n for n in same.notes if "is not the one the error shows" in n]


# --- 8. a scope held and refused: first check it is the sent token's ---

def test_a_scope_held_and_refused_asks_for_the_sent_tokens_own_scopes() -> None:
    d = diagnose(status=401, body=P401, headers={"WWW-Authenticate": "insufficient_scope"},
                 endpoint="GET /Contacts", granted="accounting.contacts.read")
    assert d.top.code == "unknown" and d.top.title.endswith("are they the sent token's own?")
    assert d.top.fix[0].startswith("Decode the access token that was sent")
    assert d.decisive_fact == "the `scope` claim of the access token that was sent"


# --- 10. xero-ruby's backtrace names the SDK method ---

@pytest.mark.parametrize(("frame", "title"), [
    ("/usr/local/bundle/gems/xero-ruby-4.0.0/lib/xero-ruby/api/accounting_api.rb:19450:in "
     "'get_bank_transactions_with_http_info'", "GET /BankTransactions"),
    ("/gems/xero-ruby-3.2.0/lib/xero-ruby/api/accounting_api.rb:12043:in `get_invoices'", "GET /Invoices"),
])
def test_a_xero_ruby_frame_settles_the_endpoint(frame: str, title: str) -> None:
    text = (f"XeroRuby::ApiError: Error message: the server returns an error\nHTTP status code: 401\n"
            f"Response body: {P401}\n{frame}")
    d = diagnose(text=text, granted=["openid"], era="granular")
    assert d.top.code == "missing_scope" and title in d.top.title, d.top.title


# --- 11. what GET /connections answered, in a log or a HAR capture ---

def test_an_empty_connections_answer_in_a_log_is_the_tokens_connections() -> None:
    log = (f"GET https://api.xero.com/connections\n200 OK\n[]\n"
           f"GET https://api.xero.com/api.xro/2.0/Invoices\n403 Forbidden\n{P403}\n")
    d = diagnose(text=log)
    assert d.top.code == "connection_revoked" and d.top.weight == pytest.approx(0.92)
    assert "GET /connections in the paste answered 0 connection(s): used as the token's connections" in d.notes


def test_the_connections_of_a_har_capture_are_used() -> None:
    tenant = "4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f"
    other = "11111111-2222-4333-8444-555555555555"
    rows = [{"id": "c-1", "tenantId": other, "tenantName": "Demo Company (UK)"}]
    har = {"log": {"entries": [
        {"request": {"method": "GET", "url": "https://api.xero.com/connections", "headers": []},
         "response": {"status": 200, "headers": [], "content": {"text": json.dumps(rows)}}},
        {"request": {"method": "GET", "url": "https://api.xero.com/api.xro/2.0/Invoices",
                     "headers": [{"name": "xero-tenant-id", "value": tenant}]},
         "response": {"status": 403, "headers": [], "content": {"text": P403}}}]}}
    d = diagnose(text=json.dumps(har))
    assert d.top.code == "tenant_not_connected" and d.top.weight == pytest.approx(0.92)
    assert any("Demo Company (UK)" in e for e in d.top.evidence)


def test_connections_given_win_over_the_pastes() -> None:
    log = (f"GET https://api.xero.com/connections\n200 OK\n[]\n"
           f"GET https://api.xero.com/api.xro/2.0/Invoices\n403 Forbidden\n{P403}\n")
    d = diagnose(text=log, connections=[{"id": "c", "tenantId": "4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f"}])
    assert not [n for n in d.notes if n.startswith("GET /connections in the paste")]


# --- 14 and 15. an expired token beside a 403; a connection id sent as the tenant id ---

def test_an_expired_token_beside_a_403_is_said_to_be_another_calls() -> None:
    token = _b64({"alg": "RS256"}) + "." + _b64({"scope": ["accounting.settings.read"], "exp": 1000}) + ".c2ln"
    d = diagnose(status=403, body=P403, token=token, clock=lambda: 1000 + 90 * 60)
    assert ("the token given expired 90 min before, yet Xero answered 403, not 401 TokenExpired: the "
            "call that failed sent another token, so the scopes read from this one may not be its own") in d.notes
    fresh = diagnose(status=403, body=P403, token=token, clock=lambda: 900)
    assert not [n for n in fresh.notes if "expired" in n]


def test_a_connection_id_sent_as_the_tenant_id_is_named() -> None:
    conn = "11111111-2222-4333-8444-555555555555"
    d = diagnose(status=403, body=P403, tenant_id=conn,
                 connections=[{"id": conn, "tenantId": "4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f"}])
    assert d.top.code == "tenant_not_connected"
    assert d.top.title == "The xero-tenant-id sent is a connection's `id`, not its `tenantId`"


def test_a_status_given_as_a_whole_float_is_the_status() -> None:
    assert diagnose(403.0).observed.status == 403 == diagnose(403).observed.status
    assert diagnose(403.5).observed.status is None


# --- what mutation testing found unpinned in the findings above ---

def test_the_swapped_token_finding_is_said_whole() -> None:
    d = diagnose(P403, tenant_id=JWT)
    assert d.top.weight == pytest.approx(0.9)
    assert d.top.fix == ("Send the access token as `Authorization: Bearer <token>` and the tenantId (a "
                         "GUID from GET /connections) as `xero-tenant-id`; SDK methods such as .NET's "
                         "GetInvoicesAsync(accessToken, xeroTenantId) take the token first.",
                         "Revoke that token if it was logged anywhere.")
    assert d.top.evidence[-1] == "xero-tenant-id: [redacted]"


@pytest.mark.parametrize("sent", ["11111111-2222-4333-8444-55555555AAAA", "11111111-2222-4333-8444-55555555aaaa"])
def test_the_connection_id_finding_is_said_whole_in_any_case(sent: str) -> None:
    d = diagnose(status=403, body=P403, tenant_id=sent,
                 connections=[{"id": "11111111-2222-4333-8444-55555555aaaa",
                               "tenantId": "4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f"}])
    assert d.top.title == "The xero-tenant-id sent is a connection's `id`, not its `tenantId`"
    assert d.top.weight == pytest.approx(0.95)
    assert d.top.fix == ("Send the `tenantId` field of that GET /connections row as xero-tenant-id (the "
                         "`id` is only for DELETE /connections/{id}).",)
    assert d.top.evidence[-2:] == (f"xero-tenant-id: {sent}", "/connections lists 1 tenant(s)")


def test_a_token_expiring_at_this_very_second_is_not_yet_expired() -> None:
    token = _b64({"alg": "RS256"}) + "." + _b64({"scope": ["accounting.settings.read"], "exp": 1000}) + ".c2ln"
    d = diagnose(status=403, body=P403, token=token, clock=lambda: 1000)
    assert not [n for n in d.notes if "expired" in n]


def test_what_the_context_proves_stays_beside_an_answer_that_is_not_xeros() -> None:
    d = diagnose(status=403, headers={"Server": "cloudflare"},
                 body="<html><title>Attention Required! | Cloudflare</title></html>",
                 endpoint="GET /Invoices", granted=["openid"], era="granular")
    assert d.codes == ("unknown", "missing_scope")
    assert d.top.weight == pytest.approx(d.findings[1].weight) and d.top.weight >= 0.9
    alone = diagnose(status=403, headers={"Server": "cloudflare"},
                     body="<html><title>Attention Required! | Cloudflare</title></html>")
    assert alone.codes == ("unknown",) and alone.top.weight == pytest.approx(0.9)


def test_the_swapped_token_and_connection_id_findings_carry_a_bare_403s_strength() -> None:
    """A 403 without Xero's body is a tenant refusal at 0.7 of its strength, in these findings too."""
    swapped = diagnose(status=403, tenant_id=JWT)
    assert swapped.top.title.startswith("The xero-tenant-id sent is a token")
    assert swapped.top.weight == pytest.approx(0.63)
    conn = "11111111-2222-4333-8444-555555555555"
    d = diagnose(status=403, tenant_id=conn, connections=[{"id": conn, "tenantId": "4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f"}])
    assert d.top.title.startswith("The xero-tenant-id sent is a connection's `id`")
    assert d.top.weight == pytest.approx(0.665)
