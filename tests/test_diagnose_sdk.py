"""Reading any text and any exception object: every SDK's and library's printed shape.

The example texts are written here in each library's printed shape (from the libraries' own
code: xero-python, pyxero, Xero-Java, Xero-NetStandard, xero-node, xero-ruby, xero-php-oauth2,
requests, httpx, axios, .NET's HttpClient); the stand-in classes mirror the real attribute names.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import pytest

from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording
from xero_nb.diagnose.observation import Observation, observe
from xero_nb.diagnose.sdk import class_hint, class_of, limit_kind, operation_hint, operation_name
from xero_nb.diagnose.status import status_from_text

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

CID = "0e9d8c7b-6a5f-4e4d-8c3b-2a1f0e9d8c7b"
TENANT = "8a1b2c3d-4e5f-4a6b-9c8d-0e1f2a3b4c5d"
INVOICES = "https://api.xero.com/api.xro/2.0/Invoices"
P401 = {"Type": None, "Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful",
        "Instance": CID}
P403 = {"Type": None, "Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful",
        "Instance": CID}


# --- the status wherever it is written ---

@pytest.mark.parametrize(("text", "status"), [
    ("Error 403 (Forbidden)", 403),
    ("requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: " + INVOICES, 401),
    ("Xero call failed for 429", 429),
    ("StatusCode: Unauthorized, ReasonPhrase: 'Unauthorized'", 401),
    ("HttpStatusCode.Forbidden", 403),
    ("Response status code does not indicate success: 401 (Unauthorized).", 401),
    ("HTTP 403", 403),
    ("status: 401", 401),
    ("AxiosError: Request failed with status code 429", 429),
    ("HTTP status code: 401", 401),
    ("[403] Error connecting to the API (https://api.xero.com)", 403),
    ('api.xero.com:443 "GET /api.xro/2.0/Invoices HTTP/1.1" 403 164', 403),
    ("HTTP Request: GET " + INVOICES + ' "HTTP/1.1 401 Unauthorized"', 401),
    ("401 response: Unauthorized - check your scopes", 401),
    ("Client error: `GET " + INVOICES + "` resulted in a `403 Forbidden` response", 403),
    ("(401)\nReason: Unauthorized", 401),
    ("[403]", 403),
    ("2026-11-30 10:02:11 WARN [429] Xero", 429),
    ('POST ' + INVOICES + ' 400 {"Type":"ValidationException"}', 400),
    ("GET /api.xro/2.0/Invoices -> 401", 401),
    ("GET /api.xro/2.0/Invoices?page=2 \u2192 403", 403),
    ("HttpError 403 when calling GET /Invoices", 403),
    ("xero.exceptions.XeroException 401", 401),
    ("nothing here", None),
    ("Invoice 401 is overdue", None),
    ("items[400] = 0", None),
    ("rows[401][2]", None),
    ("GET /api.xro/2.0/Invoices 200", None),
    ("GET /api.xro/2.0/Invoices/401", None),
    ("POST /Invoices 2024-01-01", None),
])
def test_the_status_wherever_it_is_written(text: str, status: int | None) -> None:
    assert status_from_text(text) == status
    assert observe(text=text).status == status


def test_the_body_in_any_casing_in_pasted_text() -> None:
    for body in ('{"DETAIL": "AuthorizationUnsuccessful", "STATUS": 401, "TITLE": "Unauthorized"}',
                 "{'detail': 'AuthorizationUnsuccessful', 'status': 401}",
                 '{"Detail"=>"AuthorizationUnsuccessful", "Status"=>401}'):
        obs = observe(text="Response body: " + body)
        assert (obs.status, obs.detail) == (401, "AuthorizationUnsuccessful"), body
        assert "authorizationunsuccessful" in obs.markers


# --- class names, operation names, rate-limit wording ---

def test_class_names_map_to_statuses() -> None:
    assert class_hint("xero_python.exceptions.http_status_exceptions.RateLimitException: (429)") == (
        "RateLimitException", 429)
    assert class_hint("com.xero.api.XeroForbiddenException: Forbidden") == ("XeroForbiddenException", 403)
    assert class_hint("xero.exceptions.XeroUnauthorized: x") == ("XeroUnauthorized", 401)
    assert class_hint("Xero.NetStandard.OAuth2.Client.ApiException: x") == ("ApiException", None)
    assert class_hint("java.io.FileNotFoundException: x") is None  # a longer word is not the class
    assert class_of(["RateLimitException", "HTTPStatusException", "ApiException", "Exception"]) == (
        "RateLimitException", 429)
    assert class_of(["MyError", "Exception"]) is None


@pytest.mark.parametrize(("method", "op"), [
    ("GetInvoicesAsyncWithHttpInfo", "getInvoices"), ("GetInvoicesAsync", "getInvoices"),
    ("get_invoices", "getInvoices"), ("get_report_balance_sheet", "getReportBalanceSheet"),
    ("getContacts", "getContacts"), ("get_invoices_with_http_info", "getInvoices")])
def test_sdk_method_names_become_operation_ids(method: str, op: str) -> None:
    assert operation_name(method) == op


def test_operation_hints_from_messages_and_stack_traces() -> None:
    assert operation_hint("\tat com.xero.api.client.PayrollNzApi.getTimesheets(PayrollNzApi.java:9)") == (
        "payroll_nz", "getTimesheets")
    assert operation_hint('File "/x/xero_python/payrolluk/api/payroll_uk_api.py", line 5, in '
                          "get_employees") == ("payroll_uk", "getEmployees")
    assert operation_hint("Xero API error calling UpdateContact: {}") == ("", "updateContact")
    assert operation_hint("at AccountingApi.callApi (accountingApi.js:10)") is None
    assert operation_hint("nothing named") is None


def test_limit_kinds_in_each_library_s_words() -> None:
    assert limit_kind("You've exceeded the per minute rate limit") == "minute"
    assert limit_kind("Xero API daily rate limit error calling GetContacts") == "day"
    assert limit_kind("please wait before retrying the xero api, the limit exceeded is: day") == "day"
    assert limit_kind("rate limit exceeded: appminute") == "appminute"
    assert limit_kind("rate limit") is None


# --- each library's printed shape, diagnosed ---

def _frame(api: str, op: str) -> str:
    return (f'  File "/venv/lib/python3.11/site-packages/xero_python/{api}/api/{api}_api.py", '
            f"line 21004, in {op}\n    raise translate_status_exception(error, self, \"{op}\")\n")


STYLES: dict[str, tuple[str, dict[str, Any]]] = {
    "xero-python rate limit": (
        "Traceback (most recent call last):\n" + _frame("accounting", "get_invoices")
        + "xero_python.exceptions.http_status_exceptions.RateLimitException: (429)\n"
        "Reason: Too Many Requests\nHTTP response headers: HTTPHeaderDict({'Retry-After': '42', "
        "'X-Rate-Limit-Problem': 'minute'})\n",
        {"code": "rate_limited", "status": 429, "op": ("accounting", "getInvoices"), "limit": "minute"}),
    "xero-python invalid grant": (
        "xero_python.exceptions.http_status_exceptions.OAuth2InvalidGrantError: (400)\n"
        "Reason: Invalid Grant\nHTTP response headers: HTTPHeaderDict({'Content-Type': "
        "'application/json'})\nHTTP response body: b'{\"error\":\"invalid_grant\"}'\n",
        {"code": "invalid_grant", "status": 400}),
    # an SDK sends the tenant id it requires: its 403 is a wrong tenant more than a missing one
    "pyxero forbidden": ("xero.exceptions.XeroForbidden: " + json.dumps(P403),
                         {"code": "tenant_not_connected", "status": 403}),
    "pyxero rate limit": ("xero.exceptions.XeroRateLimitExceeded: please wait before retrying the "
                          "xero api, the limit exceeded is: day",
                          {"code": "rate_limited", "status": 429, "limit": "day"}),
    "pyxero 401 traceback": (
        'Traceback (most recent call last):\n  File "/venv/site-packages/xero/basemanager.py", '
        "line 230, in wrapper\n    raise XeroUnauthorized(response)\n  File \"/venv/site-packages/"
        "xero/exceptions.py\", line 61, in __init__\n    self.errors = [payload['oauth_problem'][0]]\n"
        "KeyError: 'oauth_problem'", {"status": 401}),
    "Xero-Java unauthorized": (
        "com.xero.api.XeroUnauthorizedException: Unauthorized - check your scopes and confirm access "
        "to this resource\n\tat com.xero.api.XeroApiExceptionHandler.execute(XeroApiExceptionHandler"
        ".java:112)\n\tat com.xero.api.client.AccountingApi.getInvoices(AccountingApi.java:24789)\n",
        # Xero-Java says this for every 401 and drops Xero's Detail: expiry is the commoner 401
        {"code": "token_expired", "status": 401, "op": ("accounting", "getInvoices"),
         "marker": "generic_unauthorized"}),
    "Xero-Java forbidden": ("com.xero.api.XeroForbiddenException: Forbidden - authentication "
                            "unsuccessful\n\tat com.xero.api.client.AccountingApi.getContacts("
                            "AccountingApi.java:100)",
                            {"code": "tenant_not_connected", "status": 403,
                             "marker": "authenticationunsuccessful"}),
    "Xero-Java rate limit": ("com.xero.api.XeroRateLimitException: You've exceeded the per minute "
                             "rate limit", {"code": "rate_limited", "status": 429, "limit": "minute"}),
    "Xero-NetStandard 401": (
        "Xero.NetStandard.OAuth2.Client.ApiException: Xero API error calling GetInvoices: "
        + json.dumps(P401) + "\n   at Xero.NetStandard.OAuth2.Api.AccountingApi."
        "GetInvoicesAsyncWithHttpInfo(String accessToken, String xeroTenantId)",
        {"code": "missing_scope", "status": 401, "op": ("accounting", "getInvoices")}),
    "Xero-NetStandard rate limit": ("Xero.NetStandard.OAuth2.Client.ApiException: Xero API minute "
                                    "rate limit error calling GetContacts",
                                    {"code": "rate_limited", "op": ("", "getContacts"),
                                     "limit": "minute"}),
    # a raw HttpClient call: nothing sends the tenant header for it, the commonest 403 (§9 #1)
    "HttpClient": ("System.Net.Http.HttpRequestException: Response status code does not indicate "
                   "success: 403 (Forbidden).", {"code": "tenant_header_missing", "status": 403}),
    "xero-node thrown JSON": (json.dumps({"response": {
        "statusCode": 403, "body": P403, "headers": {"xero-correlation-id": CID},
        "request": {"url": {"protocol": "https:", "port": 443, "host": "api.xero.com",
                            "path": "/api.xro/2.0/Invoices"},
                    "headers": {"xero-tenant-id": TENANT, "Authorization": "Bearer SENTINEL-NODE"},
                    "method": "GET"}}, "body": P403}),
        {"code": "tenant_not_connected", "status": 403, "url": INVOICES, "method": "GET",
         "tenant": TENANT, "cid": CID}),
    "xero-ruby": ("XeroRuby::ApiError (Error message: the server returns an error\nHTTP status code: "
                  "401\nResponse headers: {\"www-authenticate\"=>\"insufficient_scope\", "
                  f"\"xero-correlation-id\"=>\"{CID}\"}}\nResponse body: {json.dumps(P401)})",
                  {"code": "missing_scope", "status": 401, "www": "insufficient_scope", "cid": CID}),
    "xero-php-oauth2": ("XeroAPI\\XeroPHP\\ApiException: [403] Error connecting to the API "
                        f"({INVOICES})", {"status": 403, "url": INVOICES}),
    "guzzle": (f"Client error: `GET {INVOICES}` resulted in a `403 Forbidden` response:\n"
               + json.dumps(P403), {"status": 403, "url": INVOICES, "method": "GET"}),
    "requests": (f"requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: {INVOICES}",
                 {"status": 401, "url": INVOICES}),
    "httpx": ("httpx.HTTPStatusError: Client error '429 Too Many Requests' for url "
              "'https://api.xero.com/api.xro/2.0/Contacts'", {"code": "rate_limited", "status": 429}),
    "urllib3 log": ('DEBUG urllib3.connectionpool https://api.xero.com:443 "GET /api.xro/2.0/Invoices '
                    'HTTP/1.1" 403 164', {"status": 403, "method": "GET",
                                          "url": "https://api.xero.com:443/api.xro/2.0/Invoices"}),
    ".NET headers": ("StatusCode: 401, ReasonPhrase: 'Unauthorized', Headers:\n{\n  WWW-Authenticate: "
                     f"insufficient_scope\n  Xero-Correlation-Id: {CID}\n}}",
                     {"status": 401, "www": "insufficient_scope", "cid": CID}),
    "Java header map": ("401 Unauthorized {www-authenticate=[insufficient_scope], retry-after=[5]}",
                        {"status": 401, "www": "insufficient_scope"}),
}


@pytest.mark.parametrize("name", list(STYLES))
def test_each_library_s_printed_shape(name: str) -> None:
    text, want = STYLES[name]
    obs = observe(text=text)
    assert obs.status == want.get("status", obs.status)
    assert obs.operation == want.get("op", obs.operation)
    assert obs.rate_limit_problem == want.get("limit", obs.rate_limit_problem)
    assert obs.url == want.get("url", obs.url) and obs.method == want.get("method", obs.method)
    assert obs.www_authenticate == want.get("www", obs.www_authenticate)
    assert obs.correlation_id == want.get("cid", obs.correlation_id)
    assert obs.request_header("xero-tenant-id") == want.get("tenant", obs.request_header("xero-tenant-id"))
    assert want.get("marker", "tokenexpired") in obs.markers or "marker" not in want
    d = diagnose(text=text)
    assert d.top.code == want.get("code", d.top.code), d.to_markdown()
    assert "SENTINEL" not in d.to_markdown() + repr(obs)


def test_the_operation_named_settles_the_endpoint() -> None:
    text, _ = STYLES["Xero-Java unauthorized"]
    d = diagnose(text=text, granted="openid", era="granular")
    assert d.top.code == "missing_scope" and "accounting.getInvoices" in d.top.title
    assert "endpoint taken from the SDK method named in the error: accounting.getInvoices" in d.notes
    held = diagnose(text=text, granted="openid accounting.invoices.read", era="granular")
    assert held.top.code != "missing_scope"


def test_an_operation_picks_the_payroll_region_a_path_leaves_open() -> None:
    text = ("com.xero.api.XeroUnauthorizedException: Unauthorized\n\tat com.xero.api.client."
            "PayrollUkApi.getEmployees(PayrollUkApi.java:10)\nGET /Employees")
    d = diagnose(text=text, granted="openid")
    assert "payroll_uk.getEmployees" in d.top.title, d.to_markdown()


# --- exception objects: nothing is lost by passing the object ---

class HTTPHeaderDict(dict[str, str]):
    """urllib3's header dict, as xero-python's printout shows it."""

    def __repr__(self) -> str:
        return f"HTTPHeaderDict({dict(self)!r})"


class Urllib3Response:
    """The ``http_resp`` xero-python's ApiException keeps: status, reason, data, getheaders()."""

    def __init__(self, status: int, reason: str, headers: dict[str, str], data: bytes,
                 url: str | None = None) -> None:
        self.status, self.reason, self.data, self._url = status, reason, data, url
        self._headers = HTTPHeaderDict(headers)

    def getheaders(self) -> HTTPHeaderDict:
        return self._headers

    def geturl(self) -> str | None:
        return self._url


