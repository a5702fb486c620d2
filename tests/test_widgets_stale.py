"""Nothing out of date stays on show: sign-out, another app, another endpoint, late panels."""

from __future__ import annotations

import pytest

from xero_nb.auth.explain import AuthError
from xero_nb.catalog.frames import coverage
from xero_nb.client.call import XeroClient
from xero_nb.simulator import XeroSimulator
from xero_nb.widgets.call import CallState
from xero_nb.widgets.call_view import CallPanel
from xero_nb.widgets.connection import Connection
from xero_nb.widgets.explorer import ExplorerState
from xero_nb.widgets.explorer_view import ScopeExplorer
from xero_nb.widgets.lab import LabState
from xero_nb.widgets.lab_view import ScopeLab
from xero_nb.widgets.probe import ProbeState
from xero_nb.widgets.probe_view import ProbePanel
from xero_nb.widgets.scope_state import ScopeState


@pytest.fixture
def sim() -> XeroSimulator:
    return XeroSimulator(limits=False)


@pytest.fixture
def conn(sim: XeroSimulator) -> Connection:
    c = Connection(ScopeState())
    c.use_simulator(simulator=sim)
    c.sign_in()
    assert c.notice[0] == "ok", c.notice
    return c


def bearers(sim: XeroSimulator) -> list[str]:
    """The Authorization headers of every API call the simulator saw."""
    return [req.headers.get("authorization", "") for req, _ in sim.calls
            if req.url.host == "api.xero.com"]


def test_sign_out_leaves_no_token_to_send(conn: Connection, sim: XeroSimulator) -> None:
    tid, old = conn.tenant_id, conn.token
    assert conn.client().get("/Accounts").status == 200  # signed in: the token works
    old_auth = conn.auth
    conn.sign_out()
    conn.tenant_id = tid
    assert conn.token is None and conn.scopes.granted == frozenset()
    sent = len(sim.calls)
    with pytest.raises(RuntimeError, match="sign in first"):
        conn.client()
    # The XeroAuth behind the connection holds no token either: it was replaced.
    assert conn.auth is not old_auth
    with pytest.raises(AuthError) as err:
        conn.auth.token()
    assert err.value.code == "not_signed_in"
    client = XeroClient(auth=conn.auth, transport=conn.transport, tenant_id=tid)
    with pytest.raises(AuthError):
        client.get("/Accounts")
    # The Call tab says so, and nothing went out with the old bearer.
    call = CallState(conn)
    call.choose(("accounting", "getAccounts"))
    assert call.send() is None
    assert call.notice[0] == "error" and "sign in first" in call.notice[1]
    assert len(sim.calls) == sent
    # The record masks tokens to their last four characters: compare that form.
    assert not any(h.endswith("***" + old.access_token[-4:]) for h in bearers(sim)[sent:])
    # Signing in again works with the new XeroAuth.
    conn.sign_in()
    assert conn.token is not None and conn.token.access_token != old.access_token
    assert call.send().status == 200


def test_another_app_or_mode_forgets_the_granted_scopes(conn: Connection, tmp_path,
                                                         monkeypatch) -> None:
    lab = ScopeLab(LabState(conn))
    st = lab.state
    assert len(st.scopes.granted) == 6
    st.connection.use_simulator(app="custom")
    assert st.scopes.granted == frozenset() and st.scopes.whatif == frozenset()
    assert "0 scopes granted" in lab._banner.value and "era granular" in lab._banner.value
    none_allowed = int(coverage((), "granular")["allowed"].sum())
    assert st.explorer.allowed_count == none_allowed
    assert f'data-allowed="{none_allowed}"' in lab.explorer.headline.value
    assert not any(lab.explorer.toggles[s].value for s in lab.explorer.toggles)
    # The same for live Xero (typed in or from the environment).
    st.connection.use_simulator(app="web")
    st.connection.sign_in()
    assert st.scopes.granted
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    st.connection.use_live("ABCDEF0123456789ABCDEF0123456789")
    assert st.connection.mode == "live" and st.connection.token is None
    assert st.scopes.granted == frozenset() and "0 scopes granted" in lab._banner.value


def test_the_banner_shows_the_real_era_and_names_the_what_if(conn: Connection) -> None:
    lab = ScopeLab(LabState(conn))
    assert "era mixed" in lab._banner.value  # the demo app is an existing (pre-March 2026) app
    assert "what-if" not in lab._banner.value
    lab.state.explorer.set_era("granular")
    # The Scopes tab explores; the banner keeps the app's era and labels the exploration.
    assert "era mixed" in lab._banner.value and "era granular" not in lab._banner.value
    assert "what-if granular era" in lab._banner.value and "exploration only" in lab._banner.value
    lab.explorer.era.value = "broad"
    assert "era mixed" in lab._banner.value and "what-if broad era" in lab._banner.value
    lab.explorer.era.value = "mixed"
    assert "what-if" not in lab._banner.value


