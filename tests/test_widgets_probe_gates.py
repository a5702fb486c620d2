"""The Probe panel shows what the probe knows: a known gate (the simulator app's tier, a plan) is
no red cell, a row's own API label (a US organisation has no Xero payroll) is the one shown, and a
prediction the probe could not make reads as words."""

from __future__ import annotations

from xero_nb.widgets.connection import Connection
from xero_nb.widgets.probe import ProbeState


def _probed(app: str, scopes: list[str]) -> ProbeState:
    conn = Connection.auto(demo_app=app, demo_scopes=scopes, env_file=None)
    assert conn.token is not None, conn.notice
    state = ProbeState(conn)  # no tier given: the simulator's demo app has one
    assert state.run() is not None, state.notice
    return state


def test_a_known_gate_is_counted_apart_and_agrees_in_the_grid() -> None:
    state = _probed("web", ["offline_access", "accounting.settings.read", "accounting.journals.read"])
    frame = state.frame()
    journals = frame[frame["path"].str.startswith("/Journals")]
    assert set(journals["verdict"]) == {"gated"}  # the web app's Core tier: Journals need Advanced
    assert not len(state.report.mismatches())
    assert "refused by a known gate (tier or plan)" in state.notice[1] and state.notice[0] == "ok"
    assert "xnb-no" not in state.grid_html()  # no red cell for what the catalog already knew


def test_rows_say_their_own_api_and_an_unknown_region_in_words() -> None:
    state = _probed("web", ["offline_access", "accounting.settings.read", "payroll.employees.read"])
    frame = state.frame()
    us = frame[frame["tenant"].str.contains("US") & frame["family"].str.startswith("payroll")]
    assert len(us) and set(us["api"]) == {"no Xero payroll in US"}
    blind = _probed("web", ["offline_access", "payroll.employees.read"]).frame()  # no country read
    us_blind = blind[blind["tenant"] == "Demo Company (US)"]
    assert set(us_blind["predicted"]) == {"unknown region"} and set(us_blind["verdict"]) == {"inconclusive"}
    au = blind[blind["tenant"] == "Demo Company (AU)"].set_index("api")
    assert (au.loc["payroll_au", "verdict"], au.loc["payroll_nz", "verdict"]) == ("match", "not_this_region")