class ApiException(Exception):
    """Stand-in for xero_python.exceptions.ApiException: the same attributes and printout."""

    def __init__(self, status: int | None = None, reason: str | None = None,
                 http_resp: Urllib3Response | None = None) -> None:
        self._status, self._reason, self.http_resp = status, reason, http_resp

    @property
    def status(self) -> int | None:
        return self._status or getattr(self.http_resp, "status", None)

    @property
    def reason(self) -> str | None:
        return self._reason or getattr(self.http_resp, "reason", None)

    @property
    def body(self) -> bytes | None:
        return getattr(self.http_resp, "data", None)

    @property
    def headers(self) -> HTTPHeaderDict | None:
        return self.http_resp.getheaders() if self.http_resp else None

    def __str__(self) -> str:
        out = f"({self.status})\nReason: {self.reason}\n"
        if self.headers:
            out += f"HTTP response headers: {self.headers}\n"
        if self.body:
            out += f"HTTP response body: {self.body!r}\n"
        return out


class HTTPStatusException(ApiException):
    """xero-python's exception for any non-2xx status."""


class RateLimitException(HTTPStatusException):
    """xero-python's 429."""


class BadRequestException(HTTPStatusException):
    """xero-python's 400, whose ``error_data`` parses the body lazily."""

    @property
    def error_data(self) -> Any:
        return json.loads(self.body or b"")


