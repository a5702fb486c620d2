"""What a new analyst found misleading in the scope tables (trial 17): a silent default era, the
deprecation of ExpenseClaims and Receipts unsaid for existing apps, a migration plan's unexplained
additions, a broad-era row labelled uncertain, statuses at odds with their notes."""

from __future__ import annotations

import warnings

import pytest

import xero_nb as xn
from xero_nb.cli import main
from xero_nb.errors import ConfigError, XeroNbWarning


def test_is_allowed_says_when_its_default_era_refuses_what_a_2026_scope_grants() -> None:
    with pytest.warns(XeroNbWarning, match=r"accounting.invoices.read would grant GET /Invoices .* pass era='mixed'"):
        assert xn.is_allowed("GET /Invoices", ["accounting.invoices.read"]) is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # chosen on purpose, or granted anyway: nothing to say
        assert xn.is_allowed("GET /Invoices", ["accounting.invoices.read"], era="broad") is False
        assert xn.is_allowed("GET /Invoices", ["accounting.transactions.read"]) is True
        assert xn.is_allowed("GET /Invoices", ["accounting.contacts"]) is False  # nothing would grant it
        assert xn.is_allowed("GET /Invoices", ["accounting.invoices.read"], era="mixed") is True


def test_an_existing_app_is_told_expense_claims_and_receipts_go_in_2027(capsys: pytest.CaptureFixture[str]) -> None:
    cov = xn.coverage("accounting.transactions", era="mixed")
    for path in ("/ExpenseClaims", "/Receipts"):
        note = cov[(cov.path == path) & (cov.method == "GET")]["restricted"].iloc[0]
        assert note.startswith("deprecated:") and "September 2027" in note
    assert cov[(cov.path == "/Invoices") & (cov.method == "GET")]["restricted"].iloc[0] == ""
    assert main(["scopes-for", "GET", "/ExpenseClaims"]) == 0  # (the CLI's default era is mixed)
    assert "note: deprecated:" in capsys.readouterr().out


def test_the_broad_era_reads_the_specs_scopes_as_documented_but_keeps_a_disputed_row() -> None:
    broad = xn.coverage("accounting.reports.read", era="broad")
    row = broad[(broad.path == "/Reports") & (broad.method == "GET")].iloc[0]
    assert (row["source"], row["confidence"]) == ("spec v16.1.0", "documented")
    mixed = xn.coverage("accounting.reports.read", era="mixed")
    assert mixed[(mixed.path == "/Reports") & (mixed.method == "GET")]["confidence"].iloc[0] == "uncertain"
    assert (broad["confidence"] == "disputed").sum() == 3  # the spec's own reading is in dispute


def test_a_migration_plan_names_its_uncertain_endpoints_and_why_an_old_scope_is_added() -> None:
    md = xn.migration_plan("accounting.transactions accounting.reports.read").to_markdown()
    assert "- Rest on uncertain mappings: 1 endpoint(s) (GET /Reports: see the table's note)" in md
    assert ("`accounting.reports.tenninetynine.read` is not one of the 2026 scopes (unchanged on Xero's page: "
            "the US 1099 report); it is added to keep GET /Reports/TenNinetyNine") in md
    assert "`accounting.invoices` is not one of" not in md  # (a 2026 scope needs no such word)


def test_scope_summary_statuses_agree_with_their_notes() -> None:
    table = xn.scope_summary([], era="mixed").set_index("scope")
    assert table.loc["accounting.journals.read", "status"] == "restricted"
    assert "Advanced tier" in table.loc["accounting.journals.read", "note"]
    assert table.loc["workflowmax.read", "status"] == "unlisted"
    assert "not on Xero's scopes page" in table.loc["workflowmax.read", "note"]
    assert table.loc["accounting.invoices", "status"] == "new" and table.loc["accounting.invoices", "note"] == ""


def test_the_notebooks_demo_app_is_chosen_by_name_and_a_typo_names_the_apps() -> None:
    from xero_nb.widgets.connection import Connection

    conn = Connection.auto(demo_app="pkce", demo_scopes=["accounting.settings.read"], env_file=None)
    assert (conn.app, conn.era, conn.token is not None) == ("pkce", "granular", True)
    with pytest.raises(ConfigError, match="no demo app 'wbe': use one of web, pkce, custom, partner, migrating"):
        conn.use_simulator.__wrapped__(conn, app="wbe")  # (the panel shows it: guarded)
    assert conn.app == "pkce"  # nothing changed
