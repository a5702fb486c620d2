"""Endpoints as analysts write them: two spreadsheet cells (tab, comma), a typo that gets a
"did you mean" from Python as from the CLI, a payroll URL of another region said as such, and a
region for least privilege; least privilege says what its set cannot say by itself."""

from __future__ import annotations

import pytest

import xero_nb as xn
from xero_nb.catalog.privilege import least_privilege_notes
from xero_nb.errors import EndpointNotFoundError


@pytest.mark.parametrize("written", ["GET\t/Invoices", "GET,/Invoices", "get  /Invoices", " GET ; /Invoices ",
                                     "GET:/Invoices", "GET\t https://api.xero.com/api.xro/2.0/Invoices"])
def test_a_method_and_url_from_two_cells_or_any_spacing(written: str) -> None:
    assert xn.load_catalog().endpoint(written).operation_id == "getInvoices"


def test_a_typo_in_python_gets_the_did_you_mean_the_cli_gives() -> None:
    with pytest.raises(EndpointNotFoundError, match=r"did you mean /Invoices\?"):
        xn.least_privilege(["GET /Invoicez"])


def test_a_method_the_path_does_not_take_names_the_ones_it_does() -> None:
    with pytest.raises(EndpointNotFoundError, match=r"/Timesheets takes GET, POST"):
        xn.load_catalog().endpoint("PUT /payroll.xro/2.0/Timesheets", region="UK")


def test_another_regions_payroll_url_is_said_to_be_that_regions() -> None:
    with pytest.raises(EndpointNotFoundError, match=r"in region UK: that URL is payroll_au \(AU\).*"
                                                    r"NZ and UK: payroll.xro/2.0"):
        xn.load_catalog().endpoint("GET /payroll.xro/1.0/Employees", region="UK")


def test_least_privilege_takes_the_organisations_region() -> None:
    shared = ["GET /payroll.xro/2.0/Employees", "GET /payroll.xro/2.0/Timesheets"]
    with pytest.raises(xn.AmbiguousEndpointError):
        xn.least_privilege(shared)
    assert xn.least_privilege(shared, region="UK") == {"payroll.employees.read", "payroll.timesheets.read"}
    assert xn.least_privilege(shared, region="nz") == {"payroll.employees.read", "payroll.timesheets.read"}


def test_the_notes_say_why_granular_scopes_stand_beside_a_broad_one_in_python_too() -> None:
    eps = ["PUT /Receipts", "GET /BankTransfers"]
    chosen = xn.least_privilege(eps, era="mixed")
    assert chosen == {"accounting.transactions", "accounting.banktransactions.read"}
    notes = least_privilege_notes(eps, chosen, "mixed")
    assert any("deprecated broad scope, chosen because no granular scope reaches PUT /Receipts" in n
               for n in notes)
    assert any("chosen on purpose" in n and "new consent" in n for n in notes)
    assert not any("on purpose" in n for n in least_privilege_notes(
        ["PUT /Receipts", "GET /Contacts"], xn.least_privilege(["PUT /Receipts", "GET /Contacts"], era="mixed"),
        "mixed"))


def test_a_spreadsheet_export_with_a_header_and_bad_lines_is_answered_for_the_rest(
        tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    from xero_nb.cli import main

    sheet = Path(str(tmp_path)) / "eps.csv"
    sheet.write_text('method,url\nGET,/Invoices\n"GET","/Accounts"\nGET\t/Accounts\n'
                     "PUT /payroll.xro/2.0/Timesheets\nGET /Contactz\n")
    assert main(["least-privilege", "--file", str(sheet), "--era", "granular"]) == 3
    out, err = capsys.readouterr()
    assert out.split() == ["accounting.invoices.read", "accounting.settings.read"]
    assert f"{sheet}:5: no Xero endpoint matches PUT /payroll.xro/2.0/Timesheets — /Timesheets takes GET, POST" in err
    assert f"{sheet}:6: no Xero endpoint matches GET /Contactz — did you mean /Contacts?" in err
    assert "2 line(s) not read" in err and "method,url" not in err
    assert main(["coverage", "--granted", "accounting.invoices.read", "--require-file", str(sheet)]) == 3
    assert f"{sheet}:6:" in capsys.readouterr().err
