"""What a sixth fresh-user trial found passing diagnose() the objects real libraries raise and
return (requests, urllib, aiohttp's shape, authlib, oauthlib, chained exceptions, containers,
tables), each pinned so it stays fixed."""

from __future__ import annotations

import base64
import io
import json
import urllib.error
from email.message import Message
from functools import partial
from typing import Any

import pandas as pd
import pytest
import requests
from authlib.integrations.base_client import InvalidTokenError

from xero_nb.diagnose.diagnosis import diagnose as _diagnose_with_wording
from xero_nb.redact import redact

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)

API = "https://api.xero.com/api.xro/2.0"
TOKEN_URL = "https://identity.xero.com/connect/token"
TENANT = "989da563-4b59-5ac8-b50c-d89dc74fb4fa"
SECRET = "CLIENTsekretCC9999abcdefgh"
OPAQUE = "opaqueAccessTok_ZZZZ1234ZZZZ5678"
REFRESH = "a3f9c0d7e1b24c5f8a6b9d0e2f4a6c8e1b3d5f7a9c0e2f4a6b8d0c2e4f6a8b0c"
SCOPE_401 = {"Type": None, "Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful"}
TENANT_403 = {"Type": None, "Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"}


def shown(d: Any) -> str:
    return d.to_markdown() + d._repr_html_() + json.dumps(d.to_dict()) + repr(d) + repr(d.observed)


def response(status: int, body: Any, url: str, headers: dict[str, str] | None = None,
             request_headers: dict[str, str] | None = None, request_body: str | None = None,
             method: str = "GET") -> requests.Response:
    """A requests Response as the library builds it, with the PreparedRequest it sent."""
    r = requests.Response()
    r.status_code, r.url = status, url
    r.headers = requests.structures.CaseInsensitiveDict(
        {"Content-Type": "application/json", **(headers or {})})
    r._content = (json.dumps(body) if not isinstance(body, str) else body).encode()
    r.request = requests.Request(method, url, headers=request_headers or {}, data=request_body).prepare()
    return r


