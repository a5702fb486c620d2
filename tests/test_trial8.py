"""A new user's trial of the scope knowledge (trial 8): what it found wrong, kept fixed.

Each test names the finding it keeps: secrets echoed by the library's errors, a pasted
``Bearer <JWT>`` or id_token, unknown scopes refusing whole tables, the CI gate passing for calls
no scope can grant, the granular era's plan asking for broad scopes, "did you mean" pointing at
scopes that do not grant the resource, Journals counted as lost by a migration.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import xero_nb as xn
from xero_nb.errors import UnknownScopeError, XeroNbError

REFRESH = "a3f1c9e2b7d4a6f8c0e1b2d3f4a5c6e7d8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3"
SECRET = "Xq7v_9kLmN2pR4sT6uW8yZ0aBcDeFgHiJkLmNoPq"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6WyJhIl19.c2lnbmF0dXJl"


# --- 1: the library's errors never repeat a credential passed where a scope or URL goes ---

@pytest.mark.parametrize("value", [REFRESH, SECRET, f"access_token={JWT}", JWT.lower(),
                                   f"accounting.settings.read {REFRESH}"])
def test_an_unknown_scope_error_masks_a_credential(value: str) -> None:
    with pytest.raises(UnknownScopeError) as info:
        xn.parse_scopes(value)
    shown = str(info.value) + repr(info.value)
    for secret in (REFRESH, SECRET, JWT, JWT.lower()):
        assert secret not in shown
    assert "[redacted]" in shown


def test_an_endpoint_lookup_error_masks_the_codes_in_its_url() -> None:
    code = "4f8a9b2c1d3e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a"
    with pytest.raises(XeroNbError) as info:
        xn.required_scopes(f"GET https://api.xero.com/api.xro/2.0/Nope?code={code}&state=xyz")
    assert code not in str(info.value) and "no Xero endpoint matches" in str(info.value)


def test_error_messages_keep_ordinary_words() -> None:
    with pytest.raises(UnknownScopeError) as info:
        xn.parse_scopes("accounting.settngs.read")
    assert str(info.value) == 'unknown Xero scope "accounting.settngs.read" — did you mean "accounting.settings.read"?'


# --- 3, 18: "did you mean" names a scope that grants what the name asks for, or nothing ---

@pytest.mark.parametrize(("name", "meant"), [
    ("accounting.quotes.read", "accounting.invoices.read"),  # Quotes are under invoices (§2b)
    ("accounting.purchaseorders", "accounting.invoices"),
    ("accounting.organisation.read", "accounting.settings.read"),
    ("accounting.reports.aged", "accounting.reports.aged.read"),  # not the deprecated reports.read
    ("accounting.reports.gst.read", "accounting.reports.taxreports.read"),
    ("accounting.reports.pnl.read", "accounting.reports.profitandloss.read"),
    ("assets.write", "assets"), ("accounting.settings.write", "accounting.settings"),  # read-write is the bare name
    ("accounting.settngs.read", "accounting.settings.read"), ("acounting.settings", "accounting.settings"),
    ("payroll.payslips", "payroll.payslip"), ("offline", "offline_access"), ("opnid", "openid"),
    ("accounting.transaction", "accounting.transactions"),  # one letter off: the user's own scope
    ("accounting.reports.balancesheets.read", "accounting.reports.balancesheet.read"),
    # nothing rather than a wrong scope: a resource only deprecated scopes reach, letters alike only
    ("accounting.receipts.read", None), ("accounting.expenseclaims", None),
    ("accounting.widgets.read", None), ("accounting.classicexpenses", None)])
def test_did_you_mean_points_at_a_scope_that_grants_it(name: str, meant: str | None) -> None:
    from xero_nb.catalog.scopes import suggest

    assert suggest(name) == meant


def test_classicexpenses_is_said_to_be_no_xero_scope() -> None:
    for name in ("accounting.classicexpenses", "accounting.classicexpenses.read"):
        with pytest.raises(UnknownScopeError) as info:
            xn.parse_scopes(name)
        assert "not a Xero scope" in str(info.value) and "did you mean" not in str(info.value)
        assert "ExpenseClaims and Receipts have no granular scope" in str(info.value)


# --- 2: one unknown scope (a newer one in a real token, a typo) is carried and noted ---

def test_a_table_is_never_refused_for_one_unknown_scope() -> None:
    from xero_nb.errors import XeroNbWarning

    with pytest.warns(XeroNbWarning, match='"accounting.einvoices.read" is not a scope the catalog knows'):
        frame = xn.coverage("openid accounting.invoices.read accounting.einvoices.read", era="granular")
    assert frame.set_index(["method", "path"]).loc[("GET", "/Invoices"), "allowed"]
    assert any('did you mean "accounting.invoices.read"' in n and "grants nothing here" in n
               for n in frame.attrs["notes"])
    with pytest.warns(XeroNbWarning, match="not a scope the catalog knows"):
        assert not xn.is_allowed("GET /Contacts", ["accounting.contact"], era="granular")
    with pytest.warns(XeroNbWarning, match=r"\[redacted\]"):  # a secret pasted among them: masked
        xn.coverage(["accounting.invoices.read", REFRESH], era="granular")


def test_the_cli_carries_an_unknown_scope_in_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    from xero_nb.cli import main

    for argv in (["coverage", "--granted", "accounting.invoices.read", "accounting.einvoices.read",
                  "--era", "granular", "--api", "accounting"],
                 ["migrate", "--granted", "accounting.transactions", "accounting.einvoices.read"]):
        assert main(argv) == 0
        err = capsys.readouterr().err
        assert 'note: "accounting.einvoices.read" is not a scope the catalog knows' in err


# --- 14: the CI gate fails a call that no scope can grant in the era ---

def test_the_require_gate_fails_a_call_no_scope_grants(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from xero_nb.cli import main

    assert main(["coverage", "--granted", "accounting.invoices", "--era", "granular", "--require",
                 "GET:/Receipts", "--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False and result["missing_scopes"] == []  # nothing to add: it cannot pass
    assert main(["coverage", "--granted", "accounting.transactions", "--era", "mixed", "--require",
                 "GET:/Receipts"]) == 0  # an older app keeps it through the broad scope
    capsys.readouterr()


# --- 15: the granular era's migration plan never asks for a broad scope (Xero refuses the sign-in) ---

def test_the_granular_eras_plan_removes_calls_no_scope_reaches(tmp_path: Path) -> None:
    from xero_nb.scan.analysis import analyse
    from xero_nb.scan.engine import scan_tree

    (tmp_path / "app.py").write_text(
        "import requests\n"
        "def f(tok, tenant):\n"
        "    return requests.get('https://api.xero.com/api.xro/2.0/Receipts', headers={'xero-tenant-id': tenant})\n"
        "def g(tok, tenant):\n"
        "    return requests.get('https://api.xero.com/api.xro/2.0/Invoices', headers={'xero-tenant-id': tenant})\n",
        encoding="utf-8")
    result = scan_tree(tmp_path)
    new = analyse(result, era="granular", requested="accounting.invoices").plan
    assert "accounting.transactions.read" not in new.request | new.add | new.keep_until_deadline
    assert any("remove the call" in row[-1] for row in new.rows if row[3] == "/Receipts")
    old = analyse(result, era="mixed", requested="accounting.transactions").plan  # an older app keeps it
    assert old.keep_until_deadline == {"accounting.transactions"}


# --- 23: a migration does not lose Journals: their scope is unchanged, the tier gates them anyway ---

def test_journals_are_kept_tier_gated_not_lost_by_the_migration() -> None:
    plan = xn.migration_plan("accounting.transactions.read accounting.journals.read")
    assert not plan.cannot_keep and {ep.path for ep, _ in plan.tier_gated} >= {"/Journals"}
    frame = plan.to_frame()
    journals = frame[frame["path"] == "/Journals"]
    assert list(journals["status"]) == ["kept (tier-gated)"]
    assert list(journals["broad_scope"]) == list(journals["granular_scope"]) == ["accounting.journals.read"]
    assert "- Cannot keep: 0 endpoint(s)" in plan.to_markdown()
    assert "- Kept, tier-gated: 3 endpoint(s) (their scope does not change" in plan.to_markdown()


# --- 5: a disputed or assumed granular mapping is said by scopes-for and least-privilege ---

STATUTORY = "https://api.xero.com/payroll.xro/2.0/StatutoryLeaves/Summary/2c1d6b8e-1234-4abc-9def-0123456789ab"


def test_scopes_for_and_least_privilege_say_a_disputed_mapping(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from xero_nb.cli import main

    assert main(["scopes-for", "GET", STATUTORY, "--region", "UK", "--era", "granular"]) == 0
    out = capsys.readouterr().out
    assert "mapping: disputed (source: spec v16.1.0; other reading: payroll.employees" in out
    assert main(["scopes-for", "GET", "/Reports", "--era", "granular", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["mapping"]["confidence"] == "uncertain"
    assert main(["scopes-for", "GET", "/Invoices", "--era", "granular", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["mapping"] is None  # documented: nothing to say
    assert main(["least-privilege", f"GET {STATUTORY}", "--region", "UK", "--era", "granular",
                 "--format", "json"]) == 0
    notes = json.loads(capsys.readouterr().out)["notes"]
    assert any("disputed" in n and "payroll.employees.read" in n for n in notes)


# --- 7, 8: least-privilege's notes name what they speak of; no scope needed is said, not a blank ---

def test_least_privilege_says_why_a_broad_scope_and_when_none_is_needed(capsys: pytest.CaptureFixture[str]) -> None:
    from xero_nb.cli import main

    assert main(["least-privilege", "GET:/Invoices", "--era", "broad"]) == 0
    got = capsys.readouterr()
    assert got.out.strip() == "accounting.transactions.read"
    assert "reaches ;" not in got.err and "the broad era counts only the specs' scopes" in got.err
    assert main(["least-privilege", "GET:/Receipts", "--era", "mixed"]) == 0
    assert "no granular scope reaches GET /Receipts" in capsys.readouterr().err
    assert main(["least-privilege", "GET:https://api.xero.com/connections"]) == 0
    assert capsys.readouterr().out.strip() == "(no scope needed: any valid token)"


# --- 13, 16, 17: the CI gate says a dead broad scope; JSON tells "no scope needed" from "none can";
# an error echoing a megabyte is cut ---

def test_the_gate_names_a_broad_scope_dead_in_the_granular_era(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from xero_nb.cli import main

    argv = ["coverage", "--granted", "accounting.transactions", "--era", "granular", "--require", "GET:/Invoices"]
    assert main(argv) == 1
    assert "note: accounting.transactions allows nothing in the granular era" in capsys.readouterr().err
    assert main([*argv, "--format", "json"]) == 1
    assert any("deprecated broad scope" in n for n in json.loads(capsys.readouterr().out)["notes"])


def test_scopes_for_json_says_whether_any_scope_grants_the_call(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from xero_nb.cli import main

    for url, grantable in (("/Receipts", False), ("https://api.xero.com/connections", True)):
        assert main(["scopes-for", "GET", url, "--era", "granular", "--format", "json"]) == 0
        said = json.loads(capsys.readouterr().out)
        assert said["any_of"] == [] and said["grantable"] is grantable


def test_an_error_message_is_cut_saying_how_long_it_was() -> None:
    with pytest.raises(UnknownScopeError) as info:
        xn.parse_scopes("x" * 1_000_000)
    assert len(str(info.value)) < 2100 and str(info.value).endswith("(cut: the message was 1,000,021 characters)")


# --- 11, 22: a control character in a scope is named; bytes are refused as bytes; a URL with a
# line break is refused, not read as another endpoint ---

def test_control_characters_bytes_and_line_breaks_are_named() -> None:
    with pytest.raises(UnknownScopeError) as info:
        xn.parse_scopes("accounting.invoices\x01")
    assert "contains a control character (U+0001) at position 20" in str(info.value)
    with pytest.raises(TypeError, match="got bytes: decode them first"):
        xn.parse_scopes(b"accounting.invoices")
    with pytest.raises(XeroNbError, match="holds a line break"):
        xn.required_scopes("GET /Invoices\n/Payments")
    assert xn.required_scopes("GET /Invoices\n")  # a trailing newline is no second URL


def test_the_cli_quotes_a_url_with_a_line_break_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from xero_nb.cli import main

    assert main(["scopes-for", "GET", "https://api.xero.com/api.xro/2.0/Invoices\nfoo"]) == 3
    err = capsys.readouterr().err
    assert "Invoices\\nfoo" in err and "(U+000A)" in err
    assert len(err.rstrip("\n").splitlines()) == 1  # the message is not broken where the URL was


# --- 6: the mixed era's granular scopes beside a broad one are said to be on purpose ---

def test_least_privilege_says_why_granular_scopes_stand_beside_a_broad_one(
        capsys: pytest.CaptureFixture[str]) -> None:
    from xero_nb.cli import main

    assert main(["least-privilege", "PUT /Receipts", "GET /BankTransfers", "--era", "mixed"]) == 0
    got = capsys.readouterr()
    assert got.out.split() == ["accounting.banktransactions.read", "accounting.transactions"]
    assert "chosen on purpose: accounting.transactions alone would grant their calls today" in got.err
    assert main(["least-privilege", "PUT /Receipts", "GET /Contacts", "--era", "mixed"]) == 0
    assert "on purpose" not in capsys.readouterr().err  # the broad one does not grant Contacts
