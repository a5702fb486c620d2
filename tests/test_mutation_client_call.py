"""XeroClient's call, acall, get and tenants in the cases mutation testing found unpinned: an
async call sends what a sync one sends, a limiter sees every attempt's answer, a client is
reusable after close, and what a failed organisation listing says.
"""

from __future__ import annotations

import pytest
from authlib.integrations.base_client.errors import UnsupportedTokenTypeError
from test_client import Script

from xero_nb.auth.tokens import Token
from xero_nb.client.call import RetryPolicy, XeroClient
from xero_nb.client.result import RateLimits
from xero_nb.errors import AuthError, WriteNotAllowedError
from xero_nb.http import AsyncClient, Response, TransportError
from xero_nb.models import Tenant

ACCESS = "eyJhbGciOiJub25lIn0.eyJzY29wZSI6W119.bXV0YXRpb24tdGVzdC1hY2Nlc3M"
TENANT = "0b3c44b0-5c7b-4a8e-9c5e-2f1d6c1b7a11"
OTHER = "7d1e2f3a-0000-4000-8000-00000000beef"
INVOICE = "https://api.xero.com/api.xro/2.0/Invoices/INV%201?unitdp=4"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def token(access: str = ACCESS) -> dict[str, object]:
    return {"access_token": access, "refresh_token": "refresh-mutation-0001", "expires_in": 1800,
            "token_type": "Bearer", "scope": "accounting.transactions accounting.settings.read"}


def ok(body: object = None, **headers: str) -> Response:
    return Response(200, json=body if body is not None else {"Invoices": []}, headers=headers)


def expired() -> Response:
    return Response(401, json={"Title": "Unauthorized", "Status": 401,
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


class RecordingGate:
    """A limiter that lets every attempt through and records what each one answered."""

    def __init__(self) -> None:
        self.acquired = 0
        self.released: list[tuple[int, RateLimits]] = []

    async def acquire(self) -> None:
        self.acquired += 1

    def release(self, status: int, limits: RateLimits) -> None:
        self.released.append((status, limits))


async def no_sleep(seconds: float) -> None:
    return None


# -- acall sends what call sends ------------------------------------------------------------

@pytest.mark.anyio
async def test_acall_sends_the_same_request_as_call() -> None:
    sync, asyn = Script(ok()), Script(ok())
    kw: dict[str, object] = {"path_params": {"InvoiceID": "INV 1"}, "query": {"unitdp": 4},
                             "json": {"Status": "PAID"}, "allow_writes": True}
    done = XeroClient(token=token(), transport=sync.transport, tenant_id=TENANT).call(
        "/Invoices/{InvoiceID}", "POST", **kw)  # type: ignore[arg-type]
    r = await XeroClient(token=token(), transport=asyn.transport, tenant_id=TENANT).acall(
        "/Invoices/{InvoiceID}", "POST", **kw)  # type: ignore[arg-type]
    (a,), (b,) = sync.requests, asyn.requests
    assert str(b.url) == str(a.url) == INVOICE
    assert b.method == a.method == "POST"
    assert b.content == a.content == b'{"Status":"PAID"}'
    for name in ("content-type", "xero-tenant-id", "authorization", "accept"):
        assert b.headers[name] == a.headers[name], name
    assert b.headers["content-type"] == "application/json"
    assert sorted(a.headers) == sorted(b.headers) == [  # nothing else is sent
        "accept", "accept-encoding", "authorization", "connection", "content-length",
        "content-type", "host", "user-agent", "xero-tenant-id"]
    # what the result records is the request as sent, headers and all (token redacted)
    assert r.request.header("xero-tenant-id") == TENANT
    assert r.request.header("authorization") == "Bearer <ACCESS_TOKEN>"
    assert r.endpoint is not None and r.endpoint.operation_id == "updateInvoice"
    for result in (done, r):  # the result says what was called, where, for which organisation
        assert (result.method, result.url, result.tenant_id) == ("POST", INVOICE, TENANT)
        assert result.endpoint == r.endpoint and result.stopped is None


@pytest.mark.anyio
async def test_a_call_without_a_body_sends_no_content_type() -> None:
    s = Script(lambda _: ok())
    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT)
    c.call("/Invoices")
    await c.acall("/Invoices")
    assert [q.headers.get("content-type") for q in s.requests] == [None, None]


@pytest.mark.anyio
async def test_acall_sends_no_tenant_where_the_endpoint_takes_none() -> None:
    s = Script(Response(200, json=[]))
    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT)
    r = await c.acall("https://api.xero.com/connections")
    assert r.endpoint is not None and r.endpoint.operation_id == "getConnections"
    assert "xero-tenant-id" not in s.requests[0].headers