class AccountingBadRequestException(BadRequestException):
    """Its ``status`` property reads ``error_data``, which raises on a body that is not JSON."""

    @property
    def status(self) -> Any:
        return getattr(self.error_data, "Message", None) or super().status


class RequestsRequest:
    """A requests PreparedRequest: method, url, headers."""

    def __init__(self, method: str, url: str, headers: dict[str, str]) -> None:
        self.method, self.url, self.headers = method, url, headers


class RequestsResponse:
    """A requests Response: status_code, headers, text, request."""

    def __init__(self, status: int, headers: dict[str, str], text: str, request: RequestsRequest) -> None:
        self.status_code, self.headers, self.text, self.request = status, headers, text, request
        self.reason = {401: "Unauthorized", 403: "Forbidden", 429: "Too Many Requests"}.get(status, "")


class XeroException(Exception):
    """Stand-in for pyxero's base: ``.response`` plus a message."""

    def __init__(self, response: RequestsResponse, msg: str | None = None) -> None:
        self.response = response
        super().__init__(msg)


class XeroForbidden(XeroException):
    """pyxero's 403: the message is the body."""

    def __init__(self, response: RequestsResponse) -> None:
        super().__init__(response, response.text)


class XeroRateLimitExceeded(XeroException):
    """pyxero's 429: problem and advice built from X-Rate-Limit-Problem."""

    def __init__(self, response: RequestsResponse, payload: dict[str, list[str]]) -> None:
        self.errors = [payload["oauth_problem"][0]]
        self.problem = self.errors[0]
        super().__init__(response, payload["oauth_problem_advice"][0])


