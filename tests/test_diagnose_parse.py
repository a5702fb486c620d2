"""Reading what users have into an Observation: responses, parts and every pasted shape."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial

from samples import CID, SCOPE_BODY, XERO_PYTHON

from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording
from xero_nb.diagnose.observation import Observation, observe
from xero_nb.http import Request, Response
from xero_nb.redact import redact

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

TENANT = "8a1b2c3d-4e5f-4a6b-9c8d-0e1f2a3b4c5d"

CURL_I = (
    "HTTP/2 403 \r\n"
    "content-type: application/json; charset=utf-8\r\n"
    f"xero-correlation-id: {CID}\r\n"
    "x-daylimit-remaining: 4990\r\n"
    "\r\n"
    '{"Type":null,"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsuccessful",'
    f'"Instance":"{CID}","Extensions":{{}}}}'
)
CURL_V = (
    "*   Trying 1.2.3.4:443...\n"
    "> GET /api.xro/2.0/Invoices HTTP/2\n"
    "> Host: api.xero.com\n"
    "> authorization: Bearer SENTINEL-BEARER-TOKEN-9876\n"
    f"> xero-tenant-id: {TENANT}\n"
    "> accept: application/json\n"
    ">\n"
    "< HTTP/2 401\n"
    "< www-authenticate: insufficient_scope\n"
    f"< xero-correlation-id: {CID}\n"
    "<\n" + json.dumps(SCOPE_BODY)
)


def test_httpx2_response_with_request() -> None:
    req = Request("GET", "https://api.xero.com/api.xro/2.0/Invoices",
                  headers={"Authorization": "Bearer SENTINEL-AT-1", "xero-tenant-id": TENANT})
    resp = Response(401, headers={"WWW-Authenticate": "insufficient_scope", "Xero-Correlation-Id": CID},
                    json=SCOPE_BODY, request=req)
    obs = observe(resp)
    assert (obs.status, obs.detail, obs.www_authenticate, obs.correlation_id) == (
        401, "AuthorizationUnsuccessful", "insufficient_scope", CID)
    assert obs.method == "GET" and obs.url is not None and obs.url.endswith("/Invoices")
    assert obs.request_header("XERO-TENANT-ID") == TENANT and obs.tenant_header_sent is True
    assert "SENTINEL" not in repr(obs)
    assert diagnose(resp, granted="openid").top.code == "missing_scope"


def test_httpx2_response_without_request_and_unread_stream() -> None:
    obs = observe(Response(403, json={"title": "Forbidden", "detail": "AuthenticationUnsuccessful"}))
    assert obs.status == 403 and obs.detail == "AuthenticationUnsuccessful"
    assert obs.request_headers is None and obs.tenant_header_sent is None

    def stream():  # type: ignore[no-untyped-def]
        yield b'{"Detail":"TokenExpired"}'

    unread = Response(401, content=stream())
    assert observe(unread).status == 401  # .text raises ResponseNotRead: still an answer


def test_parts_with_keys_in_any_case() -> None:
    lower = observe(status="403", headers=[("content-type", "application/problem+json")],
                    body=b'{"type":"invalid-application","title":"Invalid Application","status":403,'
                         b'"detail":"The application has not been configured to use these API endpoints."}')
    assert lower.status == 403 and lower.field("TYPE") == "invalid-application"
    assert "invalid-application" in lower.markers
    upper = observe(status=401, body={"DETAIL": "TokenExpired: token expired at 04/09/2023 05:16:59"})
    assert upper.detail is not None and upper.detail.startswith("TokenExpired")


def test_xero_python_sdk_printout() -> None:
    obs = observe(text=XERO_PYTHON)
    assert obs.status == 401
    assert obs.www_authenticate == "insufficient_scope" and obs.correlation_id == CID
    assert obs.header("x-minlimit-remaining") == "59"
    assert obs.detail == "AuthorizationUnsuccessful"
    d = diagnose(text=XERO_PYTHON, endpoint="GET /Accounts", granted=["openid"])
    assert d.top.code == "missing_scope"


def test_xero_python_printout_with_bytes_body() -> None:
    text = "(403)\nReason: Forbidden\nHTTP response headers: HTTPHeaderDict({'Content-Type': " \
           "'application/json'})\nHTTP response body: b'{\"Title\":\"Forbidden\",\"Status\":403," \
           "\"Detail\":\"AuthenticationUnsuccessful\"}'\n"
    obs = observe(text=text)
    assert obs.status == 403 and obs.detail == "AuthenticationUnsuccessful"


def test_curl_include_output() -> None:
    obs = observe(text=CURL_I)
    assert obs.status == 403 and obs.correlation_id == CID and obs.header("X-DayLimit-Remaining") == "4990"
    assert obs.detail == "AuthenticationUnsuccessful"


def test_curl_verbose_output_reads_request_and_drops_the_token() -> None:
    obs = observe(text=CURL_V)
    assert obs.status == 401 and obs.www_authenticate == "insufficient_scope"
    assert obs.request_header("xero-tenant-id") == TENANT
    assert obs.method == "GET" and obs.url == "https://api.xero.com/api.xro/2.0/Invoices"
    assert "SENTINEL" not in repr(obs)
    assert diagnose(text=CURL_V, granted="accounting.settings").top.code == "missing_scope"


def test_half_json_and_python_literals() -> None:
    half = observe(text='{"Type":null,"Title":"Forbidden","Status":403,"Detail":"AuthenticationUnsucc')
    assert half.status == 403 and half.title == "Forbidden"
    assert "authenticationunsuccessful" not in half.markers  # cut off: not claimed
    literal = observe(text="{'error': 'invalid_grant', 'error_description': None}")
    assert literal.error == "invalid_grant"


def test_oauth_errors_in_text_and_redirects() -> None:
    authlib = observe(text="authlib.integrations.base_client.errors.OAuthError: invalid_scope: "
                           "Client credentials scope validation failed")
    assert "invalid_scope" in authlib.markers and "scope_validation_failed" in authlib.markers
    redirect = observe(text="http://127.0.0.1:8765/callback?error=invalid_scope&error_description=bad&state=s")
    assert redirect.error == "invalid_scope" and redirect.field("error_description") == "bad"
    page = observe(text="unauthorized_client : Invalid scope for client")
    assert {"unauthorized_client", "invalid_scope"} <= page.markers


def test_node_sdk_and_requests_shapes() -> None:
    node = json.dumps({"response": {"statusCode": 401, "body": SCOPE_BODY,
                                    "headers": {"www-authenticate": "insufficient_scope"}},
                       "body": SCOPE_BODY})
    obs = observe(text=node)
    assert obs.status == 401 and obs.www_authenticate == "insufficient_scope"
    req = observe(text="requests.exceptions.HTTPError: 403 Client Error: Forbidden for url: "
                       "https://api.xero.com/api.xro/2.0/Invoices?page=1")
    assert req.status == 403 and req.url == "https://api.xero.com/api.xro/2.0/Invoices?page=1"
    httpx_text = observe(text="Client error '429 Too Many Requests' for url "
                              "'https://api.xero.com/api.xro/2.0/Contacts'")
    assert httpx_text.status == 429


def test_wrapper_message_has_no_status() -> None:
    obs = observe(text='{"error": "InsufficientPermissions", "message": "The API credentials do not '
                       'have the necessary permissions to perform the action."}')
    assert obs.status is None and "insufficientpermissions" in obs.markers
    assert obs.field("message", ) is not None


def test_call_result_like_objects() -> None:
    @dataclass
    class Record:
        method: str
        url: str
        headers: tuple[tuple[str, str], ...]

    @dataclass
    class Result:
        status: int
        headers: tuple[tuple[str, str], ...]
        body: object
        request: Record

    res = Result(429, (("Retry-After", "12"), ("X-Rate-Limit-Problem", "minute")), None,
                 Record("GET", "https://api.xero.com/api.xro/2.0/Invoices",
                        (("Authorization", "Bearer <ACCESS_TOKEN>"), ("xero-tenant-id", TENANT))))
    obs = observe(res)
    assert obs.status == 429 and obs.retry_after == 12.0 and obs.rate_limit_problem == "minute"
    assert obs.tenant_header_sent is True
    assert diagnose(res).top.code == "rate_limited"


def test_exceptions_are_read_as_text() -> None:
    exc = RuntimeError('HTTP 401: {"Title":"Unauthorized","Detail":"TokenExpired: token expired"}')
    obs = observe(exc)
    assert obs.status == 401 and "tokenexpired" in obs.markers


def test_parts_override_and_text_fills_gaps() -> None:
    obs = observe(status=401, text=XERO_PYTHON.replace("(401)", "(999)"))
    assert obs.status == 401 and obs.www_authenticate == "insufficient_scope"


def test_summary_lists_what_was_seen() -> None:
    obs = observe(status=401, headers={"WWW-Authenticate": "insufficient_scope"}, body=SCOPE_BODY)
    s = obs.summary()
    assert "status 401" in s and "AuthorizationUnsuccessful" in s and "insufficient_scope" in s
    assert Observation().summary() == "no HTTP status"


def test_redact_keeps_placeholders_and_ids() -> None:
    assert redact("Authorization: Bearer abc.def") == "Authorization: Bearer [redacted]"
    # a status code under "Code" is not an OAuth code (xero_nb/redact.py keeps it)
    assert redact('{"access_token":"tok123","Code":"200"}') == '{"access_token":"[redacted]","Code":"200"}'
    assert redact("?code=xyz&state=1") == "?code=[redacted]&state=[redacted]"
    assert redact("status_code=401 ErrorCode: 10") == "status_code=401 ErrorCode: 10"
    assert redact('-H "Authorization: Bearer $XERO_ACCESS_TOKEN"') == '-H "Authorization: Bearer $XERO_ACCESS_TOKEN"'
    assert redact(f"xero-tenant-id: {TENANT}") == f"xero-tenant-id: {TENANT}"


def test_authlib_oauth_errors_are_read_from_their_attributes() -> None:
    from authlib.integrations.base_client.errors import OAuthError

    d = diagnose(OAuthError("invalid_grant", "refresh token expired"))
    assert d.top.code == "invalid_grant" and "token_expired" not in d.codes
    scope = diagnose(OAuthError("invalid_scope", "Client credentials scope validation failed"),
                     requested="accounting.transactions")
    assert scope.top.code == "broad_scope_on_granular_app"


def test_truncated_jwts_and_huge_bodies_stay_redacted() -> None:
    assert redact("token eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6") == "token [redacted]"
    huge = "x" * 50_000 + '"access_token": "SENTINEL-HUGE-1"'
    obs = observe(status=400, body='{"access_token": "SENTINEL-HUGE-0"}' + huge)
    assert "SENTINEL" not in obs.body and len(obs.body) <= 4000


def test_retry_after_that_is_not_a_wait_is_absent() -> None:
    for odd in ("inf", "nan", "-5", "1e400", "soon"):
        assert observe(status=429, headers={"Retry-After": odd}).retry_after is None, odd
    assert observe(status=429, headers={"Retry-After": "42"}).retry_after == 42.0
    assert observe(status=429, headers={"Retry-After": "0"}).retry_after == 0.0