@pytest.mark.anyio
async def test_call_and_acall_settle_a_shared_payroll_url_by_region() -> None:
    s = Script(lambda _: ok())
    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT)
    r = await c.acall("/payroll.xro/2.0/Employees", region="UK")
    assert r.endpoint is not None and r.endpoint.api == "payroll_uk"
    r = c.call("/payroll.xro/2.0/Employees", region="NZ")
    assert r.endpoint is not None and r.endpoint.api == "payroll_nz"


@pytest.mark.anyio
async def test_acall_sends_the_tenant_given_for_that_call_else_the_clients() -> None:
    s = Script(ok())
    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT)
    await c.acall("/Invoices")
    await c.acall("/Invoices", tenant_id=OTHER)
    await c.acall("/Invoices", tenant_id=Tenant(connection_id="c-2", tenant_id=OTHER, tenant_name="Other"))
    assert [q.headers["xero-tenant-id"] for q in s.requests] == [TENANT, OTHER, OTHER]


@pytest.mark.anyio
async def test_acall_reports_a_dropped_connection_and_retries_a_get() -> None:
    s = Script(TransportError("connection reset"), ok())
    waits: list[float] = []

    async def asleep(seconds: float) -> None:
        waits.append(seconds)

    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT)
    r = await c.acall("/Invoices", asleep=asleep)
    assert r.status == 200 and r.retries == ("TransportError",) and waits == [0.5]
    s = Script(TransportError("connection reset"))
    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT,
                   retry=RetryPolicy(max_attempts=1))
    r = await c.acall("/Invoices")
    assert r.status == 0 and r.error == "TransportError: connection reset"


@pytest.mark.anyio
async def test_acall_refreshes_an_expired_token_once_then_reports_it() -> None:
    s = Script(expired())
    auth = FakeAuth()
    c = XeroClient(auth=auth, transport=s.transport, tenant_id=TENANT)
    r = await c.acall("/Invoices", asleep=no_sleep)
    assert r.status == 401 and auth.refreshes == 1 and len(s.requests) == 2
    assert r.stopped == "token still expired after a refresh"


@pytest.mark.anyio
async def test_an_expired_token_on_a_write_is_refreshed_but_the_write_not_resent() -> None:
    s = Script(expired(), ok())
    auth = FakeAuth()
    c = XeroClient(auth=auth, transport=s.transport, tenant_id=TENANT, allow_writes=True)
    r = await c.acall("/Contacts", "PUT", json={"Contacts": [{"Name": "x"}]}, asleep=no_sleep)
    assert len(s.requests) == 1 and r.status == 401 and r.attempts == 1
    assert r.stopped == "writes are never retried: token refreshed, send again"
    assert auth.refreshes == 1  # so sending it again works
    again = await c.acall("/Contacts", "PUT", json={"Contacts": [{"Name": "x"}]})
    assert again.status == 200
    assert s.requests[1].headers["authorization"] == "Bearer new-access-token-0001"


# -- the limiter sees every attempt ---------------------------------------------------------

@pytest.mark.anyio
async def test_the_gate_is_told_each_attempts_status_and_limits() -> None:
    limited = Response(429, headers={"X-Rate-Limit-Problem": "minute", "Retry-After": "3",
                                     "X-MinLimit-Remaining": "0"})
    s = Script(limited, TransportError("reset"), ok(**{"X-MinLimit-Remaining": "41"}))
    gate = RecordingGate()
    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT)
    r = await c.acall("/Invoices", gate=gate, asleep=no_sleep)
    assert r.status == 200 and gate.acquired == 3
    assert [status for status, _ in gate.released] == [429, 0, 200]
    first, dropped, last = (limits for _, limits in gate.released)
    assert first.retry_after == 3.0 and first.minute_remaining == 0
    assert dropped == RateLimits()  # no answer: nothing to hold off for
    assert last.minute_remaining == 41 and last.retry_after is None