class HTTPError(Exception):
    """Stand-in for requests.HTTPError (and httpx.HTTPStatusError): ``.response`` and ``.request``."""

    def __init__(self, message: str, response: RequestsResponse) -> None:
        super().__init__(message)
        self.response, self.request = response, response.request


def _request(tenant: str | None = TENANT) -> RequestsRequest:
    headers = {"Authorization": "Bearer SENTINEL-OBJ", **({"xero-tenant-id": tenant} if tenant else {})}
    return RequestsRequest("GET", INVOICES, headers)


def _xero_python_401() -> ApiException:
    return HTTPStatusException(http_resp=Urllib3Response(
        401, "Unauthorized", {"WWW-Authenticate": "insufficient_scope", "Xero-Correlation-Id": CID},
        json.dumps(P401).encode(), INVOICES))


def _pyxero_403() -> XeroForbidden:
    return XeroForbidden(RequestsResponse(403, {"Xero-Correlation-Id": CID}, json.dumps(P403), _request()))


def _pyxero_429() -> XeroRateLimitExceeded:
    resp = RequestsResponse(429, {"X-Rate-Limit-Problem": "minute", "Retry-After": "20"}, "", _request())
    return XeroRateLimitExceeded(resp, {"oauth_problem": ["rate limit exceeded: minute"],
                                        "oauth_problem_advice": ["please wait before retrying the xero "
                                                                 "api, the limit exceeded is: minute"]})


