"""ScopeState, ExplorerState and the ScopeExplorer widget, driven headless."""

from __future__ import annotations

import pytest

from xero_nb.catalog.frames import coverage
from xero_nb.redact import jwt_claims
from xero_nb.simulator import XeroSimulator
from xero_nb.widgets.connection import Connection
from xero_nb.widgets.explorer import ExplorerState
from xero_nb.widgets.explorer_view import ScopeExplorer, scope_css_class, toggle_label
from xero_nb.widgets.scope_state import ScopeState, scope_group

BASE = "openid offline_access accounting.settings.read accounting.contacts.read"


def test_scope_state_toggle_and_compare() -> None:
    s = ScopeState(BASE, era="broad")
    seen: list[str] = []
    s.subscribe(seen.append)
    s.toggle("accounting.transactions.read")
    assert s.added == {"accounting.transactions.read"} and seen == ["whatif"]
    frame = s.compared()
    gained = frame[frame["change"] == "gained"]
    assert len(gained) == 50 and gained["allowed"].all()
    s.toggle("accounting.contacts.read", on=False)
    frame = s.compared()
    assert set(frame.loc[frame["change"] == "lost", "path"]) >= {"/Contacts"}
    assert s.removed == {"accounting.contacts.read"}
    s.reset()
    assert s.whatif == s.granted and (s.compared()["change"] == "").all()


def test_scope_state_matches_core_coverage() -> None:
    s = ScopeState(BASE, era="granular")
    s.toggle("accounting.invoices.read")
    expect = coverage(s.whatif, "granular")
    assert list(s.compared()["allowed"]) == list(expect["allowed"])


def test_groups_cover_every_scope_once() -> None:
    s = ScopeState(BASE, era="mixed")
    names = [n for ns in s.groups().values() for n in ns]
    assert len(names) == len(set(names)) == len(s.scope_names())
    assert scope_group("offline_access") == "sign-in"
    assert scope_group("payroll.employees") == "payroll"
    granular = ScopeState((), era="granular").scope_names()
    assert "accounting.transactions" not in granular and "accounting.invoices" in granular


def test_explorer_views_summary_and_headline() -> None:
    e = ExplorerState(ScopeState(BASE))
    e.toggle("accounting.transactions.read")
    e.set_view("changed")
    assert len(e.table.view()) == 50 and set(e.table.view()["change"]) == {"gained"}
    summary = e.summary.frame.set_index("api")
    assert summary.loc["accounting", "gained"] == 50
    assert summary["total"].sum() == len(coverage((), "broad"))  # every endpoint, once
    assert "+50 gained" in e.headline()
    e.set_view("blocked")
    assert not e.table.view()["allowed"].any()
    e.set_view("nonsense")
    assert e.notice[0] == "error" and "view must be one of" in e.notice[1]


def test_unknown_scope_is_shown_not_raised() -> None:
    e = ExplorerState(ScopeState(BASE))
    e.toggle("accounting.transaction")
    kind, text = e.notice
    assert kind == "error" and 'did you mean "accounting.transactions"' in text


def test_least_privilege_for_selection_and_apply() -> None:
    s = ScopeState(BASE, era="granular")
    e = ExplorerState(s)
    s.select([("accounting", "getInvoices"), ("accounting", "getAccounts")])
    assert e.compute_least_privilege() == {"accounting.invoices.read", "accounting.settings.read"}
    e.apply_least_privilege()
    assert s.whatif == {"accounting.invoices.read", "accounting.settings.read", "openid",
                        "offline_access"}


def test_migration_plan_then_try_granular() -> None:
    s = ScopeState("offline_access accounting.transactions accounting.settings "
                   "accounting.journals.read", era="broad")
    e = ExplorerState(s)
    plan = e.compute_migration()
    assert "accounting.invoices" in plan.granular and "accounting.transactions" in plan.drop
    assert len(plan.tier_gated) == 3 and not plan.cannot_keep  # the Journals: kept, tier-gated
    assert "3 kept but tier-gated" in e.notice[1]
    assert len(e.plan_table.frame) > 100
    e.apply_migration()
    assert s.era == "granular" and "accounting.transactions" not in s.whatif
    assert "offline_access" in s.whatif
    # Only what no granular scope reaches is lost (ExpenseClaims and Receipts: the explorer
    # measures against the token in its own, broad, era); Journals keep their scope, flagged
    # as needing approval.
    e.set_view("all")
    broad_ok = coverage(s.granted, "broad")
    now = s.coverage()
    lost = broad_ok["allowed"] & ~now["allowed"]
    assert set(now.loc[lost, "operation_id"]) == {ep.operation_id for ep, _ in plan.no_granular}
    assert int(lost.sum()) == len(plan.no_granular) == 12
    assert (s.compared()["change"] == "lost").sum() == 12
    journals = now[now["path"].str.startswith("/Journals")]
    assert len(journals) == len(plan.tier_gated) and journals["restricted"].str.contains("Advanced").all()
    assert "vs the token in the broad era" in e.headline()