def test_panels_built_late_show_what_already_ran(conn: Connection) -> None:
    call = CallState(conn)
    call.choose(("accounting", "getInvoices"))
    result = call.send()
    assert result.status == 401
    panel = CallPanel(call)
    assert call.result is result  # building the panel does not choose the endpoint again
    assert panel.endpoint.value == ("accounting", "getInvoices")
    assert "401" in panel.info.value and result.correlation_id in panel.info.value
    assert "limits left" in panel.info.value
    assert 'data-code="missing_scope"' in panel.diagnosis.value
    assert "401" in panel.notice.value

    probe = ProbeState(conn)
    report = probe.run()
    n = probe.total
    assert report is not None and n > 0
    ppanel = ProbePanel(probe)
    assert ppanel.bar.description == f"{n}/{n}" and ppanel.bar.value == n
    assert "xnb-probe-grid" in ppanel.grid.value and "probes over" in ppanel.notice.value
    assert not ppanel.run_btn.disabled and ppanel.cancel_btn.disabled

    explorer = ExplorerState(ScopeState("offline_access accounting.transactions "
                                        "accounting.reports.read accounting.settings"))
    explorer.compute_migration()
    epanel = ScopeExplorer(explorer)
    assert "Migration: request" in epanel.notice.value
    assert epanel.plan.layout.display == ""


def test_another_endpoint_clears_the_last_call(conn: Connection) -> None:
    call = CallState(conn)
    panel = CallPanel(call)
    panel.endpoint.value = ("accounting", "getInvoices")
    panel.send.click()
    assert "401" in panel.info.value and "missing_scope" in panel.diagnosis.value
    panel.endpoint.value = ("accounting", "getContacts")
    assert call.result is None and call.diagnosis is None
    assert panel.info.value == "" and panel.diagnosis.value == "" and panel.notice.value == ""
    panel.send.click()
    assert "200" in panel.info.value and len(call.response_table.frame) > 0
    call.choose_url("GET", "https://api.xero.com/api.xro/2.0/Accounts")
    assert call.result is None and panel.info.value == "" and call.response_table.frame.empty


def test_sign_out_clears_call_probe_and_reconsent_notices(conn: Connection) -> None:
    lab = ScopeLab(LabState(conn), call=("accounting", "getInvoices"))
    st = lab.state
    lab.call.send.click()
    assert "401" in lab.call.info.value
    lab.probe.run_btn.click()
    st.probe.wait(30)
    assert "xnb-probe-grid" in lab.probe.grid.value and len(st.probe.table.frame) > 0
    st.explorer.toggle("accounting.transactions.read")
    lab.explorer.auth_btn.click()
    assert "Re-consented" in lab.explorer.notice.value
    # Re-consent is a new token: the 401 it answered is out of date.
    assert st.call.result is None and lab.call.info.value == ""
    assert "token changed" in lab.call.notice.value
    assert st.probe.report is None and lab.probe.grid.value == ""
    lab.call.send.click()
    lab.probe.run_btn.click()
    st.probe.wait(30)
    assert "200" in lab.call.info.value and lab.probe.grid.value
    lab.connect.sign_out.click()
    assert st.call.result is None and lab.call.info.value == "" and lab.call.diagnosis.value == ""
    assert "signed out" in lab.call.notice.value
    assert st.probe.report is None and st.probe.table.frame.empty
    assert lab.probe.grid.value == "" and lab.probe.bar.description == "0/0"
    assert "signed out" in lab.probe.notice.value
    assert st.explorer.notice == ("", "") and "Re-consented" not in lab.explorer.notice.value
    assert "0 scopes granted" in lab._banner.value
    lab.call.send.click()
    assert "sign in first" in lab.call.notice.value and lab.call.info.value == ""
    lab.probe.run_btn.click()
    st.probe.wait(30)
    assert "sign in first" in lab.probe.notice.value


def test_another_organisation_clears_the_last_call(conn: Connection) -> None:
    call = CallState(conn)
    call.choose(("accounting", "getContacts"))
    assert call.send().status == 200
    conn.select_tenant(conn.tenants[1].tenant_id)  # another organisation: not its result
    assert call.result is None and "organisation changed" in call.notice[1]
    assert call.send().status == 200
    conn.reload_tenants()  # same token, same organisation: the result stands
    assert call.result is not None


def test_a_probe_that_outlives_its_token_is_not_shown(conn: Connection) -> None:
    state = ProbeState(conn)
    state.subscribe(lambda what: conn.sign_out()
                    if what == "progress" and state.done == 1 and conn.token else None)
    assert state.run() is None
    assert state.report is None and state.table.frame.empty and not state.running
    assert "token changed while probing" in state.notice[1]