def _requests_401() -> HTTPError:
    resp = RequestsResponse(401, {"WWW-Authenticate": "insufficient_scope"}, json.dumps(P401), _request())
    return HTTPError(f"401 Client Error: Unauthorized for url: {INVOICES}", resp)


OBJECTS = {"xero-python ApiException": _xero_python_401, "pyxero XeroForbidden": _pyxero_403,
           "pyxero XeroRateLimitExceeded": _pyxero_429, "requests HTTPError": _requests_401}


def _seen(obs: Observation) -> dict[str, Any]:
    return {"status": obs.status, "detail": obs.detail, "www": obs.www_authenticate,
            "cid": obs.correlation_id, "limit": obs.rate_limit_problem, "retry": obs.retry_after,
            "url": obs.url, "tenant": obs.request_header("xero-tenant-id")}


@pytest.mark.parametrize("name", list(OBJECTS))
def test_nothing_is_lost_by_passing_the_object(name: str) -> None:
    exc = OBJECTS[name]()
    as_object, as_text = diagnose(exc, granted="openid"), diagnose(text=str(exc), granted="openid")
    obj, txt = _seen(as_object.observed), _seen(as_text.observed)
    assert {k: v for k, v in txt.items() if v is not None}.items() <= obj.items(), (obj, txt)
    assert as_object.top.code == as_text.top.code or as_object.top.weight >= as_text.top.weight
    assert obj["status"] is not None
    assert "SENTINEL" not in as_object.to_markdown() + repr(as_object.observed)