@pytest.mark.anyio
async def test_the_gate_never_holds_off_longer_than_the_policy_would_wait() -> None:
    s = Script(Response(429, headers={"X-Rate-Limit-Problem": "minute", "Retry-After": "900"}))
    gate = RecordingGate()
    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT,
                   retry=RetryPolicy(max_wait=5.0))
    r = await c.acall("/Invoices", gate=gate, asleep=no_sleep)
    assert r.status == 429 and r.attempts == 1  # reported, not slept through
    assert [(status, limits.retry_after) for status, limits in gate.released] == [(429, 5.0)]


# -- sessions --------------------------------------------------------------------------------

@pytest.mark.anyio
async def test_acall_closes_the_session_it_opened_but_not_one_it_was_given() -> None:
    s = Script(ok())
    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT)
    opened: list[AsyncClient] = []
    make = c.async_session

    def tracked() -> AsyncClient:
        opened.append(make())
        return opened[-1]

    c.async_session = tracked  # type: ignore[method-assign]
    await c.acall("/Invoices")
    assert len(opened) == 1 and opened[0].is_closed
    async with make() as given:
        await c.acall("/Invoices", session=given)
        assert not given.is_closed
    assert len(opened) == 1


@pytest.mark.anyio
async def test_every_request_carries_the_clients_timeout() -> None:
    s = Script(lambda _: ok())
    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT, timeout=7.5)
    c.call("/Invoices")
    await c.acall("/Invoices")
    assert [q.extensions["timeout"]["read"] for q in s.requests] == [7.5, 7.5]


# -- get, close, tenants ---------------------------------------------------------------------

def test_get_is_a_call_with_get_and_passes_everything_else_on() -> None:
    s = Script(ok())
    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT)
    r = c.get("/Invoices/{InvoiceID}", path_params={"InvoiceID": "INV 1"}, query={"unitdp": 4},
              tenant_id=OTHER)
    assert (s.requests[0].method, str(s.requests[0].url)) == ("GET", INVOICE)
    assert s.requests[0].headers["xero-tenant-id"] == OTHER
    assert r.endpoint is not None and r.endpoint.operation_id == "getInvoice"
    with pytest.raises(TypeError):
        c.get("/Invoices", method="DELETE")  # get never sends another method
    assert len(s.requests) == 1


def test_a_closed_client_can_call_again_and_closing_twice_is_harmless() -> None:
    s = Script(ok())
    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT)
    c.close()  # never used: nothing to close
    assert c.call("/Invoices").status == 200
    c.close()
    c.close()
    assert c.call("/Invoices").status == 200
    with c as same:
        assert same is c
    assert len(s.requests) == 2


def test_tenants_refuses_a_connections_answer_that_is_not_a_list() -> None:
    s = Script(ok({"Connections": []}))
    c = XeroClient(token=token(), transport=s.transport)
    with pytest.raises(AuthError) as info:
        c.tenants()
    assert info.value.code == "connections_failed"
    assert info.value.hint == "diagnose the CallResult of client.call('/connections')"
    assert str(info.value) == ("GET /connections answered 200 — diagnose the CallResult of "
                               "client.call('/connections')")


# -- what every call shares (client/core.py) -------------------------------------------------

def test_elapsed_is_measured_on_the_clients_clock() -> None:
    ticks = iter([100.0, 102.5])
    s = Script(ok())
    c = XeroClient(token=Token.from_response(token(), clock=lambda: 0.0), transport=s.transport,
                   tenant_id=TENANT, clock=lambda: next(ticks))
    assert c.call("/Invoices").elapsed == 2.5


