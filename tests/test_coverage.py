"""Coverage tables, what-if, least privilege and the migration plan."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xero_nb as xn
from xero_nb.catalog import frames
from xero_nb.catalog import scopes as sc
from xero_nb.catalog.frames import (
    ALLOWED_COLOUR,
    BLOCKED_COLOUR,
    COLUMNS,
    GAINED_COLOUR,
    endpoints_of,
    export,
    select,
    style,
)
from xero_nb.catalog.privilege import as_endpoints
from xero_nb.errors import UnreachableEndpointError, XeroNbWarning

CAT = xn.load_catalog()
ENDPOINTS = list(CAT)
KNOWN = sorted(sc.known_scopes())


@pytest.mark.parametrize("era", sc.ERAS)
def test_coverage_rows_agree_with_is_allowed(era: str) -> None:
    granted = ["accounting.settings.read", "accounting.invoices", "accounting.transactions.read",
               "payroll.employees", "offline_access"]
    if era == "broad":  # accounting.invoices is a 2026 scope: the broad era says it grants nothing
        with pytest.warns(XeroNbWarning, match="accounting.invoices: granular scopes grant nothing"):
            df = xn.coverage(granted, era=era)
    else:
        df = xn.coverage(granted, era=era)
    assert list(df.columns) == list(COLUMNS)
    assert len(df) == 483
    for row, e in zip(df.itertuples(), ENDPOINTS, strict=True):
        assert (row.api, row.operation_id) == e.key
        assert row.allowed == sc.is_allowed(e, granted, era)
        if row.allowed:
            assert row.missing == ""
            assert set(row.granted_by.split()) == sc.granted_by(e, granted, era)
        else:
            assert row.missing == (sc.narrowest(e, era) or "")
            assert row.granted_by == ""


def test_identity_always_allowed_and_empty_token_blocks_the_rest() -> None:
    df = xn.coverage([])
    assert set(df.loc[df["allowed"], "api"]) == {"identity"}


def test_summaries_add_up() -> None:
    granted = "accounting.settings.read accounting.contacts payroll.timesheets"
    df = xn.coverage(granted)
    summary = xn.api_summary(granted)
    assert summary["total"].sum() == 483
    assert summary["allowed"].sum() == df["allowed"].sum()
    by_scope = xn.scope_summary(granted)
    row = by_scope.set_index("scope").loc["accounting.contacts"]
    assert bool(row["granted"]) and row["total"] == 15
    assert row["accounting"] == 15
    assert by_scope.set_index("scope").loc["payroll.timesheets", "payroll_au_v2"] == 9


def test_what_if_lists_only_changed_rows() -> None:
    base = ["accounting.settings.read"]
    gained = xn.what_if(base, add=["accounting.contacts.read"])
    assert set(gained["change"]) == {"gained"}
    expected = {e.key for e in CAT if "accounting.contacts.read" in e.scopes}
    assert {(r.api, r.operation_id) for r in gained.itertuples()} == expected
    lost = xn.what_if(base, remove=["accounting.settings.read"])
    assert set(lost["change"]) == {"lost"} and len(lost) == 20
    assert xn.what_if(base, add=["accounting.settings.read"]).empty
    # era matters: the broad scope gains nothing on a granular-era app
    assert xn.what_if([], add=["accounting.transactions"], era="granular").empty
    assert len(xn.what_if([], add=["accounting.transactions"], era="broad")) == 108 + 50 - 50


def test_what_if_carries_an_unknown_scope_with_a_warning() -> None:
    with pytest.warns(XeroNbWarning, match='did you mean "accounting.contacts"'):
        changed = xn.what_if([], add=["accounting.contact"])
    assert changed.empty  # it grants nothing, and nothing was refused


def test_least_privilege_prefers_reads() -> None:
    assert xn.least_privilege(["GET /Invoices", "GET /Accounts"], era="granular") == {
        "accounting.invoices.read", "accounting.settings.read"}
    # Items answer to settings or invoices: one scope covers Items and Invoices together
    assert xn.least_privilege(["GET /Invoices", "GET /Items"], era="granular") == {
        "accounting.invoices.read"}
    assert xn.least_privilege(["GET /Invoices", "PUT /Invoices"], era="granular") == {
        "accounting.invoices"}
    assert xn.least_privilege(["GET /Invoices"], era="broad") == {"accounting.transactions.read"}
    assert xn.least_privilege(["GET https://api.xero.com/connections"]) == frozenset()
    with pytest.raises(ValueError, match="no Xero endpoint"):
        xn.least_privilege(["GET /Nope"])


def _brute_force_size(eps: list[xn.Endpoint], era: str) -> int:
    needs = [sc.required_scopes(e, era) for e in eps if sc.required_scopes(e, era)]
    pool = sorted(set().union(*needs)) if needs else []
    for k in range(len(pool) + 1):
        for combo in combinations(pool, k):
            if all(n & set(combo) for n in needs):
                return k
    raise AssertionError("no cover")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(ENDPOINTS), min_size=1, max_size=6), st.sampled_from(sc.ERAS))
def test_least_privilege_is_a_minimal_cover(eps: list[xn.Endpoint], era: str) -> None:
    if any(sc.unreachable(e, era) for e in eps):
        with pytest.raises(UnreachableEndpointError, match="no scope grants"):
            xn.least_privilege(eps, era=era)
        eps = [e for e in eps if not sc.unreachable(e, era)]
    chosen = xn.least_privilege(eps, era=era)
    assert all(sc.is_allowed(e, chosen, era) for e in eps)
    if era == "mixed":
        # Narrow before few: granular scopes where they reach, a deprecated broad scope only
        # for what no granular scope reaches (ExpenseClaims, Receipts).
        now = [e for e in eps if not sc.unreachable(e, "granular")]
        assert chosen >= xn.least_privilege(now, era="granular")
        broad = chosen & sc.DEPRECATED_BROAD
        assert not broad or any(sc.unreachable(e, "granular") for e in eps)
        assert len(chosen) <= _brute_force_size(now, "granular") + _brute_force_size(
            [e for e in eps if sc.unreachable(e, "granular")], "mixed")
        return
    assert len(chosen) == _brute_force_size(eps, era)
    if all(e.method == "GET" for e in eps):
        for s in chosen:
            if not s.endswith(".read"):  # only when no read scope would do
                assert all(not x.endswith(".read") for e in eps
                           for x in sc.required_scopes(e, era) if s in sc.required_scopes(e, era))


def test_least_privilege_of_everything_grants_everything() -> None:
    for era in sc.ERAS:
        reachable = [e for e in ENDPOINTS if not sc.unreachable(e, era)]
        chosen = xn.least_privilege(reachable, era=era)
        assert all(sc.is_allowed(e, chosen, era) for e in reachable)
    granular_gone = [e for e in ENDPOINTS if sc.unreachable(e, "granular")]
    assert len(granular_gone) == 12  # ExpenseClaims and Receipts (not their attachments)


def test_expense_claims_and_receipts_have_no_granular_scope_in_any_table() -> None:
    expense = [e for e in ENDPOINTS if e.path.startswith(("/ExpenseClaims", "/Receipts"))
               and e.scopes & sc.DEPRECATED_BROAD]  # their attachments keep accounting.attachments
    assert len(expense) == 12
    for e in expense:
        assert sc.unreachable(e, "granular") and not sc.unreachable(e, "mixed") and not sc.unreachable(e, "broad")
        assert not sc.is_allowed(e, sc.known_scopes(), "granular")  # not even with every scope
        assert sc.required_scopes(e, "mixed") == sc.required_scopes(e, "broad") == e.scopes
        assert sc.is_allowed(e, ["accounting.transactions"], "mixed")
        assert not sc.is_allowed(e, ["accounting.invoices", "accounting.payments"], "mixed")
        assert "no granular scope" in (sc.restriction(e, "granular") or "")
    assert "accounting.classicexpenses" not in sc.known_scopes()
    df = xn.coverage(sc.known_scopes(), era="granular")
    rows = df[df["path"].str.startswith(("/ExpenseClaims", "/Receipts"))
              & ~df["path"].str.contains("Attachments")]
    assert len(rows) == 12 and not rows["allowed"].any()
    assert set(rows["required"]) == {"(no scope grants it)"}
    assert set(rows["source"]) == {"Xero scopes page (2026)"}
    with pytest.raises(UnreachableEndpointError, match="GET /ExpenseClaims"):
        xn.least_privilege(["GET /ExpenseClaims"], era="granular")
    assert xn.least_privilege(["GET /ExpenseClaims"], era="mixed") == {"accounting.transactions.read"}


def test_migration_plan_keeps_the_same_access() -> None:
    broad = "accounting.transactions accounting.reports.read accounting.settings.read " \
            "accounting.journals.read offline_access"
    plan = xn.migration_plan(broad)
    before = {e.key for e in ENDPOINTS if sc.required_scopes(e, "broad") and sc.is_allowed(e, broad, "broad")}
    assert not plan.cannot_keep  # nothing this app reaches is lost by the move itself
    lost = {e.key for e, _ in plan.tier_gated}  # Journals: the tier gates them, migrated or not
    assert lost == {e.key for e in ENDPOINTS if "accounting.journals.read" in e.scopes}
    for e in ENDPOINTS:
        if e.key in before - lost - {x.key for x, _ in plan.no_granular}:
            assert sc.is_allowed(e, plan.granular, "granular"), e
    assert not plan.granular & sc.DEPRECATED_BROAD
    assert "offline_access" in plan.granular
    # Removing a scope from an existing connection is permanent: Journals stay requested.
    assert "accounting.journals.read" in plan.keep and "accounting.journals.read" not in plan.drop
    assert plan.drop == {"accounting.transactions", "accounting.reports.read"}
    assert {"accounting.invoices", "accounting.payments", "accounting.reports.profitandloss.read"} <= plan.add
    assert {"accounting.transactions", "accounting.reports.read"} <= plan.drop
    frame = plan.to_frame()
    assert set(frame["status"]) == {"kept", "uncertain", "kept (tier-gated)", "no granular scope"}
    gone = frame[frame["status"] == "no granular scope"]
    assert sorted(set(gone["path"].str.split("/").str[1])) == ["ExpenseClaims", "Receipts"]
    assert len(gone) == 12 and set(gone["granular_scope"]) == {""}
    assert gone["note"].str.contains("keep the broad scope until 2027-09").all()
    assert plan.keep_until_deadline == {"accounting.transactions"}
    assert ("No granular scope: 12 endpoint(s) (reachable through `accounting.transactions`"
            in plan.to_markdown())
    assert "2026-03-02" in plan.to_markdown()


def test_migration_keeps_unchanged_scopes_as_they_are() -> None:
    plan = xn.migration_plan("accounting.transactions accounting.settings payroll.employees")
    assert {"accounting.settings", "payroll.employees"} <= plan.keep
    assert plan.drop == {"accounting.transactions"}
    assert "accounting.invoices" in plan.add and not plan.cannot_keep


def test_migration_of_read_only_app_stays_read_only() -> None:
    plan = xn.migration_plan(["accounting.transactions.read"])
    assert plan.granular and all(s.endswith(".read") for s in plan.granular)
    assert not plan.cannot_keep


def test_style_and_export(tmp_path: Path) -> None:
    df = xn.coverage(["accounting.settings.read"]).head(6)
    html = style(df).to_html()
    assert ALLOWED_COLOUR.split(": ")[1] in html and BLOCKED_COLOUR.split(": ")[1] in html
    changed = xn.what_if([], add=["accounting.settings.read"])
    assert GAINED_COLOUR.split(": ")[1] in style(changed).to_html()
    back = pd.read_csv(export(df, tmp_path / "c.csv"), keep_default_na=False)
    assert list(back["operation_id"]) == list(df["operation_id"])
    assert "<table" in export(df, tmp_path / "c.html").read_text()
    assert export(df, tmp_path / "c.json").read_text().startswith("[")
    with pytest.raises(ValueError, match=".csv"):
        export(df, tmp_path / "c.pdf")


def test_select_filters() -> None:
    df = xn.coverage(["accounting.settings.read"])
    assert set(select(df, api="payroll_nz")["api"]) == {"payroll_nz"}
    assert set(select(df, method="get")["method"]) == {"GET"}
    assert not select(df, blocked_only=True)["allowed"].any()
    assert set(select(df, text="invoice")["tag"]) == {"Accounting"}
    assert len(endpoints_of(select(df, api="assets"))) == 6


def test_as_endpoints_accepts_pairs_and_strings() -> None:
    eps = as_endpoints([("GET", "/Invoices"), "PUT /Accounts", CAT.get("assets", "getAssets")])
    assert [e.operation_id for e in eps] == ["getInvoices", "createAccount", "getAssets"]


def test_least_privilege_input_forms_and_errors() -> None:
    assert xn.least_privilege("GET /Invoices") == {"accounting.invoices.read"}
    assert xn.least_privilege(["GET:https://api.xero.com/api.xro/2.0/Accounts"]) == {"accounting.settings.read"}
    with pytest.raises(xn.EndpointNotFoundError, match="names no HTTP method"):
        xn.least_privilege(["/Invoices"])
    with pytest.raises(xn.XeroNbError, match="no Xero endpoint matches GET /Nope"):
        xn.least_privilege(["GET /Nope"])


def test_disputed_rows_carry_both_readings_and_are_marked_not_picked() -> None:
    df = xn.coverage(["payroll.employees.read"], era="granular")
    disputed = df[df["confidence"] == "disputed"]
    assert set(disputed["operation_id"]) == {
        "getStatutoryLeaveSummary", "createEmployeeStatutorySickLeave", "getEmployeeStatutorySickLeave"}
    assert disputed["required"].str.contains("payroll.settings").all()  # the spec's reading
    assert disputed["other_reading"].str.contains("payroll.employees").all()  # Xero's page
    assert disputed["source"].eq("spec v16.1.0").all()
    html = frames.style(disputed).to_html()
    assert frames.UNSURE_COLOUR.split(": ")[1] in html and frames.BLOCKED_COLOUR.split(": ")[1] not in html
    for era in sc.ERAS:  # every era shows them disputed
        assert (xn.coverage([], era=era)["confidence"] == "disputed").sum() == 3


def test_a_migration_plan_says_none_rather_than_a_dash() -> None:
    md = xn.migration_plan({"accounting.reports.read"}).to_markdown()
    assert "`-`" not in md and "reachable through -" not in md
    assert "- Drop by 2027-09 (the only way to the endpoints below until then): none" in md
    assert "- No granular scope: 0 endpoint(s)\n" in md


def test_granular_scopes_judged_in_the_broad_era_are_warned_about_at_the_callers_line() -> None:
    """The library's default era is broad; a 2026 scope grants nothing there, which a
    user of coverage('accounting.invoices.read') would not expect without being told."""
    with pytest.warns(XeroNbWarning) as caught:
        df = xn.coverage("accounting.invoices.read accounting.payments.read accounting.contacts.read")
    assert str(caught[0].message) == (  # (accounting.contacts.read is older than 2026: not named)
        "accounting.invoices.read, accounting.payments.read: granular scopes grant nothing in the "
        "broad era; pass era='mixed' (an app created before 2 Mar 2026) or era='granular' (one "
        "created since)")
    assert caught[0].filename == __file__
    assert not df["allowed"][df["path"] == "/Invoices"].any()
    assert xn.coverage("accounting.invoices.read", era="mixed")["allowed"].sum() > 2  # no warning
    assert xn.coverage("accounting.transactions", era="broad")["allowed"].sum() > 2  # no warning
