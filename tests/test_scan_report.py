"""What a scan says the code needs: least privilege per era, findings at file and line, the plan, the CLI gate."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest

from xero_nb.cli import main
from xero_nb.scan.analysis import analyse
from xero_nb.scan.engine import scan_tree
from xero_nb.scan.sarif import to_sarif

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "scan"
SAMPLE = FIXTURES / "sample_app"


def test_sample_app_least_privilege_in_each_era() -> None:
    report = analyse(scan_tree(SAMPLE), era="mixed")
    assert report.ok and report.requested_from == "code"
    assert report.least["granular"] == {"accounting.contacts.read", "accounting.invoices", "accounting.payments",
                                        "accounting.settings.read"}
    assert report.least["broad"] == {"accounting.contacts.read", "accounting.settings.read",
                                     "accounting.transactions"}


def test_sample_app_migration_plan_for_exactly_this_code() -> None:
    plan = analyse(scan_tree(SAMPLE)).plan
    assert plan.drop == {"accounting.transactions", "accounting.contacts"}
    assert plan.add == {"accounting.invoices", "accounting.payments", "accounting.contacts.read"}
    assert plan.request == {"accounting.contacts.read", "accounting.invoices", "accounting.payments",
                            "accounting.settings.read", "openid", "profile", "email", "offline_access"}
    rows = {row[1]: row for row in plan.rows}
    assert rows["createPayments"][4:] == ("accounting.transactions", "accounting.payments", "kept")
    assert "| accounting.getInvoices | GET /Invoices |" in plan.to_markdown()


def test_over_privilege_points_at_where_the_scope_is_written() -> None:
    report = analyse(scan_tree(SAMPLE))
    wider = [f for f in report.findings if f.kind == "wider_scope"]
    assert [(f.file, f.line, f.scope) for f in wider] == [(".env.example", 5, "accounting.contacts")]
    extra = analyse(scan_tree(SAMPLE), requested="accounting.transactions accounting.contacts.read "
                                                 "accounting.settings.read accounting.journals.read")
    assert [f.scope for f in extra.findings if f.kind == "unused_scope"] == ["accounting.journals.read"]


def test_missing_scopes_are_the_insufficient_permissions_ahead() -> None:
    report = analyse(scan_tree(SAMPLE), era="mixed", requested="accounting.contacts.read accounting.settings.read")
    assert not report.ok
    missing = {(f.file, f.line, f.scope) for f in report.findings if f.kind == "missing_scope"}
    assert ("app.py", 25, "accounting.invoices") in missing  # create_invoices
    assert ("webhooks.js", 15, "accounting.payments") in missing
    assert not [f for f in report.findings if f.kind == "missing_scope" and f.operation.startswith("identity")]
    assert not analyse(scan_tree(SAMPLE), era="granular").ok  # the broad scope grants nothing there


def test_restricted_unreachable_and_unknown_calls_are_findings() -> None:
    report = analyse(scan_tree(FIXTURES / "http"), era="mixed",
                     requested="accounting.transactions accounting.contacts payroll.employees.read "
                               "accounting.settings.read")
    kinds = {(f.kind, f.operation or f.message.split()[1]) for f in report.findings}
    assert ("restricted", "accounting.getJournals") in kinds
    assert ("restricted", "accounting.getReportBankStatement") in kinds
    assert ("no_granular", "accounting.getExpenseClaims") in kinds
    assert ("unknown_endpoint", "https://api.xero.com/api.xro/2.0/Employees") in kinds
    where = [(f.file, f.line) for f in report.findings if f.operation == "accounting.getExpenseClaims"]
    assert where and set(where) == {("rest_client.py", 49)}
    assert "accounting.transactions" in report.plan.keep_until_deadline
    assert "accounting.getExpenseClaims" not in " ".join(sorted(report.least["granular"]))


def test_sarif_is_2_1_0_with_locations() -> None:
    report = analyse(scan_tree(SAMPLE), requested="accounting.settings.read")
    log = to_sarif(report, version="1")
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    results = log["runs"][0]["results"]
    errors = [r for r in results if r["level"] == "error"]
    assert errors and all(r["ruleId"] == "missing_scope" for r in errors)
    loc = errors[0]["locations"][0]["physicalLocation"]
    uri = loc["artifactLocation"]["uri"]
    assert uri.endswith(("app.py", "webhooks.js")) and loc["region"]["startLine"] >= 1
    base = log["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"]  # SRCROOT + uri is the file
    assert Path(urllib.parse.urlparse(base + uri).path).is_file()
    rules = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)


def test_cli_table_shows_calls_least_privilege_and_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "app.py:25  PUT /Invoices  accounting.createInvoices" in out
    assert "granular  accounting.contacts.read accounting.invoices accounting.payments" in out
    assert "## Migration to granular scopes (this code)" in out


@pytest.mark.parametrize(("args", "code"), [
    ([], 0),
    (["--era", "granular"], 1),
    (["--requested", "accounting.contacts.read accounting.settings.read"], 1),
    (["--requested", "accounting.transactions", "accounting.contacts.read", "accounting.settings.read"], 0),
    (["--era", "granular", "--requested", "accounting.invoices accounting.payments accounting.contacts.read "
                                          "accounting.settings.read"], 0),
])
def test_cli_gate(args: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(SAMPLE), "--format", "json", *args]) == code
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is (code == 0)


def test_cli_json_csv_and_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    main(["scan", str(SAMPLE), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    call = data["calls"][0]
    assert {"api", "operation_id", "method", "path", "file", "line"} <= set(call)
    assert data["least_privilege"]["granular"] and data["migration"]["request"]
    main(["scan", str(SAMPLE), "--format", "csv"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("file,line,api,operation_id,method,path") and len(lines) == 9
    main(["scan", str(SAMPLE), "--format", "sarif", "--requested", "openid"])
    assert json.loads(capsys.readouterr().out)["version"] == "2.1.0"


def test_cli_missing_path_and_unknown_scope(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(tmp_path / "nope")]) == 2
    assert main(["scan", str(SAMPLE), "--requested", "accounting.invoice"]) == 3
    assert "accounting.invoice" in capsys.readouterr().err
