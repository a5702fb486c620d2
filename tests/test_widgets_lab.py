"""Connection, CallState, ProbeState and the ScopeLab on the simulator, driven headless."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections import Counter

import pytest

from xero_nb.models import Param
from xero_nb.simulator import XeroSimulator
from xero_nb.widgets.call import CallState
from xero_nb.widgets.call_values import body_frame, check_value
from xero_nb.widgets.call_view import CallPanel
from xero_nb.widgets.connection import Connection
from xero_nb.widgets.connection_view import ConnectPanel
from xero_nb.widgets.demo import DEMO_SCOPES
from xero_nb.widgets.lab import LabState
from xero_nb.widgets.lab_view import ScopeLab
from xero_nb.widgets.probe import ProbeState
from xero_nb.widgets.probe_view import ProbePanel
from xero_nb.widgets.scope_state import ScopeState

PASTED = ('{"error": "InsufficientPermissions", "message": "The API credentials do not have the '
          'necessary permissions to perform the action."}')


@pytest.fixture
def conn() -> Connection:
    c = Connection(ScopeState())
    c.use_simulator(simulator=XeroSimulator(limits=False))
    c.sign_in()
    assert c.notice[0] == "ok", c.notice
    return c


def test_simulator_sign_in_sets_the_shared_scopes(conn: Connection) -> None:
    s = conn.status()
    assert s["mode"] == "simulator" and s["signed_in"] and s["era"] == "mixed"  # an existing app
    assert set(s["scopes"]) == set(DEMO_SCOPES)
    assert conn.scopes.granted == set(DEMO_SCOPES) and s["tenants"] >= 4
    assert 0 < s["expires_in"] <= 1800 and s["refreshable"]
    assert "access_token" not in json.dumps(s) and conn.token.access_token not in json.dumps(s)


def test_tenants_refresh_disconnect_revoke(conn: Connection) -> None:
    first, second = conn.tenants[0], conn.tenants[1]
    conn.select_tenant(second.tenant_id)
    assert conn.tenant_id == second.tenant_id
    conn.select_tenant("not-a-tenant")
    assert conn.notice[0] == "error" and conn.tenant_id == second.tenant_id
    old = conn.token
    conn.refresh()
    assert conn.token.access_token != old.access_token
    n = len(conn.tenants)
    conn.disconnect(first.tenant_id)
    assert conn.notice[0] == "ok" and len(conn.tenants) == n - 1
    conn.revoke()
    assert conn.token is None and conn.scopes.granted == frozenset()
    conn.sign_in()
    assert conn.token is not None


def test_reconsent_is_the_fix_loop(conn: Connection) -> None:
    conn.reconsent(sorted(conn.scopes.granted | {"accounting.transactions.read"}))
    assert "accounting.transactions.read" in conn.scopes.granted
    assert conn.scopes.whatif == conn.scopes.granted


def test_granular_app_switches_era() -> None:
    c = Connection(ScopeState())
    c.use_simulator(app="pkce", simulator=XeroSimulator(limits=False))
    assert c.scopes.era == "granular"
    c.sign_in()
    assert c.token is not None and c.notice[0] == "ok"


def test_actions_before_connecting_are_notices() -> None:
    c = Connection(ScopeState())
    c.sign_in()
    assert c.notice[0] == "error" and "simulator or enter a Xero app" in c.notice[1]
    c.complete("")
    assert c.notice[0] == "error"


def test_check_value() -> None:
    guid = Param("InvoiceID", "path", "string", True, "uuid")
    assert check_value(guid, "") == "InvoiceID is required"
    assert "GUID" in check_value(guid, "INV-001")
    assert check_value(guid, "2c1d6b8e-1234-4abc-9def-0123456789ab") is None
    day = Param("date", "query", "string", False, "date")
    assert check_value(day, "") is None and "YYYY-MM-DD" in check_value(day, "31/01/2026")
    assert check_value(day, "2026-01-31") is None
    stamp = Param("ModifiedAfter", "query", "string", False, "date-time")
    assert check_value(stamp, "2026-01-31T10:00:00Z") is None and check_value(stamp, "x")
    assert check_value(Param("page", "query", "integer", False), "x") == "page must be a whole number"
    assert check_value(Param("summaryOnly", "query", "boolean", False), "yes")


def test_body_frame() -> None:
    assert body_frame({"Invoices": [{"InvoiceID": "a", "Total": 1, "Contact": {"Name": "x"}}]}
                      ).columns.tolist() == ["InvoiceID", "Total", "Contact.Name"]
    assert body_frame({"Status": 401}) is None and body_frame("text") is None


def test_blocked_call_is_diagnosed_then_fixed(conn: Connection) -> None:
    call = CallState(conn)
    call.choose(("accounting", "getInvoices"))
    result = call.send()
    assert result.status == 401 and result.correlation_id
    assert call.diagnosis.findings[0].code == "missing_scope"
    assert call.notice[0] == "error" and "401" in call.notice[1]
    labels = dict(call.response_info())
    assert labels["status"] == 401 and labels["Xero-Correlation-Id"] == result.correlation_id
    conn.reconsent(sorted(conn.scopes.granted | {"accounting.transactions.read"}))
    result = call.send()
    assert result.status == 200 and call.diagnosis is None
    assert len(call.response_table.frame) > 0 and "InvoiceID" in call.response_table.frame.columns


def test_the_diagnosed_granular_fix_works_on_an_existing_app(conn: Connection) -> None:
    # The demo app was created before 2 Mar 2026: Xero assigned it the granular scopes too
    # (mixed era, docs/xero-facts.md §2b), so the narrowest fix is granular and authorizing it works.
    assert conn.app == "web" and conn.era == "mixed"
    call = CallState(conn)
    call.choose(("accounting", "getInvoices"))
    assert call.send().status == 401
    fix = call.diagnosis.findings[0]
    assert fix.code == "missing_scope" and "`accounting.invoices.read`" in " ".join(fix.fix)
    assert not any("opt" in step for step in fix.fix)
    conn.reconsent(sorted(conn.scopes.granted | {"accounting.invoices.read"}))
    assert "accounting.invoices.read" in conn.scopes.granted and conn.token is not None
    assert call.send().status == 200
    call.choose(("accounting", "getExpenseClaims"))  # no granular scope reaches these
    assert call.send().status == 401


def test_path_params_are_validated_and_writes_need_the_switch(conn: Connection) -> None:
    call = CallState(conn)
    call.choose(("accounting", "getInvoice"))
    call.set_value("InvoiceID", "not-a-guid")
    assert call.send() is None and "GUID" in call.notice[1]
    call.choose(("accounting", "createContacts"))
    assert call.send() is None and "allow writes" in call.notice[1]
    call.choose_url("GET", "https://api.xero.com/api.xro/2.0/Contacts/2c1d6b8e-1234-4abc-9def-0123456789ab")
    assert call.endpoint.operation_id == "getContact"
    assert call.values == {"ContactID": "2c1d6b8e-1234-4abc-9def-0123456789ab"}


def test_pasted_error(conn: Connection) -> None:
    call = CallState(conn)
    diag = call.diagnose_pasted(PASTED)
    assert diag is not None and diag.findings
    call.choose(("accounting", "getInvoices"))
    diag = call.diagnose_pasted(use_request=True)
    assert diag.findings[0].code in ("missing_scope", "not_reconsented")
    assert call.diagnosis is None and call.paste_diagnosis is diag
    call.diagnose_pasted("   ")
    assert call.notice[0] == "error"


def test_call_panel_widget(conn: Connection) -> None:
    panel = CallPanel(CallState(conn))
    panel.endpoint.value = ("accounting", "getInvoice")
    assert "InvoiceID" in panel.fields
    panel.fields["InvoiceID"].value = "bad"
    panel.send.click()
    assert "GUID" in panel.notice.value
    panel.endpoint.value = ("accounting", "getInvoices")
    panel.send.click()
    assert 'data-code="missing_scope"' in panel.diagnosis.value and "401" in panel.info.value
    sent = panel.diagnosis.value
    panel.paste.value = PASTED
    panel.paste_btn.click()
    # The paste's result is shown next to the paste box, with the context it used; the
    # request's result and diagnosis stay as they were.
    assert "xnb-finding" in panel.paste_result.value and panel.diagnosis.value == sent
    assert "not known" in panel.paste_context.value and "401" in panel.info.value


def test_probe_state_and_panel(conn: Connection) -> None:
    state = ProbeState(conn)
    panel = ProbePanel(state)
    assert len(panel.tenants.options) == len(conn.tenants)
    panel.tenants.value = (conn.tenants[0].tenant_id,)
    seen = []
    state.subscribe(seen.append)
    report = state.run()
    assert report is not None and len(report.tenants) == 1
    assert "progress" in seen and state.done == state.total > 0
    grid = state.grid()
    assert list(grid.index) == [conn.tenants[0].tenant_name]
    assert "xnb-probe-grid" in panel.grid.value and panel.bar.value == state.total
    assert len(state.table.frame) == len(report.results)


def test_probe_in_background_and_cancel(conn: Connection) -> None:
    state = ProbeState(conn)
    state.cancel()  # a cancel before the run does not stick
    state.start()
    state.wait(60)
    assert state.report is not None and not state.report.cancelled
    state2 = ProbeState(None)
    state2.run()
    assert state2.notice[0] == "error" and "sign in first" in state2.notice[1]


def test_connect_panel(conn: Connection) -> None:
    panel = ConnectPanel(conn)
    assert "Xero simulator" in panel.status.value and "Demo Company" in panel.status.value
    assert len(panel.tenant.options) == len(conn.tenants)
    panel.tenant.value = conn.tenants[1].tenant_id
    assert conn.tenant_id == conn.tenants[1].tenant_id
    panel.refresh_btn.click()
    assert "Refreshed" in panel.notice.value
    panel.sign_out.click()
    assert "Not signed in" in panel.status.value
    panel.sign_in.click()
    assert "Signed in" in panel.notice.value
    panel.sign_out.click()
    panel.sim_app.value = "custom"
    panel.use_sim.click()
    assert "accounting.invoices" in panel.scopes.value and "openid" not in panel.scopes.value
    panel.sign_in.click()
    assert "Custom connection token" in panel.notice.value
    panel.mode.value = "live"
    assert panel.live_box.layout.display == "" and panel.sim_box.layout.display == "none"


def test_live_credentials_never_stay_in_widget_state(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    sentinel = "SENTINEL-client-secret-7f3a9c"
    c = Connection(ScopeState())
    panel = ConnectPanel(c)
    panel.mode.value = "live"
    panel.client_id.value = "ABCDEF0123456789ABCDEF0123456789"
    panel.secret.value = sentinel
    panel.use_live.click()
    assert panel.secret.value == ""
    assert c.mode == "live" and c.settings.client_secret.reveal() == sentinel
    state = json.dumps([w.get_state() for w in walk(panel)], default=str)
    assert sentinel not in state and sentinel not in repr(c.settings)
    assert sentinel not in panel.notice.value + panel.status.value


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def test_scope_lab_shares_one_state_and_leaks_nothing() -> None:
    sim = XeroSimulator(limits=False)
    c = Connection(ScopeState())
    c.use_simulator(simulator=sim)
    c.sign_in()
    lab = ScopeLab(LabState(c), call=("accounting", "getInvoices"))
    st = lab.state
    assert st.browser.scopes is st.explorer.scopes is st.call.scopes is st.connection.scopes
    assert [lab.tabs.get_title(i) for i in range(5)] == ["Connect", "Endpoints", "Scopes (what-if)", "Call",
                                                          "Probe"]
    lab.explorer.toggles["accounting.transactions.read"].value = True
    assert "+50 gained" in lab.explorer.headline.value
    lab.endpoints.api.value = "accounting"
    lab.endpoints.text.value = "/Invoices"
    assert all(a == "accounting" for a, _ in st.browser.rows())
    lab.explorer.auth_btn.click()
    assert "accounting.transactions.read" in st.scopes.granted
    assert "7 scopes granted" in lab._banner.value
    lab.call.send.click()
    assert "200" in lab.call.info.value
    st.browser.choose(("accounting", "getContacts"))
    st.try_in_call()
    assert st.call.endpoint.operation_id == "getContacts"
    secrets = [c.token.access_token, c.token.refresh_token, c.token.id_token,
               *(a.client_secret for a in sim.apps.values() if a.client_secret)]
    state = json.dumps([w.get_state() for w in walk(lab)], default=str)
    for secret in secrets:
        assert secret and secret not in state


def test_custom_connection_uses_client_credentials() -> None:
    c = Connection(ScopeState())
    c.use_simulator(app="custom", simulator=XeroSimulator(limits=False))
    assert c.grant == "client_credentials" and c.scopes.era == "granular"
    c.sign_in()
    assert c.notice[0] == "ok", c.notice
    assert c.token.refresh_token is None and "accounting.invoices" in c.scopes.granted
    assert len(c.tenants) >= 1


def test_live_sign_in_shows_the_link_when_no_browser(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    c = Connection(ScopeState())
    c.use_live("ABCDEF0123456789ABCDEF0123456789", redirect_uri="http://127.0.0.1:0/callback")
    seen = []

    def fake_sign_in(*, open_browser, timeout, scopes, show):
        show("https://login.xero.com/identity/connect/authorize?client_id=x")
        seen.append((open_browser, scopes))
        raise TimeoutError("no redirect came back")

    monkeypatch.setattr(c.auth, "sign_in", fake_sign_in)
    panel = ConnectPanel(c)
    panel.sign_in.click()
    assert seen == [(True, sorted(c.settings.scopes))]
    assert c.pending_url.startswith("https://login.xero.com/")
    assert "consent page</a>" in panel.link.value and 'href="https://login.xero.com/' in panel.link.value
    assert c.notice[0] == "error" and "TimeoutError" in c.notice[1]


def test_expiry_countdown_ticks(conn: Connection) -> None:
    clock = [1000.0]
    conn.clock = lambda: clock[0]
    conn.token = dataclasses.replace(conn.token, expires_at=1000.0 + 600)
    panel = ConnectPanel(conn, countdown=0.01)
    assert "expires in 10 min" in panel.status.value
    clock[0] += 300
    deadline = time.monotonic() + 5
    while "expires in 5 min" not in panel.status.value and time.monotonic() < deadline:
        time.sleep(0.01)
    panel.close()
    assert "expires in 5 min" in panel.status.value


def test_live_paste_the_redirect_url_fallback_over_loopback(tmp_path, monkeypatch) -> None:
    """'Live' against the simulator served on 127.0.0.1: link, consent, paste, signed in."""
    from xero_nb.auth import MemoryTokenStore
    from xero_nb.http import Client

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    sim = XeroSimulator(limits=False)
    app = sim.apps["web"]
    with sim.serve() as server:
        c = Connection(ScopeState(), store=MemoryTokenStore(), live_urls=server.urls)
        panel = ConnectPanel(c)
        panel.mode.value = "live"
        panel.client_id.value = app.client_id
        panel.secret.value = app.client_secret
        panel.redirect.value = "http://localhost:8765/callback"
        panel.era.value = "broad"
        panel.use_live.click()
        assert c.mode == "live" and panel.secret.value == ""
        panel.link_btn.click()
        assert c.pending_url.startswith(server.url) and "consent page</a>" in panel.link.value
        with Client(follow_redirects=False) as browser:  # the user's browser, auto-approved
            redirect = browser.get(c.pending_url).headers["location"]
        panel.pasted.value = "https://evil.example/callback?code=x&state=forged"
        panel.complete.click()
        assert c.token is None and "state" in c.notice[1]
        panel.pasted.value = redirect
        panel.complete.click()
        assert c.notice[0] == "ok", c.notice
        assert c.token is not None and "Xero (live)" in panel.status.value
        call = CallState(c)
        call.choose(("accounting", "getOrganisations"))
        assert call.send().status == 200


def test_refused_scope_warning_is_shown_with_the_outcome() -> None:
    c = Connection(ScopeState())
    c.use_simulator(app="pkce", simulator=XeroSimulator(limits=False))
    c.sign_in()
    lab = LabState(c)
    lab.explorer.set_era("broad")
    lab.explorer.toggle("accounting.transactions.read")
    before = c.token
    lab.explorer.authorize()
    kind, text = lab.explorer.notice
    # Judged in the app's real (granular) era: the broad scope is never asked for.
    assert kind == "error" and "nothing to authorize: the app's real granular era refuses " \
        "accounting.transactions.read (broad scope" in text
    assert "the what-if broad era is an exploration only" in text
    assert "accounting.transactions.read" not in c.scopes.granted and c.token is before


def test_tenant_choice_survives_a_disconnect(conn: Connection) -> None:
    panel = ConnectPanel(conn)
    keep = conn.tenants[2].tenant_id
    panel.tenant.value = keep
    conn.disconnect(conn.tenants[0].tenant_id)
    assert conn.tenant_id == keep and panel.tenant.value == keep


def test_live_from_environment_or_profile(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for key in ("XERO_CLIENT_ID", "XERO_CLIENT_SECRET", "XERO_PROFILE", "XERO_SCOPES"):
        monkeypatch.delenv(key, raising=False)
    c = Connection(ScopeState())
    panel = ConnectPanel(c)
    panel.use_env.click()
    assert c.notice[0] == "error" and "no client id" in c.notice[1]
    (tmp_path / ".env").write_text("XERO_CLIENT_ID=ABCDEF0123456789ABCDEF0123456789\n"
                                   "XERO_CLIENT_SECRET=SENTINEL-env-secret-1234\nXERO_ERA=granular\n")
    panel.use_env.click()
    assert c.mode == "live" and c.scopes.era == "granular" and c.token is None
    assert "ABCDEF0123456789ABCDEF0123456789" in panel.status.value
    assert "SENTINEL-env-secret" not in json.dumps([w.get_state() for w in walk(panel)],
                                                   default=str)


def test_cancel_stops_a_running_probe(conn: Connection) -> None:
    conn.reconsent(sorted(conn.scopes.granted | {"accounting.transactions.read", "files.read"}))
    waits: list[float] = []

    async def window_sleep(seconds: float) -> None:
        # The probe's limiter sleeps here until a window reopens; on this clock none ever does,
        # so only Cancel can end the probe.
        waits.append(seconds)
        await asyncio.Event().wait()

    # The probe's clock stands still: the second call per tenant waits for a window a minute away.
    state = ProbeState(conn, per_minute=1, clock=lambda: 0.0, sleep=window_sleep)
    panel = ProbePanel(state)
    panel.run_btn.click()
    deadline = time.monotonic() + 20  # a safety net only: the probe is waiting well before
    while (state.done < 1 or not waits) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert waits and set(waits) == {60.0}, waits
    assert state.running and not panel.cancel_btn.disabled
    panel.cancel_btn.click()
    state.wait(20)  # a safety net only: without Cancel the probe would never end
    assert not state.running
    report = state.report
    assert report is not None and report.cancelled
    assert any(r.verdict == "skipped" for r in report.results)
    sent = Counter(r.tenant_id for r in report.results if r.call is not None)
    assert sent and set(sent.values()) == {1}  # one call per tenant; none after a window wait
    assert state.notice[1].startswith("Cancelled:")


def test_revoke_and_disconnect_ask_first_on_live_xero(tmp_path, monkeypatch) -> None:
    """'Live' (the simulator on 127.0.0.1): Revoke and Disconnect ask, Cancel does nothing,
    Confirm does it; on the simulator they act at once."""
    from xero_nb.auth import MemoryTokenStore
    from xero_nb.http import Client

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    sim = XeroSimulator(limits=False)
    app = sim.apps["web"]
    with sim.serve() as server:
        c = Connection(ScopeState(), store=MemoryTokenStore(), live_urls=server.urls)
        panel = ConnectPanel(c)
        c.use_live(app.client_id, app.client_secret, "http://localhost:8765/callback", era="mixed")
        link = c.start_paste()
        with Client(follow_redirects=False) as browser:
            c.complete(browser.get(link).headers["location"])
        assert c.mode == "live" and c.token is not None, c.notice
        n = len(c.tenants)
        first = c.tenants[0]
        panel.disconnect.click()
        assert len(c.tenants) == n and panel.confirm_box.layout.display == ""
        assert f"Disconnect {first.tenant_name} on live Xero?" in panel.question.value
        panel.cancel.click()
        assert len(c.tenants) == n and panel.confirm_box.layout.display == "none"
        assert c.notice == ("info", "Cancelled: nothing was disconnected in Xero.")
        panel.disconnect.click()
        panel.confirm.click()
        assert len(c.tenants) == n - 1 and c.notice[0] == "ok", c.notice
        assert panel.confirm_box.layout.display == "none"
        panel.revoke.click()
        assert c.token is not None and "Revoke on live Xero?" in panel.question.value
        panel.confirm.click()
        assert c.token is None and "Revoked" in c.notice[1]
        # A question about a token the connection no longer holds is never answered.
        link = c.start_paste()
        with Client(follow_redirects=False) as browser:
            c.complete(browser.get(link).headers["location"])
        c.ask("revoke")
        c.refresh()
        assert panel.confirm_box.layout.display == "none"
        c.answer(True)
        assert c.token is not None and c.notice[0] == "error" and "changed" in c.notice[1]
    # The simulator: at once, no question.
    sim_conn = Connection(ScopeState())
    sim_conn.use_simulator(simulator=XeroSimulator(limits=False))
    sim_conn.sign_in()
    sim_panel = ConnectPanel(sim_conn)
    sim_panel.revoke.click()
    assert sim_conn.token is None and sim_panel.confirm_box.layout.display == "none"


def test_live_custom_connection_from_the_environment(tmp_path, monkeypatch) -> None:
    """XERO_GRANT=client_credentials: the panel signs in with no browser (simulator on loopback)."""
    from xero_nb.auth import MemoryTokenStore

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    sim = XeroSimulator(limits=False)
    app = sim.apps["custom"]
    monkeypatch.setenv("XERO_CLIENT_ID", app.client_id)
    monkeypatch.setenv("XERO_CLIENT_SECRET", app.client_secret)
    monkeypatch.setenv("XERO_GRANT", "client_credentials")
    monkeypatch.setenv("XERO_SCOPES", "accounting.invoices accounting.settings")
    monkeypatch.setenv("XERO_ERA", "granular")
    with sim.serve() as server:
        c = Connection(ScopeState(), store=MemoryTokenStore(), live_urls=server.urls)
        c.use_profile()
        assert c.mode == "live" and c.grant == "client_credentials"
        c.sign_in()
        assert c.notice[0] == "ok", c.notice
        assert c.token is not None and c.token.refresh_token is None
        assert {"accounting.invoices", "accounting.settings"} <= c.scopes.granted


def test_scope_lab_leaves_a_static_copy_of_its_results() -> None:
    c = Connection(ScopeState())
    c.use_simulator(simulator=XeroSimulator(limits=False))
    c.sign_in()
    lab = ScopeLab(LabState(c))
    lab.explorer.toggles["accounting.transactions.read"].value = True
    out = lab.static_html()
    shown = [t for t in ("coverage", "api_summary", "probe", "scan_calls", "endpoints")
             if f'data-table="{t}"' in out]
    assert shown[:3] == ["coverage", "api_summary", "probe"] and "endpoints" not in shown
    assert "xnb-gained" in out and "onclick" not in out  # what the user toggled, and nothing runs
