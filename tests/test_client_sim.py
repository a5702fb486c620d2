"""XeroClient against the simulator: real refusals, loopback origin, faults, token refresh."""

from __future__ import annotations

import collections
from typing import Any

import pytest

from xero_nb.auth import MemoryTokenStore
from xero_nb.auth.config import Settings
from xero_nb.auth.flow import XeroAuth
from xero_nb.client.call import RetryPolicy, XeroClient
from xero_nb.http import BaseTransport, Request, Response
from xero_nb.simulator import SimServer, XeroSimulator


class Counting(BaseTransport):
    """Passes requests to the simulator and counts each one sent (dropped ones included)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sent: collections.Counter[tuple[str, str]] = collections.Counter()

    def handle_request(self, request: Request) -> Response:
        body = request.read().decode()
        self.sent[(request.method, body or request.url.path)] += 1
        response: Response = self.inner.handle_request(request)
        return response


def test_missing_scope_is_401_with_correlation_id_and_limits(sim: XeroSimulator) -> None:
    tok = sim.issue_token(scopes=["accounting.settings.read"])
    c = XeroClient(token=tok, transport=sim.transport(), tenant_id=sim.tenants[0].tenant_id)
    r = c.call("/Invoices")
    assert r.status == 401 and r.problem == "AuthorizationUnsuccessful"
    assert r.header("www-authenticate") == "insufficient_scope"
    assert r.correlation_id and r.correlation_id == r.body["Instance"]
    assert r.limits.minute_remaining is not None and r.limits.day_remaining is not None
    assert r.attempts == 1 and r.stopped is None
    assert tok["access_token"] not in repr(r) + str(r.request) + r.request.curl()
    ok = c.call("/Accounts")
    assert ok.ok and isinstance(ok.body["Accounts"], list)


def test_missing_tenant_header_is_403(sim: XeroSimulator) -> None:
    c = XeroClient(token=sim.issue_token(scopes=["accounting.settings.read"]),
                   transport=sim.transport())
    r = c.call("/Accounts")
    assert r.status == 403 and r.problem == "AuthenticationUnsuccessful"
    assert r.request.header("xero-tenant-id") is None


def test_tenants_and_loopback_origin(served_sim: SimServer) -> None:
    sim = served_sim.sim
    c = XeroClient(token=sim.issue_token(scopes=["accounting.contacts.read"]),
                   urls=served_sim.urls)
    tenants = c.tenants()
    assert {t.tenant_id for t in tenants} >= {sim.tenants[0].tenant_id}
    r = c.call("https://api.xero.com/api.xro/2.0/Contacts", tenant_id=tenants[0])
    assert r.ok and r.url.startswith(served_sim.url)
    c.close()


def test_writes_go_through_when_allowed(sim_nolimits: XeroSimulator) -> None:
    sim = sim_nolimits
    c = XeroClient(token=sim.issue_token(scopes=["accounting.contacts"]), transport=sim.transport(),
                   tenant_id=sim.tenants[0].tenant_id, allow_writes=True)
    r = c.call("/ContactGroups", "PUT", json={"ContactGroups": [{"Name": "VIP"}]})
    assert r.ok and r.body["ContactGroups"][0]["Name"] == "VIP"
    names = [g["Name"] for g in c.call("/ContactGroups").body["ContactGroups"]]
    assert names.count("VIP") == 1


def test_thousand_calls_with_ten_percent_faults(sim_nolimits: XeroSimulator) -> None:
    sim = sim_nolimits
    tenant = sim.tenants[0].tenant_id
    for kind, share in (("500", 0.03), ("503", 0.03), ("drop", 0.03), ("truncate", 0.01)):
        sim.faults.add(kind, share=share)
    counting = Counting(sim.transport())
    slept: list[float] = []
    c = XeroClient(token=sim.issue_token(scopes=["accounting.contacts", "accounting.settings.read"]),
                   transport=counting, tenant_id=tenant, allow_writes=True, sleep=slept.append,
                   retry=RetryPolicy(max_attempts=5))
    results = []
    for i in range(1000):
        if i % 10 == 0:  # 100 writes, each with a name of its own
            results.append(c.call("/ContactGroups", "PUT",
                                  json={"ContactGroups": [{"Name": f"group-{i}"}]}))
        else:
            results.append(c.call("/Organisation" if i % 2 else "/ContactGroups"))
    assert len(results) == 1000
    writes = [r for r in results if r.method == "PUT"]
    gets = [r for r in results if r.method == "GET"]
    # Every result is accounted for: a success, or a failure with its reason.
    for r in results:
        assert r.ok or r.status in (0, 500, 503), r.summary()
        assert r.ok or r.stopped is not None
    # Writes: sent exactly once, whatever happened.
    assert all(r.attempts == 1 for r in writes)
    write_keys = [k for k in counting.sent if k[0] == "PUT"]
    assert len(write_keys) == 100 and all(counting.sent[k] == 1 for k in write_keys)
    failed_writes = [r for r in writes if not r.ok]
    assert failed_writes and all(r.stopped == "writes are never retried" for r in failed_writes)
    # GETs: retried through the faults.
    assert sum(r.attempts for r in gets) > len(gets)
    assert sum(r.ok for r in gets) >= 890
    total_sent = sum(counting.sent.values())
    assert total_sent == sum(r.attempts for r in results)
    assert len(slept) == total_sent - 1000
    # The organisation holds each written group at most once.
    sim.faults.clear()
    names = collections.Counter(g["Name"] for g in c.call("/ContactGroups").body["ContactGroups"])
    assert all(names[f"group-{i}"] <= 1 for i in range(0, 1000, 10))
    assert sum(names[f"group-{i}"] for i in range(0, 1000, 10)) == sum(r.ok for r in writes)


def test_day_limit_is_reported_not_retried(sim: XeroSimulator) -> None:
    demo = sim.apps["pkce"]  # Starter tier: 1,000 calls a day
    tok = sim.issue_token(scopes=["accounting.settings.read"], app="pkce")
    c = XeroClient(token=tok, transport=sim.transport(), tenant_id=sim.tenants[0].tenant_id,
                   sleep=lambda s: sim.advance(s))
    assert demo.tier == "starter"
    statuses = collections.Counter()
    last = None
    for _ in range(1001):
        last = c.call("/Organisation")
        statuses[last.status] += 1
        sim.advance(1.1)  # stay under 60 a minute; the day fills up
    assert last is not None and last.status == 429 and last.limits.problem == "day"
    assert last.attempts == 1 and "day limit" in (last.stopped or "")
    assert statuses[200] == 1000


def test_minute_limit_waits_retry_after() -> None:
    # A clock only sleeping moves: the 61 calls fall in one minute however slow the machine.
    sim = XeroSimulator(clock=lambda: 1_800_000_000.0)
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        sim.advance(seconds)

    c = XeroClient(token=sim.issue_token(scopes=["accounting.settings.read"]),
                   transport=sim.transport(), tenant_id=sim.tenants[0].tenant_id, sleep=sleep,
                   clock=sim.clock)
    results = [c.call("/Organisation") for _ in range(61)]
    assert all(r.ok for r in results)
    assert all(r.retries == () for r in results[:60])
    # The 61st met a 429, waited the minute out (Retry-After: 60 s) and then got through.
    assert results[-1].retries == ("429 minute",) and waited == [60]


@pytest.fixture
def auth_for(sim: XeroSimulator) -> Any:
    def make(scopes: list[str]) -> XeroAuth:
        demo = sim.apps["web"]
        store = MemoryTokenStore(clock=sim.clock)
        store.save(sim.issue_token(scopes=["offline_access", *scopes]))
        settings = Settings(client_id=demo.client_id, client_secret=demo.client_secret,
                            redirect_uri="http://127.0.0.1/callback", era=demo.era)
        # The auth object's clock lags the simulator's: it thinks the token is fresh.
        return XeroAuth(settings, store=store, transport=sim.transport(),
                        clock=lambda: sim.clock() - 10_000)

    return make


def test_token_expired_refreshes_through_xero_auth(sim: XeroSimulator, auth_for: Any) -> None:
    auth = auth_for(["accounting.settings.read"])
    c = XeroClient(auth=auth, transport=sim.transport(), tenant_id=sim.tenants[0].tenant_id)
    before = auth.token().access_token
    sim.advance(2000)  # past the 30-minute lifetime, as the simulator sees it
    r = c.call("/Organisation")
    assert r.ok and r.retries == ("TokenExpired: refreshed",) and r.attempts == 2
    assert auth.token().access_token != before


def test_token_expired_write_is_not_resent(sim: XeroSimulator, auth_for: Any) -> None:
    auth = auth_for(["accounting.contacts"])
    counting = Counting(sim.transport())
    c = XeroClient(auth=auth, transport=counting, tenant_id=sim.tenants[0].tenant_id,
                   allow_writes=True)
    before = auth.token().access_token
    sim.advance(2000)
    r = c.call("/ContactGroups", "PUT", json={"ContactGroups": [{"Name": "once"}]})
    assert r.status == 401 and r.problem == "TokenExpired" and r.attempts == 1
    assert sum(n for (m, _), n in counting.sent.items() if m == "PUT") == 1
    # The token was refreshed for next time, and the caller is told to send again.
    assert r.stopped == "writes are never retried: token refreshed, send again"
    assert auth.token().access_token != before
    again = c.call("/ContactGroups", "PUT", json={"ContactGroups": [{"Name": "once"}]})
    assert again.ok and again.attempts == 1


def test_bank_statement_report_diagnosis_names_the_restriction(sim_nolimits) -> None:  # type: ignore[no-untyped-def]
    from xero_nb.client.call import XeroClient

    sim = sim_nolimits
    client = XeroClient(token=sim.issue_token(scopes=["accounting.reports.read"]),
                        transport=sim.transport(), tenant_id=sim.tenants[0].tenant_id)
    result = client.call("GET", "/Reports/BankStatement")
    assert result.status == 401
    assert result.diagnosis().findings[0].code == "restricted_scope"