def test_migration_notice_says_nothing_to_drop() -> None:
    e = ExplorerState(ScopeState("offline_access accounting.invoices.read", era="granular"))
    e.compute_migration()
    kind, text = e.notice
    assert kind == "ok" and "nothing to drop" in text and "drop -" not in text
    assert text == "Migration: request accounting.invoices.read offline_access; nothing to drop"
    e = ExplorerState(ScopeState((), era="broad"))
    e.compute_migration()
    assert e.notice[1] == "Migration: nothing to request; nothing to drop"


def test_authorize_without_connection_says_so() -> None:
    e = ExplorerState(ScopeState(BASE))
    e.authorize()
    assert e.notice[0] == "error" and "connect first" in e.notice[1]


def test_authorize_reconsents_a_real_connection() -> None:
    """The one-click fix loop against the simulator: a real Connection, a real new grant.

    Nothing here is a stub: the simulator's consent issues a new token whose own scope claim
    holds the added scope, and the call that was refused for want of it now answers 200.
    """
    sim = XeroSimulator(limits=False)
    s = ScopeState()
    conn = Connection(s)
    conn.use_simulator(simulator=sim, scopes=BASE.split())
    conn.set_sim_auto_approve(True)
    conn.sign_in()
    assert conn.notice[0] == "ok", conn.notice
    before = conn.token
    assert conn.client().get("/BankTransactions").status == 401
    e = ExplorerState(s, connection=conn)
    e.toggle("accounting.transactions.read")
    assert "accounting.transactions.read" not in s.granted  # a what-if only, so far
    e.authorize()
    assert e.notice[0] == "ok" and "accounting.transactions.read" in e.notice[1], e.notice
    assert conn.token is not before
    claims = jwt_claims(conn.token.access_token)
    assert "accounting.transactions.read" in claims["scope"]
    assert "accounting.transactions.read" in s.granted and s.whatif == s.granted
    assert conn.client().get("/BankTransactions").status == 200
    assert "+0 gained" in e.headline() and e.allowed_count > 27


def test_authorize_in_a_what_if_era_asks_only_what_the_real_app_may_obtain() -> None:
    """A granular-era app explored in the broad what-if: Authorize drops the broad scope (the
    real app would be refused it), says which and why, and re-consents with the rest."""
    conn = Connection(ScopeState())
    conn.use_simulator(app="pkce", simulator=XeroSimulator(limits=False))
    conn.sign_in()
    s = conn.scopes
    assert conn.era == "granular" and s.token_era == "granular"
    e = ExplorerState(s, connection=conn)
    e.set_era("broad")
    e.toggle("accounting.transactions.read")  # broad: refused to a granular app
    e.toggle("accounting.invoices.read")      # granular: obtainable
    keep, refused = e.authorize_plan()
    assert "accounting.invoices.read" in keep and "accounting.transactions.read" not in keep
    assert set(refused) == {"accounting.transactions.read"}
    tip = ScopeExplorer(e).auth_btn.tooltip  # said before the click, on the button
    assert "in the app's real granular era" in tip
    assert tip.endswith("not asked (refused to this app): accounting.transactions.read")
    e.authorize()
    kind, text = e.notice
    assert kind == "info", e.notice  # done, with a warning in the same notice
    assert "Re-consented: added accounting.invoices.read" in text
    assert "Not requested, refused in the app's real granular era: accounting.transactions.read " \
        "(broad scope" in text and "the what-if broad era is an exploration only" in text
    claims = jwt_claims(conn.token.access_token)
    assert "accounting.invoices.read" in claims["scope"]
    assert "accounting.transactions.read" not in claims["scope"]
    assert conn.client().get("/Invoices").status == 200
    assert "Changed: added accounting.invoices.read." in conn.notice[1]


def test_authorize_keeps_held_scopes_and_asks_them_in_the_real_era() -> None:
    """A mixed-era app explored in the granular what-if: its held broad scope is not dropped
    (it holds it), and the granular era never decides what is asked for."""
    conn = Connection(ScopeState())
    conn.use_simulator(simulator=XeroSimulator(limits=False),
                       scopes=[*BASE.split(), "accounting.transactions.read"])
    conn.sign_in()
    e = ExplorerState(conn.scopes, connection=conn)
    e.set_era("granular")
    e.toggle("accounting.reports.read")
    assert e.real_era() == conn.era == "mixed"
    keep, refused = e.authorize_plan()
    assert refused == {} and "accounting.transactions.read" in keep
    e.authorize()
    assert e.notice[0] == "ok" and "added accounting.reports.read" in e.notice[1], e.notice
    assert {"accounting.transactions.read", "accounting.reports.read"} <= conn.scopes.granted