def test_each_object_gives_its_cause() -> None:
    assert diagnose(_xero_python_401(), granted="openid").top.code == "missing_scope"
    forbidden = diagnose(_pyxero_403(), connections=[{"tenantId": "11111111-2222-4333-8444-555555555555"}])
    assert forbidden.top.code == "tenant_not_connected"
    assert forbidden.observed.url == INVOICES and forbidden.observed.tenant_header_sent is True
    rate = diagnose(_pyxero_429())
    assert rate.top.code == "rate_limited" and "minute" in rate.top.title and "20" in rate.top.title
    assert rate.observed.sdk_class == "XeroRateLimitExceeded"
    assert diagnose(_requests_401(), granted="openid").top.code == "missing_scope"


def test_the_class_alone_gives_the_status() -> None:
    bare = RateLimitException(http_resp=Urllib3Response(0, "", {}, b""))
    d = diagnose(bare)
    assert d.observed.status == 429 and d.top.code == "rate_limited"
    assert d.observed.sdk_class == "RateLimitException"


def test_a_property_that_raises_does_not_lose_the_rest() -> None:
    exc = AccountingBadRequestException(http_resp=Urllib3Response(
        400, "Bad Request", {"Xero-Correlation-Id": CID}, b"<html>not json</html>", INVOICES))
    d = diagnose(exc)
    assert d.observed.source == "response" and d.observed.correlation_id == CID
    assert d.observed.status == 400 and d.observed.url == INVOICES
    assert not any("internal error" in n for n in d.notes)


def test_the_xero_node_error_as_a_dict() -> None:
    error = {"response": {"statusCode": 401, "body": P401,
                          "headers": {"www-authenticate": "insufficient_scope", "xero-correlation-id": CID},
                          "request": {"url": {"protocol": "https:", "host": "api.xero.com",
                                              "path": "/api.xro/2.0/Invoices"},
                                      "headers": {"xero-tenant-id": TENANT, "authorization": "Bearer SENTINEL"},
                                      "method": "GET"}},
             "body": P401}
    d = diagnose(error, granted="openid", era="granular")
    obs = d.observed
    assert (obs.status, obs.method, obs.url, obs.www_authenticate) == (401, "GET", INVOICES,
                                                                       "insufficient_scope")
    assert obs.request_header("xero-tenant-id") == TENANT
    assert obs.header("xero-tenant-id") is None  # request headers are not response headers
    assert d.top.code == "missing_scope" and "accounting.invoices.read" in d.top.title
    assert "SENTINEL" not in d.to_markdown() + repr(obs)
    assert _seen(diagnose(text=json.dumps(error)).observed) == _seen(diagnose(error).observed)


def test_an_older_xero_node_request_with_a_uri_href() -> None:
    error = {"response": {"statusCode": 403, "body": P403,
                          "request": {"uri": {"href": INVOICES}, "method": "GET", "headers": {}}}}
    obs = observe(error)
    assert obs.url == INVOICES and obs.method == "GET" and obs.tenant_header_sent is False
