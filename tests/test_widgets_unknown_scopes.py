"""The widgets carry scopes the catalog does not know, as the rest of the API does (trial 13): a
real token may hold a scope newer than the specs. They are noted in the Lab, never refused; a value
shaped like a secret is left out and never shown, also from the Connect panel's Scopes box."""

from __future__ import annotations

from xero_nb.widgets.connection import Connection
from xero_nb.widgets.connection_view import ConnectPanel
from xero_nb.widgets.explorer import ExplorerState
from xero_nb.widgets.explorer_view import ScopeExplorer
from xero_nb.widgets.scope_state import ScopeState

SECRET = "hX8sDkd93kdk3l_aPq29s-" + "LKd9d3kdkd93lslsk"  # shaped like a client secret


def test_a_scope_the_catalog_does_not_know_is_carried_and_noted() -> None:
    st = ScopeState(granted="openid accounting.invoices.read accounting.reports.salestax.read einvoicing",
                    era="mixed")
    assert {"accounting.reports.salestax.read", "einvoicing"} <= st.granted
    assert any("accounting.reports.salestax.read" in n and "carried" in n for n in st.notes)
    st.set_granted("openid practicemanager.job.read workflowmax.read")
    assert "practicemanager.job.read" in st.granted and "workflowmax.read" in st.granted
    assert not any("salestax" in n for n in st.notes)  # the notes are the new token's
    st.set_whatif(["accounting.reports.salestax.read", "openid"])  # a plan's result is carried too
    assert "accounting.reports.salestax.read" in st.whatif


def test_a_secret_given_as_a_scope_is_left_out_and_not_shown() -> None:
    st = ScopeState(granted=f"openid accounting.contacts.read {SECRET}")
    assert st.granted == {"openid", "accounting.contacts.read"}
    assert any("left out (not shown)" in n for n in st.notes)
    assert not any(SECRET in n for n in st.notes)


def test_the_lab_shows_the_notes_of_scopes_it_does_not_know() -> None:
    st = ScopeState(granted="openid einvoicing practicemanager.job.read workflowmax.read", era="mixed")
    view = ScopeExplorer(ExplorerState(st))
    shown = view.scope_notes.value
    for name in ("einvoicing", "practicemanager.job.read", "workflowmax.read"):
        assert name in shown
    st.set_granted("openid accounting.contacts.read")
    assert view.scope_notes.value == ""


def test_a_secret_typed_in_the_connect_scopes_box_is_taken_out_and_nothing_starts() -> None:
    conn = Connection(ScopeState())
    conn.use_simulator(app="web")
    panel = ConnectPanel(conn)
    panel.scopes.value = f"openid accounting.invoices.read {SECRET}"
    panel.sign_in.click()
    assert SECRET not in panel.scopes.value and "accounting.invoices.read" in panel.scopes.value
    assert conn.token is None  # nothing started: the user checks the scopes first
    assert conn.notice[0] == "error" and SECRET not in conn.notice[1]
    panel.scopes.value = "openid accounting.contacts.read offline_access"
    panel.sign_in.click()
    assert conn.token is not None and conn.notice[0] == "ok", conn.notice