def test_widget_toggle_redraws_and_marks() -> None:
    # How fast a click redraws is measured in benchmarks/bench_core.py, not asserted here.
    w = ScopeExplorer(ExplorerState(ScopeState(BASE)))
    cb = w.toggles["accounting.transactions.read"]
    assert cb.description.startswith("·") and scope_css_class(
        "accounting.transactions.read") in cb._dom_classes
    before = w.coverage.body.value
    headline = w.headline.value
    cb.value = True  # each toggle redraws at once: on, the coverage and headline change ...
    assert w.coverage.body.value != before and w.headline.value != headline
    cb.value = False  # ... and off again, they are back as they were
    assert w.coverage.body.value == before and w.headline.value == headline
    allowed_before = w.state.allowed_count
    cb.value = True
    assert cb.description.startswith("+")
    assert f'data-allowed="{allowed_before + 50}"' in w.headline.value
    assert w.coverage.body.value != before
    w.view.value = "changed"
    assert "xnb-gained" in w.coverage.body.value
    w.toggles["accounting.settings.read"].value = False
    assert w.toggles["accounting.settings.read"].description.startswith("-")
    w.era.value = "granular"
    assert "accounting.transactions" not in w.toggles
    assert "era granular" in w.headline.value
    w.reset_btn.click()  # the token's scopes and its own era again (the dropdown follows)
    assert w.state.scopes.whatif == w.state.scopes.granted
    assert w.era.value == w.state.scopes.token_era == w.state.scopes.era
    w.era.value = "granular"
    w.state.scopes.select([("accounting", "getInvoices")])
    assert w.least_btn.description == "Least privilege (1 selected)"
    w.least_btn.click()
    assert "accounting.invoices.read" in w.notice.value
    assert w.plan.layout.display == "none"
    w.migrate_btn.click()
    assert w.plan.layout.display == "" and "rows 1-" in w.plan.pager.value


def test_toggle_label() -> None:
    status = {"scope": "files", "granted": False, "on": False, "requested": True,
              "endpoints": 18, "refused": None}
    assert toggle_label(status) == "· files (18) r"


@pytest.mark.parametrize("era", ["broad", "granular", "mixed"])
def test_every_toggle_changes_state(era: str) -> None:
    w = ScopeExplorer(ExplorerState(ScopeState((), era=era)))
    for name, cb in w.toggles.items():
        cb.value = True
        assert name in w.state.scopes.whatif
    assert w.state.notice[0] != "error"


def test_static_copy_holds_the_shown_tables_only() -> None:
    w = ScopeExplorer(ExplorerState(ScopeState(BASE)))
    w.toggles["accounting.transactions.read"].value = True
    w.view.value = "changed"
    out = w.static_html()
    assert [t for t in ("coverage", "api_summary", "migration_plan") if f'data-table="{t}"' in out] \
        == ["coverage", "api_summary"]  # the plan is hidden until computed
    assert "50 rows" in out and "xnb-gained" in out and "onclick" not in out
    w.migrate_btn.click()
    assert 'data-table="migration_plan"' in w.static_html()


def test_scope_list_search_box_and_descriptions() -> None:
    """The scope list narrows as you type (names and what each scope grants) and says what
    the matching scopes grant; each toggle's hover text is its description."""
    w = ScopeExplorer(ExplorerState(ScopeState(BASE, era="granular")))
    cb = w.toggles["accounting.invoices.read"]
    assert cb.tooltip == "read invoices and the documents around them"
    assert w.scope_info.value == "" and all(c.layout.display in (None, "")
                                            for c in w.toggles.values())
    w.scope_search.value = "refresh"  # a word of a description, not of a name
    shown = [n for n, c in w.toggles.items() if c.layout.display != "none"]
    assert shown == ["offline_access"]
    assert "offline_access" in w.scope_info.value and "a refresh token" in w.scope_info.value
    assert w.groups.get_title(w.groups.selected_index).startswith("sign-in (1 of ")
    w.scope_search.value = "invoices read"
    shown = [n for n, c in w.toggles.items() if c.layout.display != "none"]
    assert shown == ["accounting.invoices", "accounting.invoices.read"]
    assert w.groups.get_title(w.groups.selected_index).startswith("accounting (2 of ")
    w.scope_search.value = "zzz"
    assert "no scope matches" in w.scope_info.value
    assert all(c.layout.display == "none" for c in w.toggles.values())
    w.scope_search.value = ""
    assert w.scope_info.value == "" and all(c.layout.display == "" for c in w.toggles.values())
    w.era.value = "broad"  # the list is rebuilt for the era: the search still applies
    w.scope_search.value = "transactions"
    assert "accounting.transactions" in [n for n, c in w.toggles.items()
                                         if c.layout.display != "none"]