def scope_response() -> requests.Response:
    return response(401, SCOPE_401, f"{API}/Invoices", {"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
                    {"Authorization": "Bearer x.y.z", "xero-tenant-id": TENANT})


def tenant_response() -> requests.Response:
    return response(403, TENANT_403, f"{API}/Invoices", request_headers={"Authorization": "Bearer x.y.z"})


# --- 1: a credential the request carried, echoed back by the answer, is never shown ---

def test_client_secret_echoed_in_error_description_is_hidden() -> None:
    basic = base64.b64encode(f"CLIENTID1234:{SECRET}".encode()).decode()
    r = response(400, {"error": "invalid_client",
                       "error_description": f"Client authentication failed for secret {SECRET}"},
                 TOKEN_URL, request_headers={"Authorization": f"Basic {basic}"},
                 request_body="grant_type=refresh_token&refresh_token=" + REFRESH, method="POST")
    d = diagnose(r)
    assert d.codes[0] == "invalid_client"
    assert SECRET not in shown(d) and basic not in shown(d)


def test_opaque_bearer_echoed_in_detail_is_hidden() -> None:
    r = response(401, {**TENANT_403, "Status": 401, "Detail": f"AuthenticationUnsuccessful: token {OPAQUE} is not valid"},
                 f"{API}/Accounts", request_headers={"Authorization": f"Bearer {OPAQUE}"})
    for obj in (r, requests.HTTPError(response=r)):
        d = diagnose(obj)
        assert OPAQUE not in shown(d)
        assert d.codes[0] == "token_expired"  # it is no JWT: not a Xero access token


def test_refresh_token_from_the_form_body_echoed_back_is_hidden() -> None:
    r = response(400, f"bad request: grant {REFRESH} was rotated", TOKEN_URL, {"Content-Type": "text/plain"},
                 request_body=f"grant_type=refresh_token&refresh_token={REFRESH}", method="POST")
    assert REFRESH not in shown(diagnose(r))


@pytest.mark.parametrize(("said", "secret"), [
    (f"grant {REFRESH} was rotated", REFRESH),
    (f"client_secret '{SECRET}' does not match", SECRET),
    (f"TokenExpired: token {OPAQUE} expired", OPAQUE),
])
def test_credentials_named_in_prose_are_redacted(said: str, secret: str) -> None:
    assert secret not in redact(said)


@pytest.mark.parametrize("plain", ["token expired at 11/30/2026", "grant type authorization_code",
                                   "Error code: 500", "refresh token expired", "the token 12345678 is old"])
def test_ordinary_words_after_credential_words_stay(plain: str) -> None:
    assert redact(plain) == plain


def test_a_placeholder_bearer_is_no_credential_to_hide() -> None:
    d = diagnose(text="GET /Invoices\nAuthorization: Bearer {{access_token}}\n401 {{access_token}} was sent")
    assert "{{access_token}}" in d.observed.body


# --- 2: a streamed response not yet read is never read (it could wait forever) ---

class _Stalled:
    """A raw stream whose read would block on a stalled server: any read is recorded (and fails,
    so the body stays unread)."""

    def __init__(self) -> None:
        self.touched = 0

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        self.touched += 1
        raise TimeoutError("a stalled server: this read would wait forever")

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        self.touched += 1
        raise TimeoutError("a stalled server: this read would wait forever")


def test_unread_streamed_requests_response_is_judged_by_its_headers() -> None:
    r = response(401, "", f"{API}/Invoices", {"WWW-Authenticate": 'Bearer error="insufficient_scope"'})
    r._content = False  # what requests holds for stream=True until the body is read
    r._content_consumed = False
    raw = r.raw = _Stalled()
    for obj in (r, requests.HTTPError(response=r)):
        d = diagnose(obj)
        assert d.codes[0] == "missing_scope"
    assert raw.touched == 0


# --- 3: the HTTP error an application's own exception wraps ---

class SyncError(Exception):
    pass


def _raised_from(inner: BaseException, outer: BaseException, implicit: bool = False) -> BaseException:
    try:
        try:
            raise inner
        except BaseException as exc:
            if implicit:
                raise outer  # noqa: B904 (the implicit __context__ is the point)
            raise outer from exc
    except BaseException as caught:
        return caught
    raise AssertionError("unreachable")


def test_an_exception_raised_from_an_http_error_is_diagnosed_by_it() -> None:
    wrapped = _raised_from(requests.HTTPError(response=scope_response()), SyncError("nightly sync failed"))
    d = diagnose(wrapped)
    assert d.codes[0] == "missing_scope" and "accounting.invoices.read" in d.findings[0].title
    assert any("raised from is diagnosed" in n for n in d.notes)
    implicit = _raised_from(requests.HTTPError(response=tenant_response()), RuntimeError("retry"), implicit=True)
    assert diagnose(implicit).codes[0] == "tenant_header_missing"


def test_an_exception_group_is_diagnosed_by_its_first_http_failure() -> None:
    group = ExceptionGroup("batch failed", [ValueError("bad row"), requests.HTTPError(response=tenant_response())])
    assert diagnose(group).codes[0] == "tenant_header_missing"


def test_a_cyclic_chain_ends() -> None:
    a, b = SyncError("a"), SyncError("b")
    a.__cause__, b.__cause__ = b, a
    assert diagnose(a).codes[0] == "unknown"


# --- 4, 5, 9: bodies urllib and aiohttp already hold; aiohttp's request_info ---

def test_urllib_http_error_body_is_read_without_consuming_it() -> None:
    body = json.dumps({"error": "invalid_client"}).encode()
    fp = io.BufferedReader(io.BytesIO(body))
    err = urllib.error.HTTPError(TOKEN_URL, 400, "Bad Request", Message(), fp)
    d = diagnose(err)
    assert d.codes[0] == "invalid_client"
    assert err.read() == body  # still there for the caller


class _RequestInfo:
    def __init__(self, headers: dict[str, str]) -> None:
        self.method, self.url, self.headers = "GET", f"{API}/Invoices", headers


class AiohttpLikeResponse:
    """aiohttp's ClientResponse shape: status, headers, the body it read in ``_body``, the
    request in ``request_info``, and ``text``/``json`` as coroutine methods."""

    def __init__(self, status: int, body: bytes, request_headers: dict[str, str]) -> None:
        self.status, self.headers, self._body = status, {"Content-Type": "application/json"}, body
        self.request_info = _RequestInfo(request_headers)
        self.content = object()  # a StreamReader: not the body

    async def text(self) -> str:
        return self._body.decode()


def test_aiohttp_read_body_and_request_info_are_used() -> None:
    r = AiohttpLikeResponse(403, json.dumps(TENANT_403).encode(), {"Authorization": "Bearer x.y.z"})
    d = diagnose(r)
    assert d.codes[0] == "tenant_header_missing" and d.findings[0].weight >= 0.9  # no tenant header sent
    expired = AiohttpLikeResponse(401, b'{"Title":"Unauthorized","Status":401,"Detail":"TokenExpired: token expired"}',
                                  {"Authorization": "Bearer x.y.z", "xero-tenant-id": TENANT})
    assert diagnose(expired).findings[0].weight >= 0.95


# --- 6, 7: authlib's InvalidTokenError; oauthlib's refusals beside the callback URL ---

def test_authlib_invalid_token_error_is_an_expired_token_nothing_sent() -> None:
    d = diagnose(InvalidTokenError())
    assert d.codes[0] == "token_expired"
    assert "nothing was sent to Xero" in d.findings[0].title
    assert "Correlation" not in " ".join(d.findings[0].fix)


@pytest.mark.parametrize("error", [
    "(mismatching_state) CSRF Warning! State not equal in request and response.",
    "(insecure_transport) OAuth 2 MUST utilize https.",
])
def test_an_oauth_library_refusal_beside_the_callback_url_is_no_success(error: str) -> None:
    callback = "http://localhost:5000/callback?code=CODEsekret5555abcdefgh&state=OTHER"
    for d in (diagnose(text=error, url=callback), diagnose(text=f"{error}\n{callback}")):
        assert not d.findings[0].title.startswith("Nothing failed here")
        assert "CODEsekret5555abcdefgh" not in shown(d)


# --- 8: a response held in a list, a tuple, a dict or a table ---

@pytest.mark.parametrize("held", [
    lambda r: [r], lambda r: (r,), lambda r: {"response": r},
])
def test_a_response_held_in_a_container_is_read(held: Any) -> None:
    d = diagnose(held(scope_response()))
    assert d.codes[0] == "missing_scope" and "accounting.invoices.read" in d.findings[0].title


def test_several_responses_diagnose_the_first_that_failed_and_say_so() -> None:
    ok = response(200, {"Invoices": []}, f"{API}/Invoices")
    d = diagnose([ok, tenant_response(), scope_response()])
    assert d.codes[0] == "tenant_header_missing"
    assert any("3 objects were given" in n and "number 2" in n for n in d.notes)


def test_a_logged_error_in_a_table_is_read_from_its_failing_row() -> None:
    table = pd.DataFrame([
        {"status": 200, "url": f"{API}/Contacts", "body": "{}"},
        {"status": 401, "url": f"{API}/Invoices", "body": json.dumps(SCOPE_401),
         "headers": {"WWW-Authenticate": 'Bearer error="insufficient_scope"'}},
    ])
    d = diagnose(table)
    assert d.codes[0] == "missing_scope"
    assert any("row 2 is diagnosed" in n for n in d.notes)
    one = diagnose(table.iloc[[1]])
    assert one.codes[0] == "missing_scope" and not any("rows" in n for n in one.notes)


def test_a_mock_object_names_no_endpoint() -> None:
    from unittest.mock import MagicMock
    d = diagnose(MagicMock())
    assert not any("MagicMock" in n for n in d.notes) and "MagicMock" not in str(d.decisive_fact)


def test_a_request_that_says_it_came_from_xero_node_proves_no_missing_token() -> None:
    """xero-node leaves Authorization out of what it records: its User-Agent on a request that
    shows no Authorization says nothing of the token sent."""
    r = response(401, {"Title": "Unauthorized", "Status": 401}, f"{API}/Accounts",
                 request_headers={"User-Agent": "xero-node-20.0.0", "xero-tenant-id": TENANT})
    d = diagnose(r)
    assert not any("No access token was sent" in f.title for f in d.findings)
    plain = response(401, {"Title": "Unauthorized", "Status": 401}, f"{API}/Accounts",
                     request_headers={"User-Agent": "python-requests/2.34", "xero-tenant-id": TENANT})
    assert any("No access token was sent" in f.title for f in diagnose(plain).findings)


def test_axios_timeout_is_no_answer_and_its_message_has_no_status() -> None:
    d = diagnose(text="AxiosError: timeout of 1000ms exceeded")
    assert d.codes == ("unknown",) and d.findings[0].title.startswith("No answer from Xero")
    e = diagnose(text="AxiosError: Network Error while syncing")
    assert e.findings[0].title == "axios's own message, without Xero's answer"


def test_a_request_method_given_as_bytes_is_the_method() -> None:
    from types import SimpleNamespace
    r = SimpleNamespace(status_code=403, headers={}, text=json.dumps(TENANT_403),
                        request=SimpleNamespace(method=b"GET", url=f"{API}/Invoices", headers={}))
    assert diagnose(r).observed.method == "GET"
