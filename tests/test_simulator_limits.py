"""Rate limits (with an injected clock and a time scale) and fault injection."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import anyio
import pytest

import xero_nb.simulator.transport as transport_module
from xero_nb.http import AsyncClient, Client, httpx
from xero_nb.probe.limits import run_virtual
from xero_nb.simulator import XeroSimulator

URL = "https://api.xero.com/api.xro/2.0/Accounts"


def _headers(sim: XeroSimulator, tok: dict[str, Any], country: str = "AU") -> dict[str, str]:
    return {"Authorization": "Bearer " + tok["access_token"],
            "xero-tenant-id": sim.tenant(country).tenant_id}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_minute_limit_headers_and_retry_after() -> None:
    clock = FakeClock()
    sim = XeroSimulator(clock=clock)
    tok = sim.issue_token(scopes=["accounting.settings"])
    c = Client(transport=sim.transport(), headers=_headers(sim, tok))
    first = c.get(URL)
    assert first.headers["X-MinLimit-Remaining"] == "59"
    assert first.headers["X-DayLimit-Remaining"] == "4999"
    assert first.headers["X-AppMinLimit-Remaining"] == "9999"
    clock.now += 20
    for _ in range(59):
        assert c.get(URL).status_code == 200
    refused = c.get(URL)
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "minute"
    assert refused.headers["Retry-After"] == "40"  # the first call leaves the window in 40 s
    assert refused.headers["X-MinLimit-Remaining"] == "0"
    assert refused.json()["Instance"] == refused.headers["Xero-Correlation-Id"]
    clock.now += 40.5
    assert c.get(URL).status_code == 200
    # limits are per connection: another tenant is unaffected
    other = c.get(URL, headers={"xero-tenant-id": sim.tenant("UK").tenant_id})
    assert other.headers["X-MinLimit-Remaining"] == "59"


def test_limit_headers_even_on_401() -> None:
    sim = XeroSimulator()
    tok = sim.issue_token(scopes=["accounting.contacts"])
    r = Client(transport=sim.transport()).get(URL, headers=_headers(sim, tok))
    assert r.status_code == 401 and r.headers["X-MinLimit-Remaining"] == "59"


LIMIT_HEADERS = ("X-DayLimit-Remaining", "X-MinLimit-Remaining", "X-AppMinLimit-Remaining")


def _quota(r: httpx.Response) -> tuple[str | None, ...]:
    return tuple(r.headers.get(h) for h in LIMIT_HEADERS)


def test_limit_headers_on_every_api_answer() -> None:
    # docs/xero-facts.md §6: the quotas come back on every API response, 401s included. Answers the
    # limiter never counted (faults, unknown paths, wrong methods, expired tokens) report what is
    # left without spending any of it; with no tenant known only the app-wide quota is given.
    sim = XeroSimulator()
    tok = sim.issue_token(scopes=["accounting.settings", "payroll.settings"])
    c = Client(transport=sim.transport(), headers=_headers(sim, tok))
    api = "https://api.xero.com"
    assert _quota(c.get(URL)) == ("4999", "59", "9999")  # counted
    sim.faults.add("503", "getAccounts", times=1)
    sim.faults.add("500", "/api.xro/2.0/Items*", times=1)
    answers = {
        "503": c.get(URL), "500": c.get(api + "/api.xro/2.0/Items"),
        "405": c.patch(URL), "404": c.get(api + "/api.xro/2.0/NoSuchThing"),
        "404 payroll": c.get(api + "/payroll.xro/2.0/NoSuchThing"),
    }
    for what, r in answers.items():
        assert (r.status_code, _quota(r)) == (int(what[:3]), ("4999", "59", "9999")), what
    untenanted = c.get(URL, headers={"xero-tenant-id": ""})
    assert untenanted.status_code == 403
    assert _quota(untenanted) == (None, None, "9999")
    assert untenanted.json()["Detail"] == "AuthenticationUnsuccessful"
    assert _quota(c.get(URL)) == ("4998", "58", "9998")  # none of the above was counted
    # an unknown token names no app: nothing to report; identity and /connections carry none
    assert _quota(c.get(URL, headers={"Authorization": "Bearer nope"})) == (None, None, None)
    assert _quota(c.get(api + "/connections")) == (None, None, None)
    assert _quota(c.get("https://identity.xero.com/.well-known/openid-configuration/jwks")) == (
        None, None, None)
    sim.advance(1801)  # the token expires; its quota is still reported
    expired = c.get(URL)
    assert expired.status_code == 401 and expired.json()["Detail"].startswith("TokenExpired")
    assert _quota(expired) == ("4998", "60", "10000")


def test_limit_headers_on_unknown_paths_over_loopback(served_sim) -> None:
    sim = served_sim.sim
    tok = sim.issue_token(scopes=["accounting.settings"])
    r = Client().get(served_sim.url + "/no/such/api", headers=_headers(sim, tok))
    assert r.status_code == 404 and _quota(r) == ("5000", "60", "10000")


def test_starter_tier_day_limit() -> None:
    sim = XeroSimulator()
    sim.limits.per_minute = 10**6  # isolate the day limit
    tok = sim.issue_token(scopes=["accounting.invoices.read"], app="pkce")  # Starter tier
    c = Client(transport=sim.transport(), headers=_headers(sim, tok))
    url = "https://api.xero.com/api.xro/2.0/Invoices"
    for _ in range(1000):
        last = c.get(url)
    assert last.status_code == 200 and last.headers["X-DayLimit-Remaining"] == "0"
    refused = c.get(url)
    assert refused.status_code == 429 and refused.headers["X-Rate-Limit-Problem"] == "day"
    assert 86000 < int(refused.headers["Retry-After"]) <= 86400
    sim.advance(86401)
    fresh = sim.issue_token(scopes=["accounting.invoices.read"], app="pkce")
    assert c.get(url, headers=_headers(sim, fresh)).status_code == 200


def test_app_minute_limit_spans_tenants() -> None:
    sim = XeroSimulator()
    sim.limits.app_per_minute = 3
    tok = sim.issue_token(scopes=["accounting.settings"])
    c = Client(transport=sim.transport())
    codes = [c.get(URL, headers=_headers(sim, tok, cc)).status_code for cc in ("AU", "NZ", "UK", "US")]
    assert codes == [200, 200, 200, 429]
    assert sim.calls[-1][1].headers["X-Rate-Limit-Problem"] == "appminute"


def test_time_scale_makes_a_minute_short() -> None:
    real = FakeClock()  # the wall clock the scaled one runs on: only the test moves it
    sim = XeroSimulator(clock=real, time_scale=120)  # a Xero minute lasts 0.5 s
    tok = sim.issue_token(scopes=["accounting.settings"])
    c = Client(transport=sim.transport(), headers=_headers(sim, tok))
    statuses = [c.get(URL).status_code for _ in range(61)]
    assert statuses[-1] == 429 and statuses.count(200) == 60
    # Retry-After is on the simulator's clock (60 Xero seconds, 0.5 s of this wall clock)
    assert sim.calls[-1][1].headers["Retry-After"] == "60"
    real.now += 0.45  # 54 Xero seconds: the minute is not over
    assert c.get(URL).status_code == 429
    real.now += 0.06  # 61.2 Xero seconds after the first calls
    assert c.get(URL).status_code == 200


def test_limits_off() -> None:
    sim = XeroSimulator(limits=False)
    tok = sim.issue_token(scopes=["accounting.settings"])
    c = Client(transport=sim.transport(), headers=_headers(sim, tok))
    rs = [c.get(URL) for _ in range(80)]
    assert {r.status_code for r in rs} == {200}
    assert "X-MinLimit-Remaining" not in rs[-1].headers
    assert _quota(c.get("https://api.xero.com/api.xro/2.0/NoSuchThing")) == (None, None, None)


def test_five_concurrent_calls_per_tenant() -> None:
    # On simulated time (the loop's clock drives the simulator and its latency), so the seven
    # calls are in flight together however slowly this machine starts them.
    statuses: list[int] = []

    async def main() -> XeroSimulator:
        sim = XeroSimulator(clock=asyncio.get_running_loop().time)
        sim.faults.add("latency", seconds=0.2)
        tok = sim.issue_token(scopes=["accounting.settings"])
        async with AsyncClient(transport=sim.transport(), headers=_headers(sim, tok)) as c:
            async def one() -> None:
                statuses.append((await c.get(URL)).status_code)

            async with anyio.create_task_group() as tg:
                for _ in range(7):
                    tg.start_soon(one)
        return sim

    sim = run_virtual(main(), start=1_800_000_000.0)
    assert sorted(statuses) == [200] * 5 + [429] * 2
    busy = [r for _, r in sim.calls if r.status_code == 429]
    assert busy[0].headers["X-Rate-Limit-Problem"] == "concurrent"
    assert busy[0].headers["Retry-After"] == "1"


def test_faults_500_503_per_route_and_times(sim_nolimits: XeroSimulator) -> None:
    sim = sim_nolimits
    tok = sim.issue_token(scopes=["accounting.settings", "accounting.transactions"])
    c = Client(transport=sim.transport(), headers=_headers(sim, tok))
    sim.faults.add("503", "getAccounts", times=1)
    sim.faults.add("500", "/api.xro/2.0/Invoices*")
    down = c.get(URL)
    assert down.status_code == 503 and down.json()["Detail"] == "The Organisation is offline"
    assert c.get(URL).status_code == 200  # times=1
    assert c.get("https://api.xero.com/api.xro/2.0/Invoices").status_code == 500
    assert c.get("https://api.xero.com/api.xro/2.0/Payments").status_code == 200
    sim.faults.clear()
    assert c.get("https://api.xero.com/api.xro/2.0/Invoices").status_code == 200


def test_fault_share_is_seeded(sim_nolimits: XeroSimulator) -> None:
    sim = sim_nolimits
    tok = sim.issue_token(scopes=["accounting.settings"])
    c = Client(transport=sim.transport(), headers=_headers(sim, tok))
    sim.faults.add("500", share=0.3)
    codes = [c.get(URL).status_code for _ in range(200)]
    assert 30 < codes.count(500) < 90
    again = XeroSimulator(limits=False)
    again.faults.add("500", share=0.3)
    tok2 = again.issue_token(scopes=["accounting.settings"])
    c2 = Client(transport=again.transport(), headers=_headers(again, tok2))
    assert [c2.get(URL).status_code for _ in range(200)] == codes


def test_dropped_truncated_and_slow(sim_nolimits: XeroSimulator,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    sim = sim_nolimits
    tok = sim.issue_token(scopes=["accounting.settings"])
    c = Client(transport=sim.transport(), headers=_headers(sim, tok))
    sim.faults.add("drop", times=1)
    with pytest.raises(httpx.TransportError):
        c.get(URL)
    sim.faults.add("truncate", times=1)
    cut = c.get(URL)
    assert cut.status_code == 200
    with pytest.raises(ValueError):
        cut.json()
    sim.faults.add("latency", seconds=0.05, times=1)
    slept: list[float] = []
    monkeypatch.setattr(transport_module, "time", SimpleNamespace(sleep=slept.append))
    assert c.get(URL).status_code == 200
    assert slept == [0.05]  # the answer waited the injected latency (once: times=1)
    assert c.get(URL).status_code == 200 and slept == [0.05]
    with pytest.raises(ValueError):
        sim.faults.add("teapot")


@pytest.mark.anyio
async def test_async_drop_and_server_drop(served_sim) -> None:
    sim = served_sim.sim
    tok = sim.issue_token(scopes=["accounting.settings"])
    sim.faults.add("drop", times=2)
    async with AsyncClient(transport=sim.transport(), headers=_headers(sim, tok)) as c:
        with pytest.raises(httpx.TransportError):
            await c.get(URL)
    with Client(headers=_headers(sim, tok)) as c, pytest.raises(httpx.TransportError):
        c.get(served_sim.url + "/api.xro/2.0/Accounts")
    with Client(headers=_headers(sim, tok)) as c:
        assert c.get(served_sim.url + "/api.xro/2.0/Accounts").status_code == 200


def test_faults_on_identity_paths(sim: XeroSimulator) -> None:
    web = sim.apps["web"]
    sim.faults.add("503", "/connect/token", times=1)
    c = Client(transport=sim.transport(), auth=(web.client_id, web.client_secret))
    form = {"grant_type": "refresh_token", "refresh_token": "x"}
    down = c.post("https://identity.xero.com/connect/token", data=form)
    assert down.status_code == 503
    assert c.post("https://identity.xero.com/connect/token", data=form).json() == {"error": "invalid_grant"}