def test_no_token_of_the_client_shows_in_what_a_call_returns() -> None:
    tok = {**token(), "id_token": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJtdXRhbnQifQ.aWQtdG9rZW4tc2lnbmF0dXJl"}
    echo = f"{tok['access_token']} {tok['refresh_token']} {tok['id_token']}"
    s = Script(Response(500, text=f"upstream said {echo}"))
    c = XeroClient(token=tok, transport=s.transport, tenant_id=TENANT,
                   retry=RetryPolicy(max_attempts=1))
    r = c.call("/Invoices")
    shown = " ".join([repr(r), str(r.body), r.summary(), str(r.request)])
    for secret in (tok["access_token"], tok["refresh_token"], tok["id_token"]):
        assert str(secret) not in shown


def test_a_write_without_allow_writes_says_how_to_send_it() -> None:
    c = XeroClient(token=token(), transport=Script(ok()).transport)
    with pytest.raises(WriteNotAllowedError) as info:
        c.call("/Contacts", "PUT", json={})
    assert str(info.value) == "PUT changes the Xero organisation; pass allow_writes=True to send it"


def test_every_request_says_who_sends_it_and_what_it_accepts() -> None:
    s = Script(lambda _: ok())
    c = XeroClient(token=token(), transport=s.transport,
                   tenant_id=Tenant(connection_id="c-1", tenant_id=TENANT, tenant_name="Demo"))
    c.call("/Invoices")
    c.call("https://api.xero.com/api.xro/2.0/NotInTheCatalog")  # no endpoint: the tenant still goes
    for q in s.requests:
        assert q.headers["user-agent"] == "xero-nb/0.1" and q.headers["accept"] == "application/json"
        assert q.headers["xero-tenant-id"] == TENANT
        assert q.extensions["timeout"]["read"] == 30.0  # the default timeout


def test_granted_reads_the_token_wherever_it_comes_from() -> None:
    class Store:
        def load(self) -> Token:
            return Token.from_response(token(), clock=lambda: 0.0)

    scopes = {"accounting.transactions", "accounting.settings.read"}
    assert XeroClient(store=Store()).granted == scopes
    assert XeroClient(token=token()).granted == scopes
    assert XeroClient(auth=FakeAuth()).granted == scopes
    assert XeroClient().granted == frozenset()


def test_a_client_matches_urls_against_the_catalog_it_was_given() -> None:
    from xero_nb.catalog.index import Catalog, load_catalog

    only = Catalog([load_catalog().get("accounting", "getAccounts")], "x")
    s = Script(lambda _: ok())
    c = XeroClient(token=token(), transport=s.transport, tenant_id=TENANT, catalog=only)
    assert c.catalog is only
    assert c.call("/Invoices").endpoint is None
    r = c.call("/Accounts")
    assert r.endpoint is not None and r.endpoint.operation_id == "getAccounts"


def test_the_token_is_masked_wherever_the_request_record_echoes_it() -> None:
    # a short opaque token (no JWT shape, too short for redact's global memory) sent back in a
    # query parameter and a body field of no secret-sounding name: only the client's own list
    # of its token's secrets can mask it
    opaque = "opq7f3a9c1"
    s = Script(lambda _: ok())
    c = XeroClient(token={"access_token": opaque, "token_type": "Bearer"}, transport=s.transport,
                   tenant_id=TENANT, allow_writes=True)
    r = c.call(f"/Contacts?note={opaque}", "PUT", json={"Contacts": [{"Name": opaque}]})
    assert opaque in str(s.requests[0].url)  # it was sent as written
    assert opaque not in r.request.url and opaque not in (r.request.body or "")
    assert opaque not in r.request.curl() and opaque not in r.url


def test_a_token_of_another_type_is_not_sent_as_a_bearer_token() -> None:
    s = Script(lambda _: ok())
    c = XeroClient(token={"access_token": "mac-key-7f3a9c1d5e", "token_type": "MAC"},
                   transport=s.transport, tenant_id=TENANT)
    with pytest.raises(UnsupportedTokenTypeError, match="token_type"):
        c.call("/Invoices")
    assert s.requests == []


def test_a_token_given_as_text_or_a_response_is_read_on_the_clients_clock() -> None:
    c = XeroClient(token=token(), clock=lambda: 1000.0)
    tok = c.current_token()
    assert tok is not None and (tok.obtained_at, tok.expires_at) == (1000.0, 2800.0)
    bare = XeroClient(token="  opaque-access-7f3a9c1d  ", clock=lambda: 1000.0).current_token()
    assert bare is not None and bare.access_token == "opaque-access-7f3a9c1d"
    assert (bare.token_type, bare.obtained_at) == ("Bearer", 1000.0)


def test_resolve_without_a_method_is_a_get() -> None:
    c = XeroClient(token=token())
    method, url, ep = c.resolve("/Invoices")
    assert (method, url) == ("GET", "https://api.xero.com/api.xro/2.0/Invoices")
    assert ep is not None and ep.operation_id == "getInvoices"
