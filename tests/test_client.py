"""XeroClient on a scripted transport: URLs, headers, redaction, retries, writes, refresh."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xero_nb.auth.tokens import Token
from xero_nb.catalog.index import load_catalog
from xero_nb.client.call import MissingPathParamError, RetryPolicy, XeroClient
from xero_nb.client.result import RateLimits, RequestRecord
from xero_nb.errors import WriteNotAllowedError
from xero_nb.facts import XeroURLs
from xero_nb.http import MockTransport, Request, Response, TransportError
from xero_nb.redact import redact_body, redact_url

ACCESS = "eyJhbGciOiJub25lIn0.eyJzY29wZSI6W119.c2VjcmV0LWFjY2Vzcy10b2tlbi12YWx1ZQ"
REFRESH = "refresh-secret-value-0001"
TENANT = "0b3c44b0-5c7b-4a8e-9c5e-2f1d6c1b7a11"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def token(access: str = ACCESS) -> dict[str, object]:
    return {"access_token": access, "refresh_token": REFRESH, "expires_in": 1800,
            "token_type": "Bearer", "scope": "accounting.settings.read accounting.contacts"}


class Script:
    """A transport answering from a list of responses (or exceptions), recording requests."""

    def __init__(self, *answers: Response | Exception | Callable[[Request], Response]) -> None:
        self.answers = list(answers)
        self.requests: list[Request] = []
        self.transport = MockTransport(self.handle)

    def handle(self, request: Request) -> Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, Response):
            return answer(request)
        return answer


def ok(body: object = None, **headers: str) -> Response:
    return Response(200, json=body if body is not None else {"Organisations": []},
                    headers={"Xero-Correlation-Id": "cid-1", **headers})


def client(script: Script, **kw: object) -> tuple[XeroClient, list[float]]:
    slept: list[float] = []
    c = XeroClient(token=kw.pop("tok", token()), transport=script.transport,  # type: ignore[arg-type]
                   tenant_id=TENANT, sleep=slept.append, **kw)  # type: ignore[arg-type]
    return c, slept


def test_get_by_path_sends_tenant_json_accept_and_records_everything() -> None:
    s = Script(ok({"Organisations": [{"Name": "Demo"}]}, **{
        "X-MinLimit-Remaining": "58", "X-DayLimit-Remaining": "4990",
        "X-AppMinLimit-Remaining": "9990"}))
    c, _ = client(s)
    r = c.call("/Organisation")
    sent = s.requests[0]
    assert str(sent.url) == "https://api.xero.com/api.xro/2.0/Organisation"
    assert sent.headers["xero-tenant-id"] == TENANT
    assert sent.headers["accept"] == "application/json"
    assert sent.headers["authorization"] == f"Bearer {ACCESS}"
    assert r.status == 200 and r.ok and r.attempts == 1 and r.retries == ()
    assert r.correlation_id == "cid-1"
    assert r.limits == RateLimits(4990, 58, 9990, None, None)
    assert r.body == {"Organisations": [{"Name": "Demo"}]}
    assert r.endpoint is not None and r.endpoint.operation_id == "getOrganisations"
    assert r.request.header("authorization") == "Bearer <ACCESS_TOKEN>"
    assert r.request.header("xero-tenant-id") == TENANT
    assert r.granted == frozenset({"accounting.settings.read", "accounting.contacts"})
    assert r.elapsed >= 0


def test_endpoint_with_path_params_and_query() -> None:
    s = Script(ok())
    c, _ = client(s)
    ep = load_catalog().get("accounting", "getInvoice")
    r = c.call(ep, path_params={"invoiceid": "abc 1"}, query={"unitdp": 4})
    assert str(s.requests[0].url) == "https://api.xero.com/api.xro/2.0/Invoices/abc%201?unitdp=4"
    assert r.endpoint == ep
    with pytest.raises(MissingPathParamError, match="InvoiceID"):
        c.call(ep)


@pytest.mark.parametrize("args", [("/Organisation", "GET"), ("GET", "/Organisation"),
                                  ("GET /Organisation",), ("get", "/Organisation")])
def test_method_and_url_may_come_in_either_order(args: tuple[str, ...]) -> None:
    s = Script(ok())
    c, _ = client(s)
    r = c.call(*args)
    assert s.requests[0].method == "GET"
    assert str(s.requests[0].url) == "https://api.xero.com/api.xro/2.0/Organisation"
    assert r.endpoint is not None and r.endpoint.operation_id == "getOrganisations"


def test_a_bad_method_is_a_clear_error() -> None:
    c, _ = client(Script(ok()))
    with pytest.raises(ValueError, match="no HTTP method"):
        c.call("/Organisation", "FETCH")


def test_urls_move_onto_a_simulator_origin_and_identity_needs_no_tenant() -> None:
    s = Script(Response(200, json=[]))
    c, _ = client(s, urls=XeroURLs.on("http://127.0.0.1:9999"))
    c.call("https://api.xero.com/connections")
    c.call("/api.xro/2.0/Accounts")
    c.call("/Accounts")
    urls = [str(r.url) for r in s.requests]
    assert urls == ["http://127.0.0.1:9999/connections",
                    "http://127.0.0.1:9999/api.xro/2.0/Accounts",
                    "http://127.0.0.1:9999/api.xro/2.0/Accounts"]
    assert "xero-tenant-id" not in s.requests[0].headers
    assert s.requests[1].headers["xero-tenant-id"] == TENANT


def test_writes_need_allow_writes_and_nothing_is_sent_without_it() -> None:
    s = Script(ok())
    c, _ = client(s)
    with pytest.raises(WriteNotAllowedError) as err:
        c.call("/Contacts", "PUT", json={"Contacts": [{"Name": "x"}]})
    assert err.value.code == "write_not_allowed"
    assert s.requests == []


WRITES = [("PUT", "/Contacts"), ("POST", "/Contacts"), ("PATCH", "/projects.xro/2.0/Projects/abc"),
          ("DELETE", "/Items/abc")]


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_every_write_method_is_gated_and_sent_exactly_once_when_allowed(method: str, path: str) -> None:
    s = Script(Response(503, json={"Detail": "offline"}), ok())
    c, slept = client(s)
    with pytest.raises(WriteNotAllowedError, match=method):
        c.call(path, method, json={"Name": "x"})
    with pytest.raises(WriteNotAllowedError):  # the per-call switch narrows a client that allows
        XeroClient(token=token(), transport=s.transport, allow_writes=True).call(
            path, method, json={"Name": "x"}, allow_writes=False)
    assert s.requests == []
    r = c.call(path, method, json={"Name": "x"}, allow_writes=True)
    assert [q.method for q in s.requests] == [method] and r.attempts == 1 and slept == []
    assert r.status == 503 and r.stopped == "writes are never retried"


@pytest.mark.anyio
@pytest.mark.parametrize(("method", "path"), WRITES)
async def test_acall_gates_every_write_method(method: str, path: str) -> None:
    s = Script(ok())
    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT)
    with pytest.raises(WriteNotAllowedError):
        await c.acall(path, method, json={"Name": "x"})
    assert s.requests == []
    r = await c.acall(path, method, json={"Name": "x"}, allow_writes=True)
    assert r.status == 200 and [q.method for q in s.requests] == [method]


def test_reads_are_never_gated() -> None:
    s = Script(ok())
    c, _ = client(s)
    assert c.call("/Contacts", "GET").status == 200 and len(s.requests) == 1


@pytest.mark.parametrize("failure", [Response(503, json={"Detail": "offline"}),
                                     TransportError("connection dropped")])
def test_writes_are_never_retried(failure: Response | Exception) -> None:
    s = Script(failure, ok())
    c, slept = client(s, allow_writes=True)
    r = c.call("/Contacts", "PUT", json={"Contacts": [{"Name": "x"}]})
    assert len(s.requests) == 1 and r.attempts == 1 and slept == []
    assert r.stopped == "writes are never retried"
    assert r.request.body == '{"Contacts":[{"Name":"x"}]}'
    if isinstance(failure, Exception):
        assert r.status == 0 and r.error is not None and "dropped" in r.error


def test_get_retries_5xx_and_dropped_connections_with_backoff() -> None:
    s = Script(Response(500), TransportError("reset"), Response(503), ok())
    c, slept = client(s)
    r = c.call("/Organisation")
    assert r.status == 200 and r.attempts == 4
    assert r.retries == ("500", "TransportError", "503")
    assert slept == [0.5, 1.0, 2.0]


def test_get_gives_up_after_max_attempts() -> None:
    s = Script(Response(502))
    c, slept = client(s, retry=RetryPolicy(max_attempts=3, backoff=0.1))
    r = c.call("/Organisation")
    assert r.status == 502 and r.attempts == 3 and len(s.requests) == 3
    assert r.stopped == "gave up after 3 attempts"
    assert slept == [0.1, 0.2]


def test_429_minute_waits_retry_after_then_succeeds() -> None:
    limited = Response(429, headers={"X-Rate-Limit-Problem": "minute", "Retry-After": "7"})
    s = Script(limited, ok())
    c, slept = client(s)
    r = c.call("/Organisation")
    assert r.status == 200 and slept == [7.0] and r.retries == ("429 minute",)


def test_429_day_is_reported_not_retried() -> None:
    s = Script(Response(429, headers={"X-Rate-Limit-Problem": "day", "Retry-After": "30000",
                                      "X-DayLimit-Remaining": "0"}))
    c, slept = client(s)
    r = c.call("/Organisation")
    assert r.status == 429 and r.rate_limited and r.attempts == 1 and slept == []
    assert r.limits.problem == "day" and r.limits.day_remaining == 0
    assert r.stopped is not None and "day limit" in r.stopped


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_5xx_retry_after_of_a_day_is_capped_at_max_wait(status: int) -> None:
    # A 5xx's Retry-After is advice; a notebook cell must not hang for a day on it.
    s = Script(Response(status, headers={"Retry-After": "86400"}), ok())
    c, slept = client(s)
    r = c.call("/Organisation")
    assert r.status == 200 and r.attempts == 2 and slept == [RetryPolicy().max_wait]
    s = Script(Response(status, headers={"Retry-After": "86400"}), ok())
    c, slept = client(s, retry=RetryPolicy(max_wait=5.0))
    assert c.call("/Organisation").status == 200 and slept == [5.0]


def test_a_short_5xx_retry_after_is_honoured_over_the_backoff() -> None:
    s = Script(Response(503, headers={"Retry-After": "3"}), Response(503, headers={"Retry-After": "-1"}), ok())
    c, slept = client(s)
    r = c.call("/Organisation")
    assert r.status == 200 and slept == [3.0, 1.0]  # a negative Retry-After falls back to backoff


def test_long_retry_after_is_reported_not_slept() -> None:
    s = Script(Response(429, headers={"X-Rate-Limit-Problem": "minute", "Retry-After": "900"}))
    c, slept = client(s)
    r = c.call("/Organisation")
    assert r.attempts == 1 and slept == [] and "max_wait" in (r.stopped or "")


def expired() -> Response:
    return Response(401, json={"Type": None, "Title": "Unauthorized", "Status": 401,
                               "Detail": "TokenExpired: token expired at 04/09/2023 05:16:59"})


class FakeAuth:
    """Stands in for XeroAuth: hands out a token, counts refreshes."""

    def __init__(self) -> None:
        self.refreshes = 0
        self.current = Token.from_response(token("old-access-token-0001"), clock=lambda: 0.0)

    def token(self) -> Token:
        return self.current

    def refresh(self) -> Token:
        self.refreshes += 1
        self.current = Token.from_response(token(f"new-access-token-000{self.refreshes}"),
                                           clock=lambda: 0.0)
        return self.current


def test_token_expired_refreshes_once_through_auth_and_retries_once() -> None:
    s = Script(expired(), ok())
    auth = FakeAuth()
    c = XeroClient(auth=auth, transport=s.transport, tenant_id=TENANT, sleep=lambda _: None)
    r = c.call("/Organisation")
    assert r.status == 200 and auth.refreshes == 1 and r.retries == ("TokenExpired: refreshed",)
    assert [q.headers["authorization"] for q in s.requests] == [
        "Bearer old-access-token-0001", "Bearer new-access-token-0001"]


def test_token_expired_twice_is_returned_not_looped() -> None:
    s = Script(expired())
    auth = FakeAuth()
    c = XeroClient(auth=auth, transport=s.transport, sleep=lambda _: None)
    r = c.call("/Organisation")
    assert r.status == 401 and r.problem == "TokenExpired" and auth.refreshes == 1
    assert len(s.requests) == 2
    assert r.stopped == "token still expired after a refresh"


def test_token_expired_without_an_auth_object_says_so() -> None:
    s = Script(expired())
    c, slept = client(s)
    r = c.call("/Organisation")
    assert len(s.requests) == 1 and slept == []
    assert r.stopped == "token expired and no auth object to refresh it"


@pytest.mark.parametrize(("retry_after", "usable"), [
    (None, None), (float("inf"), None), (float("nan"), None), (-1.0, None), (-0.001, None),
    (0.0, 0.0), (0.5, 0.5), (7.0, 7.0), (86400.0, 86400.0)])
def test_server_wait_keeps_only_finite_non_negative_retry_after(retry_after: float | None,
                                                               usable: float | None) -> None:
    assert RetryPolicy.server_wait(RateLimits(retry_after=retry_after)) == usable
    capped = RetryPolicy(max_wait=300.0).capped(RateLimits(minute_remaining=3, retry_after=retry_after))
    assert capped.minute_remaining == 3  # only Retry-After is touched
    assert capped.retry_after == (None if usable is None else min(usable, 300.0))


def test_a_zero_or_fractional_retry_after_is_used_as_given() -> None:
    s = Script(Response(503, headers={"Retry-After": "0"}), Response(503, headers={"Retry-After": "0.25"}), ok())
    c, slept = client(s)
    assert c.call("/Organisation").status == 200 and slept == [0.0, 0.25]


def test_no_secret_reaches_repr_record_curl_or_body() -> None:
    body = {"access_token": ACCESS, "refresh_token": REFRESH, "Code": "200"}
    s = Script(ok(body, **{"Set-Cookie": f"session={ACCESS}"}))
    c, _ = client(s, allow_writes=True)
    r = c.call("/Accounts", "PUT", json={"Code": "200", "note": ACCESS})
    text = " ".join([repr(r), str(r.request), r.request.curl(), json.dumps(r.body),
                     str(r.headers), repr(c)])
    assert ACCESS not in text and REFRESH not in text
    assert r.body["Code"] == "200"  # account codes are not secrets
    assert r.header("set-cookie") is None


def test_redaction_helpers() -> None:
    url = redact_url("https://x/cb?code=abc123&state=s1&client_secret=shh")
    assert "abc123" not in url and "shh" not in url and "state=s1" in url
    form = redact_body("grant_type=refresh_token&refresh_token=rt-123456&client_id=c")
    assert "rt-123456" not in form and "client_id=c" in form
    assert "tok-98765" not in redact_body("plain text tok-98765", ["tok-98765"])
    rec = RequestRecord("GET", "https://api.xero.com/x", (("Authorization", "Bearer <ACCESS_TOKEN>"),))
    assert rec.curl().startswith("curl -X GET https://api.xero.com/x -H")


def test_store_supplies_the_token_when_none_given() -> None:
    class Store:
        def load(self) -> Token:
            return Token.from_response(token(), clock=lambda: 0.0)

    s = Script(ok())
    c = XeroClient(store=Store(), transport=s.transport)
    c.call("/Organisation")
    assert s.requests[0].headers["authorization"] == f"Bearer {ACCESS}"


def test_without_token_sends_no_authorization() -> None:
    s = Script(Response(401, json={"Detail": "AuthenticationUnsuccessful"}))
    c = XeroClient(transport=s.transport, sleep=lambda _: None)
    r = c.call("/Organisation")
    assert "authorization" not in s.requests[0].headers and r.status == 401
    assert r.problem == "AuthenticationUnsuccessful"


def test_truncated_json_body_is_kept_as_text() -> None:
    s = Script(Response(200, content=b'{"Organisations": [{"Na', headers={
        "content-type": "application/json"}))
    c, _ = client(s)
    r = c.call("/Organisation")
    assert r.status == 200 and r.body == '{"Organisations": [{"Na'


@pytest.mark.anyio
async def test_acall_retries_with_injected_async_sleep() -> None:
    s = Script(Response(503), ok())
    waits: list[float] = []

    async def asleep(seconds: float) -> None:
        waits.append(seconds)

    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT, asleep=asleep)
    r = await c.acall("/Organisation")
    assert r.status == 200 and r.attempts == 2 and waits == [0.5]
    assert s.requests[1].headers["authorization"] == f"Bearer {ACCESS}"


def test_tenants_reads_connections() -> None:
    rows = [{"id": "c1", "tenantId": TENANT, "tenantName": "Demo", "tenantType": "ORGANISATION"}]
    s = Script(Response(200, json=rows))
    c, _ = client(s)
    (t,) = c.tenants()
    assert t.tenant_id == TENANT and t.connection_id == "c1"
    assert str(s.requests[0].url) == "https://api.xero.com/connections"


@pytest.mark.anyio
async def test_concurrent_token_expiries_share_one_refresh() -> None:
    import asyncio

    auth = FakeAuth()

    def handle(request: Request) -> Response:
        if request.headers["authorization"] == "Bearer old-access-token-0001":
            return expired()
        return ok()

    c = XeroClient(auth=auth, transport=MockTransport(handle), tenant_id=TENANT)
    async with c.async_session() as session:
        results = await asyncio.gather(*(c.acall("/Organisation", session=session)
                                         for _ in range(5)))
    assert all(r.ok for r in results) and auth.refreshes == 1


def test_docstring_examples() -> None:
    import doctest

    import xero_nb.client.policy
    import xero_nb.client.result

    for module in (xero_nb.client.result, xero_nb.client.policy):
        assert doctest.testmod(module).failed == 0


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.",
               min_size=12, max_size=40)
       # token-like: an upper-case letter and a digit, so it cannot be a piece of the ordinary
       # text around it (a header name such as "accept-encoding", or "<ACCESS_TOKEN>")
       .filter(lambda s: any(c.isupper() for c in s) and any(c.isdigit() for c in s)),
       st.sampled_from(["body", "header", "query", "json"]))
def test_the_token_never_shows_wherever_it_is_echoed(secret: str, where: str) -> None:
    def echo(request: Request) -> Response:
        if where == "body":
            return Response(500, text=f"upstream said Bearer {secret}")
        if where == "header":
            return Response(200, json={}, headers={"X-Debug": secret})
        if where == "json":
            return Response(200, json={"nested": [{"access_token": secret, "note": secret}]})
        return Response(200, json={"next": f"https://api.xero.com/x?token={secret}"})

    c = XeroClient(token={"access_token": secret, "scope": ""}, transport=MockTransport(echo),
                   sleep=lambda _: None)
    r = c.call(f"/Organisation?access_token={secret}" if where == "query" else "/Organisation")
    shown = " ".join([repr(r), str(r.request), r.request.curl(), json.dumps(r.body),
                      str(r.headers), r.error or "", r.summary()])
    assert secret not in shown


@pytest.mark.parametrize("url", [
    "https://attacker.example.com/steal",
    "http://api.xero.com/api.xro/2.0/Invoices",       # plain http
    "https://api.xero.com.evil.example/api.xro/2.0/Invoices",
])
def test_the_token_is_never_sent_off_the_xero_api_origin(url: str) -> None:
    s = Script(ok())
    c, _ = client(s)
    with pytest.raises(ValueError, match="refusing to send the Xero token"):
        c.call("GET", url)
    assert s.requests == []


def test_a_bare_access_token_string_is_accepted() -> None:
    s = Script(ok())
    c = XeroClient(token=ACCESS, transport=s.transport, tenant_id=TENANT)
    assert c.call("GET", "/Organisation").status == 200
    assert s.requests[0].headers["authorization"] == f"Bearer {ACCESS}"
    assert ACCESS not in repr(c.current_token())


def test_tenants_says_why_the_listing_failed() -> None:
    from xero_nb.errors import AuthError

    s = Script(TransportError("connection refused"))
    c, _ = client(s, retry=RetryPolicy(max_attempts=1))
    with pytest.raises(AuthError) as info:
        c.tenants()
    assert info.value.code == "connections_failed"
    assert "no response" in str(info.value) and "connection refused" in str(info.value)
    s = Script(Response(401, json={"Title": "Unauthorized", "Detail": "AuthenticationUnsuccessful"}))
    c, _ = client(s)
    with pytest.raises(AuthError, match="answered 401"):
        c.tenants()
